"""Performance curves: every face control over every frame, from the narration, the emotion and the seed.

Mouth: each phoneme's viseme is a key at the phoneme's middle, keys are blended linearly into their
neighbours (co-articulation), the jaw also follows the narration's loudness, the mouth shuts where the voice
is silent, and the mouth controls are smoothed with an exponential moving average (alpha 0.7 on the newest
value). Around it: seeded blinks every 2-6 s (sometimes double), gaze saccades, head wobble (0.05 Hz side to
side, 0.03 Hz up and down) with a nod on loud syllables, breathing at 0.12 Hz and micro-expressions at 0.3 Hz,
all scaled by the emotion's energy, on top of the emotion's resting expression.

The whole table is computed up front, so any frame can be drawn on its own (segments, previews).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reelforge.character.emotion import EXPRESSIONS
from reelforge.character.rig import CONTROLS, VISEMES, FaceControls, control_index, viseme_of
from reelforge.request import Emotion
from reelforge.voice.alignment import HOP_S, energy_envelope
from reelforge.voice.narration import Narration

MOUTH_ALPHA = 0.7  # exponential smoothing of the mouth: weight of the newest frame
SILENCE = 0.08  # loudness (relative to the narration's loud level) under which the mouth shuts
HEAD_X_HZ, HEAD_Y_HZ, ROLL_HZ = 0.05, 0.03, 0.04
BREATH_HZ = 0.12
MICRO_HZ = 0.3
BLINK_GAP_S = (2.0, 6.0)
DOUBLE_BLINK = 0.15  # chance that a blink is a double blink


@dataclass(frozen=True)
class Performance:
    """The control table (frames x CONTROLS) at ``fps``, and the loudness it followed."""

    table: np.ndarray
    fps: float
    loudness: np.ndarray

    def at(self, frame: int) -> FaceControls:
        return FaceControls.from_vector(self.table[min(max(frame, 0), len(self.table) - 1)])

    def curve(self, name: str) -> np.ndarray:
        return self.table[:, control_index(name)]


def frame_loudness(narration: Narration, fps: float, frame_count: int) -> np.ndarray:
    """The narration's RMS envelope at frame times, 0..1 relative to its loud (95th percentile) level."""
    envelope = energy_envelope(narration.audio, narration.sample_rate)
    times = np.arange(frame_count) / fps
    level = np.interp(times, (np.arange(len(envelope)) + 0.5) * HOP_S, envelope, right=0.0)
    loud = np.percentile(envelope, 95) if envelope.size else 0.0
    return np.clip(level / loud, 0.0, 1.0) if loud > 0 else np.zeros(frame_count)


def viseme_track(narration: Narration, times: np.ndarray) -> np.ndarray:
    """Mouth targets (jaw_open, mouth_wide, lip_press, lip_tuck) per frame, blended between phoneme keys."""
    keys_t: list[float] = []
    keys: list[tuple[float, float, float, float]] = []
    previous_end = -1.0
    for phoneme in narration.phonemes:
        if phoneme.start - previous_end > 0.12:  # a pause: the mouth comes back to rest between words
            rest = VISEMES["rest"]
            keys_t += [previous_end + 0.06, phoneme.start - 0.04]
            keys += [(rest.jaw_open, rest.mouth_wide, rest.lip_press, rest.lip_tuck)] * 2
        viseme = VISEMES[viseme_of(phoneme.text)]
        keys_t.append((phoneme.start + phoneme.end) / 2)
        keys.append((viseme.jaw_open, viseme.mouth_wide, viseme.lip_press, viseme.lip_tuck))
        previous_end = phoneme.end
    if not keys_t:
        return np.zeros((len(times), 4))
    order = np.argsort(keys_t, kind="stable")
    key_times = np.asarray(keys_t)[order]
    values = np.asarray(keys)[order]
    return np.stack([np.interp(times, key_times, values[:, k], left=0.0, right=0.0) for k in range(4)], 1)


def ema(values: np.ndarray, alpha: float) -> np.ndarray:
    """Exponential moving average along the first axis: y[n] = alpha x[n] + (1 - alpha) y[n-1]."""
    smoothed = np.empty_like(values)
    state = values[0]
    for index, value in enumerate(values):
        state = alpha * value + (1.0 - alpha) * state
        smoothed[index] = state
    return smoothed


def blink_curve(times: np.ndarray, rng: np.random.Generator, rate: float) -> np.ndarray:
    """Eyelid closure 0..1: blinks at seeded gaps of 2-6 s (divided by ``rate``), some of them double."""
    lid = np.zeros_like(times)
    clock = rng.uniform(0.4, 2.0)
    end = times[-1] if times.size else 0.0
    while clock < end:
        starts = [clock, clock + 0.28] if rng.random() < DOUBLE_BLINK else [clock]
        for start in starts:
            phase = times - start
            closing = np.clip(phase / 0.07, 0, 1)
            opening = np.clip(1 - (phase - 0.1) / 0.1, 0, 1)
            lid = np.maximum(lid, np.where((phase >= 0) & (phase < 0.2), np.minimum(closing, opening), 0.0))
        clock += rng.uniform(*BLINK_GAP_S) / rate
    return lid


def saccades(times: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Gaze that holds mostly on the camera and darts away now and then (every 0.8-2.5 s)."""
    gaze = np.zeros((len(times), 2))
    clock, target = 0.0, np.zeros(2)
    end = times[-1] if times.size else 0.0
    while clock <= end:
        hold = rng.uniform(0.8, 2.5)
        gaze[(times >= clock) & (times < clock + hold)] = target
        target = np.zeros(2) if rng.random() < 0.55 else rng.uniform([-0.7, -0.4], [0.7, 0.3])
        clock += hold
    smoothed = ema(gaze, 0.55)
    return smoothed[:, 0], smoothed[:, 1]


def perform(narration: Narration, fps: float, frame_count: int, emotion: Emotion, seed: int) -> Performance:
    """The control table for a narration spoken with an emotion."""
    rng = np.random.default_rng([seed, 0x5EED])
    expression = EXPRESSIONS[emotion]
    energy = expression.energy
    times = np.arange(frame_count) / fps
    loudness = frame_loudness(narration, fps, frame_count)
    speaking = loudness > SILENCE

    mouth = viseme_track(narration, times)
    jaw = np.where(speaking, 0.45 * mouth[:, 0] + 0.75 * loudness ** 0.8 * min(energy, 1.3), 0.0)
    mouth = np.column_stack([jaw, mouth[:, 1] * speaking, mouth[:, 2], mouth[:, 3] * speaking])
    mouth = ema(mouth, MOUTH_ALPHA)

    table = np.zeros((frame_count, len(CONTROLS)))
    column = {name: control_index(name) for name in CONTROLS}
    phase = rng.uniform(0, 2 * np.pi, 6)
    swell = 0.65 + 0.35 * np.sin(2 * np.pi * 0.05 * times + phase[1])  # some passing expressions are stronger
    micro = 0.5 + 0.5 * swell * np.sin(2 * np.pi * MICRO_HZ * times + phase[0])
    blink = blink_curve(times, rng, expression.blink_rate)
    gaze_x, gaze_y = saccades(times, rng)
    nod = ema(loudness, 0.15) * 0.05 * energy

    table[:, column["jaw_open"]] = np.clip(mouth[:, 0] + expression.jaw, 0, 1)
    table[:, column["mouth_wide"]] = np.clip(mouth[:, 1] + 0.25 * expression.smile, -1, 1)
    table[:, column["lip_press"]] = mouth[:, 2]
    table[:, column["lip_tuck"]] = mouth[:, 3]
    table[:, column["smile"]] = np.clip(expression.smile + 0.12 * energy * (micro - 0.5), -1, 1)
    for side in ("lid_left", "lid_right"):
        table[:, column[side]] = np.maximum(blink, expression.lid)
    table[:, column["eye_wide"]] = expression.eye_wide
    table[:, column["gaze_x"]], table[:, column["gaze_y"]] = gaze_x, gaze_y
    brow_talk = 0.18 * energy * ema(loudness, 0.2)  # brows lift a little with emphasis
    table[:, column["brow_left"]] = np.clip(expression.brow + brow_talk + 0.1 * energy * (micro - 0.5), -1, 1)
    table[:, column["brow_right"]] = np.clip(expression.brow + brow_talk * 0.8 + 0.08 * energy * (0.5 - micro),
                                             -1, 1)
    table[:, column["brow_furrow"]] = expression.furrow
    table[:, column["head_yaw"]] = 0.07 * energy * np.sin(2 * np.pi * HEAD_X_HZ * times + phase[2])
    table[:, column["head_pitch"]] = (expression.head_pitch + nod
                                      + 0.045 * energy * np.sin(2 * np.pi * HEAD_Y_HZ * times + phase[3]))
    table[:, column["head_roll"]] = 0.035 * energy * np.sin(2 * np.pi * ROLL_HZ * times + phase[4])
    table[:, column["breath"]] = np.sin(2 * np.pi * BREATH_HZ * times + phase[5])
    table[:, column["micro"]] = micro * energy
    return Performance(table, fps, loudness)
