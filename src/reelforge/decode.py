"""Decode a user's audio file (any format FFmpeg reads, with PyAV) to mono float32 samples."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from reelforge.errors import RequestError

MIN_AUDIO_S = 0.1


def decode_audio(path: Path, rate: int, field: str, limit: int | None = None) -> np.ndarray:
    """Mono samples at ``rate`` from the start of an audio (or video) file, at most ``limit`` of them.

    A file without audio, one FFmpeg cannot decode or one shorter than 0.1 s is a RequestError naming ``field``.
    """
    chunks: list[np.ndarray] = []
    decoded = 0
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise RequestError(field, f"{Path(path).name} has no audio stream")
            resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
            for frame in container.decode(container.streams.audio[0]):
                for mono in resampler.resample(frame):
                    chunks.append(mono.to_ndarray()[0])
                    decoded += mono.samples
                if limit is not None and decoded >= limit:
                    break
            else:
                chunks += [mono.to_ndarray()[0] for mono in resampler.resample(None)]
    except av.FFmpegError as error:
        raise RequestError(field, f"cannot decode {Path(path).name}: {error}") from None
    audio = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    if audio.size < rate * MIN_AUDIO_S:
        raise RequestError(field, f"{Path(path).name} holds less than {MIN_AUDIO_S:g} s of audio")
    return audio[:limit]
