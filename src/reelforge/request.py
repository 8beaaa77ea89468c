"""The public contract: one request describes one video (see SPEC.md)."""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from reelforge.errors import RequestError

MIN_DURATION = 1.0
MAX_DURATION = 300.0
MAX_TEXT_CHARS = 5000
MAX_SCENES = 30


class VideoType(str, Enum):
    cinematic = "cinematic"
    character = "character"
    hybrid = "hybrid"


class Style(str, Enum):
    cinematic = "cinematic"
    anime = "anime"
    realistic = "realistic"
    abstract = "abstract"
    vintage = "vintage"
    neon = "neon"
    noir = "noir"
    watercolor = "watercolor"


class CharacterType(str, Enum):
    person = "person"
    monkey = "monkey"
    anime = "anime"
    cartoon = "cartoon"
    robot = "robot"
    animal = "animal"
    fantasy = "fantasy"
    cyborg = "cyborg"


class Emotion(str, Enum):
    neutral = "neutral"
    happy = "happy"
    sad = "sad"
    angry = "angry"
    surprised = "surprised"
    fearful = "fearful"
    disgusted = "disgusted"
    excited = "excited"
    calm = "calm"
    confident = "confident"


class Quality(str, Enum):
    speed = "speed"
    balanced = "balanced"
    quality = "quality"
    ultra = "ultra"


class CameraMovement(str, Enum):
    static = "static"
    slow_zoom_in = "slow_zoom_in"
    slow_zoom_out = "slow_zoom_out"
    pan_left = "pan_left"
    pan_right = "pan_right"
    tilt_up = "tilt_up"
    tilt_down = "tilt_down"
    orbit = "orbit"
    dolly = "dolly"
    crane = "crane"


class Aspect(str, Enum):
    portrait = "9:16"
    landscape = "16:9"
    square = "1:1"


class Transition(str, Enum):
    auto = "auto"
    crossfade = "crossfade"
    fade_black = "fade_black"
    slide = "slide"


class Atmosphere(str, Enum):
    auto = "auto"
    none = "none"
    fog = "fog"
    rain = "rain"
    snow = "snow"
    dust = "dust"
    sparks = "sparks"


class Lighting(str, Enum):
    auto = "auto"
    none = "none"
    moving = "moving"
    flicker = "flicker"
    exposure = "exposure"


class ExportFormat(str, Enum):
    """Extra formats of a finished video, beside its MP4."""

    webm = "webm"
    gif = "gif"


class CameraTarget(str, Enum):
    """What the camera move applies to in hybrid mode."""

    background = "background"
    both = "both"


class Theme(str, Enum):
    """The procedural backgrounds."""

    sky = "sky"
    mountains = "mountains"
    ocean = "ocean"
    city = "city"
    forest = "forest"
    desert = "desert"
    space = "space"
    abstract = "abstract"


class TimeOfDay(str, Enum):
    dawn = "dawn"
    day = "day"
    sunset = "sunset"
    night = "night"


def _has_words(value: str) -> str:
    if not value.strip():
        raise ValueError("must contain words, not only spaces")
    return value.strip()


def _existing_file(value: Path | None) -> Path | None:
    if value is not None and not Path(value).is_file():
        raise ValueError(f"file not found: {value}")
    return value


class TimelineScene(BaseModel):
    """One scene of a timeline: its words and, where set, its own look; unset fields follow the request."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, description="The words narrated in this scene.")
    duration: float | None = Field(None, ge=MIN_DURATION, le=MAX_DURATION,
                                   description="Seconds on screen; longer when its narration needs it. "
                                               "null: as long as its narration.")
    style: Style | None = Field(None, description="This scene's style; null: the request's.")
    camera_movement: CameraMovement | None = Field(None, description="This scene's camera move; null: the request's.")
    transition: Transition | None = Field(None, description="The transition into this scene (ignored on the "
                                                            "first); null: the request's.")
    character_type: CharacterType | None = Field(None, description="The character of this scene (character and "
                                                                   "hybrid modes); null: the request's.")
    background_image: Path | None = Field(None, description="A photo as this scene's background; null: the "
                                                            "request's, or a procedural scene.")
    theme: Theme | None = Field(None, description="The procedural background; null: chosen from the words.")
    time_of_day: TimeOfDay | None = Field(None, description="The sky's time of day; null: from the words.")

    _text_has_words = field_validator("text")(_has_words)

    _file_exists = field_validator("background_image")(_existing_file)


class RequestBody(BaseModel):
    """What every request model shares (the Python one and the HTTP one): strict fields, and a timeline's text."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)

    @model_validator(mode="before")
    @classmethod
    def _timeline_text(cls, data: Any) -> Any:
        """A timeline's text is its scenes' words, narrated as written."""
        if not isinstance(data, dict) or not isinstance(data.get("scenes"), list):
            return data
        if not data["scenes"]:
            raise ValueError("scenes: give at least one scene, or leave scenes out")
        texts = []
        for index, scene in enumerate(data["scenes"]):
            text = scene.get("text") if isinstance(scene, dict) else getattr(scene, "text", None)
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"scenes.{index}.text: every scene needs words to narrate")
            texts.append(text.strip())
        joined = " ".join(texts)
        if data.get("text") not in (None, joined):
            raise ValueError("text: a timeline's words are its scenes' texts; leave text out")
        return {**data, "text": joined, "is_custom": True}


class VideoRequest(RequestBody):
    """Every field of SPEC.md's request, plus seed, aspect, media inputs and look options."""

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS,
                      description="The words to narrate (is_custom) or a topic to write a script from.")
    is_custom: bool = Field(False, description="Narrate text exactly as written instead of writing a script from it.")
    video_type: VideoType = Field(VideoType.cinematic, description="cinematic: scenes built from the text; "
                                  "character: a talking character; hybrid: the character over moving scenes.")
    style: Style = Field(Style.cinematic, description="The look: colour grade, texture and finish.")
    character_type: CharacterType = Field(CharacterType.person, description="Which character (character and hybrid).")
    emotion: Emotion = Field(Emotion.neutral, description="Target emotion: tints the grade, picks transitions.")
    quality: Quality = Field(Quality.balanced, description="speed 720x1280 15 fps, balanced 1080x1920 24 fps, "
                             "quality 1080x1920 30 fps, ultra 2160x3840 30 fps.")
    camera_movement: CameraMovement = Field(CameraMovement.static, description="An eased camera move per scene.")
    duration: float = Field(5.0, ge=MIN_DURATION, le=MAX_DURATION, description="Target length in seconds.")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="Same request and seed give the same video.")
    aspect: Aspect = Field(Aspect.portrait, description="9:16 vertical (Shorts, Reels), 16:9 landscape, 1:1 square.")
    transition: Transition = Field(Transition.auto, description="Between scenes; auto: chosen from the emotion.")
    atmosphere: Atmosphere = Field(Atmosphere.auto, description="Fog or particles; auto: from the words of the text.")
    lighting: Lighting = Field(Lighting.auto, description="Dynamic light; auto: from the scene and style.")
    captions: bool = Field(True, description="Word-timed captions burnt in, and SRT and WebVTT beside the video.")
    letterbox: bool = Field(False, description="Black cinema bars at top and bottom.")
    flow_smoothing: bool | None = Field(None, description="Optical-flow temporal smoothing; null (auto): on where "
                                        "it helps (per-frame styled content).")
    background_image: Path | None = Field(None, description="A photo replacing the procedural scenes.")
    portrait_image: Path | None = Field(None, description="A portrait photo (one face) animated as the character "
                                                          "in character and hybrid modes.")
    lut_file: Path | None = Field(None, description="A .cube 3D LUT applied after the style.")
    camera_target: CameraTarget = Field(CameraTarget.background,
                                        description="Hybrid mode: move the camera over the background or both.")
    music: bool = Field(True, description="Background music (generated for the emotion, or music_file).")
    music_file: Path | None = Field(None, description="Your own music (any format FFmpeg reads), looped or cut.")
    sound_effects: bool = Field(True, description="Transition whooshes, risers, impacts and rain/wind beds.")
    voice_model: Path | None = Field(None, description="A Piper voice .onnx (its .onnx.json beside it).")
    narration_audio: Path | None = Field(None, description="Your own recorded narration (any audio FFmpeg reads) "
                                         "instead of the synthetic voice; text is then the words it speaks.")
    scenes: list[TimelineScene] | None = Field(None, min_length=1, max_length=MAX_SCENES,
                                               description="A timeline: scenes narrated as written, one after "
                                                           "another, each with its own look. text may then be "
                                                           "left out (it is the scenes' words).")
    exports: list[ExportFormat] = Field([], description="Also write the video as WebM (VP9 + Opus) and/or GIF "
                                        "(one optimised palette), beside the MP4.")

    @model_validator(mode="after")
    def _timeline_fits(self) -> VideoRequest:
        if self.scenes is not None and sum(scene.duration or 0.0 for scene in self.scenes) > MAX_DURATION:
            raise ValueError(f"scenes: the scenes' durations add up to more than {MAX_DURATION:.0f} s")
        if self.scenes is not None and self.narration_audio is not None:
            raise ValueError("narration_audio: a timeline is narrated scene by scene; give one or the other")
        return self

    _text_has_words = field_validator("text")(_has_words)

    _file_exists = field_validator("background_image", "lut_file", "portrait_image", "music_file",
                                   "voice_model", "narration_audio")(_existing_file)

    @field_validator("exports")
    @classmethod
    def _each_format_once(cls, value: list[ExportFormat]) -> list[ExportFormat]:
        return list(dict.fromkeys(value))

    @field_validator("portrait_image")
    @classmethod
    def _portrait_needs_a_character_mode(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        if value is not None and info.data.get("video_type") is VideoType.cinematic:
            raise ValueError("a portrait is animated in character and hybrid modes; set video_type to one of them")
        return value

    @field_validator("voice_model")
    @classmethod
    def _voice_has_config(cls, value: Path | None) -> Path | None:
        if value is not None and not Path(f"{value}.json").is_file():
            raise ValueError(f"a Piper voice needs its config beside it: {value}.json not found")
        return value


_NAMED_MESSAGE = re.compile(r"^([a-z_][a-z0-9_.]*): (.+)$", re.S)


def _allowed_values(field: str) -> list[str] | None:
    annotation = VideoRequest.model_fields[field].annotation
    if get_origin(annotation) is list:  # a list of choices (exports): its items' values
        annotation = get_args(annotation)[0]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [member.value for member in annotation]
    return None


def describe_validation_error(errors: list[dict[str, Any]], skip: tuple[str, ...] = ()) -> RequestError:
    """Turn Pydantic's errors into one RequestError naming the first bad field (and allowed values).

    ``skip`` drops location parts that are not field names (FastAPI puts "body" first).
    """
    first = errors[0]
    loc = [part for part in first["loc"] if part not in skip]
    if len(loc) == 2 and isinstance(loc[1], int) and loc[0] in VideoRequest.model_fields:
        loc = loc[:1]  # an item of a list field is reported as the field
    field = ".".join(str(part) for part in loc)
    if not field and (named := _NAMED_MESSAGE.match(first["msg"].removeprefix("Value error, "))):
        return RequestError(*named.groups())  # a check across fields names its field first
    field = field or "request"
    if first["type"] == "extra_forbidden":
        return RequestError(field, "unknown field")
    allowed = _allowed_values(field) if field in VideoRequest.model_fields else None
    if allowed is not None and first["type"] == "enum":
        return RequestError(field, f"got {first['input']!r}; allowed: {', '.join(allowed)}")
    message = first["msg"].removeprefix("Value error, ")
    return RequestError(field, message)


def parse_request(data: dict[str, Any]) -> VideoRequest:
    """Validate a dict (API JSON names) into a VideoRequest, raising RequestError on the first bad field."""
    try:
        return VideoRequest.model_validate(data)
    except ValidationError as error:
        raise describe_validation_error(error.errors()) from None
