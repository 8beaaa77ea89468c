"""The emotion's colour mood, graded into the scene before the style."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reelforge.look.tone import apply_curve, color_matrix, contrast_brightness_curve
from reelforge.request import Emotion


@dataclass(frozen=True)
class Mood:
    """Saturation, warmth (+ warmer / - cooler), exposure and contrast of an emotion."""

    saturation: float = 1.0
    warmth: float = 0.0
    exposure: float = 1.0
    contrast: float = 1.0


MOODS: dict[Emotion, Mood] = {
    Emotion.neutral: Mood(),
    Emotion.happy: Mood(1.12, 0.06, 1.05, 1.02),
    Emotion.sad: Mood(0.7, -0.07, 0.9, 0.92),
    Emotion.angry: Mood(1.15, 0.1, 0.95, 1.2),
    Emotion.surprised: Mood(1.08, 0.0, 1.07, 1.05),
    Emotion.fearful: Mood(0.75, -0.08, 0.85, 1.1),
    Emotion.disgusted: Mood(0.85, 0.03, 0.95, 1.05),
    Emotion.excited: Mood(1.25, 0.05, 1.06, 1.1),
    Emotion.calm: Mood(0.9, -0.02, 1.0, 0.9),
    Emotion.confident: Mood(1.05, 0.04, 1.02, 1.12),
}


def grade_mood(image: np.ndarray, emotion: Emotion) -> np.ndarray:
    """Apply an emotion's mood to an RGB image (identity for neutral)."""
    mood = MOODS[emotion]
    if mood == Mood():
        return image
    weights = np.array([0.299, 0.587, 0.114], np.float32)
    saturation = mood.saturation * np.eye(3, dtype=np.float32) + (1 - mood.saturation) * np.tile(weights, (3, 1))
    warmth = np.diag([1 + mood.warmth, 1.0, 1 - mood.warmth]).astype(np.float32)
    graded = color_matrix(image, warmth @ saturation)
    return apply_curve(graded, contrast_brightness_curve(mood.contrast, mood.exposure))
