"""Per-frame finishes drawn into YUV 4:2:0 frames: letterbox bars and particles."""

import numpy as np

from reelforge.encode import rgb_to_i420
from reelforge.look.finish import LETTERBOX, FrameFinisher
from reelforge.look.styles import STYLES
from reelforge.request import Style
from reelforge.yuv import WHITE, i420_to_rgb, planes

SIZE = (360, 640)


def finisher(**options) -> FrameFinisher:
    return FrameFinisher(STYLES[Style.realistic], SIZE, 24, seed=3, **options)


def test_letterbox_bars_are_black_and_the_picture_between_them_is_untouched():
    rgb = np.full((SIZE[1], SIZE[0], 3), (200, 120, 40), np.uint8)
    i420 = rgb_to_i420(rgb)
    finisher(letterbox=True).bars(i420)
    shown = i420_to_rgb(i420).astype(int)
    bar = int(SIZE[1] * LETTERBOX)
    assert shown[:bar].max() <= 2 and shown[SIZE[1] - bar :].max() <= 2
    assert np.abs(shown[bar + 2 : SIZE[1] - bar - 2] - (200, 120, 40)).max() <= 3


def test_sparks_add_warm_light_that_moves_and_never_passes_white():
    grey = rgb_to_i420(np.full((SIZE[1], SIZE[0], 3), 128, np.uint8))
    white = rgb_to_i420(np.full((SIZE[1], SIZE[0], 3), 255, np.uint8))
    sparks = finisher(particles=["sparks"])
    frames = []
    for t in (0.0, 0.5):
        frame = grey.copy()
        sparks.particles(frame, "sparks", t)
        frames.append(frame)
    y, u, v = planes(frames[0])
    lit = y > planes(grey)[0][0, 0] + 30
    assert lit.sum() > 50 and lit.mean() < 0.05  # a scatter of bright points
    assert (u.astype(int) < 120).any() and (v.astype(int) > 136).any()  # orange: less blue, more red
    assert not np.array_equal(frames[0], frames[1])  # they rise
    sparks.particles(white, "sparks", 0.0)
    assert planes(white)[0].max() == WHITE


def test_no_particles_for_fog_or_none():
    frame = rgb_to_i420(np.full((SIZE[1], SIZE[0], 3), 90, np.uint8))
    before = frame.copy()
    for kind in ("fog", None):
        finisher().particles(frame, kind, 1.0)
    assert np.array_equal(frame, before)


def test_particles_hide_behind_what_stands_in_front_and_are_unchanged_elsewhere():
    grey = rgb_to_i420(np.full((SIZE[1], SIZE[0], 3), 90, np.uint8))
    rain = finisher(particles=["rain"])
    free, nothing, half = grey.copy(), grey.copy(), grey.copy()
    rain.particles(free, "rain", 0.4)
    rain.particles(nothing, "rain", 0.4, np.zeros((SIZE[1] // 2, SIZE[0] // 2), np.uint8))  # any size
    assert np.array_equal(nothing, free)
    character = np.zeros((SIZE[1], SIZE[0]), np.uint8)
    character[:, : SIZE[0] // 2] = 255  # the left half stands in front of the rain
    rain.particles(half, "rain", 0.4, character)
    for shown, alone, plain in zip(planes(half), planes(free), planes(grey)):
        middle = shown.shape[1] // 2
        assert np.array_equal(shown[:, : middle - 1], plain[:, : middle - 1])
        assert np.array_equal(shown[:, middle + 1 :], alone[:, middle + 1 :])
    assert not np.array_equal(planes(free)[0][:, : SIZE[0] // 2], planes(grey)[0][:, : SIZE[0] // 2])


def test_each_seed_rains_in_its_own_place_and_a_seed_always_in_the_same():
    def rained(seed: int) -> np.ndarray:
        i420 = rgb_to_i420(np.full((SIZE[1], SIZE[0], 3), 60, np.uint8))
        FrameFinisher(STYLES[Style.realistic], SIZE, 24, seed=seed, particles=["rain"]).particles(i420, "rain", 0.5)
        return planes(i420)[0].astype(np.int16)

    assert np.array_equal(rained(3), rained(3))
    drops = [rained(seed) > 90 for seed in (3, 4)]
    assert drops[0].mean() > 0.002 and (drops[0] & drops[1]).mean() < 0.5 * drops[0].mean()
