"""render(request) -> Result: the one place that wires the stages, top to bottom.

script -> narration -> plan -> emotion -> soundtrack -> per scene: layers (theme or photo, fog, mood, style, LUT, depth of field)
-> per frame: camera + composite -> light -> transition -> flow smoothing -> YUV (converted at the scene size,
planes resized to the frame) -> particles -> letterbox -> captions -> grain -> encode. Frames are produced in a
worker thread while the encoder runs, and scene layers are built one scene ahead and dropped after use, so
memory stays flat as duration grows. Nothing waits that need not: the first scene is built from the words alone
while the narration is spoken, and a short video's soundtrack is mixed while its first frames are encoded.
Character and hybrid modes draw the talking character over the scene (softly blurred behind a full-frame
character, sharp behind a hybrid one) after the transition, on the narration's clock.
A timeline request (``scenes``) narrates each scene in its own span, and each scene brings its own style,
camera move, transition, character and background.

``render`` is ``prepare`` (script, narration, plan, emotion, soundtrack: computed once, picklable) then
``encode_frames``. Any frame range of a plan can be encoded on its own (segments.py renders a video in
parallel segments that way).
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from reelforge.audio import build_soundtrack
from reelforge.camera import View, camera_view, still_source_size
from reelforge.captions import CaptionRenderer, Page, paginate, write_subtitles
from reelforge.character.emotion import DetectedEmotion, detect_emotion
from reelforge.character.performance import Performance, perform
from reelforge.character.stage import CharacterStage, PortraitStage
from reelforge.compose import SHUTTER, TRANSITIONS, LayerCompositor, PreparedLayer, prepare_layers
from reelforge.edit import export_beside
from reelforge.encode import AUDIO_RATE, VideoEncoder, write_poster
from reelforge.flow import FlowSmoother
from reelforge.futures import done
from reelforge.look.atmosphere import fog_layers
from reelforge.look.finish import FrameFinisher
from reelforge.look.lut import Lut3D, apply_lut, load_cube
from reelforge.look.mood import grade_mood
from reelforge.look.styles import STYLES
from reelforge.plan import TRANSITION_S, SceneLook, ScenePlan, plan_from_words, plan_scenes, plan_timeline
from reelforge.presets import Preset, preset_for
from reelforge.request import CameraMovement, CameraTarget, CharacterType, Emotion, VideoRequest, VideoType
from reelforge.request import Style as StyleName
from reelforge.scene import build_layers, image_layers, source_size
from reelforge.scene.builder import DRAW_SCALE
from reelforge.scene.layers import Layer
from reelforge.script import ScriptResult, write_script
from reelforge.script.llm import LLMConfig
from reelforge.voice import Narration, narrate
from reelforge.voice.narration import TAIL_S, narrate_timeline
from reelforge.voice.recording import narrate_recording
from reelforge.yuv import i420_to_rgb, to_i420

ProgressCallback = Callable[[str, int, int], None]
FramesWriter = Callable[..., Path]  # (plan, output, *, progress, poster): the video with its soundtrack
STAGES = ("script", "voice", "frames", "encode", "export")
# The soundtrack of a video up to this long is mixed while its first frames are encoded. The mix holds whole
# signals (about 50 bytes a sample: 21 MB for 5 s, 135 MB for 60 s) that would then add to the frames' peak
# memory: a longer video mixes first, and its peak memory stays flat in its duration.
MIX_BESIDE_FRAMES_S = 20.0
FLOW_WARMUP_FRAMES = 12  # frames rendered (not kept) before a range that starts mid-video, for flow smoothing


@dataclass
class RenderResult:
    """What a render produced and how long each stage took."""

    script: str
    script_source: str
    output: Path
    duration: float
    frame_count: int
    fps: int
    size: tuple[int, int]
    timings: dict[str, float]
    subtitles: tuple[Path, Path] | None
    poster: Path
    scenes: list[ScenePlan]
    warnings: list[str] = field(default_factory=list)
    emotion: str = "neutral"
    emotion_reason: str = "requested"
    exports: dict[str, Path] = field(default_factory=dict)  # the request's extra formats: {"webm": path, ...}


@dataclass
class RenderPlan:
    """Everything decided before the first frame; picklable, so any process or machine can render frames of it."""

    request: VideoRequest
    script: ScriptResult
    narration: Narration
    preset: Preset
    duration: float
    scenes: list[ScenePlan]
    timings: dict[str, float]
    # the soundtrack of the whole timeline, mono float32 at audio_rate: a Future, still being mixed in a worker
    # thread after ``prepare(warm=True)`` (the frames start meanwhile), done otherwise; pickled as its samples
    mixing: Future[np.ndarray]
    audio_rate: int
    emotion: DetectedEmotion  # what the character performs (and the music follows)
    # a renderer already building its first scene, made by ``prepare(warm=True)``; never pickled
    warm_renderer: FrameRenderer | None = field(default=None, repr=False, compare=False)

    @property
    def frame_count(self) -> int:
        return round(self.duration * self.preset.fps)

    @property
    def audio(self) -> np.ndarray:
        """The soundtrack's samples (once mixed)."""
        return self.mixing.result()

    def renderer(self) -> FrameRenderer:
        """A renderer of this plan's frames (the warm one the first time, when there is one)."""
        if self.warm_renderer is not None:
            renderer, self.warm_renderer = self.warm_renderer, None
            return renderer
        return FrameRenderer(self.request, self.preset, self.scenes, self.narration, self.duration,
                             self.emotion.emotion)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "warm_renderer": None, "mixing": self.audio}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, mixing=done(state["mixing"]))


def caption_pages(request: VideoRequest, preset: Preset, narration: Narration) -> list[Page] | None:
    """The burned-in caption pages (also written as SRT/VTT), or None without captions."""
    return paginate(narration.words, preset.width) if request.captions and narration.words else None


def _noop(stage: str, done: int, total: int) -> None:
    return None


def video_duration(request: VideoRequest, narration: Narration) -> float:
    """The video is the requested duration, or longer when the (sped-up or recorded) narration needs it."""
    return max(request.duration, narration.speech_end + TAIL_S,
               narration.duration if request.narration_audio is not None else 0.0)


@dataclass(frozen=True)
class SceneCanvas:
    """The sizes a render's scenes are drawn and composited at.

    Photos keep their detail at full size; painted scenes are composited at the preset's ``scene_size``. Behind a
    full-frame character the scene is a soft blur (``backdrop_blur``, pixels at a 1400-pixel-wide source),
    composited at half size (``backdrop_size``): it loses nothing. Layers are drawn at ``source`` size, larger
    than the backdrop: room for a camera to move, or, when every scene's camera is still, the window it shows
    pixel for pixel. They are painted ``paint_width`` pixels wide (or the source's width, if less).
    """

    scene_size: tuple[int, int]
    backdrop_size: tuple[int, int]
    source: tuple[int, int]
    paint_width: int
    backdrop_blur: float


def scene_canvas(request: VideoRequest, preset: Preset, scenes: list[ScenePlan]) -> SceneCanvas:
    """The canvas of a request's scenes at a preset."""
    photos = any(scene.background_image is not None for scene in scenes)
    scene_size = preset.size if photos else preset.scene_size
    soft = request.video_type is VideoType.character and not photos
    backdrop_size = (scene_size[0] // 2, scene_size[1] // 2) if soft else scene_size
    still = all(scene.camera_movement is CameraMovement.static for scene in scenes)
    return SceneCanvas(scene_size, backdrop_size,
                       still_source_size(*backdrop_size) if still else source_size(*backdrop_size),
                       source_size(*preset.size)[0] // DRAW_SCALE,
                       10.0 if request.video_type is VideoType.character else 0.0)


def scene_layers(request: VideoRequest, scene: SceneLook, lut: Lut3D | None,
                 canvas: SceneCanvas) -> list[PreparedLayer]:
    """Build a scene's layers on a canvas and give them the look: fog, mood, the scene's style, LUT, depth of
    field (and the canvas's blur behind a character)."""
    (width, height), paint_width, backdrop_blur = canvas.source, canvas.paint_width, canvas.backdrop_blur
    style = STYLES[scene.style]
    if scene.background_image is not None:
        layers = image_layers(scene.background_image, width, height)
    else:
        layers = build_layers(scene.theme, scene.time_of_day, width, height, scene.seed, paint_width,
                              sky_seed=request.seed)
    if scene.atmosphere == "fog":
        layers = fog_layers(layers, 0.55, scene.seed)
    styled: list[Layer] = []
    blurs: list[float] = []
    for layer in layers:
        rgb = style.paint(grade_mood(layer.rgb, request.emotion), layer.alpha)
        if lut is not None:
            rgb = apply_lut(rgb, lut)
        alpha = layer.alpha
        blur = (style.depth_blur * (1.0 - layer.depth) ** 1.5 + backdrop_blur) * width / 1400
        if blur > 0.4 and (len(layers) > 1 or backdrop_blur > 0):
            rgb = cv2.GaussianBlur(rgb, (0, 0), blur)
            alpha = None if alpha is None else cv2.GaussianBlur(alpha, (0, 0), blur)
        else:
            blur = 0.0
        styled.append(Layer(rgb, alpha, layer.depth, max(0, layer.top - int(3 * blur))))
        blurs.append(blur)
    return prepare_layers(styled, blurs)


@dataclass
class SceneAhead:
    """A scene's layers being built before the plan that shows it exists: the first scene's, from the words
    alone (plan_from_words), while the narration is spoken. A renderer takes them if its first scene looks the
    same on the same canvas."""

    look: SceneLook
    canvas: SceneCanvas
    lut: Lut3D | None  # the request's, loaded once for both
    layers: Future[list[PreparedLayer]]


def first_scene_ahead(request: VideoRequest, script: str, preset: Preset) -> SceneAhead:
    """Start building the first scene's layers (in a worker thread) from the words alone."""
    scenes = plan_from_words(request, script)
    canvas = scene_canvas(request, preset, scenes)
    lut = load_cube(request.lut_file) if request.lut_file else None
    builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reelforge-ahead")
    layers = builder.submit(scene_layers, request, scenes[0].look, lut, canvas)
    builder.shutdown(wait=False)
    return SceneAhead(scenes[0].look, canvas, lut, layers)


class SceneCache:
    """Scene layers built one scene ahead in a worker thread; a scene is dropped once passed."""

    def __init__(self, build: Callable[[int], list[PreparedLayer]], count: int):
        self._build, self._count = build, count
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reelforge-scene")
        self._futures: dict[int, Future] = {}

    def get(self, index: int) -> list[PreparedLayer]:
        for stale in [i for i in self._futures if i < index - 1]:
            del self._futures[stale]
        for wanted in (index, index + 1):
            self.prefetch(wanted)
        return self._futures[index].result()

    def adopt(self, index: int, layers: Future[list[PreparedLayer]]) -> None:
        """Take scene ``index``'s layers from a build started elsewhere."""
        self._futures[index] = layers

    def prefetch(self, index: int) -> None:
        """Start building scene ``index`` (if it exists and is not built or building yet)."""
        if index < self._count and index not in self._futures:
            self._futures[index] = self._pool.submit(self._build, index)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._futures.clear()


class FrameRenderer:
    """Produces the frames of one render in order: ``frames()`` yields (index, YUV 4:2:0, poster RGB or None)."""

    def __init__(self, request: VideoRequest, preset: Preset, scenes: list[ScenePlan], narration: Narration,
                 duration: float, emotion: Emotion | None = None, ahead: SceneAhead | None = None):
        """``ahead``: the first scene's layers already being built (used if the plan's first scene looks so), and
        the request's LUT already loaded."""
        self.request, self.preset, self.scenes = request, preset, scenes
        self.frame_count = round(duration * preset.fps)
        if ahead is not None:
            lut = ahead.lut
        else:
            lut = load_cube(request.lut_file) if request.lut_file else None
        canvas = scene_canvas(request, preset, scenes)
        self.scene_size, self.backdrop_size = canvas.scene_size, canvas.backdrop_size
        self.cache = SceneCache(lambda i: scene_layers(request, scenes[i].look, lut, canvas), len(scenes))
        if ahead is not None and (ahead.look, ahead.canvas) == (scenes[0].look, canvas):
            self.cache.adopt(0, ahead.layers)
        self.compositor = LayerCompositor(self.backdrop_size)
        self._finishers: dict[StyleName, FrameFinisher] = {}
        self.finisher(0)  # its grain bank and particle textures start building now, beside the first scene
        pages = caption_pages(request, preset, narration)
        self.captions = CaptionRenderer(pages, preset.size) if pages is not None else None
        smoothing = request.flow_smoothing if request.flow_smoothing is not None else False
        self.smoother = FlowSmoother() if smoothing else None
        self.emotion = emotion or request.emotion
        self._stages: dict[tuple[CharacterType | None, StyleName], CharacterStage | PortraitStage] = {}
        self.performance: Performance | None = None
        # a portrait in character mode is the whole picture: no scene is composited under it
        self.photo_only = request.portrait_image is not None and request.video_type is VideoType.character
        if request.video_type is not VideoType.cinematic:
            self.performance = perform(narration, preset.fps, self.frame_count, self.emotion, request.seed)
            self.stage(0)  # a portrait without exactly one face is refused here, before any frame

    def finisher(self, index: int) -> FrameFinisher:
        """The per-frame finishes of scene ``index``'s style (made once per style)."""
        style = self.scenes[index].style
        if style not in self._finishers:
            request = self.request
            atmospheres = [scene.atmosphere for scene in self.scenes if scene.style is style]
            self._finishers[style] = FrameFinisher(STYLES[style], self.preset.size, self.preset.fps, request.seed,
                                                   request.letterbox, atmospheres)
        return self._finishers[style]

    def stage(self, index: int) -> CharacterStage | PortraitStage | None:
        """Scene ``index``'s talking character (made once per character and style; a portrait once per style),
        None in cinematic mode."""
        request, scene = self.request, self.scenes[index]
        if request.video_type is VideoType.cinematic:
            return None
        key = (None if request.portrait_image is not None else scene.character_type, scene.style)
        if key not in self._stages:
            inset = request.video_type is VideoType.hybrid
            if request.portrait_image is not None:
                self._stages[key] = PortraitStage(request.portrait_image, self.scene_size, STYLES[scene.style],
                                                  self.emotion, inset)
            else:
                self._stages[key] = CharacterStage(scene.character_type, request.seed, self.scene_size,
                                                   STYLES[scene.style], self.emotion, inset)
        return self._stages[key]

    def _span(self, index: int) -> tuple[float, float]:
        """The time a scene is on screen, its transitions included (the camera move covers all of it)."""
        scene = self.scenes[index]
        start = scene.start - (TRANSITION_S / 2 if index > 0 else 0.0)
        end = scene.end + (TRANSITION_S / 2 if index < len(self.scenes) - 1 else 0.0)
        return start, end

    def _progress(self, index: int, t: float) -> float:
        start, end = self._span(index)
        return min(max((t - start) / max(end - start, 1e-6), 0.0), 1.0)

    def _scene_frame(self, index: int, t: float, frame_index: int) -> np.ndarray:
        finisher = self.finisher(index)
        scale = self.backdrop_size[0] / self.preset.width
        weave_x, weave_y = finisher.weave(frame_index)
        rgba = self.compositor.render(self.cache.get(index), self._view(index, t), (weave_x * scale, weave_y * scale))
        rgb = cv2.cvtColor(rgba, cv2.COLOR_RGBA2RGB)
        finisher.light(rgb, self.scenes[index].lighting, t, self._progress(index, t))
        return rgb

    def _view(self, index: int, t: float) -> View:
        """Scene ``index``'s camera at time ``t``."""
        return camera_view(self.scenes[index].camera_movement, self._progress(index, t))

    def _active(self, t: float) -> list[int]:
        return [i for i in range(len(self.scenes)) if self._span(i)[0] <= t < self._span(i)[1]] or \
            [len(self.scenes) - 1]

    def frame_at(self, frame_index: int, still: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
        """The finished frame ``frame_index`` as (YUV 4:2:0, RGB before captions and grain).

        The RGB is made only for the poster frame, or for any frame when ``still``; it is None otherwise.
        """
        t = frame_index / self.preset.fps
        active = self._active(t)
        if self.photo_only:
            rgb = np.empty((self.scene_size[1], self.scene_size[0], 3), np.uint8)
            character = self.stage(active[-1]).draw(rgb, self.performance.at(frame_index), self._view(active[-1], t))
            return self._finish(rgb, active, t, frame_index, still, character)
        rgb = self._scene_frame(active[-1], t, frame_index)
        if len(active) > 1:
            outgoing = self._scene_frame(active[0], t, frame_index)
            boundary_start = self._span(active[-1])[0]
            transition = TRANSITIONS[self.scenes[active[-1]].transition]
            rgb = transition(outgoing, rgb, (t - boundary_start) / TRANSITION_S,
                             SHUTTER / (self.preset.fps * TRANSITION_S))
            if self.smoother is not None:
                self.smoother.reset()
        if self.smoother is not None:
            rgb = self.smoother.smooth(rgb)
        if self.backdrop_size != self.scene_size:
            rgb = cv2.resize(rgb, self.scene_size, interpolation=cv2.INTER_LINEAR)
        character = None
        if (stage := self.stage(active[-1])) is not None:
            character = stage.draw(rgb, self.performance.at(frame_index), self._character_view(active[-1], t))
        return self._finish(rgb, active, t, frame_index, still, character)

    def _finish(self, rgb: np.ndarray, active: list[int], t: float, frame_index: int, still: bool,
                character: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray | None]:
        """To YUV 4:2:0 at the output size, then particles (behind the ``character``'s coverage, when one was
        drawn), bars, captions and film grain in its planes."""
        i420 = to_i420(rgb, self.preset.size)
        finisher = self.finisher(active[-1])
        finisher.particles(i420, self.scenes[active[-1]].atmosphere, t, character)
        finisher.bars(i420)
        clean = i420_to_rgb(i420) if still or frame_index == self.poster_index else None
        if self.captions is not None:
            self.captions.draw(i420, t)
        finisher.film(i420, frame_index)
        return i420, clean

    def _character_view(self, index: int, t: float) -> View | None:
        """The camera view the character follows: the scene's in hybrid mode with camera_target both."""
        if self.request.video_type is VideoType.hybrid and self.request.camera_target is CameraTarget.both:
            return self._view(index, t)
        return None

    @property
    def poster_index(self) -> int:
        return min(self.frame_count - 1, self.frame_count // 3)

    def frames(self, start: int = 0, end: int | None = None,
               depth: int = 6) -> Iterator[tuple[int, np.ndarray, np.ndarray | None]]:
        """Yield (index, YUV frame, RGB or None) for frames [start, end) in order, rendered ahead in a worker thread.

        Every frame is a function of its index alone, except flow smoothing, which blends in the previous
        output: a range starting mid-video first renders FLOW_WARMUP_FRAMES frames before it (its influence
        halves each frame), so its frames match a whole render's within a level or so.
        """
        end = self.frame_count if end is None else end
        buffer: queue.Queue = queue.Queue(maxsize=depth)
        stop = threading.Event()

        def produce() -> None:
            try:
                if self.smoother is not None:
                    for index in range(max(0, start - FLOW_WARMUP_FRAMES), start):
                        self.frame_at(index)
                for index in range(start, end):
                    if stop.is_set():
                        return
                    buffer.put((index, *self.frame_at(index)))
                buffer.put(None)
            except BaseException as error:  # handed to the consumer, raised there
                buffer.put(error)

        worker = threading.Thread(target=produce, name="reelforge-frames", daemon=True)
        worker.start()
        try:
            while (item := buffer.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
            while worker.is_alive():
                try:
                    buffer.get_nowait()
                except queue.Empty:
                    worker.join(0.05)
            self.cache.close()


class EncoderOwnsTheCores:
    """While frames are made beside the encoder, OpenCV runs without its own thread pool on machines of fewer
    than SPARE_CORES_FROM cores.

    There x264's threads keep every core busy and OpenCV's pool only adds switching: on 2 cores the frames of
    a 5 s balanced video took 0.40 s of CPU single-threaded and 0.51 s with the pool, and the render went from
    1.32x to 1.30x the encode-only floor (median of 10 paired runs). On more cores the pool can speed up a frame
    thread that would otherwise hold the encoder back. Renders at once share the setting; the last to finish
    puts back the caller's.
    """

    SPARE_CORES_FROM = 8

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._saved = 0

    def __enter__(self) -> None:
        with self._lock:
            if self._users == 0:
                self._saved = cv2.getNumThreads()
                if (os.cpu_count() or 1) < self.SPARE_CORES_FROM:
                    cv2.setNumThreads(1)
            self._users += 1

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._users -= 1
            if self._users == 0:
                cv2.setNumThreads(self._saved)


ENCODER_OWNS_THE_CORES = EncoderOwnsTheCores()


def character_emotion(request: VideoRequest, script: str, narration: Narration) -> DetectedEmotion:
    """The emotion the character performs: the requested one, or, left at its default in character and
    hybrid modes, the one detected from the narration."""
    if request.video_type is VideoType.cinematic or "emotion" in request.model_fields_set:
        return DetectedEmotion(request.emotion, 0.0, 0.0, "requested")
    return detect_emotion(narration, script)


def prepare(request: VideoRequest, progress: ProgressCallback | None = None,
            llm: LLMConfig | None = None, preset: Preset | None = None, warm: bool = False) -> RenderPlan:
    """Everything before the frames, done once per video: script, narration, scene plan, emotion, soundtrack.

    ``preset`` replaces the request's quality preset (the preview's draft). ``warm``: this process renders the
    frames next, so worker threads build the first scene from the words alone while the narration is spoken,
    and (up to MIX_BESIDE_FRAMES_S) mix the soundtrack while the first frames are made and encoded
    (``plan.audio`` waits for it).
    """
    report = progress or _noop
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    report("script", 0, 1)
    recorded = request.narration_audio is not None  # the text is what the recording says
    script = write_script(request.text, request.is_custom or recorded, request.duration, request.seed,
                          llm if llm is not None else LLMConfig.from_env())
    timings["script"] = time.perf_counter() - clock
    report("script", 1, 1)

    preset = preset or preset_for(request.quality, request.aspect)
    ahead = first_scene_ahead(request, script.text, preset) if warm else None
    clock = time.perf_counter()
    report("voice", 0, 1)
    if request.scenes is not None:
        narration, bounds = narrate_timeline([scene.text for scene in request.scenes],
                                             [scene.duration for scene in request.scenes], request.seed,
                                             request.emotion, request.voice_model)
        duration = bounds[-1]
        scenes = plan_timeline(request, bounds)
    else:
        if recorded:
            narration = narrate_recording(request.narration_audio, script.text, request.voice_model)
        else:
            narration = narrate(script.text, request.duration, request.seed, request.emotion, request.voice_model)
        duration = video_duration(request, narration)
        scenes = plan_scenes(request, script.text, narration, duration)
    timings["voice"] = time.perf_counter() - clock
    report("voice", 1, 1)

    mood = character_emotion(request, script.text, narration)
    plan = RenderPlan(request, script, narration, preset, duration, scenes, timings, Future(), AUDIO_RATE, mood)
    if warm:
        plan.warm_renderer = FrameRenderer(request, preset, scenes, narration, duration, mood.emotion, ahead)
        for index in (0, 1):
            plan.warm_renderer.cache.prefetch(index)
    if warm and duration <= MIX_BESIDE_FRAMES_S:
        mixer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reelforge-sound")
        plan.mixing = mixer.submit(mix_soundtrack, plan)
        mixer.shutdown(wait=False)
    else:
        plan.mixing = done(mix_soundtrack(plan))
    return plan


def mix_soundtrack(plan: RenderPlan) -> np.ndarray:
    """The plan's soundtrack (voice, music, effects, mastered), timed as its "sound" stage."""
    clock = time.perf_counter()
    audio = build_soundtrack(plan.request, plan.narration, plan.scenes, plan.frame_count / plan.preset.fps,
                             plan.emotion.emotion).audio
    plan.timings["sound"] = time.perf_counter() - clock
    return audio


def encode_frames(plan: RenderPlan, output: Path, start: int = 0, end: int | None = None,
                  progress: ProgressCallback | None = None, audio: bool = True,
                  poster: Path | None = None) -> Path:
    """Render and encode frames [start, end) of a plan into an MP4 (with the soundtrack when ``audio``).

    The poster is written to ``poster`` when the range holds the poster frame. Encoder settings are the same
    for every range: closed GOPs of a fixed length, so ranges that start on a GOP are segments that join.
    """
    report = progress or _noop
    end = plan.frame_count if end is None else end
    preset = plan.preset
    renderer = plan.renderer()
    encoder = VideoEncoder(output, preset.width, preset.height, preset.fps, preset.bitrate, preset.x264_preset,
                           audio=plan.mixing if audio else None, audio_rate=plan.audio_rate, frame_count=end - start)
    with ENCODER_OWNS_THE_CORES, encoder:
        report("frames", 0, end - start)
        for index, i420, clean in renderer.frames(start, end):
            encoder.write_i420(i420)
            if index == renderer.poster_index and poster is not None:
                write_poster(poster, clean)
            report("frames", index + 1 - start, end - start)
    return Path(output)


def render(request: VideoRequest, output: str | Path, progress: ProgressCallback | None = None,
           llm: LLMConfig | None = None, write_frames: FramesWriter = encode_frames) -> RenderResult:
    """Render a request into an MP4 at ``output`` (plus .srt, .vtt and a .jpg poster beside it).

    ``write_frames`` makes the video of the prepared plan: one encode here, or segments.LocalSegments.
    """
    report = progress or _noop
    output = Path(output)
    plan = prepare(request, progress, llm, warm=write_frames is encode_frames)
    clock = time.perf_counter()
    write_frames(plan, output, progress=progress, poster=output.with_suffix(".jpg"))
    timings = {**plan.timings, "frames": time.perf_counter() - clock}  # the soundtrack was mixed meanwhile
    clock = time.perf_counter()
    report("encode", 0, 1)
    subtitles = write_plan_subtitles(plan, output)
    timings["encode"] = time.perf_counter() - clock
    report("encode", 1, 1)
    clock = time.perf_counter()
    exports = write_exports(plan, output, progress)
    timings["export"] = time.perf_counter() - clock
    return result_of(plan, output, timings, subtitles, exports)


def write_plan_subtitles(plan: RenderPlan, output: Path) -> tuple[Path, Path] | None:
    """Write the plan's captions as .srt and .vtt beside ``output`` (None without captions)."""
    pages = caption_pages(plan.request, plan.preset, plan.narration)
    return write_subtitles(pages, output) if pages is not None else None


def write_exports(plan: RenderPlan, output: Path, progress: ProgressCallback | None = None) -> dict[str, Path]:
    """The request's extra formats (WebM, GIF) of the finished video at ``output``, beside it ("export" stage)."""
    report = progress or _noop
    return export_beside(output, [format.value for format in plan.request.exports], plan.request.aspect.value,
                         lambda done, total: report("export", done, total))


def result_of(plan: RenderPlan, output: Path, timings: dict[str, float],
              subtitles: tuple[Path, Path] | None, exports: dict[str, Path]) -> RenderResult:
    """The RenderResult of a plan rendered into ``output``."""
    preset = plan.preset
    return RenderResult(plan.script.text, plan.script.source, output, plan.frame_count / preset.fps,
                        plan.frame_count, preset.fps, preset.size, timings, subtitles, output.with_suffix(".jpg"),
                        plan.scenes, plan.script.warnings, plan.emotion.emotion.value, plan.emotion.reason, exports)
