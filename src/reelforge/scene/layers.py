"""Depth layers: what a scene is made of, so that camera moves give parallax."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from reelforge.scene.paint import to_uint8


@dataclass(frozen=True)
class Layer:
    """One depth plane of a scene at source resolution.

    ``rgb`` is straight (not premultiplied) colour; ``alpha`` is None for the opaque back layer.
    ``depth`` runs from 0 (infinitely far: the camera move barely shifts it) to 1 (the plane the move is
    designed for). ``top`` is the first row holding any content, so compositing can skip empty sky above it.
    """

    rgb: np.ndarray
    alpha: np.ndarray | None
    depth: float
    top: int = 0

    def with_rgb(self, rgb: np.ndarray) -> Layer:
        """The same layer with new colour (after a style)."""
        return Layer(rgb, self.alpha, self.depth, self.top)


def make_layer(rgb: np.ndarray, mask: np.ndarray | None, depth: float, first: int = 0) -> Layer:
    """A layer from float 0..1 colour and coverage mask.

    ``first``: the colour and mask were drawn for the rows from ``first`` down only, as nothing lies above them.
    The rows above are made transparent, their colour that of the first row drawn, so that a blur or resize
    across the edge sees the layer's own colour and not black.
    """
    if mask is None:
        return Layer(to_uint8(rgb), None, depth, 0)
    alpha, colour = to_uint8(mask), to_uint8(rgb)
    if first > 0:
        alpha = np.concatenate([np.zeros((first, alpha.shape[1]), np.uint8), alpha])
        colour = np.concatenate([np.broadcast_to(colour[:1], (first, *colour.shape[1:])), colour])
    rows = np.flatnonzero(alpha.max(axis=1))
    top = int(rows[0]) if rows.size else alpha.shape[0]
    return Layer(colour, alpha, depth, top)


def upscale_layer(layer: Layer, width: int, height: int) -> Layer:
    """A layer drawn small, resized to full source size; alpha edges re-sharpened to about one pixel."""
    scale = width / layer.rgb.shape[1]
    rgb = cv2.resize(layer.rgb, (width, height), interpolation=cv2.INTER_LINEAR)
    if layer.alpha is None:
        return Layer(rgb, None, layer.depth, 0)
    alpha = cv2.resize(layer.alpha, (width, height), interpolation=cv2.INTER_LINEAR)
    # Steepen the resized edge ramp (``scale`` pixels wide) back to one pixel around its midpoint.
    steep = alpha.astype(np.float32) * scale - 127.5 * (scale - 1.0)
    alpha = np.clip(steep, 0, 255).astype(np.uint8)
    return Layer(rgb, alpha, layer.depth, int(layer.top * scale))


def flatten(layers: list[Layer]) -> np.ndarray:
    """The layers composited at rest (no camera move): the scene as one uint8 image."""
    out = layers[0].rgb.astype(np.float32)
    for layer in layers[1:]:
        if layer.alpha is None:
            out = layer.rgb.astype(np.float32)
            continue
        a = layer.alpha.astype(np.float32)[:, :, None] / 255.0
        out = out * (1.0 - a) + layer.rgb.astype(np.float32) * a
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)
