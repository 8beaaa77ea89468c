"""Scene plans: sentences on the narration clock, or a timeline's scenes with their own settings."""

import pytest

from reelforge.plan import plan_from_words, plan_timeline, transition_for
from reelforge.request import CameraMovement, CharacterType, Emotion, Style, Transition, VideoRequest


def test_timeline_scenes_keep_their_settings_and_follow_the_request_elsewhere(tmp_path):
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"not read by the plan")
    request = VideoRequest(style="anime", camera_movement="orbit", character_type="robot", emotion="sad",
                           video_type="hybrid", scenes=[
                               {"text": "Waves on the sea at dawn."},
                               {"text": "Nothing here names a place.", "style": "noir", "camera_movement": "pan_left",
                                "transition": "slide", "character_type": "monkey"},
                               {"text": "A picture.", "background_image": str(photo), "theme": "space",
                                "time_of_day": "night"}])
    scenes = plan_timeline(request, [0.0, 2.0, 5.5, 8.0])
    assert [(s.start, s.end) for s in scenes] == [(0.0, 2.0), (2.0, 5.5), (5.5, 8.0)]
    assert [s.style for s in scenes] == [Style.anime, Style.noir, Style.anime]
    assert [s.camera_movement for s in scenes] == [CameraMovement.orbit, CameraMovement.pan_left,
                                                   CameraMovement.orbit]
    assert [s.transition for s in scenes] == ["fade_black", "slide", "fade_black"]  # auto for sad: fade to black
    assert [s.character_type for s in scenes] == [CharacterType.robot, CharacterType.monkey, CharacterType.robot]
    assert [s.background_image for s in scenes] == [None, None, photo]
    assert [s.theme for s in scenes] == ["ocean", "ocean", "space"]  # no theme words: the scene before's
    assert scenes[0].time_of_day == "dawn" and scenes[2].time_of_day == "night"
    assert request.text == "Waves on the sea at dawn. Nothing here names a place. A picture."
    assert request.is_custom is True


@pytest.mark.parametrize(("emotion", "expected"), [(Emotion.happy, "slide"), (Emotion.calm, "fade_black"),
                                                   (Emotion.neutral, "crossfade")])
def test_auto_transition_follows_the_emotion_and_a_chosen_one_wins(emotion, expected):
    assert transition_for(Transition.auto, emotion) == expected
    assert transition_for(Transition.crossfade, emotion) == "crossfade"


def test_a_scene_whose_only_theme_word_is_the_skys_stays_in_the_place_before():
    text = "Deep in the forest, old pines stand in the fog. A path winds into the dark. Clouds drift over the sea."
    request = VideoRequest(text=text, is_custom=True, duration=12.0)
    themes = [scene.theme for scene in plan_from_words(request, text)]
    assert themes == ["forest", "forest", "ocean"]  # "winds" is not a sky to cut to; the sea is a place
    alone = "The wind rises. Light breaks through the clouds."
    assert [scene.theme for scene in plan_from_words(VideoRequest(text=alone, is_custom=True), alone)] == ["sky"] * 2
