"""An offline script writer: a topic becomes a hook, two or three points and a close, sized to the duration.

It knows nothing it was not told, so it writes about the topic in the voice of a short-video narrator,
drawing sentence shapes (seeded) and vivid words from a small lexicon of the scene themes reelforge can draw.
The sentence shapes hold no word the scene planner reads (no "think", "quiet", "secret"): the topic and the
imagery choose the scenes, the weather and the time of day, not the narrator's turns of phrase.
"""

from __future__ import annotations

import random
import re

from reelforge.scene.keywords import theme_of_text

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

_HOOKS = [
    "Here is what nobody tells you about {topic}.",
    "Stop scrolling: {topic} is stranger than it looks.",
    "You know {topic}? Look again.",
    "In the next few seconds, {topic} will change how you see the world.",
    "Everyone talks about {topic}, but few really see it.",
]
_POINTS = [
    "Start with {image}: that is where {topic} comes from.",
    "Look closer at {image}, and you will notice details most people miss.",
    "Then there is {image}, calm and patient, shaping everything around it.",
    "Every part of {topic} connects back to {image}.",
    "The key is {image}: small changes there ripple outward.",
    "Now picture {image} at dawn, before the world wakes up.",
]
_CLOSES = [
    "So next time {topic} comes up, remember what you just saw.",
    "That is {topic}, seen the way it deserves.",
    "Follow for more, and never look at {topic} the same way again.",
    "Remember this, and share it with someone curious.",
]
_SHORT_LINES = [
    "This is {topic}.",
    "Welcome to {topic}.",
    "{Topic}, up close.",
]


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


def write_offline(topic_text: str, target_words: int, seed: int) -> str:
    """Write a spoken script of about ``target_words`` words about the topic, deterministic for a seed."""
    rng = random.Random(seed)
    topic = topic_phrase(topic_text)
    images = list(_IMAGERY[theme_of_text(topic_text)])
    rng.shuffle(images)
    fill = {"topic": topic, "Topic": topic[:1].upper() + topic[1:]}

    hook = rng.choice(_HOOKS).format(**fill)
    close = rng.choice(_CLOSES).format(**fill)
    if _count(hook) + _count(close) > target_words * 1.25:
        short = rng.choice(_SHORT_LINES).format(**fill)
        return hook if _count(hook) <= target_words * 1.4 else short

    points = rng.sample(_POINTS, k=len(_POINTS))
    body: list[str] = []
    budget = target_words - _count(hook) - _count(close)
    for template, image in zip(points, images):
        sentence = template.format(image=image, **fill)
        if _count(sentence) > budget + 3 or len(body) == 3:
            break
        body.append(sentence)
        budget -= _count(sentence)
    return " ".join([hook, *body, close])
