"""`reelforge preview`: a faithful low-resolution draft of the whole video and a storyboard contact sheet."""

import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from conftest import decode_audio, decode_frames, probe
from reelforge.preview import BACKGROUND

TEXT = "The sun rises over the quiet mountains. A storm rolls across the dark city at night."
FIELDS = {"text": TEXT, "is_custom": True, "duration": 3.0, "seed": 4}


@pytest.fixture(scope="module")
def drafted(tmp_path_factory):
    """The CLI's draft of TEXT, and the full (speed) render of the same request."""
    folder = tmp_path_factory.mktemp("preview")
    draft = folder / "draft.mp4"
    done = subprocess.run([sys.executable, "-m", "reelforge.cli", "preview", "--text", TEXT, "--is-custom",
                           "--duration", "3", "--seed", "4", "--quality", "speed", "-o", str(draft)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return draft


def test_the_draft_is_small_and_whole_with_the_full_renders_audio(drafted, render_cache):
    full, _ = render_cache(**FIELDS)
    info = probe(drafted)
    assert (info["width"], info["height"], info["fps"]) == (270, 480, 12.0)
    assert info["codec"] == "h264" and info["audio_codec"] == "aac"
    assert abs(info["frames"] - full.duration * 12) < 1  # the same length, each cut to whole frames of its fps
    assert info["duration"] == pytest.approx(full.duration, abs=0.1)
    samples, rate = decode_audio(drafted)
    assert len(samples) / rate == pytest.approx(full.duration, abs=0.15)
    assert np.sqrt(np.mean(samples**2)) > 0.02  # the narration is there


def _tile_columns(sheet: np.ndarray, y: int) -> list[tuple[int, int]]:
    """Runs of columns at row ``y`` that are not the sheet's background: the tiles of that row."""
    inside = np.any(np.abs(sheet[y].astype(int) - BACKGROUND) > 4, axis=1)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], inside.astype(int), [0]])))
    return [(int(start), int(end)) for start, end in zip(edges[::2], edges[1::2]) if end - start > 50]


def test_the_storyboard_has_one_still_per_scene_with_its_text(drafted, render_cache):
    full, _ = render_cache(**FIELDS)
    assert len(full.scenes) >= 2
    sheet = np.asarray(Image.open(drafted.with_suffix(".storyboard.png")).convert("RGB"))
    top = 16 + 240  # the middle of the first row of tiles
    runs = _tile_columns(sheet, top)
    assert len(runs) == len(full.scenes)
    assert all(end - start == 270 for start, end in runs)
    frames = decode_frames(drafted)
    tiles = []
    for (left, right), scene in zip(runs, full.scenes):
        tile = sheet[16:16 + 480, left:right].astype(float)
        tiles.append(tile)
        middle = frames[round((scene.start + scene.end) / 2 * 12)].astype(float)
        assert np.mean(np.abs(tile - middle)) < 10  # the scene's middle frame (the sheet's has no captions)
        caption_band = sheet[16 + 480:16 + 480 + 100, left:right]
        assert np.count_nonzero(caption_band.min(axis=2) > 200) > 200  # its text and time range are written under it
    assert np.mean(np.abs(tiles[0] - tiles[1])) > 15  # scenes differ
