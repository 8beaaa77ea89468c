import pytest

from reelforge import RequestError, VideoRequest, parse_request
from reelforge.request import CameraMovement, Emotion, Quality, Style, VideoType


def test_defaults_follow_the_spec():
    request = VideoRequest(text="hello")
    assert request.is_custom is False
    assert request.video_type is VideoType.cinematic
    assert request.style is Style.cinematic
    assert request.character_type.value == "person"
    assert request.emotion is Emotion.neutral
    assert request.quality is Quality.balanced
    assert request.camera_movement is CameraMovement.static
    assert request.duration == 5.0
    assert request.aspect.value == "9:16"


def test_enum_values_are_the_spec_values():
    assert [s.value for s in Style] == ["cinematic", "anime", "realistic", "abstract", "vintage", "neon", "noir",
                                        "watercolor"]
    assert len(CameraMovement) == 10 and len(Emotion) == 10


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("style", "sketch", "allowed: cinematic, anime"),
        ("quality", "max", "allowed: speed, balanced, quality, ultra"),
        ("camera_movement", "spin", "allowed: static, slow_zoom_in"),
        ("emotion", "bored", "allowed: neutral, happy"),
        ("video_type", "cartoon", "allowed: cinematic, character, hybrid"),
        ("character_type", "dragon", "allowed: person, monkey"),
        ("aspect", "4:3", "allowed: 9:16, 16:9, 1:1"),
        ("duration", 0.2, "greater than or equal to 1"),
        ("duration", 301, "less than or equal to 300"),
        ("text", "   ", "must contain words"),
        ("text", "", "at least 1 character"),
        ("seed", -1, "greater than or equal to 0"),
        ("exports", ["mp4"], "got 'mp4'; allowed: webm, gif"),
        ("exports", "gif", "a valid list"),
    ],
)
def test_each_invalid_field_is_named_with_its_rule(field, value, expected):
    with pytest.raises(RequestError) as caught:
        parse_request({"text": "hello", field: value})
    assert caught.value.field == field
    assert expected in str(caught.value)


def test_missing_text_and_unknown_fields_are_named():
    with pytest.raises(RequestError) as caught:
        parse_request({"style": "noir"})
    assert caught.value.field == "text"
    with pytest.raises(RequestError) as caught:
        parse_request({"text": "hi", "colour": "red"})
    assert caught.value.field == "colour" and "unknown field" in str(caught.value)


def test_missing_background_file_is_a_clear_error(tmp_path):
    with pytest.raises(RequestError) as caught:
        parse_request({"text": "hi", "background_image": str(tmp_path / "nope.jpg")})
    assert caught.value.field == "background_image"
    assert "file not found" in str(caught.value)


def test_request_error_is_a_value_error():
    assert issubclass(RequestError, ValueError)


@pytest.mark.parametrize(
    ("scenes", "field", "expected"),
    [
        ([], "scenes", "at least one scene"),
        ([{"text": "a", "style": "sketch"}], "scenes.0.style", "'noir'"),
        ([{"text": "a"}, {"text": "  "}], "scenes.1.text", "needs words"),
        ([{"duration": 2}], "scenes.0.text", "needs words"),
        ([{"text": "a", "duration": 0.5}], "scenes.0.duration", "greater than or equal to 1"),
        ([{"text": "a", "duration": 200}, {"text": "b", "duration": 200}], "scenes", "add up to more than 300"),
        ([{"text": "a", "background_image": "/no/such.png"}], "scenes.0.background_image", "file not found"),
        ([{"text": "a", "colour": "red"}], "scenes.0.colour", "unknown field"),
        ([{"text": "a"}] * 31, "scenes", "at most 30"),
    ],
)
def test_each_invalid_timeline_field_is_named(scenes, field, expected):
    with pytest.raises(RequestError) as caught:
        parse_request({"scenes": scenes})
    assert caught.value.field == field
    assert expected in str(caught.value)


def test_a_timeline_text_is_its_scenes_words():
    request = parse_request({"scenes": [{"text": " One. "}, {"text": "Two."}]})
    assert request.text == "One. Two." and request.is_custom
    assert parse_request(request.model_dump(mode="json", exclude_unset=True)) == request  # stored and read back
    with pytest.raises(RequestError) as caught:
        parse_request({"text": "Something else.", "scenes": [{"text": "One."}]})
    assert caught.value.field == "text"


def test_exports_default_to_none_and_list_each_format_once():
    assert VideoRequest(text="hi").exports == []
    assert [f.value for f in parse_request({"text": "hi", "exports": ["gif", "webm", "gif"]}).exports] == \
        ["gif", "webm"]


def test_a_scene_can_name_every_time_of_day_the_sky_paints():
    from reelforge.request import TimeOfDay
    from reelforge.scene import TIMES_OF_DAY

    assert sorted(time.value for time in TimeOfDay) == sorted(TIMES_OF_DAY)
