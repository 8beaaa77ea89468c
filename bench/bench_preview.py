"""Preview against the full render: the same request as a draft (plus its storyboard) and as a balanced render.

Both include the script and the narration (the voice already loaded, as in a running service); the ratio is
preview wall time / full render wall time.

    python bench/bench_preview.py [--duration 15] [--repeat 1]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from reelforge import VideoRequest, render
from reelforge.preview import preview
from reelforge.voice import narrate

TEXT = ("The city never sleeps. Neon signs flicker over wet streets. Far away, the mountains wait for dawn. "
        "A quiet river carries the night to the sea.")


def best_of(repeat: int, make) -> float:
    """The fastest of ``repeat`` runs of ``make()``, in wall seconds."""
    times = []
    for _ in range(repeat):
        clock = time.perf_counter()
        make()
        times.append(time.perf_counter() - clock)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    request = VideoRequest(text=TEXT, is_custom=True, duration=args.duration, quality="balanced")
    narrate(TEXT, args.duration, 0)  # load the voice once, outside the timings
    with tempfile.TemporaryDirectory() as folder:
        draft = Path(folder) / "draft.mp4"
        drafted = preview(request, draft)
        preview_s = best_of(args.repeat, lambda: preview(request, draft))
        full_s = best_of(args.repeat, lambda: render(request, Path(folder) / "full.mp4"))
    print(f"request: {args.duration:.0f} s balanced ({drafted.duration:.2f} s of video, {len(drafted.scenes)} scenes)")
    print(f"preview  {drafted.size[0]}x{drafted.size[1]} @ {drafted.fps} fps + storyboard: {preview_s:6.2f} s")
    print(f"full     balanced render:                       {full_s:6.2f} s")
    print(f"ratio    preview / full = {preview_s / full_s:.3f}  ({full_s / preview_s:.1f}x faster)")


if __name__ == "__main__":
    main()
