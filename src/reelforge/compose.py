"""Composite a scene's depth layers through the camera into frames, and join scenes with transitions."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from reelforge.camera import View, layer_view, view_matrix
from reelforge.look.lighting import ease
from reelforge.scene.layers import Layer

_WARP = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP


@dataclass(frozen=True)
class PreparedLayer:
    """A layer ready for per-frame compositing: RGBA premultiplied by alpha, and its depth."""

    rgba: np.ndarray
    depth: float
    top: int
    opaque: bool


def prepare_layers(layers: list[Layer]) -> list[PreparedLayer]:
    """Premultiply each layer once so that compositing a frame is a multiply and an add per layer."""
    prepared = []
    for layer in layers:
        if layer.alpha is None:
            alpha = np.full(layer.rgb.shape[:2], 255, np.uint8)
            rgb = layer.rgb
        else:
            alpha = layer.alpha
            rgb = cv2.multiply(layer.rgb, cv2.merge([alpha, alpha, alpha]), scale=1 / 255)
        prepared.append(PreparedLayer(np.dstack([rgb, alpha]), layer.depth, layer.top, layer.alpha is None))
    return prepared


class LayerCompositor:
    """Renders frames of prepared layers for one frame size, reusing its buffers."""

    def __init__(self, frame_size: tuple[int, int]):
        self.width, self.height = frame_size
        self._inverse = np.empty((self.height, self.width, 4), np.uint8)

    def render(self, layers: list[PreparedLayer], view: View, offset: tuple[float, float] = (0.0, 0.0),
               out: np.ndarray | None = None) -> np.ndarray:
        """Composite ``layers`` (back first) seen through ``view``; returns an RGBA frame."""
        size = (self.width, self.height)
        source_size = (layers[0].rgba.shape[1], layers[0].rgba.shape[0])
        back = view_matrix(layer_view(view, layers[0].depth), size, source_size, offset)
        out = cv2.warpAffine(layers[0].rgba, back, size, dst=out, flags=_WARP, borderMode=cv2.BORDER_REFLECT)
        for layer in layers[1:]:
            matrix = view_matrix(layer_view(view, layer.depth), size, source_size, offset)
            first_row = self._first_row(matrix, layer.top)
            if first_row >= self.height:
                continue
            shifted = matrix.copy()
            shifted[:, 2] += matrix[:, 1] * first_row
            roi = out[first_row:]
            warped = cv2.warpAffine(layer.rgba, shifted, (self.width, self.height - first_row), flags=_WARP,
                                    borderMode=cv2.BORDER_REFLECT)
            inverse = self._inverse[first_row:]
            cv2.mixChannels([warped], [inverse], [3, 0, 3, 1, 3, 2, 3, 3])
            cv2.bitwise_not(inverse, dst=inverse)
            cv2.multiply(roi, inverse, dst=roi, scale=1 / 255)
            cv2.add(roi, warped, dst=roi)
        return out

    def _first_row(self, matrix: np.ndarray, top: int) -> int:
        """The first frame row that can show any source row at or below ``top``."""
        if top <= 0:
            return 0
        reach = max(0.0, matrix[1, 0] * (self.width - 1))
        row = (top - 2 - matrix[1, 2] - reach) / matrix[1, 1]
        return int(min(max(math.floor(row), 0), self.height))


def crossfade(a: np.ndarray, b: np.ndarray, progress: float) -> np.ndarray:
    """Dissolve from a to b."""
    return cv2.addWeighted(a, 1.0 - progress, b, progress, 0)


def fade_black(a: np.ndarray, b: np.ndarray, progress: float) -> np.ndarray:
    """Fade a out to black, then b in from black."""
    if progress < 0.5:
        return cv2.convertScaleAbs(a, alpha=1.0 - 2.0 * progress)
    return cv2.convertScaleAbs(b, alpha=2.0 * progress - 1.0)


def slide(a: np.ndarray, b: np.ndarray, progress: float) -> np.ndarray:
    """b pushes a out to the left (eased)."""
    width = a.shape[1]
    shift = int(round(ease(progress) * width))
    out = np.empty_like(a)
    out[:, : width - shift] = a[:, shift:]
    out[:, width - shift :] = b[:, :shift]
    return out


TRANSITIONS = {"crossfade": crossfade, "fade_black": fade_black, "slide": slide}
