"""Small colour tools shared by the styles: curves as look-up tables, matrices, saturation."""

from __future__ import annotations

import cv2
import numpy as np


def apply_curve(image: np.ndarray, curve: np.ndarray) -> np.ndarray:
    """Apply a 256-entry curve (one for all channels, or (256, 3) per channel) with cv2.LUT."""
    lut = np.clip(np.round(curve), 0, 255).astype(np.uint8)
    if lut.ndim == 2:
        lut = lut.reshape(256, 1, 3)
    return cv2.LUT(image, lut)


def chained(first: np.ndarray, then: np.ndarray) -> np.ndarray:
    """The curve applying ``first`` and then ``then`` (each one curve or (256, 3) per channel) in one look-up, with
    the rounding between them that two passes of apply_curve have."""
    between = np.clip(np.round(first), 0, 255).astype(np.intp)
    if then.ndim == 1:
        return then[between]
    if between.ndim == 1:
        between = np.repeat(between[:, None], 3, axis=1)
    return np.take_along_axis(then, between, axis=0)


def contrast_brightness_curve(contrast: float, brightness: float, pivot: float = 128.0) -> np.ndarray:
    """Curve for ``(x - pivot) * contrast + pivot``, then ``* brightness``."""
    x = np.arange(256, dtype=np.float32)
    return ((x - pivot) * contrast + pivot) * brightness


def s_curve(strength: float) -> np.ndarray:
    """A soft filmic S-curve: ``strength`` 0 is identity, 1 is a strong sigmoid."""
    x = np.arange(256, dtype=np.float32) / 255.0
    sigmoid = 1.0 / (1.0 + np.exp(-(x - 0.5) * 8.0))
    sigmoid = (sigmoid - sigmoid[0]) / (sigmoid[-1] - sigmoid[0])
    return 255.0 * ((1.0 - strength) * x + strength * sigmoid)


def color_matrix(image: np.ndarray, matrix: np.ndarray, offset: tuple[float, float, float] = (0, 0, 0)) -> np.ndarray:
    """Multiply every RGB pixel by a 3x3 matrix (plus an offset), saturating to uint8."""
    m = np.hstack([np.asarray(matrix, np.float32), np.asarray(offset, np.float32)[:, None]])
    return cv2.transform(image, m)


def scale_saturation_value(image: np.ndarray, saturation: float, value: float) -> np.ndarray:
    """Scale HSV saturation and value (OpenCV's 8-bit HSV), clipped."""
    hsv = cv2.cvtColor(image, cv2.COLOR_RGB2HSV)
    ramp = np.arange(256, dtype=np.float32)
    lut = np.stack([ramp, ramp * saturation, ramp * value], axis=1)
    hsv = apply_curve(hsv, lut)
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)


def luma(image: np.ndarray) -> np.ndarray:
    """Rec. 601 luma of an RGB image (uint8)."""
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
