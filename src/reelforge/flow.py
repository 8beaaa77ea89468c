"""Optical-flow temporal smoothing (dense Farneback, SPEC.md's parameters).

Each output frame is blended with the previous output warped along the flow onto the current frame, so
frame-to-frame flicker (of a per-frame filter, of noise) is averaged out while motion is followed, not smeared.
Where the warped previous frame disagrees with the current one (occlusion, a cut) the blend fades to zero.
"""

from __future__ import annotations

import cv2
import numpy as np

FARNEBACK = {"pyr_scale": 0.5, "levels": 3, "winsize": 15, "iterations": 3, "poly_n": 5, "poly_sigma": 1.2,
             "flags": 0}


def farneback_flow(previous_gray: np.ndarray, current_gray: np.ndarray) -> np.ndarray:
    """Dense flow from ``current`` back to ``previous``: current pixel (x, y) came from (x, y) + flow."""
    return cv2.calcOpticalFlowFarneback(current_gray, previous_gray, None, **FARNEBACK)


class FlowSmoother:
    """Temporal smoothing of a frame stream: ``smooth(frame)`` returns the smoothed frame."""

    def __init__(self, strength: float = 0.5, analysis_width: int = 360, tolerance: float = 24.0):
        self.strength = strength
        self.analysis_width = analysis_width
        self.tolerance = tolerance
        self._previous: np.ndarray | None = None
        self._previous_gray: np.ndarray | None = None
        self._grid: tuple[np.ndarray, np.ndarray] | None = None

    def _pixel_grid(self, height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
        """Pixel coordinates of a frame, built once per frame size."""
        if self._grid is None or self._grid[0].shape != (height, width):
            self._grid = tuple(np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32)))
        return self._grid

    def reset(self) -> None:
        """Forget the previous frame (call at a cut)."""
        self._previous = None
        self._previous_gray = None

    def smooth(self, frame: np.ndarray) -> np.ndarray:
        """Blend ``frame`` with the motion-compensated previous output."""
        height, width = frame.shape[:2]
        scale = self.analysis_width / width
        gray = cv2.cvtColor(cv2.resize(frame, (self.analysis_width, round(height * scale)),
                                       interpolation=cv2.INTER_AREA), cv2.COLOR_RGB2GRAY)
        if self._previous is None:
            result = frame
        else:
            flow = farneback_flow(self._previous_gray, gray)
            flow = cv2.resize(flow, (width, height), interpolation=cv2.INTER_LINEAR) / scale
            grid_x, grid_y = self._pixel_grid(height, width)
            warped = cv2.remap(self._previous, grid_x + flow[..., 0], grid_y + flow[..., 1], cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)
            difference = cv2.absdiff(warped, frame).max(axis=2).astype(np.float32)
            weight = self.strength * np.exp(-difference / self.tolerance)
            result = (frame + (warped.astype(np.float32) - frame) * weight[:, :, None] + 0.5).astype(np.uint8)
        self._previous = result
        self._previous_gray = gray
        return result
