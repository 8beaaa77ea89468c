"""Segmented rendering on the local pool against one process: a 30 s balanced video, wall time and cores used.

Each row renders the same request (narration included, the voice already loaded as in a running service):
in one process, then cut into one segment per local process (segments.LocalSegments) and joined. CPU time is
this process's plus its segment processes', so "cores" says how busy the machine was kept.

One process cannot keep many cores busy: its frames are made by one thread while x264 encodes them on the
others. So the bench also times that frame thread alone (no encoding) and prints what the measured costs
predict for N cores: P segment processes take about prepare + max(frame thread / P, (CPU of one process +
P x the cost of a segment) / N), P = 1 being one process; it shows the best P.

On a shared machine, ``--repeat 3`` alternates the renders three times and keeps each one's fastest run.

    python bench/bench_segments.py [--duration 30] [--processes 2] [--repeat 1]
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
    parser.add_argument("--repeat", type=int, default=1, help="alternate the renders this often, keep the fastest")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = parser.parse_args()
    request = VideoRequest(text=TEXT, is_custom=True, quality=args.quality, duration=args.duration, seed=3,
                           camera_movement="orbit", style="cinematic")
    narrate("Warm up.", 1.0, 0)  # the voice model loaded once, as in a running service
    runs: dict[int, list[tuple[float, float]]] = {1: [], **{processes: [] for processes in args.processes}}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.repeat):
            for processes, times in runs.items():
                single, wall, cpu = timed(request, Path(folder) / f"{processes}.mp4",
                                          write_frames=LocalSegments(processes))
                times.append((wall, cpu))
    rows = []
    for processes, times in runs.items():
        wall, cpu = min(times)
        count = len(split(single.frame_count, single.fps, SEGMENT_SECONDS, processes))
        rows.append({"mode": "one process" if processes == 1 else f"{processes} processes", "segments": count,
                     "wall_s": wall, "cpu_s": cpu, "runs_s": [t[0] for t in times]})
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
    print("predicted for N cores:")
    predictions = []
    for cores in CORES_TO_PREDICT:
        wall = {p: prepared + max(frame_thread / p, (one_cpu + (p - 1) * per_segment) / cores) for p in range(1, 65)}
        best = min(wall, key=wall.get)
        predictions.append({"cores": cores, "one_process_s": wall[1], "processes": best, "segments_s": wall[best],
                            "speed_up": wall[1] / wall[best]})
        print(f"  {cores:>3} cores: one process {wall[1]:6.2f} s; {best:>2} processes {wall[best]:6.2f} s, "
              f"speed-up {wall[1] / wall[best]:.2f}x")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "frame_thread_s": frame_thread, "prepare_s": prepared,
                                         "segment_cpu_s": per_segment, "predicted": predictions}, indent=2))


if __name__ == "__main__":
    main()
