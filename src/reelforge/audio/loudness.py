"""Loudness and true peak (ITU-R BS.1770 via pyloudnorm), and the master stage that meets the delivery target:
integrated -14 LUFS with the true peak under -1 dBTP.

True peak is the peak of the signal oversampled 4x (BS.1770's method), which catches the overs between samples
that a sample peak meter misses. The limiter looks ahead: it lowers the gain smoothly before each over.
"""

from __future__ import annotations

import numpy as np
import pyloudnorm
from scipy import ndimage, signal

TARGET_LUFS = -14.0
TRUE_PEAK_LIMIT = -1.0  # dBTP, the delivery promise
CEILING = -1.5  # dBTP the limiter aims for: 0.5 dB of room for the AAC encoder's own overshoot
OVERSAMPLE = 4
PEAK_CHUNK, PEAK_CONTEXT = 2**18, 64  # samples oversampled at a time, and the neighbours each side they need
LIMITER_LOOKAHEAD_S = 0.004  # the gain ramps down over this time before an over (and back up after the hold)
LIMITER_HOLD_S = 0.03  # and stays down this long after it, so close peaks share one dip instead of buzzing
BLOCK_S = 0.4  # BS.1770 gating block
MASTER_PASSES, MASTER_TOLERANCE_LU = 6, 0.2
FIRST_SLOPE = 0.5  # guess of the LU gained per dB of gain into a working limiter, before the target is bracketed
MAX_LIMIT_DB = 24.0  # the most gain the master adds beyond what the loudness alone asks for


def loudness(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness in LUFS; -inf for silence. Audio shorter than one gating block is measured padded."""
    if not np.any(samples):
        return float("-inf")
    minimum = int(np.ceil(BLOCK_S * rate)) + 1
    if len(samples) < minimum:
        samples = np.pad(samples, (0, minimum - len(samples)))
    # float32 in: pyloudnorm's working copy stays half the size, and the result agrees to 1e-7 LU
    return float(pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float32, copy=False)))


def _oversampled_peaks(samples: np.ndarray) -> np.ndarray:
    """Per input sample, the largest magnitude among its 4x oversampled values (computed a chunk at a time, with
    enough context for the interpolation filter, so memory stays small for long videos)."""
    peaks = np.empty(len(samples), np.float32)
    for start in range(0, len(samples), PEAK_CHUNK):
        low, high = max(0, start - PEAK_CONTEXT), min(len(samples), start + PEAK_CHUNK + PEAK_CONTEXT)
        upsampled = np.abs(signal.resample_poly(samples[low:high].astype(np.float32), OVERSAMPLE, 1))
        chunk = np.maximum.reduce([upsampled[phase::OVERSAMPLE][: high - low] for phase in range(OVERSAMPLE)])
        peaks[start : start + PEAK_CHUNK] = chunk[start - low : start - low + PEAK_CHUNK]
    return peaks


def true_peak(samples: np.ndarray) -> float:
    """True peak in dBTP (dB relative to full scale, 4x oversampled); -inf for silence."""
    if not np.any(samples):
        return float("-inf")
    return float(20 * np.log10(_oversampled_peaks(samples).max()))


def with_loudness(samples: np.ndarray, rate: int, target: float, sample_seconds: float | None = None) -> np.ndarray:
    """The samples scaled to ``target`` LUFS (silence stays silence); measured on their first ``sample_seconds``
    when given (enough for repetitive material such as a music loop, and cheaper on long videos)."""
    measured = samples if sample_seconds is None else samples[: int(sample_seconds * rate)]
    level = loudness(measured, rate)
    if not np.isfinite(level):
        return samples
    return (samples * 10 ** ((target - level) / 20)).astype(np.float32)


def _limiter_gain(peaks: np.ndarray, rate: int, ceiling: float) -> np.ndarray | None:
    """The limiter's gain curve for a signal with these per-sample true peaks (None: nothing to limit).

    The gain each sample needs is held at its minimum from ``lookahead`` before to ``hold`` after (a minimum
    filter), then averaged over ``lookahead``: since each average only spans samples whose held minimum covers
    this one, the gain never exceeds what the sample needs.
    """
    needed = np.minimum(np.float32(1.0), np.float32(10 ** (ceiling / 20)) / np.maximum(peaks, np.float32(1e-12)))
    if needed.min() >= 1.0:
        return None
    lookahead, hold = (2 * int(seconds * rate / 2) for seconds in (LIMITER_LOOKAHEAD_S, LIMITER_HOLD_S))
    held = ndimage.minimum_filter1d(needed, hold + lookahead + 1, origin=(hold - lookahead) // 2)
    return ndimage.uniform_filter1d(held, lookahead + 1)


def limit(samples: np.ndarray, rate: int, ceiling: float = CEILING) -> np.ndarray:
    """A look-ahead peak limiter on the true peak: the gain dips smoothly around every over and nowhere else."""
    if not np.any(samples):
        return samples
    gain = _limiter_gain(_oversampled_peaks(samples), rate, ceiling)
    return samples if gain is None else (samples * gain).astype(np.float32)


def master(samples: np.ndarray, rate: int, target: float = TARGET_LUFS, ceiling: float = CEILING) -> np.ndarray:
    """The mix at ``target`` LUFS integrated with its true peak at or under ``ceiling`` dBTP.

    Limiting takes some loudness off the peaks, so the gain in front of the limiter is solved for: loudness
    rises with the gain until heavy limiting flattens it, so the search keeps the gains known to fall short and
    to overshoot, steps by secant inside them (bisecting when a step would leave them), never goes more than
    MAX_LIMIT_DB past the unlimited gain, and keeps the closest result. True peaks scale with the gain, so the
    mix is oversampled once for all the steps.
    """
    level = loudness(samples, rate)
    if not np.isfinite(level):
        return samples
    peaks = _oversampled_peaks(samples)

    def limited(gain_db: float) -> tuple[np.ndarray, float]:
        scale = np.float32(10 ** (gain_db / 20))
        curve = _limiter_gain(peaks * scale, rate, ceiling)
        out = samples * scale if curve is None else (samples * scale * curve).astype(np.float32)
        return out, loudness(out, rate) - target

    low, high = target - level, target - level + MAX_LIMIT_DB  # short of the target (or on it) / the most gain
    gain = low
    mastered, miss = limited(gain)
    best = (abs(miss), mastered)
    short: tuple[float, float] | None = None  # (gain, miss) below the target
    over: tuple[float, float] | None = None  # (gain, miss) above it
    for _ in range(MASTER_PASSES):
        if abs(miss) <= MASTER_TOLERANCE_LU:
            break
        if miss < 0:
            short = (gain, miss)
        else:
            over = (gain, miss)
        ceiling_gain = over[0] if over else high
        if short and over:
            step = short[0] - short[1] * (over[0] - short[0]) / (over[1] - short[1])
        else:
            step = gain - miss / FIRST_SLOPE
        floor_gain = short[0] if short else low - MAX_LIMIT_DB
        gain = step if floor_gain < step < ceiling_gain else (floor_gain + ceiling_gain) / 2
        mastered, miss = limited(gain)
        best = min(best, (abs(miss), mastered), key=lambda candidate: candidate[0])
    mastered = best[1]
    peak = true_peak(mastered)
    if peak > ceiling:  # a hair over from gain smoothing between samples
        mastered = (mastered * 10 ** ((ceiling - peak) / 20)).astype(np.float32)
    return mastered
