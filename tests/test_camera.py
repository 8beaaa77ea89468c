"""Camera moves: geometry never leaves the source, and each move's direction measured on decoded frames."""

import math

import cv2
import numpy as np
import pytest

from conftest import decode_frames
from reelforge.camera import camera_view, layer_view, view_matrix
from reelforge.request import CameraMovement


@pytest.mark.parametrize("move", list(CameraMovement))
def test_views_never_show_outside_the_source(move):
    frame, source = (720, 1280), (936, 1664)
    for progress in np.linspace(0, 1, 21):
        for depth in (0.15, 0.5, 1.0):
            m = view_matrix(layer_view(camera_view(move, progress), depth), frame, source, offset=(1.5, -1.5))
            corners = np.array([[0, 0, 1], [719, 0, 1], [0, 1279, 1], [719, 1279, 1]], np.float64) @ m.T
            assert corners[:, 0].min() >= -0.5 and corners[:, 0].max() <= source[0] - 0.5
            assert corners[:, 1].min() >= -0.5 and corners[:, 1].max() <= source[1] - 0.5


@pytest.mark.parametrize("move", list(CameraMovement))
def test_moves_are_eased_at_both_ends(move):
    def position(p):
        v = camera_view(move, p)
        return np.array([v.u, v.v, v.size, v.roll])

    start_speed = np.abs(position(0.01) - position(0.0)).max()
    mid_speed = np.abs(position(0.26) - position(0.25)).max()
    end_speed = np.abs(position(1.0) - position(0.99)).max()
    assert start_speed <= 0.05 * mid_speed + 1e-9 and end_speed <= 0.05 * mid_speed + 1e-9


def measure_motion(a, b):
    """Similarity transform (scale, degrees, dx, dy) taking frame a's content to frame b's (tracked corners)."""
    gray_a, gray_b = (cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in (a, b))
    points = cv2.goodFeaturesToTrack(gray_a, 400, 0.01, 8)
    moved, status, _ = cv2.calcOpticalFlowPyrLK(gray_a, gray_b, points, None, winSize=(21, 21), maxLevel=4)
    good = status.ravel() == 1
    matrix, _ = cv2.estimateAffinePartial2D(points[good], moved[good], method=cv2.RANSAC)
    scale = math.hypot(matrix[0, 0], matrix[1, 0])
    return scale, math.degrees(math.atan2(matrix[1, 0], matrix[0, 0])), matrix[0, 2], matrix[1, 2]


@pytest.fixture(scope="module")
def move_frames(render_cache):
    def frames(move):
        _, path = render_cache(text="Snowy mountain peaks.", is_custom=True, style="realistic", camera_movement=move,
                               duration=3.0, captions=False, lighting="none", atmosphere="none", seed=3)
        return decode_frames(path)
    return frames


def test_static_does_not_move(move_frames):
    frames = move_frames("static")
    assert np.abs(frames[5].astype(int) - frames[-5]).mean() < 1.5


@pytest.mark.parametrize(("move", "axis", "sign"), [("pan_left", 2, 1), ("pan_right", 2, -1),
                                                     ("tilt_up", 3, 1), ("tilt_down", 3, -1)])
def test_pans_and_tilts_move_content_the_right_way(move_frames, move, axis, sign):
    frames = move_frames(move)
    motion = measure_motion(frames[10], frames[30])
    assert sign * motion[axis] > 5, motion


@pytest.mark.parametrize(("move", "grows"), [("slow_zoom_in", True), ("slow_zoom_out", False)])
def test_zooms_scale_the_content(move_frames, move, grows):
    frames = move_frames(move)
    scale = measure_motion(frames[8], frames[36])[0]
    assert (scale > 1.03) if grows else (scale < 0.97), scale


def test_orbit_rotates(move_frames):
    frames = move_frames("orbit")
    degrees = measure_motion(frames[8], frames[36])[1]
    assert abs(degrees) > 1.5, degrees


def test_dolly_zooms_in_then_out(move_frames):
    frames = move_frames("dolly")
    middle = len(frames) // 2
    assert measure_motion(frames[4], frames[middle])[0] > 1.05
    assert measure_motion(frames[middle], frames[-4])[0] < 0.95


def test_crane_rises_then_descends(move_frames):
    frames = move_frames("crane")
    middle = len(frames) // 2
    assert measure_motion(frames[4], frames[middle])[3] > 5  # camera up: content moves down
    assert measure_motion(frames[middle], frames[-4])[3] < -5
