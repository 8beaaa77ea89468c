"""The emotion changes how the narration is spoken: sad is slower, quieter and lower than excited."""

import librosa
import numpy as np
import pytest

from reelforge.request import Emotion
from reelforge.voice import narrate
from reelforge.voice.alignment import energy_envelope
from reelforge.voice.narration import LEAD_IN_S
from reelforge.voice.prosody import PROSODY, Prosody

TEXT = "The old lighthouse stood alone on the cliff. Every night its light swept across the dark water."


@pytest.fixture(scope="module")
def spoken():
    return {emotion: narrate(TEXT, 30.0, seed=3, emotion=Emotion(emotion)) for emotion in ("sad", "excited")}


def _speaking_time(narration):
    return narration.speech_end - LEAD_IN_S


def _voiced_energy_db(narration):
    envelope = energy_envelope(narration.audio, narration.sample_rate)
    voiced = envelope[envelope > envelope.max() * 0.1]
    return 20 * np.log10(np.sqrt(np.mean(voiced**2)))


def _median_pitch(narration):
    f0, voiced, _ = librosa.pyin(narration.audio, fmin=60, fmax=400, sr=narration.sample_rate)
    return float(np.nanmedian(f0[voiced]))


def test_sad_is_slower_than_excited(spoken):
    assert _speaking_time(spoken["sad"]) > 1.15 * _speaking_time(spoken["excited"])
    assert len(spoken["sad"].words) == len(spoken["excited"].words) == 17


def test_sad_has_less_energy_than_excited(spoken):
    assert _voiced_energy_db(spoken["sad"]) < _voiced_energy_db(spoken["excited"]) - 3


def test_sad_is_lower_pitched_than_excited(spoken):
    sad, excited = _median_pitch(spoken["sad"]), _median_pitch(spoken["excited"])
    assert 12 * np.log2(excited / sad) > 1  # semitones


@pytest.mark.parametrize("emotion", ["sad", "excited"])
def test_word_timings_follow_the_pitch_shifted_audio(emotion):
    narration = narrate("One. Two. Three. Four.", 10.0, seed=1, emotion=Emotion(emotion))
    envelope = energy_envelope(narration.audio, narration.sample_rate)
    loud = envelope > envelope.max() * 0.08
    onsets = [i * 0.01 for i in range(12, len(loud)) if loud[i] and not loud[i - 12 : i].any()]
    assert len(onsets) == 4
    for word, onset in zip(narration.words, onsets):
        assert abs(word.start - onset) < 0.08


def test_neutral_keeps_pipers_own_settings_and_every_emotion_has_a_prosody():
    assert PROSODY[Emotion.neutral] == Prosody()
    assert set(PROSODY) == set(Emotion)


def test_an_emotional_narration_is_still_fitted_to_the_duration_and_deterministic():
    long_text = " ".join(["Here is one more sentence about the sea."] * 2)
    natural = narrate(long_text, 60.0, seed=1, emotion=Emotion.sad)
    fitted = narrate(long_text, natural.speech_end * 0.85, seed=1, emotion=Emotion.sad)
    assert fitted.length_scale < PROSODY[Emotion.sad].length
    assert fitted.speech_end < natural.speech_end * 0.95
    again = narrate(long_text, natural.speech_end * 0.85, seed=1, emotion=Emotion.sad)
    assert np.array_equal(fitted.audio, again.audio)
