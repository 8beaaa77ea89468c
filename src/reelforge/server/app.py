"""The FastAPI app: the seed-compatible endpoint, durable async jobs with live progress, uploads, the videos
and the web page."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from reelforge.errors import RequestError
from reelforge.jobs.local import LocalExecutor, remove_outputs
from reelforge.jobs.store import PREVIEW, RENDER, SUCCEEDED, Job, JobStore
from reelforge.preview import storyboard_path
from reelforge.request import VideoRequest, describe_validation_error
from reelforge.server.settings import QUALITY_ORDER, Settings
from reelforge.server.uploads import (FORM_SCHEMA, UploadRejected, UploadStore, UploadView, http_request_model,
                                      receive_upload, resolve_uploads)

VIDEO_NAME = re.compile(r"^[0-9a-f]{32}\.(mp4|srt|vtt|jpg|webm|gif|storyboard\.png)$")
EVENT_POLL_S = 0.25
STATIC_DIR = Path(__file__).parent / "static"
KEY_COOKIE = "reelforge_api_key"  # the web page's copy of X-API-Key, sent by <video> and EventSource too
HttpVideoRequest = http_request_model()


class GenerateResponse(BaseModel):
    script: str
    video_url: str
    warnings: list[str] | None = None  # what the user should know about the video (left out when nothing)


class JobView(BaseModel):
    id: str
    kind: Literal["render", "preview"]
    state: str
    progress: float
    stage: str
    script: str | None = None
    video_url: str | None = None  # a preview's: its low-resolution draft
    subtitles: dict[str, str] | None = None
    poster_url: str | None = None
    storyboard_url: str | None = None  # previews: the contact sheet PNG, one still per scene with its caption text
    exports: dict[str, str] | None = None  # the request's extra formats: {"webm": url, "gif": url}
    error: str | None = None
    timings: dict[str, float] | None = None
    emotion: str | None = None
    emotion_reason: str | None = None
    warnings: list[str] = []  # a finished job's: what the user should know about its video
    attempts: int
    created: float
    updated: float


class JobPage(BaseModel):
    jobs: list[JobView]
    total: int
    offset: int
    limit: int


def _error(status: int, field: str, message: str) -> HTTPException:
    return HTTPException(status, detail={"field": field, "message": f"{field}: {message}"})


def check_limits(request: VideoRequest, settings: Settings) -> None:
    """What the service refuses beyond the request's own validation (422 naming the field)."""
    if request.duration > settings.max_duration:
        raise _error(422, "duration", f"at most {settings.max_duration:g} s on this server")
    if sum(scene.duration or 0.0 for scene in request.scenes or []) > settings.max_duration:
        raise _error(422, "scenes", f"the scenes' durations add up to more than {settings.max_duration:g} s, "
                                    "the most this server renders")
    if QUALITY_ORDER.index(request.quality) > QUALITY_ORDER.index(settings.max_quality):
        raise _error(422, "quality", f"at most {settings.max_quality.value!r} on this server")
    if request.voice_model is not None:
        raise _error(422, "voice_model", "server paths are not accepted over HTTP")


def create_app(settings: Settings | None = None, start_executor: bool = True) -> FastAPI:
    """The service app; its executor starts with the app and stops with it."""
    settings = settings or Settings()
    store = JobStore(settings.database)
    if settings.broker_url:
        from reelforge.jobs.distributed import CeleryExecutor  # needs the [distributed] extra

        executor = CeleryExecutor(store, settings)
    else:
        executor = LocalExecutor(store, settings.videos_dir, settings.workers,
                                 segment_processes=settings.segment_processes, segment_seconds=settings.segment_seconds)
    uploads = UploadStore(settings.uploads_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if start_executor:
            executor.start()
        cleanup = asyncio.create_task(_clean_expired_forever())
        yield
        cleanup.cancel()
        if start_executor:
            executor.stop()

    app = FastAPI(title="reelforge", version="0.1.0", lifespan=lifespan,
                  description="Text to finished short videos, offline: narration, scenes, style, camera, captions.")
    app.state.settings, app.state.store, app.state.executor = settings, store, executor
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    async def _clean_expired_forever() -> None:
        while True:
            before = time.time() - settings.retention_hours * 3600
            for job in store.expired(before):
                remove_outputs(settings.videos_dir, job.id)
                store.delete(job.id)
            uploads.remove_expired(before)
            await asyncio.sleep(600)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        described = describe_validation_error(list(error.errors()), skip=("body",))
        return JSONResponse(status_code=422, content={"detail": {"field": described.field, "message": str(described)},
                                                      "errors": json.loads(json.dumps(error.errors(), default=str))})

    @app.exception_handler(RequestError)
    async def request_error(request: Request, error: RequestError) -> JSONResponse:
        status = error.status if isinstance(error, UploadRejected) else 422
        return JSONResponse(status_code=status, content={"detail": {"field": error.field, "message": str(error)}})

    def owner(request: Request) -> str:
        """The caller's API key ('' when the server has none); 401 when a key is required and wrong.

        The key comes in the X-API-Key header, or in the web page's cookie (which media and SSE requests carry).
        """
        if settings.api_key is None:
            return ""
        given = request.headers.get("x-api-key") or request.cookies.get(KEY_COOKIE, "")
        if not secrets.compare_digest(given.encode(), settings.api_key.encode()):
            raise HTTPException(401, detail={"field": "X-API-Key", "message": "X-API-Key: missing or wrong"})
        return given

    def base_url(request: Request) -> str:
        return (settings.public_url or str(request.base_url)).rstrip("/")

    def view(job: Job, request: Request) -> JobView:
        base = base_url(request)
        done = job.state == SUCCEEDED and job.video
        stem = job.video.rsplit(".", 1)[0] if done else ""
        formats = job.request.get("exports") if done else None
        return JobView(id=job.id, kind=job.kind, state=job.state, progress=job.progress, stage=job.stage,
                       script=job.script, video_url=f"{base}/videos/{job.video}" if done else None,
                       subtitles={"srt": f"{base}/videos/{stem}.srt", "vtt": f"{base}/videos/{stem}.vtt"}
                       if done and (settings.videos_dir / f"{stem}.srt").exists() else None,
                       poster_url=f"{base}/videos/{stem}.jpg" if done and job.kind == RENDER else None,
                       storyboard_url=f"{base}/videos/{storyboard_path(Path(job.video)).name}"
                       if done and job.kind == PREVIEW else None,
                       exports={format: f"{base}/videos/{stem}.{format}" for format in formats} if formats else None,
                       error=job.error, timings=job.timings, emotion=(job.emotion or {}).get("emotion"),
                       emotion_reason=(job.emotion or {}).get("reason"), warnings=job.warnings,
                       attempts=job.attempts, created=job.created,
                       updated=job.updated)

    def submit(body: BaseModel, key: str, kind: str = RENDER) -> Job:
        request = resolve_uploads(body, uploads, key)
        check_limits(request, settings)
        if store.count_waiting(key) >= settings.max_queued_per_key:
            raise HTTPException(429, detail={"field": "jobs", "message":
                                             f"jobs: at most {settings.max_queued_per_key} queued or running"})
        # only the fields the client set: a default (an emotion to detect, say) stays a default in the render
        return store.create(request.model_dump(mode="json", exclude_none=True, exclude_unset=True), key, kind)

    def job_or_404(job_id: str, key: str) -> Job:
        job = store.get(job_id)
        if job is None or (settings.api_key is not None and job.owner != key):
            raise HTTPException(404, detail={"field": "id", "message": f"id: no job {job_id!r}"})
        return job

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        """The web page (no key needed to load it; it sends the key the user types)."""
        return FileResponse(STATIC_DIR / "index.html")

    @app.get("/health")
    def health() -> dict[str, Any]:
        """Liveness, and the limits this server enforces (the web page sizes its form by them)."""
        return {"status": "ok", "workers": settings.workers, "api_key_required": settings.api_key is not None,
                "limits": {"max_duration": settings.max_duration, "max_quality": settings.max_quality.value,
                           "max_upload_mb": settings.max_upload_mb, "max_image_pixels": settings.max_image_pixels,
                           "max_audio_seconds": settings.max_audio_seconds}}

    @app.post("/generate-advanced-video", response_model=GenerateResponse, response_model_exclude_none=True)
    async def generate(body: HttpVideoRequest, request: Request, key: str = Depends(owner)) -> GenerateResponse:
        """Render synchronously (through the job queue) and answer with the script and the video's URL (and its
        warnings, if any)."""
        job = submit(body, key)
        deadline = time.monotonic() + settings.sync_timeout_s
        while not (job := store.get(job.id)).finished:
            if time.monotonic() > deadline:
                store.cancel(job.id)
                raise HTTPException(504, detail={"field": "duration", "message": "render took too long; cancelled"})
            await asyncio.sleep(EVENT_POLL_S)
        if job.state != SUCCEEDED:
            raise HTTPException(500, detail={"field": "render", "message": f"render {job.state}: {job.error}"})
        return GenerateResponse(script=job.script or "", video_url=f"{base_url(request)}/videos/{job.video}",
                                warnings=job.warnings or None)

    @app.post("/jobs", status_code=202, response_model=JobView)
    def create_job(body: HttpVideoRequest, request: Request, key: str = Depends(owner)) -> JobView:
        """Queue a render; poll GET /jobs/{id} or follow /jobs/{id}/events."""
        return view(submit(body, key), request)

    @app.post("/previews", status_code=202, response_model=JobView)
    def create_preview(body: HttpVideoRequest, request: Request, key: str = Depends(owner)) -> JobView:
        """Queue a preview of the same request as POST /jobs: in seconds, a low-resolution draft of the whole video
        (video_url) and a storyboard contact sheet (storyboard_url: a PNG, one still per scene with its caption
        text). It is a job like a render: poll GET /jobs/{id}, follow /jobs/{id}/events, cancel with DELETE."""
        return view(submit(body, key, PREVIEW), request)

    @app.post("/uploads", status_code=201, response_model=UploadView, openapi_extra=FORM_SCHEMA)
    async def upload(request: Request, key: str = Depends(owner)) -> UploadView:
        """Upload a portrait photo, a background image or a narration audio file (multipart: kind, file).

        Checked by content, not by name. Use the answer's id as the request's background_image, portrait_image
        or narration_audio. 413 past the size or pixel limit, 415 for a file of the wrong type, 422 for audio
        that is too long or a broken file.
        """
        return await receive_upload(request, uploads, key, max_bytes=settings.max_upload_bytes,
                                    max_pixels=settings.max_image_pixels,
                                    max_audio_seconds=settings.max_audio_seconds)

    @app.get("/jobs", response_model=JobPage)
    def list_jobs(request: Request, offset: int = Query(0, ge=0, le=2**62), limit: int = Query(20, ge=1, le=100),
                  key: str = Depends(owner)) -> JobPage:
        jobs, total = store.list(offset, limit, key if settings.api_key is not None else None)
        return JobPage(jobs=[view(job, request) for job in jobs], total=total, offset=offset, limit=limit)

    @app.get("/jobs/{job_id}", response_model=JobView)
    def get_job(job_id: str, request: Request, key: str = Depends(owner)) -> JobView:
        return view(job_or_404(job_id, key), request)

    @app.delete("/jobs/{job_id}", response_model=JobView)
    def cancel_job(job_id: str, request: Request, key: str = Depends(owner)) -> JobView:
        """Cancel: a queued job at once, a running render within a second or two (no partial file is left)."""
        job_or_404(job_id, key)
        return view(store.cancel(job_id), request)

    @app.get("/jobs/{job_id}/events")
    async def job_events(job_id: str, request: Request, key: str = Depends(owner)) -> StreamingResponse:
        """Server-Sent Events: one `progress` event per change, then an `end` event with the final state."""
        job_or_404(job_id, key)

        async def stream() -> AsyncIterator[str]:
            last = None
            while True:
                job = store.get(job_id)
                if job is None:
                    return
                data = view(job, request).model_dump_json()
                if data != last:
                    last = data
                    yield f"event: {'end' if job.finished else 'progress'}\ndata: {data}\n\n"
                if job.finished or await request.is_disconnected():
                    return
                await asyncio.sleep(EVENT_POLL_S)

        return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})

    @app.get("/videos/{name}")
    def video(name: str, key: str = Depends(owner)) -> FileResponse:
        """A rendered file: MP4 (with HTTP Range), SRT, VTT, poster JPEG, WebM, GIF, storyboard PNG."""
        path = settings.videos_dir / name
        if not VIDEO_NAME.match(name) or not path.is_file():
            raise HTTPException(404, detail={"field": "name", "message": f"name: no video {name!r}"})
        return FileResponse(path)

    return app
