"""Word-timed captions: burned in (current word highlighted, inside safe margins, wrapped) and SRT/WebVTT files.

Words are grouped into short pages of at most two lines. Each (page, highlighted word) overlay is made once
with Pillow and cached: the page all in white, converted to YUV planes, with the highlighted word's box drawn and
converted again in its place. A frame costs one small blend of that overlay's box per plane.
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


@dataclass(frozen=True)
class PlacedWord:
    """A word of a caption page where it is drawn: its text origin and its box (stroke included), in pixels of
    the page's block."""

    index: int
    origin: tuple[float, float]
    box: tuple[int, int, int, int]  # left, top, right, bottom


class CaptionRenderer:
    """Draws caption pages onto frames of one size.

    A page's overlay with one word highlighted differs from the same page all in white only inside that word's
    box: the white page is converted to YUV once, and each highlighted state converts just the word's box
    (aligned to the chroma grid) and pastes it in. A page of six words converted the whole block six times.
    """

    def __init__(self, pages: list[Page], frame_size: tuple[int, int]):
        self.pages = pages
        self.width, self.height = frame_size
        self.font = caption_font(font_size_for(self.width))
        self.stroke = max(2, self.font.size // 12)
        self.line_height = int(self.font.size * 1.25)
        self._cache: dict[tuple[int, int], Overlay] = {}
        self._white: dict[int, tuple[list[PlacedWord], Overlay]] = {}  # a page's layout and its white overlay

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

    def _block(self, page: Page) -> tuple[int, int, int, int]:
        """The page's block: its left and top in the frame, its width and height."""
        width = int(self.width * SAFE_WIDTH) + 4 * self.stroke
        height = self.line_height * len(page.lines) + 4 * self.stroke
        top = min(max(int(self.height * CENTER_Y - height / 2), 0), self.height - height)
        return (self.width - width) // 2, top, width, height

    def _layout(self, page: Page, width: int) -> list[PlacedWord]:
        """Where each word of the page is drawn in a block ``width`` wide: lines centred, one space apart."""
        font, stroke = self.font, self.stroke
        space = font.getlength(" ")
        placed = []
        for line_number, line in enumerate(page.lines):
            widths = [font.getlength(page.words[i].text) for i in line]
            x = (width - (sum(widths) + space * (len(line) - 1))) / 2
            y = 2 * stroke + line_number * self.line_height
            for word_index, word_width in zip(line, widths):
                left, top, right, bottom = font.getbbox(page.words[word_index].text, stroke_width=stroke)
                box = (int(np.floor(x + left)) - 1, int(y + top) - 1, int(np.ceil(x + right)) + 1, int(y + bottom) + 1)
                placed.append(PlacedWord(word_index, (x, y), box))
                x += word_width + space
        return placed

    def _draw(self, page: Page, placed: list[PlacedWord], active: int | None, area: tuple[int, int, int, int],
              size: tuple[int, int]) -> np.ndarray:
        """RGBA of the ``area`` (left, top, right, bottom) of a block of ``size``, with ``active`` highlighted:
        every word that reaches into it drawn as on the whole block (shifted by whole pixels, so rasterised the
        same), and nothing outside the block (a word too long for it is cut at its edge, as on the whole block)."""
        left, top, right, bottom = area
        inside = (max(left, 0), max(top, 0), min(right, size[0]), min(bottom, size[1]))
        image = Image.new("RGBA", (inside[2] - inside[0], inside[3] - inside[1]), (0, 0, 0, 0))
        draw = ImageDraw.Draw(image)
        for word in placed:
            if word.box[0] < right and word.box[2] > left and word.box[1] < bottom and word.box[3] > top:
                color = HIGHLIGHT_COLOR if word.index == active else TEXT_COLOR
                draw.text((word.origin[0] - inside[0], word.origin[1] - inside[1]), page.words[word.index].text,
                          font=self.font, fill=color + (255,), stroke_width=self.stroke, stroke_fill=(0, 0, 0, 235))
        return np.pad(np.asarray(image), ((inside[1] - top, bottom - inside[3]), (inside[0] - left, right - inside[2]),
                                          (0, 0)))

    def _render(self, page_index: int, active: int) -> Overlay:
        """The page's overlay with word ``active`` highlighted: its white overlay with the word's box redrawn."""
        page = self.pages[page_index]
        x0, y0, width, height = self._block(page)
        if page_index not in self._white:
            placed = self._layout(page, width)
            self._white[page_index] = placed, make_overlay(self._draw(page, placed, None, (0, 0, width, height),
                                                                      (width, height)), x0, y0)
        placed, white = self._white[page_index]
        left, top, right, bottom = next(word.box for word in placed if word.index == active)
        # the box in frame pixels, widened to even edges (chroma samples cover 2x2 pixels) inside the overlay
        left, top = max(x0 + left, white.x) // 2 * 2, max(y0 + top, white.y) // 2 * 2
        right = min((x0 + right + 1) // 2 * 2, white.x + white.premultiplied[0].shape[1])
        bottom = min((y0 + bottom + 1) // 2 * 2, white.y + white.premultiplied[0].shape[0])
        patch = make_overlay(self._draw(page, placed, active, (left - x0, top - y0, right - x0, bottom - y0),
                                        (width, height)), left, top)
        return _pasted(white, patch)


def _pasted(base: Overlay, patch: Overlay) -> Overlay:
    """A copy of ``base`` with ``patch`` (inside it, on even pixels) in place of what it covers."""
    planes = []
    for index, (premultiplied, inverse) in enumerate(zip(base.premultiplied, base.inverse_alpha)):
        scale = 1 if index == 0 else 2
        x, y = (patch.x - base.x) // scale, (patch.y - base.y) // scale
        height, width = patch.premultiplied[index].shape
        premultiplied, inverse = premultiplied.copy(), inverse.copy()
        premultiplied[y : y + height, x : x + width] = patch.premultiplied[index]
        inverse[y : y + height, x : x + width] = patch.inverse_alpha[index]
        planes.append((premultiplied, inverse))
    return Overlay(base.x, base.y, tuple(p for p, _ in planes), tuple(i for _, i in planes))


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
