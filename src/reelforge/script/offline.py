"""An offline script writer: a topic becomes a hook, two or three points and a close, sized to the duration.

It knows nothing it was not told, so it writes about the topic in the voice of a short-video narrator,
drawing sentence shapes (seeded) and vivid words from a small lexicon of the scene themes reelforge can draw
(or, for a topic that names no place, angles on the topic itself).
The sentence shapes hold no word the scene planner reads (no "think", "quiet", "secret"): the topic and the
imagery choose the scenes, the weather and the time of day, not the narrator's turns of phrase.
"""

from __future__ import annotations

import random
import re

from reelforge.scene.keywords import theme_or_none

_STOPWORDS = frozenset(
    "a an the of to in on at for and or but is are was were be been it its this that these those about "
    "how why what when where who which with from by as into your you my our their".split()
)

# Vivid nouns per scene theme: points draw from these so that the scene planner finds pictures for them.
_IMAGERY: dict[str, list[str]] = {
    "ocean": ["the tide", "the waves", "the deep blue", "the shoreline", "the open sea"],
    "mountains": ["the summit", "the ridgeline", "the valley below", "the high peaks", "the mountain air"],
    "forest": ["the tall trees", "the forest floor", "the canopy", "the quiet woods", "the green shade"],
    "desert": ["the dunes", "the desert wind", "the endless sand", "the heat haze", "the dry horizon"],
    "city": ["the city lights", "the skyline", "the busy streets", "the towers", "the late-night city"],
    "space": ["the stars", "the galaxy", "the planets", "deep space", "the night sky"],
    "sky": ["the sky", "the morning light", "the sunset", "the clouds", "the horizon"],
    "abstract": ["a new idea", "the pattern", "the bigger picture", "the first step", "the spark"],
}
# A topic that names no place ("how to start running") is not given one: its points take angles on the topic
# itself, with no word the scene planner reads (the scenes then follow the topic's own words, or the sky).
_ANGLES = ["the basics", "the bigger picture", "the small details", "the common mistakes", "the hidden side"]

# The topic only ever follows "about": there a noun phrase ("the history of coffee") and a question ("why cats
# love boxes", "how to start running") both read right.
_HOOKS = [
    "Here is what nobody tells you about {topic}.",
    "Stop scrolling: this one is about {topic}.",
    "Let's talk about {topic}.",
    "You have heard about {topic}. Look again.",
    "There is more to the story about {topic} than you would guess.",
    "Everyone has an opinion about {topic}, but few look closely.",
]
_BRIDGES = ["Here is how it goes.", "Stay with me.", "Let me show you.", "Watch closely."]
# A point opens with its place in the list: "To start," "Next," "Finally," (not "first" or "last": the scene
# planner reads those as dawn and sunset).
_POINTS = [
    "{ordinal} picture {image}.",
    "{ordinal} look closer at {image}.",
    "{ordinal} picture {image}: that sets the scene for everything else.",
    "{ordinal} look closer at {image}, and notice what most people miss.",
    "{ordinal} consider {image}, patient and steady, shaping what comes after.",
    "{ordinal} the turning point comes with {image}, where small changes grow into big ones.",
    "{ordinal} step back to {image} and see how the pieces fit together.",
]
_ORDINALS = {1: [""], 2: ["To start,", "Then,"], 3: ["To start,", "Next,", "Finally,"]}
_DETAILS = [  # what a point may go on to say, to fill a longer video
    "Most people walk right past this.",
    "This is easy to miss, and it matters more than it seems.",
    "Slow down here; this is where it gets interesting.",
    "None of this is an accident.",
    "Every detail has a reason to be there.",
    "Take a second look, and you will see more.",
    "This is where the story really opens up.",
    "Hold on to that picture for a moment.",
    "The scene changes a little every time you look.",
    "Small as this seems, everything else leans on it.",
    "Notice what moves here, and what waits.",
    "Keep an eye on that; it comes back.",
]
_RECAP = "Put it together: {images}."
_CLOSES = [
    "And that is the real story about {topic}.",
    "Remember that the next time someone asks you about {topic}.",
    "Share this with someone curious about {topic}.",
    "Now you know a little more about {topic}.",
    "Follow for more stories like this.",
]
_SHORT_LINES = ["All about {topic}.", "A closer look at the story about {topic}."]
CANDIDATES = 64  # seeded drafts of a script; the one closest to the wanted length is kept
MAX_DETAILS = 4  # sentences a point may go on for


def topic_phrase(text: str) -> str:
    """The topic as a short noun phrase: the prompt without request verbs and trailing punctuation."""
    phrase = re.sub(r"^(please\s+)?(make|create|write|generate|tell me|a video|video)\b.*?\b(about|on)\s+",
                    "", text.strip(), flags=re.IGNORECASE)
    phrase = phrase.strip().rstrip(".!?").strip()
    words = phrase.split()
    if len(words) > 8:
        content = [word for word in words if word.lower() not in _STOPWORDS]
        words = content[:6] or words[:6]
    return " ".join(words) if words else "this"


def _count(text: str) -> int:
    return len(text.split())


def _point_count(target_words: int) -> int:
    """Points a script of ``target_words`` words makes: three from about 18 s, two from about 10 s, one or none
    in the shortest videos."""
    return 3 if target_words >= 45 else 2 if target_words >= 24 else 1 if target_words >= 16 else 0


def _draft(rng: random.Random, topic: str, images: list[str], points: int, target_words: int) -> str:
    """One seeded draft: a hook (and maybe a bridge), ``points`` points, maybe a recap of their images, and a
    close; then, while that brings it closer to ``target_words``, details after the points in turn."""
    fill = {"topic": topic}
    head, tail = [rng.choice(_HOOKS).format(**fill)], [rng.choice(_CLOSES).format(**fill)]
    if points == 0:
        return " ".join(head + tail[: rng.randint(0, 1)])
    if rng.random() < 0.5:
        head.append(rng.choice(_BRIDGES))
    body = []
    for ordinal, template, image in zip(_ORDINALS[points], rng.sample(_POINTS, k=points), images):
        point = template.format(ordinal=ordinal, image=image).strip()
        body.append([point[:1].upper() + point[1:]])
    if points > 1 and rng.random() < 0.5:
        shown = images[:points]
        tail.insert(0, _RECAP.format(images=", ".join(shown[:-1]) + " and " + shown[-1]))
    words = sum(_count(sentence) for sentence in head + tail + [sentence for point in body for sentence in point])
    for index, detail in enumerate(rng.sample(_DETAILS, k=min(len(_DETAILS), MAX_DETAILS * points))):
        if abs(words + _count(detail) - target_words) >= abs(words - target_words):
            break
        body[index % points].append(detail)
        words += _count(detail)
    return " ".join(head + [sentence for point in body for sentence in point] + tail)


def write_offline(topic_text: str, target_words: int, seed: int) -> str:
    """Write a spoken script of about ``target_words`` words about the topic, deterministic for a seed.

    Of CANDIDATES seeded drafts (hook, points, close; see _draft), the one whose length is closest to the target.
    The longest runs to about 190 words (75 s of speech): a longer video's narration ends before it does.
    """
    rng = random.Random(seed)
    topic = topic_phrase(topic_text)
    place = theme_or_none(topic_text)
    images = list(_IMAGERY[place] if place else _ANGLES)
    rng.shuffle(images)
    points = _point_count(target_words)
    drafts = [_draft(rng, topic, images, points, target_words) for _ in range(CANDIDATES)]
    drafts += [line.format(topic=topic) for line in _SHORT_LINES] if points == 0 else []
    return min(drafts, key=lambda draft: abs(_count(draft) - target_words))
