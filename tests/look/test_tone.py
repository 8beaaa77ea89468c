"""Curves as look-up tables."""

import numpy as np
import pytest

from reelforge.look.tone import apply_curve, chained, contrast_brightness_curve, s_curve

PER_CHANNEL = np.stack([np.arange(256) * 0.8 + 30, np.arange(256) ** 1.1 / 1.7, 255 - np.arange(256) * 0.9], 1)


@pytest.mark.parametrize(("first", "then"), [(contrast_brightness_curve(1.3, 0.9), s_curve(0.5)),
                                             (contrast_brightness_curve(1.3, 0.9), PER_CHANNEL),
                                             (PER_CHANNEL, s_curve(0.35)),
                                             (PER_CHANNEL, PER_CHANNEL[::-1])])
def test_a_chained_curve_is_the_two_curves_applied_one_after_the_other(first, then):
    image = np.random.default_rng(2).integers(0, 256, (64, 80, 3)).astype(np.uint8)
    assert np.array_equal(apply_curve(image, chained(first, then)), apply_curve(apply_curve(image, first), then))
