"""Distributed mode end to end: a real Redis (Debian's redis-server), two real `reelforge worker` processes and
the service submitting to them: the joined video equals the local renders, and a worker killed mid-job
(SIGKILL) does not lose the job."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
import redis
from fastapi.testclient import TestClient

from conftest import probe
from reelforge import VideoRequest, render
from reelforge.jobs import distributed
from reelforge.jobs.distributed import JobBoard, configure
from reelforge.segments import LocalSegments
from reelforge.server.app import create_app
from reelforge.server.settings import Settings
from test_segments import MIN_PSNR_DB, decode_audio, decode_yuv, psnr

pytestmark = pytest.mark.slow

SEGMENT_SECONDS = 2.0
# A dead worker's task moves on after this. Previews, joins, exports and some segments here take longer, so Redis
# re-delivers them while they run: their leases must keep them from running twice (at 3 s, the code without
# leases passed here when the machine was idle; at 1 s it fails).
VISIBILITY_TIMEOUT_S = 1.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def broker(tmp_path_factory):
    """A private redis-server on a free port of 127.0.0.1, its files in a temporary dir."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed: apt-get install redis-server (.ci/run does it)")
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
                               "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline and server.poll() is None, "redis-server did not start"
                time.sleep(0.05)
        yield url
    finally:
        server.kill()
        server.wait()


@pytest.fixture
def settings(broker, tmp_path):
    """The service's settings for one test, on an emptied Redis (the test process keeps one broker connection)."""
    redis.Redis.from_url(broker).flushall()
    return Settings(data_dir=tmp_path / "data", broker_url=broker, segment_seconds=SEGMENT_SECONDS,
                    visibility_timeout_s=VISIBILITY_TIMEOUT_S)


@pytest.fixture
def workers(settings):
    """Two `reelforge worker` processes, each in its own process group; {celery hostname: process}."""
    env = os.environ | {"REELFORGE_BROKER_URL": settings.broker_url, "REELFORGE_DATA_DIR": str(settings.data_dir),
                        "REELFORGE_VISIBILITY_TIMEOUT_S": str(VISIBILITY_TIMEOUT_S),
                        # a failing LLM (nothing listens there): a topic is written offline, with a warning
                        "REELFORGE_LLM_BASE_URL": "http://127.0.0.1:9/v1", "REELFORGE_LLM_FALLBACK": "1"}
    processes = [subprocess.Popen([sys.executable, "-m", "reelforge.cli", "worker", "--loglevel", "warning"], env=env,
                                  start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for _ in range(2)]
    try:
        control = configure(settings).control
        deadline = time.monotonic() + 60
        while len({name for reply in control.ping(timeout=0.5) for name in reply}) < 2:
            assert time.monotonic() < deadline, "the workers did not come up"
        yield {f"reelforge-{process.pid}@{socket.gethostname()}": process for process in processes}
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_until_idle(control, timeout=30):
    """Wait until no worker runs, holds or schedules a task (a re-delivered copy or its retry included)."""
    deadline = time.monotonic() + timeout
    while True:
        inspect = control.inspect(timeout=0.5)
        busy = [tasks for found in (inspect.active(), inspect.reserved(), inspect.scheduled())
                for tasks in (found or {}).values() if tasks]
        if not busy:
            return
        assert time.monotonic() < deadline, busy
        time.sleep(0.2)


def _finish(client, job_id, timeout=120):
    """Poll GET /jobs/{id} until the job ends; returns every distinct (state, stage, progress) seen and the job."""
    seen = []
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/jobs/{job_id}").json()
        if not seen or seen[-1] != (job["state"], job["stage"], job["progress"]):
            seen.append((job["state"], job["stage"], job["progress"]))
        if job["state"] in ("succeeded", "failed", "cancelled"):
            return seen, job
        assert time.monotonic() < deadline, seen[-3:]
        time.sleep(0.1)


def test_workers_render_a_job_in_segments_that_equal_the_local_renders(settings, workers, tmp_path):
    body = {"text": "Snow falls on the mountains. The valley sleeps.", "is_custom": True, "quality": "speed",
            "duration": 5, "seed": 5, "camera_movement": "slow_zoom_in"}
    with TestClient(create_app(settings)) as client:
        job_id = client.post("/jobs", json=body).json()["id"]
        seen, job = _finish(client, job_id)
        assert job["state"] == "succeeded", job["error"]
        assert client.get(f"/videos/{job_id}.mp4").status_code == 200
        assert client.get(job["subtitles"]["vtt"]).text.startswith("WEBVTT")
    states = [state for state, _, _ in seen]
    assert states[-1] == "succeeded" and "running" in states
    frames = [progress for state, stage, progress in seen if stage == "frames"]
    assert len(frames) >= 3 and 0.15 <= frames[0] < frames[-1] <= 0.97  # progress flows back from the workers
    assert [p for _, _, p in seen] == sorted(p for _, _, p in seen)
    assert job["timings"].keys() >= {"script", "voice", "frames", "encode"}

    video = settings.videos_dir / f"{job_id}.mp4"
    info = probe(video)
    assert (info["codec"], info["width"], info["height"], info["fps"], info["audio_codec"]) == \
        ("h264", 720, 1280, 15.0, "aac")
    assert info["frames"] == 75 and info["duration"] == pytest.approx(5.0, abs=0.07)
    assert (settings.videos_dir / f"{job_id}.jpg").stat().st_size > 5000
    assert not [p for p in settings.videos_dir.iterdir() if p.name.startswith(".")]
    assert not (settings.segments_dir / job_id).exists()  # the segments are gone once joined

    request = VideoRequest(**body)
    local = render(request, tmp_path / "local.mp4", write_frames=LocalSegments(3, SEGMENT_SECONDS))
    single = render(request, tmp_path / "single.mp4")
    distributed, by_processes, by_one = decode_yuv(video), decode_yuv(local.output), decode_yuv(single.output)
    assert all(np.array_equal(a, b) for a, b in zip(distributed, by_processes))  # one cut, one picture, anywhere
    assert all(np.array_equal(a, b) for a, b in zip(distributed[:30], by_one[:30]))
    assert min(psnr(a, b) for a, b in zip(distributed[30:], by_one[30:])) >= MIN_PSNR_DB
    assert np.array_equal(decode_audio(video), decode_audio(single.output))


def test_workers_make_previews_and_the_exports_a_request_asks_for(settings, workers):
    body = {"text": "Snow falls on the mountains. The valley sleeps.", "is_custom": True, "quality": "speed",
            "duration": 3, "seed": 5}
    with TestClient(create_app(settings)) as client:
        # a 3 s draft's frames take 0.1 s, less than the server's 0.25 s look at the workers' boards: 10 s
        preview_id = client.post("/previews", json={**body, "text": "snow on the mountains", "is_custom": False,
                                                    "duration": 10, "exports": ["gif"]}).json()["id"]
        render_id = client.post("/jobs", json={**body, "exports": ["webm"]}).json()["id"]
        seen, preview = _finish(client, preview_id)
        _, render = _finish(client, render_id)
    assert preview["state"] == "succeeded", preview["error"]
    assert render["state"] == "succeeded", render["error"]
    assert "used the offline writer" in preview["warnings"][0] and render["warnings"] == []  # from the workers
    frames = [progress for state, stage, progress in seen if stage == "frames"]
    assert frames and 0.15 <= frames[0] <= frames[-1] <= 0.97  # the preview's own frame reports
    assert [p for _, _, p in seen] == sorted(p for _, _, p in seen)

    draft, sheet = settings.videos_dir / f"{preview_id}.mp4", settings.videos_dir / f"{preview_id}.storyboard.png"
    info = probe(draft)
    assert (info["width"], info["height"], info["fps"]) == (270, 480, 12.0) and sheet.stat().st_size > 10_000
    assert preview["storyboard_url"].endswith(sheet.name) and preview["exports"]["gif"].endswith(f"{preview_id}.gif")
    gif = probe(settings.videos_dir / f"{preview_id}.gif")
    assert gif["codec"] == "gif" and gif["frames"] == round(info["frames"] / 12 * 10)

    video, webm = probe(settings.videos_dir / f"{render_id}.mp4"), probe(settings.videos_dir / f"{render_id}.webm")
    assert (webm["codec"], webm["audio_codec"], webm["frames"]) == ("vp9", "opus", video["frames"])
    assert render["exports"] == {"webm": f"http://testserver/videos/{render_id}.webm"} and "export" in render["timings"]

    # Each task ran once, though Redis re-delivered the longer ones while they ran: once the workers are idle, no
    # copy has written a file again, nor left a temporary one behind.
    written = {path.name: (path.stat().st_ino, path.stat().st_mtime_ns) for path in settings.videos_dir.iterdir()}
    _wait_until_idle(configure(settings).control)
    assert {path.name: (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in settings.videos_dir.iterdir()} == written
    assert not [name for name in written if name.startswith(".")]


def test_a_worker_killed_mid_job_does_not_lose_the_job_nor_does_a_server_restart(settings, workers):
    body = {"text": "Rain falls over the dark city. The streets shine.", "is_custom": True, "quality": "speed",
            "duration": 8, "seed": 9}
    control = configure(settings).control
    killed = []

    def kill_a_worker_inside_a_segment(job):
        if job["stage"] != "frames":
            return
        for name, tasks in (control.inspect(timeout=0.5).active() or {}).items():
            if any(task["name"] == "reelforge.segment" for task in tasks) and name in workers:
                os.killpg(workers[name].pid, signal.SIGKILL)  # the worker and its pool process, at once
                killed.append(name)
                return

    with TestClient(create_app(settings)) as client:
        job_id = client.post("/jobs", json=body).json()["id"]
        deadline = time.monotonic() + 60
        while not killed:
            assert time.monotonic() < deadline, "no worker was caught inside a segment"
            kill_a_worker_inside_a_segment(client.get(f"/jobs/{job_id}").json())
            time.sleep(0.1)
    with TestClient(create_app(settings)) as client:  # a new server follows the job the first one submitted
        _, job = _finish(client, job_id)
    assert workers[killed[0]].wait(5) == -signal.SIGKILL
    assert job["state"] == "succeeded", job["error"]
    assert job["attempts"] == 1  # re-delivered by the broker, not re-run from the start by the server
    info = probe(settings.videos_dir / f"{job_id}.mp4")
    assert info["frames"] == 120 and info["duration"] == pytest.approx(8.0, abs=0.07)


def test_cancel_stops_the_workers_and_leaves_no_file(settings, workers):
    body = {"text": "Waves roll onto the quiet shore at dawn.", "is_custom": True, "quality": "speed",
            "duration": 30, "seed": 2}  # long enough never to finish before the cancel
    control = configure(settings).control
    with TestClient(create_app(settings)) as client:
        job_id = client.post("/jobs", json=body).json()["id"]
        deadline = time.monotonic() + 60
        while client.get(f"/jobs/{job_id}").json()["stage"] != "frames":
            assert time.monotonic() < deadline, "the job never reached its frames"
            time.sleep(0.1)
        assert client.delete(f"/jobs/{job_id}").status_code == 200
        _, job = _finish(client, job_id, timeout=5)
    assert job["state"] == "cancelled"
    deadline = time.monotonic() + 5  # the workers stop at their next frame report and clean up
    while any(tasks for tasks in (control.inspect(timeout=0.5).active() or {}).values()):
        assert time.monotonic() < deadline, "a worker is still rendering the cancelled job"
    leftovers = [p.name for p in settings.videos_dir.iterdir() if job_id in p.name]
    assert leftovers == [] and not (settings.segments_dir / job_id).exists()


def test_a_lease_is_held_while_its_task_runs_and_lapses_when_its_worker_is_gone(settings, monkeypatch):
    monkeypatch.setattr(distributed, "LEASE_S", 0.6)
    board = JobBoard(settings.broker_url)
    held = board.lease("job", "segment:0")
    assert held.acquire(blocking=False)
    with distributed._holding(held):  # renewed past its life while the task runs
        time.sleep(1.5)
        assert not board.lease("job", "segment:0").acquire(blocking=False)
    assert board.lease("job", "segment:0").acquire(blocking=False)  # released when it ends

    abandoned = board.lease("job", "segment:1")  # its worker died: nothing renews it
    assert abandoned.acquire(blocking=False)
    time.sleep(0.8)
    assert board.lease("job", "segment:1").acquire(blocking=False)


def test_worker_without_a_broker_is_a_one_line_error(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "REELFORGE_BROKER_URL"}
    done = subprocess.run([sys.executable, "-m", "reelforge.cli", "worker", "--data-dir", str(tmp_path)], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "REELFORGE_BROKER_URL" in done.stderr and "Traceback" not in done.stderr
