"""A job survives the server being killed (SIGKILL) mid-render: the restarted server re-runs it."""

import signal
import time

import httpx
import pytest

from conftest import free_port, probe, start_server

pytestmark = pytest.mark.slow


def _job(port, job_id):
    return httpx.get(f"http://127.0.0.1:{port}/jobs/{job_id}").json()


def test_a_job_running_when_the_server_is_killed_is_rerun_after_restart(tmp_path):
    port = free_port()
    server = start_server(tmp_path, port)
    try:
        body = {"text": "Snow falls on the mountains.", "is_custom": True, "quality": "speed", "duration": 12,
                "seed": 5}
        job_id = httpx.post(f"http://127.0.0.1:{port}/jobs", json=body).json()["id"]
        deadline = time.monotonic() + 60
        while _job(port, job_id)["stage"] != "frames":
            assert time.monotonic() < deadline, "the render never reached its frames"
            time.sleep(0.1)
        server.send_signal(signal.SIGKILL)
        server.wait()
        assert _job_state_on_disk(tmp_path, job_id) == "running"  # cut off mid-render
        server = start_server(tmp_path, port)
        deadline = time.monotonic() + 120
        while (job := _job(port, job_id))["state"] not in ("succeeded", "failed", "cancelled"):
            assert time.monotonic() < deadline, job
            time.sleep(0.2)
        assert job["state"] == "succeeded" and job["attempts"] == 2
        video = tmp_path / "videos" / f"{job_id}.mp4"
        assert probe(video)["duration"] >= 11.9
        assert not [p for p in video.parent.iterdir() if p.name.startswith(".")]  # no partial file left behind
    finally:
        server.kill()
        server.wait()


def _job_state_on_disk(data_dir, job_id):
    from reelforge.jobs.store import JobStore

    return JobStore(data_dir / "jobs.sqlite3").get(job_id).state
