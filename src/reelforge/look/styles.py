"""The eight styles of SPEC.md. Each is one function whose recipe reads top to bottom.

A style's ``paint`` changes the content's look and runs once per scene layer at source resolution (so a
camera move never makes it flicker); its per-frame finishes (grain, vignette, scratches, gate weave,
depth of field) are numbers in its Style record, applied by look.finish and the compositor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from reelforge.look.tone import (
    apply_curve,
    chained,
    color_matrix,
    contrast_brightness_curve,
    luma,
    s_curve,
    scale_saturation_value,
)
from reelforge.request import Style as StyleName

Paint = Callable[[np.ndarray, "np.ndarray | None"], np.ndarray]


def cinematic(image: np.ndarray, alpha: np.ndarray | None = None) -> np.ndarray:
    """Teal-orange grade: shadows pushed to teal, highlights to orange; a soft S contrast curve."""
    x = np.arange(256, dtype=np.float32)
    shadows = np.clip(1.0 - x / 128.0, 0, 1)
    highlights = np.clip((x - 128.0) / 127.0, 0, 1)
    curves = np.stack([x - 14 * shadows + 16 * highlights,     # red: out of shadows, into highlights
                       x + 4 * shadows + 4 * highlights,       # green: a touch up both ends
                       x + 16 * shadows - 16 * highlights], 1)  # blue: into shadows, out of highlights
    return apply_curve(image, chained(curves, s_curve(0.35)))


ANIME_LEVELS = 6  # lightness bands
ANIME_COLOUR_STEP = 14  # Lab a/b step
ANIME_CROWD_WINDOW = 21  # pixels: the window in which crowded edges are counted
ANIME_CROWD = 0.09  # the share of a window's pixels that are edges above which they may be texture
ANIME_RIPPLE_COHERENCE = 0.85  # how parallel crowded edges are when they are ripples (1: all parallel)
ANIME_MIN_INK = 24  # pixels an ink line spans (its longer side), at the least
ANIME_WASH_SLOPE = (1.0, 2.5)  # lightness levels a pixel (at a 700-pixel width): under the first, a smooth wash
ANIME_WIDTH = 700


def anime(image: np.ndarray, alpha: np.ndarray | None = None) -> np.ndarray:
    """Cel look: bilateral-smoothed, posterized where there is shape, vivid; Canny edges inked over it (90 % ink
    on an edge).

    Posterized in Lab: lightness in ANIME_LEVELS bands, the colour axes in coarser steps around grey, so shading
    bands into lighter and darker shades of one hue, never into other hues. Smooth washes (a sky's gradient, the
    glow around a moon) stay smooth, as in painted anime skies: posterized, they banded into rings and grey blobs.
    Ink lines spanning fewer than ANIME_MIN_INK pixels (stars, specks of texture, flowers, a lit window's
    ring) are dropped: ink outlines shapes. So are the crowded level lines of ripples on water.
    """
    smoothed = image
    for _ in range(2):
        smoothed = cv2.bilateralFilter(smoothed, 9, 60, 7)
    lab = cv2.cvtColor(smoothed, cv2.COLOR_RGB2LAB)
    step = 256 // ANIME_LEVELS
    lightness = (np.arange(256) // step) * step + step // 2
    colour = np.round((np.arange(256) - 128) / ANIME_COLOUR_STEP) * ANIME_COLOUR_STEP + 128
    bands = apply_curve(lab, np.stack([lightness, colour, colour], axis=1))
    cel = _cel_weight(lab[:, :, 0], image.shape[1])[:, :, None]
    lab = (bands * cel + lab * (1.0 - cel) + 0.5).astype(np.uint8)
    poster = scale_saturation_value(cv2.cvtColor(lab, cv2.COLOR_LAB2RGB), 1.3, 1.05)
    gray = cv2.GaussianBlur(luma(image), (3, 3), 0)
    edges = _long_lines(cv2.Canny(gray, 40, 110))
    edges[_ripples(gray, edges)] = 0  # water's ripples are left to the colour
    if alpha is not None:
        edges |= cv2.Canny(alpha, 60, 160)  # a layer's outline is always inked
    edges = _long_lines(edges)  # and what is left of the texture's edges is dropped
    ink = cv2.dilate(edges, np.ones((2, 2), np.uint8)).astype(np.float32)[:, :, None] / 255.0
    return (poster * (1.0 - 0.9 * ink)).astype(np.uint8)


def _ripples(gray: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Where edges crowd in parallel, nearly level lines (ripples on water, seen in perspective): a mask.

    In a window of ANIME_CROWD_WINDOW pixels: over ANIME_CROWD of its pixels are edges, and the gradient's
    structure tensor is coherent (over ANIME_RIPPLE_COHERENCE) and mostly vertical: the lines run level.
    """
    window = (ANIME_CROWD_WINDOW, ANIME_CROWD_WINDOW)
    crowd = cv2.boxFilter((edges > 0).astype(np.float32), -1, window)
    level = gray.astype(np.float32)
    gx, gy = cv2.Sobel(level, cv2.CV_32F, 1, 0), cv2.Sobel(level, cv2.CV_32F, 0, 1)
    jxx, jyy, jxy = (cv2.boxFilter(product, -1, window) for product in (gx * gx, gy * gy, gx * gy))
    coherence = np.sqrt((jxx - jyy) ** 2 + 4.0 * jxy**2) / (jxx + jyy + 1e-3)
    return (crowd > ANIME_CROWD) & (coherence > ANIME_RIPPLE_COHERENCE) & (jyy > 4.0 * jxx)


def _long_lines(edges: np.ndarray) -> np.ndarray:
    """The edges (0 or 255) of connected lines spanning at least ANIME_MIN_INK pixels."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(edges, connectivity=8)
    extent = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    long_lines = (extent >= ANIME_MIN_INK).astype(np.uint8) * 255
    long_lines[0] = 0  # the background component
    return long_lines[labels]


def _cel_weight(lightness: np.ndarray, width: int) -> np.ndarray:
    """How much each pixel is banded, 0..1: 0 in a smooth wash (lightness changing by under ANIME_WASH_SLOPE[0]
    levels a pixel, counted at ANIME_WIDTH pixels wide), 1 on shapes and texture (over ANIME_WASH_SLOPE[1])."""
    soft = cv2.GaussianBlur(lightness.astype(np.float32), (0, 0), 2.0)
    slope = _sobel_magnitude(soft)
    slope *= width / ANIME_WIDTH / 8.0  # a 3x3 Sobel is 8 times the slope
    low, high = ANIME_WASH_SLOPE
    return cv2.GaussianBlur(np.clip((slope - low) / (high - low), 0.0, 1.0), (0, 0), 3.0)


def _sobel_magnitude(gray: np.ndarray) -> np.ndarray:
    """The 3x3 Sobel gradient's magnitude of a float32 grey image (8 times the slope in levels a pixel)."""
    return cv2.magnitude(cv2.Sobel(gray, cv2.CV_32F, 1, 0), cv2.Sobel(gray, cv2.CV_32F, 0, 1))


def realistic(image: np.ndarray, alpha: np.ndarray | None = None) -> np.ndarray:
    """Natural colour: grey-world white balance (half strength), mild unsharp-mask sharpening."""
    means = image.reshape(-1, 3).mean(axis=0) + 1e-3
    gains = 1.0 + 0.5 * (means.mean() / means - 1.0)
    balanced = color_matrix(image, np.diag(gains))
    blurred = cv2.GaussianBlur(balanced, (0, 0), 1.4)
    return cv2.addWeighted(balanced, 1.6, blurred, -0.6, 0)


def abstract(image: np.ndarray, alpha: np.ndarray | None = None) -> np.ndarray:
    """Surreal: a mirror kaleidoscope (left half reflected) and a colour remap of luminance."""
    half = image.shape[1] // 2
    mirrored = image.copy()
    mirrored[:, image.shape[1] - half :] = image[:, :half][:, ::-1]
    remapped = cv2.cvtColor(cv2.applyColorMap(luma(mirrored), cv2.COLORMAP_TWILIGHT_SHIFTED), cv2.COLOR_BGR2RGB)
    return cv2.addWeighted(mirrored, 0.45, remapped, 0.55, 0)


def vintage(image: np.ndarray, alpha: np.ndarray | None = None) -> np.ndarray:
    """Old film: the sepia matrix, contrast x1.2, brightness x0.9 (grain and scratches come per frame)."""
    sepia = np.array([[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]], np.float32)
    toned = color_matrix(image, sepia)
    return apply_curve(toned, contrast_brightness_curve(1.2, 0.9))


def neon(image: np.ndarray, alpha: np.ndarray | None = None) -> np.ndarray:
    """Cyberpunk: HSV saturation x1.5 and value x1.2, then a Gaussian glow blended 70 % / 30 %."""
    vivid = scale_saturation_value(image, 1.5, 1.2)
    glow = cv2.GaussianBlur(vivid, (0, 0), max(3.0, image.shape[1] / 150))
    return cv2.addWeighted(vivid, 0.7, glow, 0.3, 0)


NOIR_EQUALIZE_LIMIT = 3.0


def noir(image: np.ndarray, alpha: np.ndarray | None = None) -> np.ndarray:
    """Black and white: grayscale, contrast x1.5, brightness x0.8, histogram equalization (visible pixels).

    Contrast is raised about the layer's own mean grey (as PIL's ImageEnhance.Contrast does), not mid-grey:
    about mid-grey, a night layer (a mean grey near 30) was crushed to black before it could be equalized.

    The equalization is contrast-limited (each grey level's share of the histogram is clipped at
    NOIR_EQUALIZE_LIMIT times the mean and the excess spread evenly, as CLAHE does per tile): a layer of few
    greys (a night sky's glow, a rock face) is stretched at most a few times, not into blotches of black and white.
    """
    gray = luma(image)
    visible = gray if alpha is None else gray[alpha > 127]
    pivot = float(visible.mean()) if visible.size else 128.0
    gray = apply_curve(gray, contrast_brightness_curve(1.5, 0.8, pivot))
    visible = gray if alpha is None else gray[alpha > 127]
    if visible.size:
        histogram = np.bincount(visible.ravel(), minlength=256).astype(np.float32)
        limit = NOIR_EQUALIZE_LIMIT * histogram.sum() / 256
        clipped = np.minimum(histogram, limit)
        clipped += (histogram.sum() - clipped.sum()) / 256
        cdf = np.cumsum(clipped)
        cdf = (cdf - cdf[0]) / max(cdf[-1] - cdf[0], 1.0)
        gray = apply_curve(gray, 255.0 * cdf)
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2RGB)


WATERCOLOR_EDGE_DARKENING = 0.25
WATERCOLOR_EDGE_GRADIENT = 60.0  # Sobel magnitude from which a pixel is all stylized edge


def watercolor(image: np.ndarray, alpha: np.ndarray | None = None) -> np.ndarray:
    """Hand painted: bilateral smoothing, edge-preserving filter, non-local-means denoise, stylization.

    The heavy filters run at half size (paint has no fine detail to lose) and are resized back. Stylization
    darkens strong edges, as pigment pools where a wash stops; on a hard edge (a snowline) it drew black ink
    lines, so it may darken a pixel by WATERCOLOR_EDGE_DARKENING at most, and only on edges: in a smooth wash (a
    sky) it traced every small step of the gradient into rings.
    """
    height, width = image.shape[:2]
    small = cv2.resize(image, (width // 2, height // 2), interpolation=cv2.INTER_AREA)
    small = cv2.bilateralFilter(small, 9, 50, 50)
    small = cv2.edgePreservingFilter(small, flags=cv2.RECURS_FILTER, sigma_s=40, sigma_r=0.35)
    washed = cv2.fastNlMeansDenoisingColored(small, None, 7, 7, 5, 15)
    stylized = cv2.max(cv2.stylization(washed, sigma_s=30, sigma_r=0.4),
                       cv2.convertScaleAbs(washed, alpha=1.0 - WATERCOLOR_EDGE_DARKENING))
    gray = luma(washed).astype(np.float32)
    strength = _sobel_magnitude(gray)
    edge = cv2.GaussianBlur(np.clip(strength / WATERCOLOR_EDGE_GRADIENT, 0, 1), (0, 0), 1.5)[:, :, None]
    small = (washed + (stylized.astype(np.float32) - washed) * edge + 0.5).astype(np.uint8)
    paper = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)
    return apply_curve(paper, contrast_brightness_curve(0.9, 1.06))


@dataclass(frozen=True)
class Style:
    """A style's content paint and its per-frame finishes."""

    name: str
    paint: Paint
    grain: float = 0.0  # film grain standard deviation in 8-bit levels
    vignette: float = 0.0  # darkening at the corners, 0..1
    depth_blur: float = 0.0  # blur (pixels at source size) of the farthest layer: shallow depth of field
    scratches: bool = False
    gate_weave: float = 0.0  # per-frame jitter of the film in the gate, pixels
    flicker: bool = False


STYLES: dict[StyleName, Style] = {
    StyleName.cinematic: Style("cinematic", cinematic, grain=5.0, vignette=0.35, depth_blur=6.0),
    StyleName.anime: Style("anime", anime),
    StyleName.realistic: Style("realistic", realistic, depth_blur=1.5),
    StyleName.abstract: Style("abstract", abstract, vignette=0.2),
    StyleName.vintage: Style("vintage", vintage, grain=11.0, vignette=0.5, scratches=True, gate_weave=1.2,
                             flicker=True),
    StyleName.neon: Style("neon", neon, vignette=0.3, depth_blur=3.0),
    StyleName.noir: Style("noir", noir, grain=6.0, vignette=0.45, depth_blur=3.0),
    StyleName.watercolor: Style("watercolor", watercolor),
}
