"""The embedded executor: queued jobs rendered by a pool of processes on this machine, no server to install.

A dispatcher thread claims queued jobs from the store and starts one render process per job (up to
``workers`` at once). The render process writes its own progress and result to the store and stops itself
when the job is cancelled or the server that started it is gone; the dispatcher reaps processes, reports a
crashed render as failed, and kills a render that ignores a cancel.

With ``segment_processes`` > 1, a job's video is cut into segments of ``segment_seconds`` that render in
that many processes at once (segments.LocalSegments), so one long video uses every core of the machine.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from reelforge.errors import ReelforgeError
from reelforge.jobs.store import PREVIEW, RUNNING, JobStore

STAGE_SPANS = {"script": (0.0, 0.05), "voice": (0.05, 0.15), "frames": (0.15, 0.97), "encode": (0.97, 0.98),
               "export": (0.98, 1.0)}
REPORT_EVERY_S = 0.2
CANCEL_GRACE_S = 2.0


class JobStopped(Exception):
    """Raised inside a render to stop it: the job was cancelled, or the server that started it is gone."""

    def __init__(self, cancelled: bool):
        super().__init__("cancelled" if cancelled else "the server that started this render is gone")
        self.cancelled = cancelled


def overall_progress(stage: str, done: int, total: int) -> float:
    """A stage's own progress mapped onto the job's 0..1."""
    start, end = STAGE_SPANS.get(stage, (0.0, 1.0))
    return start + (end - start) * (done / total if total else 1.0)


def throttled(report: Callable[[str, int, int], None]) -> Callable[[str, int, int], None]:
    """A progress callback passing on each stage's first and last report, and at most one every REPORT_EVERY_S."""
    last = 0.0

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < REPORT_EVERY_S and done not in (0, total):
            return
        last = now
        report(stage, done, total)

    return progress


def remove_outputs(output_dir: Path, job_id: str) -> None:
    """Delete a job's files, finished or partial (temporary names start with a dot)."""
    for path in list(output_dir.glob(f"{job_id}.*")) + list(output_dir.glob(f".{job_id}.*")):
        path.unlink(missing_ok=True)


def run_job(db_path: str, job_id: str, output_dir: str, segment_processes: int = 1,
            segment_seconds: float = 10.0) -> None:
    """Render one job (in its own process) and record the outcome in the store: the video, or a preview's draft."""
    from reelforge.pipeline import render
    from reelforge.preview import preview
    from reelforge.request import parse_request
    from reelforge.segments import LocalSegments

    store, folder = JobStore(Path(db_path)), Path(output_dir)
    parent = os.getppid()

    @throttled
    def progress(stage: str, done: int, total: int) -> None:
        if os.getppid() != parent:
            raise JobStopped(cancelled=False)
        if not store.report(job_id, stage, overall_progress(stage, done, total)):
            raise JobStopped(cancelled=True)

    job = store.get(job_id)
    if job is None or job.state != RUNNING:
        return
    output = folder / f"{job_id}.mp4"
    try:
        if job.kind == PREVIEW:
            result = preview(parse_request(job.request), output, progress)
        else:
            result = render(parse_request(job.request), output, progress,
                            write_frames=LocalSegments(segment_processes, segment_seconds))
    except JobStopped as stop:
        if stop.cancelled:
            remove_outputs(folder, job_id)
            store.mark_cancelled(job_id)
        # else: the job stays "running"; the restarted server re-queues it (JobStore.recover)
    except ReelforgeError as error:
        remove_outputs(folder, job_id)
        store.fail(job_id, str(error))
    except Exception as error:  # reported on the job, never lost
        remove_outputs(folder, job_id)
        store.fail(job_id, f"internal error: {type(error).__name__}: {error}")
    else:
        store.succeed(job_id, result.script, output.name, result.timings,
                      {"emotion": result.emotion, "reason": result.emotion_reason}, result.warnings)


class LocalExecutor:
    """Runs the store's queued jobs in up to ``workers`` render processes."""

    def __init__(self, store: JobStore, output_dir: Path, workers: int = 1, poll_s: float = 0.2,
                 segment_processes: int = 1, segment_seconds: float = 10.0):
        self.store, self.output_dir = store, Path(output_dir)
        self.workers, self.poll_s = workers, poll_s
        self.segment_processes, self.segment_seconds = segment_processes, segment_seconds
        self._context = multiprocessing.get_context("spawn")
        self._running: dict[str, tuple[multiprocessing.process.BaseProcess, float | None]] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> list[str]:
        """Recover jobs cut off by a previous stop, then start dispatching. Returns the recovered ids."""
        self.output_dir.mkdir(parents=True, exist_ok=True)
        recovered = self.store.recover()
        for job_id in recovered:
            remove_outputs(self.output_dir, job_id)
        self._thread = threading.Thread(target=self._loop, name="reelforge-dispatch", daemon=True)
        self._thread.start()
        return recovered

    def stop(self) -> None:
        """Stop dispatching and end running renders; their jobs are re-queued on the next start."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        for process, _ in self._running.values():
            process.kill()
            process.join()
        self._running.clear()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._reap()
            self._enforce_cancels()
            while len(self._running) < self.workers and (job := self.store.claim_next()) is not None:
                # Not a daemon: a render may start its own segment processes.
                process = self._context.Process(target=run_job, name=f"reelforge-job-{job.id[:8]}",
                                                args=(str(self.store.path), job.id, str(self.output_dir),
                                                      self.segment_processes, self.segment_seconds))
                process.start()
                self._running[job.id] = (process, None)
            self._stop.wait(self.poll_s)

    def _reap(self) -> None:
        for job_id, (process, _) in list(self._running.items()):
            if process.is_alive():
                continue
            process.join()
            del self._running[job_id]
            job = self.store.get(job_id)
            if job is not None and job.state == RUNNING:
                remove_outputs(self.output_dir, job_id)
                if job.cancel_requested:
                    self.store.mark_cancelled(job_id)
                else:
                    self.store.fail(job_id, f"the render process ended unexpectedly (exit code {process.exitcode})")

    def _enforce_cancels(self) -> None:
        now = time.monotonic()
        for job_id, (process, asked) in list(self._running.items()):
            job = self.store.get(job_id)
            if job is None or not job.cancel_requested:
                continue
            if asked is None:
                self._running[job_id] = (process, now)
            elif now - asked > CANCEL_GRACE_S:
                process.kill()
