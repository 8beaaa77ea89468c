"""A user's recorded narration instead of the synthetic voice, with word and phoneme timings from its script.

The recording plays from video time 0 as it is. Its text is what the speaker reads: the voice's phonemizer
(espeak, inside Piper) gives each sentence's phonemes, the recording is cut into sentences at its longest
pauses, and each sentence is aligned like a synthesized one (voice/alignment.py), so captions and lip-sync
follow the speaker's own pace.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from reelforge.decode import decode_audio
from reelforge.errors import RequestError
from reelforge.voice.alignment import (HOP_S, Timed, align_sentence, energy_envelope, phoneme_weight, shifted,
                                       silent_gaps, voiced_span)
from reelforge.voice.narration import Narration, load_voice, split_sentences

FIELD = "narration_audio"
SENTENCE_PAUSE_S = 0.15  # the shortest pause that may end a sentence
PEAK = 0.9  # the recording's peak after levelling, as the synthetic voice's


def sentence_cuts(envelope: np.ndarray, weights: list[float]) -> list[float]:
    """Where each sentence after the first starts (seconds): the recording's longest pauses, in time order,
    or, with too few pauses, the points the sentences' phoneme weights predict, moved to the nearest quiet."""
    start, end = voiced_span(envelope)
    needed = len(weights) - 1
    gaps = silent_gaps(envelope, start, end, min_length_s=SENTENCE_PAUSE_S)
    if len(gaps) >= needed:
        longest = sorted(gaps, key=lambda gap: gap[1] - gap[0], reverse=True)[:needed]
        return sorted((low + high) / 2 for low, high in longest)
    total = sum(weights) or 1.0
    cuts = []
    for share in np.cumsum(weights[:-1]) / total:
        guess = start + share * (end - start)
        low, high = max(0, int((guess - 0.3) / HOP_S)), int((guess + 0.3) / HOP_S)
        cuts.append((low + int(np.argmin(envelope[low:high + 1]))) * HOP_S)
    return cuts


def narrate_recording(path: Path, script: str, voice_model: Path | None = None) -> Narration:
    """The recording at ``path`` as the narration of ``script`` (the words it speaks)."""
    voice = load_voice(voice_model)
    rate = voice.config.sample_rate
    audio = decode_audio(path, rate, FIELD)
    peak = float(np.abs(audio).max())
    if peak < 1e-3:
        raise RequestError(FIELD, f"{Path(path).name} is silent")
    audio = audio * (PEAK / peak)
    sentences = split_sentences(script)
    symbols = [[symbol for part in voice.phonemize(sentence) for symbol in [*part, " "]] for sentence in sentences]
    envelope = energy_envelope(audio, rate)
    weights = [sum(phoneme_weight(symbol) for symbol in group if symbol != " ") for group in symbols]
    edges = [0, *(round(cut * rate) for cut in sentence_cuts(envelope, weights)), len(audio)]
    words: list[Timed] = []
    phonemes: list[Timed] = []
    spans: list[tuple[str, float, float]] = []
    for sentence, group, low, high in zip(sentences, symbols, edges, edges[1:]):
        sentence_words, sentence_phonemes = align_sentence(sentence.split(), group, audio[low:high], rate)
        offset = low / rate
        words += shifted(sentence_words, offset)
        phonemes += shifted(sentence_phonemes, offset)
        spans.append((sentence, words[-len(sentence_words)].start, words[-1].end))
    return Narration(audio.astype(np.float32), rate, words, phonemes, spans, 1.0)
