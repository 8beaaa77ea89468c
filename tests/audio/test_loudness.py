"""Loudness (BS.1770 via pyloudnorm), 4x-oversampled true peak, the limiter and the -14 LUFS / -1 dBTP master."""

import numpy as np
import pytest

from reelforge.audio.loudness import CEILING, TARGET_LUFS, limit, loudness, master, true_peak
from reelforge.encode import resample_mono
from reelforge.voice import narrate

RATE = 48000


def _sine(hz, seconds, amplitude, phase=0.0):
    t = np.arange(int(seconds * RATE)) / RATE
    return (amplitude * np.sin(2 * np.pi * hz * t + phase)).astype(np.float32)


def test_a_full_scale_1k_sine_reads_minus_3_lufs_as_the_standard_says():
    assert loudness(_sine(997, 5, 1.0), RATE) == pytest.approx(-3.01, abs=0.1)
    assert loudness(_sine(997, 5, 0.5), RATE) == pytest.approx(-9.03, abs=0.1)


def test_true_peak_sees_the_peaks_between_samples():
    # a quarter-rate sine sampled 45 degrees off its crests: every sample is at 0.707 of the real peak
    tone = _sine(RATE / 4, 1, 0.9, np.pi / 4)
    sample_peak = 20 * np.log10(np.abs(tone).max())
    assert true_peak(tone) - sample_peak == pytest.approx(3.0, abs=0.3)
    assert true_peak(tone) == pytest.approx(20 * np.log10(0.9), abs=0.3)


def test_silence_and_tiny_clips_are_measured_without_errors():
    assert loudness(np.zeros(RATE, np.float32), RATE) == float("-inf")
    assert true_peak(np.zeros(10, np.float32)) == float("-inf")
    assert np.isfinite(loudness(_sine(440, 0.05, 0.5), RATE))  # shorter than one 400 ms gating block
    assert not np.any(master(np.zeros(RATE, np.float32), RATE))


def test_the_limiter_leaves_quiet_audio_alone_and_holds_the_ceiling_on_loud_audio():
    quiet = _sine(440, 1, 0.5)
    assert limit(quiet, RATE) is quiet
    loud = _sine(440, 1, 2.0)
    assert true_peak(limit(loud, RATE)) <= CEILING + 0.05


@pytest.fixture(scope="module")
def speech():
    narration = narrate("Every night the lighthouse turns. Its beam sweeps the dark water.", 10, seed=1)
    return resample_mono(narration.audio, narration.sample_rate, RATE)


@pytest.mark.parametrize("gain", [0.05, 1.0, 8.0])
def test_master_meets_the_target_whatever_the_input_level(speech, gain):
    mastered = master(speech * gain, RATE)
    assert loudness(mastered, RATE) == pytest.approx(TARGET_LUFS, abs=0.3)
    assert true_peak(mastered) <= CEILING + 0.01


def test_master_of_a_dense_loud_signal_still_meets_both(speech):
    rng = np.random.default_rng(0)
    dense = np.clip(rng.standard_normal(3 * RATE) * 0.8, -1, 1).astype(np.float32)
    mastered = master(dense, RATE)
    assert loudness(mastered, RATE) == pytest.approx(TARGET_LUFS, abs=0.5)
    assert true_peak(mastered) <= CEILING + 0.01
