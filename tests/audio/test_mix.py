"""Ducking: the music drops while the voice speaks and comes back in the pauses, smoothly; fades; lengths."""

import numpy as np
import pytest

from reelforge.audio.mix import DUCK_DB, duck_gain, fades, fit_length, loop_to
from reelforge.audio.music import background_music
from reelforge.encode import resample_mono
from reelforge.request import Emotion
from reelforge.voice import narrate

RATE = 48000
SECONDS = 7


@pytest.fixture(scope="module")
def spoken():
    narration = narrate("The tide comes in. Slowly, the harbour lights wake up.", SECONDS, seed=2)
    voice = fit_length(resample_mono(narration.audio, narration.sample_rate, RATE), SECONDS * RATE)
    return narration, voice


def _level_db(audio, mask):
    return 10 * np.log10(np.mean(audio[mask].astype(np.float64) ** 2))


def test_the_music_drops_while_the_voice_speaks(spoken):
    narration, voice = spoken
    music = background_music(Emotion.neutral, 1, len(voice), RATE)
    ducked = music * duck_gain(voice, RATE)
    t = np.arange(len(voice)) / RATE
    speaking = np.zeros(len(voice), bool)
    for word in narration.words:
        speaking |= (t > word.start + 0.05) & (t < word.end - 0.05)
    pause = t > narration.speech_end + 1.0  # after the release
    assert speaking.sum() > RATE and pause.sum() > RATE
    under_voice = _level_db(ducked, speaking) - _level_db(music, speaking)
    in_pause = _level_db(ducked, pause) - _level_db(music, pause)
    assert under_voice < -0.75 * DUCK_DB
    assert in_pause > -0.5


def test_ducking_is_smooth_and_starts_before_the_first_word(spoken):
    narration, voice = spoken
    gain_db = 20 * np.log10(duck_gain(voice, RATE))
    assert np.abs(np.diff(gain_db)).max() < 0.01  # no zipper steps: at most 0.01 dB from one sample to the next
    first_word = int(narration.words[0].start * RATE)
    assert gain_db[first_word] < -1.0  # the look-ahead has already started the dip


def test_silence_does_not_duck():
    assert np.array_equal(duck_gain(np.zeros(RATE, np.float32), RATE), np.ones(RATE, np.float32))


def test_fades_rise_from_and_fall_to_silence():
    curve = fades(5 * RATE, RATE, 1.0, 2.0)
    assert curve[0] == 0.0 and curve[-1] < 1e-6
    assert np.all(curve[int(1.0 * RATE) : int(3.0 * RATE)] == 1.0)
    assert np.all(np.diff(curve[: RATE]) >= 0) and np.all(np.diff(curve[3 * RATE :]) <= 0)
    short = fades(RATE // 2, RATE, 1.0, 2.0)  # fades shrink to a third of a short clip each
    assert short.max() == 1.0


def test_fit_length_pads_or_cuts():
    audio = np.ones(10, np.float32)
    assert len(fit_length(audio, 4)) == 4
    assert fit_length(audio, 12).tolist() == [1.0] * 10 + [0.0, 0.0]


def test_a_looped_noise_bed_keeps_its_level_across_the_seams():
    noise = np.random.default_rng(0).standard_normal(3 * RATE).astype(np.float32)
    looped = loop_to(noise, 10 * RATE, RATE)
    windows = looped.reshape(-1, RATE // 20)  # 50 ms
    levels = 10 * np.log10(np.mean(windows.astype(np.float64) ** 2, axis=1))
    assert np.ptp(levels) < 1.5  # equal-power crossfades: no dip, no bump where the end meets the start
    assert np.array_equal(loop_to(noise, RATE, RATE), noise[:RATE])
