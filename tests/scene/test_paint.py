"""Painting helpers: masks that a scene's shapes are cut from."""

import numpy as np

from reelforge.scene.paint import polygon_mask


def test_overlapping_polygons_make_one_solid_shape():
    """Two overlapping squares (neighbouring buildings, abstract shapes, a row of far pines): their overlap is
    covered, not a hole (filled in one call, OpenCV's crossing count left one)."""
    square = np.array([(10, 10), (50, 10), (50, 50), (10, 50)], np.float32)
    mask = polygon_mask(80, 80, [square, square + 20])
    assert mask[40, 40] == 1.0 and mask[15, 15] == 1.0 and mask[65, 65] == 1.0
    assert mask[15, 65] == 0.0  # outside both
    assert 0.0 < mask[10, 30] < 1.0 or 0.0 < mask[9, 30] < 1.0  # an anti-aliased edge
