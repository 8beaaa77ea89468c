"""Atmosphere: fog baked into the scene's depth layers, and particles (rain, snow, dust, sparks) per frame.

A particle kind is drawn once per process and frame size into a seamlessly tiling texture, scrolled from a
place the render's seed picks; each frame adds a window of it (no copy: a view) to the frame's YUV planes, so
particles cost one saturating add per plane and frame.
Particles belong to the scene: where a character stands in front of it, its coverage hides them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from reelforge.scene.layers import Layer
from reelforge.scene.paint import fractal_noise, hex_color, mix, to_uint8
from reelforge.yuv import WHITE, color_to_yuv, planes


def fog_layers(layers: list[Layer], density: float, seed: int) -> list[Layer]:
    """Fade each layer into fog by its distance, with drifting banks of ground mist on the far ones (from each
    layer's top row down: the empty rows above it take that row's colour, as make_layer leaves them)."""
    rng = np.random.default_rng(seed)
    back_mean = np.array(cv2.mean(layers[0].rgb)[:3], np.float32)
    fog_color = np.clip(back_mean / 255.0 * 0.6 + 0.4, 0, 1)
    out = []
    for layer in layers:
        h, w = layer.rgb.shape[:2]
        small_h, small_w = h // 4, w // 4
        banks = fractal_noise(small_h, small_w, rng, scale=0.5, octaves=4, stretch=2.5)
        low = np.linspace(0.3, 1.0, small_h, dtype=np.float32)[:, None]
        amount = density * (1.0 - layer.depth) ** 0.7 * (0.55 + 0.45 * banks) * low
        amount = cv2.resize(amount, (w, h), interpolation=cv2.INTER_LINEAR)
        top = min(layer.top, h - 1) if layer.alpha is not None else 0  # rows above it are empty: its colour
        rgb = np.empty_like(layer.rgb)
        rgb[top:] = to_uint8(mix(layer.rgb[top:].astype(np.float32) / 255.0, fog_color, amount[top:]))
        rgb[:top] = rgb[top : top + 1]
        out.append(layer.with_rgb(rgb))
    return out


@dataclass(frozen=True)
class ParticleKind:
    """How a particle kind looks and moves (speeds in frame heights per second)."""

    count_per_megapixel: int
    size: tuple[float, float]  # radius range in pixels at 1080 wide
    color: str
    fall: float  # + down, - up
    drift: float  # sideways speed
    sway: float  # sideways sway amplitude, fraction of the width
    streak: float  # streak length in pixels (rain), 0 for round particles
    brightness: float


PARTICLES: dict[str, ParticleKind] = {
    "rain": ParticleKind(900, (0.8, 1.3), "#c8d8ff", 1.6, -0.1, 0.0, 46.0, 0.55),
    "snow": ParticleKind(260, (1.5, 4.5), "#ffffff", 0.09, 0.02, 0.01, 0.0, 0.9),
    "dust": ParticleKind(140, (0.8, 2.2), "#ffdcae", -0.015, 0.03, 0.006, 0.0, 0.6),
    "sparks": ParticleKind(110, (1.0, 2.6), "#ffa040", -0.22, 0.03, 0.02, 10.0, 1.0),
}


def _wraps(position: float, size: int) -> tuple[int, ...]:
    """The shifts (by -size, 0, +size) that bring a particle at ``position`` within 60 pixels of 0..size."""
    return tuple(shift for shift in (-size, 0, size) if -60 < position + shift < size + 60)


@dataclass(frozen=True)
class ParticleTexture:
    """One particle kind drawn into a seamlessly tiling tile of a frame's size, as the YUV planes it adds:
    luma light (full size), and the inverse cover and colour of the chroma tint (half size), each tiled 2 x 2
    so that any window of the tile's size is a view."""

    luma: np.ndarray
    chroma_inverse: np.ndarray
    chroma: tuple[np.ndarray, np.ndarray]


@lru_cache(maxsize=8)
def particle_texture(kind: str, height: int, width: int) -> ParticleTexture:
    """The texture of a particle kind at a frame size, drawn once per process (a render's seed only picks
    where in it the frames start), read-only. Each holds 14 MB at 1080x1920; eight are kept."""
    spec = PARTICLES[kind]
    rng = np.random.default_rng(list(kind.encode()))
    scale = width / 1080
    tile = np.zeros((height, width), np.float32)
    count = int(spec.count_per_megapixel * height * width / 1e6)
    xs, ys = rng.uniform(0, width, count), rng.uniform(0, height, count)
    radii = rng.uniform(*spec.size, count) * scale
    levels = rng.uniform(0.35, 1.0, count) * spec.brightness
    angle = float(np.arctan2(spec.fall, spec.drift)) if spec.streak else 0.0
    for x, y, r, level in zip(xs, ys, radii, levels):
        for ox in _wraps(x, width):
            for oy in _wraps(y, height):
                _draw_particle(tile, spec, x + ox, y + oy, r, level, angle, scale)
    if not spec.streak:
        tile = cv2.GaussianBlur(tile, (0, 0), 0.8 * scale) * 1.6
    # In the frame's YUV planes the particles' light adds to luma (full size) and tints chroma (half size)
    # as a translucent overlay of their colour: the washed-out colour additive light had in RGB.
    tile = np.clip(tile, 0, 1)
    light, u, v = color_to_yuv(hex_color(spec.color) * 255.0) / 255.0
    cover = cv2.resize(tile, (width // 2, height // 2), interpolation=cv2.INTER_AREA)
    planes = [np.tile(to_uint8(plane), (2, 2)) for plane in (tile * light, 1.0 - cover, cover * (u + 128 / 255),
                                                              cover * (v + 128 / 255))]
    for plane in planes:  # shared by every render of this process: a write would show in all of them
        plane.flags.writeable = False
    return ParticleTexture(planes[0], planes[1], (planes[2], planes[3]))


def _draw_particle(tile: np.ndarray, spec: ParticleKind, x: float, y: float, r: float, level: float,
                   angle: float, scale: float) -> None:
    if spec.streak:
        length = spec.streak * scale
        dx, dy = np.cos(angle) * length, np.sin(angle) * length
        p0 = (int(x * 16), int(y * 16))
        p1 = (int((x + dx) * 16), int((y + dy) * 16))
        cv2.line(tile, p0, p1, float(level), max(1, int(round(r))), cv2.LINE_AA, shift=4)
    else:
        cv2.circle(tile, (int(x * 16), int(y * 16)), int(r * 16), float(level), -1, cv2.LINE_AA, shift=4)


class ParticleField:
    """A particle kind's texture scrolling over frames of one size, from a place in it the seed picks."""

    def __init__(self, kind: str, height: int, width: int, fps: float, seed: int):
        self.spec = PARTICLES[kind]
        self.height, self.width, self.fps = height, width, fps
        self.texture = particle_texture(kind, height, width)
        self.start = np.random.default_rng(seed).uniform(0.0, 1.0, 2) * (width, height)

    def apply(self, i420: np.ndarray, t: float, behind: np.ndarray | None = None) -> None:
        """Add the particles at time ``t`` (seconds) to a YUV 4:2:0 frame in place; ``behind``: the coverage
        (0..255, any size) of what stands in front of them, which hides them."""
        spec = self.spec
        dy = (spec.fall * self.height * t + self.start[1]) % self.height
        sway = spec.sway * self.width * np.sin(2 * np.pi * 0.25 * t)
        dx = (spec.drift * self.width * t + sway + self.start[0]) % self.width
        y0 = int(self.height - dy) % self.height
        x0 = int(self.width - dx) % self.width
        luma, u, v = planes(i420)
        texture = self.texture
        light = texture.luma[y0 : y0 + self.height, x0 : x0 + self.width]
        chroma_window = np.s_[y0 // 2 : y0 // 2 + self.height // 2, x0 // 2 : x0 // 2 + self.width // 2]
        inverse, tints = texture.chroma_inverse[chroma_window], [tint[chroma_window] for tint in texture.chroma]
        if behind is not None:  # saturating: one cheap op a plane, and a covered pixel is left as it is
            light = cv2.subtract(light, _at_size(behind, luma.shape))
            cover = _at_size(behind, u.shape)
            inverse = cv2.max(inverse, cover)
            tints = [cv2.subtract(tint, cover) for tint in tints]
        cv2.add(luma, light, dst=luma)
        cv2.min(luma, WHITE, dst=luma)  # no brighter than white, as when the particles were added in RGB
        for plane, tint in zip((u, v), tints):
            cv2.multiply(plane, inverse, dst=plane, scale=1 / 255)
            cv2.add(plane, tint, dst=plane)


def _at_size(coverage: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """The coverage (0..255) at a plane's size."""
    if coverage.shape != shape[:2]:
        coverage = cv2.resize(coverage, (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)
    return coverage
