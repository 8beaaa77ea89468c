"""Emotions as face controls, and the emotion of a narration detected from its audio and its words.

Each of SPEC.md's ten emotions is an ``Expression``: a resting offset of the face controls and the energy
(how far head, jaw and micro-expressions move) and blink rate of the performance. When a request leaves the
emotion at its default, ``detect_emotion`` reads the narration: text valence from the VADER lexicon, arousal
from the audio (loudness, pitch level and spread, speaking rate), and a few emotion words.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from reelforge.request import Emotion
from reelforge.voice.alignment import energy_envelope
from reelforge.voice.narration import Narration


@dataclass(frozen=True)
class Expression:
    """Resting offsets of the controls and the performance's energy and blink rate for one emotion."""

    smile: float = 0.0
    brow: float = 0.0  # both brows: + raised, - lowered
    furrow: float = 0.0
    eye_wide: float = 0.0
    lid: float = 0.0  # drooping upper lids
    jaw: float = 0.0  # mouth left slightly open
    head_pitch: float = 0.0  # + looks down, - chin up
    energy: float = 1.0  # scales head wobble, jaw travel and micro-expressions
    blink_rate: float = 1.0  # blinks per second relative to neutral


EXPRESSIONS: dict[Emotion, Expression] = {
    Emotion.neutral: Expression(),
    Emotion.happy: Expression(smile=0.7, brow=0.3, eye_wide=0.1, energy=1.2),
    Emotion.sad: Expression(smile=-0.55, brow=-0.1, furrow=0.35, lid=0.35, head_pitch=0.09, energy=0.6,
                            blink_rate=0.8),
    Emotion.angry: Expression(smile=-0.35, brow=-0.65, furrow=1.0, lid=0.15, head_pitch=0.04, energy=1.3),
    Emotion.surprised: Expression(brow=1.0, eye_wide=1.0, jaw=0.18, energy=1.2, blink_rate=0.6),
    Emotion.fearful: Expression(smile=-0.25, brow=0.7, furrow=0.5, eye_wide=0.8, energy=1.1, blink_rate=1.6),
    Emotion.disgusted: Expression(smile=-0.45, brow=-0.35, furrow=0.6, lid=0.25, head_pitch=-0.03, energy=0.9),
    Emotion.excited: Expression(smile=0.9, brow=0.6, eye_wide=0.45, jaw=0.05, energy=1.5, blink_rate=1.2),
    Emotion.calm: Expression(smile=0.2, lid=0.22, energy=0.6, blink_rate=0.7),
    Emotion.confident: Expression(smile=0.35, brow=0.1, lid=0.05, head_pitch=-0.06, energy=1.0),
}

_WORDS: dict[Emotion, set[str]] = {
    Emotion.fearful: {"afraid", "fear", "scared", "terrified", "panic", "danger", "dread", "horror", "nightmare"},
    Emotion.angry: {"angry", "furious", "rage", "hate", "outrage", "unfair", "fight", "enough"},
    Emotion.surprised: {"suddenly", "surprise", "surprising", "unexpected", "wow", "whoa", "shocking",
                        "amazing", "unbelievable"},
    Emotion.disgusted: {"disgusting", "gross", "filthy", "rotten", "vile", "sick", "nasty"},
    Emotion.sad: {"sad", "lost", "alone", "grief", "cry", "tears", "goodbye", "miss", "lonely", "sorry"},
    Emotion.calm: {"calm", "quiet", "gentle", "slow", "breathe", "peace", "peaceful", "still", "soft", "rest"},
    Emotion.confident: {"will", "can", "sure", "certain", "proven", "master", "control", "strong", "best"},
}


@dataclass(frozen=True)
class DetectedEmotion:
    """The emotion read from a narration and why."""

    emotion: Emotion
    valence: float
    arousal: float
    reason: str


@lru_cache(maxsize=1)
def _sentiment():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def pitch_track(audio: np.ndarray, rate: int) -> np.ndarray:
    """The voice's f0 every hop (librosa's YIN, 70-400 Hz).

    librosa compiles YIN with numba into an on-disk cache that every process shares. Two processes compiling
    different signatures at once can leave the cache's index naming the other's machine code, and every later
    run segfaults; so calls are serialised across processes (a file lock, held for milliseconds once compiled).
    """
    import librosa
    from filelock import FileLock

    with FileLock(Path(tempfile.gettempdir()) / "reelforge-librosa-numba.lock"):
        return librosa.yin(audio, fmin=70, fmax=400, sr=rate, frame_length=1024)


def audio_arousal(narration: Narration) -> tuple[float, dict[str, float]]:
    """Arousal -1..1 from loudness, pitch level and spread and speaking rate, with the measured features.

    The reference values are the packaged voice reading neutral text at its normal rate.
    """
    rate = narration.sample_rate
    envelope = energy_envelope(narration.audio, rate)
    voiced = envelope[envelope > envelope.max() * 0.1] if envelope.size and envelope.max() > 0 else envelope
    loudness = float(20 * np.log10(np.mean(voiced) + 1e-9)) if voiced.size else -90.0
    f0 = pitch_track(narration.audio, rate)
    f0 = f0[(f0 > 75) & (f0 < 390)]
    pitch = float(np.median(f0)) if f0.size else 0.0
    spread = float(np.std(np.log2(f0)) * 12) if f0.size else 0.0  # semitones
    speech = max(narration.speech_end - (narration.words[0].start if narration.words else 0.0), 1e-3)
    words_per_s = len(narration.words) / speech
    arousal = (np.tanh((loudness + 16.0) / 6.0) * 0.3 + np.tanh((spread - 2.2) / 1.5) * 0.35
               + np.tanh((words_per_s - 2.6) / 0.8) * 0.35)
    features = {"loudness_db": loudness, "pitch_hz": pitch, "pitch_spread_st": spread, "words_per_s": words_per_s}
    return float(arousal), features


def detect_emotion(narration: Narration, text: str) -> DetectedEmotion:
    """The emotion of a narration: text valence (VADER), audio arousal, and emotion words to break ties."""
    valence = float(_sentiment().polarity_scores(text)["compound"])
    arousal, features = audio_arousal(narration)
    arousal += 0.25 * min(text.count("!"), 2)
    words = set(re.findall(r"[a-z']+", text.lower()))
    hits = {emotion: len(words & vocabulary) for emotion, vocabulary in _WORDS.items()}
    cued = max(hits, key=lambda emotion: hits[emotion]) if max(hits.values()) > 0 else None

    if cued in (Emotion.fearful, Emotion.angry, Emotion.disgusted, Emotion.surprised) and hits[cued] >= 1 \
            and (valence < 0.2 or cued is Emotion.surprised):
        emotion = cued
    elif valence >= 0.35:
        emotion = Emotion.excited if arousal > 0.35 else Emotion.calm if cued is Emotion.calm else \
            Emotion.confident if cued is Emotion.confident and arousal <= 0.1 else Emotion.happy
    elif valence <= -0.35:
        emotion = Emotion.angry if arousal > 0.35 else Emotion.sad
    elif cued in (Emotion.calm, Emotion.confident, Emotion.sad):
        emotion = cued
    else:
        emotion = Emotion.neutral
    reason = (f"text valence {valence:+.2f} (VADER), audio arousal {arousal:+.2f} "
              f"(loudness {features['loudness_db']:.1f} dB, pitch {features['pitch_hz']:.0f} Hz "
              f"+-{features['pitch_spread_st']:.1f} st, {features['words_per_s']:.1f} words/s)"
              + (f", emotion words: {cued.value}" if cued is not None else ""))
    return DetectedEmotion(emotion, valence, float(arousal), reason)
