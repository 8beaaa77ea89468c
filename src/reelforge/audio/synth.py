"""Instruments made of NumPy arrays: wavetable oscillators, envelopes, drums, noise filters and reverb.

Every function returns mono float32 samples at ``rate``. Tones are wavetables (one band-limited cycle built
from its harmonics) read by a phase accumulator, so a note costs a few vector operations per sample.
"""

from __future__ import annotations

import numpy as np
from scipy import signal

TABLE_BITS = 12
TABLE_SIZE = 2**TABLE_BITS  # entries in one cycle of a wavetable


def midi_hz(note: float) -> float:
    """Frequency of a MIDI note number (69 = A4 = 440 Hz)."""
    return float(440.0 * 2 ** ((note - 69) / 12))


def wavetable(amplitudes: list[float] | np.ndarray) -> np.ndarray:
    """One cycle holding harmonic k+1 at ``amplitudes[k]``, peak 1, plus a wrap-around sample."""
    phase = np.arange(TABLE_SIZE + 1) / TABLE_SIZE * 2 * np.pi
    cycle = sum(a * np.sin((k + 1) * phase) for k, a in enumerate(amplitudes))
    return (cycle / np.abs(cycle).max()).astype(np.float32)


def harmonics(count: int, tilt: float, odd_only: bool = False) -> np.ndarray:
    """Amplitudes 1/k**tilt of ``count`` harmonics (tilt 1 is a sawtooth, higher is duller)."""
    k = np.arange(1, count + 1, dtype=np.float64)
    amplitudes = 1.0 / k**tilt
    if odd_only:
        amplitudes[1::2] = 0.0
    return amplitudes


SINE = wavetable([1.0])


def oscillate(table: np.ndarray, freq: float | np.ndarray, count: int, rate: int,
              phase: float = 0.0) -> np.ndarray:
    """``count`` samples of a wavetable at ``freq`` Hz (a constant or one value per sample).

    The phase is a 32-bit accumulator, as in a hardware oscillator: it wraps by itself, its top bits index the
    table and the rest interpolate between two entries (the frequency is exact to 0.00001 Hz).
    """
    step = np.round(np.asarray(freq, np.float64) * (2.0**32 / rate))
    if np.ndim(step) == 0:
        position = np.arange(count, dtype=np.uint32) * np.uint32(step)
    else:
        position = np.cumsum(step.astype(np.uint32), dtype=np.uint32)
    position += np.uint32(int((phase % 1.0) * 2.0**32))
    between = 32 - TABLE_BITS  # the bits below a table entry
    index = position >> np.uint32(between)
    fraction = (position & np.uint32(2**between - 1)).astype(np.float32) / np.float32(2**between)
    low = table[index]
    return low + fraction * (table[index + 1] - low)


def envelope(count: int, rate: int, attack: float, release: float, hold: float | None = None) -> np.ndarray:
    """Attack, sustain, release over ``count`` samples; the release starts at ``hold`` seconds (default: so that
    it ends with the note). Attack and release are raised-cosine ramps, so notes start and stop without clicks."""
    t = np.arange(count, dtype=np.float32) / rate
    hold = max(count / rate - release, 0.0) if hold is None else hold
    rise = 0.5 - 0.5 * np.cos(np.pi * np.clip(t / max(attack, 1e-4), 0.0, 1.0))
    fall = 0.5 + 0.5 * np.cos(np.pi * np.clip((t - hold) / max(release, 1e-4), 0.0, 1.0))
    return (rise * fall).astype(np.float32)


def decay(count: int, rate: int, seconds: float, attack: float = 0.003) -> np.ndarray:
    """A percussive envelope: a quick rise over ``attack`` seconds, then exponential decay with time constant
    ``seconds``, tapered to exactly zero at the end."""
    t = np.arange(count, dtype=np.float32) / rate
    shape = np.exp(-t / seconds) * np.clip(t / attack, 0.0, 1.0) ** 2
    return (shape * np.linspace(1.0, 0.0, count, dtype=np.float32) ** 0.5).astype(np.float32)


def detuned(table: np.ndarray, freq: float, count: int, rate: int, cents: float,
            rng: np.random.Generator) -> np.ndarray:
    """Two copies of a tone, ``cents`` apart, random phases: the chorus of an ensemble."""
    spread = 2 ** (cents / 2400)
    return 0.5 * (oscillate(table, freq * spread, count, rate, rng.random())
                  + oscillate(table, freq / spread, count, rate, rng.random()))


def band(noise: np.ndarray, rate: int, low: float | None, high: float | None, order: int = 2) -> np.ndarray:
    """Butterworth filtering: a high-pass above ``low``, a low-pass below ``high``, or a band between."""
    nyquist = rate / 2
    if low and high:
        sos = signal.butter(order, [low / nyquist, min(high / nyquist, 0.99)], "bandpass", output="sos")
    elif low:
        sos = signal.butter(order, low / nyquist, "highpass", output="sos")
    else:
        sos = signal.butter(order, min(high / nyquist, 0.99), "lowpass", output="sos")
    return signal.sosfilt(sos, noise).astype(np.float32, copy=False)


def kick(rate: int, seconds: float = 0.45, low: float = 48.0) -> np.ndarray:
    """A soft kick drum: a sine falling from 130 Hz to ``low`` with a thump of decay."""
    count = int(seconds * rate)
    t = np.arange(count) / rate
    sweep = low + (130.0 - low) * np.exp(-t / 0.035)
    return oscillate(SINE, sweep, count, rate) * decay(count, rate, 0.16, 0.002)


def snare(rate: int, rng: np.random.Generator, seconds: float = 0.3) -> np.ndarray:
    """A brushed snare: band-passed noise with a short 190 Hz body."""
    count = int(seconds * rate)
    noise = band(rng.standard_normal(count).astype(np.float32), rate, 900.0, 7000.0)
    noise /= np.abs(noise).max() + 1e-9
    body = oscillate(SINE, 190.0, count, rate)
    return 0.75 * noise * decay(count, rate, 0.07) + 0.45 * body * decay(count, rate, 0.04)


def hat(rate: int, rng: np.random.Generator, seconds: float = 0.09) -> np.ndarray:
    """A closed hi-hat: high-passed noise, a few tens of milliseconds long."""
    count = int(seconds * rate)
    noise = band(rng.standard_normal(count).astype(np.float32), rate, 7000.0, None)
    return noise / (np.abs(noise).max() + 1e-9) * decay(count, rate, 0.022, 0.001)


def reverb_ir(rate: int, seconds: float, rng: np.random.Generator) -> np.ndarray:
    """A room's impulse response: exponentially decaying noise whose highs die out faster, after a predelay."""
    count = int(seconds * rate)
    t = np.arange(count, dtype=np.float32) / rate
    noise = rng.standard_normal(count).astype(np.float32)
    dark = band(noise, rate, None, 2500.0)
    bright = noise - dark
    tail = dark * np.exp(-t * 6.9 / seconds) + 0.5 * bright * np.exp(-t * 6.9 / (0.4 * seconds))
    predelay = int(0.02 * rate)
    ir = np.concatenate([np.zeros(predelay, np.float32), tail[: count - predelay]])
    return ir / np.sqrt(np.sum(ir**2))


def convolve(dry: np.ndarray, ir: np.ndarray, circular: bool) -> np.ndarray:
    """Convolve with an impulse response; ``circular`` wraps the tail around to the start (for loops)."""
    full = signal.fftconvolve(dry, ir)
    wet = full[: len(dry)].astype(np.float32)
    if circular:
        for start in range(len(dry), len(full), len(dry)):
            tail = full[start : start + len(dry)]
            wet[: len(tail)] += tail
    return wet


def add_at(buffer: np.ndarray, start: int, samples: np.ndarray, circular: bool = False) -> None:
    """Add ``samples`` into ``buffer`` from index ``start``: wrapped around past the end when ``circular``,
    else whatever falls outside the buffer (before 0 or after its end) is dropped."""
    size = len(buffer)
    if circular:
        start %= size
    elif start < 0:
        samples, start = samples[-start:], 0
    head = samples[: max(size - start, 0)]
    buffer[start : start + len(head)] += head
    if circular and len(samples) > len(head):
        tail = samples[len(head) : len(head) + size]
        buffer[: len(tail)] += tail
