"""The shared rig: phonemes map to the visemes a viewer expects, controls round-trip through the table."""

import numpy as np

from reelforge.character.rig import CONTROLS, LANDMARKS, VISEMES, FaceControls, viseme_of


def test_phonemes_map_to_their_visemes():
    assert viseme_of("m") == viseme_of("b") == viseme_of("p") == "closed"
    assert viseme_of("f") == viseme_of("v") == "fv"
    assert viseme_of("i") == viseme_of("ɛ") == "wide"
    assert viseme_of("ɑ") == viseme_of("a") == "open"
    assert viseme_of("o") == viseme_of("ɔ") == "round"
    assert viseme_of("u") == viseme_of("w") == "pucker"
    assert viseme_of("t") == "consonant"
    assert viseme_of(" ") == viseme_of("ˈ") == viseme_of(",") == "rest"


def test_visemes_shape_the_mouth_as_named():
    assert VISEMES["open"].jaw_open > VISEMES["round"].jaw_open > VISEMES["wide"].jaw_open > VISEMES["rest"].jaw_open
    assert VISEMES["closed"].lip_press == 1.0 and VISEMES["closed"].jaw_open == 0.0
    assert VISEMES["pucker"].mouth_wide < VISEMES["round"].mouth_wide < 0 < VISEMES["wide"].mouth_wide
    assert VISEMES["fv"].lip_tuck == 1.0


def test_controls_round_trip_and_landmarks_are_mediapipe_indices():
    controls = FaceControls(jaw_open=0.4, smile=-0.2, head_yaw=0.1)
    vector = controls.vector()
    assert len(vector) == len(CONTROLS)
    assert FaceControls.from_vector(vector) == controls
    assert all(0 <= index < 478 for index in LANDMARKS.values())
    assert len(set(LANDMARKS.values())) == len(LANDMARKS)
    assert np.all(FaceControls().vector() == 0)
