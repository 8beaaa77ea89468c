"""A user's recorded narration: real speech (Piper, saved as MP3) with pauses we placed, aligned to its script."""

import av
import numpy as np
import pytest

from conftest import decode_audio, probe
from reelforge import RequestError, VideoRequest, render
from reelforge.voice.alignment import energy_envelope, voiced_span
from reelforge.voice.narration import seeded_voice
from reelforge.voice.recording import narrate_recording

SENTENCES = ["Welcome to the lab.", "Today we build a tiny rocket, step by step.", "Let's go!"]
PAUSES = [0.7, 0.45, 0.5]  # after each sentence; the recording opens with 0.6 s of room tone
LEAD_S = 0.6


def _write_audio(path, audio, rate, codec="mp3"):
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(audio[None, :].astype(np.float32), format="flt", layout="mono")
        frame.sample_rate = rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    """An MP3 of the three sentences spoken at our own pace; returns (path, each sentence's true onset)."""
    voice = seeded_voice(5)
    rate = voice.config.sample_rate
    rng = np.random.default_rng(0)
    parts, onsets, clock = [np.zeros(int(LEAD_S * rate), np.float32)], [], LEAD_S
    for sentence, pause in zip(SENTENCES, PAUSES):
        speech = np.concatenate([chunk.audio_float_array for chunk in voice.synthesize(sentence)]) * 0.4
        onsets.append(clock + voiced_span(energy_envelope(speech, rate))[0])
        parts += [speech, np.zeros(int(pause * rate), np.float32)]
        clock += (len(speech) + int(pause * rate)) / rate
    audio = np.concatenate(parts) + rng.normal(0, 0.002, sum(map(len, parts))).astype(np.float32)  # room noise
    path = tmp_path_factory.mktemp("recording") / "take1.mp3"
    _write_audio(path, audio, rate)
    return path, onsets, clock


def test_words_and_sentences_follow_the_speaker(recording):
    path, onsets, length = recording
    narration = narrate_recording(path, " ".join(SENTENCES))
    assert [word.text for word in narration.words] == " ".join(SENTENCES).split()
    assert [start for _, start, _ in narration.sentences] == pytest.approx(onsets, abs=0.06)
    assert narration.duration == pytest.approx(length, abs=0.1)
    assert np.abs(narration.audio).max() == pytest.approx(0.9, abs=0.01)  # levelled like the synthetic voice
    for word, following in zip(narration.words, narration.words[1:]):
        assert word.start < word.end <= following.start + 0.02
    assert narration.phonemes[0].start >= onsets[0] - 0.06 and narration.phonemes[-1].end <= length


def test_a_recording_narrates_the_video_with_captions_on_its_words(recording, tmp_path):
    path, onsets, length = recording
    text = " ".join(SENTENCES)
    result = render(VideoRequest(text=text, narration_audio=path, quality="speed", duration=2.0, music=False,
                                 sound_effects=False), tmp_path / "recorded.mp4")
    assert result.script == text  # the recording's words, not a script written from them
    assert result.duration == pytest.approx(length, abs=1 / 15) and probe(tmp_path / "recorded.mp4")["audio_codec"] == "aac"
    audio, rate = decode_audio(tmp_path / "recorded.mp4")
    envelope = energy_envelope(audio, rate)
    loud = envelope > envelope.max() * 0.1
    for onset in onsets:  # the speaker's voice starts each sentence in the video's soundtrack
        index = round(onset / 0.01)
        assert not loud[index - 8] and loud[index + 2:index + 20].any()
    cues = result.subtitles[0].read_text()
    assert "Welcome" in cues and "rocket," in cues


@pytest.mark.parametrize("kind", ["silent", "image"])
def test_an_unusable_recording_is_named(tmp_path, kind):
    path = tmp_path / "bad.wav"
    if kind == "silent":
        _write_audio(path, np.zeros(22050, np.float32), 22050, codec="pcm_s16le")
    else:
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(RequestError) as caught:
        narrate_recording(path, "Hello.")
    assert caught.value.field == "narration_audio"
