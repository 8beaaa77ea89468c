"""Camera moves as eased per-frame views of a larger source: sub-pixel, never past the source's edge.

A view is a window over the source: its centre (u, v) in 0..1 source coordinates, its size ``w`` as a fraction
of the source (1.0 = the whole source, smaller = zoomed in) and a roll angle. ``view_matrix`` turns a view into
the float 2x3 matrix that cv2.warpAffine samples with (frame pixel -> source pixel), so motion is continuous.
Layers nearer the camera (depth 1) follow the move fully; far layers (depth -> 0) follow it less: parallax.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from reelforge.look.lighting import ease
from reelforge.request import CameraMovement

REST_SIZE = 0.86  # window size of a still camera: leaves margin for weave and parallax


@dataclass(frozen=True)
class View:
    """A window over the source: centre (u, v) in 0..1, size as a fraction of the source, roll in radians."""

    u: float = 0.5
    v: float = 0.5
    size: float = REST_SIZE
    roll: float = 0.0


def _swing(progress: float) -> float:
    """0 -> 1 -> 0 over the clip, eased at the ends and at the turn (for dolly and crane)."""
    return ease(progress * 2.0) if progress < 0.5 else ease((1.0 - progress) * 2.0)


def camera_view(move: CameraMovement, progress: float) -> View:
    """The view of a move at ``progress`` 0..1 through the clip (eased: no jerk at the ends)."""
    p = ease(progress)
    if move is CameraMovement.static:
        return View()
    if move is CameraMovement.slow_zoom_in:
        return View(size=1.0 - 0.25 * p)
    if move is CameraMovement.slow_zoom_out:
        return View(size=0.75 + 0.25 * p)
    if move in (CameraMovement.pan_left, CameraMovement.pan_right):
        size = 0.8
        reach = (1.0 - size) / 2 * 0.95
        direction = -1.0 if move is CameraMovement.pan_left else 1.0  # the window moves the way the camera turns
        return View(u=0.5 + direction * reach * (2 * p - 1), size=size)
    if move in (CameraMovement.tilt_up, CameraMovement.tilt_down):
        size = 0.8
        reach = (1.0 - size) / 2 * 0.95
        direction = -1.0 if move is CameraMovement.tilt_up else 1.0
        return View(v=0.5 + direction * reach * (2 * p - 1), size=size)
    if move is CameraMovement.orbit:
        angle = math.radians(5.0) * (2 * p - 1)
        return View(u=0.5 + 0.05 * (2 * p - 1), size=0.8, roll=angle)
    if move is CameraMovement.dolly:
        return View(size=0.98 - 0.24 * _swing(progress))
    if move is CameraMovement.crane:
        return View(v=0.5 - 0.08 * _swing(progress), size=0.82)
    raise ValueError(f"unknown camera movement {move!r}")


def layer_view(view: View, depth: float) -> View:
    """The view as seen by a layer at ``depth``: far layers move less (parallax)."""
    rest = View()
    return View(
        u=rest.u + (view.u - rest.u) * depth,
        v=rest.v + (view.v - rest.v) * depth,
        size=rest.size + (view.size - rest.size) * depth,
        roll=view.roll * depth,
    )


def still_source_size(frame_width: int, frame_height: int) -> tuple[int, int]:
    """The size of a source that a still camera shows pixel for pixel: its window (REST_SIZE of the source) is
    the frame's size. Moving cameras need a larger one (scene.source_size) to move in."""
    return round(frame_width / REST_SIZE), round(frame_height / REST_SIZE)


def fit_inside(view: View, aspect: float, margin: float = 0.0) -> View:
    """Shrink and recentre a view until its rotated window lies inside the source (``aspect`` = height/width).

    ``margin`` is kept free on every side, as a fraction of the source width.
    """
    cos, sin = abs(math.cos(view.roll)), abs(math.sin(view.roll))
    need_w = cos + aspect * sin  # rotated window's bounding box, in units of view.size (width)
    need_h = sin / aspect + cos  # ... in units of view.size (height)
    margin_h = margin / aspect
    size = min(view.size, (1.0 - 2 * margin) / need_w, (1.0 - 2 * margin_h) / need_h)
    half_w, half_h = size * need_w / 2 + margin, size * need_h / 2 + margin_h
    u = min(max(view.u, half_w), 1.0 - half_w)
    v = min(max(view.v, half_h), 1.0 - half_h)
    return View(u, v, size, view.roll)


def view_matrix(view: View, frame_size: tuple[int, int], source_size: tuple[int, int],
                offset: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """2x3 float matrix mapping frame pixels to source pixels (use with WARP_INVERSE_MAP).

    ``offset`` shifts the view by whole frame pixels (gate weave, scene slides).
    """
    frame_w, frame_h = frame_size
    source_w, source_h = source_size
    shift = max(abs(offset[0]), abs(offset[1])) + 1.0  # frame pixels, the sampling footprint included
    view = fit_inside(view, source_h / source_w, margin=shift * view.size / frame_w)
    scale = view.size * source_w / frame_w  # source pixels per frame pixel
    cos, sin = math.cos(view.roll) * scale, math.sin(view.roll) * scale
    cx, cy = view.u * source_w - 0.5, view.v * source_h - 0.5
    fx, fy = (frame_w - 1) / 2 - offset[0], (frame_h - 1) / 2 - offset[1]
    return np.array([[cos, -sin, cx - cos * fx + sin * fy],
                     [sin, cos, cy - sin * fx - cos * fy]], np.float64)
