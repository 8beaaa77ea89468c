"""Film grain and scratches, applied to the luma plane of each frame (where film grain lives).

Grain is precomputed once per process for a frame size and strength (per-frame random numbers at 1080p cost
more than everything else in a frame; building the bank costs 0.1 s), and each frame reads a window of the bank
at an offset drawn from the render's seed and the frame index, so no two neighbouring frames share a pattern.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

_PAD = 96  # the bank is larger than the frame by this much; frames read it at random offsets


@lru_cache(maxsize=4)
def grain_bank(height: int, width: int, sigma: float) -> GrainBank:
    """The grain bank for a frame size and strength, made once per process (the same for every seed)."""
    return GrainBank(height, width, sigma)


class GrainBank:
    """Precomputed Gaussian grain for one frame size; ``apply`` adds it to a luma plane in place."""

    def __init__(self, height: int, width: int, sigma: float, count: int = 3):
        rng = np.random.default_rng(20_811)
        self.height, self.width = height, width
        self.planes: list[tuple[np.ndarray, np.ndarray]] = []
        for _ in range(count):
            noise = rng.standard_normal((height + _PAD, width + _PAD), dtype=np.float32) * sigma
            noise = cv2.GaussianBlur(noise, (0, 0), 0.6) * 1.4  # grain clumps a little, it is not pixel noise
            up = np.clip(noise, 0, 255).astype(np.uint8)
            down = np.clip(-noise, 0, 255).astype(np.uint8)
            self.planes.append((up, down))

    def apply(self, luma: np.ndarray, frame_index: int, seed: int) -> None:
        """Add grain to ``luma`` (uint8, frame size) in place; deterministic for a seed and frame index."""
        rng = np.random.default_rng((seed, frame_index))
        up, down = self.planes[(frame_index + seed) % len(self.planes)]
        y, x = rng.integers(0, _PAD, 2)
        window = np.s_[y : y + self.height, x : x + self.width]
        cv2.add(luma, up[window], dst=luma)
        cv2.subtract(luma, down[window], dst=luma)


def draw_scratches(luma: np.ndarray, frame_index: int, seed: int) -> None:
    """Old-film scratches: a few thin vertical lines, bright or dark, that jump between frames."""
    rng = np.random.default_rng(seed * 1_000_003 + frame_index)
    height, width = luma.shape
    for _ in range(int(rng.integers(0, 3))):
        x = int(rng.integers(0, width))
        y0 = int(rng.integers(0, height // 2))
        y1 = int(rng.integers(height // 2, height))
        shade = 235 if rng.random() < 0.6 else 30
        cv2.line(luma, (x, y0), (x + int(rng.integers(-3, 4)), y1), shade, 1, cv2.LINE_AA)
