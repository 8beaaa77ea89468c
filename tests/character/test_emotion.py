"""Emotion detected from a real narration's words and voice, with its reasons."""

import pytest

from reelforge.character.emotion import detect_emotion
from reelforge.request import Emotion
from reelforge.voice import narrate


@pytest.mark.parametrize("text, expected", [
    ("I lost my oldest friend this year. I miss him and I feel alone.", {Emotion.sad}),
    ("This is wonderful! I love it, what a great and happy day!", {Emotion.happy, Emotion.excited}),
    ("I am terrified. There is danger in the dark and I am afraid.", {Emotion.fearful}),
    ("The report lists the quarterly figures for each region.", {Emotion.neutral}),
])
def test_detects_the_emotion_of_the_narration(text, expected):
    detected = detect_emotion(narrate(text, 6.0, seed=0), text)
    assert detected.emotion in expected, detected
    assert "VADER" in detected.reason and "words/s" in detected.reason
