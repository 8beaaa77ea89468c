"""Trim, concat and export on videos made by reelforge's own encoder, each frame carrying its index."""

import subprocess
import sys

import av
import cv2
import numpy as np
import pytest

from conftest import decode_audio, decode_frames, probe
from typer.testing import CliRunner

from reelforge.cli import app
from reelforge.edit import concat, export, trim
from reelforge.encode import AUDIO_RATE, VideoEncoder

BITS = 8  # the frame index as 8 black/white squares across the top row


def make_video(path, frames=72, fps=24, size=(320, 568), hue=(40, 90, 160), tone=True):
    """``frames`` frames with their index drawn as bits (and as digits), a tone rising 100 Hz each second."""
    width, height = size
    time = np.arange(round(frames / fps * AUDIO_RATE)) / AUDIO_RATE
    audio = (0.3 * np.sin(2 * np.pi * (300 + 100 * np.floor(time)) * time)).astype(np.float32) if tone else None
    with VideoEncoder(path, width, height, fps, 1_000_000, audio=audio, frame_count=frames) as encoder:
        for index in range(frames):
            rgb = np.full((height, width, 3), hue, np.uint8)
            cell = width // BITS
            for bit in range(BITS):
                if index >> bit & 1:
                    rgb[:cell, bit * cell : (bit + 1) * cell] = 255
                else:
                    rgb[:cell, bit * cell : (bit + 1) * cell] = 0
            cv2.putText(rgb, str(index), (20, height // 2), cv2.FONT_HERSHEY_SIMPLEX, 2, (255, 255, 255), 4)
            encoder.write(rgb)
    return path


def frame_index(rgb, box=None):
    """The index drawn into a frame (``box``: where the source frame lies inside it, x, y, w, h)."""
    x, y, w, h = box or (0, 0, rgb.shape[1], rgb.shape[0])
    cell = w / BITS
    return sum(1 << bit for bit in range(BITS) if rgb[int(y + cell / 2), int(x + (bit + 0.5) * cell)].mean() > 128)


def dominant_hz(samples):
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(samples.size)))
    return np.argmax(spectrum) * AUDIO_RATE / samples.size


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return make_video(tmp_path_factory.mktemp("edit") / "clip.mp4")


@pytest.fixture(scope="module")
def other(tmp_path_factory):
    return make_video(tmp_path_factory.mktemp("edit") / "other.mp4", frames=48, hue=(150, 60, 60))


def test_trim_is_frame_exact_with_the_same_audio_span(clip, tmp_path):
    out = trim(clip, tmp_path / "trim.mp4", 1.0, 2.5).output
    info = probe(out)
    assert info["frames"] == 36 and info["fps"] == 24 and (info["width"], info["height"]) == (320, 568)
    frames = decode_frames(out)
    assert [frame_index(frame) for frame in frames] == list(range(24, 60))
    audio, rate = decode_audio(out)
    assert abs(audio.size - 1.5 * rate) <= 1024  # within one AAC frame of the span
    assert abs(dominant_hz(audio[int(0.1 * rate) : int(0.9 * rate)]) - 400) < 5  # second 1 of the source
    assert abs(dominant_hz(audio[int(1.1 * rate) : int(1.4 * rate)]) - 500) < 5  # second 2
    data = out.read_bytes()  # +faststart: the index before the media data
    assert data.find(b"moov") < data.find(b"mdat")


def packets(path):
    with av.open(str(path)) as container:
        return [bytes(packet) for packet in container.demux(video=0) if packet.dts is not None]


def test_concat_of_compatible_inputs_copies_the_packets(clip, other, tmp_path):
    result = concat([clip, other], tmp_path / "joined.mp4")
    assert result.copied
    assert packets(result.output) == packets(clip) + packets(other)
    info = probe(result.output)
    assert info["frames"] == 120 and abs(info["duration"] - 5.0) < 0.05
    indices = [frame_index(frame) for frame in decode_frames(result.output)]
    assert indices == list(range(72)) + list(range(48))
    audio, rate = decode_audio(result.output)
    assert abs(audio.size - 5.0 * rate) <= 1024
    joint = audio[int(2.9 * rate) : int(3.1 * rate)]  # the tone goes on across the join, no gap of silence
    assert min(np.abs(joint[i : i + 240]).max() for i in range(0, joint.size - 240, 240)) > 0.1


def test_concat_of_different_inputs_re_encodes_to_the_first_size(clip, tmp_path):
    wide = make_video(tmp_path / "wide.mp4", frames=30, fps=15, size=(400, 224), tone=False)
    result = concat([clip, wide], tmp_path / "mixed.mp4")
    assert not result.copied
    info = probe(result.output)
    assert (info["width"], info["height"], info["fps"]) == (320, 568, 24)
    assert info["frames"] == 72 + 48 and info["audio_codec"] == "aac"
    frames = decode_frames(result.output)
    assert [frame_index(frame) for frame in frames[:72]] == list(range(72))
    height = round(224 * 320 / 400)  # scaled to fit the width, black bars above and below
    box = (0, (568 - height) // 2, 320, height)
    assert [frame_index(frame, box) for frame in frames[72::8]] == [i * 15 // 24 for i in range(0, 48, 8)]
    assert frames[80][:20].max() < 20  # the bar


def test_export_webm_is_vp9_and_opus(clip, tmp_path):
    out = export(clip, tmp_path / "clip.webm", "webm", "9:16").output
    info = probe(out)
    assert info["codec"] == "vp9" and info["audio_codec"] == "opus"
    assert info["frames"] == 72 and abs(info["duration"] - 3.0) < 0.1
    assert [frame_index(frame) for frame in decode_frames(out)][::10] == list(range(0, 72, 10))
    audio, rate = decode_audio(out)
    assert abs(audio.size - 3.0 * rate) <= 960 and abs(dominant_hz(audio[int(2.1 * rate) : int(2.9 * rate)]) - 500) < 5


def test_export_gif_is_palette_optimised_at_10_fps(clip, tmp_path):
    out = export(clip, tmp_path / "clip.gif", "gif", "9:16").output
    info = probe(out)
    assert info["codec"] == "gif" and info["frames"] == 30  # 3 s at GIF_FPS
    frames = decode_frames(out)
    assert [frame_index(frame) for frame in frames] == [i * 24 // 10 for i in range(30)]  # showing at each time
    packed = np.concatenate([frame.reshape(-1, 3).astype(np.int32) @ (1 << 16, 1 << 8, 1) for frame in frames])
    colours = np.unique(packed)
    assert len(colours) <= 256


@pytest.mark.parametrize("fit", ["blur", "crop"])
def test_export_to_another_aspect(clip, tmp_path, fit):
    out = export(clip, tmp_path / f"{fit}.mp4", "mp4", "16:9", fit).output
    info = probe(out)
    assert (info["width"], info["height"], info["frames"]) == (568, 320, 72)
    frame = decode_frames(out)[50]
    width = round(320 * 320 / 568)  # the source scaled to fit the height, centred
    box = ((568 - width) // 2, 0, width, 320)
    if fit == "blur":  # the whole source frame, its index row included, over a blurred copy
        assert frame_index(frame, box) == 50
        assert 10 < frame[200, 20].mean() and abs(frame[200, 20].astype(int) - (40, 90, 160)).max() < 40
    else:  # scaled to cover the width: the top of the source (with the index row) is cut off
        assert np.abs(frame[:8].astype(int) - (40, 90, 160)).max() < 40


CLI = [sys.executable, "-m", "reelforge.cli", "edit"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["trim", "/nope/x.mp4", "--start", "0", "--end", "1"], "IN: file not found"),
        (["trim", "{clip}", "--start", "2", "--end", "1"], "--end: must be after --start"),
        (["trim", "{clip}", "--start", "0", "--end", "9"], "--end: 9.0 s is past the end"),
        (["trim", "{notvideo}", "--start", "0", "--end", "1"], "IN: notes.txt is not a readable video"),
        (["export", "{clip}", "--format", "avi", "--aspect", "1:1"], "--format: got 'avi'"),
        (["export", "{clip}", "--format", "gif", "--aspect", "4:3"], "--aspect: got '4:3'"),
    ],
)
def test_cli_bad_input_is_one_line_exit_2(clip, tmp_path, args, message):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a video")
    args = [arg.format(clip=clip, notvideo=notes) for arg in args]
    done = CliRunner().invoke(app, ["edit", *args, "-o", str(tmp_path / "out.mp4")])
    assert done.exit_code == 2
    assert message in " ".join(done.stderr.split()) and done.stderr.count("error:") == 1
    assert done.exception is None or isinstance(done.exception, SystemExit)
    assert not (tmp_path / "out.mp4").exists()


def test_cli_concat_and_trim_report_what_they_did(clip, other, tmp_path):
    done = subprocess.run([*CLI, "concat", str(clip), str(other), "-o", str(tmp_path / "j.mp4")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "packets copied" in done.stderr and done.stdout.strip() == str(tmp_path / "j.mp4")
    done = subprocess.run([*CLI, "trim", str(tmp_path / "j.mp4"), "--start", "1", "--end", "3", "-o",
                           str(tmp_path / "t.mp4")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert probe(tmp_path / "t.mp4")["frames"] == 48
