"""Put a character into frames: where it stands, how big, in the request's look, and with the camera or not.

``CharacterStage.draw`` paints a built-in character straight into an RGB frame through an RGBA view (skia
blends with anti-aliased alpha itself), so the character costs its paths, not a full-frame blend. The view's
alpha starts at 0, so the drawing leaves its coverage (0..255) there for free (source-over blends colour the
same whatever the destination's alpha): ``draw`` returns it, for what must stay behind the character (the
scene's particles). ``mask`` gives the same coverage without a frame. ``PortraitStage`` does the same for a
user's photo: the whole frame in character mode, a framed card in hybrid mode.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
import skia

from reelforge.camera import REST_SIZE, View
from reelforge.character.builtin import make_character
from reelforge.character.paint import RGB
from reelforge.character.photo import PortraitCharacter
from reelforge.character.rig import FaceControls
from reelforge.look.mood import grade_mood
from reelforge.look.styles import Style
from reelforge.request import CharacterType, Emotion

SWATCH = 32  # each palette colour is styled as a 32x32 patch so spatial filters keep it uniform
OUTLINES = {"anime": 1.8, "watercolor": 0.5, "noir": 1.2}


def styled_palette(style: Style, emotion: Emotion):
    """A ColorMap sending each colour through the emotion's mood and the style's paint."""

    def color_map(colors: Sequence[RGB]) -> list[RGB]:
        if not colors:
            return []
        swatches = np.repeat(np.asarray(colors, np.uint8)[:, None, None, :], SWATCH, 1)
        swatches = np.repeat(swatches, SWATCH, 2).reshape(len(colors) * SWATCH, SWATCH, 3)
        painted = style.paint(grade_mood(swatches, emotion), None)
        centres = painted[SWATCH // 2 :: SWATCH, SWATCH // 2]
        return [tuple(int(v) for v in rgb) for rgb in centres]

    return color_map


def placement(frame_size: tuple[int, int], inset: bool) -> tuple[float, float, float]:
    """(x, y, head half width) in pixels: filling the frame (character mode) or standing lower (hybrid)."""
    width, height = frame_size
    if inset:
        return width / 2, height * 0.5, min(0.2 * width, 0.14 * height)
    return width / 2, height * 0.4, min(0.27 * width, 0.2 * height)


class CharacterStage:
    """A built-in character placed in frames of one size."""

    def __init__(self, kind: CharacterType, seed: int, frame_size: tuple[int, int], style: Style, emotion: Emotion,
                 inset: bool = False):
        self.frame_size = frame_size
        self.character = make_character(kind, seed, styled_palette(style, emotion), OUTLINES.get(style.name, 1.0))
        self.x, self.y, self.unit = placement(frame_size, inset)

    def _paint(self, canvas: skia.Canvas, controls: FaceControls, view: View | None) -> None:
        if view is not None:
            follow_camera(canvas, view, self.frame_size)
        canvas.translate(self.x, self.y)
        canvas.scale(self.unit, self.unit)
        self.character.draw(canvas, controls)

    def draw(self, rgb: np.ndarray, controls: FaceControls, view: View | None = None) -> np.ndarray:
        """Draw the character into an RGB frame in place; ``view``: follow that camera view too. Returns the
        character's coverage, 0..255."""
        rgba = cv2.cvtColor(rgb, cv2.COLOR_RGB2RGBA)
        rgba[:, :, 3] = 0
        surface = skia.Surface(rgba, colorType=skia.kRGBA_8888_ColorType, alphaType=skia.kPremul_AlphaType)
        self._paint(surface.getCanvas(), controls, view)
        cv2.cvtColor(rgba, cv2.COLOR_RGBA2RGB, dst=rgb)
        return cv2.extractChannel(rgba, 3)

    def mask(self, controls: FaceControls, view: View | None = None) -> np.ndarray:
        """The character's coverage, 0..255, for a frame with these controls."""
        width, height = self.frame_size
        rgba = np.zeros((height, width, 4), np.uint8)
        surface = skia.Surface(rgba, colorType=skia.kRGBA_8888_ColorType, alphaType=skia.kPremul_AlphaType)
        self._paint(surface.getCanvas(), controls, view)
        return rgba[:, :, 3].copy()


def follow_camera(canvas: skia.Canvas, view: View, frame_size: tuple[int, int]) -> None:
    """Move the canvas as a subject standing at the rest view's centre would move under ``view``."""
    width, height = frame_size
    zoom = REST_SIZE / view.size
    canvas.translate(width / 2, height / 2)
    canvas.rotate(-math.degrees(view.roll))
    canvas.scale(zoom, zoom)
    canvas.translate((0.5 - view.u) * width / REST_SIZE, (0.5 - view.v) * height / REST_SIZE)
    canvas.translate(-width / 2, -height / 2)


class PortraitStage:
    """A user's portrait: the whole frame (character mode) or a card with rounded corners (hybrid mode)."""

    CARD_WIDTH, CARD_ASPECT, CARD_Y = 0.74, 1.1, 0.42  # of the frame width; height / width; centre height

    def __init__(self, path: Path, frame_size: tuple[int, int], style: Style, emotion: Emotion,
                 inset: bool = False):
        width, height = frame_size
        self.inset = inset
        self.card = (int(width * self.CARD_WIDTH) // 2 * 2, int(width * self.CARD_WIDTH * self.CARD_ASPECT) // 2 * 2)
        size = self.card if inset else frame_size
        self.portrait = PortraitCharacter(path, size, style, emotion, styled_palette(style, emotion))
        self.left = (width - self.card[0]) // 2
        self.top = int(height * self.CARD_Y - self.card[1] / 2)
        self.alpha, self.shadow = card_masks(self.card, width / 40)
        self._buffer = np.empty((size[1], size[0], 3), np.uint8)
        self.coverage = np.full((height, width), 0 if inset else 255, np.uint8)  # the card's or the whole frame
        if inset:
            self.coverage[self.top : self.top + self.card[1], self.left : self.left + self.card[0]] = \
                np.round(self.alpha * 255)

    def draw(self, rgb: np.ndarray, controls: FaceControls, view: View | None = None) -> np.ndarray:
        """Draw the portrait into an RGB frame in place; returns its coverage, 0..255 (it does not change)."""
        if not self.inset:
            self.portrait.draw(rgb, controls, view)
            return self.coverage
        self.portrait.draw(self._buffer, controls, view)
        pad = self.shadow.shape[0] - self.card[1]
        top, left = self.top - pad // 2, self.left - pad // 2
        region = rgb[top : top + self.shadow.shape[0], left : left + self.shadow.shape[1]]
        region[:] = (region * self.shadow[..., None]).astype(np.uint8)
        card = rgb[self.top : self.top + self.card[1], self.left : self.left + self.card[0]]
        card[:] = (self._buffer * self.alpha[..., None] + card * (1.0 - self.alpha[..., None])).astype(np.uint8)
        return self.coverage


def card_masks(card: tuple[int, int], radius: float) -> tuple[np.ndarray, np.ndarray]:
    """A rounded card's anti-aliased coverage, and the drop shadow's gain (1 = no shadow) around it."""
    width, height = card
    rgba = np.zeros((height, width, 4), np.uint8)
    surface = skia.Surface(rgba, colorType=skia.kRGBA_8888_ColorType, alphaType=skia.kPremul_AlphaType)
    surface.getCanvas().drawRRect(skia.RRect.MakeRectXY(skia.Rect.MakeWH(width, height), radius, radius),
                                  skia.Paint(AntiAlias=True, Color=skia.ColorWHITE))
    alpha = rgba[:, :, 3].astype(np.float32) / 255.0
    pad = int(radius * 2) // 2 * 2
    shadow = np.zeros((height + 2 * pad, width + 2 * pad), np.float32)
    shadow[pad + pad // 3 : pad + pad // 3 + height, pad : pad + width] = alpha
    shadow = 1.0 - 0.55 * cv2.GaussianBlur(shadow, (0, 0), radius * 0.6)
    return alpha, shadow
