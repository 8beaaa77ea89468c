import pytest

from reelforge.script import words_for_duration, write_script
from reelforge.scene.keywords import atmosphere_of, theme_or_none
from reelforge.script.offline import topic_phrase, write_offline


@pytest.mark.parametrize("duration", [5.0, 12.0, 20.0, 30.0])
def test_script_is_sized_to_the_duration(duration):
    target = words_for_duration(duration)
    script = write_offline("the deep ocean", target, seed=1)
    words = len(script.split())
    assert 0.6 * target <= words <= 1.45 * target + 4


def test_script_has_hook_points_and_close_and_names_the_topic():
    script = write_offline("the deep ocean", words_for_duration(30), seed=3)
    sentences = [s for s in script.replace("?", ".").split(".") if s.strip()]
    assert len(sentences) >= 4  # hook, two or more points, close
    assert "the deep ocean" in script.lower()


def test_writer_is_deterministic_per_seed():
    assert write_offline("mountains", 30, 5) == write_offline("mountains", 30, 5)
    assert len({write_offline("mountains", 30, s) for s in range(6)}) > 1


def test_topic_phrase_drops_request_wording():
    assert topic_phrase("Make a video about the history of rome.") == "the history of rome"


def test_custom_text_is_narrated_as_is():
    result = write_script("  My own   words.  ", True, 5.0, 0)
    assert result.text == "My own words." and result.source == "custom"


def test_the_narrators_phrasing_does_not_choose_the_scenes():
    """A topic without place or weather words is drawn from the writer's imagery, never from its turns of phrase:
    "think" had turned Rome into abstract shapes and "quiet" had filled every scene with fog."""
    for seed in range(30):
        script = write_offline("why cats love boxes", words_for_duration(30), seed)
        assert theme_or_none(script) in (None, "sky"), script  # the sky's imagery: light, clouds, horizon
        assert atmosphere_of(script) is None, script
