"""The one face every character shares: named landmarks on MediaPipe's topology and the controls that move them.

Built-in characters are drawn from these controls; a photo is warped by moving its MediaPipe landmarks with
them. The controls are plain floats so a performance is a table of them over frames (``CONTROLS`` names its
columns), and the visemes are targets for the mouth controls.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields

import numpy as np

# A documented subset of MediaPipe Face Mesh's 478 points (refine_landmarks on: 468-477 are the irises).
# "left" and "right" are the viewer's (MediaPipe names them from the subject's side: its RIGHT_EYE is our left).
LANDMARKS: dict[str, int] = {
    "forehead": 10, "chin": 152, "nose_tip": 1, "nose_bridge": 168,
    "mouth_left": 61, "mouth_right": 291, "upper_lip_top": 0, "upper_lip_inner": 13,
    "lower_lip_inner": 14, "lower_lip_bottom": 17,
    "left_eye_outer": 33, "left_eye_inner": 133, "left_lid_upper": 159, "left_lid_lower": 145,
    "right_eye_inner": 362, "right_eye_outer": 263, "right_lid_upper": 386, "right_lid_lower": 374,
    "left_iris": 468, "right_iris": 473,
    "left_brow_inner": 107, "left_brow_mid": 105, "left_brow_outer": 70,
    "right_brow_inner": 336, "right_brow_mid": 334, "right_brow_outer": 300,
    "left_cheek": 234, "right_cheek": 454, "jaw_left": 172, "jaw_right": 397,
}


# Ordered contours of the regions the controls move (viewer's left first), on the same topology.
REGIONS: dict[str, list[int]] = {
    "upper_lip_inner": [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308],
    "lower_lip_inner": [78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308],
    "upper_lip_outer": [61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291],
    "lower_lip_outer": [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291],
    "left_lid_upper": [246, 161, 160, 159, 158, 157, 173],
    "left_lid_lower": [7, 163, 144, 145, 153, 154, 155],
    "right_lid_upper": [398, 384, 385, 386, 387, 388, 466],
    "right_lid_lower": [382, 381, 380, 374, 373, 390, 249],
    "left_brow": [70, 63, 105, 66, 107, 46, 53, 52, 65, 55],
    "right_brow": [336, 296, 334, 293, 300, 285, 295, 282, 283, 276],
    "left_brow_inner": [107, 66, 55, 65],
    "right_brow_inner": [336, 296, 285, 295],
    "left_brow_lower": [46, 53, 52, 65, 55],
    "right_brow_lower": [285, 295, 282, 283, 276],
    "left_iris": [468, 469, 470, 471, 472],
    "right_iris": [473, 474, 475, 476, 477],
}


@dataclass
class FaceControls:
    """What the animator drives, all at 0 for a relaxed, neutral face looking at the camera.

    Mouth: jaw_open 0..1, mouth_wide -1 (rounded, puckered) .. 1 (spread), lip_press 0..1 (lips pressed shut),
    lip_tuck 0..1 (lower lip under the teeth, F/V), smile -1 (frown) .. 1. Eyes: lid_left/right 0 open .. 1
    shut, eye_wide 0..1, gaze_x/gaze_y -1..1. Brows: brow_left/right -1 (down) .. 1 (raised), brow_furrow
    0..1. Head: yaw/pitch/roll in radians. Body: breath -1..1 (in/out). micro 0..1: a passing expression.
    """

    jaw_open: float = 0.0
    mouth_wide: float = 0.0
    lip_press: float = 0.0
    lip_tuck: float = 0.0
    smile: float = 0.0
    lid_left: float = 0.0
    lid_right: float = 0.0
    eye_wide: float = 0.0
    gaze_x: float = 0.0
    gaze_y: float = 0.0
    brow_left: float = 0.0
    brow_right: float = 0.0
    brow_furrow: float = 0.0
    head_yaw: float = 0.0
    head_pitch: float = 0.0
    head_roll: float = 0.0
    breath: float = 0.0
    micro: float = 0.0

    def vector(self) -> np.ndarray:
        return np.array(astuple(self), np.float64)

    @classmethod
    def from_vector(cls, values: np.ndarray) -> "FaceControls":
        return cls(*(float(v) for v in values))


CONTROLS: tuple[str, ...] = tuple(f.name for f in fields(FaceControls))


def control_index(name: str) -> int:
    """The column of a control in a performance table."""
    return CONTROLS.index(name)


@dataclass(frozen=True)
class Viseme:
    """A mouth target: how open, how wide or round, pressed shut or lower lip tucked."""

    jaw_open: float
    mouth_wide: float
    lip_press: float = 0.0
    lip_tuck: float = 0.0


VISEMES: dict[str, Viseme] = {
    "rest": Viseme(0.0, 0.0),
    "closed": Viseme(0.0, 0.05, lip_press=1.0),   # M, B, P
    "fv": Viseme(0.12, 0.15, lip_tuck=1.0),       # F, V
    "wide": Viseme(0.35, 0.8),                     # E, I
    "open": Viseme(0.9, 0.25),                     # A
    "round": Viseme(0.6, -0.6),                    # O
    "pucker": Viseme(0.25, -1.0),                  # U, W
    "consonant": Viseme(0.25, 0.2),                # T, D, K, S, N, L, R ...: a half-open mouth
}

# IPA symbols (as espeak/Piper writes them) to visemes; anything else is a generic consonant.
_PHONEME_VISEMES: dict[str, str] = {
    **dict.fromkeys("mbpɱ", "closed"),
    **dict.fromkeys("fv", "fv"),
    **dict.fromkeys("iɪeɛjæ", "wide"),
    **dict.fromkeys("aɑɐʌəɚɜ", "open"),
    **dict.fromkeys("oɔɒ", "round"),
    **dict.fromkeys("uʊwɹʃʒ", "pucker"),
}
_MARKS = set("ˈˌːˑ")  # stress and length marks are letters to Python but not sounds


def viseme_of(phoneme: str) -> str:
    """The viseme that shows a phoneme symbol (pauses and stress marks rest)."""
    if not any(ch.isalpha() and ch not in _MARKS for ch in phoneme):
        return "rest"
    return _PHONEME_VISEMES.get(phoneme[0], "consonant")
