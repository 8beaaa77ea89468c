"""Real Piper narration with the packaged voice; timings checked against the audio itself."""

import dataclasses

import numpy as np
import pytest

from reelforge.voice import narrate
from reelforge.voice.alignment import energy_envelope
from reelforge.request import Emotion
from reelforge.voice.narration import LEAD_IN_S, TAIL_S, narrate_timeline, seeded_voice
from reelforge.voice.noise import DurationsOnly, NoiseFedSession
from reelforge.voice.prosody import PROSODY, synthesis_config


@pytest.fixture(scope="module")
def counted():
    return narrate("One. Two. Three. Four.", 10.0, seed=1)


def _onsets(narration, threshold=0.08):
    """Times where the audio rises out of silence (gaps of at least 0.12 s before)."""
    env = energy_envelope(narration.audio, narration.sample_rate)
    loud = env > env.max() * threshold
    onsets, quiet_run = [], 999
    for i, is_loud in enumerate(loud):
        if is_loud and quiet_run >= 12:
            onsets.append(i * 0.01)
        quiet_run = 0 if is_loud else quiet_run + 1
    return onsets


def test_audio_is_real_speech_at_the_voice_rate(counted):
    assert counted.sample_rate == 22050
    assert counted.audio.dtype == np.float32
    assert 1.5 < counted.duration < 6.0
    assert np.abs(counted.audio).max() > 0.3
    assert np.abs(counted.audio[: int(LEAD_IN_S * 22050) - 10]).max() == 0.0


def test_word_starts_match_the_audio_onsets(counted):
    starts = [w.start for w in counted.words]
    assert [w.text for w in counted.words] == ["One.", "Two.", "Three.", "Four."]
    onsets = _onsets(counted)
    assert len(onsets) == 4
    for start, onset in zip(starts, onsets):
        assert abs(start - onset) < 0.08


def test_words_and_phonemes_are_ordered_inside_the_audio():
    narration = narrate("The quiet ocean glows at night, and the waves hum softly.", 8.0, seed=2)
    words = narration.words
    assert len(words) == 11
    assert all(a.end <= b.start + 1e-6 for a, b in zip(words, words[1:]))
    assert all(w.end > w.start for w in words)
    assert words[-1].end <= narration.duration
    assert len(narration.phonemes) > 30
    assert narration.phonemes[0].start >= words[0].start - 1e-6


def test_same_seed_same_audio_and_long_text_is_sped_up():
    a = narrate("A steady voice.", 5.0, seed=4)
    b = narrate("A steady voice.", 5.0, seed=4)
    assert np.array_equal(a.audio, b.audio)
    long_text = " ".join(["Here is one more sentence about the sea."] * 3)
    natural = narrate(long_text, 60.0, seed=1)
    fitted = narrate(long_text, natural.speech_end * 0.85, seed=1)
    assert fitted.length_scale < 1.0
    assert fitted.speech_end < natural.speech_end * 0.95


def test_words_inside_one_sentence_start_at_their_onsets_and_hold_their_phonemes():
    """Commas make audible gaps inside one synthesized sentence: each word must start where its sound does,
    and its phonemes (the lip-sync keys) must lie inside it."""
    narration = narrate("One, two, three, four.", 10.0, seed=1)
    onsets = _onsets(narration, threshold=0.06)
    assert len(onsets) == 4
    for word, onset in zip(narration.words, onsets):
        assert abs(word.start - onset) < 0.08, (word, onset)
    for phoneme in narration.phonemes:
        holder = [w for w in narration.words if w.start - 1e-6 <= phoneme.start and phoneme.end <= w.end + 1e-6]
        assert len(holder) == 1, phoneme


def test_a_timeline_speaks_each_scene_within_its_own_span():
    texts = ["A short first scene.", "The second scene says a little more than the first one did.", "The end."]
    narration, bounds = narrate_timeline(texts, [3.0, None, 4.0], seed=2)
    assert bounds[0] == 0.0 and bounds[1] == 3.0
    assert bounds[2] - bounds[1] > 2.5  # as long as its words need
    assert bounds[3] == pytest.approx(bounds[2] + 4.0)
    spoken = [word.text for word in narration.words]
    assert spoken == " ".join(texts).split()
    counts = [len(text.split()) for text in texts]
    for index, count in enumerate(counts):
        first = sum(counts[:index])
        scene_words = narration.words[first:first + count]
        assert bounds[index] + LEAD_IN_S - 0.05 <= scene_words[0].start
        assert scene_words[-1].end <= bounds[index + 1] - 0.3
        start = round(bounds[index] * narration.sample_rate)
        assert np.abs(narration.audio[start:start + 1000]).max() == 0.0  # each scene opens in silence
    assert len(narration.sentences) == 3 and narration.sentences[2][1] > bounds[2]


def test_a_narration_that_would_overrun_is_spoken_once_at_the_pace_that_fits(monkeypatch):
    text = "Deep in the forest, old pines stand in the fog. A path winds into the dark."
    natural = narrate(text, 60.0, seed=2)
    assert natural.speech_end + TAIL_S > 5.0  # at its own pace it would overrun 5 s
    runs = []
    speak = NoiseFedSession.run
    monkeypatch.setattr(NoiseFedSession, "run", lambda self, *args: runs.append(1) or speak(self, *args))
    fitted = narrate(text, 5.0, seed=2)
    assert len(runs) == 2  # one run of the voice model a sentence: no second try at a faster pace
    assert 5.0 - 0.2 < fitted.speech_end + TAIL_S <= 5.0  # it fits, and is not hurried more than it needs


def test_predicted_durations_are_the_ones_then_spoken():
    voice = seeded_voice(5)
    config = synthesis_config(PROSODY[Emotion.neutral], voice.config)
    ids = voice.phonemes_to_ids(voice.phonemize("Waves roll onto the beach at sunset.")[0])
    predictor = dataclasses.replace(voice, session=DurationsOnly(voice.session))
    predicted = predictor.phoneme_ids_to_audio(ids, config).ravel()
    faster = dataclasses.replace(config, length_scale=config.length_scale * 0.9)
    audio, samples = voice.phoneme_ids_to_audio(ids, faster, include_alignments=True)
    spoken = samples // voice.config.hop_length
    assert np.abs(spoken - np.ceil(predicted * 0.9)).max() <= 1  # float rounding may tip a ceiling
    assert np.mean(spoken == np.ceil(predicted * 0.9)) > 0.95
    assert len(audio) == spoken.sum() * voice.config.hop_length
