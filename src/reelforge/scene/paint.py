"""Drawing primitives for procedural scenes: gradients, fractal noise, silhouettes, glows, stars.

Everything is vectorised NumPy/OpenCV on float32 images in 0..1 (H, W, 3) and masks in 0..1 (H, W).
Smooth things (noise, glows) are drawn small and resized up, which is both fast and free of banding.
"""

from __future__ import annotations

import cv2
import numpy as np

Color = tuple[float, float, float]


def hex_color(value: str) -> np.ndarray:
    """'#rrggbb' as a float32 RGB triple in 0..1."""
    value = value.lstrip("#")
    return np.array([int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)], np.float32)


def vertical_gradient(height: int, width: int, stops: list[tuple[float, str]]) -> np.ndarray:
    """An image whose colour runs through ``stops`` [(position 0..1 from the top, '#rrggbb'), ...]."""
    positions = np.array([p for p, _ in stops], np.float32)
    colors = np.stack([hex_color(c) for _, c in stops])
    y = np.linspace(0.0, 1.0, height, dtype=np.float32)
    column = np.stack([np.interp(y, positions, colors[:, k]) for k in range(3)], axis=1)
    return np.ascontiguousarray(np.broadcast_to(column[:, None, :], (height, width, 3)), np.float32)


def fractal_noise(height: int, width: int, rng: np.random.Generator, scale: float = 0.25,
                  octaves: int = 5, persistence: float = 0.5, stretch: float = 1.0) -> np.ndarray:
    """Smooth multi-octave value noise in 0..1; ``scale`` is the size of the largest blobs (fraction of width).

    ``stretch`` > 1 elongates the blobs horizontally (clouds, water).
    """
    out = np.zeros((height, width), np.float32)
    amplitude, total = 1.0, 0.0
    cells = max(2.0, 1.0 / scale)
    for _ in range(octaves):
        grid_w = int(cells) + 2
        grid_h = int(cells * height / width * stretch) + 2
        grid = rng.random((grid_h, grid_w), dtype=np.float32)
        out += amplitude * cv2.resize(grid, (width, height), interpolation=cv2.INTER_CUBIC)
        total += amplitude
        amplitude *= persistence
        cells *= 2.0
    out /= total
    low, high = np.percentile(out[::7, ::7], (1, 99))
    return np.clip((out - low) / max(high - low, 1e-6), 0.0, 1.0)


def ridge_profile(width: int, rng: np.random.Generator, roughness: float = 0.55, octaves: int = 7,
                  base_cells: int = 3) -> np.ndarray:
    """A 1-D mountain ridge in -1..1 across ``width`` samples (midpoint-style fractal sum)."""
    profile = np.zeros(width, np.float32)
    amplitude, total, cells = 1.0, 0.0, base_cells
    x = np.linspace(0.0, 1.0, width, dtype=np.float32)
    for _ in range(octaves):
        knots = rng.uniform(-1.0, 1.0, cells + 1).astype(np.float32)
        profile += amplitude * np.interp(x, np.linspace(0, 1, cells + 1), knots).astype(np.float32)
        total += amplitude
        amplitude *= roughness
        cells *= 2
    profile /= total
    return profile / max(np.abs(profile).max(), 1e-6)


def silhouette_mask(height: int, width: int, top_rows: np.ndarray) -> np.ndarray:
    """Mask (0..1) of everything below a curve: ``top_rows[x]`` is the curve's row at column x.

    The edge is anti-aliased analytically (one pixel of coverage ramp).
    """
    rows = np.arange(height, dtype=np.float32)[:, None]
    return np.clip(rows - top_rows[None, :].astype(np.float32) + 0.5, 0.0, 1.0)


def polygon_mask(height: int, width: int, polygons: list[np.ndarray]) -> np.ndarray:
    """Anti-aliased mask (0..1) of the union of filled polygons given in float pixel coordinates.

    Each is filled on its own: filled together, OpenCV counts crossings, and where two overlap it leaves a hole.
    """
    mask = np.zeros((height, width), np.uint8)
    shift = 4
    for polygon in polygons:
        cv2.fillPoly(mask, [np.round(polygon * (1 << shift)).astype(np.int32)], 255, lineType=cv2.LINE_AA,
                     shift=shift)
    return mask.astype(np.float32) / 255.0


def radial_glow(height: int, width: int, center: tuple[float, float], radius: float,
                falloff: float = 2.0) -> np.ndarray:
    """A soft round glow (0..1) centred at (x, y) in pixels, ``radius`` in pixels."""
    small_h, small_w = max(2, height // 8), max(2, width // 8)
    y, x = np.mgrid[0:small_h, 0:small_w].astype(np.float32)
    d = np.hypot((x + 0.5) * 8 - center[0], (y + 0.5) * 8 - center[1]) / max(radius, 1.0)
    glow = 1.0 / (1.0 + d**falloff)
    return cv2.resize(glow, (width, height), interpolation=cv2.INTER_CUBIC)


def stars(height: int, width: int, rng: np.random.Generator, density: float = 0.0006) -> np.ndarray:
    """A star field (0..1): many faint points, some bright ones with a small halo."""
    field = np.zeros((height, width), np.float32)
    count = int(height * width * density)
    ys = rng.integers(0, height, count)
    xs = rng.integers(0, width, count)
    field[ys, xs] = rng.power(3.0, count).astype(np.float32)
    halo = cv2.GaussianBlur(field, (0, 0), 2.2) * 6.0
    return np.clip(field + halo * (field.max() > 0), 0.0, 1.0)


def mix(a: np.ndarray, b: np.ndarray, t: np.ndarray | float) -> np.ndarray:
    """Linear mix a..b by t (a mask t is broadcast over colour channels); float32 throughout."""
    a = np.asarray(a, np.float32)
    b = np.asarray(b, np.float32)
    if isinstance(t, np.ndarray):
        t = t.astype(np.float32, copy=False)
        if t.ndim == 2:
            t = t[:, :, None]
    shape = np.broadcast_shapes(a.shape, b.shape, np.shape(t))
    if len(shape) == 3 and shape[2] == 3 and min(shape[:2]) > 1:  # an image: computed as rows, see _as_rows
        a, b, t = (_as_rows(x, shape) for x in (a, b, t))
    out = (b - a) * t
    out += a
    return out.reshape(shape)


def shaded(image: np.ndarray, gain: np.ndarray) -> np.ndarray:
    """``image`` (H, W, 3), or one colour (3,), times a per-pixel ``gain`` (H, W); float32, computed as rows (see
    _as_rows: NumPy's own broadcast of a gain over the three channels takes half as long again)."""
    gain = np.asarray(gain, np.float32)
    shape = (*gain.shape, 3)
    return (_as_rows(np.asarray(image, np.float32), shape) * _as_rows(gain[:, :, None], shape)).reshape(shape)


def _as_rows(x: np.ndarray | float, shape: tuple[int, ...]) -> np.ndarray | float:
    """``x`` as (H, W * 3) rows of an (H, W, 3) image: a full array, or one row or column that broadcasts to it.

    NumPy is slow when it broadcasts along a last axis of 3 (a colour; a mask over the channels); the same
    arithmetic over whole rows is several times faster and gives the same numbers.
    """
    if np.ndim(x) == 0:
        return x
    height, width = shape[:2]
    view = np.broadcast_to(x, shape)
    if view.strides[:2] == (0, 0):  # one colour everywhere
        return np.tile(view[0, 0], width)[None, :]
    if view.strides[1:] == (0, 0):  # one value per row
        return view[:, :1, 0]
    if view.strides[2] == 0:  # a mask over the three channels
        return cv2.merge([np.ascontiguousarray(view[:, :, 0])] * 3).reshape(height, width * 3)
    return np.ascontiguousarray(view).reshape(height, width * 3)


def to_uint8(image: np.ndarray) -> np.ndarray:
    """Float 0..1 image to uint8, rounded and saturated: OpenCV's conversion, one pass with no float temporaries
    (a quarter of NumPy's time), and no clip needed before it."""
    image = np.ascontiguousarray(image, np.float32)
    return cv2.addWeighted(image, 255.0, image, 0.0, 0.0, dtype=cv2.CV_8U).reshape(image.shape)
