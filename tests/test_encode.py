import os
import threading
from concurrent.futures import Future
from pathlib import Path

import cv2
import numpy as np
import pytest

from conftest import decode_frames, probe
from reelforge.encode import VideoEncoder


def _frames(n, h=128, w=96):
    return [np.full((h, w, 3), (i * 9) % 256, np.uint8) for i in range(n)]


def test_writes_exact_frames_with_audio_and_index_first(tmp_path):
    path = tmp_path / "clip.mp4"
    audio = (0.2 * np.sin(np.arange(22050 * 2) / 22050 * 2 * np.pi * 440)).astype(np.float32)
    with VideoEncoder(path, 96, 128, 24, 500_000, audio=audio, audio_rate=22050, frame_count=48) as encoder:
        for frame in _frames(48):
            encoder.write(frame)
    info = probe(path)
    assert info == {"codec": "h264", "width": 96, "height": 128, "fps": 24.0, "pix_fmt": "yuv420p", "frames": 48,
                    "duration": pytest.approx(2.0, abs=0.05), "audio_codec": "aac", "audio_rate": 48000}
    data = path.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # +faststart: playable while downloading
    decoded = decode_frames(path)
    assert abs(int(decoded[10].mean()) - 90) <= 3


def test_interrupted_write_leaves_nothing_under_the_final_name(tmp_path):
    path = tmp_path / "clip.mp4"
    with pytest.raises(RuntimeError, match="boom"):
        with VideoEncoder(path, 96, 128, 24, 500_000) as encoder:
            for frame in _frames(10):
                encoder.write(frame)
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_wrong_frame_count_is_an_error_and_no_file(tmp_path):
    path = Path(tmp_path) / "clip.mp4"
    with pytest.raises(RuntimeError, match="expected 5"):
        with VideoEncoder(path, 96, 128, 24, 500_000, frame_count=5) as encoder:
            encoder.write(_frames(1)[0])
    assert not path.exists()


def test_same_frames_give_the_same_bytes_while_the_heap_churns(tmp_path):
    """x264's mbtree and VBV made identical input encode differently run to run; both must stay off."""
    rng = np.random.default_rng(3)
    scene = cv2.GaussianBlur(rng.integers(0, 256, (400, 500, 3), np.uint8), (0, 0), 3)
    frames = [np.ascontiguousarray(scene[i * 3 : i * 3 + 256, i * 2 : i * 2 + 360]) for i in range(40)]
    outputs = []
    for name in ("a.mp4", "b.mp4", "c.mp4"):
        with VideoEncoder(tmp_path / name, 360, 256, 15, 400_000, frame_count=len(frames)) as encoder:
            for frame in frames:
                junk = [os.urandom(int(n)) for n in rng.integers(1_000, 500_000, 6)]  # reuse freed memory
                encoder.write(frame)
                del junk
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]


def _encode_with_audio(path, audio, frames, arrive_at=None):
    """Encode ``frames`` with ``audio``; given ``arrive_at``, the audio is a Future set only after that frame."""
    pending = Future() if arrive_at is not None else None
    with VideoEncoder(path, 96, 128, 24, 500_000, audio=pending if pending else audio, audio_rate=22050,
                      frame_count=len(frames)) as encoder:
        for index, frame in enumerate(frames):
            if index == arrive_at:
                pending.set_result(audio)
            encoder.write(frame)
    return path.read_bytes()


@pytest.mark.parametrize("arrive_at", [20, 47])
def test_audio_mixed_while_the_video_encodes_gives_the_same_file(tmp_path, arrive_at):
    rng = np.random.default_rng(3)
    frames = [rng.integers(0, 256, (128, 96, 3), np.uint8) for _ in range(48)]
    audio = (0.2 * np.sin(np.arange(22050 * 2) / 22050 * 2 * np.pi * 440)).astype(np.float32)
    ready = _encode_with_audio(tmp_path / "ready.mp4", audio, frames)
    late = _encode_with_audio(tmp_path / "late.mp4", audio, frames, arrive_at)
    assert late == ready  # interleaved alike: the muxer held the video packets until the audio came
    assert probe(tmp_path / "late.mp4")["audio_codec"] == "aac"


def test_video_waits_for_audio_that_lags_too_far(tmp_path):
    frames = _frames(24 * 7, 64, 48)
    pending = Future()
    written = []
    with VideoEncoder(tmp_path / "clip.mp4", 48, 64, 24, 200_000, audio=pending, audio_rate=22050,
                      frame_count=len(frames)) as encoder:
        threading.Timer(1.5, pending.set_result, [np.zeros(22050 * 7, np.float32)]).start()
        for frame in frames:
            encoder.write(frame)
            written.append((pending.done(), encoder.audio.written))
    lag_limit = int(encoder.audio.AUDIO_LAG_LIMIT_S * 24)
    assert not written[lag_limit - 2][0]  # the video went on without it
    assert written[lag_limit + 1][1] > 0  # then waited for it: audio was written by then
