"""How each emotion is spoken: Piper's synthesis knobs, plus the pitch shift Piper has no knob for.

Piper sets the speaking rate (length_scale), how lively the voice is (noise_scale), how uneven its rhythm is
(noise_w_scale) and the level (volume). Pitch is moved afterwards by resampling, which would also change the
duration: so the sentence is first spoken longer (or shorter) by the same ratio, and resampling brings it back
to the emotion's rate. Timings are measured on the shifted audio, so captions stay on the words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reelforge.encode import resample_mono
from reelforge.request import Emotion


@dataclass(frozen=True)
class Prosody:
    """Rate (length_scale > 1 is slower), liveliness, rhythm variation, level and pitch of a narration."""

    length_scale: float = 1.0
    noise_scale: float = 0.667
    noise_w_scale: float = 0.8
    volume: float = 1.0
    pitch_semitones: float = 0.0

    @property
    def pitch_ratio(self) -> float:
        return float(2 ** (self.pitch_semitones / 12))


PROSODY: dict[Emotion, Prosody] = {
    Emotion.neutral: Prosody(),
    Emotion.happy: Prosody(0.92, 0.75, 0.9, 1.0, 1.0),
    Emotion.sad: Prosody(1.2, 0.5, 0.6, 0.55, -1.5),
    Emotion.angry: Prosody(0.92, 0.8, 0.95, 1.0, 0.5),
    Emotion.surprised: Prosody(0.94, 0.8, 1.0, 0.95, 1.5),
    Emotion.fearful: Prosody(0.95, 0.85, 1.0, 0.7, 1.0),
    Emotion.disgusted: Prosody(1.1, 0.6, 0.7, 0.8, -1.0),
    Emotion.excited: Prosody(0.84, 0.8, 1.0, 1.0, 1.5),
    Emotion.calm: Prosody(1.12, 0.55, 0.65, 0.7, -0.5),
    Emotion.confident: Prosody(0.97, 0.6, 0.7, 1.0, -0.5),
}


def synthesis_config(prosody: Prosody, rate_factor: float = 1.0):  # -> piper.SynthesisConfig
    """Piper's settings for a prosody, spoken ``rate_factor`` times longer, lengthened for the pitch shift."""
    from piper import SynthesisConfig

    return SynthesisConfig(length_scale=prosody.length_scale * rate_factor * prosody.pitch_ratio,
                           noise_scale=prosody.noise_scale, noise_w_scale=prosody.noise_w_scale,
                           volume=prosody.volume)


def shift_pitch(audio: np.ndarray, sample_rate: int, prosody: Prosody) -> np.ndarray:
    """Raise (or lower) the pitch by the prosody's ratio; the audio gets shorter (longer) by the same ratio."""
    if prosody.pitch_semitones == 0.0:
        return audio
    return resample_mono(audio, round(sample_rate * prosody.pitch_ratio), sample_rate)
