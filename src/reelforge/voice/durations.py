"""Exact word and phoneme timings of synthesized speech, from the durations Piper's model gave each phoneme.

Piper's VITS graph decides how many frames every phoneme id lasts (its ``w_ceil`` tensor, made an output by
noise.py); Piper turns them into one sample count per phoneme: ``^`` (start) with its pad, then each phoneme
with the pad id after it, then ``$`` (end). We keep that layout, so a phoneme's time is its own id's plus its
following pad's, and the counts add up to the sentence's audio exactly. On those counts:

- a space separates words and a punctuation mark (or ``^``, ``$``) is a pause: their time belongs to no word;
- a stress mark (ˈ ˌ) is time of the sound after it, a length mark (ː ˑ) or combining diacritic is part of the
  sound before it (its text and its time), so a word's phonemes are its sounds and tile it exactly;
- the model's words are matched to the text's words one to one; where espeak spoke them differently (numbers,
  abbreviations, "in the" as one word), each stretch between pauses is shared among its text words, at
  phoneme boundaries, by how many sounds each word has when phonemized alone.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import numpy as np

from reelforge.voice.alignment import Timed

STRESS_MARKS = set("ˈˌ")
LENGTH_MARKS = set("ːˑ")
TEXT_PAUSES = tuple(",;:.!?…—")  # a text word ending with one of these is followed by a pause


@dataclass
class _SpokenWord:
    """A word as the model spoke it: its sounds, and whether a pause (punctuation, a sentence end) follows."""

    sounds: list[Timed] = field(default_factory=list)
    pause_after: bool = False


def is_sound(symbol: str) -> bool:
    """Whether a phoneme symbol is a sound (a letter), not a mark, space or punctuation."""
    return any(ch.isalpha() and ch not in STRESS_MARKS | LENGTH_MARKS for ch in symbol)


def phoneme_spans(chunks, rate: int, scale: float = 1.0) -> list[Timed] | None:
    """Each phoneme Piper aligned in a sentence's audio chunks, in seconds from the sentence's start (``scale``
    stretches them with the audio: a pitch shift's length ratio). None where the model gave no alignments."""
    if not chunks or any(chunk.phoneme_alignments is None for chunk in chunks):
        return None
    aligned = [alignment for chunk in chunks for alignment in chunk.phoneme_alignments]
    edges = np.concatenate([[0], np.cumsum([a.num_samples for a in aligned])]) * (scale / rate)
    return [Timed(a.phoneme, float(start), float(end)) for a, start, end in zip(aligned, edges, edges[1:])]


def spoken_words(spans: list[Timed]) -> list[_SpokenWord]:
    """The words the model spoke (runs of sounds between spaces and pauses), with each sound's exact span."""
    words = [_SpokenWord()]
    stress_start = None
    for span in spans:
        current = words[-1]
        if is_sound(span.text):
            start = span.start if stress_start is None else stress_start
            current.sounds.append(Timed(span.text, start, span.end))
            stress_start = None
        elif span.text in STRESS_MARKS:
            stress_start = span.start if stress_start is None else stress_start
        elif current.sounds and (span.text in LENGTH_MARKS or unicodedata.combining(span.text[0])):
            last = current.sounds[-1]
            current.sounds[-1] = Timed(last.text + span.text, last.start, span.end)
        else:  # a space or a pause
            stress_start = None
            if current.sounds:
                words.append(_SpokenWord())
            if span.text != " " and len(words) > 1:
                words[-2].pause_after = True
    return [word for word in words if word.sounds]


def _stretch_ends(flags: list[bool]) -> list[int]:
    """Indexes one past each stretch's last word (the last word always ends a stretch)."""
    return [index + 1 for index, flag in enumerate(flags[:-1]) if flag] + [len(flags)]


def _share(counts: list[int], sounds: list[Timed]) -> list[list[Timed]] | None:
    """A stretch's sounds divided among its text words in proportion to their sound ``counts`` (one at least)."""
    if len(sounds) < len(counts):
        return None
    totals = np.cumsum(counts)
    cuts, previous = [], 0
    for index, share in enumerate(totals[:-1] / totals[-1]):
        previous = min(max(round(share * len(sounds)), previous + 1), len(sounds) - (len(counts) - 1 - index))
        cuts.append(previous)
    return [sounds[low:high] for low, high in zip([0, *cuts], [*cuts, len(sounds)])]


def _sounds_per_word(texts: list[str], spoken: list[_SpokenWord], phonemize) -> list[list[Timed]] | None:
    """The sounds of each text word of a stretch: the model's words one to one, or shared out."""
    if len(spoken) == len(texts):
        return [word.sounds for word in spoken]
    counts = [max(1, sum(map(is_sound, (s for part in phonemize(text) for s in part)))) for text in texts]
    return _share(counts, [sound for word in spoken for sound in word.sounds])


def model_timings(texts: list[str], chunks, phonemize, rate: int, scale: float = 1.0
                  ) -> tuple[list[Timed], list[Timed]] | None:
    """Word and phoneme timings (seconds from the sentence audio's start) of a sentence's text words, exactly as
    the model spoke them in ``chunks`` (``phonemize``: the voice's, text to phonemes per sentence); None when
    the chunks carry no alignments (a model without durations) or a stretch has fewer sounds than words."""
    spans = phoneme_spans(chunks, rate, scale)
    if spans is None:
        return None
    spoken = spoken_words(spans)
    text_ends = _stretch_ends([text.endswith(TEXT_PAUSES) for text in texts])
    spoken_ends = _stretch_ends([word.pause_after for word in spoken])
    if len(spoken) == len(texts) or len(text_ends) != len(spoken_ends):
        text_ends, spoken_ends = [len(texts)], [len(spoken)]
    groups: list[list[Timed]] = []
    for text_low, text_high, spoken_low, spoken_high in zip([0, *text_ends], text_ends, [0, *spoken_ends],
                                                             spoken_ends):
        stretch = _sounds_per_word(texts[text_low:text_high], spoken[spoken_low:spoken_high], phonemize)
        if stretch is None:
            return None
        groups += stretch
    words = [Timed(text, sounds[0].start, sounds[-1].end) for text, sounds in zip(texts, groups)]
    return words, [sound for sounds in groups for sound in sounds]
