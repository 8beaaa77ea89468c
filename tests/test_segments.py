"""Segmented renders: cut on GOPs, rendered in parallel local processes, joined without re-encoding."""

import time

import av
import numpy as np
import pytest

from conftest import probe
from reelforge import VideoRequest, render
from reelforge.encode import VideoEncoder
from reelforge.pipeline import prepare
from reelforge.segments import LocalSegments, Segment, join_segments, segment_path, split

REQUEST = VideoRequest(text="The ocean is vast and deep. Far above, the stars turn in space.", is_custom=True,
                       quality="speed", duration=5.0, seed=4, camera_movement="pan_left")
SEGMENT_SECONDS = 2.0  # 5.1 s at 15 fps: segments [0, 30), [30, 60), [60, 77)
MIN_PSNR_DB = 38.0  # measured 40.6 dB at worst (cinematic style, speed preset)


def decode_yuv(path):
    """Every frame as the planar YUV 4:2:0 array the encoder was given."""
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="yuv420p") for frame in container.decode(video=0)]


def decode_audio(path):
    with av.open(str(path)) as container:
        return np.concatenate([frame.to_ndarray()[0] for frame in container.decode(audio=0)])


def psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(255**2 / mse)


def test_split_cuts_whole_gops():
    assert split(75, 15, 2.0) == [Segment(0, 0, 30), Segment(1, 30, 60), Segment(2, 60, 75)]
    segments = split(30 * 24, 24, 10.0)  # 30 s balanced: 10 s = 5 GOPs of 48 frames
    assert [(s.start, s.end) for s in segments] == [(0, 240), (240, 480), (480, 720)]
    assert split(40, 24, 10.0) == [Segment(0, 0, 40)]
    assert split(100, 24, 0.1) == [Segment(0, 0, 48), Segment(1, 48, 96), Segment(2, 96, 100)]  # at least a GOP
    assert split(30 * 24, 24, 10.0, max_segments=2) == [Segment(0, 0, 384), Segment(1, 384, 720)]  # 8 + 7 GOPs
    assert len(split(30 * 24, 24, 10.0, max_segments=8)) == 3  # never shorter than asked


@pytest.fixture(scope="module")
def single_and_segmented(tmp_path_factory):
    folder = tmp_path_factory.mktemp("segmented")
    single = render(REQUEST, folder / "single.mp4")
    segmented = render(REQUEST, folder / "segmented.mp4", write_frames=LocalSegments(3, SEGMENT_SECONDS))
    return single, segmented


@pytest.mark.slow
def test_local_pool_segments_join_into_the_single_process_video(single_and_segmented):
    single, segmented = single_and_segmented
    info = probe(segmented.output)
    assert info == probe(single.output)  # codec, size, fps, pixel format, frames, duration, audio
    assert info["frames"] == segmented.frame_count == single.frame_count >= 75 and info["audio_codec"] == "aac"
    assert info["duration"] == pytest.approx(single.duration, abs=0.07)
    assert segmented.poster.stat().st_size > 5000 and segmented.subtitles[0].read_text() == \
        single.subtitles[0].read_text()
    assert not [p for p in segmented.output.parent.iterdir() if p.name.startswith(".")]
    a, b = decode_yuv(single.output), decode_yuv(segmented.output)
    assert all(np.array_equal(x, y) for x, y in zip(a[:30], b[:30]))  # the first segment: same bytes
    worst = min(psnr(x, y) for x, y in zip(a[30:], b[30:]))  # later ones: the encoder's rate control restarted
    assert MIN_PSNR_DB <= worst < float("inf")
    assert np.array_equal(decode_audio(single.output), decode_audio(segmented.output))  # encoded once, the same


@pytest.mark.slow
def test_segments_are_as_faithful_to_the_rendered_frames_as_one_encode(single_and_segmented):
    single, segmented = single_and_segmented
    source = [i420 for _, i420, _ in prepare(REQUEST).renderer().frames()]
    fidelity_single = np.mean([psnr(s, x) for s, x in zip(source, decode_yuv(single.output))])
    fidelity_segmented = np.mean([psnr(s, x) for s, x in zip(source, decode_yuv(segmented.output))])
    assert fidelity_segmented > fidelity_single - 0.5  # measured 0.1 dB apart (about 39.5 dB each)


@pytest.mark.slow
def test_a_range_that_starts_mid_video_renders_the_same_frames_even_with_flow_smoothing():
    plan = prepare(VideoRequest(**REQUEST.model_dump() | {"flow_smoothing": True, "duration": 2.0,
                                                           "camera_movement": "orbit"}))
    whole = [i420 for _, i420, _ in plan.renderer().frames(0, 24)]
    tail = [i420 for _, i420, _ in plan.renderer().frames(16, 24)]
    for full, alone in zip(whole[16:], tail):
        difference = np.abs(full.astype(int) - alone)
        assert difference.max() <= 1 and (difference > 0).mean() < 1e-3


def test_segments_with_different_encoder_headers_are_refused(tmp_path):
    plan = prepare(VideoRequest(**REQUEST.model_dump() | {"duration": 1.0}))
    frame = np.full((96, 64), 128, np.uint8)
    for segment, preset in ((Segment(0, 0, 2), "veryfast"), (Segment(1, 2, 4), "placebo")):
        with VideoEncoder(segment_path(tmp_path, segment), 64, 64, 15, 200_000, preset, frame_count=2) as encoder:
            for _ in range(2):
                encoder.write_i420(frame)
    with pytest.raises(ValueError, match="H.264 headers"):
        join_segments(plan, [Segment(0, 0, 2), Segment(1, 2, 4)], tmp_path, tmp_path / "joined.mp4")
    assert not list(tmp_path.glob("*joined*"))


@pytest.mark.slow
def test_the_embedded_queue_fans_a_job_out_over_local_processes(single_and_segmented, tmp_path):
    from reelforge.jobs.local import LocalExecutor
    from reelforge.jobs.store import JobStore

    store = JobStore(tmp_path / "jobs.sqlite3")
    executor = LocalExecutor(store, tmp_path / "videos", segment_processes=3, segment_seconds=SEGMENT_SECONDS)
    executor.start()
    try:
        job = store.create(REQUEST.model_dump(mode="json", exclude_none=True))
        deadline = time.monotonic() + 120
        while not (job := store.get(job.id)).finished:
            assert time.monotonic() < deadline
            time.sleep(0.1)
    finally:
        executor.stop()
    assert job.state == "succeeded", job.error
    _, segmented = single_and_segmented
    frames = decode_yuv(tmp_path / "videos" / job.video)
    assert len(frames) == segmented.frame_count
    assert all(np.array_equal(a, b) for a, b in zip(frames, decode_yuv(segmented.output)))
