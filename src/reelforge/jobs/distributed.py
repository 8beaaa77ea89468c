"""Distributed rendering: Celery tasks on a Redis broker and result backend (REELFORGE_BROKER_URL).

A job runs as ``prepare`` (script, narration, scene plan: once) -> one ``segment`` task per time segment on
any worker (a chord) -> ``join`` (the segments' packets remuxed, the soundtrack encoded once). Workers are
started with ``reelforge worker``; ``reelforge serve`` with REELFORGE_BROKER_URL set hands its queued jobs to
them (``CeleryExecutor``) instead of rendering them in local processes. A preview job is one ``preview`` task on
one worker (its draft is small).

Files: the plan, the segments and the finished video are files under the data dir (REELFORGE_DATA_DIR), which
the server and every worker must share: one machine, or a shared filesystem (NFS, SMB, ...) mounted at each
worker's REELFORGE_DATA_DIR. Videos run to hundreds of megabytes and Redis holds everything in memory, so
segments do not travel through the result backend; a segment is written once and read once, by the join.

Progress: tasks write it into one Redis hash per job (``JobBoard``); the server copies it into its SQLite job
store, which stays the one record that GET /jobs/{id} reads (SQLite cannot be shared between machines).
A cancel is a flag in the same hash, checked by every task at each progress report.

Delivery: a task is acknowledged only when it has finished (acks_late); one whose pool process dies is
re-queued at once (reject_on_worker_lost); one whose whole worker is gone (killed, machine lost) is delivered
again by Redis once its visibility timeout passes; a worker takes one task at a time (prefetch 1). Redis
re-delivers a task unacknowledged past that timeout however alive its worker is, so a running task holds a lease
in Redis (``LEASE_S``, renewed while it runs): a copy that finds the lease held looks again later (a retry),
taking the work over only once the lease lapses (its worker died), and a copy of a finished task does nothing.
Tasks are idempotent besides: the plan, a segment and the video are the same bytes on every run, written under a
temporary name and renamed; a redelivered ``prepare`` reuses its plan and does not start the segments again.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import redis
from celery import Celery, Task, chord
from celery.exceptions import Ignore, Retry
from redis.exceptions import LockError
from redis.lock import Lock

from reelforge.encode import atomic_write_bytes
from reelforge.errors import ReelforgeError
from reelforge.jobs.local import overall_progress, remove_outputs, throttled
from reelforge.jobs.store import PREVIEW, RUNNING, Job, JobStore
from reelforge.pipeline import ProgressCallback, RenderPlan, prepare, write_exports, write_plan_subtitles
from reelforge.preview import preview
from reelforge.request import parse_request
from reelforge.segments import RenderStopped, Segment, join_segments, render_segment, segment_path, split
from reelforge.server.settings import Settings

PLAN_FILE = "plan.pickle"
BOARD_TTL_S = 7 * 24 * 3600
JOIN_RETRIES = 60
LEASE_S = 6.0  # a running task's claim on its work, renewed every third of it: a dead worker's lapses this soon
WAITING = "waiting for a worker"

log = logging.getLogger(__name__)

app = Celery("reelforge")
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    result_expires=24 * 3600,
    broker_connection_retry_on_startup=True,
)


def configure(settings: Settings) -> Celery:
    """Point the Celery app at the settings' Redis (broker and result backend) and shared data dir."""
    timeout = settings.visibility_timeout_s
    sweep = max(1, min(10, round(timeout / 10)))
    app.conf.update(
        broker_url=settings.broker_url,
        result_backend=settings.broker_url,
        # Look for abandoned tasks about ten times per timeout, so a dead worker's task moves on promptly; the
        # sweep's lock expires by the next sweep, so a worker killed while holding it does not stall recovery.
        broker_transport_options={"visibility_timeout": timeout, "unacked_restore_interval": sweep,
                                  "unacked_restore_throttle": 1, "unacked_mutex_expire": sweep},
        reelforge_data_dir=str(Path(settings.data_dir).resolve()),
    )
    return app


def run_worker(settings: Settings, concurrency: int = 1, loglevel: str = "info") -> None:
    """Run a Celery worker for reelforge's tasks (blocks until the worker stops)."""
    configure(settings)
    settings.videos_dir.mkdir(parents=True, exist_ok=True)
    settings.segments_dir.mkdir(parents=True, exist_ok=True)
    app.worker_main(["worker", "--pool=prefork", f"--concurrency={concurrency}", f"--loglevel={loglevel}",
                     "--without-gossip", "--without-mingle", f"--hostname=reelforge-{os.getpid()}@%h"])


class JobBoard:
    """One Redis hash per job: stage, frames done per segment, timings, outcome, and the cancel flag."""

    def __init__(self, url: str):
        self.redis = redis.Redis.from_url(url, decode_responses=True)

    @staticmethod
    def _key(job_id: str) -> str:
        return f"reelforge:job:{job_id}"

    def _set(self, job_id: str, **fields: Any) -> None:
        key = self._key(job_id)
        self.redis.pipeline().hset(key, mapping=fields).expire(key, BOARD_TTL_S).execute()

    def read(self, job_id: str) -> dict[str, str]:
        return self.redis.hgetall(self._key(job_id))

    def submitted(self, job_id: str) -> None:
        self._set(job_id, submitted=time.time())

    def stage(self, job_id: str, stage: str, done: int, total: int) -> None:
        self._set(job_id, stage=stage, done=done, total=total)

    def begin_frames(self, job_id: str, frame_count: int, timings: dict[str, float]) -> None:
        self._set(job_id, stage="frames", total=frame_count, timings=json.dumps(timings), frames_started=time.time())

    def segment_progress(self, job_id: str, index: int, frames: int) -> None:
        self._set(job_id, **{f"segment:{index}": frames})

    def fanned_out(self, job_id: str) -> bool:
        """Whether the job's segments were started (a redelivered ``prepare`` must not start them again)."""
        return bool(self.redis.hexists(self._key(job_id), "fanned_out"))

    def mark_fanned_out(self, job_id: str) -> None:
        self._set(job_id, fanned_out=1)

    def succeed(self, job_id: str, script: str, video: str, timings: dict[str, float],
                emotion: dict[str, str], warnings: list[str]) -> None:
        self._set(job_id, result=json.dumps({"script": script, "video": video, "timings": timings,
                                             "emotion": emotion, "warnings": warnings}))

    def lease(self, job_id: str, task: str) -> Lock:
        """The lease a running ``task`` of the job holds (any thread of the holder may renew or release it)."""
        return self.redis.lock(f"{self._key(job_id)}:lease:{task}", timeout=LEASE_S, thread_local=False)

    def finished(self, job_id: str, task: str) -> bool:
        """Whether ``task`` of the job has run to its end (a re-delivered copy of it has nothing to do)."""
        return bool(self.redis.hexists(self._key(job_id), f"finished:{task}"))

    def mark_finished(self, job_id: str, task: str) -> None:
        self._set(job_id, **{f"finished:{task}": 1})

    def fail(self, job_id: str, error: str) -> None:
        """Record why the job failed; the first error stands (later ones are its consequences)."""
        self.redis.hsetnx(self._key(job_id), "error", error)

    def cancel(self, job_id: str) -> None:
        self._set(job_id, cancel=1)

    def stopped(self, job_id: str) -> bool:
        """The job was cancelled or has failed: its remaining tasks have nothing to do."""
        return any(self.redis.hmget(self._key(job_id), "cancel", "error"))


def board_progress(fields: dict[str, str]) -> tuple[str, float]:
    """(stage, overall 0..1) from a job's board; frames are summed over its segments."""
    stage = fields.get("stage", "")
    total = int(fields.get("total", 0))
    if stage == "frames" and "frames_started" in fields:  # a render's segments (a preview reports its own frames)
        done = sum(int(value) for name, value in fields.items() if name.startswith("segment:"))
        return stage, overall_progress(stage, min(done, total), total)
    return stage, overall_progress(stage, int(fields.get("done", 0)), total)


# ---- worker side -------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _board() -> JobBoard:
    return JobBoard(app.conf.broker_url)


def _data_dir() -> Path:
    return Path(app.conf.reelforge_data_dir)


def _work_dir(job_id: str) -> Path:
    return _data_dir() / "segments" / job_id


def _videos_dir() -> Path:
    return _data_dir() / "videos"


def _load_plan(job_id: str) -> RenderPlan:
    return pickle.loads((_work_dir(job_id) / PLAN_FILE).read_bytes())


def _reporter(job_id: str, report: ProgressCallback) -> ProgressCallback:
    """A render's progress callback: passes reports on (throttled) and stops the render once cancelled."""
    board = _board()

    @throttled
    def progress(stage: str, done: int, total: int) -> None:
        report(stage, done, total)
        if board.stopped(job_id):
            raise RenderStopped(f"job {job_id} was stopped")

    return progress


def _stage_reporter(job_id: str) -> ProgressCallback:
    """A render's progress callback that records the stage and its progress on the job's board."""
    board = _board()
    return _reporter(job_id, lambda *report: board.stage(job_id, *report))


@contextmanager
def _holding(lease: Lock) -> Iterator[None]:
    """Hold an acquired ``lease`` while the block runs: renewed every third of its life, released after."""
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(LEASE_S / 3):
            try:
                lease.reacquire()
            except LockError:  # lapsed (this process stalled past LEASE_S): a copy of the task may run too
                log.warning("reelforge: lost the lease %s", lease.name)
                return
            except redis.RedisError as error:  # Redis briefly unreachable: try again at the next renewal
                log.warning("reelforge: cannot renew the lease %s: %s", lease.name, error)

    renewer = threading.Thread(target=renew, name="reelforge-lease", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()
        try:
            lease.release()
        except LockError:
            pass  # lapsed already


def _lease_wait() -> float:
    """How long a copy of a running task waits before it looks at the lease again: under the broker's visibility
    timeout, or Redis would re-deliver the waiting copy too."""
    return min(LEASE_S, app.conf.broker_transport_options["visibility_timeout"] / 2)


def _run(task: Task, job_id: str, name: str, work: Callable[[JobBoard], None]) -> None:
    """Run a task's work for a job, once: skipped once the job is stopped or the work is finished, retried later
    while another worker holds its lease; its errors fail the job."""
    board = _board()
    if board.stopped(job_id):
        raise Ignore()
    if board.finished(job_id, name):
        return
    lease = board.lease(job_id, name)
    if not lease.acquire(blocking=False):
        raise task.retry(countdown=_lease_wait())
    with _holding(lease):
        try:
            work(board)
        except (Retry, Ignore):
            raise
        except Exception as error:
            if isinstance(error, RenderStopped) or board.stopped(job_id):  # cancelled, or failed elsewhere
                shutil.rmtree(_work_dir(job_id), ignore_errors=True)
                remove_outputs(_videos_dir(), job_id)
                raise Ignore() from None
            board.fail(job_id, str(error) if isinstance(error, ReelforgeError)
                       else f"internal error: {type(error).__name__}: {error}")  # reported on the job, never lost
            raise
        board.mark_finished(job_id, name)


@app.task(name="reelforge.prepare", bind=True, max_retries=None)
def prepare_job(self: Task, job_id: str, request: dict[str, Any], segment_seconds: float) -> None:
    """Script, narration and scene plan, once per job; then the segments fan out, joined when all are done."""

    def work(board: JobBoard) -> None:
        folder = _work_dir(job_id)
        folder.mkdir(parents=True, exist_ok=True)
        if (folder / PLAN_FILE).exists():  # a redelivered prepare: the plan was made already
            plan = _load_plan(job_id)
        else:
            plan = prepare(parse_request(request), _stage_reporter(job_id))
            atomic_write_bytes(folder / PLAN_FILE, pickle.dumps(plan))
        segments = split(plan.frame_count, plan.preset.fps, segment_seconds)
        board.begin_frames(job_id, plan.frame_count, plan.timings)
        if not board.fanned_out(job_id):  # marked after the start: a crash in between repeats work, never loses it
            spans = [[s.index, s.start, s.end] for s in segments]
            chord(render_job_segment.si(job_id, *span) for span in spans)(join_job.si(job_id, spans))
            board.mark_fanned_out(job_id)

    _run(self, job_id, "prepare", work)


@app.task(name="reelforge.segment", bind=True, max_retries=None)
def render_job_segment(self: Task, job_id: str, index: int, start: int, end: int) -> None:
    """Render one segment of a prepared job into the shared folder (skipped when it is there already)."""

    def work(board: JobBoard) -> None:
        segment = Segment(index, start, end)
        if not segment_path(_work_dir(job_id), segment).exists():
            report = _reporter(job_id, lambda stage, done, total: board.segment_progress(job_id, index, done))
            render_segment(_load_plan(job_id), segment, _work_dir(job_id), report,
                           poster=_videos_dir() / f"{job_id}.jpg")
        board.segment_progress(job_id, index, segment.frames)

    _run(self, job_id, f"segment:{index}", work)


@app.task(name="reelforge.join", bind=True, max_retries=None)
def join_job(self: Task, job_id: str, spans: list[list[int]]) -> None:
    """Join a job's segments into its video (with subtitles) and record the result on the board."""

    def work(board: JobBoard) -> None:
        segments = [Segment(*span) for span in spans]
        folder = _work_dir(job_id)
        if not all(segment_path(folder, segment).exists() for segment in segments):
            # The join trusts the files, not the chord's count (a segment re-delivered after its first run reported
            # could be counted twice): wait for any segment still rendering.
            raise self.retry(countdown=1, max_retries=JOIN_RETRIES)
        fields = board.read(job_id)
        timings = json.loads(fields.get("timings", "{}"))
        timings["frames"] = time.time() - float(fields.get("frames_started", time.time()))
        board.stage(job_id, "encode", 0, 1)
        clock = time.perf_counter()
        plan = _load_plan(job_id)
        output = _videos_dir() / f"{job_id}.mp4"
        join_segments(plan, segments, folder, output)
        write_plan_subtitles(plan, output)
        timings["encode"] = time.perf_counter() - clock
        clock = time.perf_counter()
        write_exports(plan, output, _stage_reporter(job_id))
        timings["export"] = time.perf_counter() - clock
        board.succeed(job_id, plan.script.text, output.name, timings,
                      {"emotion": plan.emotion.emotion.value, "reason": plan.emotion.reason}, plan.script.warnings)

    _run(self, job_id, "join", work)


@app.task(name="reelforge.preview", bind=True, max_retries=None)
def preview_job(self: Task, job_id: str, request: dict[str, Any]) -> None:
    """A preview job on one worker: the draft is small, so it is not cut into segments."""

    def work(board: JobBoard) -> None:
        output = _videos_dir() / f"{job_id}.mp4"
        result = preview(parse_request(request), output, _stage_reporter(job_id))
        board.succeed(job_id, result.script, output.name, result.timings,
                      {"emotion": result.emotion, "reason": result.emotion_reason}, result.warnings)

    _run(self, job_id, "preview", work)


# ---- server side -------------------------------------------------------------------------------------------

class CeleryExecutor:
    """The server's half of distributed mode: queued jobs go to Celery; their boards are copied into the store.

    Only the server writes the store. A job still running when the server restarts goes on on the workers
    and is followed again; one that never reached Redis (no board) is submitted again.
    """

    def __init__(self, store: JobStore, settings: Settings, poll_s: float = 0.25):
        self.store, self.settings, self.poll_s = store, settings, poll_s
        configure(settings)
        self.board = JobBoard(settings.broker_url)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> list[str]:
        self.settings.videos_dir.mkdir(parents=True, exist_ok=True)
        self._thread = threading.Thread(target=self._loop, name="reelforge-celery", daemon=True)
        self._thread.start()
        return []

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                while (job := self.store.claim_next()) is not None:
                    self._submit(job)
                for job in self.store.in_state(RUNNING):
                    self._follow(job)
            except (redis.RedisError, OSError) as error:  # Redis down: jobs wait, nothing is lost
                log.warning("reelforge: cannot reach the broker: %s", error)
            self._stop.wait(self.poll_s)

    def _submit(self, job: Job) -> None:
        if job.kind == PREVIEW:
            preview_job.apply_async(args=(job.id, job.request))
        else:
            prepare_job.apply_async(args=(job.id, job.request, self.settings.segment_seconds))
        self.board.submitted(job.id)
        self.store.report(job.id, WAITING, 0.0)

    def _follow(self, job: Job) -> None:
        fields = self.board.read(job.id)
        if not fields:
            self._submit(job)
        elif job.cancel_requested:
            self.board.cancel(job.id)
            self.store.mark_cancelled(job.id)
            self._clean(job.id, outputs=True)
        elif "error" in fields:
            self.store.fail(job.id, fields["error"])
            self._clean(job.id, outputs=True)
        elif "result" in fields:
            result = json.loads(fields["result"])
            self.store.succeed(job.id, result["script"], result["video"], result["timings"], result.get("emotion"),
                               result.get("warnings"))
            self._clean(job.id, outputs=False)
        else:
            stage, progress = board_progress(fields)
            if stage:
                self.store.report(job.id, stage, max(progress, job.progress))

    def _clean(self, job_id: str, outputs: bool) -> None:
        shutil.rmtree(self.settings.segments_dir / job_id, ignore_errors=True)
        if outputs:
            remove_outputs(self.settings.videos_dir, job_id)
