"""Character and hybrid renders, measured on the decoded video: lips move with the voice, the mouth shuts in
pauses, the background moves under a standing character, and the emotion is reported."""

import av
import cv2
import numpy as np
import pytest

from conftest import decode_frames, probe
from reelforge.character.stage import placement
from reelforge.presets import preset_for
from reelforge.request import Aspect, Quality

SCRIPT = "Hello there. We waited all day for the boats to come back. Then, at last, they arrived."


def audio_loudness_per_frame(path, fps: float, frames: int) -> np.ndarray:
    """RMS of the decoded audio track over each video frame's time."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate = stream.sample_rate
        samples = np.concatenate([frame.to_ndarray().mean(axis=0) for frame in container.decode(audio=0)])
    hop = rate / fps
    return np.array([np.sqrt(np.mean(samples[int(i * hop) : int((i + 1) * hop)] ** 2) + 1e-12)
                     for i in range(frames)])


def mouth_opening(frame: np.ndarray, size: tuple[int, int]) -> int:
    """Dark pixels (the open mouth) in the lower face: far darker than the face around them."""
    x, y, unit = placement(size, inset=False)
    box = frame[int(y + 0.42 * unit) : int(y + 1.0 * unit), int(x - 0.4 * unit) : int(x + 0.4 * unit)]
    luma = box @ np.array([0.299, 0.587, 0.114])
    return int((luma < 0.55 * np.median(luma)).sum())


@pytest.fixture(scope="module")
def talking(render_cache):
    # no music or effects: the audio track is the voice the lips are measured against
    return render_cache(text=SCRIPT, is_custom=True, video_type="character", character_type="person",
                        emotion="neutral", duration=7, captions=False, seed=2, music=False, sound_effects=False)


def test_character_video_plays_with_sound(talking):
    result, path = talking
    info = probe(path)
    preset = preset_for(Quality.speed, Aspect.portrait)
    assert (info["width"], info["height"], info["fps"]) == (preset.width, preset.height, preset.fps)
    assert info["audio_codec"] == "aac"
    assert info["frames"] == result.frame_count
    assert result.emotion == "neutral" and result.emotion_reason == "requested"


def test_mouth_opening_follows_the_voice_and_shuts_in_pauses(talking):
    result, path = talking
    size = preset_for(Quality.speed, Aspect.portrait).size
    opening = np.array([mouth_opening(frame, size) for frame in decode_frames(path)], float)
    loudness = audio_loudness_per_frame(path, result.fps, len(opening))
    assert np.corrcoef(opening, loudness)[0, 1] >= 0.5
    silent = loudness < 0.05 * np.percentile(loudness, 95)
    paused = silent & np.roll(silent, 2) & np.roll(silent, 4)  # well inside a pause
    assert paused.sum() >= 6
    closed = np.percentile(opening, 5)  # the lip line and shading of a shut mouth
    assert opening[paused].max() <= closed + 0.1 * (opening.max() - closed)


@pytest.fixture(scope="module")
def hybrid(render_cache):
    return render_cache(text="The boats came back at sunset over the ocean.", is_custom=True, video_type="hybrid",
                        character_type="person", camera_movement="pan_left", duration=3, captions=False, seed=4)


def regions(size):
    """Boxes of the hybrid frame: background away from the character, its neckline and chest (between the locks
    of long hair, which sway with the head) and its head."""
    x, y, unit = placement(size, inset=True)
    height, width = size[1], size[0]
    background = np.ones((height, width), bool)
    background[int(y - 1.9 * unit) :, int(x - 2.2 * unit) : int(x + 2.2 * unit)] = False
    chest = (slice(int(y + 1.3 * unit), int(y + 2.4 * unit)), slice(int(x - 0.3 * unit), int(x + 0.3 * unit)))
    head = (slice(int(y - 1.2 * unit), int(y + 1.0 * unit)), slice(int(x - 1.0 * unit), int(x + 1.0 * unit)))
    return background, chest, head


def first_last_difference(path, box) -> float:
    frames = decode_frames(path)
    return float(np.abs(frames[0].astype(int) - frames[-1].astype(int))[box].mean())


def test_background_moves_under_a_standing_character(hybrid):
    result, path = hybrid
    background, chest, _ = regions(result.size)
    assert first_last_difference(path, background) > 12
    assert first_last_difference(path, chest) < 4
    assert "VADER" in result.emotion_reason  # emotion left at its default: detected from the narration


def test_camera_target_both_moves_the_character_too(render_cache, hybrid):
    result, path = render_cache(text="The boats came back at sunset over the ocean.", is_custom=True,
                                video_type="hybrid", character_type="person", camera_movement="pan_left",
                                camera_target="both", duration=3, captions=False, seed=4)
    _, _, head = regions(result.size)
    assert first_last_difference(path, head) > 2 * first_last_difference(hybrid[1], head)


def test_a_timeline_gives_each_scene_its_own_character():
    from reelforge.pipeline import prepare
    from reelforge.request import VideoRequest

    request = VideoRequest(video_type="character", quality="speed", captions=False, music=False,
                           scenes=[{"text": "Beep. I am a robot.", "character_type": "robot", "duration": 2},
                                   {"text": "And I am a monkey.", "character_type": "monkey", "duration": 2}])
    renderer = prepare(request).renderer()
    try:
        robot, monkey = renderer.stage(0), renderer.stage(1)
        assert robot.character.kind.value == "robot" and monkey.character.kind.value == "monkey"
        controls = renderer.performance.at(0)
        both = (robot.mask(controls) > 128) | (monkey.mask(controls) > 128)
        first, second = renderer.frame_at(12, still=True)[1], renderer.frame_at(45, still=True)[1]
        size = (first.shape[1], first.shape[0])
        inside = cv2.resize(both.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST).astype(bool)
        assert np.abs(first.astype(int) - second)[inside].mean() > 25  # another character stands there
    finally:
        renderer.cache.close()


RAIN = dict(text="The storm came in over the harbour.", is_custom=True, video_type="hybrid", character_type="person",
            emotion="neutral", duration=2, captions=False, seed=4, style="realistic", lighting="none", music=False,
            sound_effects=False)


def rain_over(render_cache, frame: int, **fields) -> np.ndarray:
    """Where rain shows in a frame: that frame with rain against the same frame of the same video without."""
    with_rain, without = (decode_frames(render_cache(**fields, atmosphere=kind)[1])[frame] for kind in ("rain", "none"))
    return np.abs(with_rain.astype(int) - without).max(axis=2) > 25


def test_rain_falls_behind_a_hybrid_character_and_over_the_whole_cinematic_frame(render_cache):
    from reelforge.pipeline import prepare
    from reelforge.request import VideoRequest

    frame = 12
    renderer = prepare(VideoRequest(**RAIN, atmosphere="rain", quality="speed")).renderer()
    try:
        coverage = renderer.stage(0).mask(renderer.performance.at(frame))
    finally:
        renderer.cache.close()
    coverage = cv2.resize(coverage, preset_for(Quality.speed, Aspect.portrait).size)
    kernel = np.ones((9, 9), np.uint8)
    character = cv2.erode((coverage == 255).astype(np.uint8), kernel).astype(bool)
    scene = cv2.dilate((coverage > 0).astype(np.uint8), kernel) == 0
    assert character.mean() > 0.1 and scene.mean() > 0.3

    hybrid = rain_over(render_cache, frame, **RAIN)
    assert hybrid[scene].mean() > 0.005  # rain over the scene around the character
    assert hybrid[character].mean() < 0.05 * hybrid[scene].mean()  # and none over the character
    cinematic = rain_over(render_cache, frame, **{**RAIN, "video_type": "cinematic"})
    assert cinematic[character].mean() > 0.5 * cinematic[scene].mean()  # nothing stands in front of it
