"""Generated music: its mood follows the emotion (tempo, mode, percussion), it loops without a click, seeded."""

import librosa
import numpy as np
import pytest

from reelforge.audio.moods import MOODS
from reelforge.audio.music import background_music, compose, render_score
from reelforge.request import Emotion

RATE = 22050
SECONDS = 16.0

# Krumhansl-Kessler key profiles (tonic first): how strongly each pitch class belongs to a major / minor key.
MAJOR_PROFILE = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR_PROFILE = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


@pytest.fixture(scope="module")
def music():
    cache = {}

    def get(emotion, seed=3):
        if (emotion, seed) not in cache:
            cache[emotion, seed] = background_music(Emotion(emotion), seed, int(SECONDS * RATE), RATE)
        return cache[emotion, seed]

    return get


def _tempo(audio):
    tempo, _ = librosa.beat.beat_track(y=audio, sr=RATE)
    return float(np.atleast_1d(tempo)[0])


def _onset_rate(audio):
    return len(librosa.onset.onset_detect(y=audio, sr=RATE)) / SECONDS


def _mode(audio):
    """"major" or "minor": the best of the 24 key profiles against the music's chroma (no hint of the key)."""
    chroma = librosa.feature.chroma_cqt(y=audio, sr=RATE).mean(axis=1)
    scores = {(mode, tonic): np.corrcoef(np.roll(profile, tonic), chroma)[0, 1]
              for mode, profile in (("major", MAJOR_PROFILE), ("minor", MINOR_PROFILE)) for tonic in range(12)}
    return max(scores, key=scores.get)[0]


def _percussive_share(audio):
    harmonic, percussive = librosa.effects.hpss(audio)
    return float(np.sum(percussive**2) / np.sum(audio**2))


def test_music_is_real_audio_not_silence_or_clipping(music):
    audio = music("neutral")
    assert audio.dtype == np.float32 and len(audio) == int(SECONDS * RATE)
    assert np.all(np.isfinite(audio))
    assert 0.05 < np.sqrt(np.mean(audio**2)) and np.abs(audio).max() < 4.0


@pytest.mark.parametrize("emotion", ["excited", "happy", "sad", "calm"])
def test_measured_tempo_is_the_moods_tempo(music, emotion):
    measured, written = _tempo(music(emotion)), MOODS[Emotion(emotion)].tempo
    # beat trackers may lock onto half or double time
    assert min(abs(measured / factor - written) for factor in (0.5, 1, 2)) < 0.05 * written


def test_excited_is_brisker_than_happy_than_sad(music):
    assert MOODS[Emotion.excited].tempo > MOODS[Emotion.happy].tempo > MOODS[Emotion.sad].tempo
    assert _onset_rate(music("excited")) > 1.5 * _onset_rate(music("happy")) > 1.5 * _onset_rate(music("sad"))


@pytest.mark.parametrize(("emotion", "mode"), [("happy", "major"), ("excited", "major"), ("sad", "minor"),
                                                ("fearful", "minor"), ("angry", "minor")])
def test_mode_follows_the_emotion(music, emotion, mode):
    assert _mode(music(emotion)) == mode
    assert MOODS[Emotion(emotion)].mode == mode


def test_calm_and_sad_have_no_drums_happy_and_excited_do(music):
    soft = max(_percussive_share(music("calm")), _percussive_share(music("sad")))
    driven = min(_percussive_share(music("happy")), _percussive_share(music("excited")))
    assert driven > 2 * soft


def test_same_seed_same_music_other_seed_other_music(music):
    again = background_music(Emotion.happy, 3, int(SECONDS * RATE), RATE)
    assert np.array_equal(music("happy"), again)
    assert not np.allclose(music("happy"), music("happy", seed=4)[: len(again)])


def _seam_click(audio, seam):
    """Where the sharpest bend at ``seam`` (largest second difference of the samples around it) ranks among the
    music's bends everywhere, as a percentile: a click is a bend sharper than almost any in the music."""
    bends = np.abs(np.diff(audio, 2))
    return float(np.mean(bends < bends[seam - 3 : seam + 1].max()))


@pytest.mark.parametrize("emotion", ["calm", "sad", "excited", "angry"])
def test_the_loop_repeats_exactly_and_without_a_click(emotion):
    score = compose(MOODS[Emotion(emotion)], 5)
    loop = round(score.seconds * RATE)
    audio = render_score(score, int(2.2 * loop), RATE)
    assert np.array_equal(audio[loop : 2 * loop], audio[:loop])
    assert _seam_click(audio, loop) < 0.95


@pytest.mark.parametrize("emotion", ["calm", "sad", "excited", "angry"])
def test_a_loop_cut_from_a_plain_clip_would_click(emotion):
    """The measure above can fail: one loop rendered as a plain clip and repeated cuts its note tails and reverb."""
    score = compose(MOODS[Emotion(emotion)], 5)
    loop = round(score.seconds * RATE)
    naive = np.tile(render_score(score, loop - 1, RATE), 2)
    assert _seam_click(naive, loop - 1) > 0.99
