"""Plan: split the narrated script into scenes on the narration clock, each with keywords and a background."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reelforge.request import Atmosphere, Emotion, Lighting, Style, Transition, VideoRequest
from reelforge.scene.keywords import atmosphere_of, keywords_of, theme_of_text, theme_or_none, time_of_day
from reelforge.voice.narration import Narration

MIN_SCENE_S = 1.6  # sentences shorter than this join the previous scene
TRANSITION_S = 0.5


@dataclass(frozen=True)
class ScenePlan:
    """One scene: its text, its time span, what to draw and how to light it."""

    index: int
    text: str
    start: float
    end: float
    keywords: list[str]
    theme: str
    time_of_day: str
    atmosphere: str | None
    lighting: str | None
    seed: int


def _time_for(text: str, script: str, rng: np.random.Generator) -> str:
    return time_of_day(text) or time_of_day(script) or str(rng.choice(["day", "sunset", "dawn", "night"],
                                                                      p=[0.35, 0.35, 0.15, 0.15]))


def _lighting_for(request: VideoRequest, atmosphere: str | None, time: str) -> str | None:
    if request.lighting is not Lighting.auto:
        return None if request.lighting is Lighting.none else request.lighting.value
    if atmosphere == "sparks" or request.style is Style.vintage:
        return "flicker"
    if time == "dawn":
        return "exposure"
    return "moving"


def _atmosphere_for(request: VideoRequest, text: str, script: str) -> str | None:
    if request.atmosphere is not Atmosphere.auto:
        return None if request.atmosphere is Atmosphere.none else request.atmosphere.value
    return atmosphere_of(text) or atmosphere_of(script)


def plan_scenes(request: VideoRequest, script: str, narration: Narration, duration: float) -> list[ScenePlan]:
    """Scenes from the narration's sentences; the first starts at 0 and the last ends with the video."""
    rng = np.random.default_rng(request.seed)
    groups: list[tuple[str, float]] = []
    for text, start, _end in narration.sentences:
        if groups and (start - groups[-1][1] < MIN_SCENE_S or duration - start < MIN_SCENE_S):
            groups[-1] = (f"{groups[-1][0]} {text}", groups[-1][1])
        else:
            groups.append((text, start))
    if not groups:
        groups = [(script, 0.0)]
    script_theme = theme_of_text(script)
    script_time = _time_for(script, script, rng)
    scenes = []
    previous_theme = script_theme
    for index, (text, start) in enumerate(groups):
        theme = theme_or_none(text) or previous_theme
        time = time_of_day(text) or script_time
        atmosphere = _atmosphere_for(request, text, script)
        begin = 0.0 if index == 0 else max(0.0, start - 0.15)
        end = duration if index == len(groups) - 1 else max(0.0, groups[index + 1][1] - 0.15)
        scenes.append(ScenePlan(index, text, begin, end, keywords_of(text), theme, time, atmosphere,
                                _lighting_for(request, atmosphere, time), int(rng.integers(0, 2**31 - 1))))
        previous_theme = theme
    return scenes


def transition_for(request: VideoRequest) -> str:
    """The transition between scenes: the requested one, or one that suits the emotion."""
    if request.transition is not Transition.auto:
        return request.transition.value
    if request.emotion in (Emotion.excited, Emotion.happy, Emotion.surprised, Emotion.angry):
        return "slide"
    if request.emotion in (Emotion.sad, Emotion.fearful, Emotion.calm):
        return "fade_black"
    return "crossfade"
