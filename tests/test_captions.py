import re

import numpy as np
import pytest

from conftest import decode_frames
from reelforge.captions import CaptionRenderer, paginate, to_srt, to_vtt
from reelforge.yuv import make_overlay
from reelforge.voice.alignment import Timed

SCRIPT = "The forest wakes at dawn. Birds sing over the quiet river."


def _srt_cues(text):
    cues = []
    for block in text.strip().split("\n\n"):
        lines = block.splitlines()
        start, end = re.findall(r"(\d\d):(\d\d):(\d\d),(\d\d\d)", lines[1])
        to_s = lambda h, m, s, ms: int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000  # noqa: E731
        cues.append((to_s(*start), to_s(*end), " ".join(lines[2:])))
    return cues


def test_srt_words_and_times_match_the_narration(render_cache):
    result, path = render_cache(text=SCRIPT, is_custom=True, duration=5.0, seed=1)
    srt_path, vtt_path = result.subtitles
    cues = _srt_cues(srt_path.read_text())
    assert " ".join(cue[2] for cue in cues).split() == SCRIPT.split()
    words = iter(result_words := [w for w in _narration_words(result)])
    for start, end, text in cues:
        first = next(words)
        assert abs(start - first.start) < 0.002 and end > start
        for _ in text.split()[1:]:
            last = next(words)
        assert end >= last.end - 0.002
    assert result_words[-1].end < result.duration
    vtt = vtt_path.read_text()
    assert vtt.startswith("WEBVTT") and "<00:00:0" in vtt  # word-level karaoke timestamps


def _narration_words(result):
    from reelforge.voice import narrate

    return narrate(result.script, 5.0, seed=1).words


def test_caption_pixels_show_at_a_word_time(render_cache):
    with_captions, path = render_cache(text=SCRIPT, is_custom=True, duration=5.0, seed=1)
    _, bare_path = render_cache(text=SCRIPT, is_custom=True, duration=5.0, seed=1, captions=False)
    word = _narration_words(with_captions)[3]
    index = int((word.start + word.end) / 2 * with_captions.fps)
    shown, bare = decode_frames(path)[index].astype(int), decode_frames(bare_path)[index].astype(int)
    diff = np.abs(shown - bare).max(axis=2)
    height, width = diff.shape
    band = diff[int(height * 0.6) : int(height * 0.8)]
    assert (band > 60).mean() > 0.02  # text strokes in the caption band
    assert (diff[: int(height * 0.5)] > 60).mean() < 0.001  # nothing above it
    columns = np.flatnonzero((band > 60).any(axis=0))
    assert columns.min() > width * 0.08 and columns.max() < width * 0.92  # inside the safe margins
    yellow = (shown[int(height * 0.6) : int(height * 0.8), :, 0] > 200) & \
             (shown[int(height * 0.6) : int(height * 0.8), :, 2] < 90)
    assert yellow.sum() > 50  # the current word is highlighted


def test_pages_wrap_to_two_lines_within_the_width():
    words = [Timed(w, i * 0.3, i * 0.3 + 0.25) for i, w in enumerate(("extraordinarily " * 12).split())]
    pages = paginate(words, 720)
    assert all(1 <= len(p.lines) <= 2 for p in pages)
    assert sum(len(p.words) for p in pages) == 12
    assert all(a.end <= b.start + 1e-9 for a, b in zip(pages, pages[1:]))
    assert to_srt(pages).count("-->") == len(pages) == to_vtt(pages).count("-->")


@pytest.mark.parametrize("size", [(1080, 1920), (720, 1280), (1920, 1080), (270, 480), (1081, 1921)])
def test_a_highlighted_word_is_pasted_into_its_page_as_drawing_the_whole_page_would(size):
    """Each highlight converts only the word's box into the page's white overlay; the result is the whole page
    drawn with that word highlighted and converted (within one level, at a handful of chroma pixels where
    OpenCV's averaging rounds the other way), and the word is yellow there and white elsewhere."""
    text = ("Quickly, jumpy gauges fly; big yellow quartz glyphs judge Wally's fjord. Yep! Neon signs flicker. "
            "Pneumonoultramicroscopicsilicovolcanoconiosis is long.")  # a word too long for the block
    words = [Timed(w, i * 0.3, i * 0.3 + 0.25) for i, w in enumerate(text.split())]
    renderer = CaptionRenderer(paginate(words, size[0]), size)
    for index, page in enumerate(renderer.pages):
        x0, y0, width, height = renderer._block(page)
        placed = renderer._layout(page, width)
        white = make_overlay(renderer._draw(page, placed, None, (0, 0, width, height), (width, height)), x0, y0)
        for active in range(len(page.words)):
            pasted = renderer._render(index, active)
            whole = make_overlay(renderer._draw(page, placed, active, (0, 0, width, height), (width, height)),
                                 x0, y0)
            assert (pasted.x, pasted.y) == (whole.x, whole.y)
            for ours, theirs, plain in zip(pasted.premultiplied + pasted.inverse_alpha,
                                           whole.premultiplied + whole.inverse_alpha,
                                           white.premultiplied + white.inverse_alpha):
                difference = np.abs(ours.astype(int) - theirs)
                assert difference.max() <= 1 and (difference > 0).mean() < 0.001
            assert (pasted.premultiplied[1] != white.premultiplied[1]).any()  # the word's colour changed
