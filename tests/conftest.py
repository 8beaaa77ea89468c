"""Shared helpers: render once per test session, decode outputs back with PyAV, start a real server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av
import httpx
import numpy as np
import pytest

from reelforge import VideoRequest, render


def pytest_configure(config):
    """Give each xdist worker (and the render processes it starts) its own numba cache, before numba loads.

    librosa's numba functions cache their machine code on disk; two workers compiling different signatures at
    the same moment can leave a shared cache's index naming the other's code, and every later run segfaults.
    """
    worker = getattr(config, "workerinput", {}).get("workerid", "main")
    os.environ["NUMBA_CACHE_DIR"] = os.path.join(tempfile.gettempdir(), "reelforge-numba", worker)


def decode_frames(path: Path) -> list[np.ndarray]:
    """Every video frame of a file as RGB arrays."""
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def decode_audio(path: Path) -> tuple[np.ndarray, int]:
    """The first audio track of a file as mono float32 samples, with its sample rate."""
    with av.open(str(path)) as container:
        rate = container.streams.audio[0].sample_rate
        mono = av.AudioResampler(format="flt", layout="mono", rate=rate)
        chunks = [out.to_ndarray()[0] for frame in container.decode(audio=0) for out in mono.resample(frame)]
    return np.concatenate(chunks).astype(np.float32), rate


def probe(path: Path) -> dict:
    """What a player sees: codec, size, fps, pixel format, frame count, durations, audio."""
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0] if container.streams.audio else None
        frames = sum(1 for _ in container.decode(video=0))
        return {
            "codec": video.codec_context.name,
            "width": video.codec_context.width,
            "height": video.codec_context.height,
            "fps": float(video.average_rate),
            "pix_fmt": video.codec_context.pix_fmt,
            "frames": frames,
            "duration": float(container.duration / 1_000_000),
            "audio_codec": audio.codec_context.name if audio else None,
            "audio_rate": audio.sample_rate if audio else None,
        }


@pytest.fixture(scope="session")
def render_cache(tmp_path_factory):
    """render(**fields) -> (result, path), each distinct request rendered once per session."""
    folder = tmp_path_factory.mktemp("renders")
    done: dict[str, tuple] = {}

    def run(**fields):
        fields.setdefault("quality", "speed")
        request = VideoRequest(**fields)
        key = request.model_dump_json()
        if key not in done:
            path = folder / f"r{len(done)}.mp4"
            done[key] = (render(request, path), path)
        return done[key]

    return run


def wait_for_job(client, job_id: str, states, timeout: float = 90) -> dict:
    """Poll GET /jobs/{id} until the job reaches one of ``states``; fail the test if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/jobs/{job_id}").json()
        if job["state"] in states:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} never reached {states}: {job}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(data_dir: Path, port: int, **settings: str) -> subprocess.Popen:
    """`reelforge serve` in its own process, settings given as REELFORGE_* variables; returns once it answers."""
    env = {**os.environ, **{f"REELFORGE_{name.upper()}": value for name, value in settings.items()}}
    process = subprocess.Popen([sys.executable, "-m", "reelforge.cli", "serve", "--port", str(port),
                                "--data-dir", str(data_dir)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("server did not start")
