"""Segmented rendering on the local pool against one process: a 30 s balanced video, wall time and cores used.

Each row renders the same request (narration included, the voice already loaded as in a running service):
in one process, then cut into one segment per local process (segments.LocalSegments) and joined. CPU time is
this process's plus its segment processes', so "cores" says how busy the machine was kept.

One process cannot keep many cores busy: its frames are made by one thread while x264 encodes them on the
others. So the bench also times that frame thread alone (no encoding) and prints what the measured costs
predict for N cores: one process ~ prepare + max(frame thread, its CPU / N); N segments ~ prepare + (one
process's CPU + N x the measured cost of a segment) / N.

    python bench/bench_segments.py [--duration 30] [--processes 2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path

from reelforge import RenderResult, VideoRequest, render
from reelforge.pipeline import prepare
from reelforge.segments import SEGMENT_SECONDS, LocalSegments, split
from reelforge.voice import narrate

TEXT = ("The city never sleeps. Neon signs flicker over wet streets. Far away, the mountains wait for dawn. "
        "A quiet river carries the night to the sea.")
CORES_TO_PREDICT = (2, 4, 8, 16, 32)


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(request: VideoRequest, output: Path, **options) -> tuple[RenderResult, float, float]:
    """One render, its wall seconds and its CPU seconds."""
    clock, cpu = time.perf_counter(), cpu_seconds()
    result = render(request, output, **options)
    return result, time.perf_counter() - clock, cpu_seconds() - cpu


def frame_thread_seconds(request: VideoRequest) -> float:
    """Wall seconds to make every frame without encoding them: the floor of a one-process render's frames."""
    plan = prepare(request)
    clock = time.perf_counter()
    for _ in plan.renderer().frames():
        pass
    return time.perf_counter() - clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--quality", default="balanced")
    parser.add_argument("--processes", type=int, nargs="+", default=[os.cpu_count() or 1])
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = parser.parse_args()
    request = VideoRequest(text=TEXT, is_custom=True, quality=args.quality, duration=args.duration, seed=3,
                           camera_movement="orbit", style="cinematic")
    narrate("Warm up.", 1.0, 0)  # the voice model loaded once, as in a running service
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        single, wall, cpu = timed(request, Path(folder) / "single.mp4")
        rows.append({"mode": "one process", "segments": 1, "wall_s": wall, "cpu_s": cpu})
        for processes in args.processes:
            _, wall, cpu = timed(request, Path(folder) / f"segments-{processes}.mp4",
                                 write_frames=LocalSegments(processes))
            count = len(split(single.frame_count, single.fps, SEGMENT_SECONDS, processes))
            rows.append({"mode": f"{processes} processes", "segments": count, "wall_s": wall, "cpu_s": cpu})
    frame_thread = frame_thread_seconds(request)
    base = rows[0]["wall_s"]
    print(f"{single.duration:.1f} s {args.quality} video ({single.frame_count} frames) on {os.cpu_count()} cores")
    print(f"{'mode':<14} {'segments':>8} {'wall s':>8} {'cpu s':>8} {'cores':>6} {'speed-up':>8}")
    for row in rows:
        row["cores"] = row["cpu_s"] / row["wall_s"]
        row["speed_up"] = base / row["wall_s"]
        print(f"{row['mode']:<14} {row['segments']:>8} {row['wall_s']:>8.2f} {row['cpu_s']:>8.2f} "
              f"{row['cores']:>6.2f} {row['speed_up']:>7.2f}x")

    prepared = single.timings["script"] + single.timings["voice"]
    one_cpu = rows[0]["cpu_s"]
    per_segment = max(0.0, (rows[-1]["cpu_s"] - one_cpu) / rows[-1]["segments"])
    print(f"\nframe thread alone: {frame_thread:.2f} s; prepare (script + voice): {prepared:.2f} s; "
          f"CPU cost of a segment: {per_segment:.2f} s")
    print("predicted for N cores (one segment per core):")
    predictions = []
    for cores in CORES_TO_PREDICT:
        one = prepared + max(frame_thread, one_cpu / cores)
        segmented = prepared + (one_cpu + cores * per_segment) / cores
        predictions.append({"cores": cores, "one_process_s": one, "segments_s": segmented, "speed_up": one / segmented})
        print(f"  {cores:>3} cores: one process {one:6.2f} s, segments {segmented:6.2f} s, speed-up {one / segmented:.2f}x")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "frame_thread_s": frame_thread, "prepare_s": prepared,
                                         "segment_cpu_s": per_segment, "predicted": predictions}, indent=2))


if __name__ == "__main__":
    main()
