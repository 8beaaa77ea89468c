"""Frames finished in YUV 4:2:0: the planes, the scene-size conversion and the caption-style overlays."""

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from reelforge.captions import caption_font
from reelforge.encode import rgb_to_i420
from reelforge.yuv import WHITE, blend, i420_to_rgb, make_overlay, planes, to_i420


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = ((a.astype(np.float64) - b) ** 2).mean()
    return float("inf") if mse == 0 else 10 * np.log10(255**2 / mse)


@pytest.fixture(scope="module")
def photo():
    """A real photo (scikit-image's astronaut) at the balanced preset's 540x960 scene size."""
    from skimage.data import astronaut

    return np.ascontiguousarray(cv2.resize(astronaut()[:, 64:448], (540, 960), interpolation=cv2.INTER_AREA))


def test_planes_are_views_of_the_frame_even_when_a_quarter_is_not_whole_rows():
    i420 = np.zeros((270 * 3 // 2, 480), np.uint8)  # a 480x270 frame: each chroma plane is 33.75 rows of 480
    y, u, v = planes(i420)
    assert (y.shape, u.shape, v.shape) == ((270, 480), (135, 240), (135, 240))
    y[:], u[:], v[:] = 1, 2, 3
    assert np.bincount(i420.ravel()).tolist() == [0, 480 * 270, 240 * 135, 240 * 135]


def test_a_scene_converted_small_matches_the_upscaled_rgb_converted_at_full_size(photo):
    old = rgb_to_i420(cv2.resize(photo, (1080, 1920), interpolation=cv2.INTER_CUBIC))
    new = to_i420(photo, (1080, 1920))
    assert new.shape == old.shape == (2880, 1080)
    old_planes, new_planes = planes(old), planes(new)
    assert psnr(old_planes[0], new_planes[0]) > 50  # luma: the same cubic upscale, of Y instead of RGB
    for old_chroma, new_chroma in zip(old_planes[1:], new_planes[1:]):
        assert psnr(old_chroma, new_chroma) > 45  # chroma: now sampled at pixel centres, not a quarter off
    assert psnr(i420_to_rgb(new), cv2.resize(photo, (1080, 1920), interpolation=cv2.INTER_CUBIC)) > 40


def test_a_frame_already_at_size_is_converted_as_the_encoder_does(photo):
    assert np.array_equal(to_i420(photo, (540, 960)), rgb_to_i420(photo))


def test_speed_preset_scales_the_chroma_down_and_the_luma_up(photo):
    i420 = to_i420(photo, (720, 1280))
    y, u, v = planes(i420)
    assert (y.shape, u.shape) == ((1280, 720), (640, 360))
    reference = rgb_to_i420(cv2.resize(photo, (720, 1280), interpolation=cv2.INTER_CUBIC))
    assert psnr(i420, reference) > 45


def _caption_rgba() -> np.ndarray:
    image = Image.new("RGBA", (301, 91), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.text((10, 8), "Hello", font=caption_font(60), fill=(255, 214, 10, 255), stroke_width=5,
              stroke_fill=(0, 0, 0, 235))
    return np.asarray(image)


def test_an_overlay_blended_into_the_planes_looks_like_one_blended_in_rgb(photo):
    """At odd coordinates, as a caption box can be: the planes are padded to even, the picture stays put."""
    rgba = _caption_rgba()
    x, y = 101, 333
    rgb = photo.copy()
    roi = rgb[y : y + rgba.shape[0], x : x + rgba.shape[1]]
    alpha = rgba[:, :, 3:].astype(np.float32) / 255
    roi[:] = (roi * (1 - alpha) + rgba[:, :, :3] * alpha + 0.5).astype(np.uint8)
    expected = rgb_to_i420(rgb)

    i420 = rgb_to_i420(photo)
    overlay = make_overlay(rgba, x, y)
    assert (overlay.x, overlay.y) == (100, 332)
    blend(i420, overlay)
    assert np.abs(planes(i420)[0].astype(int) - planes(expected)[0]).max() <= 2  # luma: the same blend
    assert psnr(i420, expected) > 35  # chroma: averaged over 2x2 here, point-sampled by OpenCV's conversion
    shown = i420_to_rgb(i420)[y + 20 : y + 70, x + 20 : x + 170].reshape(-1, 3).astype(int)
    yellow = (shown[:, 0] > 200) & (shown[:, 1] > 170) & (shown[:, 2] < 90)
    assert yellow.mean() > 0.2  # the text is there, in its colour
    untouched = rgb_to_i420(photo)
    assert np.array_equal(planes(i420)[0][: y - 1], planes(untouched)[0][: y - 1])  # nothing outside the box


def test_a_transparent_overlay_changes_nothing_and_an_opaque_one_is_its_colour(photo):
    i420 = rgb_to_i420(photo)
    before = i420.copy()
    blend(i420, make_overlay(np.zeros((40, 60, 4), np.uint8), 10, 10))
    assert np.array_equal(i420, before)
    white = np.full((40, 60, 4), 255, np.uint8)
    blend(i420, make_overlay(white, 10, 10))
    y, u, v = planes(i420)
    assert (y[10:50, 10:70] == WHITE).all() and (u[5:25, 5:35] == 128).all() and (v[5:25, 5:35] == 128).all()
