"""Edit finished videos: frame-exact trim, concat (packet copy when the inputs allow it), export to MP4/WebM/GIF.

- ``trim`` decodes the input and re-encodes frames [round(start * fps), round(end * fps)) with the render
  encoder (encode.VideoEncoder: H.264 at the input's size, fps and bitrate, +faststart, atomic), and the audio
  samples of exactly the same span.
- ``concat`` copies the inputs' H.264 packets one after another (encode.copy_packets) when they share codec
  settings (codec, size, fps, pixel format, SPS/PPS, audio rate and channels); otherwise it re-encodes them at
  the first input's size and fps (scaled to fit, black bars). Either way the audio of all inputs, each cut or
  padded to its video's length, is encoded once as one track, so it joins without gaps.
- ``export`` re-frames a video to another aspect ratio (``blur``: the whole frame scaled to fit over a blurred,
  scaled-to-cover copy of itself; ``crop``: scaled to cover, centre cropped) and writes MP4 (H.264 + AAC), WebM
  (VP9 + Opus) or GIF (GIF_FPS frames a second, at most GIF_MAX_SIDE pixels, one palette for the whole clip from
  FFmpeg's palettegen, applied with paletteuse's dithering). ``export_beside`` writes a render's requested
  exports (VideoRequest.exports) next to it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from reelforge.encode import AUDIO_RATE, AudioTrack, Segment, VideoEncoder, copy_packets
from reelforge.errors import RequestError

FORMATS = ("mp4", "webm", "gif")
ASPECTS = {"9:16": (9, 16), "16:9": (16, 9), "1:1": (1, 1)}
FITS = ("blur", "crop")
GIF_FPS = 10  # GIF delays are whole centiseconds: 10 fps is exact
GIF_MAX_SIDE = 480
OPUS_FRAME = 960  # 20 ms at 48 kHz
DEFAULT_BITRATE = 4_000_000

EditProgress = Callable[[int, int], None]  # (frames done, frames in all)


@dataclass(frozen=True)
class VideoInfo:
    """What an edit needs to know of an input video."""

    path: Path
    codec: str
    width: int
    height: int
    fps: int
    pix_fmt: str
    time_base: Fraction
    extradata: bytes
    bitrate: int
    frames: int
    audio: tuple[str, int, int] | None  # (codec, sample rate, channels)

    @property
    def duration(self) -> float:
        return self.frames / self.fps

    @property
    def copy_key(self) -> tuple:
        """Inputs with equal keys can be joined by copying their packets."""
        return (self.codec, self.width, self.height, self.fps, self.pix_fmt, self.time_base, self.extradata,
                self.audio)


@dataclass(frozen=True)
class EditResult:
    output: Path
    frames: int
    fps: int
    size: tuple[int, int]
    copied: bool = False  # concat: the video packets were copied, not re-encoded

    @property
    def duration(self) -> float:
        return self.frames / self.fps


def probe_video(path: Path, option: str = "IN") -> VideoInfo:
    """Read an input's streams; a missing file or one without video is a RequestError naming ``option``."""
    path = Path(path)
    if not path.is_file():
        raise RequestError(option, f"file not found: {path}")
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise RequestError(option, f"{path.name} has no video stream")
            video = container.streams.video[0]
            if video.average_rate is None:
                raise RequestError(option, f"{path.name} has no frame rate")
            fps = round(video.average_rate)
            frames = video.frames or sum(1 for packet in container.demux(video) if packet.dts is not None)
            sound = container.streams.audio[0] if container.streams.audio else None
            return VideoInfo(
                path, video.codec_context.name, video.codec_context.width, video.codec_context.height, fps,
                video.codec_context.pix_fmt, video.time_base, bytes(video.codec_context.extradata or b""),
                video.bit_rate or DEFAULT_BITRATE, frames,
                (sound.codec_context.name, sound.sample_rate, sound.codec_context.channels) if sound else None)
    except av.FFmpegError:
        raise RequestError(option, f"{path.name} is not a readable video") from None


def read_audio(info: VideoInfo) -> np.ndarray:
    """The input's audio as mono float32 at AUDIO_RATE, cut or padded to its video's duration."""
    count = round(info.duration * AUDIO_RATE)
    if info.audio is None:
        return np.zeros(count, np.float32)
    with av.open(str(info.path)) as container:
        mono = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_RATE)
        chunks = [out.to_ndarray()[0] for frame in container.decode(audio=0) for out in mono.resample(frame)]
        chunks += [out.to_ndarray()[0] for out in mono.resample(None)]
    samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    return np.pad(samples, (0, max(0, count - samples.size)))[:count].astype(np.float32)


def frames_at(info: VideoInfo, fps: int, count: int) -> Iterator[av.VideoFrame]:
    """``count`` frames of the input at ``fps``: for each output time, the input frame showing then."""
    with av.open(str(info.path)) as container:
        decoded = container.decode(video=0)
        current = next(decoded)
        upcoming = next(decoded, None)
        for index in range(count):
            time = index / fps + 1e-6
            while upcoming is not None and round(upcoming.time * info.fps) / info.fps <= time:
                current, upcoming = upcoming, next(decoded, None)
            yield current


def reframe(rgb: np.ndarray, width: int, height: int, fit: str) -> np.ndarray:
    """An RGB frame at ``width`` x ``height``: ``pad`` (fit, black bars), ``blur`` (fit over a blurred cover
    copy of itself) or ``crop`` (cover, centre cropped)."""
    source_h, source_w = rgb.shape[:2]
    if (source_w, source_h) == (width, height):
        return rgb
    cover = max(width / source_w, height / source_h)
    if fit == "crop":
        scaled = cv2.resize(rgb, (max(width, round(source_w * cover)), max(height, round(source_h * cover))),
                            interpolation=cv2.INTER_AREA if cover < 1 else cv2.INTER_LINEAR)
        top, left = (scaled.shape[0] - height) // 2, (scaled.shape[1] - width) // 2
        return scaled[top : top + height, left : left + width]
    if fit == "blur":  # blurred at 1/8 size (the same look, 64x fewer pixels), its visible middle upscaled
        small = cv2.GaussianBlur(cv2.resize(rgb, (max(1, source_w // 8), max(1, source_h // 8)),
                                            interpolation=cv2.INTER_AREA), (0, 0), 3 / cover)
        visible_w = min(small.shape[1], max(1, round(width / cover / 8)))
        visible_h = min(small.shape[0], max(1, round(height / cover / 8)))
        top, left = (small.shape[0] - visible_h) // 2, (small.shape[1] - visible_w) // 2
        canvas = cv2.resize(small[top : top + visible_h, left : left + visible_w], (width, height),
                            interpolation=cv2.INTER_LINEAR)
    else:
        canvas = np.zeros((height, width, 3), np.uint8)
    scale = min(width / source_w, height / source_h)
    fit_w, fit_h = min(width, round(source_w * scale)), min(height, round(source_h * scale))
    top, left = (height - fit_h) // 2, (width - fit_w) // 2
    canvas[top : top + fit_h, left : left + fit_w] = cv2.resize(
        rgb, (fit_w, fit_h), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    return canvas


def target_size(width: int, height: int, aspect: str) -> tuple[int, int]:
    """The input's short side kept, the long side set by ``aspect`` (even sizes for YUV 4:2:0)."""
    aspect_w, aspect_h = ASPECTS[aspect]
    short = min(width, height)
    if aspect_w <= aspect_h:
        return short, 2 * round(short * aspect_h / aspect_w / 2)
    return 2 * round(short * aspect_w / aspect_h / 2), short


@contextmanager
def _temp_output(output: Path) -> Iterator[str]:
    """A temporary file beside ``output``, renamed into place when the block succeeds, removed otherwise."""
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.stem}.", suffix=f".part{output.suffix}", dir=output.parent)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, output)
    finally:
        Path(tmp).unlink(missing_ok=True)


def trim(source: Path, output: Path, start: float, end: float, progress: EditProgress | None = None) -> EditResult:
    """Frames and audio from ``start`` to ``end`` seconds, re-encoded with the input's settings."""
    info = probe_video(source)
    if start < 0:
        raise RequestError("--start", f"must be 0 or more, got {start}")
    if end <= start:
        raise RequestError("--end", f"must be after --start ({start} s), got {end}")
    if end > info.duration + 0.5 / info.fps:
        raise RequestError("--end", f"{end} s is past the end of {info.path.name} ({info.duration:.3f} s)")
    first, last = round(start * info.fps), round(end * info.fps)
    audio = read_audio(info)[round(start * AUDIO_RATE) : round(end * AUDIO_RATE)]
    with VideoEncoder(Path(output), info.width, info.height, info.fps, info.bitrate, audio=audio,
                      frame_count=last - first) as encoder, av.open(str(info.path)) as container:
        for frame in container.decode(video=0):
            index = round(frame.time * info.fps)
            if index >= last:
                break
            if index >= first:
                encoder.write_i420(frame.to_ndarray(format="yuv420p"))
                if progress is not None:
                    progress(index + 1 - first, last - first)
    return EditResult(Path(output), last - first, info.fps, (info.width, info.height))


def concat(sources: Sequence[Path], output: Path, progress: EditProgress | None = None) -> EditResult:
    """The inputs one after another: packets copied when their codec settings match, re-encoded otherwise."""
    if len(sources) < 2:
        raise RequestError("INPUTS", "give at least two videos to join")
    infos = [probe_video(path, "INPUTS") for path in sources]
    audio = np.concatenate([read_audio(info) for info in infos])
    if all(info.copy_key == infos[0].copy_key for info in infos):
        return _concat_packets(infos, Path(output), audio, progress)
    first = infos[0]
    counts = [round(info.frames * first.fps / info.fps) for info in infos]
    total = sum(counts)
    with VideoEncoder(Path(output), first.width, first.height, first.fps, first.bitrate, audio=audio,
                      frame_count=total) as encoder:
        done = 0
        for info, count in zip(infos, counts):
            for frame in frames_at(info, first.fps, count):
                encoder.write(reframe(frame.to_ndarray(format="rgb24"), first.width, first.height, "pad"))
                done += 1
                if progress is not None:
                    progress(done, total)
    return EditResult(Path(output), total, first.fps, (first.width, first.height))


def _concat_packets(infos: Sequence[VideoInfo], output: Path, audio: np.ndarray,
                    progress: EditProgress | None) -> EditResult:
    first = infos[0]
    total = sum(info.frames for info in infos)
    with _temp_output(output) as tmp, ExitStack() as opened:
        inputs = [opened.enter_context(av.open(str(info.path))) for info in infos]
        out = opened.enter_context(av.open(tmp, mode="w", format="mp4", options={"movflags": "+faststart"}))
        video = out.add_stream_from_template(inputs[0].streams.video[0])
        track = AudioTrack(out, audio, AUDIO_RATE)
        start = 0
        for index, (info, container) in enumerate(zip(infos, inputs)):
            segment = Segment(index, start, start + info.frames)
            copy_packets(container.streams.video[0], segment, first.fps, out, video, track)
            start = segment.end
            if progress is not None:
                progress(start, total)
        track.finish(total / first.fps)
    return EditResult(output, total, first.fps, (first.width, first.height), copied=True)


def export(source: Path, output: Path, format: str, aspect: str, fit: str = "blur",
           progress: EditProgress | None = None) -> EditResult:
    """The video re-framed to ``aspect`` as MP4, WebM or GIF."""
    if format not in FORMATS:
        raise RequestError("--format", f"got {format!r}; allowed: {', '.join(FORMATS)}")
    if aspect not in ASPECTS:
        raise RequestError("--aspect", f"got {aspect!r}; allowed: {', '.join(ASPECTS)}")
    if fit not in FITS:
        raise RequestError("--fit", f"got {fit!r}; allowed: {', '.join(FITS)}")
    info = probe_video(source)
    width, height = target_size(info.width, info.height, aspect)
    output = Path(output)
    if format == "gif":
        return _export_gif(info, output, aspect, fit, progress)
    frames = _reframed(info, info.fps, info.frames, width, height, fit, progress)
    if format == "mp4":
        with VideoEncoder(output, width, height, info.fps, info.bitrate, audio=read_audio(info),
                          frame_count=info.frames) as encoder:
            for rgb in frames:
                encoder.write(rgb)
    else:
        _write_webm(output, info, frames, width, height)
    return EditResult(output, info.frames, info.fps, (width, height))


def export_beside(source: Path, formats: Sequence[str], aspect: str,
                  progress: EditProgress | None = None) -> dict[str, Path]:
    """``source`` exported to each of ``formats`` beside it (video.mp4 -> video.webm, video.gif) at ``aspect``,
    the video's own for a render's exports (nothing is re-framed). ``progress`` counts each format as an equal share.
    """
    outputs = {}
    for index, format in enumerate(formats):
        step = None if progress is None else \
            lambda done, total, index=index: progress(index * total + done, len(formats) * total)
        outputs[format] = export(source, source.with_suffix(f".{format}"), format, aspect, progress=step).output
    return outputs


def _reframed(info: VideoInfo, fps: int, count: int, width: int, height: int, fit: str,
              progress: EditProgress | None) -> Iterator[np.ndarray]:
    """The input's frames at ``fps`` as RGB, re-framed to ``width`` x ``height``."""
    for index, frame in enumerate(frames_at(info, fps, count)):
        yield reframe(frame.to_ndarray(format="rgb24"), width, height, fit)
        if progress is not None:
            progress(index + 1, count)


def _write_webm(output: Path, info: VideoInfo, frames: Iterator[np.ndarray], width: int, height: int) -> None:
    """VP9 (libvpx, realtime speed) + Opus (mono, 48 kHz) in WebM, atomically."""
    audio = read_audio(info)
    with _temp_output(output) as tmp, av.open(tmp, mode="w", format="webm") as out:
        video = out.add_stream("libvpx-vp9", rate=Fraction(info.fps, 1))
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.bit_rate = info.bitrate
        video.codec_context.options = {"deadline": "realtime", "cpu-used": "8", "row-mt": "1"}
        sound = out.add_stream("libopus", rate=AUDIO_RATE)
        sound.layout = "mono"
        written = 0

        def write_audio_until(end: int) -> None:
            nonlocal written
            while written < end:
                chunk = np.pad(audio[written : written + OPUS_FRAME], (0, max(0, written + OPUS_FRAME - audio.size)))
                piece = av.AudioFrame.from_ndarray(chunk[None, :OPUS_FRAME], format="flt", layout="mono")
                piece.sample_rate, piece.pts, piece.time_base = AUDIO_RATE, written, Fraction(1, AUDIO_RATE)
                out.mux(sound.encode(piece))
                written += OPUS_FRAME

        for index, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
            frame.pts, frame.time_base = index, Fraction(1, info.fps)
            out.mux(video.encode(frame))
            write_audio_until(round((index + 1) / info.fps * AUDIO_RATE) // OPUS_FRAME * OPUS_FRAME)
        write_audio_until(audio.size)
        out.mux(video.encode())
        out.mux(sound.encode())


def _export_gif(info: VideoInfo, output: Path, aspect: str, fit: str, progress: EditProgress | None) -> EditResult:
    width, height = target_size(info.width, info.height, aspect)
    shrink = min(1.0, GIF_MAX_SIDE / max(width, height))
    width, height = 2 * round(width * shrink / 2), 2 * round(height * shrink / 2)
    count = max(1, round(info.duration * GIF_FPS))
    graph = av.filter.Graph()
    source = graph.add_buffer(width=width, height=height, format="rgb24", time_base=Fraction(1, GIF_FPS))
    split, palette = graph.add("split"), graph.add("palettegen", "stats_mode=full")
    use, sink = graph.add("paletteuse", "dither=sierra2_4a"), graph.add("buffersink")
    source.link_to(split)
    split.link_to(palette, 0, 0)
    split.link_to(use, 1, 0)
    palette.link_to(use, 0, 1)
    use.link_to(sink)
    graph.configure()
    for index, rgb in enumerate(_reframed(info, GIF_FPS, count, width, height, fit, progress)):
        frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
        frame.pts, frame.time_base = index, Fraction(1, GIF_FPS)
        graph.push(frame)
    graph.push(None)
    with _temp_output(output) as tmp, av.open(tmp, mode="w", format="gif") as out:
        stream = out.add_stream("gif", rate=GIF_FPS)
        stream.width, stream.height, stream.pix_fmt = width, height, "pal8"
        for index in range(count):
            paletted = graph.pull()
            paletted.pts, paletted.time_base = index, Fraction(1, GIF_FPS)
            out.mux(stream.encode(paletted))
        out.mux(stream.encode())
    return EditResult(output, count, GIF_FPS, (width, height))
