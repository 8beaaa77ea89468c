"""Staging: the character's pixels are where its mask says, and it follows the camera only when asked."""

import numpy as np

from reelforge.camera import View
from reelforge.character.rig import FaceControls
from reelforge.character.stage import CharacterStage, placement
from reelforge.look.styles import STYLES
from reelforge.request import CharacterType, Emotion, Style

SIZE = (360, 640)


def stage(inset=False):
    return CharacterStage(CharacterType.fantasy, 1, SIZE, STYLES[Style.cinematic], Emotion.neutral, inset=inset)


def test_pixels_change_exactly_where_the_mask_covers():
    performer = stage()
    controls = FaceControls(jaw_open=0.5, head_roll=0.05)
    frame = np.zeros((SIZE[1], SIZE[0], 3), np.uint8)
    frame[:] = (0, 255, 0)
    performer.draw(frame, controls)
    mask = performer.mask(controls)
    changed = np.any(frame != (0, 255, 0), axis=2)
    assert not changed[mask == 0].any()
    assert changed[mask == 255].mean() > 0.99


def test_hybrid_stands_smaller_than_character_mode():
    assert placement(SIZE, inset=True)[2] < placement(SIZE, inset=False)[2]
    assert stage(inset=True).mask(FaceControls()).mean() < 0.75 * stage().mask(FaceControls()).mean()


def test_following_the_camera_zooms_with_it():
    performer = stage(inset=True)
    still = performer.mask(FaceControls())
    zoomed = performer.mask(FaceControls(), View(size=0.6))
    assert zoomed.astype(float).sum() > 1.3 * still.astype(float).sum()
    assert np.array_equal(still, performer.mask(FaceControls(), None))


def test_drawing_returns_the_coverage_the_mask_gives():
    performer = stage(inset=True)
    controls = FaceControls(jaw_open=0.7, smile=0.4, head_roll=-0.04)
    frame = np.random.default_rng(1).integers(0, 256, (SIZE[1], SIZE[0], 3), np.uint8)
    drawn_over_black = np.zeros_like(frame)
    performer.draw(drawn_over_black, controls)
    coverage = performer.draw(frame, controls)
    assert np.array_equal(coverage, performer.mask(controls))
    opaque = coverage == 255  # where the character hides what is behind it, whatever that is
    assert opaque.mean() > 0.2
    assert np.abs(frame[opaque].astype(int) - drawn_over_black[opaque]).max() <= 1
