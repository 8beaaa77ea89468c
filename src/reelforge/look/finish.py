"""Per-frame finishes in one place: light and vignette gain, particles, letterbox, grain and scratches."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor

import cv2
import numpy as np

from reelforge.futures import done
from reelforge.look import lighting
from reelforge.look.atmosphere import PARTICLES, ParticleField
from reelforge.look.grain import draw_scratches, grain_bank
from reelforge.look.styles import Style
from reelforge.yuv import planes

LETTERBOX = 0.08  # bar height as a fraction of the frame height, top and bottom


class FrameFinisher:
    """Applies a style's per-frame finishes to frames of one size."""

    def __init__(self, style: Style, frame_size: tuple[int, int], fps: float, seed: int, letterbox: bool = False,
                 particles: Iterable[str | None] = ()):
        """``particles``: the kinds of particles the frames will show (others are made when first needed).

        The grain bank and those particle textures take a while to make: a worker thread makes them while the
        caller goes on (a render builds its first scene meanwhile), and the first frame that needs them waits.
        """
        self.style = style
        self.width, self.height = frame_size
        self.fps, self.seed, self.letterbox = fps, seed, letterbox
        self.vignette = lighting.vignette(self.height, self.width, style.vignette)
        maker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reelforge-finish")
        self._grain = maker.submit(grain_bank, self.height, self.width, style.grain) if style.grain > 0 else None
        self._particles: dict[str, Future[ParticleField]] = {
            kind: maker.submit(ParticleField, kind, self.height, self.width, fps, seed)
            for kind in dict.fromkeys(particles) if kind in PARTICLES}
        maker.shutdown(wait=False)
        self._gain_full: np.ndarray | None = None

    def light(self, frame: np.ndarray, kind: str | None, t: float, progress: float) -> None:
        """Multiply an RGB frame (of any size) in place by the scene's lighting gain and the style's vignette.

        The gain over the frame (vignette, moving light) is an image; exposure and flicker, the same everywhere,
        scale the multiply. Without a moving light the gain image is made once."""
        scalar = 1.0
        if kind == "exposure":
            scalar *= lighting.exposure_ramp(progress)
        if kind == "flicker" or self.style.flicker:
            scalar *= lighting.flicker(t, (self.seed % 89) / 89)
        if kind == "moving":
            light = lighting.moving_light(self.height, self.width, progress, (self.seed % 97) / 97)
            gain = self._to_gain_image(self.vignette * light, frame.shape)
        elif self.style.vignette == 0.0 and scalar == 1.0:
            return
        else:
            if self._gain_full is None or self._gain_full.shape != frame.shape:
                self._gain_full = self._to_gain_image(self.vignette, frame.shape)
            gain = self._gain_full
        cv2.multiply(frame, gain, dst=frame, scale=scalar / 128)

    @staticmethod
    def _to_gain_image(grid: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        """A gain grid as an RGB image of ``shape`` holding 128 x the gain (resized from the grid: light is smooth)."""
        small = np.clip(grid * 128.0 + 0.5, 0, 255).astype(np.uint8)
        full = cv2.resize(small, (shape[1], shape[0]), interpolation=cv2.INTER_LINEAR)  # faster than 3 channels
        return cv2.merge([full, full, full])

    def particles(self, i420: np.ndarray, kind: str | None, t: float, behind: np.ndarray | None = None) -> None:
        """Add rain, snow, dust or sparks to a YUV 4:2:0 frame in place (fog is baked into the scene);
        ``behind``: the coverage (0..255, any size) of a character they fall behind."""
        if kind not in PARTICLES:
            return
        if kind not in self._particles:
            self._particles[kind] = done(ParticleField(kind, self.height, self.width, self.fps, self.seed))
        self._particles[kind].result().apply(i420, t, behind)

    def bars(self, i420: np.ndarray) -> None:
        """Black letterbox bars on a YUV 4:2:0 frame, when asked for (chroma rows they touch go grey)."""
        if self.letterbox:
            bar = int(self.height * LETTERBOX)
            luma, u, v = planes(i420)
            luma[:bar] = luma[self.height - bar :] = 16
            for chroma in (u, v):
                chroma[: (bar + 1) // 2] = chroma[(self.height - bar) // 2 :] = 128

    def film(self, i420: np.ndarray, frame_index: int) -> None:
        """Grain and scratches on the luma plane of a YUV 4:2:0 frame, in place."""
        luma = i420[: self.height]
        if self._grain is not None:
            self._grain.result().apply(luma, frame_index, self.seed)
        if self.style.scratches:
            draw_scratches(luma, frame_index, self.seed)

    def weave(self, frame_index: int) -> tuple[float, float]:
        """Gate weave: the film's small sub-pixel wander in the projector gate (0 for digital styles)."""
        if self.style.gate_weave == 0.0:
            return (0.0, 0.0)
        t = frame_index / self.fps
        amount = self.style.gate_weave
        return (amount * float(np.sin(2 * np.pi * 1.3 * t) * 0.6 + np.sin(2 * np.pi * 3.7 * t) * 0.4),
                amount * float(np.sin(2 * np.pi * 0.9 * t + 1.0) * 0.7 + np.sin(2 * np.pi * 5.1 * t) * 0.3))
