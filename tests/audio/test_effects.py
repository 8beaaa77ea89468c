"""Transition sounds land on the scene boundaries; atmosphere beds play under the scenes that call for them."""

import numpy as np
import pytest

from reelforge.audio.effects import atmosphere_bed, rain, transition_effects, transition_times, wind
from reelforge.plan import ScenePlan
from reelforge.request import Emotion
from reelforge.voice.alignment import HOP_S, energy_envelope

RATE = 48000


def _scene(index, start, end, atmosphere=None):
    return ScenePlan(index, "text", start, end, [], "ocean", "day", atmosphere, None, index)


def _level_db(audio, start, end):
    part = audio[int(start * RATE) : int(end * RATE)]
    return 10 * np.log10(np.mean(part.astype(np.float64) ** 2) + 1e-20)


def test_transition_times_are_the_scene_boundaries():
    scenes = [_scene(0, 0.0, 1.8), _scene(1, 1.8, 4.1), _scene(2, 4.1, 6.0)]
    assert transition_times(scenes) == [1.8, 4.1]
    assert transition_times(scenes[:1]) == []


@pytest.mark.parametrize("emotion", list(Emotion))
def test_every_transition_gets_a_sound_on_its_boundary_and_nothing_between(emotion):
    boundaries = [1.5, 4.5]
    track = transition_effects(emotion, boundaries, 6 * RATE, RATE, seed=1)
    envelope = energy_envelope(track, RATE)
    for boundary in boundaries:
        near = envelope[int((boundary - 0.35) / HOP_S) : int((boundary + 0.35) / HOP_S)]
        assert near.max() > 0.3 * envelope.max()
    assert _level_db(track, 3.0, 3.2) < _level_db(track, 1.2, 1.8) - 40  # quiet between transitions


def test_a_whoosh_peaks_on_the_boundary_and_a_riser_ends_there():
    whoosh = energy_envelope(transition_effects(Emotion.neutral, [2.0], 4 * RATE, RATE, 1), RATE)
    assert abs(np.argmax(whoosh) * HOP_S - 2.0) < 0.1
    riser = transition_effects(Emotion.disgusted, [2.0], 4 * RATE, RATE, 1)
    assert _level_db(riser, 1.5, 2.0) > _level_db(riser, 0.9, 1.4) + 6  # it grows towards the cut
    assert _level_db(riser, 2.05, 2.5) < _level_db(riser, 1.5, 2.0) - 40  # and stops on it


def test_angry_transitions_hit_harder_and_lower_than_neutral_ones():
    def low_share(track):
        spectrum = np.abs(np.fft.rfft(track)) ** 2
        freqs = np.fft.rfftfreq(len(track), 1 / RATE)
        return spectrum[freqs < 150].sum() / spectrum.sum()

    angry = transition_effects(Emotion.angry, [2.0], 4 * RATE, RATE, 1)
    neutral = transition_effects(Emotion.neutral, [2.0], 4 * RATE, RATE, 1)
    assert low_share(angry) > 5 * low_share(neutral)  # the impact's boom


def test_no_boundaries_no_sound():
    assert not np.any(transition_effects(Emotion.excited, [], RATE, RATE, 1))


def test_rain_plays_under_the_rainy_scene_only():
    scenes = [_scene(0, 0.0, 3.0, "rain"), _scene(1, 3.0, 6.0, None)]
    bed = atmosphere_bed(scenes, 6 * RATE, RATE, seed=2)
    assert _level_db(bed, 0.5, 2.5) > _level_db(bed, 3.5, 6.0) + 60
    # it fades out over the transition (2.75 to 3.25 s), no cut
    assert _level_db(bed, 2.5, 2.7) > _level_db(bed, 2.95, 3.05) + 3 > _level_db(bed, 3.3, 3.5) + 40


def test_fog_brings_wind_and_rain_is_brighter_than_wind():
    fog = atmosphere_bed([_scene(0, 0.0, 4.0, "fog")], 4 * RATE, RATE, seed=2)
    assert _level_db(fog, 0.5, 3.5) > -40
    rng = np.random.default_rng(0)

    def centroid(audio):
        spectrum = np.abs(np.fft.rfft(audio))
        return float(np.sum(np.fft.rfftfreq(len(audio), 1 / RATE) * spectrum) / np.sum(spectrum))

    assert centroid(rain(4 * RATE, RATE, rng)) > 2 * centroid(wind(4 * RATE, RATE, rng))


def test_no_atmosphere_no_bed_and_the_same_seed_gives_the_same_bed():
    assert not np.any(atmosphere_bed([_scene(0, 0.0, 2.0, None)], 2 * RATE, RATE, seed=2))
    scenes = [_scene(0, 0.0, 2.0, "sparks")]
    assert np.array_equal(atmosphere_bed(scenes, 2 * RATE, RATE, 4), atmosphere_bed(scenes, 2 * RATE, RATE, 4))
