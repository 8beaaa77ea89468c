"""Planar YUV 4:2:0 frames (the encoder's format: BT.601, video range) and drawing into their planes.

Frames are finished in YUV rather than RGB. A scene composited smaller than the frame is converted at its own
size and only its planes are resized: luma to the frame size, chroma to half of it, 1.5 bytes a pixel instead
of the 3 of an RGB upscale, and no full-size colour conversion. Captions, particles and bars are then drawn
into the planes, each only inside its own box.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from reelforge.encode import rgb_to_i420

# RGB 0..255 -> Y, U, V, as cv2.COLOR_RGB2YUV_I420 converts (the last column is the offset)
YUV_FROM_RGB = np.array([[0.256788, 0.504129, 0.097906, 16.0],
                         [-0.148223, -0.290993, 0.439216, 128.0],
                         [0.439216, -0.367788, -0.071427, 128.0]], np.float32)
WHITE = 235  # the luma of RGB white


def planes(i420: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The Y, U and V planes of an I420 frame (height * 3/2 rows), as views that write through."""
    height, width = i420.shape[0] * 2 // 3, i420.shape[1]
    flat = i420.reshape(-1)
    quarter = height * width // 4
    u = flat[height * width : height * width + quarter].reshape(height // 2, width // 2)
    v = flat[height * width + quarter :].reshape(height // 2, width // 2)
    return i420[:height], u, v


def to_i420(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """An RGB frame as a new I420 frame of ``size`` (width, height): converted first, then resized plane by plane."""
    height, width = rgb.shape[:2]
    if (width, height) == size:
        return rgb_to_i420(rgb)
    small_y, small_u, small_v = cv2.split(cv2.transform(rgb, YUV_FROM_RGB))
    i420 = np.empty((size[1] * 3 // 2, size[0]), np.uint8)
    y, u, v = planes(i420)
    cv2.resize(small_y, size, dst=y, interpolation=cv2.INTER_CUBIC)
    for small, plane in ((small_u, u), (small_v, v)):
        if small.shape == plane.shape:
            plane[:] = small
        else:  # bicubic either way, as chroma subsampled from a bicubic RGB upscale was
            cv2.resize(small, plane.shape[::-1], dst=plane, interpolation=cv2.INTER_CUBIC)
    return i420


def i420_to_rgb(i420: np.ndarray) -> np.ndarray:
    """An I420 frame as RGB, as a player shows it."""
    return cv2.cvtColor(i420, cv2.COLOR_YUV2RGB_I420)


def color_to_yuv(rgb: np.ndarray) -> np.ndarray:
    """YUV change (without the offsets) that adding ``rgb`` (0..255, last axis) makes: float32, same shape."""
    return np.asarray(rgb, np.float32) @ YUV_FROM_RGB[:, :3].T


@dataclass(frozen=True)
class Overlay:
    """An RGBA image ready to blend into I420 frames at (x, y), both even.

    Each plane (Y at full size, U and V at half) has its premultiplied values and its inverse alpha.
    """

    x: int
    y: int
    premultiplied: tuple[np.ndarray, np.ndarray, np.ndarray]
    inverse_alpha: tuple[np.ndarray, np.ndarray, np.ndarray]


def make_overlay(rgba: np.ndarray, x: int, y: int) -> Overlay:
    """Convert a straight-alpha RGBA image placed at (x, y) once, for any number of blends."""
    pad_top, pad_left = y % 2, x % 2
    height, width = rgba.shape[:2]
    padded = np.zeros((height + pad_top + (height + pad_top) % 2, width + pad_left + (width + pad_left) % 2, 4),
                      np.uint8)
    padded[pad_top : pad_top + height, pad_left : pad_left + width] = rgba
    alpha = padded[:, :, 3].astype(np.float32) / 255.0
    yuv = (color_to_yuv(padded[:, :, :3]) + YUV_FROM_RGB[:, 3]) * alpha[:, :, None]
    half = (padded.shape[1] // 2, padded.shape[0] // 2)
    chroma = cv2.resize(yuv[:, :, 1:], half, interpolation=cv2.INTER_AREA)
    chroma_alpha = cv2.resize(alpha, half, interpolation=cv2.INTER_AREA)
    premultiplied = (_rounded(yuv[:, :, 0]), _rounded(chroma[:, :, 0]), _rounded(chroma[:, :, 1]))
    inverse = (_rounded(255 * (1 - alpha)), _rounded(255 * (1 - chroma_alpha)), _rounded(255 * (1 - chroma_alpha)))
    return Overlay(x - pad_left, y - pad_top, premultiplied, inverse)


def _rounded(values: np.ndarray) -> np.ndarray:
    """Float 0..255 values as a contiguous uint8 array, rounded."""
    return np.ascontiguousarray(np.clip(values + 0.5, 0, 255).astype(np.uint8))


def blend(i420: np.ndarray, overlay: Overlay) -> None:
    """Blend an overlay into an I420 frame in place (the overlay must lie inside the frame)."""
    for index, plane in enumerate(planes(i420)):
        scale = 1 if index == 0 else 2
        premultiplied, inverse = overlay.premultiplied[index], overlay.inverse_alpha[index]
        h, w = premultiplied.shape
        roi = plane[overlay.y // scale : overlay.y // scale + h, overlay.x // scale : overlay.x // scale + w]
        cv2.multiply(roi, inverse, dst=roi, scale=1 / 255)
        cv2.add(roi, premultiplied, dst=roi)
