import re

import pytest

from reelforge.script import words_for_duration, write_script
from reelforge.script.writer import WORDS_PER_SECOND
from reelforge.scene.keywords import atmosphere_of, keywords_of, theme_or_none, time_of_day
from reelforge.script.offline import (_ANGLES, _BRIDGES, _CLOSES, _DETAILS, _HOOKS, _IMAGERY, _ORDINALS, _POINTS,
                                      _RECAP, _SHORT_LINES, topic_phrase, write_offline)


TOPICS = ["the deep ocean", "why cats love boxes", "how to start running", "the history of coffee"]


@pytest.mark.parametrize("duration", [5.0, 8.0, 12.0, 20.0, 30.0, 60.0])
def test_script_is_sized_to_the_duration(duration):
    """About 2.5 words a second, for short and long videos alike (a 60 s script had been 61 words, a 12 s one
    a hook and a close with nothing between them)."""
    target = words_for_duration(duration)
    for topic, seed in zip(TOPICS, range(4)):
        words = len(write_offline(topic, target, seed).split())
        assert 0.8 * target <= words <= 1.25 * target + 3, (topic, target, words)


@pytest.mark.parametrize(("duration", "ordinals"), [(12.0, ["To start,", "Then,"]),
                                                    (30.0, ["To start,", "Next,", "Finally,"])])
def test_script_has_a_hook_points_in_order_and_a_close(duration, ordinals):
    for seed in range(10):
        script = write_offline("the deep ocean", words_for_duration(duration), seed)
        sentences = [s.strip() for s in re.split(r"(?<=[.?!])\s", script) if s.strip()]
        openings = [next(i for i, s in enumerate(sentences) if s.startswith(o)) for o in ordinals]
        assert 0 < openings[0] and openings == sorted(openings) and openings[-1] < len(sentences) - 1, script
        assert "the deep ocean" in sentences[0], script  # the hook names the topic


def test_a_question_or_a_noun_phrase_topic_reads_right():
    """The topic only ever follows "about", where "why cats love boxes" reads as well as "the deep ocean"
    (not "so next time why cats love boxes comes up")."""
    for topic in TOPICS:
        for seed in range(20):
            script = write_offline(topic, words_for_duration(30), seed)
            assert script.count(topic) >= 1 and script.count(topic) == script.count(f"about {topic}"), script


def test_writer_is_deterministic_per_seed():
    assert write_offline("mountains", 30, 5) == write_offline("mountains", 30, 5)
    assert len({write_offline("mountains", 30, s) for s in range(6)}) > 1


def test_topic_phrase_drops_request_wording():
    assert topic_phrase("Make a video about the history of rome.") == "the history of rome"


def test_custom_text_is_narrated_as_is():
    result = write_script("  My own   words.  ", True, 5.0, 0)
    assert result.text == "My own words." and result.source == "custom"


def test_no_sentence_shape_holds_a_word_the_scene_planner_reads():
    shapes = [*_HOOKS, *_BRIDGES, *_POINTS, *_DETAILS, _RECAP, *_CLOSES, *_SHORT_LINES,
              *(ordinal for ordinals in _ORDINALS.values() for ordinal in ordinals)]
    for shape in shapes:
        assert keywords_of(re.sub(r"\{\w+\}", "", shape)) == [], shape


def test_the_narrators_phrasing_does_not_choose_the_scenes():
    """A topic without place or weather words is drawn from the writer's imagery, never from its turns of phrase:
    "think" had turned Rome into abstract shapes and "quiet" had filled every scene with fog."""
    for seed in range(30):
        script = write_offline("why cats love boxes", words_for_duration(30), seed)
        assert theme_or_none(script) is None, script
        assert atmosphere_of(script) is None, script


@pytest.mark.parametrize("topic", ["how to start running", "the history of coffee"])
def test_a_topic_that_names_no_place_is_not_given_one(topic):
    """Its points take angles on the topic ("the basics", "the common mistakes"): "To start, look closer at the
    sunset" had opened a video on how to start running."""
    for seed in range(10):
        script = write_offline(topic, words_for_duration(30), seed)
        assert sum(angle in script for angle in _ANGLES) == 3, script
        assert time_of_day(script) is None and not any(image in script for image in _IMAGERY["sky"]), script


@pytest.mark.parametrize("duration", [120.0, 300.0])
def test_a_video_longer_than_the_longest_offline_script_gets_a_warning(duration):
    result = write_script("why octopuses are so smart", False, duration, 3)
    spoken = len(result.text.split()) / WORDS_PER_SECOND
    assert result.source == "offline" and spoken < 0.75 * duration
    assert len(result.warnings) == 1 and f"{duration:.0f} s video" in result.warnings[0]
    assert "REELFORGE_LLM_BASE_URL" in result.warnings[0]


@pytest.mark.parametrize("duration", [5.0, 30.0, 60.0])
def test_an_offline_script_that_fills_its_video_has_no_warning(duration):
    assert write_script("why octopuses are so smart", False, duration, 3).warnings == []
