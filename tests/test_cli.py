import json
import os
import subprocess
import sys

import numpy as np

import pytest

from conftest import decode_audio, probe

CLI = [sys.executable, "-m", "reelforge.cli"]


def run(*args):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--text", "hi", "--style", "sketch"], "style: got 'sketch'; allowed: cinematic"),
        (["--text", "hi", "--quality", "max"], "quality: got 'max'"),
        (["--text", "hi", "--duration", "0"], "duration"),
        (["--style", "noir"], "text: missing"),
        (["--text", "hi", "--background-image", "/nope/x.jpg"], "background_image: file not found"),
        (["--text", "hi", "--music-file", "/nope/song.mp3"], "music_file: file not found"),
        (["--text", "hi", "--voice-model", "/nope/voice.onnx"], "voice_model: file not found"),
        (["--text", "hi", "--export", "mov"], "exports: got 'mov'; allowed: webm, gif"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_code_2(tmp_path, args, message):
    done = run("render", *args, "-o", str(tmp_path / "x.mp4"))
    assert done.returncode == 2
    assert message in " ".join(done.stderr.split())
    assert "Traceback" not in done.stderr


def test_render_from_a_request_file_with_progress(tmp_path):
    request = tmp_path / "req.json"
    request.write_text(json.dumps({"text": "Rain over the forest.", "is_custom": True, "style": "noir",
                                   "quality": "speed", "duration": 2.0, "camera_movement": "orbit"}))
    out = tmp_path / "out.mp4"
    done = run("render", "--request", str(request), "--seed", "3", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out)
    for stage in ("script", "voice", "frames", "encode"):
        assert stage in done.stderr
    assert "30/30" in done.stderr  # frame counts in the progress bar
    assert probe(out)["frames"] == 30
    assert out.with_suffix(".srt").exists() and out.with_suffix(".vtt").exists()


def test_music_and_effects_can_be_turned_off(tmp_path):
    out = tmp_path / "plain.mp4"
    done = run("render", "--text", "Rain.", "--is-custom", "--quality", "speed", "--duration", "2",
               "--no-music", "--no-sound-effects", "-o", str(out))
    assert done.returncode == 0, done.stderr
    audio, rate = decode_audio(out)
    tail = audio[int(1.4 * rate) : int(2.0 * rate)]  # after the one word: nothing but silence
    assert np.sqrt(np.mean(tail**2)) < 1e-4
    assert np.abs(audio).max() > 0.3


def test_preview_with_an_export_writes_it_beside_the_draft(tmp_path):
    out = tmp_path / "draft.mp4"
    done = run("preview", "--text", "Rain.", "--is-custom", "--duration", "2", "--export", "webm", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out)
    assert str(out.with_suffix(".webm")) in "".join(done.stderr.split())  # Rich may wrap a long path
    info, draft = probe(out.with_suffix(".webm")), probe(out)
    assert (info["codec"], info["audio_codec"], info["width"], info["height"]) == ("vp9", "opus", 270, 480)
    assert info["frames"] == draft["frames"] == 24


def test_a_render_prints_its_warnings(tmp_path):
    out = tmp_path / "topic.mp4"
    env = {**os.environ, "REELFORGE_LLM_BASE_URL": "http://127.0.0.1:9/v1", "REELFORGE_LLM_FALLBACK": "1"}
    done = subprocess.run([*CLI, "render", "--text", "the sea", "--quality", "speed", "--duration", "2", "-o",
                           str(out)], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert "warning:" in done.stderr and "used the offline writer" in " ".join(done.stderr.split())
    assert done.stdout.strip() == str(out)
