"""Two versions of reelforge against the encode-only floor, alternating in fresh processes, text by text.

On a shared machine a bench row moves by about 0.05 from one run to the next: more than most single changes. To
measure a change, this renders the same balanced 5 s still-camera videos with the code of an older commit and
with the working tree's, in turns (a round is one process of each, each process timing ``--runs`` renders, each
followed by its floor as bench_render.py does), and prints the median ratio to the floor of each version:

    python bench/bench_versions.py OLD_COMMIT [--texts city forest beach] [--rounds 4] [--runs 3]

The older commit is checked out into a temporary git worktree, imported ahead of the installed package.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def worker(source: str, text_name: str, runs: int) -> None:
    """In a fresh process: import reelforge from ``source``, print ``runs`` ratios of render to floor."""
    sys.path.insert(0, source)
    import reelforge

    assert Path(reelforge.__file__).is_relative_to(source), reelforge.__file__
    import bench_render

    from reelforge import render

    texts = {"city": bench_render.TEXT, "snow": bench_render.TWO_SCENES, **bench_render.MORE_TEXTS}
    request = bench_render.request_for("balanced", bench_render.DURATION, "cinematic", "static", texts[text_name])
    frames, audio, rate = bench_render.rendered_i420(request)  # also loads the voice
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        render(request, folder / "warm.mp4")
        for _ in range(runs):
            clock = time.perf_counter()
            render(request, folder / "video.mp4")
            total = time.perf_counter() - clock
            print(total / bench_render.encode_floor(frames, request, audio, rate, folder), flush=True)


def ratios(source: Path, text_name: str, runs: int) -> list[float]:
    """``runs`` ratios to the floor of the reelforge in ``source``, measured in a fresh process."""
    out = subprocess.run([sys.executable, __file__, "--worker", str(source), text_name, str(runs)],
                         capture_output=True, text=True, check=True, cwd=HERE)
    return [float(line) for line in out.stdout.split()]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commit", help="the older version: a commit, branch or tag")
    parser.add_argument("--texts", nargs="+", default=["city", "forest", "beach"],
                        choices=["city", "snow", "beach", "forest"])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3, help="paired runs per process")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        old = Path(folder) / "old"
        subprocess.run(["git", "worktree", "add", "--detach", str(old), args.commit], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            versions = {args.commit: old / "src", "working tree": ROOT / "src"}
            print(f"{'text':>8}  " + "  ".join(f"{name:>14}" for name in versions))
            for text in args.texts:
                measured: dict[str, list[float]] = {name: [] for name in versions}
                for round_index in range(args.rounds):
                    order = list(versions) if round_index % 2 == 0 else list(versions)[::-1]
                    for name in order:
                        measured[name] += ratios(versions[name], text, args.runs)
                print(f"{text:>8}  " + "  ".join(f"{np.median(values):>13.3f}x" for values in measured.values()),
                      flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=False,
                           capture_output=True)
    print(f"median ratio to the encode-only floor over {args.rounds} rounds of {args.runs} paired runs per version "
          f"(balanced, 5 s, still camera; {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
