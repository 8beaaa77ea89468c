"""Film grain: one bank per frame size and strength, a different pattern every frame and for every seed."""

import numpy as np

from reelforge.look.grain import grain_bank


def _grained(frame_index, seed, sigma=6.0):
    luma = np.full((192, 108), 128, np.uint8)
    grain_bank(192, 108, sigma).apply(luma, frame_index, seed)
    return luma.astype(np.int16)


def test_the_bank_is_made_once_per_size_and_strength():
    assert grain_bank(192, 108, 6.0) is grain_bank(192, 108, 6.0)
    assert grain_bank(192, 108, 6.0) is not grain_bank(192, 108, 3.0)


def test_grain_is_visible_and_keeps_the_level():
    grain = _grained(0, 1) - 128
    assert 3.0 < grain.std() < 6.0  # Gaussian grain of the asked-for strength (6), clumped: a little softer
    assert abs(grain.mean()) < 0.5


def test_each_frame_and_each_seed_has_its_own_pattern_and_a_frame_is_repeatable():
    first = _grained(10, 1)
    assert np.array_equal(first, _grained(10, 1))
    for other in (_grained(11, 1), _grained(10, 2)):
        correlation = np.corrcoef(first.ravel(), other.ravel())[0, 1]
        assert abs(correlation) < 0.2
