"""Build a scene's depth layers from its theme and time of day, or from a user's image."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from reelforge.errors import MediaError
from reelforge.request import Theme
from reelforge.scene import themes
from reelforge.scene.layers import Layer, upscale_layer
from reelforge.scene.sky import PALETTES

SOURCE_MARGIN = 1.3  # sources are drawn this much larger than the frame so moves never show an edge
THEMES = tuple(theme.value for theme in Theme)
TIMES_OF_DAY = tuple(PALETTES)


def source_size(frame_width: int, frame_height: int) -> tuple[int, int]:
    """Width and height of scene sources for a frame size."""
    return round(frame_width * SOURCE_MARGIN), round(frame_height * SOURCE_MARGIN)


DRAW_SCALE = 2  # themes are painted at 1/DRAW_SCALE of the full-frame source size, resized up with crisp edges


def build_layers(theme: str, time_of_day: str, width: int, height: int, seed: int,
                 paint_width: int | None = None, sky_seed: int | None = None) -> list[Layer]:
    """Draw a theme at source size (``width`` x ``height``), back layer first.

    It is painted ``paint_width`` pixels wide (default: half of ``width``), then resized up if that is smaller.
    ``sky_seed`` (default: ``seed``) places the sun or moon: scenes of one video share it, so a crossfade
    between two night scenes does not show two moons.
    """
    sun_at = np.random.default_rng(seed if sky_seed is None else sky_seed).uniform(0.3, 0.7)
    paint_width = min(width, paint_width or width // DRAW_SCALE)
    if paint_width == width:
        return _paint_theme(theme, time_of_day, width, height, seed, sun_at)
    small = _paint_theme(theme, time_of_day, paint_width, round(height * paint_width / width), seed, sun_at)
    return [upscale_layer(layer, width, height) for layer in small]


def _paint_theme(theme: str, time_of_day: str, width: int, height: int, seed: int, sun_at: float) -> list[Layer]:
    rng = np.random.default_rng(seed)
    if theme == "space":
        return themes.space(height, width, rng)
    if theme == "abstract":
        return themes.abstract(height, width, rng)
    palette = PALETTES[time_of_day]
    sky, sun = themes.sky_layer(height, width, palette, rng, sun_at)
    if theme == "mountains":
        land = themes.mountains(height, width, palette, rng)
    elif theme == "ocean":
        land = themes.ocean(height, width, palette, rng, sky.rgb)
    elif theme == "city":
        land = themes.city(height, width, palette, rng, sun, night=time_of_day in ("night", "sunset"))
    elif theme == "forest":
        land = themes.forest(height, width, palette, rng, sun)
    elif theme == "desert":
        land = themes.desert(height, width, palette, rng, sun)
    elif theme == "sky":
        land = themes.rolling_hills(height, width, palette, rng)
    else:
        raise ValueError(f"unknown theme {theme!r}; known: {', '.join(THEMES)}")
    return [sky, *land]


def image_layers(path: Path, width: int, height: int) -> list[Layer]:
    """A user's photo scaled to cover the source size (centre crop), as one opaque layer."""
    data = np.fromfile(str(path), np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if image is None:
        raise MediaError(f"background_image: cannot decode {path} as an image")
    image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    scale = max(width / image.shape[1], height / image.shape[0])
    resized = cv2.resize(image, (max(width, round(image.shape[1] * scale)), max(height, round(image.shape[0] * scale))),
                         interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    y0 = (resized.shape[0] - height) // 2
    x0 = (resized.shape[1] - width) // 2
    return [Layer(np.ascontiguousarray(resized[y0 : y0 + height, x0 : x0 + width]), None, 1.0, 0)]
