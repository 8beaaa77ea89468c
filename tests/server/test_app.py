import json
import time

import pytest
from fastapi.testclient import TestClient

from conftest import probe, wait_for_job
from reelforge.server.app import create_app
from reelforge.server.settings import Settings

SHORT = {"text": "Rain on a quiet city street.", "is_custom": True, "quality": "speed", "duration": 1.5, "seed": 3}


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(Settings(data_dir=tmp_path, max_duration=30))) as client:
        yield client


def test_generate_answers_script_and_a_playable_video_url_with_range(client, tmp_path):
    response = client.post("/generate-advanced-video", json=SHORT)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"script", "video_url"} and body["script"] == SHORT["text"]  # no warnings for it
    assert body["video_url"].startswith("http://testserver/videos/") and body["video_url"].endswith(".mp4")
    path = body["video_url"].removeprefix("http://testserver")
    video = client.get(path)
    assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
    saved = tmp_path / "copy.mp4"
    saved.write_bytes(video.content)
    info = probe(saved)
    assert (info["codec"], info["audio_codec"], info["width"], info["height"]) == ("h264", "aac", 720, 1280)
    assert info["duration"] >= 1.45  # the requested length, or longer when the narration needs it
    part = client.get(path, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100
    assert part.headers["content-range"] == f"bytes 0-99/{len(video.content)}"
    assert client.get(path.replace(".mp4", ".srt")).text.startswith("1\n")


@pytest.mark.parametrize(("change", "field"), [
    ({"style": "sepia"}, "style"),
    ({"text": ""}, "text"),
    ({"duration": 45}, "duration"),
    ({"quality": "ultra"}, "quality"),
    ({"video_type": "puppet"}, "video_type"),
    ({"background_image": "/etc/passwd"}, "background_image"),
    ({"music_file": "/etc/passwd"}, "music_file"),
    ({"colour": "red"}, "colour"),
])
def test_bad_requests_get_422_naming_the_field(client, change, field):
    body = {**SHORT, **change}
    if change.get("text") == "":
        body["text"] = ""
    for route in ("/jobs", "/previews", "/generate-advanced-video"):
        response = client.post(route, json=body)
        assert response.status_code == 422, response.text
        assert response.json()["detail"]["field"] == field
        assert response.json()["detail"]["message"].startswith(f"{field}:")
    assert client.get("/jobs").json()["total"] == 0  # nothing was queued


def test_missing_text_and_broken_json_are_422(client):
    assert client.post("/jobs", json={"style": "noir"}).json()["detail"]["field"] == "text"
    broken = client.post("/jobs", content=b"{not json", headers={"content-type": "application/json"})
    assert broken.status_code == 422


def test_job_progress_streams_until_the_end(client):
    response = client.post("/jobs", json=SHORT)
    assert response.status_code == 202
    job_id = response.json()["id"]
    events = []
    with client.stream("GET", f"/jobs/{job_id}/events") as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                kind = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                events.append((kind, json.loads(line[5:])))
    assert events[-1][0] == "end" and events[-1][1]["state"] == "succeeded"
    progress = [data["progress"] for kind, data in events]
    assert progress == sorted(progress) and len({data["stage"] for _, data in events}) >= 2
    assert events[-1][1]["video_url"].endswith(f"{job_id}.mp4")
    listed = client.get("/jobs").json()
    assert listed["total"] == 1 and listed["jobs"][0]["id"] == job_id


def test_cancel_stops_a_running_render_and_leaves_no_file(client, tmp_path):
    job_id = client.post("/jobs", json={**SHORT, "duration": 25}).json()["id"]
    job = wait_for_job(client, job_id, {"running"})
    while job["stage"] != "frames":
        job = client.get(f"/jobs/{job_id}").json()
        time.sleep(0.05)
    asked = time.monotonic()
    assert client.delete(f"/jobs/{job_id}").status_code == 200
    job = wait_for_job(client, job_id, {"cancelled", "succeeded", "failed"}, timeout=10)
    assert job["state"] == "cancelled" and time.monotonic() - asked < 3.0
    time.sleep(0.3)
    assert not [p for p in (tmp_path / "videos").iterdir() if job_id in p.name]


def test_unknown_jobs_and_paths_outside_the_videos_are_404(client):
    assert client.get("/jobs/nope").status_code == 404
    assert client.delete("/jobs/nope").status_code == 404
    assert client.get("/videos/..%2Fjobs.sqlite3").status_code == 404
    assert client.get("/videos/" + "a" * 32 + ".mp4").status_code == 404


def test_api_key_guards_every_route_but_health(tmp_path):
    with TestClient(create_app(Settings(data_dir=tmp_path, api_key="s3cret"), start_executor=False)) as client:
        assert client.get("/health").status_code == 200
        assert client.post("/jobs", json=SHORT).status_code == 401
        assert client.get("/jobs").status_code == 401
        ok = client.post("/jobs", json=SHORT, headers={"X-API-Key": "s3cret"})
        assert ok.status_code == 202
        assert client.get(f"/jobs/{ok.json()['id']}", headers={"X-API-Key": "s3cret"}).status_code == 200


def test_queue_limit_per_key_is_429(tmp_path):
    settings = Settings(data_dir=tmp_path, max_queued_per_key=2)
    with TestClient(create_app(settings, start_executor=False)) as client:
        assert [client.post("/jobs", json=SHORT).status_code for _ in range(3)] == [202, 202, 429]


def test_a_jobs_warnings_reach_the_api(tmp_path, monkeypatch):
    monkeypatch.setenv("REELFORGE_LLM_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens: the LLM fails
    monkeypatch.setenv("REELFORGE_LLM_FALLBACK", "1")
    with TestClient(create_app(Settings(data_dir=tmp_path, max_duration=30))) as client:
        body = client.post("/generate-advanced-video", json={"text": "the sea", "quality": "speed",
                                                             "duration": 2}).json()
        assert body["warnings"] and "used the offline writer" in body["warnings"][0]
        job = client.get("/jobs").json()["jobs"][0]
        assert job["state"] == "succeeded" and job["warnings"] == body["warnings"]
