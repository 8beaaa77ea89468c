"""Preview: a low-resolution draft of the whole video and a storyboard contact sheet, in seconds.

The draft is the same plan as the full render (script, narration, scenes, character, soundtrack) at the draft
preset; the contact sheet shows each scene's middle frame with its caption text and time range under it. The
request's exports (WebM, GIF) are made of the draft.
"""

from __future__ import annotations

import io
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from reelforge.captions import caption_font
from reelforge.encode import atomic_write_bytes
from reelforge.pipeline import ProgressCallback, RenderPlan, encode_frames, prepare, write_exports
from reelforge.plan import ScenePlan
from reelforge.presets import draft_preset
from reelforge.request import VideoRequest
from reelforge.script.llm import LLMConfig

COLUMNS = 4  # tiles per row of the contact sheet
GAP = 16  # pixels around and between tiles
TEXT_SIZE = 16  # caption text under a tile (the captions' font)
TEXT_LINES = 4  # lines of caption text under a tile; longer text ends with an ellipsis
BACKGROUND = (24, 24, 28)


@dataclass
class PreviewResult:
    """The draft video, its contact sheet, and where each scene's tile lies on the sheet."""

    draft: Path
    storyboard: Path
    scenes: list[ScenePlan]
    tiles: list[tuple[int, int, int, int]]  # (left, top, width, height) of each scene's still on the sheet
    fps: int
    size: tuple[int, int]
    duration: float
    script: str
    timings: dict[str, float]
    emotion: str
    emotion_reason: str
    exports: dict[str, Path]  # the request's extra formats of the draft: {"webm": path, ...}
    warnings: list[str]  # the script's (see ScriptResult)


def storyboard_path(draft: Path) -> Path:
    """The contact sheet beside a draft: draft.mp4 -> draft.storyboard.png."""
    return draft.with_suffix(".storyboard.png")


def preview(request: VideoRequest, output: str | Path, progress: ProgressCallback | None = None,
            llm: LLMConfig | None = None) -> PreviewResult:
    """Render the request's draft into ``output``, its storyboard contact sheet and its exports beside it."""
    output = Path(output)
    plan = prepare(request, progress, llm, preset=draft_preset(request.aspect), warm=True)
    timings = dict(plan.timings)
    clock = time.perf_counter()
    encode_frames(plan, output, progress=progress)
    timings["frames"] = time.perf_counter() - clock
    clock = time.perf_counter()
    sheet = storyboard_path(output)
    tiles = write_storyboard(plan, sheet)
    timings["storyboard"] = time.perf_counter() - clock
    clock = time.perf_counter()
    exports = write_exports(plan, output, progress)
    timings["export"] = time.perf_counter() - clock
    preset = plan.preset
    return PreviewResult(output, sheet, plan.scenes, tiles, preset.fps, preset.size, plan.frame_count / preset.fps,
                         plan.script.text, timings, plan.emotion.emotion.value, plan.emotion.reason, exports,
                         plan.script.warnings)


def scene_stills(plan: RenderPlan) -> list[np.ndarray]:
    """Each scene's middle frame (RGB, without burnt-in captions: the sheet writes the text under it)."""
    renderer = plan.renderer()
    renderer.captions = None
    fps = plan.preset.fps
    try:
        return [renderer.frame_at(min(plan.frame_count - 1, round((scene.start + scene.end) / 2 * fps)), still=True)[1]
                for scene in plan.scenes]
    finally:
        renderer.cache.close()


def _wrap(text: str, width: int, draw: ImageDraw.ImageDraw) -> list[str]:
    """Greedy word wrap of ``text`` to ``width`` pixels, at most TEXT_LINES lines."""
    font = caption_font(TEXT_SIZE)
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > TEXT_LINES:
        lines = lines[:TEXT_LINES]
        lines[-1] = f"{lines[-1]}…"
    return lines


def write_storyboard(plan: RenderPlan, path: Path) -> list[tuple[int, int, int, int]]:
    """Write the contact sheet PNG (atomically); returns each tile's (left, top, width, height)."""
    stills = scene_stills(plan)
    width, height = plan.preset.size
    line_height = round(TEXT_SIZE * 1.3)
    cell_height = height + GAP // 2 + (TEXT_LINES + 1) * line_height
    columns = min(COLUMNS, len(stills))
    rows = math.ceil(len(stills) / columns)
    sheet = Image.new("RGB", (GAP + columns * (width + GAP), GAP + rows * (cell_height + GAP)), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    font = caption_font(TEXT_SIZE)
    tiles = []
    for index, (scene, still) in enumerate(zip(plan.scenes, stills)):
        left = GAP + (index % columns) * (width + GAP)
        top = GAP + (index // columns) * (cell_height + GAP)
        sheet.paste(Image.fromarray(still), (left, top))
        tiles.append((left, top, width, height))
        y = top + height + GAP // 2
        draw.text((left, y), f"{index + 1}  {scene.start:.1f}–{scene.end:.1f} s", font=font, fill=(250, 200, 90))
        for line in _wrap(scene.text, width, draw):
            y += line_height
            draw.text((left, y), line, font=font, fill=(240, 240, 240))
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG")
    atomic_write_bytes(path, buffer.getvalue())
    return tiles
