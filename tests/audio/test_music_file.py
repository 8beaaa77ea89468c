"""A user's own music file: decoded with PyAV to mono 48 kHz, cut or looped without a click; bad files named."""

from fractions import Fraction

import av
import numpy as np
import pytest

from reelforge import RequestError
from reelforge.audio.music_file import user_music
from reelforge.decode import decode_audio

RATE = 48000


def _write_tone(path, seconds, rate=44100, hz=440.0):
    """A stereo 16-bit WAV of a tone whose cycles do not fit the file evenly (a plain repeat would click)."""
    t = np.arange(int(seconds * rate)) / rate
    tone = (0.5 * np.sin(2 * np.pi * hz * t) * 32767).astype(np.int16)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("pcm_s16le", rate=rate, layout="stereo")
        frame = av.AudioFrame.from_ndarray(np.repeat(tone, 2)[None, :], format="s16", layout="stereo")
        frame.sample_rate = rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    return path


def _max_bend(audio):
    return float(np.abs(np.diff(audio, 2)).max())


def test_a_long_file_is_cut_and_resampled(tmp_path):
    path = _write_tone(tmp_path / "long.wav", 3.0)
    music = user_music(path, RATE, RATE)
    assert len(music) == RATE and music.dtype == np.float32
    spectrum = np.abs(np.fft.rfft(music))
    assert abs(np.fft.rfftfreq(RATE, 1 / RATE)[spectrum.argmax()] - 440.0) < 2.0


def test_a_short_file_loops_without_a_click(tmp_path):
    path = _write_tone(tmp_path / "short.wav", 1.37)
    looped = user_music(path, 5 * RATE, RATE)
    assert len(looped) == 5 * RATE
    one_pass = decode_audio(path, RATE, "music_file", 5 * RATE)
    assert np.allclose(looped[: RATE // 2], one_pass[: RATE // 2])  # it starts at the file's start
    smooth = _max_bend(one_pass[1000:])  # (the tone's own start is abrupt: leave it out)
    assert _max_bend(looped[1000:]) < 1.5 * smooth
    assert _max_bend(np.tile(one_pass, 4)[1000:]) > 5 * smooth  # the plain repeat this avoids


def test_files_that_are_not_music_are_refused_naming_the_field(tmp_path):
    text = tmp_path / "notes.mp3"
    text.write_text("not audio")
    with pytest.raises(RequestError, match="music_file: cannot decode notes.mp3"):
        user_music(text, RATE, RATE)
    silent_video = tmp_path / "video.mp4"
    with av.open(str(silent_video), "w") as container:
        stream = container.add_stream("libx264", rate=Fraction(10, 1))
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        frame = av.VideoFrame.from_ndarray(np.zeros((64, 64, 3), np.uint8), format="rgb24")
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    with pytest.raises(RequestError, match="music_file: video.mp4 has no audio stream"):
        user_music(silent_video, RATE, RATE)
