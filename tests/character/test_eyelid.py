"""A portrait's blink, measured on frames of a real character render at the frames its performance blinks:
the closed lid is the person's own skin (textured like the skin around it, not a flat fill), with a lash line
darker than the lid, and the open eye before the blink still shows its iris."""

import cv2
import numpy as np
import pytest
from skimage import data

from reelforge.character.rig import LANDMARKS, REGIONS
from reelforge.pipeline import prepare
from reelforge.request import VideoRequest


@pytest.fixture(scope="module")
def blink(tmp_path_factory):
    """(open frame, closed frame, landmarks in each frame, eye spacing in frame pixels) around the first blink."""
    photo = tmp_path_factory.mktemp("photos") / "astronaut.png"
    cv2.imwrite(str(photo), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
    request = VideoRequest(text="Hello there. We waited all day for the boats to come back.", is_custom=True,
                           video_type="character", portrait_image=str(photo), emotion="neutral", quality="speed",
                           duration=4, captions=False, seed=2, music=False, sound_effects=False)
    renderer = prepare(request).renderer()
    try:
        lid = renderer.performance.curve("lid_left")
        closed = int(np.argmax(lid))
        assert lid[closed] > 0.95 and renderer.performance.curve("lid_right")[closed] > 0.95
        opened = int(np.nonzero(lid[:closed] < 0.01)[0][-1])  # the last frame before the lids start to close
        portrait = renderer.stage(0).portrait
        shots = []
        for index in (opened, closed):
            rgb = renderer.frame_at(index, still=True)[1]  # the frame before grain
            scale = rgb.shape[1] / portrait.frame_size[0]
            shots.append((rgb, portrait.frame_points(renderer.performance.at(index)) * scale))
        return shots, portrait.eyes * scale
    finally:
        renderer.cache.close()


def luma(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)


def detail(rgb: np.ndarray) -> np.ndarray:
    """High-pass energy: how far each pixel is from its blurred surroundings (skin pores, not shading)."""
    gray = luma(rgb)
    return np.abs(gray - cv2.GaussianBlur(gray, (0, 0), 1.0))


def between(shape, upper: np.ndarray, lower: np.ndarray, inset: tuple[float, float], margin: float) -> np.ndarray:
    """Pixels more than ``inset`` below the upper contour and above the lower one, ``margin`` in from the ends."""
    ys, xs = np.mgrid[: shape[0], : shape[1]]
    top = np.interp(xs, *sorted_xy(upper)) + inset[0]
    bottom = np.interp(xs, *sorted_xy(lower)) - inset[1]
    ends = np.sort(upper[[0, -1], 0])
    return (ys > top) & (ys < bottom) & (xs > ends[0] + margin) & (xs < ends[1] - margin)


def sorted_xy(contour: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(contour[:, 0])
    return contour[order, 0], contour[order, 1]


def eye_parts(points: np.ndarray, eyes: float, side: str, shape):
    """Masks of one eye in a frame: the lid (the eye opening's upper part, away from its edges and from the lashes
    that come down with it), the lash line (along the lower lid, where a closed lid's edge rests), the iris, and
    the cheek skin below the eye."""
    upper, lower = points[REGIONS[f"{side}_lid_upper"]], points[REGIONS[f"{side}_lid_lower"]]
    lid = between(shape, upper, lower, (0.04 * eyes, 0.08 * eyes), 0.1 * eyes)
    lash = between(shape, lower - (0, 0.03 * eyes), lower, (0.0, 0.0), 0.1 * eyes)
    cheek = between(shape, lower + (0, 0.25 * eyes), lower + (0, 0.4 * eyes), (0.0, 0.0), 0.0)
    iris = np.zeros(shape[:2], np.uint8)
    cv2.circle(iris, tuple(int(v) for v in np.round(points[LANDMARKS[f"{side}_iris"]])), round(0.04 * eyes), 1, -1)
    return lid, lash, iris.astype(bool), cheek


@pytest.mark.parametrize("side", ["left", "right"])
def test_closed_lid_is_textured_skin_with_a_dark_lash_line(blink, side):
    (_, _), (closed, points) = blink[0]
    eyes = blink[1]
    lid, lash, _, cheek = eye_parts(points, eyes, side, closed.shape)
    assert lid.sum() > 0.004 * eyes ** 2
    texture, skin_texture = detail(closed)[lid].mean(), detail(closed)[cheek].mean()
    assert texture > 0.6 * skin_texture  # a flat painted fill has next to none
    gray = luma(closed)
    assert gray[lid].mean() > 0.65 * gray[cheek].mean()  # skin-bright: the dark eye is covered
    assert gray[lash].mean() < 0.6 * gray[lid].mean()


@pytest.mark.parametrize("side", ["left", "right"])
def test_open_eye_before_the_blink_shows_its_iris(blink, side):
    (opened, points), _ = blink[0]
    _, _, iris, cheek = eye_parts(points, blink[1], side, opened.shape)
    gray = luma(opened)
    assert gray[iris].mean() < 0.45 * gray[cheek].mean()
