"""Skies at four times of day: gradient, sun or moon glow, clouds, stars at night."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reelforge.scene.paint import fractal_noise, hex_color, mix, radial_glow, stars, vertical_gradient


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


def sky_image(height: int, width: int, horizon: float, palette: SkyPalette, rng: np.random.Generator,
              sun_at: float) -> tuple[np.ndarray, tuple[float, float]]:
    """The sky above ``horizon`` (fraction of height) and continued below it, float RGB, its sun (or moon) at
    ``sun_at`` of the width; and where that is, in pixels."""
    horizon_row = horizon * height
    stops = [(p * horizon, c) for p, c in palette.stops] + [(1.0, palette.stops[-1][1])]
    image = vertical_gradient(height, width, stops)
    sun_x = width * sun_at
    sun_y = horizon_row * (1.0 - palette.sun_height) + (0.0 if palette.sun_height > 0.3 else -0.02 * height)
    radius = palette.sun_size * width
    glow = radial_glow(height, width, (sun_x, sun_y), radius * 2.5, falloff=1.6)
    image = mix(image, np.broadcast_to(hex_color(palette.sun), image.shape), glow[:, :, None] * 0.55)
    _draw_disc(image, (sun_x, sun_y), radius, hex_color(palette.sun))
    if palette.starry:
        field = stars(height, width, rng) * np.clip(1.2 - np.linspace(0, 1.3, height)[:, None] / horizon, 0, 1)
        image = np.clip(image + field[:, :, None].astype(np.float32) * 0.9, 0, 1)
    clouds = fractal_noise(height, width, rng, scale=0.6, octaves=5, stretch=3.0)
    band = np.clip(1.0 - np.abs(np.linspace(0, 1, height)[:, None] - horizon * 0.55) / (horizon * 0.5), 0, 1)
    cover = np.clip((clouds - (1.0 - palette.cloud_amount)) * 2.5, 0, 1) * band.astype(np.float32)
    lit = mix(hex_color(palette.cloud), hex_color(palette.sun), glow[:, :, None] * 0.6)
    image = mix(image, lit, cover[:, :, None] * 0.85)
    return image, (sun_x, sun_y)


def _draw_disc(image: np.ndarray, center: tuple[float, float], radius: float, color: np.ndarray) -> None:
    """Blend an anti-aliased disc of ``color`` into ``image`` in place, touching only its bounding box."""
    (x, y), (height, width) = center, image.shape[:2]
    top, bottom = max(int(y - radius) - 1, 0), min(int(y + radius) + 2, height)
    left, right = max(int(x - radius) - 1, 0), min(int(x + radius) + 2, width)
    if top >= bottom or left >= right:
        return
    rows, cols = np.ogrid[top:bottom, left:right]
    cover = np.clip(radius - np.hypot(cols - x, rows - y) + 0.5, 0, 1).astype(np.float32)
    image[top:bottom, left:right] = mix(image[top:bottom, left:right], color, cover)
