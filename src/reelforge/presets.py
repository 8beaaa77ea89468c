"""Quality presets (SPEC.md) and their aspect-ratio variants."""

from __future__ import annotations

from dataclasses import dataclass

from reelforge.request import Aspect, Quality


@dataclass(frozen=True)
class Preset:
    """Output format of one quality level at one aspect ratio."""

    name: str
    width: int
    height: int
    fps: int
    bitrate: int  # bits per second
    x264_preset: str

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height


# name: (fps, portrait width, portrait height, bitrate, x264 preset)
_PRESETS = {
    Quality.speed: (15, 720, 1280, 2_000_000, "veryfast"),
    Quality.balanced: (24, 1080, 1920, 4_000_000, "veryfast"),
    Quality.quality: (30, 1080, 1920, 8_000_000, "medium"),
    Quality.ultra: (30, 2160, 3840, 16_000_000, "medium"),
}


def preset_for(quality: Quality, aspect: Aspect = Aspect.portrait) -> Preset:
    """The preset of a quality level; 16:9 swaps the sides, 1:1 keeps the pixel count class (short side)."""
    fps, width, height, bitrate, x264_preset = _PRESETS[quality]
    if aspect is Aspect.landscape:
        width, height = height, width
    elif aspect is Aspect.square:
        height = width
    return Preset(quality.value, width, height, fps, bitrate, x264_preset)
