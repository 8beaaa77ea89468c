"""Render speed against the encode-only floor, and memory against duration, measured in one run.

For each preset and mode (cinematic at speed and balanced; character and hybrid at balanced), with the orbit
camera (the heaviest move), and for balanced cinematic also with the request's default still camera (for a
one-scene text and a two-scene one; with ``--texts`` also a beach and a foggy night forest): render a 5 s video
(narration included), then encode the very same frames again, already made and held in memory, with the same
encoder settings and audio: that is the floor no renderer can beat. Then render 5 s and 60 s videos in fresh
processes and compare their peak resident memory.

    python bench/bench_render.py [--quick] [--repeat N] [--texts]   # --quick: skip the 60 s memory run

Each render is timed ``--repeat`` times (default 7), each time followed by its floor: on a shared 2-core machine
a single run moves the ratio by 0.2 either way, and the machine's speed drifts over minutes, so the ratio
reported is the median of the paired ratios (the fastest render over the fastest floor is shown beside it).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from reelforge import VideoRequest, render
from reelforge.encode import VideoEncoder
from reelforge.pipeline import prepare
from reelforge.presets import preset_for

TEXT = "The city never sleeps. Neon signs flicker over wet streets."  # one scene: the second sentence follows soon
TWO_SCENES = "Snow falls on the quiet mountains. The peaks glow pink at dawn."
MORE_TEXTS = {  # --texts: two-scene texts whose floors are cheaper still (a smooth sea, a dark night)
    "beach": "Waves roll onto the beach at sunset. Gulls cry over the water.",
    "forest": "Deep in the forest, old pines stand in the fog. A path winds into the dark.",
}
TEXT_NAMES = {TEXT: "city", TWO_SCENES: "snow", **{text: name for name, text in MORE_TEXTS.items()}}
DURATION = 5.0


def request_for(quality: str, duration: float, video_type: str = "cinematic", camera: str = "orbit",
                text: str = TEXT) -> VideoRequest:
    """The bench's request: orbit by default, the heaviest camera move (every layer rotates and scales)."""
    return VideoRequest(text=text, is_custom=True, quality=quality, duration=duration, seed=11,
                        camera_movement=camera, style="cinematic", video_type=video_type, emotion="confident")


def rendered_i420(request: VideoRequest) -> tuple[list[np.ndarray], np.ndarray, int]:
    """The very frames a render of ``request`` hands the encoder (planar YUV), and its soundtrack.

    Not the frames decoded back from its MP4: those went through the encoder once and lost the grain and fine
    detail that make x264 work, so a floor encoded from them was a quarter too fast for a character video.
    """
    plan = prepare(request)
    return [i420.copy() for _, i420, _ in plan.renderer().frames()], plan.audio, plan.audio_rate


def encode_floor(frames: list[np.ndarray], request: VideoRequest, audio: np.ndarray, rate: int,
                 folder: Path) -> float:
    """Seconds to encode pre-made frames (and the soundtrack) with the render's encoder settings."""
    preset = preset_for(request.quality, request.aspect)
    clock = time.perf_counter()
    with VideoEncoder(folder / "floor.mp4", preset.width, preset.height, preset.fps, preset.bitrate,
                      preset.x264_preset, audio=audio, audio_rate=rate, frame_count=len(frames)) as encoder:
        for frame in frames:
            encoder.write_i420(frame)
    return time.perf_counter() - clock


def speed_row(quality: str, video_type: str, camera: str, text: str, folder: Path, repeat: int) -> dict:
    """Render the request ``repeat`` times, each render followed by an encode of the same frames (the floor).

    A render and its floor run back to back, so their ratio cancels the shared machine's slow drifts in speed;
    the median of those paired ratios is reported, beside the ratio of the fastest render to the fastest floor.
    """
    request = request_for(quality, DURATION, video_type, camera, text)
    frames, audio, rate = rendered_i420(request)  # also loads the voice, as a running service has it loaded
    runs = []
    for _ in range(repeat):
        clock = time.perf_counter()
        result = render(request, folder / f"{quality}-{video_type}-{camera}.mp4")
        total = time.perf_counter() - clock
        runs.append((total, encode_floor(frames, request, audio, rate, folder), result))
    total, _, result = min(runs, key=lambda run: run[0])
    floor = min(run[1] for run in runs)
    stages = {f"{name}_s": result.timings.get(name, 0.0) for name in ("script", "voice", "frames", "encode")}
    return {"mode": video_type, "preset": quality, "camera": camera, "text": TEXT_NAMES.get(text, "other"),
            "scenes": len(result.scenes),
            "size": "x".join(map(str, result.size)),
            "frame_count": result.frame_count, "video_s": result.duration, **stages, "total": total,
            "fps": result.frame_count / total, "rtf": total / result.duration, "floor": floor,
            "best/best": total / floor, "ratio": float(np.median([run[0] / run[1] for run in runs]))}


def peak_rss_mb(quality: str, duration: float) -> float:
    """Peak resident memory of a fresh process rendering one video.

    Read from the process's own VmHWM: getrusage's ru_maxrss would carry over this (large) parent's peak
    through fork and exec.
    """
    code = f"""
import re, sys, tempfile, pathlib
sys.path.insert(0, {str(Path(__file__).parent)!r})
from bench_render import request_for
from reelforge import render
with tempfile.TemporaryDirectory() as folder:
    render(request_for({quality!r}, {duration}), pathlib.Path(folder) / "v.mp4")
print(int(re.search(r"VmHWM:\\s+(\\d+) kB", pathlib.Path("/proc/self/status").read_text()).group(1)) / 1024)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 60 s memory comparison")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    parser.add_argument("--repeat", type=int, default=7, help="time each render and its floor N times")
    parser.add_argument("--texts", action="store_true",
                        help="also time balanced cinematic (still camera) on the beach and forest texts")
    args = parser.parse_args()
    cases = [("speed", "cinematic", "orbit", TEXT), ("balanced", "cinematic", "static", TEXT),
             ("balanced", "cinematic", "static", TWO_SCENES), ("balanced", "cinematic", "orbit", TEXT),
             ("balanced", "character", "orbit", TEXT), ("balanced", "hybrid", "orbit", TEXT)]
    if args.texts:
        cases += [("balanced", "cinematic", "static", text) for text in MORE_TEXTS.values()]
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for quality, video_type, camera, text in cases:
            rows.append(speed_row(quality, video_type, camera, text, Path(folder), args.repeat))
    columns = ("mode", "preset", "camera", "text", "scenes", "size", "frame_count", "video_s", "script_s", "voice_s",
               "frames_s", "encode_s", "total", "fps", "rtf", "floor", "best/best", "ratio")
    print("  ".join(f"{name:>11}" for name in columns))
    for row in rows:
        cells = [row[name] for name in columns]
        print("  ".join(f"{c:>11.2f}" if isinstance(c, float) else f"{c:>11}" for c in cells))
    print("times in seconds, fastest of the runs; frames stage includes encoding (they run together); rtf = render"
          " time / video time; best/best = fastest render / fastest floor; ratio = median of each render's time over"
          " the floor encoded right after it")
    report: dict = {"speed": rows}
    if not args.quick:
        short, long = peak_rss_mb("balanced", 5.0), peak_rss_mb("balanced", 60.0)
        print(f"peak RSS balanced: 5 s video {short:.0f} MB, 60 s video {long:.0f} MB, ratio {long / short:.2f}")
        report["rss_mb"] = {"5s": short, "60s": long, "ratio": long / short}
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
