"""The layer compositor: culling hidden rows changes no pixel, a still camera reuses its frame, soft layers hold;
the slide transition."""

import cv2
import numpy as np
import pytest

from reelforge.camera import View, camera_view, layer_view, view_matrix
from reelforge.compose import SHUTTER, LayerCompositor, prepare_layers, slide
from reelforge.look.lighting import ease
from reelforge.plan import TRANSITION_S
from reelforge.request import CameraMovement
from reelforge.scene import build_layers
from reelforge.scene.layers import Layer

FRAME = (270, 480)
SOURCE = (351, 624)
WARP = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP


def every_row_composite(layers, view, offset=(0.0, 0.0)):
    """The plain way: warp each whole layer and blend it over the frame (premultiplied, 8-bit)."""
    out = None
    for layer in layers:
        matrix = view_matrix(layer_view(view, layer.depth), FRAME, SOURCE, offset)
        warped = cv2.warpAffine(layer.rgba, matrix, FRAME, flags=WARP, borderMode=cv2.BORDER_REFLECT)
        if out is None:
            out = warped
            continue
        inverse = cv2.bitwise_not(cv2.merge([warped[:, :, 3]] * 4))
        out = cv2.add(cv2.multiply(out, inverse, scale=1 / 255), warped)
    return out


@pytest.fixture(scope="module")
def city():
    layers = prepare_layers(build_layers("city", "night", *SOURCE, seed=4))
    assert layers[-1].solid < SOURCE[1] and layers[1].top > 0  # solid ground in front, open sky above
    return layers


@pytest.mark.parametrize("move", [CameraMovement.orbit, CameraMovement.tilt_down, CameraMovement.dolly])
def test_skipping_hidden_rows_gives_the_same_frames(city, move):
    compositor = LayerCompositor(FRAME)
    for progress in (0.0, 0.3, 1.0):
        view = camera_view(move, progress)
        assert np.array_equal(compositor.render(city, view, (0.7, -0.4)), every_row_composite(city, view, (0.7, -0.4)))


def test_a_still_camera_reuses_the_frame_and_it_cannot_be_changed(city):
    compositor = LayerCompositor(FRAME)
    first = compositor.render(city, View())
    assert compositor.render(city, View()) is first
    assert not first.flags.writeable
    moved = compositor.render(city, View(u=0.51))
    assert moved is not first and not np.array_equal(moved, first)


def test_both_scenes_of_a_transition_reuse_their_frames_and_only_the_last_two_are_kept(city):
    mountains = prepare_layers(build_layers("mountains", "day", *SOURCE, seed=5))
    compositor = LayerCompositor(FRAME)
    outgoing, incoming = compositor.render(city, View()), compositor.render(mountains, View())
    assert compositor.render(city, View()) is outgoing and compositor.render(mountains, View()) is incoming
    compositor.render(prepare_layers(build_layers("ocean", "day", *SOURCE, seed=6)), View())
    again = compositor.render(city, View())  # the oldest was let go...
    assert again is not outgoing and np.array_equal(again, outgoing)  # ...and is made again alike


def test_a_soft_layer_warped_at_half_size_looks_the_same(city):
    blur = 3.0  # source pixels: 2.3 frame pixels, above SOFT_BLUR
    sky = cv2.GaussianBlur(np.ascontiguousarray(city[0].rgba[:, :, :3]), (0, 0), blur)
    soft = prepare_layers([Layer(sky, None, 0.2)], [blur])
    sharp = prepare_layers([Layer(sky, None, 0.2)])  # the same pixels, warped at full size
    view = camera_view(CameraMovement.orbit, 0.4)
    half = LayerCompositor(FRAME).render(soft, view).astype(np.float64)
    full = LayerCompositor(FRAME).render(sharp, view).astype(np.float64)
    mse = ((half - full) ** 2).mean()
    assert 0 < mse and 10 * np.log10(255**2 / mse) > 45


def test_soft_layers_at_the_back_composited_together_at_half_size_look_the_same():
    """Depth of field blurs the sky and the far skyline: both are composited at half size, then resized up once.
    Against the same layers warped and blended at full size, over a moving camera."""
    blur = 3.0  # source pixels: 2.3 frame pixels, above SOFT_BLUR
    layers = build_layers("city", "night", *SOURCE, seed=4)
    soft = [Layer(cv2.GaussianBlur(layer.rgb, (0, 0), blur),
                  None if layer.alpha is None else cv2.GaussianBlur(layer.alpha, (0, 0), blur), layer.depth, 0)
            for layer in layers[:2]] + layers[2:]
    blurs = [blur, blur] + [0.0] * (len(layers) - 2)
    compositor, reference = LayerCompositor(FRAME), LayerCompositor(FRAME)
    for progress in (0.1, 0.6):
        view = camera_view(CameraMovement.orbit, progress)
        half = compositor.render(prepare_layers(soft, blurs), view, (0.3, 0.2)).astype(np.float64)
        full = reference.render(prepare_layers(soft), view, (0.3, 0.2)).astype(np.float64)
        mse = ((half - full) ** 2).mean()
        assert 0 < mse and 10 * np.log10(255**2 / mse) > 55  # 59 dB; 52 with the half pixels off by half a pixel


def test_slide_pushes_the_next_scene_in_from_the_right_with_motion_blur():
    """Mid-push the new scene fills the right, the old the left; the seam is streaked along the push (no hard edge
    jumping from frame to frame), while every row stays sharp across it (the blur is horizontal only)."""
    height, width = 64, 200
    old = np.zeros((height, width, 3), np.uint8)
    new = np.full((height, width, 3), 200, np.uint8)
    new[::8] = 0  # horizontal lines: a vertical blur would smear them
    shutter = SHUTTER / (24 * TRANSITION_S)
    sharp = slide(old, new, 0.5)
    pushed = slide(old, new, 0.5, shutter)
    assert sharp[4, : width // 2 - 2].max() == 0 and sharp[4, width // 2 + 2 :].min() == 200
    row = pushed[4, :, 0].astype(int)
    ramp = np.flatnonzero((row > 10) & (row < 190))
    streak = (ease(0.5) - ease(0.5 - shutter)) * width
    assert streak - 2 <= len(ramp) <= streak + 2  # the seam is a ramp as long as the push's travel in one exposure
    assert ramp.min() < width // 2 < ramp.max()
    assert pushed[8, width - 20 :].max() == 0  # a line of the new scene is still a line
    assert np.array_equal(slide(old, new, 0.0, shutter), old) and np.array_equal(slide(old, new, 1.0, shutter), new)
