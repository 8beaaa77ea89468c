"""The soundtrack of rendered videos, read back from the MP4: loudness, true peak, music and effects on and off."""

import numpy as np
import pytest

from conftest import decode_audio
from reelforge.audio import build_soundtrack
from reelforge.audio.effects import WHOOSH_PEAK, WHOOSH_S
from reelforge.audio.loudness import TARGET_LUFS, TRUE_PEAK_LIMIT, loudness, true_peak
from reelforge.encode import resample_mono
from reelforge.plan import ScenePlan
from reelforge.request import VideoRequest
from reelforge.voice import Narration, narrate

TEXT = "Rain falls on the quiet city tonight. The morning brings the sun back over the hills."
DURATION = 6.0
FIELDS = dict(text=TEXT, is_custom=True, duration=DURATION, seed=5, atmosphere="none", captions=False)


@pytest.fixture(scope="module")
def tracks(render_cache):
    """Three renders of one request: with everything, without music, without music and effects."""
    out = {}
    for name, options in {"all": {}, "effects": {"music": False},
                          "voice": {"music": False, "sound_effects": False}}.items():
        result, path = render_cache(**FIELDS, **options)
        audio, rate = decode_audio(path)
        out[name] = (result, audio[: int(DURATION * rate)], rate)
    return out


def _rms_db(audio):
    return 10 * np.log10(np.mean(audio.astype(np.float64) ** 2) + 1e-20)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["all", "voice"])
def test_the_video_is_at_minus_14_lufs_with_true_peak_under_minus_1(tracks, name):
    _, audio, rate = tracks[name]
    assert loudness(audio, rate) == pytest.approx(TARGET_LUFS, abs=1.0)
    assert true_peak(audio) < TRUE_PEAK_LIMIT


@pytest.mark.slow
def test_music_off_really_removes_it(tracks):
    result, audio, rate = tracks["all"]
    narration = narrate(TEXT, DURATION, 5)
    pause = slice(int((narration.speech_end + 0.3) * rate), int((DURATION - 0.5) * rate))
    assert _rms_db(audio[pause]) > -45  # the music is there after the last word
    assert _rms_db(tracks["effects"][1][pause]) < -80
    assert _rms_db(tracks["voice"][1][pause]) < -80
    assert result.timings["sound"] > 0


def _unexplained_db(track, reference, rate):
    """Per 10 ms window, the energy (dB) of what ``track`` holds beyond ``reference`` scaled by the best gain for
    that window (local gains absorb the different limiting of two mixes). Returns (window times, energies)."""
    size = int(0.01 * rate)
    count = min(len(track), len(reference)) // size
    track, reference = (np.asarray(a[: count * size], np.float64).reshape(count, size) for a in (track, reference))
    gains = np.sum(track * reference, axis=1) / np.maximum(np.sum(reference**2, axis=1), 1e-12)
    rest = track - gains[:, None] * reference
    return (np.arange(count) + 0.5) * size / rate, 10 * np.log10(np.mean(rest**2, axis=1) + 1e-20)


def _transition_span(times, boundary):
    return (times > boundary - WHOOSH_PEAK * WHOOSH_S) & (times < boundary + (1 - WHOOSH_PEAK) * WHOOSH_S)


@pytest.mark.slow
def test_effects_sound_on_the_scene_transition(tracks):
    result, with_effects, rate = tracks["effects"]
    assert len(result.scenes) == 2
    boundary = result.scenes[1].start
    # the same narration is in both renders: what the effects render holds beyond it is the effects
    times, extra = _unexplained_db(with_effects, tracks["voice"][1], rate)
    assert abs(times[np.argmax(extra)] - boundary) < 0.15
    span = _transition_span(times, boundary)
    assert extra[span].max() > extra[~span].max() + 15


@pytest.mark.slow
def test_without_music_and_effects_the_track_is_the_narration(tracks):
    result, audio, rate = tracks["voice"]
    narration = narrate(TEXT, DURATION, 5)
    voice = resample_mono(narration.audio, narration.sample_rate, rate)
    times, extra = _unexplained_db(audio, voice, rate)
    _, level = _unexplained_db(audio, np.zeros_like(voice), rate)
    speaking = level > level.max() - 40
    assert np.median(extra[speaking] - level[speaking]) < -25  # the narration explains the track
    span = _transition_span(times, result.scenes[1].start)
    assert extra[span].max() < extra[~span].max() + 3  # and nothing stands out at the transition
    _, with_effects = _unexplained_db(tracks["effects"][1], voice, rate)
    assert with_effects[span].max() > extra[span].max() + 5  # where the effects render does stand out (3x the energy)


def _narration(seconds, rate=22050):
    """A narration of ``seconds`` of a 200 Hz hum (or of silence when seconds is 0), no words."""
    audio = np.zeros(int(rate * max(seconds, 0.01)), np.float32)
    if seconds:
        audio[:] = 0.3 * np.sin(2 * np.pi * 200 * np.arange(len(audio)) / rate)
    return Narration(audio, rate, [], [], [], 1.0)


def _scenes():
    return [ScenePlan(0, "a", 0.0, 1.0, [], "ocean", "day", "rain", None, 1),
            ScenePlan(1, "b", 1.0, 2.0, [], "ocean", "day", None, None, 2)]


@pytest.mark.parametrize("seconds", [0.0, 0.05])
@pytest.mark.parametrize("options", [{}, {"music": False}, {"music": False, "sound_effects": False}])
def test_silent_or_tiny_narrations_mix_without_errors(seconds, options):
    request = VideoRequest(text="x", **options)
    sound = build_soundtrack(request, _narration(seconds), _scenes(), 2.0)
    assert len(sound.audio) == 2 * sound.sample_rate
    assert np.all(np.isfinite(sound.audio))
    if not seconds and options.get("sound_effects") is False:
        assert not np.any(sound.audio)  # nothing to hear, nothing invented
    else:
        assert loudness(sound.audio, sound.sample_rate) == pytest.approx(TARGET_LUFS, abs=1.0)
        assert true_peak(sound.audio) < TRUE_PEAK_LIMIT


def test_the_same_request_gives_the_same_soundtrack():
    request = VideoRequest(text="x", emotion="excited", seed=9)
    first = build_soundtrack(request, _narration(1.0), _scenes(), 2.0).audio
    assert np.array_equal(first, build_soundtrack(request, _narration(1.0), _scenes(), 2.0).audio)
    other_seed = build_soundtrack(request.model_copy(update={"seed": 10}), _narration(1.0), _scenes(), 2.0).audio
    assert not np.array_equal(first, other_seed)
