"""The eight built-in characters: each renders, each is its own, each has looks by seed, each opens its mouth."""

import itertools

import cv2
import numpy as np
import pytest

from reelforge.character.rig import VISEMES, FaceControls
from reelforge.character.stage import CharacterStage, placement
from reelforge.look.styles import STYLES
from reelforge.request import CharacterType, Emotion, Style

SIZE = (360, 640)
BACKDROP = (255, 0, 255)


def drawn(kind: CharacterType, controls: FaceControls, seed: int = 0, style: Style = Style.realistic) -> np.ndarray:
    stage = CharacterStage(kind, seed, SIZE, STYLES[style], Emotion.neutral)
    frame = np.empty((SIZE[1], SIZE[0], 3), np.uint8)
    frame[:] = BACKDROP
    stage.draw(frame, controls)
    return frame


def inside(frame: np.ndarray) -> np.ndarray:
    """Pixels well inside the character (its anti-aliased edge blends with the backdrop)."""
    covered = np.any(frame != BACKDROP, axis=2).astype(np.uint8)
    return cv2.erode(covered, np.ones((5, 5), np.uint8)).astype(bool)


def mouth_box() -> tuple[slice, slice]:
    """The lower face in pixels: head units x -0.6..0.6, y 0.2..1.0 around the stage's head centre."""
    x, y, unit = placement(SIZE, inset=False)
    rows = slice(int(y + 0.2 * unit), int(y + 1.0 * unit))
    cols = slice(int(x - 0.6 * unit), int(x + 0.6 * unit))
    return rows, cols


@pytest.mark.parametrize("kind", list(CharacterType))
def test_character_fills_its_place_and_opens_its_mouth_on_ah(kind):
    rest = drawn(kind, FaceControls())
    covered = np.any(rest != BACKDROP, axis=2)
    assert 0.15 < covered.mean() < 0.85  # a character, not a dot and not a wall
    ah = FaceControls(jaw_open=VISEMES["open"].jaw_open, mouth_wide=VISEMES["open"].mouth_wide)
    opened = drawn(kind, ah)
    rows, cols = mouth_box()
    changed = np.any(np.abs(opened.astype(int) - rest.astype(int)) > 40, axis=2)
    assert changed[rows, cols].mean() > 0.03, "the mouth did not open"
    assert changed[rows, cols].sum() > 0.8 * changed.sum(), "something other than the mouth moved"


def test_the_eight_characters_differ():
    frames = {kind: drawn(kind, FaceControls()).astype(np.int16) for kind in CharacterType}
    for a, b in itertools.combinations(CharacterType, 2):
        assert np.abs(frames[a] - frames[b]).mean() > 8, (a, b)


@pytest.mark.parametrize("kind", list(CharacterType))
def test_seeds_choose_different_looks(kind):
    looks = [drawn(kind, FaceControls(), seed) for seed in range(4)]
    distinct = {look.tobytes() for look in looks}
    assert len(distinct) >= 2


def test_robot_has_led_eyes_and_a_grille_that_lights_up():
    rest = drawn(CharacterType.robot, FaceControls())
    talking = drawn(CharacterType.robot, FaceControls(jaw_open=0.9))
    rows, cols = mouth_box()
    bright = lambda frame: (frame[rows, cols].max(axis=2) > 180).sum()  # noqa: E731
    assert bright(talking) > 1.8 * bright(rest)


def test_blink_and_brows_move_the_upper_face():
    rest = drawn(CharacterType.person, FaceControls())
    _, y, unit = placement(SIZE, inset=False)
    eyes = slice(int(y - 0.45 * unit), int(y + 0.1 * unit))
    for controls in (FaceControls(lid_left=1, lid_right=1), FaceControls(brow_left=1, brow_right=1)):
        changed = np.any(np.abs(drawn(CharacterType.person, controls).astype(int) - rest) > 40, axis=2)
        assert changed[eyes].sum() > 0.8 * changed.sum() > 0


def test_noir_character_is_grey_and_vintage_is_warm():
    noir = drawn(CharacterType.anime, FaceControls(), style=Style.noir).astype(int)
    person = inside(noir)
    chroma = np.abs(noir[..., 0] - noir[..., 1]) + np.abs(noir[..., 1] - noir[..., 2])
    assert chroma[person].mean() < 2
    vintage = drawn(CharacterType.robot, FaceControls(), style=Style.vintage).astype(int)
    robot = inside(vintage)
    assert (vintage[..., 0] >= vintage[..., 2])[robot].mean() > 0.95  # sepia: red over blue everywhere


def test_anime_long_hair_falls_over_the_shoulders_and_leaves_the_neck_open():
    """Behind the head the hair falls in locks over both shoulders; between them the neck and the sailor collar
    show (a slab of hair behind the head used to hide both)."""
    character = CharacterStage(CharacterType.anime, 0, SIZE, STYLES[Style.realistic], Emotion.neutral).character
    hair, skin = np.array(character.colors["hair"], float), np.array(character.colors["skin"], float)
    frame = drawn(CharacterType.anime, FaceControls()).astype(float)
    x, y, unit = placement(SIZE, inset=False)

    def at(u, v):  # the colour at head units (u, v), averaged over a few pixels
        col, row = int(x + u * unit), int(y + v * unit)
        return frame[row - 2 : row + 3, col - 2 : col + 3].reshape(-1, 3).mean(axis=0)

    def near(a, b, factor):  # ``a`` is ``b`` in some shade: close to it scaled by about ``factor``
        return np.abs(a - b * factor).max() < 60

    for side in (-1, 1):
        assert near(at(side * 1.15, 1.6), hair, 0.78), "no hair over the shoulder"
        assert not near(at(side * 1.15, 2.6), hair, 0.78), "the hair does not end in locks"
        assert at(side * 0.35, 1.9).min() > 200, "no white sailor collar beside the V of the neckline"
    assert near(at(0.0, 1.15), skin, 0.72), "the neck is hidden"
