"""Depth layers: made from float colour and coverage, drawn whole or from their first row down."""

import cv2
import numpy as np

from reelforge.scene.layers import make_layer


def test_a_layer_drawn_from_a_row_down_is_whole_and_transparent_above():
    """A range drawn from its highest peak down: the layer has the full height, nothing shows above the band,
    and a blur across the edge (depth of field) meets the layer's own colour, not a black fringe."""
    height, width, first = 60, 8, 20
    band = np.full((height - first, width, 3), 0.8, np.float32)
    mask = np.ones((height - first, width), np.float32)
    mask[:5] = 0.0  # the ridge itself lies a few rows into the band
    layer = make_layer(band, mask, 0.5, first)
    assert layer.rgb.shape == (height, width, 3) and layer.alpha.shape == (height, width)
    assert layer.top == first + 5
    assert not layer.alpha[:first].any() and layer.alpha[first + 5 :].min() == 255
    blurred = cv2.GaussianBlur(layer.rgb, (0, 0), 4.0)
    assert blurred[first - 10 : first + 10].min() == 204  # 0.8: the colour above the band is the band's own
