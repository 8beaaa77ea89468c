"""Previews and exports over the HTTP API: POST /previews is a job that makes a draft and a storyboard; a
request's ``exports`` add WebM (VP9 + Opus) and GIF files beside the MP4, linked from the job view."""

import io
import json

import av
import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from conftest import decode_frames, probe, wait_for_job
from reelforge.pipeline import prepare
from reelforge.presets import draft_preset
from reelforge.preview import GAP
from reelforge.request import VideoRequest
from reelforge.server.app import create_app
from reelforge.server.settings import Settings
from test_preview import TEXT, _tile_columns

BODY = {"text": TEXT, "is_custom": True, "quality": "speed", "duration": 3, "seed": 4}


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(Settings(data_dir=tmp_path, max_duration=30))) as client:
        yield client


def _download(client, url: str, path) -> tuple[str, object]:
    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200, url
    path.write_bytes(response.content)
    return response.headers["content-type"], path


def test_a_preview_job_makes_a_draft_and_a_storyboard_with_one_tile_per_scene(client, tmp_path):
    response = client.post("/previews", json=BODY)
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]
    assert response.json()["kind"] == "preview"
    with client.stream("GET", f"/jobs/{job_id}/events") as stream:
        events = [json.loads(line[5:]) for line in stream.iter_lines() if line.startswith("data:")]
    job = events[-1]
    assert job["state"] == "succeeded", job["error"]
    progress = [event["progress"] for event in events]
    assert progress == sorted(progress) and "frames" in {event["stage"] for event in events}
    assert job["video_url"].endswith(f"{job_id}.mp4") and job["storyboard_url"].endswith(f"{job_id}.storyboard.png")
    assert job["poster_url"] is None and job["exports"] is None and job["script"] == BODY["text"]
    assert [listed["kind"] for listed in client.get("/jobs").json()["jobs"]] == ["preview"]

    kind, draft = _download(client, job["video_url"], tmp_path / "draft.mp4")
    info = probe(draft)
    assert kind == "video/mp4" and (info["codec"], info["audio_codec"]) == ("h264", "aac")
    assert (info["width"], info["height"], info["fps"]) == (270, 480, 12.0)  # the draft preset, not "speed"
    assert info["duration"] >= 2.9

    kind, sheet_path = _download(client, job["storyboard_url"], tmp_path / "sheet.png")
    sheet = Image.open(sheet_path)
    assert kind == "image/png" and sheet.format == "PNG"
    plan = prepare(VideoRequest(**BODY), preset=draft_preset())
    assert len(plan.scenes) >= 2
    runs = _tile_columns(np.asarray(sheet.convert("RGB")), GAP + 240)  # across the middle of the first row
    assert len(runs) == len(plan.scenes) and all(end - start == 270 for start, end in runs)


def test_exports_are_written_beside_the_video_and_linked_from_the_job(client, tmp_path):
    body = {**BODY, "text": "Rain on a quiet city street.", "duration": 2, "exports": ["webm", "gif", "webm"]}
    job_id = client.post("/jobs", json=body).json()["id"]
    job = wait_for_job(client, job_id, {"succeeded", "failed"}, timeout=180)
    assert job["state"] == "succeeded", job["error"]
    assert job["kind"] == "render" and job["storyboard_url"] is None
    assert set(job["exports"]) == {"webm", "gif"} and "export" in job["timings"]
    _, mp4 = _download(client, job["video_url"], tmp_path / "video.mp4")
    video = probe(mp4)

    kind, webm = _download(client, job["exports"]["webm"], tmp_path / "video.webm")
    info = probe(webm)
    assert kind == "video/webm" and (info["codec"], info["audio_codec"]) == ("vp9", "opus")
    assert (info["width"], info["height"], info["fps"]) == (720, 1280, 15.0)
    assert info["frames"] == video["frames"] and info["duration"] == pytest.approx(video["duration"], abs=0.07)
    with av.open(str(webm)) as container:
        assert container.format.name.startswith("matroska,webm")
    first, last = decode_frames(mp4)[::video["frames"] - 1]
    webm_first, webm_last = decode_frames(webm)[::info["frames"] - 1]
    assert np.abs(webm_first.astype(int) - first).mean() < 6 and np.abs(webm_last.astype(int) - last).mean() < 6

    kind, gif = _download(client, job["exports"]["gif"], tmp_path / "video.gif")
    info = probe(gif)
    assert kind == "image/gif" and info["codec"] == "gif"
    assert (info["width"], info["height"]) == (270, 480)  # at most 480 pixels a side
    assert info["frames"] == round(video["duration"] * 10)  # 10 frames a second, for the whole video
    with Image.open(gif) as image:
        delays = []
        for index in range(image.n_frames):
            image.seek(index)
            delays.append(image.info["duration"])
    assert sum(delays) / 1000 == pytest.approx(video["duration"], abs=0.1)
    shrunk = np.asarray(Image.fromarray(first).resize((270, 480), Image.Resampling.BOX), dtype=int)
    assert np.abs(decode_frames(gif)[0].astype(int) - shrunk).mean() < 12  # the same picture, in 256 colours


@pytest.mark.parametrize(("exports", "message"), [
    (["mov"], "exports: got 'mov'; allowed: webm, gif"),
    (["gif", 3], "exports: got 3; allowed: webm, gif"),
    ("gif", "exports: Input should be a valid list"),
])
def test_bad_exports_are_422_naming_the_field(tmp_path, exports, message):
    with TestClient(create_app(Settings(data_dir=tmp_path), start_executor=False)) as client:
        for route in ("/jobs", "/previews"):
            response = client.post(route, json={**BODY, "exports": exports})
            assert response.status_code == 422, response.text
            assert response.json()["detail"] == {"field": "exports", "message": message}
        assert client.get("/jobs").json()["total"] == 0


def test_storyboards_and_exports_are_served_but_nothing_else(tmp_path):
    with TestClient(create_app(Settings(data_dir=tmp_path), start_executor=False)) as client:
        name = "a" * 32
        videos = tmp_path / "videos"
        videos.mkdir(exist_ok=True)
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8)).save(buffer, format="PNG")
        (videos / f"{name}.storyboard.png").write_bytes(buffer.getvalue())
        (videos / f"{name}.png").write_bytes(buffer.getvalue())
        assert client.get(f"/videos/{name}.storyboard.png").headers["content-type"] == "image/png"
        assert client.get(f"/videos/{name}.png").status_code == 404
        assert client.get(f"/videos/{name}.webm").status_code == 404  # not there
