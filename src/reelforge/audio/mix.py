"""Mixing tools: side-chain ducking of the music under the voice, fades, control curves, fitting and looping
stems to length.

Ducking follows the voice's energy envelope like a compressor's side-chain: the music goes down by up to
DUCK_DB as the voice comes in (attack), and back up slowly in pauses (release). The whole voice is known before
mixing, so the side-chain looks ahead: the music is already down when the first syllable lands.
"""

from __future__ import annotations

import numpy as np

from reelforge.voice.alignment import HOP_S, energy_envelope

DUCK_DB = 8.0  # how far the music drops under the voice
ATTACK_S = 0.08
RELEASE_S = 0.5
LOOKAHEAD_S = 0.06
VOICE_RANGE_DB = 30.0  # the voice counts as speaking within this many dB of its loudest moment
KNEE_DB = 10.0  # the ducking grows from nothing to full over this many dB of voice level
LOOP_CROSSFADE_S = 1.0
CHUNK = 2**20  # samples interpolated at a time


def follow(target: np.ndarray, attack: float, release: float, step: float, start: float = 0.0) -> np.ndarray:
    """Smooth a control curve (one value every ``step`` s, from ``start``): rises with time constant ``attack``,
    falls with ``release``."""
    up, down = 1 - np.exp(-step / attack), 1 - np.exp(-step / release)
    out = np.empty_like(target)
    level = start
    for index, value in enumerate(target):
        level += (value - level) * (up if value > level else down)
        out[index] = level
    return out


def duck_gain(voice: np.ndarray, rate: int, depth_db: float = DUCK_DB) -> np.ndarray:
    """Per-sample gain (1 in silence, down to -``depth_db`` dB under speech) for the music under ``voice``."""
    envelope = energy_envelope(voice, rate)
    if not np.any(envelope):
        return np.ones(len(voice), np.float32)
    level_db = 20 * np.log10(np.maximum(envelope, 1e-9) / envelope.max())
    speaking = np.clip((level_db + VOICE_RANGE_DB) / KNEE_DB, 0.0, 1.0)
    ahead = int(LOOKAHEAD_S / HOP_S)
    speaking = np.concatenate([speaking[ahead:], np.zeros(ahead)])
    amount = follow(speaking, ATTACK_S, RELEASE_S, HOP_S)
    return curve_at((np.arange(len(amount)) + 0.5) * HOP_S, 10 ** (-depth_db * amount / 20), len(voice), rate)


def curve_at(times: np.ndarray, values: np.ndarray, count: int, rate: int) -> np.ndarray:
    """A control curve given at ``times`` (seconds), linearly interpolated to ``count`` samples at ``rate``
    (a chunk at a time, so long videos need no large temporary arrays)."""
    curve = np.empty(count, np.float32)
    for start in range(0, count, CHUNK):
        stop = min(count, start + CHUNK)
        curve[start:stop] = np.interp(np.arange(start, stop) / rate, times, values)
    return curve


def fades(count: int, rate: int, fade_in: float, fade_out: float) -> np.ndarray:
    """A gain curve rising over the first ``fade_in`` s and falling to 0 over the last ``fade_out`` s
    (raised-cosine; each fade at most a third of the length)."""
    curve = np.ones(count, np.float32)
    rise, fall = (min(int(seconds * rate), count // 3) for seconds in (fade_in, fade_out))
    if rise:
        curve[:rise] = 0.5 - 0.5 * np.cos(np.pi * np.arange(rise) / rise)
    if fall:
        curve[count - fall :] *= 0.5 - 0.5 * np.cos(np.pi * np.arange(fall, 0, -1) / fall)
    return curve


def fit_length(samples: np.ndarray, count: int) -> np.ndarray:
    """The samples cut, or padded with silence, to ``count``."""
    if len(samples) >= count:
        return samples[:count]
    return np.pad(samples, (0, count - len(samples)))


def loop_to(sound: np.ndarray, count: int, rate: int, crossfade: float = LOOP_CROSSFADE_S) -> np.ndarray:
    """The sound cut to ``count`` samples, or looped to it: its end crossfades (equal power) into its beginning,
    so the seam neither clicks nor dips."""
    if len(sound) >= count:
        return sound[:count]
    overlap = min(int(crossfade * rate), len(sound) // 4)
    angle = np.linspace(0.0, np.pi / 2, overlap, dtype=np.float32)
    seam = sound[len(sound) - overlap :] * np.cos(angle) + sound[:overlap] * np.sin(angle)
    cycle = np.concatenate([sound[overlap : len(sound) - overlap], seam])  # repeats after the first pass
    repeats = int(np.ceil((count - overlap) / len(cycle)))
    return np.concatenate([sound[:overlap], np.tile(cycle, repeats)])[:count]
