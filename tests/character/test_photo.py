"""A user's portrait: MediaPipe's 478 landmarks on a real photo, clear errors, and a face that speaks."""

import cv2
import numpy as np
import pytest
from skimage import data

from conftest import decode_frames
from reelforge.character.landmarks import face_landmarks
from reelforge.character.photo import PortraitCharacter
from reelforge.character.rig import LANDMARKS, REGIONS, FaceControls
from reelforge.character.stage import styled_palette
from reelforge.errors import RequestError
from reelforge.look.styles import STYLES
from reelforge.request import Emotion, Style, parse_request

SIZE = (360, 640)


@pytest.fixture(scope="module")
def astronaut(tmp_path_factory):
    path = tmp_path_factory.mktemp("photos") / "astronaut.png"
    cv2.imwrite(str(path), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
    return path


@pytest.fixture(scope="module")
def portrait(astronaut):
    style = STYLES[Style.realistic]
    return PortraitCharacter(astronaut, SIZE, style, Emotion.neutral, styled_palette(style, Emotion.neutral))


def test_478_landmarks_on_the_astronaut():
    points = face_landmarks(data.astronaut())
    assert points.shape == (478, 2)
    eyes_y = (points[LANDMARKS["left_iris"], 1] + points[LANDMARKS["right_iris"], 1]) / 2
    assert points[LANDMARKS["forehead"], 1] < eyes_y < points[LANDMARKS["nose_tip"], 1] \
        < points[LANDMARKS["upper_lip_inner"], 1] < points[LANDMARKS["chin"], 1]
    assert points[LANDMARKS["left_iris"], 0] < points[LANDMARKS["right_iris"], 0]  # viewer's left first
    face = points[LANDMARKS["forehead"]]
    assert 150 < face[0] < 300 and 30 < face[1] < 120  # her face is in the upper middle of the photo


@pytest.mark.parametrize("image, message", [
    (np.full((480, 360, 3), 128, np.uint8), "no face found"),
    (data.coffee(), "no face found"),
    (np.hstack([data.astronaut()[0:300, 100:350]] * 2), "2 faces found"),  # two heads side by side
])
def test_photos_without_exactly_one_face_are_refused(image, message):
    with pytest.raises(RequestError) as error:
        face_landmarks(image)
    assert error.value.field == "portrait_image" and message in str(error.value)


def test_unreadable_photo_and_cinematic_mode_are_refused(tmp_path, astronaut):
    junk = tmp_path / "junk.png"
    junk.write_text("not an image")
    with pytest.raises(RequestError, match="portrait_image: cannot read"):
        PortraitCharacter(junk, SIZE, STYLES[Style.noir], Emotion.neutral, lambda colors: list(colors))
    with pytest.raises(RequestError, match="portrait_image: a portrait is animated in character and hybrid"):
        parse_request({"text": "hi", "portrait_image": str(astronaut)})


def pose(portrait, controls):
    frame = np.empty((SIZE[1], SIZE[0], 3), np.uint8)
    portrait.draw(frame, controls)
    return frame


def test_jaw_opens_a_dark_mouth_below_the_lips_and_leaves_the_forehead(portrait):
    rest, ah = pose(portrait, FaceControls()), pose(portrait, FaceControls(jaw_open=0.9))
    changed = np.any(np.abs(ah.astype(int) - rest) > 30, axis=2)
    rows = np.nonzero(changed)[0]
    mouth_y = portrait.points[LANDMARKS["upper_lip_inner"], 1] * 1.06  # the overscan zoom about the face
    assert rows.size > 200
    assert np.median(rows) > mouth_y - 0.05 * portrait.eyes
    eyes_y = portrait.points[LANDMARKS["left_iris"], 1]
    assert not changed[: int(eyes_y - 0.6 * portrait.eyes)].any()
    luma = lambda frame: frame @ np.array([0.299, 0.587, 0.114])  # noqa: E731
    lips = portrait.points[[LANDMARKS["mouth_left"], LANDMARKS["mouth_right"], LANDMARKS["chin"]]]
    box = (slice(int(mouth_y - 0.2 * portrait.eyes), int(lips[2, 1])), slice(int(lips[0, 0]), int(lips[1, 0])))
    dark = lambda frame: (luma(frame[box]) < 60).sum()  # noqa: E731
    assert dark(ah) - dark(rest) > 0.04 * portrait.eyes ** 2  # the opened mouth is dark inside


def mouth_column(portrait, frame, controls, index):
    """Luma (and RGB) down the frame column through one lower-lip point, from 0.35 eyes above it to 0.1 below."""
    x, y = portrait.frame_points(controls)[REGIONS["lower_lip_inner"][index]]
    rows = slice(int(round(y - 0.35 * portrait.eyes)), int(round(y + 0.1 * portrait.eyes)))
    column = frame[rows, int(round(x))].astype(float)
    return column @ np.array([0.299, 0.587, 0.114]), column, int(round(y)) - rows.start


def test_open_mouth_fades_into_the_lips_and_is_graded_inside(portrait):
    controls = FaceControls(jaw_open=1.0)
    frame = pose(portrait, controls)
    steps, spans = [], []
    for index in range(3, 8):  # the middle of the lower lip
        luma, _, lip = mouth_column(portrait, frame, controls, index)
        # where the painted mouth (the lower teeth, whose biting edge is 0.06 eyes higher) meets the lip
        near = luma[lip - int(0.03 * portrait.eyes) : lip + int(0.08 * portrait.eyes)]
        steps.append(np.abs(np.diff(near)).max())
        inside = luma[: lip - 1]
        spans.append(inside[-int(0.08 * portrait.eyes):].max() - inside.min())
    # no hard cut where the painted mouth meets the lower lip (the flat band jumped about 65 in luma in one pixel)
    assert np.median(steps) < 48
    # darkest deep under the upper teeth, lighter towards the lower lip and tongue (the flat band spanned about 11)
    assert np.median(spans) > 35


def test_the_lower_teeth_show_over_the_lower_lip_as_the_jaw_drops(portrait):
    """An open mouth shows the biting edges of the lower teeth above the lower lip, in the middle and not at the
    corners, and more the wider it opens (it was a dark hole down to the lip)."""
    def teeth_over_lip(jaw: float, index: int) -> float:
        controls = FaceControls(jaw_open=jaw)
        luma, _, lip = mouth_column(portrait, pose(portrait, controls), controls, index)
        return float(luma[lip - int(0.04 * portrait.eyes) : lip - 1].max())

    dark = portrait.flesh @ np.array([0.299, 0.587, 0.114]) * 0.5  # the painted cavity is darker than this
    middle = [teeth_over_lip(1.0, index) for index in range(4, 7)]
    assert min(middle) > 120 > dark
    assert teeth_over_lip(1.0, 1) < min(middle) - 40  # by the corner the lip hides them
    assert teeth_over_lip(0.15, 5) < min(middle)


def test_inner_mouth_takes_the_photos_colour_cast(tmp_path):
    """The inside of the mouth is the lips' own colour darkened, so it follows the photo's white balance."""
    style = STYLES[Style.realistic]
    controls = FaceControls(jaw_open=1.0)
    blue_over_red = []
    for name, cast in (("neutral", (1.0, 1.0, 1.0)), ("cool", (0.8, 0.95, 1.25))):
        path = tmp_path / f"{name}.png"
        photo = np.clip(data.astronaut() * np.array(cast), 0, 255).astype(np.uint8)
        cv2.imwrite(str(path), cv2.cvtColor(photo, cv2.COLOR_RGB2BGR))
        portrait = PortraitCharacter(path, SIZE, style, Emotion.neutral, styled_palette(style, Emotion.neutral))
        luma, rgb, lip = mouth_column(portrait, pose(portrait, controls), controls, 5)
        inside = rgb[: lip - 1][luma[: lip - 1] < 90]  # the opened mouth, not the teeth above it
        assert len(inside) > 0.1 * portrait.eyes
        red, _, blue = inside.mean(0)
        blue_over_red.append(blue / red)
    assert blue_over_red[1] > 1.3 * blue_over_red[0]  # a fixed cavity colour would not change at all


def test_blink_covers_the_eyes_and_brows_lift(portrait):
    rest = pose(portrait, FaceControls())
    for controls in (FaceControls(lid_left=1, lid_right=1), FaceControls(brow_left=1, brow_right=1)):
        changed = np.any(np.abs(pose(portrait, controls).astype(int) - rest) > 25, axis=2)
        rows = np.nonzero(changed)[0]
        eyes_y = portrait.points[LANDMARKS["left_iris"], 1]
        assert rows.size > 50
        assert abs(np.median(rows) - eyes_y) < 0.8 * portrait.eyes


def test_portrait_video_lips_follow_the_voice(render_cache, astronaut):
    from test_modes import SCRIPT, audio_loudness_per_frame

    result, path = render_cache(text=SCRIPT, is_custom=True, video_type="character", portrait_image=str(astronaut),
                                emotion="neutral", duration=7, captions=False, seed=2, music=False,
                                sound_effects=False)  # the audio track is the voice alone
    style = STYLES[Style.cinematic]
    framed = PortraitCharacter(astronaut, result.size, style, Emotion.neutral, styled_palette(style, Emotion.neutral))
    centre = (framed.points[LANDMARKS["mouth_left"]] + framed.points[LANDMARKS["mouth_right"]]) / 2
    centre = (centre - (result.size[0] / 2, result.size[1] * 0.4)) * 1.06 + (result.size[0] / 2, result.size[1] * 0.4)
    half = framed.eyes * 0.55
    box = (slice(int(centre[1] - 0.1 * framed.eyes), int(centre[1] + 0.7 * framed.eyes)),
           slice(int(centre[0] - half), int(centre[0] + half)))
    frames = decode_frames(path)
    opening = np.array([(frame[box] @ np.array([0.299, 0.587, 0.114]) < 70).sum() for frame in frames], float)
    loudness = audio_loudness_per_frame(path, result.fps, len(frames))
    assert np.corrcoef(opening, loudness)[0, 1] >= 0.5


def test_hybrid_card_covers_only_its_rounded_rectangle_and_shadow(astronaut):
    from reelforge.character.stage import PortraitStage

    stage = PortraitStage(astronaut, SIZE, STYLES[Style.cinematic], Emotion.neutral, inset=True)
    frame = np.zeros((SIZE[1], SIZE[0], 3), np.uint8)
    frame[:] = (30, 200, 90)
    coverage = stage.draw(frame, FaceControls(jaw_open=0.4))
    changed = np.any(frame != (30, 200, 90), axis=2)
    pad = (stage.shadow.shape[0] - stage.card[1]) // 2
    outside = np.ones_like(changed)
    outside[stage.top - pad : stage.top + stage.card[1] + pad, stage.left - pad : stage.left + stage.card[0] + pad] = 0
    assert not changed[outside].any()
    inner = changed[stage.top + pad : stage.top + stage.card[1] - pad, stage.left + pad : stage.left + stage.card[0] - pad]
    assert inner.mean() > 0.99
    assert stage.alpha[0, 0] < 0.5 < stage.alpha[stage.card[1] // 2, stage.card[0] // 2]  # rounded corners
    card = np.zeros_like(changed)
    card[stage.top : stage.top + stage.card[1], stage.left : stage.left + stage.card[0]] = True
    assert not coverage[~card].any()  # what it returns covers the card, not its shadow
    assert (coverage[stage.top + pad : stage.top + stage.card[1] - pad,
                     stage.left + pad : stage.left + stage.card[0] - pad] == 255).all()


def test_a_faceless_portrait_fails_the_render_cleanly(tmp_path):
    from reelforge import VideoRequest, render

    blank = tmp_path / "wall.png"
    cv2.imwrite(str(blank), np.full((640, 480, 3), 200, np.uint8))
    request = VideoRequest(text="Hello.", is_custom=True, video_type="character", portrait_image=str(blank),
                           quality="speed", duration=2)
    with pytest.raises(RequestError, match="portrait_image: no face found"):
        render(request, tmp_path / "out.mp4")
    assert list(tmp_path.iterdir()) == [blank]
