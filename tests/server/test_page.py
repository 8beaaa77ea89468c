"""The web page end to end in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

A real `reelforge serve` process with an API key: the page loads without one, the user types it, fills the
form, renders, watches the progress bar move (SSE), and plays the result.
"""

import io
from pathlib import Path

import httpx
import pytest
from PIL import Image
from playwright.sync_api import sync_playwright
from skimage import data as skdata

from conftest import free_port, probe, start_server
from reelforge.request import Style, VideoRequest

CHROMIUM = Path("/usr/bin/chromium")
KEY = "studio-key"
PLAYING = "() => { const v = document.querySelector('#player'); return !v.hidden && v.readyState >= 2 }"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (.ci/run installs it)")]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    process = start_server(tmp_path_factory.mktemp("data"), port, api_key=KEY, max_duration="30",
                           max_upload_mb="1", llm_base_url="http://127.0.0.1:9/v1",  # a failing LLM: nothing
                           llm_fallback="1")  # listens there, so a topic is written offline, with a warning
    yield f"http://127.0.0.1:{port}"
    process.kill()
    process.wait()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def _open_with_key(page, server):
    page.add_init_script(f"localStorage.setItem('reelforge.apiKey', '{KEY}')")
    page.goto(server)
    page.wait_for_selector("select[name=camera_movement] option", state="attached")


def test_render_from_the_page_and_play_the_result(page, server, tmp_path):
    event_streams = []
    page.on("request", lambda request: "/events" in request.url and event_streams.append(request.url))
    page.goto(server)
    page.wait_for_selector("select[name=camera_movement] option", state="attached")  # built from the OpenAPI schema
    assert page.is_visible("#api-key-box")  # the page itself needs no key; the server's routes do
    page.fill("#api-key", KEY)
    page.press("#api-key", "Tab")

    for name in ("text", "is_custom", "video_type", "style", "character_type", "emotion", "quality",
                 "camera_movement", "duration"):  # every field of SPEC.md's request
        assert page.locator(f"[name={name}]").count() >= 1, name
    assert page.eval_on_selector_all("input[name=style]", "nodes => nodes.map(n => n.value)") == \
        [style.value for style in Style]
    assert page.locator("input[name=quality][value=ultra]").is_disabled()  # past this server's max_quality
    assert page.get_attribute("input[name=duration][type=number]", "max") == "30"
    assert page.inner_text(".field[data-field=style] .help") == VideoRequest.model_fields["style"].description

    page.fill("textarea[name=text]", "Waves roll onto a quiet beach at sunset.")
    page.check("#f-is_custom")
    page.check("input[name=quality][value=speed]")
    page.check("input[name=style][value=noir]")
    page.select_option("select[name=camera_movement]", "slow_zoom_in")
    page.fill("input[name=duration][type=number]", "2.5")
    page.fill("input[name=seed]", "4")
    page.click("#render")

    progress, stages = [], []
    for _ in range(1200):  # up to 60 s
        progress.append(int(page.get_attribute("#progress", "aria-valuenow") or 0))
        stages.append(page.inner_text("#stage"))
        if page.evaluate(PLAYING):
            break
        page.wait_for_timeout(50)
    else:
        raise AssertionError(f"the video never loaded; progress {progress[-5:]}, stages {stages[-3:]}")
    assert sorted(set(progress))[1:-1], f"the bar never moved between 0 and 100: {sorted(set(progress))}"
    assert progress == sorted(progress)
    assert "Rendering frames" in stages and page.inner_text("#stage") == "Ready"
    assert event_streams, "progress did not come from the SSE stream"

    job_id = page.get_attribute("#player", "data-job-id")
    assert event_streams[0].endswith(f"/jobs/{job_id}/events")
    duration = page.evaluate("document.querySelector('#player').duration")
    video = httpx.get(f"{server}/videos/{job_id}.mp4", headers={"X-API-Key": KEY})
    saved = tmp_path / "played.mp4"
    saved.write_bytes(video.content)
    info = probe(saved)
    assert (info["width"], info["height"], info["fps"]) == (720, 1280, 15)
    assert info["duration"] >= 2.45 and abs(duration - info["duration"]) < 0.1, (duration, info["duration"])

    links = {name: page.get_attribute(f"#download-{name}", "href") for name in ("mp4", "srt", "vtt", "poster")}
    assert [Path(url).suffix for url in links.values()] == [".mp4", ".srt", ".vtt", ".jpg"]
    for url in links.values():
        assert httpx.get(url, headers={"X-API-Key": KEY}).status_code == 200
    assert page.text_content("#script") == "Waves roll onto a quiet beach at sunset."

    card = page.locator(f".card[data-id='{job_id}']")
    card.wait_for()
    assert card.get_attribute("data-state") == "succeeded" and card.locator(".badge").inner_text() == "READY"
    page.wait_for_function(f"document.querySelector(\".card[data-id='{job_id}'] img\").naturalWidth > 0")


def test_preview_from_the_page_shows_the_storyboard_and_plays_the_draft_with_its_exports(page, server, tmp_path):
    _open_with_key(page, server)
    assert page.eval_on_selector_all("input[name=exports]", "nodes => nodes.map(n => n.value)") == ["webm", "gif"]
    page.fill("textarea[name=text]", "The sun rises over the quiet mountains. A storm rolls across the dark city.")
    page.check("#f-is_custom")
    page.fill("input[name=duration][type=number]", "3")
    page.check("input[name=exports][value=webm]")
    page.check("input[name=exports][value=gif]")
    page.click("#preview")

    page.wait_for_function("document.querySelector('#storyboard').naturalWidth > 0", timeout=60_000)
    page.wait_for_function(PLAYING)
    job_id = page.get_attribute("#player", "data-job-id")
    job = httpx.get(f"{server}/jobs/{job_id}", headers={"X-API-Key": KEY}).json()
    assert job["kind"] == "preview" and page.get_attribute("#storyboard", "src") == job["storyboard_url"]
    size = page.evaluate("[document.querySelector('#player').videoWidth, document.querySelector('#player').videoHeight]")
    assert size == [270, 480]  # the draft plays
    sheet = Image.open(io.BytesIO(httpx.get(job["storyboard_url"], headers={"X-API-Key": KEY}).content))
    assert page.evaluate("document.querySelector('#storyboard').naturalWidth") == sheet.width

    links = {name: page.get_attribute(f"#download-{name}", "href") for name in ("mp4", "webm", "gif", "storyboard")}
    assert links == {"mp4": job["video_url"], "webm": job["exports"]["webm"], "gif": job["exports"]["gif"],
                     "storyboard": job["storyboard_url"]}
    assert page.is_hidden("#download-poster") and page.is_hidden("#download-srt")
    assert page.is_hidden("#job-warnings")  # the user's own text: nothing to warn about
    for name, kind in (("webm", "video/webm"), ("gif", "image/gif")):
        response = httpx.get(links[name], headers={"X-API-Key": KEY})
        assert response.status_code == 200 and response.headers["content-type"] == kind
        saved = tmp_path / f"draft.{name}"
        saved.write_bytes(response.content)
        assert probe(saved)["codec"] == ("vp9" if name == "webm" else "gif")
    card = page.locator(f".card[data-id='{job_id}']")
    card.wait_for()
    assert card.get_attribute("data-kind") == "preview" and card.locator(".kind-tag").inner_text() == "PREVIEW"


def test_a_jobs_warnings_show_in_the_page(page, server):
    _open_with_key(page, server)
    page.fill("textarea[name=text]", "the deep ocean")  # a topic: the failing LLM's script is written offline
    page.fill("input[name=duration][type=number]", "3")
    page.click("#preview")
    page.wait_for_function(PLAYING, timeout=60_000)
    warning = page.locator("#job-warnings")
    assert warning.is_visible() and "used the offline writer" in warning.inner_text()


def test_a_bad_upload_shows_the_servers_message(page, server, tmp_path):
    _open_with_key(page, server)
    fake = tmp_path / "photo.png"
    fake.write_text("this is a text file, not a photo\n" * 10)
    expected = httpx.post(f"{server}/uploads", headers={"X-API-Key": KEY}, data={"kind": "background"},
                          files={"file": ("photo.png", fake.read_bytes(), "image/png")}).json()["detail"]["message"]
    page.set_input_files("input[name=background_image]", str(fake))
    error = page.locator(".upload[data-field=background_image] .upload-error")
    error.wait_for()
    assert error.inner_text() == expected == "file: not a PNG, JPEG or WebP image"

    photo = tmp_path / "astronaut.jpg"
    Image.fromarray(skdata.astronaut()).save(photo)
    page.set_input_files("input[name=background_image]", str(photo))
    info = page.locator(".upload[data-field=background_image] .upload-info")
    info.wait_for()
    assert info.inner_text().startswith("✓ 512×512 JPG")

    big = tmp_path / "big.png"
    buffer = io.BytesIO()
    Image.frombytes("RGB", (800, 800), bytes(range(256)) * 7500).save(buffer, format="PNG", compress_level=0)
    big.write_bytes(buffer.getvalue())
    page.set_input_files("input[name=background_image]", str(big))
    error = page.locator(".upload[data-field=background_image] .upload-error")
    error.wait_for()
    assert "1 MB" in error.inner_text()


def test_a_refused_request_names_the_field_in_the_page(page, server):
    _open_with_key(page, server)
    page.fill("textarea[name=text]", "Too long for this server.")
    page.fill("input[name=duration][type=number]", "45")
    page.click("#render")
    banner = page.locator("#form-error")
    banner.wait_for()
    assert banner.inner_text() == "duration: at most 30 s on this server"
    assert page.locator(".field[data-field=duration].invalid .field-error").inner_text() == banner.inner_text()
