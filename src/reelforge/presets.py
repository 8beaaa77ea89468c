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
    scene_scale: float  # painted scenes are composited at this fraction of the frame size, then upscaled

    @property
    def scene_size(self) -> tuple[int, int]:
        """Size at which painted scenes are composited (even, so that YUV 4:2:0 stays exact)."""
        return (2 * round(self.width * self.scene_scale / 2), 2 * round(self.height * self.scene_scale / 2))

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height


# name: (fps, portrait width, portrait height, bitrate, x264 preset, scene scale)
# Themes are painted at about half the frame's resolution anyway, so compositing them at 540x960 and
# upscaling once per frame keeps their detail while the camera's warps cost a quarter; captions, particles
# and grain are always drawn at full size. "quality" composites at full size; photos always do.
_PRESETS = {
    Quality.speed: (15, 720, 1280, 2_000_000, "veryfast", 0.75),
    Quality.balanced: (24, 1080, 1920, 4_000_000, "veryfast", 0.5),
    Quality.quality: (30, 1080, 1920, 8_000_000, "medium", 1.0),
    Quality.ultra: (30, 2160, 3840, 16_000_000, "medium", 0.5),
}
_DRAFT = (12, 270, 480, 600_000, "ultrafast", 1.0)  # `reelforge preview`: a quick low-resolution draft


def preset_for(quality: Quality, aspect: Aspect = Aspect.portrait) -> Preset:
    """The preset of a quality level; 16:9 swaps the sides, 1:1 keeps the pixel count class (short side)."""
    return _sized(quality.value, _PRESETS[quality], aspect)


def draft_preset(aspect: Aspect = Aspect.portrait) -> Preset:
    """The preview's draft: 270x480 (by aspect) at 12 fps, encoded with x264's fastest preset."""
    return _sized("draft", _DRAFT, aspect)


def _sized(name: str, values: tuple[int, int, int, int, str, float], aspect: Aspect) -> Preset:
    fps, width, height, bitrate, x264_preset, scene_scale = values
    if aspect is Aspect.landscape:
        width, height = height, width
    elif aspect is Aspect.square:
        height = width
    return Preset(name, width, height, fps, bitrate, x264_preset, scene_scale)
