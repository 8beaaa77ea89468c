"""Wavetable oscillators: a phase accumulator reads one cycle at any frequency."""

import numpy as np

from reelforge.audio.synth import SINE, oscillate

RATE = 48000


def test_a_sine_table_plays_a_sine_at_a_steady_or_a_moving_pitch():
    count = RATE * 4
    t = np.arange(count) / RATE
    steady = oscillate(SINE, 440.0, count, RATE, phase=0.25)
    assert np.abs(steady - np.sin(2 * np.pi * (440.0 * t + 0.25))).max() < 1e-3  # four seconds, no drift
    glide = np.linspace(220.0, 880.0, count)
    phase = np.cumsum(glide) / RATE  # the accumulator advances before it reads, as a cumulative sum does
    assert np.abs(oscillate(SINE, glide, count, RATE) - np.sin(2 * np.pi * phase)).max() < 1e-3
