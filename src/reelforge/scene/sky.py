"""Skies at four times of day: gradient, sun or moon glow, clouds, stars at night."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from reelforge.scene.paint import (
    fractal_noise,
    hex_color,
    mix,
    radial_glow,
    stars,
    vertical_gradient,
)


@dataclass(frozen=True)
class SkyPalette:
    """Colours and light of one time of day."""

    stops: list[tuple[float, str]]  # gradient from top (0) to the horizon (1)
    haze: str  # colour far things fade into
    sun: str  # colour of the sun or moon and its glow
    sun_height: float  # 0 = on the horizon, 1 = at the top of the frame
    sun_size: float  # disc radius as a fraction of the width
    cloud: str
    cloud_amount: float
    ground: str  # base tint of land under this light
    starry: bool = False


PALETTES: dict[str, SkyPalette] = {
    "dawn": SkyPalette([(0.0, "#1f2b5c"), (0.45, "#6c5b9e"), (0.8, "#f29e8e"), (1.0, "#ffd3a1")],
                       "#e9b7b0", "#fff1d0", 0.12, 0.05, "#f7c6c7", 0.45, "#5b4a6b"),
    "day": SkyPalette([(0.0, "#1d5fb8"), (0.55, "#5ea3e0"), (1.0, "#cfeaf7")],
                      "#bcd9ea", "#fffbe8", 0.75, 0.045, "#ffffff", 0.55, "#4f6b45"),
    "sunset": SkyPalette([(0.0, "#141d4a"), (0.4, "#6b2f6e"), (0.72, "#e2555a"), (1.0, "#ffb347")],
                         "#f08a5d", "#ffe0a0", 0.08, 0.07, "#ff9e7a", 0.5, "#3a2440"),
    "night": SkyPalette([(0.0, "#02030b"), (0.6, "#0b1533"), (1.0, "#223a66")],
                        "#2b4470", "#e8eeff", 0.7, 0.035, "#3a4a6e", 0.3, "#0f1a2e", starry=True),
}


SMOOTH_SCALE = 2  # the sky's smooth parts (gradient, glow, clouds) are painted this much smaller, then resized up


def sky_image(height: int, width: int, horizon: float, palette: SkyPalette, rng: np.random.Generator,
              sun_at: float) -> tuple[np.ndarray, tuple[float, float]]:
    """The sky above ``horizon`` (fraction of height) and continued below it, float RGB, its sun (or moon) at
    ``sun_at`` of the width; and where that is, in pixels.

    Gradient, glow and clouds have no detail a pixel wide: they are painted at 1/SMOOTH_SCALE of the size and
    resized up once. The sun's disc and the stars are drawn at full size, behind the clouds.
    """
    horizon_row = horizon * height
    sun_x = width * sun_at
    sun_y = horizon_row * (1.0 - palette.sun_height) + (0.0 if palette.sun_height > 0.3 else -0.02 * height)
    radius = palette.sun_size * width
    field = None
    if palette.starry:
        field = stars(height, width, rng) * np.clip(1.2 - np.linspace(0, 1.3, height)[:, None] / horizon, 0, 1)
    small_h, small_w = max(2, round(height / SMOOTH_SCALE)), max(2, round(width / SMOOTH_SCALE))
    scale_x, scale_y = small_w / width, small_h / height
    stops = [(p * horizon, c) for p, c in palette.stops] + [(1.0, palette.stops[-1][1])]
    glow = radial_glow(small_h, small_w, ((sun_x + 0.5) * scale_x - 0.5, (sun_y + 0.5) * scale_y - 0.5),
                       radius * 2.5 * scale_x, falloff=1.6)
    image = mix(vertical_gradient(small_h, small_w, stops), hex_color(palette.sun), glow[:, :, None] * 0.55)
    clouds = fractal_noise(small_h, small_w, rng, scale=0.6, octaves=5, stretch=3.0)
    band = np.clip(1.0 - np.abs(np.linspace(0, 1, small_h)[:, None] - horizon * 0.55) / (horizon * 0.5), 0, 1)
    cover = np.clip((clouds - (1.0 - palette.cloud_amount)) * 2.5, 0, 1) * band.astype(np.float32) * 0.85
    lit = mix(hex_color(palette.cloud), hex_color(palette.sun), glow[:, :, None] * 0.6)
    image = _resized(mix(image, lit, cover[:, :, None]), width, height)
    cover = _resized(cover, width, height)
    _draw_disc(image, (sun_x, sun_y), radius, hex_color(palette.sun), cover, _resized(lit, width, height))
    if field is not None:  # behind the clouds
        image += (field.astype(np.float32) * 0.9 * (1.0 - cover))[:, :, None]
        np.minimum(image, 1.0, out=image)
    return image, (sun_x, sun_y)


def _draw_disc(image: np.ndarray, center: tuple[float, float], radius: float, color: np.ndarray,
               cover: np.ndarray, lit: np.ndarray) -> None:
    """Blend an anti-aliased disc of ``color`` into a sky already clouded, in place, touching only its bounding
    box: behind the clouds (their ``cover`` 0..1, of colour ``lit``), as if it had been drawn before them."""
    (x, y), (height, width) = center, image.shape[:2]
    top, bottom = max(int(y - radius) - 1, 0), min(int(y + radius) + 2, height)
    left, right = max(int(x - radius) - 1, 0), min(int(x + radius) + 2, width)
    if top >= bottom or left >= right:
        return
    rows, cols = np.ogrid[top:bottom, left:right]
    disc = np.clip(radius - np.hypot(cols - x, rows - y) + 0.5, 0, 1).astype(np.float32)
    box = np.s_[top:bottom, left:right]
    clouds = cover[box][:, :, None]
    image[box] = mix(image[box], color * (1.0 - clouds) + lit[box] * clouds, disc)


def _resized(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """A smooth image resized up to ``width`` x ``height`` (bilinear: it has no edges to keep)."""
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR)
