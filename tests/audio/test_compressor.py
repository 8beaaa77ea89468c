"""The voice compressor: its static curve, and on real narration, a tighter voice that the master limits less."""

import numpy as np
import pytest

from reelforge.audio.compressor import compress_voice, gain_reduction_db, peak_envelope
from reelforge.audio.loudness import loudness, master, true_peak
from reelforge.encode import AUDIO_RATE, resample_mono
from reelforge.voice import narrate


def test_the_static_curve_is_flat_under_the_knee_and_three_to_one_over_it():
    levels = np.array([-40.0, -23.0, -20.0, -17.0, -10.0, 0.0])
    reduction = gain_reduction_db(levels, threshold_db=-20.0, ratio=3.0, knee_db=6.0)
    assert reduction[0] == 0.0 and reduction[1] == 0.0
    assert 0.0 < reduction[2] < reduction[3]
    assert reduction[4] == pytest.approx(10.0 * 2 / 3) and reduction[5] == pytest.approx(20.0 * 2 / 3)
    fine = np.linspace(-30, 0, 3001)
    assert np.max(np.abs(np.diff(gain_reduction_db(fine, -20.0)))) < 0.01  # continuous through the knee


@pytest.fixture(scope="module")
def voice():
    narration = narrate("The city never sleeps. Neon signs flicker over wet streets.", 5.0, seed=11)
    return resample_mono(narration.audio, narration.sample_rate)


def _limiter_reduction_db(samples):
    """Mean dB the master's limiter takes off the speech (its gain against its largest, unlimited, gain)."""
    mastered = master(samples, AUDIO_RATE)
    speech = np.abs(samples) > 0.02 * np.abs(samples).max()
    gain = np.abs(mastered[speech]) / np.abs(samples[speech])
    return float(np.mean(-20 * np.log10(np.minimum(gain / np.percentile(gain, 99.5), 1.0))))


def test_the_voice_comes_out_tighter_and_the_master_limits_it_less(voice):
    compressed = compress_voice(voice, AUDIO_RATE)
    silent = peak_envelope(voice, AUDIO_RATE) == 0
    assert not np.any(peak_envelope(compressed, AUDIO_RATE)[silent])  # silence stays silence
    peak_to_loudness = true_peak(voice) - loudness(voice, AUDIO_RATE)
    assert true_peak(compressed) - loudness(compressed, AUDIO_RATE) < peak_to_loudness - 2.0
    assert _limiter_reduction_db(compressed) < _limiter_reduction_db(voice) - 2.0


def test_the_gain_moves_smoothly(voice):
    compressed = compress_voice(voice, AUDIO_RATE)
    speech = np.abs(voice) > 0.05 * np.abs(voice).max()
    gain_db = 20 * np.log10(np.abs(compressed[speech]) / np.abs(voice[speech]))
    assert gain_db.max() <= 1e-3  # it only ever turns the voice down
    assert 2.0 < -gain_db.mean() < 9.0  # by a few dB, not a squash
    full = np.ones_like(voice)
    full[speech] = 10 ** (gain_db / 20)
    steps = np.abs(np.diff(20 * np.log10(full[np.flatnonzero(speech)])))
    assert np.percentile(steps, 99.9) < 0.5  # no jumps from one sample to the next: no clicks
