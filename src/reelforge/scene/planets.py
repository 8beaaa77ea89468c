"""Planets for the space theme: four kinds of world, each painted as a flat map of its surface and wrapped onto a
lit sphere; gas giants may wear a tilted ring, and a small moon may hang beside the planet.

Features are painted in the map (longitude across, latitude down), so wrapping foreshortens them towards the
limb as on a real globe: bands crowd at the poles, craters turn to ellipses, continents curve away.
"""

from __future__ import annotations

import cv2
import numpy as np

from reelforge.scene.paint import fractal_noise, hex_color, mix

MAP_SIZE = (256, 512)  # rows (latitude) x columns (longitude) of a surface map
LIGHT = np.array([-0.55, -0.45, 0.70], np.float32) / np.linalg.norm([-0.55, -0.45, 0.70])  # from the upper left
KINDS = ("gas giant", "ice giant", "rocky", "ocean world")
ATMOSPHERES = {"gas giant": "#ffd9a8", "ice giant": "#b8f0ff", "rocky": "#d9c8b8", "ocean world": "#8fc8ff"}


def gas_giant_map(rng: np.random.Generator) -> np.ndarray:
    """Turbulent bands of two or three warm colours, and sometimes a great oval storm."""
    rows, cols = MAP_SIZE
    dark, light, accent = [hex_color(c) for c in [("#b5653c", "#f0d6a8", "#8a4a30"),
                                                  ("#a88a6a", "#efe4cc", "#6f5a48"),
                                                  ("#c98f5a", "#fbe9c8", "#9c5c3c")][int(rng.integers(3))]]
    turbulence = fractal_noise(rows, cols, rng, scale=0.25, octaves=4, stretch=0.25)  # long along the bands
    latitude = np.linspace(-1, 1, rows, dtype=np.float32)[:, None]
    phase = latitude * rng.uniform(9, 14) + turbulence * 2.5
    bands = 0.5 + 0.5 * np.sin(phase)
    surface = mix(dark, light, bands)
    surface = mix(surface, accent, np.clip(np.sin(phase * 2.7) - 0.6, 0, 1) * 1.5)  # thin dark belts
    if rng.random() < 0.6:
        y, x = rng.uniform(0.55, 0.7) * rows, rng.uniform(0.3, 0.7) * cols
        yy, xx = np.ogrid[0:rows, 0:cols]
        storm = np.exp(-(((xx - x) / (0.06 * cols)) ** 2 + ((yy - y) / (0.035 * rows)) ** 2))
        surface = mix(surface, hex_color("#c0503a"), storm.astype(np.float32) * 0.85)
    return surface


def ice_giant_map(rng: np.random.Generator) -> np.ndarray:
    """Soft, faint bands of cyan and blue."""
    rows, cols = MAP_SIZE
    haze = fractal_noise(rows, cols, rng, scale=0.3, octaves=3, stretch=0.3)
    latitude = np.linspace(-1, 1, rows, dtype=np.float32)[:, None]
    bands = 0.5 + 0.5 * np.sin(latitude * rng.uniform(5, 8) + haze * 1.5)
    return mix(hex_color("#3f8fb8"), hex_color("#9be3ef"), bands * 0.7 + 0.15)


def rocky_map(rng: np.random.Generator) -> np.ndarray:
    """Mottled rust or grey rock pitted with craters (dark floors, bright rims)."""
    rows, cols = MAP_SIZE
    low, high = [("#6e3a2a", "#c9805a"), ("#55524f", "#b0aba4")][int(rng.integers(2))]
    mottle = fractal_noise(rows, cols, rng, scale=0.2, octaves=5)
    surface = mix(hex_color(low), hex_color(high), mottle)
    shade = np.ones((rows, cols), np.float32)
    for _ in range(60):
        x, y = rng.uniform(0, cols), rng.uniform(0.1, 0.9) * rows
        radius = rng.uniform(2, 14) * (1 if rng.random() < 0.85 else 2.2)
        centre = (int(x * 16), int(y * 16))
        cv2.circle(shade, centre, int(radius * 16), 1.18, max(1, int(radius * 0.25)), cv2.LINE_AA, 4)  # rim
        cv2.circle(shade, centre, int(radius * 0.8 * 16), 0.78, -1, cv2.LINE_AA, 4)  # floor
    return surface * cv2.GaussianBlur(shade, (0, 0), 0.8)[:, :, None]


def ocean_world_map(rng: np.random.Generator) -> np.ndarray:
    """Blue oceans, green and tan continents, polar ice and white cloud."""
    rows, cols = MAP_SIZE
    land = fractal_noise(rows, cols, rng, scale=0.35, octaves=5)
    dry = fractal_noise(rows, cols, rng, scale=0.3, octaves=3)
    clouds = fractal_noise(rows, cols, rng, scale=0.2, octaves=5, stretch=2.5)  # drawn out by the winds
    latitude = np.abs(np.linspace(-1, 1, rows, dtype=np.float32))[:, None]
    ocean = mix(hex_color("#123a78"), hex_color("#2a6fb0"), land)
    ground = mix(hex_color("#3f7a3a"), hex_color("#b59a66"), dry)
    surface = mix(ocean, ground, np.clip((land - 0.56) * 25, 0, 1))
    surface = mix(surface, hex_color("#f2f6fa"), np.clip((latitude - 0.82) * 12, 0, 1))  # polar ice
    return mix(surface, hex_color("#ffffff"), np.clip((clouds - 0.55) * 3, 0, 0.9))


MAPS = {"gas giant": gas_giant_map, "ice giant": ice_giant_map, "rocky": rocky_map, "ocean world": ocean_world_map}


def sphere(h: int, w: int, centre: tuple[float, float], radius: float, surface: np.ndarray,
           atmosphere: str) -> tuple[np.ndarray, np.ndarray]:
    """A globe wrapping ``surface`` (a map) at ``centre`` in an h x w image, lit from LIGHT, with a thin glow of
    ``atmosphere`` on its lit limb: its RGB (0..1) and its coverage (anti-aliased)."""
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float32)
    x, y = (cols - centre[0]) / radius, (rows - centre[1]) / radius
    d = np.sqrt(x * x + y * y)
    z = np.sqrt(np.clip(1.0 - d * d, 0.0, 1.0))
    latitude = np.arcsin(np.clip(y, -1.0, 1.0))
    longitude = np.arctan2(x, np.maximum(z, 1e-4))  # -pi/2 .. pi/2 on the face we see
    map_rows, map_cols = surface.shape[:2]
    map_x = ((longitude / np.pi + 0.5) * (map_cols - 1)).astype(np.float32)
    map_y = ((latitude / np.pi + 0.5) * (map_rows - 1)).astype(np.float32)
    colour = cv2.remap(np.ascontiguousarray(surface, np.float32), map_x, map_y, cv2.INTER_LINEAR,
                       borderMode=cv2.BORDER_REFLECT)
    facing = np.clip(x * LIGHT[0] + y * LIGHT[1] + z * LIGHT[2], 0.0, 1.0)  # Lambert, a soft terminator
    colour = colour * (0.03 + 0.97 * facing ** 0.8)[:, :, None]
    limb = np.clip(1.0 - np.abs(d - 1.0) * 14.0, 0.0, 1.0) * np.clip(facing * 3.0 + 0.2, 0.0, 1.0)
    colour = mix(colour, hex_color(atmosphere), limb * 0.7)
    coverage = np.maximum(np.clip((1.0 - d) * radius + 0.5, 0.0, 1.0), limb * 0.6)
    return colour, coverage


def ring(h: int, w: int, centre: tuple[float, float], radius: float, rng: np.random.Generator
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A tilted ring around a planet: its RGB, its coverage, and where it passes in front of the planet (the near
    half, below the planet's centre line in the ring's own tilt)."""
    tilt, angle = rng.uniform(0.16, 0.3), rng.uniform(-0.35, 0.35)
    rows, cols = np.mgrid[0:h, 0:w].astype(np.float32)
    dx, dy = cols - centre[0], rows - centre[1]
    along = dx * np.cos(angle) + dy * np.sin(angle)
    across = -dx * np.sin(angle) + dy * np.cos(angle)
    r = np.sqrt(along**2 + (across / tilt) ** 2) / radius  # distance from the planet in its ring plane
    inner, outer = rng.uniform(1.25, 1.4), rng.uniform(1.9, 2.3)
    bands = 0.55 + 0.45 * np.sin(r * 38.0) * np.sin(r * 11.0 + 1.0)
    gap = 1.0 - np.exp(-(((r - (inner + outer) * 0.55) / 0.03) ** 2))  # a dark division between the rings
    edge = np.clip((r - inner) * radius * tilt, 0, 1) * np.clip((outer - r) * radius * tilt, 0, 1)
    coverage = (edge * bands * gap * 0.8).astype(np.float32)
    colour = mix(hex_color("#8a7a66"), hex_color("#e8dcc4"), np.clip(bands, 0, 1))
    return colour, coverage, (across > 0).astype(np.float32)


def planet_layer(h: int, w: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The space theme's middle layer: a planet of a kind the seed picks (a gas giant may be ringed), maybe
    with a small moon: its RGB and coverage."""
    kind = KINDS[int(rng.integers(len(KINDS)))]
    radius = w * rng.uniform(0.22, 0.32)
    centre = (w * rng.uniform(0.25, 0.75), h * rng.uniform(0.55, 0.72))
    colour, coverage = sphere(h, w, centre, radius, MAPS[kind](rng), ATMOSPHERES[kind])
    if rng.random() < 0.55:  # a moon, small and far off to one side
        side = 1.0 if centre[0] < w / 2 else -1.0
        moon_centre = (centre[0] + side * radius * rng.uniform(1.8, 2.4), centre[1] - radius * rng.uniform(0.9, 1.6))
        moon, moon_cover = sphere(h, w, moon_centre, radius * rng.uniform(0.12, 0.2), rocky_map(rng), "#d9d2c8")
        colour, coverage = over(moon, moon_cover, colour, coverage)
    if kind == "gas giant" and rng.random() < 0.6:
        ring_colour, ring_cover, in_front = ring(h, w, centre, radius, rng)
        shown = ring_cover * np.maximum(in_front, 1.0 - coverage)  # behind the planet, the ring is hidden
        colour, coverage = over(ring_colour, shown, colour, coverage)
    return colour, coverage


def over(top: np.ndarray, top_cover: np.ndarray, under: np.ndarray, under_cover: np.ndarray
         ) -> tuple[np.ndarray, np.ndarray]:
    """Straight-alpha colour and coverage of ``top`` laid over ``under``."""
    cover = top_cover + under_cover * (1.0 - top_cover)
    colour = (top * top_cover[:, :, None] + under * (under_cover * (1.0 - top_cover))[:, :, None]) / \
        np.maximum(cover, 1e-6)[:, :, None]
    return colour, cover
