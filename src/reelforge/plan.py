"""Plan: split the narrated script into scenes on the narration clock, each with keywords and a background."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reelforge.request import (Atmosphere, CameraMovement, CharacterType, Emotion, Lighting, Style, TimelineScene,
                               Transition, VideoRequest)
from reelforge.scene.keywords import (PLACES, atmosphere_of, keywords_of, theme_of_text, theme_or_none,
                                      time_of_day)
from reelforge.voice.narration import Narration, split_sentences

MIN_SCENE_S = 1.6  # sentences shorter than this join the previous scene
TRANSITION_S = 0.5


@dataclass(frozen=True)
class SceneLook:
    """What a scene's layers are drawn from: nothing else of its plan changes them."""

    theme: str
    time_of_day: str
    atmosphere: str | None
    seed: int
    style: Style
    background_image: Path | None


@dataclass(frozen=True)
class ScenePlan:
    """One scene: its text, its time span, what to draw, how to light, style and film it."""

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
    style: Style = Style.cinematic
    camera_movement: CameraMovement = CameraMovement.static
    transition: str = "crossfade"  # into this scene from the one before
    character_type: CharacterType = CharacterType.person
    background_image: Path | None = None

    @property
    def look(self) -> SceneLook:
        return SceneLook(self.theme, self.time_of_day, self.atmosphere, self.seed, self.style, self.background_image)


def _time_for(text: str, script: str, rng: np.random.Generator) -> str:
    return time_of_day(text) or time_of_day(script) or str(rng.choice(["day", "sunset", "dawn", "night"],
                                                                      p=[0.35, 0.35, 0.15, 0.15]))


def _lighting_for(request: VideoRequest, style: Style, atmosphere: str | None, time: str) -> str | None:
    if request.lighting is not Lighting.auto:
        return None if request.lighting is Lighting.none else request.lighting.value
    if atmosphere == "sparks" or style is Style.vintage:
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
    spans = [(text, 0.0 if index == 0 else max(0.0, start - 0.15),
              duration if index == len(groups) - 1 else max(0.0, groups[index + 1][1] - 0.15))
             for index, (text, start) in enumerate(groups)]
    return _scenes(request, script, spans, [TimelineScene(text=text) for text, _ in groups], rng)


def plan_from_words(request: VideoRequest, script: str) -> list[ScenePlan]:
    """The scenes as planned before the narration is spoken, their times all 0: a timeline's own, or one a
    sentence. Their looks are the narrated plan's unless a sentence too short to stand alone joins another."""
    if request.scenes is not None:
        return plan_timeline(request, [0.0] * (len(request.scenes) + 1))
    sentences = split_sentences(script) or [script]
    return _scenes(request, script, [(text, 0.0, 0.0) for text in sentences],
                   [TimelineScene(text=text) for text in sentences], np.random.default_rng(request.seed))


def plan_timeline(request: VideoRequest, bounds: list[float]) -> list[ScenePlan]:
    """The timeline's scenes, one after another between ``bounds`` (0, ..., the end)."""
    timeline = request.scenes or []
    spans = [(scene.text, bounds[index], bounds[index + 1]) for index, scene in enumerate(timeline)]
    return _scenes(request, request.text, spans, timeline, np.random.default_rng(request.seed))


def _scenes(request: VideoRequest, script: str, spans: list[tuple[str, float, float]],
            settings: list[TimelineScene], rng: np.random.Generator) -> list[ScenePlan]:
    """Scene plans for (text, start, end) spans: what a scene's settings leave unset follows the request,
    and the theme and time of day follow the words (a scene without theme words keeps the one before, and so
    does a scene whose only such words are the sky's after a place: "a path winds into the dark" stays in the
    forest, where "winds" would have made it an empty sky)."""
    script_time = _time_for(script, script, rng)
    previous_theme = theme_of_text(script)
    scenes = []
    for index, ((text, start, end), setting) in enumerate(zip(spans, settings)):
        named = theme_or_none(text)
        if named == "sky" and previous_theme in PLACES:
            named = None
        theme = setting.theme.value if setting.theme else named or previous_theme
        time = setting.time_of_day.value if setting.time_of_day else time_of_day(text) or script_time
        atmosphere = _atmosphere_for(request, text, script)
        style = setting.style or request.style
        transition = setting.transition or request.transition
        scenes.append(ScenePlan(
            index, text, start, end, keywords_of(text), theme, time, atmosphere,
            _lighting_for(request, style, atmosphere, time), int(rng.integers(0, 2**31 - 1)), style,
            setting.camera_movement or request.camera_movement, transition_for(transition, request.emotion),
            setting.character_type or request.character_type, setting.background_image or request.background_image))
        previous_theme = theme
    return scenes


def transition_for(transition: Transition, emotion: Emotion) -> str:
    """The transition between scenes: the requested one, or (auto) one that suits the emotion."""
    if transition is not Transition.auto:
        return transition.value
    if emotion in (Emotion.excited, Emotion.happy, Emotion.surprised, Emotion.angry):
        return "slide"
    if emotion in (Emotion.sad, Emotion.fearful, Emotion.calm):
        return "fade_black"
    return "crossfade"
