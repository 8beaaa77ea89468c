"""Performance curves: lips follow the voice, blinks at their rate, head and breath at their frequencies."""

import numpy as np
import pytest

from reelforge.character.emotion import EXPRESSIONS
from reelforge.character.performance import (
    BREATH_HZ,
    HEAD_X_HZ,
    HEAD_Y_HZ,
    MICRO_HZ,
    SILENCE,
    perform,
)
from reelforge.request import Emotion
from reelforge.voice import narrate
from reelforge.voice.narration import Narration
from test_modes import SCRIPT

FPS = 24


@pytest.fixture(scope="module")
def narration():
    """Real Piper speech with pauses between sentences and after commas."""
    return narrate(SCRIPT, 8.0, seed=3)


def silent_narration(seconds: float) -> Narration:
    rate = 22050
    return Narration(np.zeros(int(seconds * rate), np.float32), rate, [], [], [], 1.0)


def dominant_hz(curve: np.ndarray, fps: float) -> float:
    spectrum = np.abs(np.fft.rfft(curve - curve.mean()))
    return float(np.fft.rfftfreq(len(curve), 1 / fps)[np.argmax(spectrum)])


def test_jaw_follows_the_loudness_and_shuts_in_silence(narration):
    frames = int(narration.duration * FPS)
    performance = perform(narration, FPS, frames, Emotion.neutral, seed=1)
    jaw = performance.curve("jaw_open")
    assert np.corrcoef(jaw, performance.loudness)[0, 1] >= 0.6
    quiet = performance.loudness < SILENCE
    settled = quiet & np.roll(quiet, 3) & np.roll(quiet, 2) & np.roll(quiet, 1)  # 3 frames into a pause
    assert settled.sum() > 10
    assert jaw[settled].max() < 0.05
    assert jaw[~quiet].mean() > 0.25


def test_bilabials_press_the_lips(narration):
    frames = int(narration.duration * FPS)
    performance = perform(narration, FPS, frames, Emotion.neutral, seed=1)
    press = performance.curve("lip_press")
    for phoneme in narration.phonemes:
        if phoneme.text in "bpm":
            middle = int((phoneme.start + phoneme.end) / 2 * FPS)
            assert press[middle - 1 : middle + 2].max() > 0.4, phoneme


def test_blinks_every_two_to_six_seconds():
    seconds = 240
    performance = perform(silent_narration(seconds), FPS, seconds * FPS, Emotion.neutral, seed=5)
    closed = performance.curve("lid_left") > 0.8
    blinks = np.count_nonzero(closed[1:] & ~closed[:-1])
    assert seconds / 6 <= blinks <= seconds / 2 * 1.2  # a few double blinks on top of one per 2-6 s
    fearful = perform(silent_narration(seconds), FPS, seconds * FPS, Emotion.fearful, seed=5).curve("lid_left")
    calm = perform(silent_narration(seconds), FPS, seconds * FPS, Emotion.calm, seed=5).curve("lid_left")
    count = lambda lid: np.count_nonzero((lid[1:] > 0.8) & (lid[:-1] <= 0.8))  # noqa: E731
    assert count(fearful) > count(calm)


@pytest.mark.parametrize("control, hz", [("head_yaw", HEAD_X_HZ), ("head_pitch", HEAD_Y_HZ),
                                         ("breath", BREATH_HZ), ("micro", MICRO_HZ)])
def test_motion_frequencies(control, hz):
    seconds = 400
    performance = perform(silent_narration(seconds), FPS, seconds * FPS, Emotion.neutral, seed=2)
    assert dominant_hz(performance.curve(control), FPS) == pytest.approx(hz, abs=1.5 / seconds)


def test_same_seed_same_performance_other_seed_other(narration):
    frames = int(narration.duration * FPS)
    first = perform(narration, FPS, frames, Emotion.happy, seed=4).table
    assert np.array_equal(first, perform(narration, FPS, frames, Emotion.happy, seed=4).table)
    assert not np.array_equal(first, perform(narration, FPS, frames, Emotion.happy, seed=5).table)


# Each emotion's documented direction against neutral: (control, +1 higher / -1 lower).
DIRECTIONS = {
    Emotion.happy: [("smile", 1), ("brow_left", 1)],
    Emotion.sad: [("smile", -1), ("lid_left", 1), ("head_pitch", 1), ("brow_furrow", 1)],
    Emotion.angry: [("brow_furrow", 1), ("brow_left", -1), ("smile", -1)],
    Emotion.surprised: [("brow_left", 1), ("eye_wide", 1), ("jaw_open", 1)],
    Emotion.fearful: [("eye_wide", 1), ("brow_left", 1), ("brow_furrow", 1)],
    Emotion.disgusted: [("smile", -1), ("brow_furrow", 1), ("lid_left", 1)],
    Emotion.excited: [("smile", 1), ("eye_wide", 1), ("brow_left", 1)],
    Emotion.calm: [("lid_left", 1), ("smile", 1)],
    Emotion.confident: [("smile", 1), ("head_pitch", -1)],
}


@pytest.mark.parametrize("emotion", list(DIRECTIONS))
def test_each_emotion_moves_the_face_its_documented_way(narration, emotion):
    frames = int(narration.duration * FPS)
    neutral = perform(narration, FPS, frames, Emotion.neutral, seed=1)
    felt = perform(narration, FPS, frames, emotion, seed=1)
    for control, direction in DIRECTIONS[emotion]:
        change = felt.curve(control).mean() - neutral.curve(control).mean()
        assert change * direction > 0.03, (emotion, control, change)


def test_energy_scales_head_motion():
    seconds = 60
    calm = perform(silent_narration(seconds), FPS, seconds * FPS, Emotion.calm, seed=2).curve("head_yaw")
    excited = perform(silent_narration(seconds), FPS, seconds * FPS, Emotion.excited, seed=2).curve("head_yaw")
    assert np.ptp(excited) > 2 * np.ptp(calm)
    assert EXPRESSIONS[Emotion.excited].energy > EXPRESSIONS[Emotion.neutral].energy > EXPRESSIONS[Emotion.sad].energy
