"""The sound stage: narration, music and effects mixed into the video's soundtrack.

A synthesized voice is compressed (compressor.py) and levels are set against its loudness: music sits MUSIC_UNDER_VOICE_LU
under it in the pauses and ducks a further DUCK_DB while the voice speaks; transition sounds and atmosphere beds
sit lower still. The mix is then mastered to -14 LUFS integrated with the true peak under -1 dBTP (loudness.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reelforge.audio.compressor import compress_voice
from reelforge.audio.effects import atmosphere_bed, transition_effects, transition_times
from reelforge.audio.loudness import loudness, master, with_loudness
from reelforge.audio.mix import duck_gain, fades, fit_length
from reelforge.audio.music import background_music
from reelforge.audio.music_file import user_music
from reelforge.encode import AUDIO_RATE, resample_mono
from reelforge.plan import ScenePlan
from reelforge.request import Emotion, VideoRequest
from reelforge.voice.narration import Narration

MUSIC_UNDER_VOICE_LU = 10.0
TRANSITIONS_UNDER_VOICE_LU = 9.0
ATMOSPHERE_UNDER_VOICE_LU = 20.0
SILENT_VOICE_LUFS = -20.0  # the level the other stems are set against when there is no speech
MUSIC_FADE_IN_S, MUSIC_FADE_OUT_S = 1.0, 2.0
MUSIC_LEVEL_SAMPLE_S = 40.0  # the music's level is measured on this much of it (a generated loop is shorter)
MIX_FADE_OUT_S = 0.25


@dataclass(frozen=True)
class Soundtrack:
    """The mastered mix: mono float32 samples at ``sample_rate``."""

    audio: np.ndarray
    sample_rate: int


def music_stem(request: VideoRequest, emotion: Emotion, count: int, rate: int) -> np.ndarray:
    """The request's music, un-ducked and un-faded: its own file, or music written for the emotion."""
    if request.music_file is not None:
        return user_music(request.music_file, count, rate)
    return background_music(emotion, request.seed, count, rate)


def music_bed(request: VideoRequest, emotion: Emotion, voice: np.ndarray, reference: float,
              rate: int) -> np.ndarray:
    """The music ready to mix: MUSIC_UNDER_VOICE_LU under the voice's level ``reference``, ducked, faded."""
    music = with_loudness(music_stem(request, emotion, len(voice), rate), rate, reference - MUSIC_UNDER_VOICE_LU,
                          MUSIC_LEVEL_SAMPLE_S)
    music *= duck_gain(voice, rate)
    music *= fades(len(voice), rate, MUSIC_FADE_IN_S, MUSIC_FADE_OUT_S)
    return music


def build_soundtrack(request: VideoRequest, narration: Narration, scenes: list[ScenePlan], duration: float,
                     emotion: Emotion | None = None) -> Soundtrack:
    """Mix the narration with the request's music and effects into ``duration`` seconds, mastered. The music
    and transition sounds follow ``emotion`` (one detected from the narration), else the request's."""
    emotion = request.emotion if emotion is None else emotion
    rate = AUDIO_RATE
    count = max(1, round(duration * rate))
    voice = fit_length(resample_mono(narration.audio, narration.sample_rate, rate), count)
    if request.narration_audio is None:
        voice = compress_voice(voice, rate)
    voice_level = loudness(voice, rate)
    reference = voice_level if np.isfinite(voice_level) else SILENT_VOICE_LUFS
    mix = voice.copy()
    if request.music:
        mix += music_bed(request, emotion, voice, reference, rate)
    if request.sound_effects and scenes:
        mix += with_loudness(transition_effects(emotion, transition_times(scenes), count, rate, request.seed),
                             rate, reference - TRANSITIONS_UNDER_VOICE_LU)
        mix += with_loudness(atmosphere_bed(scenes, count, rate, request.seed), rate,
                             reference - ATMOSPHERE_UNDER_VOICE_LU)
    mix *= fades(count, rate, 0.0, MIX_FADE_OUT_S)
    return Soundtrack(master(mix, rate), rate)
