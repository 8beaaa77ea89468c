"""Procedural scene themes. Each returns its depth layers, back to front, at source resolution.

Far layers fade into the sky's haze colour (atmospheric perspective); near layers are darker and sharper.
"""

from __future__ import annotations

import cv2
import numpy as np

from reelforge.scene.layers import Layer, make_layer
from reelforge.scene.paint import (
    fractal_noise,
    hex_color,
    mix,
    polygon_mask,
    radial_glow,
    ridge_profile,
    shaded,
    silhouette_mask,
    stars,
    vertical_gradient,
)
from reelforge.scene.planets import planet_layer
from reelforge.scene.sky import SkyPalette, sky_image

HORIZON = 0.58  # where land meets sky, as a fraction of the source height (portrait framing)
SNOW = np.array([0.95, 0.96, 1.0], np.float32)  # the white of snow, before light and shade


def _shaded_land(h: int, w: int, base: np.ndarray, palette: SkyPalette, haze: float,
                 rng: np.random.Generator, texture: float = 0.15, first: int = 0) -> np.ndarray:
    """Land colour: base tint lit by the sky, textured by noise, faded into haze by distance; rows ``first`` down."""
    noise = fractal_noise(h, w, rng, scale=0.06, octaves=6, persistence=0.6)[first:]
    light = 0.75 + texture * (noise - 0.5) * 2
    shade = np.linspace(1.05, 0.7, h, dtype=np.float32)[first:, None]
    color = shaded(base, light * shade)
    return mix(color, hex_color(palette.haze), haze)


def _face_light(top: np.ndarray, below: np.ndarray, w: int, h: int) -> np.ndarray:
    """How lit each pixel of a range is (-1 shadow .. 1 sun side): the ridge's own slopes just under the crest,
    broad faces (the slope over a few percent of the width) further down, so light does not run down the
    range in vertical streaks from every notch of the ridge."""
    gradient = np.gradient(top).astype(np.float32)[None, :]
    fine = np.tanh(cv2.GaussianBlur(gradient, (0, 0), sigmaX=w * 0.004) * 1.5)
    broad = np.tanh(cv2.GaussianBlur(gradient, (0, 0), sigmaX=w * 0.03) * 4.0)
    crest = np.exp(-np.maximum(below, 0) / (0.02 * h))
    return fine * crest + broad * (1.0 - crest)


def _range_layer(h: int, w: int, rng: np.random.Generator, palette: SkyPalette, crest: float, height: float,
                 tint: str, haze: float, depth: float, snow: bool = False, roughness: float = 0.55,
                 taper: np.ndarray | float = 1.0, mist: float = 0.0) -> Layer:
    """A mountain range: a fractal ridge, sun-side slopes lit, snow on the peaks, faded into haze; ``taper``
    (0..1 a column) scales its height, so a headland can run down to the sea; ``mist`` (0..1) fills the valley
    at its foot with haze, so ranges stand apart in layers."""
    profile = ridge_profile(w, rng, roughness=roughness)
    top = (crest - height * (profile * 0.5 + 0.5) * taper) * h
    first = max(int(top.min()) - 1, 0)  # the range is drawn from its highest peak down: nothing lies above
    rows = np.arange(first, h, dtype=np.float32)[:, None]
    base = mix(hex_color(tint), hex_color(palette.ground), 0.35)
    color = _shaded_land(h, w, base, palette, 0.0, rng, texture=0.2, first=first)
    below = rows - top[None, :]
    slope = _face_light(top, below, w, h)
    fade = np.exp(-np.maximum(below, 0) / (0.12 * h))
    color = shaded(color, 1.0 + 0.22 * slope * fade)
    if snow:
        snowline = (crest - height * 0.6) * h
        patches = fractal_noise(h, w, rng, scale=0.04, octaves=4)[first:]
        couloirs = ridge_profile(w, rng, 0.6, octaves=4, base_cells=30)[None, :]  # gullies: -1 rib .. 1 gully
        near_crest = np.clip(1.0 - below / (0.05 * h), 0, 1)
        # a ragged, crisp snowline: snow reaches down the gullies and gives way on the ribs between them
        reach = ((snowline - rows) / (0.03 * h) + (patches - 0.5) * 2.0
                 + np.maximum(couloirs, 0.0) * 1.2)
        snow_mask = np.clip(reach * 4.0, 0, 1) * near_crest
        sunlit = mix(SNOW, hex_color(palette.sun), 0.3)
        in_shade = mix(SNOW, hex_color(palette.stops[1][1]), 0.45) * 0.82
        snow_color = mix(in_shade, sunlit, np.clip(0.55 + 0.6 * slope, 0, 1))  # blue in the shade, as snow is
        color = mix(color, snow_color, snow_mask * 0.95)
    if mist:
        ridge = cv2.GaussianBlur(top[None, :].astype(np.float32), (0, 0), 0.03 * w)  # the mist lies level
        foot = np.clip((rows - ridge - 0.06 * h) / (0.12 * h), 0, 1) ** 1.5
        haze = haze + (1.0 - haze) * mist * foot
    color = mix(color, hex_color(palette.haze), haze)
    return make_layer(color, silhouette_mask(h - first, w, top - first), depth, first)


def mountains(h: int, w: int, palette: SkyPalette, rng: np.random.Generator) -> list[Layer]:
    """Three ranges receding into haze."""
    return [
        _range_layer(h, w, rng, palette, HORIZON - 0.02, 0.16, "#7d8aa6", 0.55, 0.45, snow=True, mist=0.6),
        _range_layer(h, w, rng, palette, HORIZON + 0.06, 0.2, "#5a6478", 0.3, 0.7, snow=True, mist=0.5),
        _range_layer(h, w, rng, palette, HORIZON + 0.22, 0.1, "#2f3b2c", 0.05, 1.0, roughness=0.45),
    ]


def rolling_hills(h: int, w: int, palette: SkyPalette, rng: np.random.Generator) -> list[Layer]:
    """Soft green hills under a big sky, a meadow with wild flowers in front."""
    return [
        _range_layer(h, w, rng, palette, HORIZON + 0.04, 0.06, "#6f8f6a", 0.5, 0.5, roughness=0.35),
        _meadow(h, w, rng, palette, HORIZON + 0.2, 0.08),
    ]


FLOWERS = ("#fff6e0", "#ffd94a", "#f49ac1", "#b9a2f0")  # white, buttercup, pink, lavender
FOAM = np.array([0.95, 0.97, 0.98], np.float32)
FACADES = ("#9aa0a6", "#b8ab96", "#7f95ab", "#a47d6c", "#c4c4bf")  # concrete, sandstone, blue glass, brick, stone


def _meadow(h: int, w: int, rng: np.random.Generator, palette: SkyPalette, crest: float, height: float) -> Layer:
    """A grassy hill from ``crest`` down (fractions of the height): lit by the sky at the horizon, its grass in
    fine upright blades over broad patches of light, darker and more saturated towards the viewer, with wild
    flowers that grow larger nearer the viewer."""
    profile = ridge_profile(w, rng, roughness=0.3)
    top = (crest - height * (profile * 0.5 + 0.5)) * h
    rows = np.arange(h, dtype=np.float32)[:, None]
    near = np.clip((rows - top.min()) / (h - top.min()), 0, 1)  # 0 at the hill's top .. 1 at the bottom
    light = _land_light(palette)
    grass = _lit(_by_moonlight(mix(hex_color("#7fae4e"), hex_color("#2f6b2a"), near), palette), light)
    blades = fractal_noise(h, w, rng, scale=0.004, octaves=2, stretch=0.15)  # thin upright streaks
    patches = fractal_noise(h, w, rng, scale=0.3, octaves=3)  # broad light and shade over the slope
    color = shaded(grass, 0.8 + 0.2 * blades + 0.2 * patches)
    color = shaded(color, 1.0 + 0.12 * np.exp(-np.maximum(rows - top[None, :], 0) / (0.02 * h)))  # a lit rim
    count = int(w * h * 0.0012)
    ys = top.min() + (h - top.min()) * rng.random(count) ** 0.7
    xs = rng.uniform(0, w, count)
    clumps = fractal_noise(h, w, rng, scale=0.15, octaves=3)  # flowers grow in drifts
    tints = [_lit(_by_moonlight(hex_color(flower), palette), light) for flower in FLOWERS]
    for x, y, kind, chance in zip(xs, ys, rng.integers(0, len(FLOWERS), count), rng.random(count)):
        col, row = min(int(x), w - 1), min(int(y), h - 1)
        if y > top[col] + 2 and chance < clumps[row, col] ** 2:
            radius = (0.5 + 2.5 * (y - top.min()) / (h - top.min())) * h / 1248  # sized for a 1248-row painting
            cv2.circle(color, (int(x * 16), int(y * 16)), int(radius * 16), tints[kind].tolist(), -1, cv2.LINE_AA, 4)
    return make_layer(color, silhouette_mask(h, w, top), 1.0)


def _sun_side(sun_x: float, x: float) -> float:
    """Which side of column ``x`` the sun (or moon) at column ``sun_x`` lights: +1 the right, -1 the left."""
    return 1.0 if sun_x > x else -1.0


def _sunlight(palette: SkyPalette) -> float:
    """How strongly the palette's sun lights the land it shines on (a moon's light is weaker)."""
    return 0.15 if palette.starry else 0.35


def _land_light(palette: SkyPalette) -> np.ndarray:
    """The light on open land: the sky's glow at the horizon and the sun's."""
    return mix(hex_color(palette.stops[-1][1]), hex_color(palette.sun), _sunlight(palette))


def _lit(colour: np.ndarray, light: np.ndarray) -> np.ndarray:
    """A surface's colour under ``light`` (an RGB light, 0..1), with a little ambient light."""
    return colour * (0.2 + 0.85 * light)


def _by_moonlight(colour: np.ndarray, palette: SkyPalette) -> np.ndarray:
    """A surface's colour as the eye sees it under the palette's light: by the moon most of its hue is gone."""
    if not palette.starry:
        return colour
    grey = colour @ np.array([0.3, 0.59, 0.11], np.float32)
    return mix(colour, grey[..., None], 0.7)


def _foam(light: np.ndarray) -> np.ndarray:
    """The white of foam under ``light``: brighter than the lit surfaces around it."""
    return FOAM * (0.35 + 0.7 * light)


def ocean(h: int, w: int, palette: SkyPalette, rng: np.random.Generator, sky: np.ndarray) -> list[Layer]:
    """A distant headland running down into the sea, the sea mirroring ``sky`` (the back layer's RGB) in waves
    seen in perspective, lines of surf, and a sandy beach with wet sand and a lace of foam."""
    sky = sky.astype(np.float32) / 255.0
    horizon = int(HORIZON * h)
    # the sea, its foam and the sand are lit by the sky as drawn at the horizon (its sun's glow, its clouds):
    # the sea mirrors that sky, and the beach must match it
    light = sky[max(horizon - 2, 0)].mean(axis=0)
    taper = np.clip((np.linspace(-1, 1, w) * rng.choice([-1, 1]) - 0.1) * 2.5, 0, 1).astype(np.float32)
    headland = _range_layer(h, w, rng, palette, HORIZON + 0.001, 0.05, "#4c5a6a", 0.55, 0.4, roughness=0.4,
                            taper=taper * taper * (3 - 2 * taper))
    bends = cv2.GaussianBlur(ridge_profile(w, rng, roughness=0.3, octaves=3, base_cells=2)[None, :], (0, 0), w * 0.03)
    shore = (0.87 + 0.012 * bends[0]) * h  # the waterline: gentle bends, no corners
    sea = np.empty((h, w, 3), np.float32)
    sea[:horizon] = sky[:horizon]
    sea[horizon:] = _sea(sky, horizon, light, palette, rng)
    sea = _surf(sea, shore, horizon, light, rng)
    mask = np.zeros((h, w), np.float32)
    mask[horizon:] = 1.0
    beach = _beach(sky, shore, horizon, light, rng)
    return [headland, make_layer(sea, mask, 0.6), make_layer(beach, silhouette_mask(h, w, shore), 1.0)]


SEA_FOCAL = 1.2  # the camera's focal length, in source heights: how far a tilted wave's mirror image reaches
SEA_WAVES = 8  # wave trains, each 0.6 times as long as the one before
SEA_STEEPNESS = 0.05  # the slope of the longest wave train; each shorter one is 0.8 times as steep


def _sea(sky: np.ndarray, horizon: int, light: np.ndarray, palette: SkyPalette,
         rng: np.random.Generator) -> np.ndarray:
    """The rows below ``horizon``: the sky mirrored in a sum of wave trains on a flat sea seen in perspective.

    Each row lies at a distance inversely proportional to its depth below the horizon, so waves shrink and
    crowd towards it; a wave train fades out where it would repeat in under a few pixels (no aliasing), and the
    glitter it would have made averages into a vertical smear of the sky. A wave's slope tilts the mirror: the
    reflected ray rises or falls by twice the slope, so the sun's mirror image breaks into a path of glitter.
    Near the viewer the sea shows more of its own water, lit by the sky at the horizon (Fresnel).
    """
    h, w = sky.shape[:2]
    sea_h = h - horizon
    focal = SEA_FOCAL * h
    below = np.arange(sea_h, dtype=np.float32)[:, None] + 0.5  # rows under the horizon
    distance = sea_h / below  # 1 at the bottom row, growing towards the horizon
    across = (np.arange(w, dtype=np.float32)[None, :] - w / 2) / sea_h * distance
    slope_x = np.zeros((sea_h, w), np.float32)
    slope_z = np.zeros((sea_h, w), np.float32)
    drawn = np.ones((sea_h, 1), np.float32)  # the part of the wave trains coarse enough to draw at each row
    for train in range(SEA_WAVES):
        wavelength = 1.6 * 0.6**train
        heading = rng.normal(0.0, 0.25)  # long crests rolling in towards the shore
        k = 2 * np.pi / wavelength
        kx, kz = k * np.sin(heading), k * np.cos(heading)
        period = 2 * np.pi * below**2 / (abs(kz) * sea_h + 1e-6)  # rows a wave spans at each distance
        fade = np.clip((period - 2.5) / 4.0, 0.0, 1.0)
        drawn -= (1.0 - fade) / SEA_WAVES
        slope = SEA_STEEPNESS * 0.8**train * np.sin(rng.uniform(0, 2 * np.pi) + kx * across + kz * distance) * fade
        slope_x += slope * np.sin(heading)
        slope_z += slope * np.cos(heading)
    map_y = (horizon - below - 2.0 * focal * slope_z).astype(np.float32)
    map_x = (np.arange(w, dtype=np.float32)[None, :] + 0.6 * focal * slope_x * below / sea_h).astype(np.float32)
    sky = np.ascontiguousarray(sky[:horizon])
    small = cv2.resize(sky, (w // 2, max(horizon // 8, 2)), interpolation=cv2.INTER_AREA)  # a smooth blur: small
    smeared = cv2.resize(cv2.GaussianBlur(small, (0, 0), sigmaX=0.002 * w, sigmaY=0.06 * h / 8), (w, horizon),
                         interpolation=cv2.INTER_LINEAR)
    mirror = mix(*[cv2.remap(image, map_x, np.minimum(map_y, horizon - 1.0), cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_REFLECT) for image in (sky, smeared)], 1.0 - drawn)
    water = mix(hex_color("#1a4f78"), hex_color(palette.ground), 0.35) * (0.25 + 0.8 * float(light.mean()))
    grazing = np.clip(below / focal - 2.0 * slope_z, 0.02, 1.0)  # the sine of the view's angle to the waves
    reflectance = 0.02 + 0.98 * (1.0 - grazing) ** 5  # Schlick's Fresnel
    # a face turned away mirrors the sea beyond it, darker than the sky: a soft step, not a hard edge
    reflectance *= 1.0 - 0.4 * np.clip((map_y - horizon) / (0.01 * h) + 0.5, 0, 1)
    return mix(np.broadcast_to(water, mirror.shape), mirror, reflectance)


def _surf(sea: np.ndarray, shore: np.ndarray, horizon: int, light: np.ndarray,
          rng: np.random.Generator) -> np.ndarray:
    """Three lines of breaking surf parallel to the shore, broken along their length: a thin white crest with
    foam spilling shoreward, a lighter, translucent wave face just beyond it."""
    h, w = sea.shape[:2]
    rows = np.arange(h, dtype=np.float32)[:, None]
    foam = np.zeros((h, w), np.float32)
    face = np.zeros((h, w), np.float32)
    for offset in (0.01, 0.022, 0.031):
        crest = shore - offset * h + 0.003 * h * ridge_profile(w, rng, roughness=0.5, octaves=4, base_cells=3)
        reach = (0.3 + 2.0 * (crest - horizon) / (h - horizon)) * 0.004 * h  # nearer lines look thicker
        past = (rows - crest[None, :]) / reach[None, :]
        broken = np.clip(ridge_profile(w, rng, roughness=0.5, octaves=3, base_cells=6) * 1.2 + 0.5, 0, 1)[None, :]
        foam += np.where(past >= 0, np.exp(-np.maximum(past, 0)), np.clip(1.0 + past * 3.0, 0, 1)) * broken
        face += np.clip(1.0 + past / 3.0, 0, 1) * (past < 0) * broken
    lace = fractal_noise(h, w, rng, scale=0.015, octaves=3, stretch=4.0)
    foam = np.clip(foam * (0.4 + 0.9 * lace), 0, 1)
    white = _foam(light)
    sea = mix(sea, mix(sea, white, 0.25), face * 0.6)
    return mix(sea, white, foam)


def _beach(sky: np.ndarray, shore: np.ndarray, horizon: int, light: np.ndarray,
           rng: np.random.Generator) -> np.ndarray:
    """Sand below the ``shore`` line: lit by the sky at the horizon, fine grain and wind ripples, darker wet
    sand mirroring the sky along the water, and the lacy edge of the last wave's swash."""
    h, w = sky.shape[:2]
    rows = np.arange(h, dtype=np.float32)[:, None]
    below = rows - shore[None, :]
    sand = _lit(hex_color("#e3cba0"), light)
    grain = fractal_noise(h, w, rng, scale=0.01, octaves=3)
    ripples = np.sin(rows * (2 * np.pi / (0.012 * h)) + 8.0 * fractal_noise(h, w, rng, scale=0.15, octaves=2))
    color = shaded(sand, 0.93 + 0.12 * grain + 0.03 * ripples)
    color *= np.linspace(1.0, 0.8, h, dtype=np.float32)[:, None, None]  # the near sand in the viewer's shade
    wet = np.clip(1.0 - below / (0.025 * h), 0, 1) ** 1.5
    mirror = sky[np.clip(2 * horizon - np.arange(h), 0, horizon - 1)]  # rows mirrored about the horizon
    color = mix(color, mix(color * 0.6, mirror, 0.35), wet)
    reach = ridge_profile(w, rng, roughness=0.5, octaves=5, base_cells=4)[None, :]
    swash = 0.006 * h * (1.2 + cv2.GaussianBlur(reach, (0, 0), w * 0.01))  # how far the last wave ran up the sand
    # its edge: a thin line of foam, a fading film of it behind (towards the sea)
    past = below - swash
    edge = np.where(past > 0, np.exp(-np.maximum(past, 0)), 0.35 * np.exp(np.minimum(past, 0) / (0.004 * h)))
    edge *= np.clip(fractal_noise(h, w, rng, scale=0.03, octaves=3) * 2.0 - 0.4, 0, 1)
    color = mix(color, _foam(light), edge)
    return np.clip(color, 0, 1)


PINE_TIERS = 5  # tiers of boughs on a pine
FLAT_HAZE = 0.5  # pines this far into the haze are drawn flat: their shading would hardly show
NETWORK_NODES, NETWORK_REACH, NETWORK_DEPTH = 70, 0.3, 0.75  # the abstract theme's network: nodes, link length
MESA_CLIFF = 0.6  # the share of a mesa's height that is sheer caprock cliff; talus below


def _pine(x: float, base: float, height: float, width: float) -> np.ndarray:
    """A pine tree silhouette polygon with jagged tiers, tip at the top."""
    tiers = PINE_TIERS
    points = [(x, base - height)]
    for i in range(1, tiers + 1):
        y = base - height + height * i / (tiers + 0.6)
        half = width * 0.5 * i / tiers
        points.append((x + half, y))
        points.append((x + half * 0.45, y - height * 0.04))
    points += [(x + width * 0.06, base - height * 0.05), (x + width * 0.06, base + 2),
               (x - width * 0.06, base + 2), (x - width * 0.06, base - height * 0.05)]
    for i in range(tiers, 0, -1):
        y = base - height + height * i / (tiers + 0.6)
        half = width * 0.5 * i / tiers
        points.append((x - half * 0.45, y - height * 0.04))
        points.append((x - half, y))
    return np.array(points, np.float32)


def _pine_shade(polygon: np.ndarray, x: float, top: float, height: float, width: float, light_x: float,
                shape: tuple[int, int]) -> tuple[tuple[slice, slice], np.ndarray, np.ndarray] | None:
    """One pine's coverage and shading in its box: (box, coverage 0..1, shade around 1). Each tier of boughs
    starts in the shadow of the tier above and catches light towards its tips; the side towards the light
    (column ``light_x``) is brighter than the far side, its bough tips catching the light (shade over 1).
    None when the pine is outside the picture."""
    lo = np.maximum(np.floor(polygon.min(axis=0)).astype(int) - 1, 0)
    hi = np.minimum(np.ceil(polygon.max(axis=0)).astype(int) + 2, (shape[1], shape[0]))
    if (hi <= lo).any():
        return None
    box = (slice(lo[1], hi[1]), slice(lo[0], hi[0]))
    coverage = polygon_mask(hi[1] - lo[1], hi[0] - lo[0], [polygon - lo])
    rows = np.arange(lo[1], hi[1], dtype=np.float32)[:, None]
    cols = np.arange(lo[0], hi[0], dtype=np.float32)[None, :]
    tier = np.mod((rows - top) / (height / (PINE_TIERS + 0.6)), 1.0)  # 0 under a tier's boughs .. 1 at its tips
    side = np.clip((cols - x) / (0.5 * width), -1, 1) * _sun_side(light_x, x)  # +1 on the lit side
    return box, coverage, (0.72 + 0.33 * tier) * (0.85 + 0.25 * side) + 0.8 * np.maximum(side, 0) * tier


MOONLIT_TIPS = 2.5  # the moon's light on pine tips, against its light on open land


def _tree_line(h: int, w: int, rng: np.random.Generator, palette: SkyPalette, ground: float, size: float,
               count: int, tint: str, haze: float, depth: float, sun: tuple[float, float]) -> Layer:
    """A row of pines standing on a ground line at ``ground`` (fraction of height), shaded tier by tier and
    lit on the side of the ``sun`` (or moon); in a haze of FLAT_HAZE or more, flat silhouettes. It is drawn
    from the tallest pine's tip down."""
    pines = []
    for x in np.sort(rng.uniform(-0.05, 1.05, count)):
        height = size * h * rng.uniform(0.6, 1.3)
        base = (ground + rng.uniform(-0.015, 0.015)) * h
        pines.append((x * w, base, height, height * rng.uniform(0.32, 0.42)))
    first = min(max(int(min(base - height for _, base, height, _ in pines)) - 2, 0), int(ground * h))
    mask = np.zeros((h - first, w), np.float32)
    mask[int(ground * h) - first :] = 1.0
    shade = np.ones((h - first, w), np.float32)
    flat = []
    for x, base, height, width in pines:
        base -= first  # rows of the band drawn
        polygon = _pine(x, base, height, width)
        if haze >= FLAT_HAZE:
            flat.append(polygon)
        elif (pine := _pine_shade(polygon, x, base - height, height, width, sun[0], mask.shape)) is not None:
            box, coverage, tree = pine
            shade[box] += (tree - shade[box]) * coverage
            mask[box] = np.maximum(mask[box], coverage)
    if flat:
        mask = np.maximum(mask, polygon_mask(h - first, w, flat))
    color = _shaded_land(h, w, mix(hex_color(tint), hex_color(palette.ground), 0.4), palette, 0.0, rng, 0.3,
                         first)
    shade = 1.0 + (shade - 1.0) * (1.0 - haze)
    # shade under 1 darkens the needles; over 1 it is the light's own colour catching them (by the moon, the
    # silver on the boughs' tips is what shows a dark pine's shape)
    light = hex_color(palette.sun) * _sunlight(palette) * (MOONLIT_TIPS if palette.starry else 1.0)
    color = shaded(color, np.minimum(shade, 1.0)) + shaded(light, np.maximum(shade - 1.0, 0.0))
    return make_layer(mix(color, hex_color(palette.haze), haze), mask, depth, first)


def forest(h: int, w: int, palette: SkyPalette, rng: np.random.Generator, sun: tuple[float, float]) -> list[Layer]:
    """Pine forests in three depths, shaded tier by tier and lit on the side of the sun or moon."""
    return [
        _tree_line(h, w, rng, palette, HORIZON + 0.03, 0.06, 90, "#4f6e5a", 0.55, 0.4, sun),
        _tree_line(h, w, rng, palette, HORIZON + 0.13, 0.13, 40, "#2f5a3a", 0.25, 0.7, sun),
        _tree_line(h, w, rng, palette, 0.97, 0.42, 7, "#16301f", 0.0, 1.0, sun),
    ]


def desert(h: int, w: int, palette: SkyPalette, rng: np.random.Generator, sun: tuple[float, float]) -> list[Layer]:
    """Banded mesas far away, sand dunes in front: each lit on the side of the ``sun`` (or moon), in the shade
    on the other, in the colour of the sky's light at the horizon."""
    light = _land_light(palette)
    toward = _sun_side(sun[0], w / 2)
    rows = np.arange(h, dtype=np.float32)[:, None]
    layers = [_mesas(h, w, rng, palette, light, toward)]
    for crest, amp, tone, depth in ((HORIZON + 0.07, 0.05, "#d9a066", 0.7), (HORIZON + 0.2, 0.08, "#e8b67a", 1.0)):
        x = np.linspace(0, 2 * np.pi, w, dtype=np.float32)
        profile = np.sin(x * rng.uniform(0.6, 1.2) + rng.uniform(0, 6)) + 0.3 * ridge_profile(w, rng, 0.4)
        top = (crest - amp * (profile * 0.5 + 0.5)) * h
        first = max(int(top.min()) - 1, 0)  # the dune is drawn from its crest down
        band = rows[first:]
        below = band - top[None, :]
        smooth = cv2.GaussianBlur(top[None, :], (0, 0), sigmaX=0.01 * w)  # the dune's shape, not its grain
        faces = toward * np.tanh(np.gradient(smooth, axis=1) * 2.0)  # the slope turned to the sun is lit
        ripples = np.sin((band - smooth) / (0.006 * h) + fractal_noise(h, w, rng, 0.2, 3)[first:] * 10.0)
        sand = _lit(_by_moonlight(mix(hex_color(tone), hex_color(palette.ground), 0.15), palette), light)
        contrast = 0.3 if palette.starry else 0.18  # the eye reads a moonlit dune by its lit face
        shade = 0.85 + contrast * faces * np.exp(-np.maximum(below, 0) / (0.1 * h)) + 0.03 * ripples
        color = shaded(sand, shade)
        color = mix(color, hex_color(palette.haze), 0.15 if depth < 1 else 0.0)
        layers.append(make_layer(color, silhouette_mask(h - first, w, top - first), depth, first))
    return layers


def _mesas(h: int, w: int, rng: np.random.Generator, palette: SkyPalette, light: np.ndarray,
           toward: float) -> Layer:
    """Three flat-topped mesas on the horizon: a caprock cliff stepping out in ledges over a talus slope that
    spreads to the plain, their edges eroded, banded in strata of red and cream rock, scored by gullies, lit on
    the ``toward`` side (+1 right), faded into haze."""
    horizon = HORIZON * h
    first = max(int(horizon - 0.11 * h), 0)  # drawn from above the highest a mesa can rise, down
    rows = np.arange(first, h, dtype=np.float32)[:, None]
    cols = np.arange(w, dtype=np.float32)[None, :]
    cover = np.zeros((h - first, w), np.float32)
    side = np.zeros_like(cover)  # +1 on a side face turned to the sun, -1 turned away, 0 the front
    debris = np.zeros_like(cover)  # 1 on the talus slope, 0 on the cliff
    for _ in range(3):
        centre, half = rng.uniform(0.05, 0.95) * w, rng.uniform(0.04, 0.12) * w
        rise = rng.uniform(0.05, 0.1) * h
        top = horizon - rise * (1.0 + 0.015 * ridge_profile(w, rng, 0.6))[None, :]
        down = np.clip((rows - (horizon - rise)) / rise, 0.0, 1.0)  # 0 at the caprock's top, 1 at the plain
        slope = np.clip((down - MESA_CLIFF) / (1.0 - MESA_CLIFF), 0.0, 1.0)  # 0 above the talus
        ledges = np.floor(np.minimum(down, MESA_CLIFF) / MESA_CLIFF * 3.0) / 3.0  # the cliff steps out twice
        eroded = ridge_profile(h, rng, 0.5, octaves=5, base_cells=12)[first:, None] * (0.004 + 0.012 * slope) * w
        reach = half * (1.0 + 0.04 * ledges) + 0.04 * w * slope ** 1.2 + eroded  # steep under the cliff, then easing
        edge = reach - np.abs(cols - centre)  # pixels inside the mesa's outline
        mesa = np.clip(edge + 0.5, 0.0, 1.0) * np.clip(rows - top + 0.5, 0.0, 1.0)
        face = np.sign(cols - centre) * toward * (edge < 0.2 * half)  # the outer fifth of each side
        side += (face - side) * mesa
        debris += (slope - debris) * mesa
        cover = np.maximum(cover, mesa)
    strata = np.sin(rows / (0.012 * h) + 1.5 * fractal_noise(h, w, rng, 0.5, 2)[first:])  # thick bands of rock
    rock = mix(hex_color("#9c4329"), hex_color("#d9a070"), 0.5 + 0.4 * strata)
    rock = mix(rock, hex_color("#c98a5e"), 0.5 * debris)  # scree: the strata broken and mixed
    gullies = fractal_noise(w, h, rng, scale=0.03, octaves=3, stretch=4.0).T[first:]  # streaks down the rock
    weathering = fractal_noise(h, w, rng, scale=0.05, octaves=4)[first:]
    shade = (0.9 + 0.12 * weathering) * (1.0 - (0.05 + 0.15 * debris) * gullies) * (0.8 + 0.25 * side)
    color = shaded(_lit(_by_moonlight(rock, palette), light), shade)
    color = mix(color, hex_color(palette.haze), 0.3)
    return make_layer(color, cover, 0.4, first)


def city(h: int, w: int, palette: SkyPalette, rng: np.random.Generator, sun: tuple[float, float],
         night: bool) -> list[Layer]:
    """Two skylines (far and hazy, near with windows) over a wet street that mirrors them. By day each building
    shows a facade of its own (concrete, sandstone, blue glass, brick, stone) in the sky's light, its wall on the
    ``sun``'s side lit and the other in shade; under the stars they are dark blocks; ``night``: windows lit."""
    layers = []
    toward = _sun_side(sun[0], w / 2)
    light = _land_light(palette)
    cols = np.arange(w, dtype=np.float32)[None, :]
    skyline = np.empty((h, w, 3), np.float32)
    skyline[:] = hex_color(palette.stops[-1][1])  # the sky at the horizon, then the blocks
    for ground, tallest, min_w, max_w, tint, haze, depth in (
        (HORIZON + 0.02, 0.2, 0.03, 0.07, "#5a6680", 0.55, 0.45),
        (HORIZON + 0.16, 0.34, 0.07, 0.16, "#1d2433", 0.1, 0.8),
    ):
        boxes, spans, x = [], [], -0.02 * w
        first = max(int((ground - tallest - 0.03) * h) - 2, 0)  # drawn from above the tallest mast down
        owner = np.full((h - first, w), -1, np.int32)  # which building (by its place in spans) covers each pixel
        while x < w:
            bw = rng.uniform(min_w, max_w) * w
            bh = rng.uniform(0.25, 1.0) ** 1.5 * tallest * h
            top = ground * h - bh
            parts = [np.array([(x, top), (x + bw, top), (x + bw, ground * h), (x, ground * h)], np.float32)]
            if rng.random() < 0.25:
                mast = x + bw / 2
                parts.append(np.array([(mast - 2, top - 0.03 * h), (mast + 2, top - 0.03 * h),
                                       (mast + 2, top), (mast - 2, top)], np.float32))
            parts = [part - (0, first) for part in parts]  # rows of the band drawn
            cv2.fillPoly(owner, [np.round(part).astype(np.int32) for part in parts], len(spans))
            boxes += parts
            spans.append((x, bw))
            x += bw * rng.uniform(0.85, 1.05)
        mask = polygon_mask(h - first, w, boxes)
        mask[int(ground * h) - first :] = 1.0
        spans.append((0.0, float(w)))  # the ground under the skyline: owner -1, the last entry
        left, width = (np.array(values, np.float32) for values in zip(*spans))
        across = np.clip((cols - left[owner]) / width[owner], 0.0, 1.0)  # 0..1 over each building's front
        to_sun = across if toward > 0 else 1.0 - across
        side = (to_sun > 0.82).astype(np.float32) - (to_sun < 0.18)  # +1 the wall facing the sun, -1 in shade
        facades = np.array([*(hex_color(name) for name in rng.choice(FACADES, len(spans) - 1)),
                            hex_color(palette.ground)], np.float32)
        texture = (0.9 + 0.15 * fractal_noise(h, w, rng, scale=0.06, octaves=4)[first:]) * \
            np.linspace(1.05, 0.75, h, dtype=np.float32)[first:, None]  # darker towards the street
        if palette.starry:
            walls = shaded(mix(facades[owner], hex_color(tint), 0.85), texture * (1.0 + 0.06 * side))
        else:
            walls = shaded(_lit(mix(facades[owner], hex_color(tint), 0.3), light), texture * (1.0 + 0.2 * side))
        color = mix(walls, hex_color(palette.haze), haze)
        cell_w, cell_h = max(4, int(w * (0.012 if depth < 0.6 else 0.02))), max(6, int(h * 0.011))
        lit = rng.random((h // cell_h + 1, w // cell_w + 1)) < (0.4 if night else 0.15)
        grid = np.kron(lit[first // cell_h :], np.ones((cell_h, cell_w)))[first % cell_h :][: h - first, :w]
        rows, cols = np.ogrid[first:h, 0:w]
        pane = ((rows % cell_h) < cell_h * 0.6) & ((cols % cell_w) < cell_w * 0.55)
        interior = cv2.erode(mask, np.ones((5, 5), np.uint8)) > 0.99
        sky_line = rows < ground * h - 4
        window = (grid * pane * interior * sky_line).astype(np.float32)
        warm = hex_color("#ffd27a") if night else mix(hex_color(palette.haze), np.ones(3, np.float32), 0.5)
        color = mix(color, mix(warm, hex_color(palette.haze), haze), window * (0.95 if night else 0.5))
        if night and depth > 0.6:
            glow = cv2.GaussianBlur(window, (0, 0), 6) * 0.6
            color = np.clip(color + glow[:, :, None] * warm, 0, 1)
        layers.append(make_layer(color, mask, depth, first))
        skyline[first:] = mix(skyline[first:], color, mask)

    street_top = int((HORIZON + 0.16) * h)
    asphalt = (hex_color("#0c0f16"), hex_color("#1a1f2b")) if night else \
        (hex_color(palette.haze) * 0.42, hex_color(palette.haze) * 0.3)
    street = _wet_street(skyline, street_top, asphalt, rng, 0.8 if night else 0.3)
    layers.append(make_layer(street, np.ones(street.shape[:2], np.float32), 1.0, street_top))
    return layers


def _wet_street(above: np.ndarray, top: int, asphalt: tuple[np.ndarray, np.ndarray], rng: np.random.Generator,
                shine: float) -> np.ndarray:
    """A wet street, the rows from ``top`` down (float RGB): ``asphalt`` (its colour at the top and the bottom of
    the image) mirroring ``above`` (the scene standing on it), the mirror image smeared downwards into streaks
    of light and broken sideways by ripples, brightest in the puddles; ``shine`` is how much it reflects (0..1)."""
    h, w = above.shape[:2]
    depth = h - top
    street = np.empty((depth, w, 3), np.float32)
    down = np.linspace(0, 1, h, dtype=np.float32)[top:, None]
    street[:] = (asphalt[0] + (asphalt[1] - asphalt[0]) * down)[:, None, :]
    # ripples: each row of the mirror image shifted sideways by a noise stretched into horizontal bands
    shift = (fractal_noise(depth, w, rng, scale=0.4, octaves=4, stretch=8.0) - 0.5) * (0.04 * w)
    map_x = (np.arange(w, dtype=np.float32)[None, :] + shift).astype(np.float32)
    map_y = np.broadcast_to((top - 1 - np.arange(depth, dtype=np.float32))[:, None], (depth, w)).astype(np.float32)
    mirror = cv2.remap(np.ascontiguousarray(above, np.float32), map_x, map_y, cv2.INTER_LINEAR,
                       borderMode=cv2.BORDER_REPLICATE)
    mirror = cv2.GaussianBlur(mirror, (0, 0), sigmaX=0.6, sigmaY=max(1.0, depth * 0.035))
    puddles = np.clip((fractal_noise(depth, w, rng, scale=0.5, octaves=4, stretch=3.0) - 0.3) * 2.0, 0, 1)
    fade = np.linspace(1.0, 0.55, depth, dtype=np.float32)[:, None]
    wet = shine * (0.35 + 0.65 * puddles) * fade
    street = mix(street, mirror * 0.85, wet)
    street[:2] = mix(street[:2], asphalt[1] * 2.2, 0.6)  # the kerb's lit edge
    return street


def space(h: int, w: int, rng: np.random.Generator) -> list[Layer]:
    """A nebula with faint stars far away, a planet (planets.py: a gas giant, maybe ringed, an ice giant, a rocky
    world or an ocean world, maybe with a moon), bright near stars."""
    base = vertical_gradient(h, w, [(0, "#03030c"), (1, "#0a0a1f")])
    cloud = fractal_noise(h, w, rng, scale=0.5, octaves=6)
    hue = fractal_noise(h, w, rng, scale=0.7, octaves=2)
    nebula_color = mix(hex_color("#6a2c91"), hex_color("#1f7a9c"), hue)
    density = np.clip((cloud - 0.45) * 1.8, 0, 1) ** 1.5
    base = mix(base, nebula_color, density * 0.85)
    base = np.clip(base + stars(h, w, rng, 0.0009)[:, :, None] * 0.8, 0, 1)
    far = make_layer(base, None, 0.2)

    planet, coverage = planet_layer(h, w, rng)
    mid = make_layer(planet, coverage, 0.55)

    near_stars = stars(h, w, rng, 0.00005)
    near = make_layer(np.ones((h, w, 3), np.float32), np.clip(near_stars * 1.5, 0, 1), 1.0)
    return [far, mid, near]


def abstract(h: int, w: int, rng: np.random.Generator) -> list[Layer]:
    """A colour field with floating geometric shapes in depth (blurred far ones, crisp near ones) and a glowing
    network of linked nodes between them."""
    palettes = [("#12002f", "#ff2e88", "#29e6ff"), ("#0b1d3a", "#ffb000", "#ff4d6d"),
                ("#081c15", "#74c69d", "#f9c74f"), ("#1a1033", "#7b5cff", "#ff9e00")]
    back, accent_a, accent_b = palettes[int(rng.integers(len(palettes)))]
    image = vertical_gradient(h, w, [(0, back), (1, "#000000")])
    image = mix(image, hex_color(accent_a), radial_glow(h, w, (w * 0.2, h * 0.25), w * 0.6)[:, :, None] * 0.45)
    image = mix(image, hex_color(accent_b), radial_glow(h, w, (w * 0.85, h * 0.8), w * 0.6)[:, :, None] * 0.35)
    accents = (hex_color(accent_a), hex_color(accent_b))
    return [make_layer(image, None, 0.2), _floating_shapes(h, w, rng, accents, 0.5, 10, 9.0),
            _network(h, w, rng, mix(accents[1], np.ones(3, np.float32), 0.35)),
            _floating_shapes(h, w, rng, accents, 1.0, 4, 0.0)]


def _floating_shapes(h: int, w: int, rng: np.random.Generator, accents: tuple[np.ndarray, np.ndarray], depth: float,
                     count: int, blur: float) -> Layer:
    """``count`` triangles, squares, hexagons and discs at ``depth``, larger and more opaque nearer the viewer,
    ``blur`` pixels out of focus, shaded from one accent colour at the top to the other at the bottom."""
    shapes = []
    for _ in range(count):
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.04, 0.14) * w * (0.6 + depth)
        sides = int(rng.choice([3, 4, 6, 48]))
        angle = rng.uniform(0, 2 * np.pi) + np.linspace(0, 2 * np.pi, sides, endpoint=False)
        shapes.append(np.stack([cx + r * np.cos(angle), cy + r * np.sin(angle)], axis=1).astype(np.float32))
    mask = polygon_mask(h, w, shapes)
    if blur:
        mask = cv2.GaussianBlur(mask, (0, 0), blur)
    ramp = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    tint = np.broadcast_to(mix(accents[0], accents[1], ramp), (h, w, 3))
    return make_layer(tint, mask * (0.55 + 0.4 * depth), depth)


def _network(h: int, w: int, rng: np.random.Generator, colour: np.ndarray) -> Layer:
    """A glowing network: nodes linked to their near neighbours by thin lines that fade with their length (the
    look of data, ideas and connections), each node a bright dot with a halo."""
    nodes = np.stack([rng.uniform(-0.05, 1.05, NETWORK_NODES) * w, rng.uniform(-0.05, 1.05, NETWORK_NODES) * h], 1)
    reach, scale = NETWORK_REACH * w, w / 702
    lines = np.zeros((h, w), np.float32)
    thickness = max(1, round(1.5 * scale))
    for i, j in zip(*np.triu_indices(NETWORK_NODES, 1)):
        length = float(np.hypot(*(nodes[i] - nodes[j])))
        if length < reach:  # drawn on its own in its box, then kept where it is the brightest line
            lo = np.maximum(np.floor(np.minimum(nodes[i], nodes[j])).astype(int) - thickness - 2, 0)
            hi = np.minimum(np.ceil(np.maximum(nodes[i], nodes[j])).astype(int) + thickness + 3, (w, h))
            if (hi <= lo).any():
                continue
            box = lines[lo[1] : hi[1], lo[0] : hi[0]]
            start, end = (tuple(int(v) for v in np.round((node - lo) * 16)) for node in (nodes[i], nodes[j]))
            line = np.zeros_like(box)
            cv2.line(line, start, end, 0.3 + 0.7 * (1.0 - length / reach), thickness, cv2.LINE_AA, 4)
            np.maximum(box, line, out=box)
    dots = np.zeros((h, w), np.float32)
    for x, y in nodes:
        cv2.circle(dots, (int(x * 16), int(y * 16)), int(rng.uniform(3.0, 6.0) * scale * 16), 1.0, -1, cv2.LINE_AA, 4)
    core = np.maximum(lines, dots)
    halo = cv2.GaussianBlur(core, (0, 0), 5 * scale) * 1.8
    rgb = mix(np.broadcast_to(colour, (h, w, 3)), np.ones(3, np.float32), dots * 0.7)
    return make_layer(rgb, np.clip(core + halo, 0, 1), NETWORK_DEPTH)


def sky_layer(h: int, w: int, palette: SkyPalette, rng: np.random.Generator, sun_at: float,
              horizon: float = HORIZON) -> tuple[Layer, tuple[float, float]]:
    """The opaque back layer of every landscape theme, its sun (or moon) at ``sun_at`` of the width; and where
    that is, in pixels."""
    image, sun = sky_image(h, w, horizon, palette, rng, sun_at)
    return make_layer(image, None, 0.15), sun
