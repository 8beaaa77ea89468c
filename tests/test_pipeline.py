"""End to end: render, read the MP4 back, check what a viewer sees."""

import os

import cv2
import numpy as np
import pytest

from conftest import decode_frames, probe
from reelforge import VideoRequest, render
from reelforge.camera import camera_view, view_matrix
from reelforge.pipeline import ENCODER_OWNS_THE_CORES, MIX_BESIDE_FRAMES_S, prepare, scene_canvas
from reelforge.look.lut import write_cube
from reelforge.plan import plan_from_words
from reelforge.presets import preset_for
from reelforge.request import Style
from reelforge.scene import SOURCE_MARGIN

TEXT = "The mountains glow at sunset. A calm wind moves through the valley."


@pytest.fixture(scope="session")
def photo(tmp_path_factory):
    """scikit-image's astronaut: a real photo, so each style is judged against real texture and colour."""
    from skimage.data import astronaut

    path = tmp_path_factory.mktemp("photo") / "astronaut.png"
    cv2.imwrite(str(path), cv2.cvtColor(astronaut(), cv2.COLOR_RGB2BGR))
    return path


@pytest.fixture
def style_render(render_cache, photo):
    def run(style):
        return render_cache(text=TEXT, is_custom=True, style=style, duration=5.0, seed=11, captions=False,
                            atmosphere="none", lighting="none", background_image=str(photo))
    return run


def _middle(style_render, style):
    _, path = style_render(style)
    frames = decode_frames(path)
    return frames[len(frames) // 4]


@pytest.mark.parametrize("style", [s.value for s in Style])
def test_every_style_renders_a_playable_video(style_render, style):
    result, path = style_render(style)
    info = probe(path)
    assert info["codec"] == "h264" and info["pix_fmt"] == "yuv420p"
    assert (info["width"], info["height"], info["fps"]) == (720, 1280, 15.0)
    assert info["frames"] == 75 == result.frame_count
    assert info["duration"] == pytest.approx(5.0, abs=0.1)
    assert info["audio_codec"] == "aac"
    assert path.with_suffix(".jpg").stat().st_size > 5000
    assert result.timings.keys() >= {"script", "voice", "frames", "encode"}


def _saturation(frame):
    return cv2.cvtColor(frame, cv2.COLOR_RGB2HSV)[:, :, 1].astype(float).mean()


def _edge_density(frame):
    return (cv2.Canny(cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY), 60, 150) > 0).mean()


def _sharpness(frame):
    return cv2.Laplacian(cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY), cv2.CV_64F).var()


def _flatness(frame):
    """Fraction of pixels with almost no fine texture (|Laplacian| < 2)."""
    return (np.abs(cv2.Laplacian(cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY), cv2.CV_64F)) < 2).mean()


def test_style_signatures_hold_on_decoded_frames(style_render):
    frame = {style.value: _middle(style_render, style.value).astype(np.int16) for style in Style}
    base = frame["realistic"]
    noir = frame["noir"]
    assert np.abs(noir[..., 0] - noir[..., 2]).mean() < 2.5  # no chroma (after 4:2:0 coding)
    r, g, b = frame["vintage"].reshape(-1, 3).mean(axis=0)
    assert r > g > b and r - b > 20  # warm sepia
    as8 = {k: v.astype(np.uint8) for k, v in frame.items()}
    assert _saturation(as8["neon"]) > 1.2 * _saturation(as8["realistic"])
    assert _edge_density(as8["anime"]) > 1.5 * _edge_density(as8["realistic"])
    assert _flatness(as8["watercolor"]) > _flatness(as8["realistic"]) + 0.1  # painted flat washes
    cine = frame["cinematic"]
    dark, bright = base.max(axis=2) < 90, base.max(axis=2) > 170
    assert (cine[dark][:, 2] - cine[dark][:, 0]).mean() > (base[dark][:, 2] - base[dark][:, 0]).mean()
    abstract = frame["abstract"]
    assert np.abs(abstract - abstract[:, ::-1]).mean() < np.abs(base - base[:, ::-1]).mean() * 0.5
    assert bright.any() or dark.any()


@pytest.mark.parametrize(("is_custom", "style"), [(True, "realistic"), (True, "vintage"), (False, "realistic")])
def test_same_seed_same_frames_other_seed_other_frames(tmp_path, is_custom, style):
    text = "City lights at night." if is_custom else "city lights at night"
    request = VideoRequest(text=text, is_custom=is_custom, quality="speed", duration=2.0, seed=7,
                           camera_movement="pan_left", style=style)
    a = decode_frames(render(request, tmp_path / "a.mp4").output)
    b = decode_frames(render(request, tmp_path / "b.mp4").output)
    assert len(a) == len(b) >= 30
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    c = decode_frames(render(request.model_copy(update={"seed": 8}), tmp_path / "c.mp4").output)
    assert not all(np.array_equal(x, y) for x, y in zip(a, c))


def test_topic_becomes_a_written_script_of_the_right_size(render_cache):
    result, path = render_cache(text="the secret life of deserts", duration=8.0, seed=2)
    assert result.script_source == "offline"
    assert 10 <= len(result.script.split()) <= 32
    assert probe(path)["duration"] == pytest.approx(result.duration, abs=0.1)
    assert result.scenes[0].theme == "desert"


def test_long_narration_extends_the_video(render_cache):
    text = "This narration is much too long for one second, so the video must follow it."
    result, path = render_cache(text=text, is_custom=True, duration=1.0, seed=1, captions=False)
    assert result.duration > 3.0
    assert probe(path)["frames"] == result.frame_count == round(result.duration * 15)


def test_multiple_scenes_get_their_own_backgrounds(render_cache):
    text = "The ocean is vast and deep. Far above, the stars and planets turn in space. Back in the city, lights come on."
    result, path = render_cache(text=text, is_custom=True, duration=9.0, seed=5, transition="crossfade")
    themes = [scene.theme for scene in result.scenes]
    assert themes == ["ocean", "space", "city"]
    assert result.scenes[0].start == 0.0 and result.scenes[-1].end == pytest.approx(result.duration)
    frames = decode_frames(path)
    first = frames[int(result.scenes[0].end * 15) - 10].astype(int)
    second = frames[int(result.scenes[1].start * 15) + 12].astype(int)
    assert np.abs(first - second).mean() > 20


def test_background_image_replaces_the_scene(tmp_path, render_cache):
    from skimage.data import astronaut

    photo = tmp_path / "astronaut.png"
    cv2.imwrite(str(photo), cv2.cvtColor(astronaut(), cv2.COLOR_RGB2BGR))
    result, path = render_cache(text="Look up.", is_custom=True, duration=2.0, background_image=str(photo),
                                captions=False, style="realistic", lighting="none")
    frame = decode_frames(path)[10]
    assert frame[..., 0].mean() > frame[..., 2].mean()  # the astronaut photo's warm tones, not a blue sky


@pytest.mark.parametrize("atmosphere", ["rain", "snow", "sparks"])
def test_particles_move_over_a_still_scene(render_cache, atmosphere):
    _, still = render_cache(text="Quiet.", is_custom=True, duration=2.0, captions=False, lighting="none",
                            atmosphere="none", style="realistic")
    _, busy = render_cache(text="Quiet.", is_custom=True, duration=2.0, captions=False, lighting="none",
                           atmosphere=atmosphere, style="realistic")
    a, b = decode_frames(still), decode_frames(busy)
    def changed(x, y):
        return (np.abs(x.astype(int) - y).max(axis=2) > 25).mean()

    assert changed(b[12], a[12]) > 0.001  # particles are there
    assert changed(b[12], b[16]) > changed(a[12], a[16]) + 0.002  # and they move


def _chroma(frame: np.ndarray) -> float:
    """Mean distance from grey of the upper half (captions off): about 0 in a noir frame."""
    yuv = cv2.cvtColor(frame[: frame.shape[0] // 2], cv2.COLOR_RGB2YUV).astype(int)
    return float(np.abs(yuv[..., 1:] - 128).mean())


def test_timeline_scenes_play_at_their_times_with_their_own_look(render_cache, photo):
    scenes = [{"text": "Dawn breaks over the quiet mountains.", "duration": 3.0},
              {"text": "By night the city glows.", "duration": 3.0, "style": "noir", "theme": "city",
               "transition": "crossfade"},
              {"text": "An old photo from the archive.", "background_image": str(photo), "style": "vintage",
               "transition": "fade_black", "camera_movement": "slow_zoom_in"}]
    result, path = render_cache(scenes=scenes, seed=4, atmosphere="none", lighting="none", captions=False)
    assert [(s.start, s.end) for s in result.scenes[:2]] == [(0.0, 3.0), (3.0, 6.0)]
    assert result.scenes[2].end == pytest.approx(result.duration, abs=1 / 15) and result.duration > 7.0
    assert [s.style.value for s in result.scenes] == ["cinematic", "noir", "vintage"]
    assert result.scenes[1].theme == "city" and result.scenes[0].theme == "mountains"
    frames = decode_frames(path)
    assert probe(path)["frames"] == len(frames) == round(result.duration * 15)
    chroma = [_chroma(frame) for frame in frames]
    grey = [i for i, value in enumerate(chroma) if value < 1.0]
    # noir from the end of the crossfade into scene 2 until the fade to black reaches black at 6.0 s
    assert grey[0] == pytest.approx((3.0 + 0.25) * 15, abs=1.5)
    assert grey[-1] == pytest.approx(6.0 * 15, abs=1.5)
    assert grey == list(range(grey[0], grey[-1] + 1))
    assert min(chroma[:40]) > 5  # a coloured dawn before
    night = np.median([frame.mean() for frame in frames[4 * 15 : int(5.5 * 15)]])
    dark = [i for i, frame in enumerate(frames) if frame.mean() < 0.4 * night]  # fade_black dips at 6.0 s
    assert dark and all(abs(i / 15 - 6.0) <= 0.1 for i in dark)
    archive = frames[round(7.0 * 15)].astype(float)
    red, _, blue = archive[..., 0].mean(), archive[..., 1].mean(), archive[..., 2].mean()
    assert red > blue + 15  # the astronaut photo in warm sepia, not a procedural sky


def _moons(frame: np.ndarray) -> list[float]:
    """Where bright discs (not stars: over 40 pixels) are across the top third of a frame (their x)."""
    top = cv2.cvtColor(frame[: frame.shape[0] // 3], cv2.COLOR_RGB2GRAY)
    _, _, stats, centres = cv2.connectedComponentsWithStats((top > 200).astype(np.uint8))
    return [float(x) for (x, _), area in zip(centres[1:], stats[1:, cv2.CC_STAT_AREA]) if area > 40]


def test_a_crossfade_between_two_night_scenes_shows_one_moon(render_cache):
    scenes = [{"text": "The hills sleep under the moon.", "duration": 2.0, "theme": "sky", "time_of_day": "night"},
              {"text": "The peaks are silver at night.", "duration": 2.0, "theme": "mountains",
               "time_of_day": "night", "transition": "crossfade"}]
    result, path = render_cache(scenes=scenes, seed=1, atmosphere="none", lighting="none", captions=False)
    frames = decode_frames(path)
    (first,), (second,) = _moons(frames[round(1.0 * 15)]), _moons(frames[round(3.0 * 15)])
    assert abs(first - second) < 3  # one sky over the video: its moon stands where it stood
    assert len(_moons(frames[round(2.0 * 15)])) == 1  # mid-crossfade: one moon, not two half-bright ones


@pytest.mark.parametrize("cores, pool_while_rendering", [(2, 1), (16, 3)])
def test_opencv_leaves_small_machines_cores_to_the_encoder_and_is_put_back(tmp_path, monkeypatch, cores,
                                                                          pool_while_rendering):
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    before = cv2.getNumThreads()
    cv2.setNumThreads(3)
    seen = set()

    def progress(stage, done, total):
        if stage == "frames":
            seen.add(cv2.getNumThreads())

    try:
        render(VideoRequest(text="A quiet lake at dawn.", is_custom=True, duration=2.0, quality="speed",
                            captions=False), tmp_path / "lake.mp4", progress=progress)
        assert seen == {pool_while_rendering}
        assert cv2.getNumThreads() == 3
    finally:
        cv2.setNumThreads(before)


def test_renders_at_once_share_opencv_setting_and_the_last_puts_it_back(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    before = cv2.getNumThreads()
    cv2.setNumThreads(3)
    try:
        with ENCODER_OWNS_THE_CORES:
            with ENCODER_OWNS_THE_CORES:
                assert cv2.getNumThreads() == 1
            assert cv2.getNumThreads() == 1  # the other render is still going
        assert cv2.getNumThreads() == 3
    finally:
        cv2.setNumThreads(before)


@pytest.mark.parametrize("text, guessed_right", [
    ("The desert burns under a blazing midday sun. Stars rise over the ocean.", True),
    ("The desert burns at noon. Stars rise over the ocean.", False),  # too short: joins the night ocean
])
def test_the_first_scene_built_ahead_from_the_words_is_the_one_the_plan_shows(text, guessed_right):
    request = VideoRequest(text=text, is_custom=True, duration=6.0, quality="speed", seed=5, captions=False)
    warm, cold = prepare(request, warm=True), prepare(request)
    assert (plan_from_words(request, text)[0].look == cold.scenes[0].look) is guessed_right
    assert np.array_equal(warm.renderer().frame_at(0)[0], cold.renderer().frame_at(0)[0])
    assert np.array_equal(warm.audio, cold.audio)  # mixed in a worker thread or not, the same soundtrack


def test_a_long_video_mixes_its_soundtrack_before_its_frames():
    request = VideoRequest(text="A quiet lake at dawn.", is_custom=True, duration=MIX_BESIDE_FRAMES_S + 5,
                           quality="speed", captions=False)
    plan = prepare(request, warm=True)
    assert plan.mixing.done()  # its whole-signal mix never adds to the frames' peak memory
    plan.renderer().cache.close()


def test_a_lut_file_grades_the_scene_built_ahead_and_the_ones_built_later(tmp_path):
    axis = np.linspace(0, 1, 2, dtype=np.float32)
    b, g, r = np.meshgrid(axis, axis, axis, indexing="ij")
    write_cube(tmp_path / "swap.cube", np.stack([b, g, r], axis=-1))  # red and blue trade places
    text = "The desert burns under a blazing midday sun. Stars rise over the ocean."
    plain = dict(text=text, is_custom=True, duration=6.0, quality="speed", seed=5, captions=False,
                 atmosphere="none", lighting="none")
    graded = VideoRequest(**plain, lut_file=str(tmp_path / "swap.cube"))
    unswapped = prepare(VideoRequest(**plain))
    last = unswapped.frame_count - 1  # in the second scene, which the renderer builds itself
    for plan in (prepare(graded, warm=True), prepare(graded)):
        assert len(plan.scenes) == 2
        renderer, reference = plan.renderer(), unswapped.renderer()
        for index in (0, last):
            before = reference.frame_at(index, still=True)[1].astype(np.float64)
            after = renderer.frame_at(index, still=True)[1].astype(np.float64)
            red, blue = before[..., 0].mean(), before[..., 2].mean()
            assert abs(red - blue) > 10
            assert abs(after[..., 0].mean() - blue) < 3 and abs(after[..., 2].mean() - red) < 3


def _source_pixels_per_frame_pixel(request: VideoRequest) -> tuple[np.ndarray, tuple[int, int]]:
    """The matrix mapping a scene frame to its layers at the middle of the first scene, and the source size."""
    plan = prepare(request)
    canvas = scene_canvas(request, plan.preset, plan.scenes)
    view = camera_view(plan.scenes[0].camera_movement, 0.5)
    return view_matrix(view, canvas.scene_size, canvas.source), canvas.source


def test_a_still_camera_shows_its_whole_source_pixel_for_pixel():
    request = VideoRequest(text="Waves roll onto the beach.", is_custom=True)
    matrix, source = _source_pixels_per_frame_pixel(request)
    assert source[0] < preset_for(request.quality).scene_size[0] * SOURCE_MARGIN  # no painting for moves it has not
    assert np.allclose(matrix[:, :2], np.eye(2), atol=1e-3)  # the painted pixels, one to one: no resampling blur


@pytest.mark.parametrize("moves", [["orbit"], ["static", "pan_left"]])
def test_a_moving_camera_has_room_to_move_in_every_scene(moves):
    request = VideoRequest(text="Waves roll. Stars rise.", scenes=[
        {"text": text, "duration": 3.0, "camera_movement": move} for text, move in zip(["Waves roll.", "Stars rise."],
                                                                                     moves * 2)])
    _, source = _source_pixels_per_frame_pixel(request)
    scene_width = preset_for(request.quality).scene_size[0]
    assert source[0] == round(scene_width * SOURCE_MARGIN)
