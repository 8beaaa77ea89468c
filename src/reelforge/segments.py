"""Render one video as time segments in parallel, then join them without re-encoding.

A segment is a contiguous range of frames that starts on a GOP boundary. Every segment is encoded with the
render's own encoder settings (encode.py: fixed-length closed GOPs, each segment opening on an IDR frame,
x264's stitchable headers, so all segments share one SPS/PPS) and without audio. ``join_segments`` copies the
segments' H.264 packets, shifted to their place on the timeline, into one MP4 and encodes the soundtrack once
for the whole timeline beside them (the same AAC packets as a single-process render), +faststart, atomically.

Frames are functions of their index (pipeline.FrameRenderer), so a segment's frames are the whole render's
frames. Only the encoder's rate control starts afresh in each segment; the decoded pictures then differ from a
single-process render's by coding noise well below what can be seen (tests/test_segments.py measures the PSNR).

Segments run in local processes here (``LocalSegments``) or on Celery workers (jobs/distributed.py).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import tempfile
from collections.abc import Sequence
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from contextlib import ExitStack
from pathlib import Path

import av
import cv2

from reelforge.encode import GOP_SECONDS, AudioTrack, Segment, copy_packets
from reelforge.pipeline import ProgressCallback, RenderPlan, encode_frames

SEGMENT_SECONDS = 10.0
REPORT_EVERY_S = 0.2


class RenderStopped(Exception):
    """Raised from a progress report to stop a render or one of its segments (cancelled, or its owner is gone)."""


def split(frame_count: int, fps: int, seconds: float = SEGMENT_SECONDS,
          max_segments: int | None = None) -> list[Segment]:
    """Cut ``frame_count`` frames into segments of ``seconds`` rounded to whole GOPs (the last one shorter),
    made longer where needed to give at most ``max_segments``.

    The segments' bytes depend on this cut only, not on which process or machine renders each segment.
    """
    gop = max(1, round(GOP_SECONDS * fps))
    gops = max(1, round(seconds / GOP_SECONDS))
    if max_segments is not None:
        gops = max(gops, math.ceil(math.ceil(frame_count / gop) / max_segments))
    length = gops * gop
    return [Segment(index, start, min(start + length, frame_count))
            for index, start in enumerate(range(0, frame_count, length))]


def segment_path(folder: Path, segment: Segment) -> Path:
    return Path(folder) / f"segment-{segment.index:04d}.mp4"


def render_segment(plan: RenderPlan, segment: Segment, folder: Path, progress: ProgressCallback | None = None,
                   poster: Path | None = None) -> Path:
    """Encode one segment's frames (no audio) into ``folder``; a second run writes the same bytes (atomically)."""
    return encode_frames(plan, segment_path(folder, segment), segment.start, segment.end, progress, audio=False,
                         poster=poster)


def join_segments(plan: RenderPlan, segments: Sequence[Segment], folder: Path, output: Path) -> Path:
    """Join the segments' video packets (no re-encoding) and the plan's soundtrack into one MP4 at ``output``."""
    output = Path(output)
    fps = plan.preset.fps
    fd, tmp = tempfile.mkstemp(prefix=f".{output.stem}.", suffix=".part.mp4", dir=output.parent)
    os.close(fd)
    try:
        with ExitStack() as opened:
            inputs = [opened.enter_context(av.open(str(segment_path(folder, segment)))) for segment in segments]
            if len({bytes(container.streams.video[0].codec_context.extradata) for container in inputs}) != 1:
                raise ValueError("segments were encoded with different H.264 headers (SPS/PPS); they cannot be joined")
            out = opened.enter_context(av.open(tmp, mode="w", format="mp4", options={"movflags": "+faststart"}))
            video = out.add_stream_from_template(inputs[0].streams.video[0])
            audio = AudioTrack(out, plan.audio, plan.audio_rate)
            for segment, container in zip(segments, inputs):
                copy_packets(container.streams.video[0], segment, fps, out, video, audio)
            audio.finish(plan.frame_count / fps)
        os.replace(tmp, output)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return output


_worker_state: tuple = ()  # (frames done per segment, stop event, parent pid), set in each local segment process


def _init_segment_process(done, stop, parent: int) -> None:
    global _worker_state
    _worker_state = (done, stop, parent)
    cv2.setNumThreads(1)  # the cores are shared out between segments; OpenCV's own pool only adds switching


def _render_in_process(plan: RenderPlan, segment: Segment, folder: Path, poster: Path | None) -> Path:
    done, stop, parent = _worker_state

    def progress(stage: str, frames: int, total: int) -> None:
        done[segment.index] = frames
        if stop.is_set() or os.getppid() != parent:
            raise RenderStopped(f"segment {segment.index} stopped")

    return render_segment(plan, segment, folder, progress, poster)


class LocalSegments:
    """Writes a plan's video as segments rendered by ``processes`` local processes at once, then joined.

    Used as ``pipeline.render(..., write_frames=LocalSegments(processes))``. There is one segment per process
    (at least ``seconds`` long each): on few cores, equal shares keep every core busy to the end, and each
    segment has a fixed cost (a process, its first scene, the encoder's start). A video of one segment (or
    with one process) is encoded in one piece, exactly as without it.
    """

    def __init__(self, processes: int, seconds: float = SEGMENT_SECONDS):
        self.processes, self.seconds = processes, seconds

    def __call__(self, plan: RenderPlan, output: Path, progress: ProgressCallback | None = None,
                 poster: Path | None = None) -> Path:
        segments = split(plan.frame_count, plan.preset.fps, self.seconds, self.processes)
        if len(segments) < 2:
            return encode_frames(plan, output, progress=progress, poster=poster)
        context = multiprocessing.get_context("spawn")
        done = context.Array("i", len(segments), lock=False)
        stop = context.Event()
        with tempfile.TemporaryDirectory(prefix="reelforge-segments-") as folder:
            with ProcessPoolExecutor(len(segments), mp_context=context,
                                     initializer=_init_segment_process, initargs=(done, stop, os.getpid())) as pool:
                futures = [pool.submit(_render_in_process, plan, segment, Path(folder), poster)
                           for segment in segments]
                pending = set(futures)
                try:
                    while pending:
                        finished, pending = wait(pending, REPORT_EVERY_S, FIRST_EXCEPTION)
                        for future in finished:
                            future.result()  # a segment's error stops the others at once
                        if progress is not None:
                            progress("frames", sum(done), plan.frame_count)
                except BaseException:
                    stop.set()
                    raise
            return join_segments(plan, segments, Path(folder), output)
