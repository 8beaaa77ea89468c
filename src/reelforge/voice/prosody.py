"""How each emotion is spoken: Piper's synthesis knobs, plus the pitch shift Piper has no knob for.

Piper sets the speaking rate (length_scale), how lively the voice is (noise_scale), how uneven its rhythm is
(noise_w_scale) and the level (volume); an emotion scales the voice's own values. Pitch is moved afterwards by
resampling, which would also change the duration: so the sentence is first spoken longer (or shorter) by the
same ratio, and resampling brings it back to the emotion's rate. Timings are stretched with the audio (or
measured on it), so captions stay on the words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reelforge.encode import resample_mono
from reelforge.request import Emotion


@dataclass(frozen=True)
class Prosody:
    """How a narration is spoken, relative to the voice's own settings (1.0 keeps them): rate (length > 1 is
    slower), liveliness (noise), rhythm variation (noise_w); plus level (volume) and pitch in semitones."""

    length: float = 1.0
    noise: float = 1.0
    noise_w: float = 1.0
    volume: float = 1.0
    pitch_semitones: float = 0.0

    @property
    def pitch_ratio(self) -> float:
        return float(2 ** (self.pitch_semitones / 12))


PROSODY: dict[Emotion, Prosody] = {
    Emotion.neutral: Prosody(),
    Emotion.happy: Prosody(0.92, 1.12, 1.12, 1.0, 1.0),
    Emotion.sad: Prosody(1.2, 0.75, 0.75, 0.55, -1.5),
    Emotion.angry: Prosody(0.92, 1.2, 1.2, 1.0, 0.5),
    Emotion.surprised: Prosody(0.94, 1.2, 1.25, 0.95, 1.5),
    Emotion.fearful: Prosody(0.95, 1.27, 1.25, 0.7, 1.0),
    Emotion.disgusted: Prosody(1.1, 0.9, 0.88, 0.8, -1.0),
    Emotion.excited: Prosody(0.84, 1.2, 1.25, 1.0, 1.5),
    Emotion.calm: Prosody(1.12, 0.82, 0.81, 0.7, -0.5),
    Emotion.confident: Prosody(0.97, 0.9, 0.88, 1.0, -0.5),
}


def synthesis_config(prosody: Prosody, voice_config, rate_factor: float = 1.0):  # -> piper.SynthesisConfig
    """Piper's settings for a prosody on a voice (its piper.PiperConfig), spoken ``rate_factor`` times longer,
    and lengthened by the pitch ratio that shift_pitch will take back."""
    from piper import SynthesisConfig

    return SynthesisConfig(
        length_scale=voice_config.length_scale * prosody.length * rate_factor * prosody.pitch_ratio,
        noise_scale=voice_config.noise_scale * prosody.noise,
        noise_w_scale=voice_config.noise_w_scale * prosody.noise_w,
        volume=prosody.volume)


def shift_pitch(audio: np.ndarray, sample_rate: int, prosody: Prosody) -> np.ndarray:
    """Raise (or lower) the pitch by the prosody's ratio; the audio gets shorter (longer) by the same ratio."""
    if prosody.pitch_semitones == 0.0:
        return audio
    return resample_mono(audio, round(sample_rate * prosody.pitch_ratio), sample_rate)
