"""`reelforge batch`: many videos from JSONL or CSV, failures per line, resumable, a clear exit code."""

import json
import os
import subprocess
import sys

import pytest

from conftest import probe

ENV = {**os.environ, "COLUMNS": "200"}  # Rich wraps at the terminal width: keep each message on one line


def batch(*args):
    return subprocess.run([sys.executable, "-m", "reelforge.cli", "batch", *args], capture_output=True, text=True,
                          timeout=300, env=ENV)


def test_a_bad_line_is_reported_and_the_rest_rendered_then_a_rerun_skips_them(tmp_path):
    requests = tmp_path / "requests.jsonl"
    requests.write_text("\n".join(json.dumps(line) for line in [
        {"text": "Rain over the forest.", "is_custom": True, "duration": 2},
        {"text": "A bad style.", "is_custom": True, "duration": 2, "style": "sketch"},
        {"text": "Snow on the city.", "is_custom": True, "duration": 2, "style": "noir"},
    ]) + "\n")
    out = tmp_path / "out"
    first = batch(str(requests), "--out", str(out), "--quality", "speed")
    assert first.returncode == 1, first.stderr
    assert "line 2: style: got 'sketch'" in first.stderr
    assert "2 rendered, 0 skipped, 1 failed of 3" in first.stderr
    videos = sorted(out.glob("*.mp4"))
    assert [video.name[:5] for video in videos] == ["0001-", "0003-"]
    for video in videos:
        info = probe(video)
        assert (info["width"], info["height"], info["codec"], info["audio_codec"]) == (720, 1280, "h264", "aac")
        marker = json.loads(video.with_suffix(".done.json").read_text())
        assert marker["frames"] == info["frames"] and marker["duration"] >= 2.0  # at least the requested length
        assert info["duration"] == pytest.approx(marker["duration"], abs=0.1)
    before = {video: (video.stat().st_ino, video.stat().st_mtime_ns) for video in videos}

    again = batch(str(requests), "--out", str(out), "--quality", "speed")
    assert again.returncode == 1
    assert "0 rendered, 2 skipped, 1 failed of 3" in again.stderr
    assert "line 2: style: got 'sketch'" in again.stderr
    assert {video: (video.stat().st_ino, video.stat().st_mtime_ns) for video in videos} == before
    assert sorted(out.glob("*.mp4")) == videos


def test_a_csv_batch_with_a_header_row(tmp_path):
    requests = tmp_path / "requests.csv"
    requests.write_text('text,is_custom,duration,quality,aspect,style\n'
                        '"Waves on the shore, at dawn.",true,2,speed,1:1,\n')
    out = tmp_path / "out"
    done = batch(str(requests), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "1 rendered, 0 skipped, 0 failed of 1" in done.stderr
    [video] = out.glob("0002-*.mp4")  # the request is the file's second line
    info = probe(video)
    assert (info["width"], info["height"], info["fps"]) == (720, 720, 15.0)  # speed quality at 1:1
    assert info["duration"] >= 2.0 - 0.05 and info["audio_codec"] == "aac"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("missing.jsonl", None, "cannot read"),
    ("requests.txt", "text\nhello\n", "give a .jsonl or .csv file"),
    ("requests.jsonl", "text: hello\nthis is not json\n", "not JSONL"),
    ("requests.csv", "words;style\nhello;noir\n", "header row"),
    ("requests.jsonl", "\n\n", "holds no requests"),
])
def test_a_bad_batch_file_is_one_line_and_exit_code_2(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    done = batch(str(path), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stderr.startswith("error:") and done.stderr.strip().count("\n") == 0
    assert not (tmp_path / "out").exists()
