"""Read a scene's words: which theme to draw, what time of day, which weather."""

from __future__ import annotations

import re

# theme -> words that call for it (matched on word stems: "mountains" matches "mountain")
THEME_WORDS: dict[str, tuple[str, ...]] = {
    "ocean": ("ocean", "sea", "wave", "beach", "tide", "shore", "coast", "surf", "island", "sail", "boat",
              "fish", "whale", "harbor", "blue", "water", "gull"),
    "mountains": ("mountain", "peak", "summit", "ridge", "valley", "hike", "climb", "alp", "cliff", "snow",
                  "glacier", "hill", "rock"),
    "forest": ("forest", "tree", "wood", "jungle", "leaf", "leaves", "pine", "green", "nature", "canopy",
               "moss", "wild", "garden", "plant"),
    "desert": ("desert", "sand", "dune", "cactus", "sahara", "dry", "heat", "camel", "canyon", "oasis"),
    "city": ("city", "street", "urban", "town", "building", "tower", "skyline", "traffic", "neon", "downtown",
             "office", "business", "money", "market", "startup", "work", "cyber", "future", "tech"),
    "space": ("space", "star", "planet", "galaxy", "universe", "cosmos", "moon", "orbit", "astronaut",
              "rocket", "nebula", "mars", "alien"),
    "abstract": ("idea", "mind", "dream", "think", "thought", "imagine", "creative", "art", "pattern",
                 "music", "feel", "emotion", "memory", "secret", "brain", "ai", "code", "math"),
    "sky": ("sky", "cloud", "sun", "sunrise", "sunset", "dawn", "horizon", "morning", "light", "bird", "fly",
            "air", "wind", "weather"),
}

TIME_WORDS: dict[str, tuple[str, ...]] = {
    "dawn": ("dawn", "sunrise", "morning", "wake", "begin", "first", "early"),
    "sunset": ("sunset", "dusk", "evening", "golden", "end", "last", "warm"),
    "night": ("night", "dark", "midnight", "moon", "star", "sleep", "late", "neon", "mystery", "secret"),
    "day": ("day", "noon", "midday", "bright", "sunny", "afternoon", "clear", "heat", "hot", "summer",
            "scorch", "blaze"),
}

ATMOSPHERE_WORDS: dict[str, tuple[str, ...]] = {
    # sadness too, but not "cry" or "tear": gulls cry, and walls are torn down
    "rain": ("rain", "storm", "wet", "thunder", "drizzle", "sad", "weep", "tearful"),
    "snow": ("snow", "winter", "cold", "ice", "frozen", "frost", "christmas"),
    "dust": ("dust", "desert", "sand", "ancient", "old", "history", "ruin", "memory"),
    "sparks": ("fire", "spark", "forge", "energy", "electric", "power", "burn", "flame", "ember"),
    "fog": ("fog", "mist", "haze", "mystery", "ghost", "fear", "unknown", "dream", "quiet"),
}

_WORD = re.compile(r"[a-zA-Z']+")


def words_of(text: str) -> list[str]:
    """Lower-case words of a text."""
    return [word.lower().strip("'") for word in _WORD.findall(text)]


INFLECTIONS = ("s", "es", "ed", "ing", "er", "ers", "y", "ies", "ly")  # endings a word may add to a stem


def _forms(stem: str) -> frozenset[str]:
    """A stem and its inflections: "mountains", "hiking", "sunny", "skies" are forms of their stems, but "start" is
    not a form of "star", nor "search" of "sea", "rocket" of "rock", "pins" of "pine" or "tidy" of "tide". A stem
    under three letters stands alone: "ai" is not in "aids"."""
    forms = {stem}
    if len(stem) < 3:
        return frozenset(forms)
    forms |= {stem + ending for ending in INFLECTIONS}
    forms |= {stem + stem[-1] + ending for ending in ("y", "ing", "ed", "er", "ers")}  # sun -> sunny
    if stem.endswith("e"):
        forms |= {stem[:-1] + ending for ending in ("ing", "ed", "er", "ers")}  # hike -> hiking
    if stem.endswith("y"):
        forms |= {stem[:-1] + ending for ending in ("ies", "ied")}  # sky -> skies
    return frozenset(forms)


NAMED = 2  # a word naming the entry itself ("fog") counts as much as two words that go with it ("old", "quiet")


class WordTable:
    """A table of entries (name -> stems) read word by word: every inflected form is looked up once, in an index
    made when the table is."""

    def __init__(self, entries: dict[str, tuple[str, ...]]):
        self.names = tuple(entries)
        self.calls: dict[str, set[str]] = {}  # form of a stem -> the entries it goes with
        self.named: dict[str, set[str]] = {}  # form of an entry's own name -> that entry
        for name, stems in entries.items():
            for stem in stems:
                for form in _forms(stem):
                    self.calls.setdefault(form, set()).add(name)
            for form in _forms(name):
                self.named.setdefault(form, set()).add(name)

    def best(self, words: list[str]) -> str | None:
        """The entry the words call for most (the first listed among equals), or None when none."""
        scores = dict.fromkeys(self.names, 0)
        for word in words:
            named = self.named.get(word, set())
            for name in named | self.calls.get(word, set()):
                scores[name] += NAMED if name in named else 1
        name, score = max(scores.items(), key=lambda item: item[1])
        return name if score > 0 else None

    def knows(self, word: str) -> bool:
        """Whether the word goes with any entry."""
        return word in self.calls


_THEMES, _TIMES, _ATMOSPHERES = (WordTable(table) for table in (THEME_WORDS, TIME_WORDS, ATMOSPHERE_WORDS))


def keywords_of(text: str) -> list[str]:
    """The words of a text that any table knows, in order, without repeats."""
    found: list[str] = []
    for word in words_of(text):
        if word not in found and any(table.knows(word) for table in (_THEMES, _TIMES, _ATMOSPHERES)):
            found.append(word)
    return found


PLACES = tuple(name for name in THEME_WORDS if name not in ("abstract", "sky"))  # themes that are somewhere
_PLACES = WordTable({name: THEME_WORDS[name] for name in PLACES})


def theme_or_none(text: str) -> str | None:
    """The scene theme a text names (a place it names beats an abstract word or the sky), or None."""
    words = words_of(text)
    return _PLACES.best(words) or _THEMES.best(words)


def theme_of_text(text: str) -> str:
    """The scene theme a text calls for; "sky" when it names none."""
    return theme_or_none(text) or "sky"


def time_of_day(text: str) -> str | None:
    """dawn, day, sunset or night when the text says so, else None."""
    return _TIMES.best(words_of(text))


def atmosphere_of(text: str) -> str | None:
    """rain, snow, dust, sparks or fog when the text calls for it, else None."""
    return _ATMOSPHERES.best(words_of(text))
