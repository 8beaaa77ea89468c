"""Fog baked into a scene's depth layers."""

import numpy as np

from reelforge.look.atmosphere import fog_layers
from reelforge.scene import build_layers
from reelforge.scene.layers import make_layer


def test_fog_fades_far_layers_more_than_near_ones_and_keeps_empty_rows_in_the_top_rows_colour():
    """The tree lines fade by distance (the nearest, at depth 1, not at all)."""
    layers = build_layers("forest", "day", 351, 624, seed=4)
    fogged = fog_layers(layers, 0.55, seed=4)
    fog = np.clip(layers[0].rgb.reshape(-1, 3).mean(axis=0) * 0.6 + 0.4 * 255, 0, 255)  # light, in the sky's hue
    kept = []  # how much of each layer's distance to the fog's colour is left
    for before, after in zip(layers, fogged):
        seen = after.alpha > 0 if after.alpha is not None else np.ones(after.rgb.shape[:2], bool)
        kept.append(np.abs(after.rgb[seen] - fog).mean() / np.abs(before.rgb[seen] - fog).mean())
        # the rows above a layer's content are empty: blurred with it, they must bring its own colour
        assert (after.rgb[: after.top] == after.rgb[after.top]).all()
    assert kept[0] < 0.9 and kept[1] < kept[2] < 0.95 and kept[3] == 1.0, kept  # far fades most, nearest not


def test_fog_leaves_an_empty_layer_empty():
    sky = make_layer(np.full((40, 30, 3), 0.5, np.float32), None, 0.1)
    empty = make_layer(np.full((40, 30, 3), 0.2, np.float32), np.zeros((40, 30), np.float32), 0.5)
    fogged = fog_layers([sky, empty], 0.55, seed=1)
    assert fogged[1].rgb.shape == (40, 30, 3) and not fogged[1].alpha.any()
