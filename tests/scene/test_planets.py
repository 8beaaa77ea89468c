"""Planets: lit globes of four kinds, rings that pass in front of and behind their planet, and variety by seed."""

import numpy as np
import pytest

from reelforge.scene import build_layers
from reelforge.scene.planets import ATMOSPHERES, KINDS, MAPS, over, ring, sphere

SIZE = 300


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_globe_is_lit_from_the_upper_left_with_a_dark_night_side(kind):
    colour, cover = sphere(SIZE, SIZE, (150, 150), 120, MAPS[kind](np.random.default_rng(1)), ATMOSPHERES[kind])
    luma = colour @ np.array([0.3, 0.59, 0.11], np.float32)
    assert cover[150, 150] == 1.0 and cover[5, 5] == 0.0
    day, night = luma[70:110, 70:110].mean(), luma[212:226, 212:226].mean()
    assert day > 0.25 and night < 0.25 * day


def test_wrapping_a_map_foreshortens_it_towards_the_limb():
    """Stripes of equal width in longitude: narrow near the limb, wide at the centre, as on a globe."""
    stripes = np.zeros((256, 512, 3), np.float32)
    stripes[:, ::32] = 1.0
    colour, _ = sphere(SIZE, SIZE, (150, 150), 120, stripes, "#000000")
    row = colour[150, 30:271, 0]
    lines = np.flatnonzero((row[1:] > 0.01) & (row[:-1] <= 0.01))
    gaps = np.diff(lines)
    assert gaps[len(gaps) // 2] > 2 * gaps[0]  # a flat map: equal gaps


def test_a_ring_passes_in_front_of_its_planet_below_and_behind_it_above():
    rng = np.random.default_rng(2)
    planet, planet_cover = sphere(SIZE, SIZE, (150, 150), 70, MAPS["gas giant"](rng), ATMOSPHERES["gas giant"])
    ring_colour, ring_cover, in_front = ring(SIZE, SIZE, (150, 150), 70, rng)
    shown = ring_cover * np.maximum(in_front, 1.0 - planet_cover)
    colour, cover = over(ring_colour, shown, planet, planet_cover)
    on_disc = planet_cover == 1.0
    front, back = on_disc & (ring_cover > 0.3) & (in_front == 1), on_disc & (ring_cover > 0.3) & (in_front == 0)
    assert front.sum() > 50 and back.sum() > 50
    assert np.abs(colour - planet).sum(axis=2)[front].mean() > 0.1  # the near half crosses the planet
    assert np.abs(colour - planet).sum(axis=2)[back].max() < 1e-5  # the far half is hidden behind it
    assert (cover[:, :40] > 0.3).any() or (cover[:, -40:] > 0.3).any()  # and reaches out beyond the disc


def test_over_lays_straight_colour_on_straight_colour():
    red, blue = np.zeros((1, 3, 3), np.float32), np.zeros((1, 3, 3), np.float32)
    red[..., 0], blue[..., 2] = 1.0, 1.0
    colour, cover = over(red, np.array([[1.0, 0.0, 0.5]], np.float32), blue, np.array([[1.0, 1.0, 0.5]], np.float32))
    assert np.allclose(cover, [[1.0, 1.0, 0.75]])
    assert np.allclose(colour[0, 0], [1, 0, 0]) and np.allclose(colour[0, 1], [0, 0, 1])
    assert np.allclose(colour[0, 2], [2 / 3, 0, 1 / 3])  # half of red over half of blue: 0.5 red, 0.25 blue


def test_space_shows_different_worlds_for_different_seeds():
    """Warm worlds (gas giants, rust) and cold ones (ice giants, ocean worlds): the old planet was always orange."""
    warm = set()
    for seed in range(12):
        planet = build_layers("space", "night", 234, 416, seed=seed)[1]
        disc = planet.alpha > 250
        red, blue = (planet.rgb[..., channel][disc].mean() for channel in (0, 2))
        warm.add(bool(red > blue))
    assert warm == {True, False}
