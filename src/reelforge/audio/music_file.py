"""A user's own music (any format FFmpeg reads, decoded with PyAV), cut or looped to the video's length.

A loop joins the file's end into its beginning with a crossfade (mix.loop_to). Only as much of the file as the
video needs is decoded.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from reelforge.audio.mix import loop_to
from reelforge.errors import RequestError


def decode_music(path: Path, count: int, rate: int) -> np.ndarray:
    """Up to ``count`` mono samples at ``rate`` from the start of an audio (or video) file."""
    chunks: list[np.ndarray] = []
    decoded = 0
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise RequestError("music_file", f"{Path(path).name} has no audio stream")
            resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
            for frame in container.decode(container.streams.audio[0]):
                for mono in resampler.resample(frame):
                    chunks.append(mono.to_ndarray()[0])
                    decoded += mono.samples
                if decoded >= count:
                    break
            else:
                chunks += [mono.to_ndarray()[0] for mono in resampler.resample(None)]
    except av.FFmpegError as error:
        raise RequestError("music_file", f"cannot decode {Path(path).name}: {error}") from None
    music = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    if music.size < rate // 10:
        raise RequestError("music_file", f"{Path(path).name} holds less than 0.1 s of audio")
    return music[:count]


def user_music(path: Path, count: int, rate: int) -> np.ndarray:
    """``count`` samples of the user's music file, looped when it is shorter."""
    return loop_to(decode_music(path, count, rate), count, rate)
