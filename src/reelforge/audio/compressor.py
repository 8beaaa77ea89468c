"""Voice compression before the master, as in a broadcast voice chain: the limiter is left with less to do.

Speech peaks about 20 dB over its loudness; -14 LUFS under a -1.5 dBTP ceiling leaves room for 12.5. With the
master's peak limiter alone, the limiter worked through most of the speech (a mean 6.6 dB of reduction on a
calm narration, 11 dB on an excited one). The compressor evens the syllables out first: its detector reads the
voice's peak every 2.5 ms, and above a threshold set from the voice's own loud level it lowers the gain by 3:1
(soft knee), fast (attack) and letting go slowly (release). The whole voice is known before mixing, so the
detector looks ahead by the attack: the gain is already down when a loud syllable lands. Measured on those
narrations: the limiter's mean reduction falls to 3.3 and 8.4 dB. What is left is the waveform's own crest
(a vowel's glottal pulses), which only a limiter can take.

Only synthesized narration is compressed. A recording keeps its own dynamics: the loudness the master adds back
after compression would lift its room noise in the pauses by as much as the syllables were brought down.
"""

from __future__ import annotations

import numpy as np

from reelforge.audio.mix import curve_at, follow

THRESHOLD_UNDER_LOUD_DB = 12.0  # the threshold sits this far under the voice's loud level
LOUD_PERCENTILE = 95  # the loud level: this percentile of the speaking windows' levels
SPEAKING_RANGE_DB = 40.0  # windows within this many dB of the loudest count as speech
RATIO = 3.0
KNEE_DB = 6.0
ATTACK_S, RELEASE_S = 0.005, 0.15
HOP_S = 0.0025  # the detector's resolution


def gain_reduction_db(level_db: np.ndarray, threshold_db: float, ratio: float = RATIO,
                      knee_db: float = KNEE_DB) -> np.ndarray:
    """The static curve: dB of reduction for each input level (0 under the knee, (1 - 1/ratio) per dB over it,
    a quadratic blend across it)."""
    over = level_db - threshold_db
    slope = 1.0 - 1.0 / ratio
    knee = slope * np.square(np.clip(over + knee_db / 2, 0.0, knee_db)) / (2 * knee_db)
    return np.where(over >= knee_db / 2, slope * over, knee)


def peak_envelope(samples: np.ndarray, rate: int) -> np.ndarray:
    """The largest magnitude in each HOP_S window."""
    hop = max(1, int(rate * HOP_S))
    count = max(1, -(-len(samples) // hop))
    padded = np.zeros(count * hop, np.float32)
    padded[: len(samples)] = np.abs(samples)
    return padded.reshape(count, hop).max(axis=1)


def compress_voice(voice: np.ndarray, rate: int) -> np.ndarray:
    """The voice with its loud syllables brought down towards its body (silence stays silence)."""
    envelope = peak_envelope(voice, rate)
    if not np.any(envelope):
        return voice
    level = 20 * np.log10(np.maximum(envelope, 1e-9))
    speaking = level[level > level.max() - SPEAKING_RANGE_DB]
    reduction = gain_reduction_db(level, float(np.percentile(speaking, LOUD_PERCENTILE)) - THRESHOLD_UNDER_LOUD_DB)
    ahead = max(1, round(3 * ATTACK_S / HOP_S))  # three time constants: 95 % of the reduction is in place in time
    reduction = np.concatenate([reduction[ahead:], np.full(ahead, reduction[-1])])
    smoothed = follow(reduction, ATTACK_S, RELEASE_S, HOP_S, start=float(reduction[0]))  # also for a voice from t=0
    gain = curve_at((np.arange(len(smoothed)) + 0.5) * HOP_S, 10 ** (-smoothed / 20), len(voice), rate)
    return (voice * gain).astype(np.float32)
