"""Each style's signature on a real image (a drawn scene and scikit-image's astronaut portrait)."""

import cv2
import numpy as np
import pytest
from skimage.data import astronaut

from reelforge.look.mood import grade_mood
from reelforge.look.styles import STYLES
from reelforge.request import Emotion, Style
from reelforge.scene import build_layers, flatten


@pytest.fixture(scope="module")
def image():
    return np.ascontiguousarray(astronaut())


def _saturation(img):
    return cv2.cvtColor(img, cv2.COLOR_RGB2HSV)[:, :, 1].astype(np.float32).mean()


def _edges(img):
    return (cv2.Canny(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), 60, 150) > 0).mean()


def _colours(img):
    return len(np.unique((img >> 3).reshape(-1, 3), axis=0))


def _sharpness(img):
    return cv2.Laplacian(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.CV_64F).var()


def paint(style, img):
    return STYLES[style].paint(img, None)


def test_noir_has_no_chroma_and_full_contrast(image):
    out = paint(Style.noir, image).astype(np.int16)
    assert np.abs(out[:, :, 0] - out[:, :, 1]).max() == 0 and np.abs(out[:, :, 1] - out[:, :, 2]).max() == 0
    assert out.min() <= 5 and out.max() >= 250


def test_noir_keeps_a_soft_glow_soft():
    """A dark layer with a faint glow (a night sky's moon haze): equalized, it is stretched, but not into a
    white blob with a hard edge (full equalization jumped 20 levels between neighbouring pixels here)."""
    y, x = np.mgrid[0:400, 0:400]
    glow = 20 + 40 * np.exp(-((x - 200) ** 2 + (y - 200) ** 2) / (2 * 30.0**2))
    out = paint(Style.noir, np.repeat(glow[:, :, None], 3, axis=2).round().astype(np.uint8))[:, :, 0].astype(int)
    assert np.abs(np.diff(out, axis=1)).max() <= 6
    assert out[200, 200] > out[0, 0] + 10  # the glow is still there


def test_noir_keeps_a_night_scene_readable():
    """A moonlit forest layer (dark blue, grey levels 10 to 45): its shapes stay visible in greys, not crushed black."""
    rng = np.random.default_rng(0)
    night = cv2.GaussianBlur(rng.uniform(10, 45, (200, 200)).astype(np.float32), (0, 0), 6)
    night = cv2.normalize(night, None, 10, 45, cv2.NORM_MINMAX)
    layer = np.stack([night * 0.5, night * 0.7, night * 1.6], axis=2).clip(0, 255).astype(np.uint8)
    out = paint(Style.noir, layer)[:, :, 0]
    assert np.percentile(out, 95) - np.percentile(out, 5) > 40


def test_vintage_is_warm_sepia(image):
    out = paint(Style.vintage, image).reshape(-1, 3).astype(np.float32)
    r, g, b = out.mean(axis=0)
    assert r > g > b and r - b > 25
    hue = cv2.cvtColor(out.astype(np.uint8).reshape(1, -1, 3), cv2.COLOR_RGB2HSV)[0, :, 0]
    assert np.percentile(hue[out.max(axis=1) > 40], 90) <= 32  # orange to yellow hues only (green is 60)


def test_neon_is_more_saturated_and_glows(image):
    out = paint(Style.neon, image)
    assert _saturation(out) > 1.2 * _saturation(image)
    assert out.astype(np.float32).mean() > image.astype(np.float32).mean()


def test_anime_has_ink_edges_and_fewer_colours(image):
    out = paint(Style.anime, image)
    assert _colours(out) < 0.5 * _colours(image)
    assert (out.max(axis=2) < 40).mean() > (image.max(axis=2) < 40).mean()  # inked lines
    assert _edges(out) > 0.05


def test_anime_keeps_a_glow_a_smooth_wash_in_its_own_hue():
    """A bluish glow (a moon's haze) stays a smooth wash of blues: no rings of posterized bands, no teal."""
    y, x = np.mgrid[0:300, 0:300]
    level = 60 + 150 * np.exp(-((x - 150) ** 2 + (y - 150) ** 2) / (2 * 60.0**2))
    glow = np.clip(level[:, :, None] * np.array([0.55, 0.65, 1.0]), 0, 255).astype(np.uint8)
    out = paint(Style.anime, glow)
    hsv = cv2.cvtColor(out, cv2.COLOR_RGB2HSV).reshape(-1, 3).astype(int)
    hue = cv2.cvtColor(glow, cv2.COLOR_RGB2HSV)[150, 150, 0]
    coloured = hsv[(hsv[:, 1] > 40) & (hsv[:, 2] > 40)]
    assert len(coloured) > 0.5 * len(hsv)
    assert np.abs(coloured[:, 0] - hue).max() <= 12  # OpenCV hue units: within 24 degrees (teal is 46 away)
    radius = cv2.cvtColor(out, cv2.COLOR_RGB2LAB)[150, 150:, 0].astype(int)
    assert np.abs(np.diff(radius)).max() <= 4  # banded, it stepped by a sixth of the range
    assert len(np.unique(radius)) > 40


def test_anime_inks_outlines_not_stars():
    sky = np.full((300, 300, 3), 30, np.uint8)
    sky[100:200, 100:200] = (200, 120, 60)  # a building
    stars = [(30, 40), (250, 60), (60, 250), (270, 270)]
    light = np.zeros((300, 300), np.float32)
    for sy, sx in stars:
        light[sy, sx] = 1.0
    light = np.clip(light + cv2.GaussianBlur(light, (0, 0), 2.2) * 6.0, 0, 1)  # a point and its halo, as painted
    sky = np.maximum(sky, (light[:, :, None] * 255).astype(np.uint8))
    dark = paint(Style.anime, sky).max(axis=2) < 15
    assert dark[95:105, 110:190].mean() > 0.05  # the building's outline is inked
    for sy, sx in stars:
        assert not dark[sy - 6 : sy + 7, sx - 6 : sx + 7].any()  # a star gets no ring of ink


def test_anime_leaves_small_shapes_uninked():
    """Lit windows and flowers are small shapes whose edge rings hold more than 24 pixels: no ink rings on them."""
    night = np.full((300, 300, 3), 25, np.uint8)
    night[40:260, 60:240] = (90, 100, 140)  # a tower
    for y in range(60, 230, 20):
        for x in range(80, 215, 18):
            night[y : y + 10, x : x + 9] = (255, 210, 120)  # its lit windows
    dark = paint(Style.anime, night).max(axis=2) < 15
    assert dark[35:45, 70:230].mean() > 0.05  # the tower's outline is inked
    assert dark[60:240, 80:220].mean() < 0.01  # its windows are not ringed in ink


def test_anime_leaves_ripples_on_water_to_the_colour_and_inks_its_outline():
    """Waves seen in perspective are crowded level lines: inked, the sea was hatched with black dashes."""
    sea = build_layers("ocean", "sunset", 702, 1248, seed=4)[2]
    dark = STYLES[Style.anime].paint(sea.rgb, sea.alpha).max(axis=2) < 30
    assert dark[700:1100].mean() < 0.04  # 0.096 was
    horizon = np.abs(np.diff(sea.alpha.astype(np.int16), axis=0)).argmax(axis=0)  # the sea layer's top edge
    assert np.mean([dark[max(row - 2, 0) : row + 3, col].any() for col, row in enumerate(horizon)]) > 0.8


def test_watercolor_pools_pigment_at_a_hard_edge_but_draws_no_ink():
    """Snow on rock: a hard edge darkens a little where the wash stops, it does not turn black."""
    snow_on_rock = np.empty((240, 240, 3), np.uint8)
    snow_on_rock[:120], snow_on_rock[120:] = (235, 232, 228), (120, 95, 85)
    out = paint(Style.watercolor, snow_on_rock).astype(int)
    assert out.sum(axis=2).min() >= 0.6 * sum((120, 95, 85))


def test_watercolor_leaves_a_smooth_wash_without_rings():
    """A sky's gradient stays a smooth wash: no dark contour lines traced along its small steps."""
    y, x = np.mgrid[0:400, 0:300].astype(np.float32)
    sky = np.stack([180 + 60 * y / 400 + 10 * np.sin(x / 40), 70 + 90 * y / 400, 90 + 20 * np.cos(y / 60)], axis=2)
    out = paint(Style.watercolor, sky.astype(np.uint8)).astype(np.float32)
    darker_than_around = cv2.GaussianBlur(out, (0, 0), 4) - out
    assert np.percentile(darker_than_around, 99.9) < 4.0  # stylization's rings made 6 here


def test_watercolor_is_smoother_than_the_input(image):
    out = paint(Style.watercolor, image)
    assert _sharpness(out) < 0.5 * _sharpness(image)


def test_realistic_is_sharper_and_neutral(image):
    out = paint(Style.realistic, image)
    assert _sharpness(out) > 1.3 * _sharpness(image)
    assert np.abs(out.astype(np.float32).mean() - image.astype(np.float32).mean()) < 12


def test_cinematic_splits_teal_shadows_and_orange_highlights():
    gray_ramp = np.repeat(np.repeat(np.arange(256, dtype=np.uint8)[None, :, None], 8, axis=0), 3, axis=2)
    out = paint(Style.cinematic, gray_ramp).astype(np.int16)
    shadows, highlights = out[:, 30:90].reshape(-1, 3).mean(axis=0), out[:, 170:230].reshape(-1, 3).mean(axis=0)
    assert shadows[2] > shadows[0] + 10  # blue-green shadows
    assert highlights[0] > highlights[2] + 10  # orange highlights
    assert out[0, 250].mean() > out[0, 200].mean() > out[0, 50].mean()  # contrast curve keeps order


def test_abstract_mirrors_and_remaps_colour():
    scene = flatten(build_layers("mountains", "day", 351, 624, 1))
    out = paint(Style.abstract, scene).astype(np.int16)
    assert np.abs(out - out[:, ::-1]).mean() < 3  # kaleidoscope symmetry
    assert np.abs(scene.astype(np.int16)[:, ::-1] - scene).mean() > 10  # the input was not symmetric
    hue_in = cv2.cvtColor(scene, cv2.COLOR_RGB2HSV)[:, :, 0].astype(np.float32)
    hue_out = cv2.cvtColor(out.astype(np.uint8), cv2.COLOR_RGB2HSV)[:, :, 0].astype(np.float32)
    assert np.abs(hue_out - hue_in).mean() > 10


def test_each_style_changes_the_image_differently(image):
    outputs = {style: paint(style, image).astype(np.float32) for style in Style}
    for a in Style:
        for b in Style:
            if a.value < b.value:
                assert np.abs(outputs[a] - outputs[b]).mean() > 4, (a, b)


def test_moods_grade_in_their_direction(image):
    base = image.astype(np.float32)
    sad = grade_mood(image, Emotion.sad).astype(np.float32)
    happy = grade_mood(image, Emotion.happy).astype(np.float32)
    assert sad.mean() < base.mean() < happy.mean()
    assert _saturation(sad.astype(np.uint8)) < _saturation(image) < _saturation(happy.astype(np.uint8))
    assert np.array_equal(grade_mood(image, Emotion.neutral), image)
