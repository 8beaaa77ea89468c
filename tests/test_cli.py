import json
import subprocess
import sys

import pytest

from conftest import probe

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
