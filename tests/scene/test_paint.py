"""Painting helpers: masks that a scene's shapes are cut from."""

import numpy as np

from reelforge.scene.paint import polygon_mask, shaded, to_uint8


def test_overlapping_polygons_make_one_solid_shape():
    """Two overlapping squares (neighbouring buildings, abstract shapes, a row of far pines): their overlap is
    covered, not a hole (filled in one call, OpenCV's crossing count left one)."""
    square = np.array([(10, 10), (50, 10), (50, 50), (10, 50)], np.float32)
    mask = polygon_mask(80, 80, [square, square + 20])
    assert mask[40, 40] == 1.0 and mask[15, 15] == 1.0 and mask[65, 65] == 1.0
    assert mask[15, 65] == 0.0  # outside both
    assert 0.0 < mask[10, 30] < 1.0 or 0.0 < mask[9, 30] < 1.0  # an anti-aliased edge


def test_float_colour_becomes_bytes_rounded_and_saturated():
    """Painting runs past 0..1 (a glow added, a shade over 1): it saturates to 0 and 255, and rounds."""
    image = np.array([[[-0.3, 0.0, 0.5 / 255 + 1e-4], [0.7 / 255, 1.0, 1.4]]], np.float32)
    assert to_uint8(image).tolist() == [[[0, 0, 1], [1, 255, 255]]]
    assert to_uint8(image[0, :, 0]).tolist() == [0, 1]  # a mask: any shape comes back as it went in


def test_a_gain_shades_an_image_or_a_colour_as_numpy_broadcasting_would():
    rng = np.random.default_rng(5)
    image, colour = rng.random((40, 60, 3), np.float32), np.array([0.2, 0.5, 0.9], np.float32)
    gain = rng.random((40, 60), np.float32) * 1.5
    assert np.array_equal(shaded(image, gain), image * gain[:, :, None])
    assert np.array_equal(shaded(colour, gain), colour[None, None, :] * gain[:, :, None])
    assert shaded(image, gain).dtype == np.float32 and shaded(colour, gain).shape == (40, 60, 3)
