"""A photo's own upper eyelid closing over its eye, for blinks and drooping lids.

The skin between the lash line and the brow slides down over the eye, stretched, as a real lid unfolds: one
cv2.remap of a small box around the eye, built per pixel from the lid's contours in the eye's own axes (so
a tilted face works the same). Over it: the lid darkens towards its edge (it curves away from the light), a
soft dark lash line runs along that edge, and the lid casts a faint shadow on what is still open below it.
The lid's edge is anti-aliased over about a pixel, so the eye closes without a painted outline.
"""

from __future__ import annotations

import cv2
import numpy as np

SHADE = 0.22  # how much darker the lid is at its edge than at its top, when closed
LASH = 0.2  # the lash line's darkening at its centre, when closed
LASH_WIDTH = 0.022  # the lash line's half width, in eye spacings
SHADOW = 0.2  # the shadow the lid casts just below its edge
SHADOW_REACH = 0.05  # how far below the edge that shadow fades, in eye spacings
LASHES = 0.06  # the strip above the lash line that keeps its height (the photo's own lashes), in eye spacings
BAND = (0.05, 0.25)  # the lid skin taken from above the eye: bounds, in eye spacings
CORNER_FADE = 0.08  # shading and lashes fade out over this distance before the eye's corners (eye spacings)


def _profile(points: np.ndarray, origin: np.ndarray, axes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A contour as (across, down) coordinates along the eye's axes, sorted across, for np.interp."""
    local = (points - origin) @ axes.T
    order = np.argsort(local[:, 0])
    return local[order, 0], local[order, 1]


class PhotoEyelid:
    """One eye of a photo, closed by its own lid: ``close(image, upper, brow, lid)`` in place."""

    def __init__(self, corners: np.ndarray, upper: np.ndarray, lower: np.ndarray,
                 down: np.ndarray, right: np.ndarray, eyes: float, image_size: tuple[int, int]):
        """``corners`` (2 points), ``upper``/``lower`` lid contours, in pixels at rest;
        ``down``/``right``: the face's axes; ``eyes``: the distance between the irises."""
        self.axes = np.array([right, down], np.float32)
        self.origin = corners.mean(0).astype(np.float32)
        self.eyes = eyes
        self.corner_points = corners.astype(np.float32)
        self.corners = np.sort((corners - self.origin) @ self.axes[0])
        self.lower_points = np.vstack([corners, lower]).astype(np.float32)
        # the box covers the eye from above the lid skin it takes to the lid's shadow below the lower lid
        rise = -float(((upper - self.origin) @ self.axes[1]).min()) + (BAND[1] + 0.06) * eyes
        reach = float(((lower - self.origin) @ self.axes[1]).max()) + (SHADOW_REACH * 3 + LASH_WIDTH) * eyes
        half = (self.corners[1] - self.corners[0]) / 2 + 0.12 * eyes
        span = np.array([[-half, -rise], [half, -rise], [-half, reach], [half, reach]], np.float32)
        extent = self.origin + span @ self.axes
        width, height = image_size
        x0, y0 = np.maximum(np.floor(extent.min(0)).astype(int), 0)
        x1, y1 = np.minimum(np.ceil(extent.max(0)).astype(int) + 1, [width, height])
        self.box = (int(x0), int(y0), int(x1), int(y1))
        xs, ys = np.meshgrid(np.arange(x0, x1, dtype=np.float32), np.arange(y0, y1, dtype=np.float32))
        self.local = (xs - x0, ys - y0)
        self.across = (xs - self.origin[0]) * right[0] + (ys - self.origin[1]) * right[1]
        self.depth = (xs - self.origin[0]) * down[0] + (ys - self.origin[1]) * down[1]
        inside = np.minimum(self.across - self.corners[0], self.corners[1] - self.across)
        self.fade = np.clip(inside / (CORNER_FADE * eyes), 0.0, 1.0)

    def close(self, image: np.ndarray, upper: np.ndarray, brow: np.ndarray, lid: float) -> None:
        """Bring the upper lid ``lid`` (0 open .. 1 shut) of the way down over the eye in an RGB image, in place.

        ``upper``: the upper lid contour and ``brow``: the brow's lower edge, where they are in this image."""
        x0, y0, x1, y1 = self.box
        eyes, depth = self.eyes, self.depth
        lash = self._line(np.vstack([self.corner_points, upper]))  # the lash line at rest, per column
        bottom = self._line(self.lower_points)
        band = np.clip(0.75 * (lash - self._line(brow)), BAND[0] * eyes, BAND[1] * eyes)  # below the brow
        top = lash - band
        edge = lash + (bottom - lash) * lid  # where the lid's edge has come to
        # the lashes (a strip above the lash line) come down with the lid as they are; the skin from top to
        # them is stretched over the rest of the lid; nothing moves above top or below the edge
        lashes = np.minimum(LASHES * eyes, 0.5 * band)
        span = np.maximum(edge - top, 1e-3)
        along = (depth - top) / span  # 0 at the top of the lid, 1 at its edge
        stretched = along * span * ((band - lashes) / np.maximum(span - lashes, 1e-3) - 1.0)
        shift = np.where(depth > edge - lashes, lash - edge, np.where(along > 0, stretched, 0.0))
        shift[depth > edge + 2.0] = 0.0
        patch = image[y0:y1, x0:x1]
        moved = cv2.remap(patch, self.local[0] + shift * self.axes[1, 0], self.local[1] + shift * self.axes[1, 1],
                          cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        # light: the lid darker towards its edge, the lash line on it, its shadow on the eye below it
        cover = np.clip(edge - depth + 0.5, 0.0, 1.0)  # the lid, its edge anti-aliased over a pixel
        along = np.clip(along, 0.0, 1.0)
        lash_line = (depth - edge + 0.3 * LASH_WIDTH * eyes) / (LASH_WIDTH * eyes)
        below = np.maximum(depth - edge, 0.0) / (SHADOW_REACH * eyes)
        darken = SHADE * along * along * cover + LASH * np.exp(-lash_line * lash_line) \
            + SHADOW * np.exp(-below) * (1.0 - cover)
        gain = 1.0 - darken * (self.fade * min(lid * 1.5, 1.0))
        lid_gain = cover * gain
        eye_gain = gain - lid_gain
        patch[:] = cv2.add(cv2.multiply(moved, cv2.merge([lid_gain] * 3), dtype=cv2.CV_32F),
                           cv2.multiply(patch, cv2.merge([eye_gain] * 3), dtype=cv2.CV_32F), dtype=cv2.CV_8U)

    def _line(self, contour: np.ndarray) -> np.ndarray:
        """How far down a contour (pixels) runs at each pixel of the box, interpolated across the eye."""
        across, down = _profile(contour, self.origin, self.axes)
        return np.interp(self.across, across, down).astype(np.float32)
