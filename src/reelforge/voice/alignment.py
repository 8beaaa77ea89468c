"""Estimate when each word and phoneme of a spoken sentence is heard, from its phonemes and its audio.

Used for recordings (recording.py) and for voice models that give no phoneme durations (durations.py reads
them from the others). We spread the sentence's voiced time over its phonemes by weight (vowels last longer
than consonants, a comma is a pause), then move each word boundary to the quietest moment near it in the
audio's energy envelope, where speech really breaks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HOP_S = 0.01  # energy envelope resolution
SNAP_WINDOW_S = 0.06  # how far a word boundary may move towards an energy minimum

_VOWELS = set("aeiouæɐɑɒɔəɚɛɜɞɪʊʌʏyøœɨʉɯɤɵɘ")
_PAUSES = {",": 2.2, ";": 2.2, ":": 2.2, "—": 2.2, "-": 0.6}
_SILENT = {"ˈ", "ˌ", ".", "!", "?", "\"", "(", ")"}


@dataclass(frozen=True)
class Timed:
    """A symbol (word or phoneme) with its start and end in seconds."""

    text: str
    start: float
    end: float


def shifted(items: list[Timed], seconds: float) -> list[Timed]:
    """The same timings ``seconds`` later (a sentence's or scene's timings placed on the video clock)."""
    return [Timed(item.text, item.start + seconds, item.end + seconds) for item in items]


def energy_envelope(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """RMS energy every HOP_S seconds over a window of two hops."""
    hop = int(sample_rate * HOP_S)
    frames = max(1, len(audio) // hop)
    padded = np.pad(audio[: frames * hop], (hop // 2, hop // 2)).astype(np.float32)
    blocks = len(padded) // hop
    energy = np.square(padded[: blocks * hop]).reshape(blocks, hop).sum(axis=1, dtype=np.float64)
    return np.sqrt((energy[:-1] + energy[1:]) / (2 * hop))[:frames]  # windows of two hops, one hop apart


def voiced_span(envelope: np.ndarray, threshold_ratio: float = 0.04) -> tuple[float, float]:
    """Start and end (seconds) of the part of a sentence that is louder than a fraction of its peak."""
    threshold = envelope.max() * threshold_ratio
    loud = np.flatnonzero(envelope > threshold)
    if loud.size == 0:
        return 0.0, len(envelope) * HOP_S
    return loud[0] * HOP_S, (loud[-1] + 1) * HOP_S


def phoneme_weight(symbol: str) -> float:
    """Relative duration of one phoneme symbol."""
    if symbol in _SILENT:
        return 0.0
    if symbol in _PAUSES:
        return _PAUSES[symbol]
    if symbol == "ː":
        return 0.5
    return 1.0 if symbol in _VOWELS else 0.65


def split_words(phonemes: list[str]) -> list[list[str]]:
    """Phoneme symbols grouped per spoken word (Piper separates words with a space)."""
    groups: list[list[str]] = [[]]
    for symbol in phonemes:
        if symbol == " ":
            if groups[-1]:
                groups.append([])
        else:
            groups[-1].append(symbol)
    return [group for group in groups if any(phoneme_weight(s) > 0 and s not in _PAUSES for s in group)]


def _snap(boundary: float, envelope: np.ndarray, low: float, high: float) -> float:
    first = max(int((boundary - SNAP_WINDOW_S) / HOP_S), int(low / HOP_S) + 1)
    last = min(int((boundary + SNAP_WINDOW_S) / HOP_S), int(high / HOP_S) - 1)
    if last <= first:
        return boundary
    quietest = first + int(np.argmin(envelope[first : last + 1]))
    return (quietest + 0.5) * HOP_S


def silent_gaps(envelope: np.ndarray, low: float, high: float, threshold_ratio: float = 0.06,
                min_length_s: float = 0.08) -> list[tuple[float, float]]:
    """Pauses inside the voiced span: runs quieter than a fraction of the peak lasting at least min_length_s."""
    quiet = envelope < envelope.max() * threshold_ratio
    gaps, run_start = [], None
    for index in range(int(low / HOP_S), min(int(high / HOP_S), len(envelope))):
        if quiet[index] and run_start is None:
            run_start = index
        elif not quiet[index] and run_start is not None:
            if (index - run_start) * HOP_S >= min_length_s:
                gaps.append((run_start * HOP_S, index * HOP_S))
            run_start = None
    return gaps


def align_sentence(words: list[str], phonemes: list[str], audio: np.ndarray,
                   sample_rate: int) -> tuple[list[Timed], list[Timed]]:
    """Word and phoneme timings (seconds from the sentence audio's start) for one synthesized sentence.

    Where the sentence has as many audible pauses as pause marks (commas...), each stretch between pauses is
    aligned on its own, so words after a pause start where their sound starts.
    """
    envelope = energy_envelope(audio, sample_rate)
    start, end = voiced_span(envelope)
    groups = split_words(phonemes)
    if len(groups) != len(words):
        # espeak spoke the text differently (numbers, abbreviations): weigh words by their letters instead.
        groups = [list(word) for word in words]
    weights = [[phoneme_weight(s) if s.isalpha() or s in _PAUSES or s == "ː" else 0.0 for s in group]
               for group in groups]
    breaks = [i + 1 for i, group in enumerate(groups[:-1]) if any(_PAUSES.get(s, 0) > 1 for s in group)]
    gaps = silent_gaps(envelope, start, end)
    spans = [(start, end)]
    if breaks and len(gaps) == len(breaks):
        edges = [start, *[t for gap in gaps for t in gap], end]
        spans = list(zip(edges[::2], edges[1::2]))
        for index in breaks:  # the pause is the gap itself, not time inside the word before it
            weights[index - 1] = [0.0 if s in _PAUSES else w for s, w in zip(groups[index - 1], weights[index - 1])]
    else:
        breaks = []
    word_times: list[Timed] = []
    phoneme_times: list[Timed] = []
    for (low, high), first, last in zip(spans, [0, *breaks], [*breaks, len(words)]):
        chunk_words, chunk_phonemes = _layout(words[first:last], groups[first:last], weights[first:last], low, high)
        snapped = _snap_word_boundaries(chunk_words, envelope, low, high)
        word_times += snapped
        phoneme_times += [phoneme for before, after, spoken in zip(chunk_words, snapped, chunk_phonemes)
                          for phoneme in _refit(spoken, before, after)]
    return word_times, phoneme_times


def _layout(words: list[str], groups: list[list[str]], weights: list[list[float]], start: float,
            end: float) -> tuple[list[Timed], list[list[Timed]]]:
    """Spread the span over the words' phonemes by weight; a pause mark's weight is silence before the next."""
    total = sum(sum(w) for w in weights) or 1.0
    scale = (end - start) / total
    word_times: list[Timed] = []
    word_phonemes: list[list[Timed]] = []
    clock = start
    for word, group, group_weights in zip(words, groups, weights):
        word_start = clock
        spoken_end = clock
        spoken: list[Timed] = []
        for symbol, weight in zip(group, group_weights):
            if weight == 0.0:
                continue
            length = weight * scale
            if symbol not in _PAUSES:
                spoken.append(Timed(symbol, clock, clock + length))
                spoken_end = clock + length
            clock += length
        word_times.append(Timed(word, word_start, spoken_end))
        word_phonemes.append(spoken)
    return word_times, word_phonemes


def _refit(phonemes: list[Timed], before: Timed, after: Timed) -> list[Timed]:
    """Stretch a word's phonemes from its first estimate onto its snapped span."""
    scale = (after.end - after.start) / max(before.end - before.start, 1e-9)
    return [Timed(p.text, after.start + (p.start - before.start) * scale, after.start + (p.end - before.start) * scale)
            for p in phonemes]


def _snap_word_boundaries(words: list[Timed], envelope: np.ndarray, low: float, high: float) -> list[Timed]:
    """Move each word's end (and the next word's start with it) to the nearby energy minimum."""
    snapped: list[Timed] = []
    shift = 0.0
    for index, word in enumerate(words):
        start = word.start + shift
        end = word.end if index == len(words) - 1 else _snap(word.end, envelope, low, high)
        shift = end - word.end
        snapped.append(Timed(word.text, min(start, end - 0.02), end))
    return snapped
