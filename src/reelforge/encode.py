"""Write H.264 (yuv420p) + AAC MP4s with PyAV: streamed frames, interleaved audio, index at the front.

The file is written under a temporary name in the destination folder and renamed into place only when
complete, so an interrupted render never leaves a half-written video under the final name.

Same frames, same bytes (reelforge promises identical videos for one seed): x264's macroblock-tree rate
control reads memory it never wrote, and its VBV buffer model races with frame threads, so both made identical
frames encode differently run to run. Both are off: rate control is a plain average bitrate (no maxrate/bufsize).

Every encode has the same fixed-length closed GOPs (an IDR every ``gop_seconds``, no scene-cut keyframes, no
open GOP) and x264's ``stitchable`` headers, so encodes of consecutive frame ranges that start on a GOP are
independently decodable segments with identical SPS/PPS, joined without re-encoding (``copy_packets``) by
``segments.py`` and ``edit.concat``.
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import Future
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import cv2
import numpy as np

AUDIO_RATE = 48_000
AUDIO_BITRATE = 160_000
AAC_FRAME = 1024
GOP_SECONDS = 2.0  # an IDR frame starts every GOP; segments start on one


def rgb_to_i420(rgb: np.ndarray) -> np.ndarray:
    """RGB frame to planar YUV 4:2:0 (BT.601, video range), 10x faster than PyAV's own conversion."""
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420)


def resample_mono(samples: np.ndarray, rate: int, target_rate: int = AUDIO_RATE) -> np.ndarray:
    """Resample mono float32 audio with FFmpeg's resampler (through PyAV)."""
    if rate == target_rate or samples.size == 0:
        return samples.astype(np.float32)
    resampler = av.AudioResampler(format="flt", layout="mono", rate=target_rate)
    frame = av.AudioFrame.from_ndarray(samples.astype(np.float32)[None, :], format="flt", layout="mono")
    frame.sample_rate = rate
    chunks = [f.to_ndarray()[0] for f in resampler.resample(frame)]
    chunks += [f.to_ndarray()[0] for f in resampler.resample(None)]
    return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a file under a temporary name beside it, then rename it into place."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_poster(path: Path, rgb: np.ndarray, quality: int = 90) -> None:
    """Save a frame as the video's JPEG poster (atomically)."""
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise OSError(f"could not encode poster {path}")
    atomic_write_bytes(path, data.tobytes())


class AudioTrack:
    """A whole timeline's mono audio as an AAC stream of ``container``, encoded as the video advances.

    Audio is fed to the encoder in AAC_FRAME-sample chunks from time 0, so the same samples give the same
    packets whether the video beside them is being encoded or remuxed.

    The samples may still be being mixed (a Future): the video goes on without them and FFmpeg's muxer holds
    its packets until the audio catches up, so the file is interleaved byte for byte as if the audio had been
    there. The video waits for them once it is AUDIO_LAG_LIMIT_S ahead: past 10 s the muxer would write video
    packets unaccompanied.
    """

    AUDIO_LAG_LIMIT_S = 5.0

    def __init__(self, container: av.container.OutputContainer, samples: np.ndarray | Future[np.ndarray],
                 rate: int):
        self.container = container
        self.rate = rate
        self._mixing = samples if isinstance(samples, Future) else None
        self.samples = None if isinstance(samples, Future) else resample_mono(samples, rate)
        self.stream = container.add_stream("aac", rate=AUDIO_RATE)
        self.stream.layout = "mono"
        self.stream.bit_rate = AUDIO_BITRATE
        self.written = 0

    def _ready(self, seconds: float, final: bool) -> bool:
        """Whether the samples are here (waiting for them at the end, or when the video is too far ahead)."""
        if self.samples is None:
            if not (final or self._mixing.done() or seconds - self.written / AUDIO_RATE > self.AUDIO_LAG_LIMIT_S):
                return False
            self.samples = resample_mono(self._mixing.result(), self.rate)
        return True

    def write_until(self, seconds: float, final: bool = False) -> None:
        """Encode and mux the audio up to ``seconds`` (whole chunks only, unless ``final``)."""
        if not self._ready(seconds, final):
            return
        end = int(round(seconds * AUDIO_RATE))
        while self.written + (0 if final else AAC_FRAME) <= end and self.written < end:
            chunk = self.samples[self.written : min(self.written + AAC_FRAME, end)]
            if chunk.size < min(AAC_FRAME, end - self.written):
                chunk = np.pad(chunk, (0, min(AAC_FRAME, end - self.written) - chunk.size))
            frame = av.AudioFrame.from_ndarray(chunk[None, :].astype(np.float32), format="flt", layout="mono")
            frame.sample_rate = AUDIO_RATE
            frame.pts = self.written
            frame.time_base = Fraction(1, AUDIO_RATE)
            for packet in self.stream.encode(frame):
                self.container.mux(packet)
            self.written += chunk.size

    def finish(self, seconds: float) -> None:
        """Write the rest of the audio up to ``seconds`` (padded with silence) and flush the encoder."""
        self.write_until(seconds, final=True)
        for packet in self.stream.encode():
            self.container.mux(packet)


@dataclass(frozen=True)
class Segment:
    """Frames [start, end) of a render; ``index`` orders segments on the timeline."""

    index: int
    start: int
    end: int

    @property
    def frames(self) -> int:
        return self.end - self.start


def copy_packets(stream: av.video.stream.VideoStream, segment: Segment, fps: int,
                  out: av.container.OutputContainer, video: av.video.stream.VideoStream, audio: AudioTrack) -> None:
    """Mux a segment's packets at their place on the timeline, with the soundtrack up to each frame."""
    shift = Fraction(segment.start, fps) / stream.time_base
    if shift.denominator != 1:
        raise ValueError(f"segment {segment.index} does not start on a tick of its time base")
    count = 0
    for packet in stream.container.demux(stream):
        if packet.dts is None:  # the demuxer's end-of-stream marker
            continue
        packet.pts += int(shift)
        packet.dts += int(shift)
        packet.stream = video
        out.mux(packet)
        count += 1
        audio.write_until((segment.start + count) / fps)
    if count != segment.frames:
        raise ValueError(f"segment {segment.index} holds {count} frames, expected {segment.frames}")


class VideoEncoder:
    """An MP4 being written: ``write`` frames in order, then leave the ``with`` block to finish it.

    ``frame_count`` frames are expected; the audio (mono float32 at ``audio_rate``, or a Future of it still
    being mixed) is padded or cut to the same duration and interleaved with the video as it is written.
    """

    def __init__(self, path: Path, width: int, height: int, fps: int, bitrate: int, x264_preset: str = "veryfast",
                 audio: np.ndarray | Future[np.ndarray] | None = None, audio_rate: int = AUDIO_RATE,
                 frame_count: int | None = None,
                 gop_seconds: float = GOP_SECONDS):
        self.path = Path(path)
        self.width, self.height, self.fps = width, height, fps
        self.bitrate, self.x264_preset = bitrate, x264_preset
        self.frame_count = frame_count
        self.gop = max(1, round(gop_seconds * fps))
        self._audio, self._audio_rate = audio, audio_rate
        self._frames_written = 0

    def __enter__(self) -> VideoEncoder:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.stem}.", suffix=".part.mp4", dir=self.path.parent)
        os.close(fd)
        self._tmp = Path(tmp)
        self.container = av.open(str(self._tmp), mode="w", format="mp4", options={"movflags": "+faststart"})
        video = self.container.add_stream("libx264", rate=Fraction(self.fps, 1))
        video.width, video.height = self.width, self.height
        video.pix_fmt = "yuv420p"
        video.bit_rate = self.bitrate
        video.codec_context.time_base = Fraction(1, self.fps)
        video.codec_context.gop_size = self.gop
        video.codec_context.thread_type = "AUTO"
        video.codec_context.options = {
            "preset": self.x264_preset,
            "x264-params": f"keyint={self.gop}:min-keyint={self.gop}:scenecut=0:open-gop=0:mbtree=0:stitchable=1",
            "colorprim": "smpte170m", "transfer": "smpte170m", "colormatrix": "smpte170m",
        }
        self.video = video
        self.audio = None if self._audio is None else AudioTrack(self.container, self._audio, self._audio_rate)
        return self

    def write(self, rgb: np.ndarray) -> None:
        """Encode the next RGB frame."""
        self.write_i420(rgb_to_i420(rgb))

    def write_i420(self, i420: np.ndarray) -> None:
        """Encode the next frame given as planar YUV 4:2:0 (height * 3/2 rows)."""
        frame = av.VideoFrame.from_ndarray(i420, format="yuv420p")
        frame.pts = self._frames_written
        frame.time_base = Fraction(1, self.fps)
        for packet in self.video.encode(frame):
            self.container.mux(packet)
        self._frames_written += 1
        if self.audio is not None:
            self.audio.write_until(self._frames_written / self.fps)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        try:
            if kind is None:
                if self.frame_count is not None and self._frames_written != self.frame_count:
                    raise RuntimeError(f"wrote {self._frames_written} frames, expected {self.frame_count}")
                for packet in self.video.encode():
                    self.container.mux(packet)
                if self.audio is not None:
                    self.audio.finish(self._frames_written / self.fps)
            self.container.close()
            if kind is None:
                os.replace(self._tmp, self.path)
        finally:
            self._tmp.unlink(missing_ok=True)
