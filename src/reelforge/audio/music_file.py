"""A user's own music (any format FFmpeg reads, decoded with PyAV), cut or looped to the video's length.

A loop joins the file's end into its beginning with a crossfade (mix.loop_to). Only as much of the file as the
video needs is decoded.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from reelforge.audio.mix import loop_to
from reelforge.decode import decode_audio


def user_music(path: Path, count: int, rate: int) -> np.ndarray:
    """``count`` samples of the user's music file, looped when it is shorter."""
    return loop_to(decode_audio(path, rate, "music_file", count), count, rate)
