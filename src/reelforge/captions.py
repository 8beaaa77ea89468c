"""Word-timed captions: burned in (current word highlighted, inside safe margins, wrapped) and SRT/WebVTT files.

Words are grouped into short pages of at most two lines. Each (page, highlighted word) overlay is drawn once
with Pillow, converted to YUV planes and cached; a frame costs one small blend of that overlay's box per plane.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from reelforge.voice.alignment import Timed
from reelforge.yuv import Overlay, blend, make_overlay

SAFE_WIDTH = 0.82  # captions stay inside this fraction of the width
CENTER_Y = 0.7  # vertical centre of the caption block, above the platforms' bottom UI
MAX_WORDS = 6
HOLD_S = 0.5  # how long a page stays after its last word when a pause follows
TEXT_COLOR = (255, 255, 255)
HIGHLIGHT_COLOR = (255, 214, 10)


@dataclass(frozen=True)
class Page:
    """A caption page: its words (with timings), its lines, and when it is on screen."""

    words: list[Timed]
    lines: list[list[int]]  # word indices per line
    start: float
    end: float

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


@lru_cache(maxsize=8)
def caption_font(size: int) -> ImageFont.FreeTypeFont:
    """The bundled DejaVu Sans Bold at a pixel size."""
    path = resources.files("reelforge") / "assets" / "DejaVuSans-Bold.ttf"
    return ImageFont.truetype(str(path), size)


def font_size_for(width: int) -> int:
    """Caption text size for a frame width (about 64 px at 1080)."""
    return max(14, round(width * 0.06))


def paginate(words: list[Timed], frame_width: int) -> list[Page]:
    """Group words into pages of at most two lines that fit the safe width, breaking after sentence ends."""
    font = caption_font(font_size_for(frame_width))
    limit = frame_width * SAFE_WIDTH
    space = font.getlength(" ")
    pages: list[Page] = []
    current: list[Timed] = []
    lines: list[list[int]] = [[]]
    line_width = 0.0

    def flush() -> None:
        nonlocal current, lines, line_width
        if current:
            pages.append(Page(current, [line for line in lines if line], current[0].start, current[-1].end))
        current, lines, line_width = [], [[]], 0.0

    for word in words:
        width = font.getlength(word.text)
        if lines[-1] and line_width + space + width > limit:
            if len(lines) == 2:
                flush()
            else:
                lines.append([])
                line_width = 0.0
        lines[-1].append(len(current))
        current.append(word)
        line_width += (space if line_width else 0.0) + width
        if len(current) >= MAX_WORDS or word.text[-1:] in ".!?":
            flush()
    flush()
    # A page stays up until the next one starts, or HOLD_S after its last word across a pause.
    timed = []
    for index, page in enumerate(pages):
        next_start = pages[index + 1].start if index + 1 < len(pages) else float("inf")
        timed.append(Page(page.words, page.lines, page.start, min(next_start, page.end + HOLD_S)))
    return timed


class CaptionRenderer:
    """Draws caption pages onto frames of one size."""

    def __init__(self, pages: list[Page], frame_size: tuple[int, int]):
        self.pages = pages
        self.width, self.height = frame_size
        self.font = caption_font(font_size_for(self.width))
        self._cache: dict[tuple[int, int], Overlay] = {}

    def page_at(self, t: float) -> tuple[int, int] | None:
        """(page index, highlighted word index) at time t, or None when no caption shows."""
        for index, page in enumerate(self.pages):
            if page.start <= t < page.end:
                active = 0
                for word_index, word in enumerate(page.words):
                    if word.start <= t:
                        active = word_index
                return index, active
        return None

    def draw(self, i420: np.ndarray, t: float) -> None:
        """Blend the caption for time t into a YUV 4:2:0 frame in place."""
        key = self.page_at(t)
        if key is None:
            return
        overlay = self._cache.get(key)
        if overlay is None:
            overlay = self._cache[key] = self._render(*key)
        blend(i420, overlay)

    def _render(self, page_index: int, active: int) -> Overlay:
        page = self.pages[page_index]
        font = self.font
        size = font.size
        stroke = max(2, size // 12)
        line_height = int(size * 1.25)
        space = font.getlength(" ")
        block_w = int(self.width * SAFE_WIDTH) + 4 * stroke
        block_h = line_height * len(page.lines) + 4 * stroke
        image = Image.new("RGBA", (block_w, block_h), (0, 0, 0, 0))
        draw = ImageDraw.Draw(image)
        for line_number, line in enumerate(page.lines):
            widths = [font.getlength(page.words[i].text) for i in line]
            x = (block_w - (sum(widths) + space * (len(line) - 1))) / 2
            y = 2 * stroke + line_number * line_height
            for word_index, width in zip(line, widths):
                color = HIGHLIGHT_COLOR if word_index == active else TEXT_COLOR
                draw.text((x, y), page.words[word_index].text, font=font, fill=color + (255,),
                          stroke_width=stroke, stroke_fill=(0, 0, 0, 235))
                x += width + space
        x0 = (self.width - block_w) // 2
        y0 = int(self.height * CENTER_Y - block_h / 2)
        y0 = min(max(y0, 0), self.height - block_h)
        return make_overlay(np.asarray(image), x0, y0)


def _clock(seconds: float, separator: str) -> str:
    ms = int(round(seconds * 1000))
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{ms:03d}"


def to_srt(pages: list[Page]) -> str:
    """SubRip text: one cue per page."""
    cues = [f"{i}\n{_clock(p.start, ',')} --> {_clock(p.end, ',')}\n{p.text}\n" for i, p in enumerate(pages, 1)]
    return "\n".join(cues)


def to_vtt(pages: list[Page]) -> str:
    """WebVTT text: one cue per page, each word after the first tagged with its start time (karaoke)."""
    cues = ["WEBVTT\n"]
    for page in pages:
        text = page.words[0].text + "".join(f" <{_clock(w.start, '.')}>{w.text}" for w in page.words[1:])
        cues.append(f"{_clock(page.start, '.')} --> {_clock(page.end, '.')}\n{text}\n")
    return "\n".join(cues)


def write_subtitles(pages: list[Page], video_path: Path) -> tuple[Path, Path]:
    """Write <video>.srt and <video>.vtt beside the video; returns their paths."""
    srt = video_path.with_suffix(".srt")
    vtt = video_path.with_suffix(".vtt")
    srt.write_text(to_srt(pages), encoding="utf-8")
    vtt.write_text(to_vtt(pages), encoding="utf-8")
    return srt, vtt
