"""Sound effects made offline: whooshes, risers and impacts on the scene transitions; rain, wind and crackle
beds under the scenes whose atmosphere calls for them.

A transition sits on the boundary between two scenes (the plan's scene starts): a whoosh peaks on it, a riser
ends on it, an impact hits on it. Beds fade in and out with their scenes over the transition time.
"""

from __future__ import annotations

import numpy as np
from scipy import signal

from reelforge.audio.mix import curve_at, loop_to
from reelforge.audio.synth import SINE, add_at, band, decay, harmonics, oscillate, wavetable
from reelforge.plan import TRANSITION_S, ScenePlan
from reelforge.request import Emotion

WHOOSH_S, RISER_S, IMPACT_S = 0.9, 1.2, 1.4
BED_LOOP_S = 30.0
WHOOSH_PEAK = 0.62  # where in the whoosh its loudest moment (the boundary) falls

TRANSITION_SOUNDS: dict[Emotion, tuple[str, ...]] = {
    Emotion.neutral: ("whoosh",),
    Emotion.happy: ("whoosh",),
    Emotion.sad: ("whoosh",),
    Emotion.calm: ("whoosh",),
    Emotion.surprised: ("whoosh", "impact"),
    Emotion.excited: ("whoosh", "impact"),
    Emotion.confident: ("whoosh", "impact"),
    Emotion.angry: ("riser", "impact"),
    Emotion.fearful: ("riser", "impact"),
    Emotion.disgusted: ("riser",),
}
ATMOSPHERE_SOUNDS = {"rain": "rain", "fog": "wind", "snow": "wind", "dust": "wind", "sparks": "crackle"}


def _moving_band(noise: np.ndarray, rate: int, centers: np.ndarray, octaves: float) -> np.ndarray:
    """Noise through a band-pass whose centre follows ``centers`` (Hz, spread evenly over the sound)."""
    freqs, times, spectrum = signal.stft(noise, rate, nperseg=1024)
    center = np.interp(times, np.linspace(0, len(noise) / rate, len(centers)), centers)
    distance = np.log2(np.maximum(freqs[:, None], 20.0) / center[None, :])
    _, filtered = signal.istft(spectrum * np.exp(-0.5 * (distance / octaves) ** 2), rate, nperseg=1024)
    return filtered[: len(noise)].astype(np.float32)


def _normalized(sound: np.ndarray) -> np.ndarray:
    return (sound / (np.abs(sound).max() + 1e-9)).astype(np.float32)


def whoosh(rate: int, rng: np.random.Generator, seconds: float = WHOOSH_S) -> np.ndarray:
    """Air rushing past: a noise band sweeping up to its loudest point, then away."""
    count = int(seconds * rate)
    t = np.arange(count, dtype=np.float32) / count
    rise = np.clip(t / WHOOSH_PEAK, 0, 1) ** 2.5
    fall = np.exp(-np.maximum(t - WHOOSH_PEAK, 0) * 9.0)
    centers = np.concatenate([np.geomspace(250, 2400, 62), np.geomspace(2400, 700, 38)])
    sound = _moving_band(rng.standard_normal(count).astype(np.float32), rate, centers, 0.6) * rise * fall
    return _normalized(sound * np.linspace(1, 0, count) ** 0.3)


def riser(rate: int, rng: np.random.Generator, seconds: float = RISER_S) -> np.ndarray:
    """Tension building to the cut: rising noise and a rising tone, growing louder, ending on the boundary."""
    count = int(seconds * rate)
    t = np.arange(count, dtype=np.float32) / count
    noise = _moving_band(rng.standard_normal(count).astype(np.float32), rate, np.geomspace(300, 6000, 50), 0.5)
    tone = oscillate(wavetable(harmonics(6, 1.5)), 110.0 * 2 ** (3 * t), count, rate)
    swell = t**2.2 * np.clip((1 - t) * seconds / 0.015, 0, 1)
    return _normalized((_normalized(noise) + 0.35 * tone) * swell)


def impact(rate: int, rng: np.random.Generator, seconds: float = IMPACT_S) -> np.ndarray:
    """A hit on the cut: a deep falling boom, a thud and a short airy tail."""
    count = int(seconds * rate)
    t = np.arange(count) / rate
    boom = oscillate(SINE, 38.0 + 55.0 * np.exp(-t / 0.07), count, rate) * decay(count, rate, 0.45)
    noise = rng.standard_normal(count).astype(np.float32)
    thud = _normalized(band(noise, rate, None, 350.0)) * decay(count, rate, 0.06)
    air = _normalized(band(noise, rate, 2000.0, 9000.0)) * decay(count, rate, 0.3)
    return _normalized(boom + 0.6 * thud + 0.12 * air)


def transition_times(scenes: list[ScenePlan]) -> list[float]:
    """The boundaries between scenes, where the picture transitions."""
    return [scene.start for scene in scenes[1:]]


def transition_effects(emotion: Emotion, times: list[float], count: int, rate: int, seed: int) -> np.ndarray:
    """``count`` samples holding the emotion's transition sounds on each boundary in ``times`` (seconds)."""
    rng = np.random.default_rng((seed, 7))
    track = np.zeros(count, np.float32)
    makers = {"whoosh": whoosh, "riser": riser, "impact": impact}
    sounds = {name: makers[name](rate, rng) for name in TRANSITION_SOUNDS[emotion]} if times else {}
    levels = {"whoosh": 1.0, "riser": 0.8, "impact": 0.9}
    for time in times:
        boundary = round(time * rate)
        for name, sound in sounds.items():
            offset = {"whoosh": -round(WHOOSH_PEAK * len(sound)), "riser": -len(sound), "impact": 0}[name]
            add_at(track, boundary + offset, sound * levels[name])
    return track


def _gusts(count: int, rate: int, rng: np.random.Generator, every: float, low: float) -> np.ndarray:
    """A slowly wandering level between ``low`` and 1, a new target every ``every`` seconds, eased between."""
    points = rng.uniform(low, 1.0, int(count / rate / every) + 3)
    position = np.arange(0.0, count / rate / every + 1, 0.01 / every)  # a control value every 10 ms
    index = position.astype(np.int64)
    ease = 0.5 - 0.5 * np.cos(np.pi * (position - index))
    return curve_at(position * every, points[index] * (1 - ease) + points[index + 1] * ease, count, rate)


def _drops(count: int, rate: int, rng: np.random.Generator, per_second: float, pitches: tuple[float, ...],
           ring: float) -> np.ndarray:
    """Random droplets (or sparks): short decaying pings at random times with random strengths."""
    out = np.zeros(count, np.float32)
    length = int(ring * 6 * rate)
    for hz in pitches:
        impulses = np.zeros(count, np.float32)
        hits = rng.integers(0, count, int(per_second * count / rate / len(pitches)))
        impulses[hits] = rng.pareto(3.0, len(hits)).astype(np.float32)
        ping = oscillate(SINE, hz, length, rate, rng.random()) * decay(length, rate, ring, 0.0005)
        out += signal.oaconvolve(impulses, ping)[:count].astype(np.float32)
    return out


def rain(count: int, rate: int, rng: np.random.Generator) -> np.ndarray:
    """Rain: a bright hiss, a soft distant rumble and droplets."""
    noise = rng.standard_normal(count).astype(np.float32)
    hiss = _normalized(band(noise, rate, 800.0, 9000.0)) * _gusts(count, rate, rng, 1.5, 0.7)
    rumble = _normalized(band(noise, rate, 60.0, 400.0))
    drops = _normalized(_drops(count, rate, rng, 45.0, (2600.0, 3700.0, 5100.0), 0.004))
    return _normalized(0.5 * hiss + 0.35 * rumble + 0.35 * drops)


def wind(count: int, rate: int, rng: np.random.Generator) -> np.ndarray:
    """Wind: low and mid noise bands, each swelling in its own slow gusts."""
    low = _normalized(band(rng.standard_normal(count).astype(np.float32), rate, 70.0, 450.0))
    mid = _normalized(band(rng.standard_normal(count).astype(np.float32), rate, 350.0, 1400.0))
    return _normalized(low * _gusts(count, rate, rng, 1.8, 0.25) + 0.5 * mid * _gusts(count, rate, rng, 1.1, 0.1))


def crackle(count: int, rate: int, rng: np.random.Generator) -> np.ndarray:
    """Fire: sparse bright crackles over a soft low roar."""
    roar = _normalized(band(rng.standard_normal(count).astype(np.float32), rate, 80.0, 700.0))
    pops = _normalized(_drops(count, rate, rng, 14.0, (1800.0, 3200.0), 0.002))
    return _normalized(0.25 * roar * _gusts(count, rate, rng, 0.8, 0.5) + pops)


def scene_presence(scenes: list[ScenePlan], kind: str, count: int, rate: int) -> np.ndarray:
    """1 while a scene whose atmosphere sounds as ``kind`` is on, 0 elsewhere, eased over the transitions."""
    times = [0.0]
    levels = [float(ATMOSPHERE_SOUNDS.get(scenes[0].atmosphere or "") == kind)]
    for scene in scenes[1:]:
        level = float(ATMOSPHERE_SOUNDS.get(scene.atmosphere or "") == kind)
        times += [scene.start - TRANSITION_S / 2, scene.start + TRANSITION_S / 2]
        levels += [levels[-1], level]
    times.append(count / rate)
    levels.append(levels[-1])
    return curve_at(np.array(times), np.array(levels), count, rate)


def atmosphere_bed(scenes: list[ScenePlan], count: int, rate: int, seed: int) -> np.ndarray:
    """``count`` samples of the beds the scenes' atmospheres call for, each present during its scenes (a bed is
    made BED_LOOP_S long and looped beyond that)."""
    rng = np.random.default_rng((seed, 11))
    makers = {"rain": rain, "wind": wind, "crackle": crackle}
    kinds = sorted({ATMOSPHERE_SOUNDS[s.atmosphere] for s in scenes if s.atmosphere in ATMOSPHERE_SOUNDS})
    bed = np.zeros(count, np.float32)
    for kind in kinds:
        sound = makers[kind](min(count, int(BED_LOOP_S * rate)), rate, rng)
        bed += loop_to(sound, count, rate) * scene_presence(scenes, kind, count, rate)
    return bed
