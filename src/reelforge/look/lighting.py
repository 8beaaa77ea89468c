"""Dynamic lighting as a per-frame gain: a light that moves, flicker, exposure changes, and the vignette.

Gains are computed on a small grid and resized up: light is smooth, so this is exact to the eye and cheap.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

GRID = 16  # the gain grid is 1/GRID of the frame size


def ease(x: float) -> float:
    """Smoothstep ease-in-out on 0..1 (zero slope at both ends)."""
    x = min(max(x, 0.0), 1.0)
    return x * x * (3.0 - 2.0 * x)


@lru_cache(maxsize=4)
def _grid(height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Cell centres of the gain grid (x, y in 0..1), made once per frame size: not to be modified."""
    rows = max(2, height // GRID)
    cols = max(2, width // GRID)
    y, x = np.mgrid[0:rows, 0:cols].astype(np.float32)
    return (x + 0.5) / cols, (y + 0.5) / rows


def vignette(height: int, width: int, strength: float) -> np.ndarray:
    """Gain grid darkening the corners by ``strength`` (0..1), 1.0 in the centre."""
    x, y = _grid(height, width)
    aspect = width / height
    r = np.hypot((x - 0.5) * aspect, y - 0.5) / np.hypot(0.5 * aspect, 0.5)
    return (1.0 - strength * np.clip(r, 0, 1) ** 2.2).astype(np.float32)


def moving_light(height: int, width: int, progress: float, phase: float) -> np.ndarray:
    """Gain grid of a soft key light sweeping across the upper frame as ``progress`` goes 0 -> 1."""
    x, y = _grid(height, width)
    cx = 0.15 + 0.7 * ease(progress)
    cy = 0.3 + 0.08 * np.sin(2 * np.pi * (progress + phase))
    aspect = width / height
    d2 = ((x - cx) * aspect) ** 2 + (y - cy) ** 2
    return (0.88 + 0.3 * np.exp(-d2 / 0.08)).astype(np.float32)


def flicker(t: float, phase: float) -> float:
    """Exposure of a flickering source (firelight, old projector): a few incommensurate wobbles."""
    wobble = (np.sin(2 * np.pi * (7.3 * t + phase)) * 0.5 + np.sin(2 * np.pi * (11.9 * t + 2 * phase)) * 0.3
              + np.sin(2 * np.pi * (17.1 * t + 3 * phase)) * 0.2)
    return float(1.0 + 0.06 * wobble)


def exposure_ramp(progress: float) -> float:
    """Exposure opening up from 80 % to 100 % over the scene, eased."""
    return 0.8 + 0.2 * ease(progress * 1.5)
