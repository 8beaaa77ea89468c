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
SOFT_BLUR = 1.5  # frame pixels of blur from which a layer is warped at half size


@dataclass(frozen=True)
class PreparedLayer:
    """A layer ready for per-frame compositing: RGBA premultiplied by alpha, and its depth.

    ``top`` is the first source row with any content, ``solid`` the first from which every row down to the
    bottom is fully opaque (0 for an opaque layer; the source height when there is no such row). ``blur`` is
    the Gaussian blur (source pixels) the layer was softened with, 0 if none.
    """

    rgba: np.ndarray
    depth: float
    top: int
    solid: int
    blur: float = 0.0


def prepare_layers(layers: list[Layer], blurs: list[float] | None = None) -> list[PreparedLayer]:
    """Premultiply each layer once so that compositing a frame is a multiply and an add per layer.

    ``blurs``: how much each layer was blurred (source pixels), if it was.
    """
    prepared = []
    for layer, blur in zip(layers, blurs or [0.0] * len(layers)):
        if layer.alpha is None:
            alpha = np.full(layer.rgb.shape[:2], 255, np.uint8)
            rgb = layer.rgb
        else:
            alpha = layer.alpha
            rgb = cv2.multiply(layer.rgb, cv2.merge([alpha, alpha, alpha]), scale=1 / 255)
        see_through = np.flatnonzero(alpha.min(axis=1) < 255)
        solid = int(see_through[-1]) + 1 if see_through.size else 0
        prepared.append(PreparedLayer(cv2.merge([rgb, alpha]), layer.depth, layer.top, solid, blur))
    return prepared


class LayerCompositor:
    """Renders frames of prepared layers for one frame size, reusing its buffers.

    Each layer is warped only over the rows that no nearer layer hides (a nearer layer's solid ground hides
    everything below its edge), and straight into the frame where it is itself opaque; only the rows in between
    are blended. The result is the same as blending every layer over the whole frame. Layers blurred by at
    least SOFT_BLUR frame pixels have no detail that half the resolution would lose: the far ones at the back
    (depth of field blurs the farthest most) are composited together at half size and resized up once. Under a
    still camera the layers' views do not change, and the last frame is returned again (one for each of the
    last two sets of layers: both scenes of a transition).
    """

    def __init__(self, frame_size: tuple[int, int], soften: bool = True):
        """``soften``: composite the soft layers at the back at half size (a compositor at half size does not)."""
        self.width, self.height = frame_size
        self._warped = np.empty((self.height, self.width, 4), np.uint8)
        self._inverse = np.empty((self.height, self.width, 4), np.uint8)
        self._halves = LayerCompositor(((self.width + 1) // 2, (self.height + 1) // 2), soften=False) \
            if soften else None
        self._half = None if self._halves is None else \
            np.empty((self._halves.height, self._halves.width, 4), np.uint8)  # the soft layers, composited
        self._last: dict[int, tuple[list[PreparedLayer], bytes, np.ndarray]] = {}  # by id of the layers

    def render(self, layers: list[PreparedLayer], view: View, offset: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
        """Composite ``layers`` (back first) seen through ``view``; returns a read-only RGBA frame."""
        size = (self.width, self.height)
        source_size = (layers[0].rgba.shape[1], layers[0].rgba.shape[0])
        matrices = [view_matrix(layer_view(view, layer.depth), size, source_size, offset) for layer in layers]
        key = np.concatenate(matrices).tobytes()
        last = self._last.get(id(layers))
        if last is not None and last[0] is layers and last[1] == key:
            return last[2]
        out = np.empty((self.height, self.width, 4), np.uint8)
        self._composite(layers, matrices, out)
        out.flags.writeable = False
        self._last.pop(id(layers), None)
        if len(self._last) == 2:
            del self._last[next(iter(self._last))]
        self._last[id(layers)] = (layers, key, out)
        return out

    def _composite(self, layers: list[PreparedLayer], matrices: list[np.ndarray], out: np.ndarray) -> None:
        """Composite ``layers`` (back first, the back one opaque), warped by ``matrices``, into ``out``: the
        frame's rows from the top, as many as it has."""
        hidden_from = [out.shape[0]] * len(layers)  # the first row that nearer layers hide
        for index in range(len(layers) - 2, -1, -1):
            nearer = layers[index + 1]
            hidden_from[index] = min(hidden_from[index + 1], self._solid_row(matrices[index + 1], nearer.solid))
        soft = self._soft_at_the_back(layers)
        if soft:
            self._composite_at_half_size(layers[:soft], matrices[:soft], out[: hidden_from[soft - 1]])
        else:
            self._warp(layers[0], matrices[0], out, 0, hidden_from[0])
        done = max(soft, 1)
        for layer, matrix, end in zip(layers[done:], matrices[done:], hidden_from[done:]):
            first = min(self._first_row(matrix, layer.top), end)
            solid = min(max(self._solid_row(matrix, layer.solid), first), end)
            self._warp(layer, matrix, out, solid, end)
            if first < solid:
                warped = self._warp(layer, matrix, self._warped, first, solid)
                roi, inverse = out[first:solid], self._inverse[first:solid]
                cv2.mixChannels([warped], [inverse], [3, 0, 3, 1, 3, 2, 3, 3])
                cv2.bitwise_not(inverse, dst=inverse)
                cv2.multiply(roi, inverse, dst=roi, scale=1 / 255)
                cv2.add(roi, warped, dst=roi)

    def _soft_at_the_back(self, layers: list[PreparedLayer]) -> int:
        """How many layers from the back are blurred by SOFT_BLUR frame pixels or more (0 at half size)."""
        count = 0
        while (self._halves is not None and count < len(layers)
               and layers[count].blur * self.width / layers[count].rgba.shape[1] >= SOFT_BLUR):
            count += 1
        return count

    def _composite_at_half_size(self, layers: list[PreparedLayer], matrices: list[np.ndarray],
                                out: np.ndarray) -> None:
        """Composite ``layers`` at half size and resize them up into the rows of ``out``."""
        half_rows = min((out.shape[0] + 1) // 2 + 1, self._halves.height)  # one more: the resize reads it
        half = self._half[:half_rows]
        self._halves._composite(layers, [_at_half_size(matrix) for matrix in matrices], half)
        up = cv2.resize(half, (2 * half.shape[1], 2 * half_rows), interpolation=cv2.INTER_LINEAR)
        out[:] = up[: out.shape[0], : self.width]

    def _warp(self, layer: PreparedLayer, matrix: np.ndarray, dst: np.ndarray, start: int, end: int) -> np.ndarray:
        """Warp frame rows [start, end) of ``layer`` into the same rows of ``dst``; returns those rows."""
        rows = dst[start:end]
        if end > start:
            shifted = matrix.copy()
            shifted[:, 2] += matrix[:, 1] * start
            cv2.warpAffine(layer.rgba, shifted, (self.width, end - start), dst=rows, flags=_WARP,
                           borderMode=cv2.BORDER_REFLECT)
        return rows

    def _first_row(self, matrix: np.ndarray, top: int) -> int:
        """The first frame row that can show any source row at or below ``top``."""
        if top <= 0:
            return 0
        reach = max(0.0, matrix[1, 0] * (self.width - 1))
        row = (top - 2 - matrix[1, 2] - reach) / matrix[1, 1]
        return int(min(max(math.floor(row), 0), self.height))

    def _solid_row(self, matrix: np.ndarray, solid: int) -> int:
        """The first frame row from which every pixel samples only source rows at or below ``solid``."""
        reach = min(0.0, matrix[1, 0] * (self.width - 1))
        row = (solid + 1 - matrix[1, 2] - reach) / matrix[1, 1]
        return int(min(max(math.ceil(row), 0), self.height))


def _at_half_size(matrix: np.ndarray) -> np.ndarray:
    """A frame's warp matrix for a frame of half its size, whose pixel (x, y) covers frame pixels 2x and
    2x + 1 (and rows 2y, 2y + 1): its centre is frame pixel 2x + 0.5."""
    half = matrix * [2.0, 2.0, 1.0]
    half[:, 2] += (matrix[:, 0] + matrix[:, 1]) * 0.5
    return half


SHUTTER = 0.5  # the part of a frame's time it is exposed for: a film camera's 180-degree shutter


def crossfade(a: np.ndarray, b: np.ndarray, progress: float, shutter: float = 0.0) -> np.ndarray:
    """Dissolve from a to b (nothing moves: ``shutter`` is unused)."""
    return cv2.addWeighted(a, 1.0 - progress, b, progress, 0)


def fade_black(a: np.ndarray, b: np.ndarray, progress: float, shutter: float = 0.0) -> np.ndarray:
    """Fade a out to black, then b in from black (nothing moves: ``shutter`` is unused)."""
    if progress < 0.5:
        return cv2.convertScaleAbs(a, alpha=1.0 - 2.0 * progress)
    return cv2.convertScaleAbs(b, alpha=2.0 * progress - 1.0)


def slide(a: np.ndarray, b: np.ndarray, progress: float, shutter: float = 0.0) -> np.ndarray:
    """b pushes a out to the left (eased), motion-blurred along the push over the ``shutter`` (the part of the
    progress one frame's exposure covers): without it the seam between the scenes jumped as a hard edge."""
    width = a.shape[1]
    shift = int(round(ease(progress) * width))
    out = np.empty_like(a)
    out[:, : width - shift] = a[:, shift:]
    out[:, width - shift :] = b[:, :shift]
    streak = int(round((ease(progress) - ease(progress - shutter)) * width))
    return cv2.blur(out, (streak, 1)) if streak > 1 else out


TRANSITIONS = {"crossfade": crossfade, "fade_black": fade_black, "slide": slide}
