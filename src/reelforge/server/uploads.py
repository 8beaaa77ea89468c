"""Uploads: a user's portrait photo, background image, narration, music or LUT, checked by content, kept by id.

``POST /uploads`` streams its multipart body to disk and counts the bytes as they arrive, so a body past the
limit is refused (413) before the rest of it is read. The file is then checked by decoding it, whatever its
name or declared type: Pillow for images (its decompression-bomb guard and the server's pixel limit apply
before any pixel is decoded), PyAV for audio (decoded to the end, so a header cannot lie about the length),
the LUT loader for .cube files.
A render request then names the upload by id in its field (``UPLOAD_FIELDS``); the server resolves the id to
the stored file before the request is validated.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import uuid
from enum import Enum
from pathlib import Path
from typing import Any

import av
from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, Field, create_model
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import Field as FormField
from python_multipart.multipart import File as FormFile
from python_multipart.multipart import FormParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from reelforge.errors import MediaError, RequestError
from reelforge.look.lut import load_cube
from reelforge.request import RequestBody, TimelineScene, VideoRequest, parse_request


class UploadKind(str, Enum):
    portrait = "portrait"
    background = "background"
    narration = "narration"
    music = "music"
    lut = "lut"


IMAGE_KINDS = (UploadKind.portrait, UploadKind.background)
AUDIO_KINDS = (UploadKind.narration, UploadKind.music)
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}  # what both Pillow and OpenCV decode
UPLOAD_FIELDS = {
    "background_image": UploadKind.background,
    "portrait_image": UploadKind.portrait,
    "narration_audio": UploadKind.narration,
    "music_file": UploadKind.music,
    "lut_file": UploadKind.lut,
}
UPLOAD_ID = r"^[0-9a-f]{32}$"
FORM_OVERHEAD = 64 * 1024  # boundaries, part headers and the kind field, beyond the file itself

FORM_SCHEMA = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["kind", "file"],
    "properties": {"kind": {"type": "string", "enum": [kind.value for kind in UploadKind]},
                   "file": {"type": "string", "format": "binary",
                            "description": "PNG, JPEG or WebP for portrait and background; any audio FFmpeg "
                                           "decodes (WAV, MP3, FLAC, Ogg, M4A...) for narration and music; "
                                           "a .cube 3D LUT for lut"}}}}}}}


class UploadRejected(RequestError):
    """An upload the server refuses, with the HTTP status that says why (413, 415 or 422)."""

    def __init__(self, status: int, field: str, message: str):
        super().__init__(field, message)
        self.status = status


class UploadView(BaseModel):
    id: str
    kind: UploadKind
    format: str
    size: int
    width: int | None = None
    height: int | None = None
    duration: float | None = None


def upload_fields(model: type[BaseModel]) -> dict[str, UploadKind]:
    """The fields of ``model`` that take an upload."""
    return {field: kind for field, kind in UPLOAD_FIELDS.items() if field in model.model_fields}


def _http_fields(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s fields for create_model, with an upload's id (a string) where the model takes a path."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        kind = UPLOAD_FIELDS.get(name)
        if kind is None:
            fields[name] = (info.annotation, info)
        else:
            fields[name] = (str | None, Field(None, pattern=UPLOAD_ID, json_schema_extra={"x-upload-kind": kind.value},
                                              description=f"{info.description or ''} Over HTTP: the id of a "
                                                          f"{kind.value} upload (POST /uploads).".strip()))
    return fields


def http_request_model() -> type[BaseModel]:
    """VideoRequest as HTTP clients send it: the same fields, but an upload's id where the CLI takes a path
    (in the request and in each timeline scene).

    It checks the JSON's shape and documents it (OpenAPI); ``resolve_uploads`` turns it into the VideoRequest.
    """
    scene = create_model("TimelineScene", __config__=TimelineScene.model_config, __doc__=TimelineScene.__doc__,
                         **_http_fields(TimelineScene))
    fields = _http_fields(VideoRequest)
    fields["scenes"] = (list[scene] | None, VideoRequest.model_fields["scenes"])
    return create_model("VideoRequest", __base__=RequestBody, __doc__=VideoRequest.__doc__, **fields)


class UploadStore:
    """Uploaded files under one folder, one sub-folder per API key, named ``<id>.<kind>.<ext>``."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.incoming = self.folder / ".incoming"
        self.incoming.mkdir(parents=True, exist_ok=True)

    def _owner_dir(self, owner: str) -> Path:
        return self.folder / hashlib.sha256(owner.encode()).hexdigest()[:16]

    def add(self, source: Path, kind: UploadKind, extension: str, owner: str) -> str:
        """Move a checked file into the store; returns its new id."""
        upload_id = uuid.uuid4().hex
        folder = self._owner_dir(owner)
        folder.mkdir(exist_ok=True)
        os.replace(source, folder / f"{upload_id}.{kind.value}.{extension}")
        return upload_id

    def path(self, upload_id: str, kind: UploadKind, owner: str, field: str) -> Path:
        """The stored file of an upload of this kind (422 naming ``field`` otherwise); its retention restarts."""
        found = list(self._owner_dir(owner).glob(f"{upload_id}.*")) if re.match(UPLOAD_ID, upload_id) else []
        if not found:
            raise UploadRejected(422, field, f"no upload {upload_id!r} (upload the file with POST /uploads first)")
        stored_kind = found[0].name.split(".")[1]
        if stored_kind != kind.value:
            raise UploadRejected(422, field, f"upload {upload_id!r} is a {stored_kind} file; this field takes a "
                                             f"{kind.value} upload")
        os.utime(found[0])
        return found[0].resolve()

    def remove_expired(self, before: float) -> None:
        """Delete uploads last used before ``before`` (epoch seconds), and abandoned partial ones."""
        for path in self.folder.glob("*/*"):
            if path.is_file() and path.stat().st_mtime < before:
                path.unlink(missing_ok=True)
        for scratch in self.incoming.iterdir():
            if scratch.stat().st_mtime < before:
                shutil.rmtree(scratch, ignore_errors=True)


def _too_large(limit: int) -> UploadRejected:
    return UploadRejected(413, "file", f"larger than the {limit / 1e6:g} MB this server accepts")


async def _read_form(request: Request, limit: int, scratch: Path) -> tuple[dict[str, str], list[FormFile]]:
    """Parse the multipart body as it streams in, files written under ``scratch``; 413 as soon as it is too big."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + FORM_OVERHEAD:
        raise _too_large(limit)
    mime, options = parse_options_header(request.headers.get("content-type"))
    if mime != b"multipart/form-data" or not options.get(b"boundary"):
        raise UploadRejected(415, "body", "send multipart/form-data with the fields kind and file")
    fields: dict[str, str] = {}
    files: list[FormFile] = []

    def on_field(field: FormField) -> None:
        fields[(field.field_name or b"").decode("latin-1")] = (field.value or b"").decode("utf-8", "replace")

    parser = FormParser("multipart/form-data", on_field, files.append, boundary=options[b"boundary"],
                        config={"UPLOAD_DIR": str(scratch), "UPLOAD_DELETE_TMP": False, "MAX_MEMORY_FILE_SIZE": 0})
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit + FORM_OVERHEAD:
                raise _too_large(limit)
            parser.write(chunk)
        parser.finalize()
    except FormParserError as error:
        raise UploadRejected(400, "body", f"malformed multipart/form-data: {error}") from None
    finally:
        for file in files:
            file.close()
    return fields, files


def check_image(path: Path, max_pixels: int) -> dict[str, Any]:
    """Format and size of an image Pillow and OpenCV can decode; refuses bombs before decoding a pixel."""
    try:
        with Image.open(path, formats=list(IMAGE_FORMATS)) as image:  # reads the header only
            width, height, image_format = *image.size, image.format or ""
            if width * height > max_pixels:
                raise UploadRejected(413, "file", f"{width}x{height} pixels is more than the {max_pixels} "
                                                  "this server accepts")
            image.load()
    except UploadRejected:
        raise
    except UnidentifiedImageError:
        raise UploadRejected(415, "file", "not a PNG, JPEG or WebP image") from None
    except Image.DecompressionBombError as error:  # Pillow's own guard, for sizes far past its MAX_IMAGE_PIXELS
        raise UploadRejected(413, "file", f"image too large to decode safely: {error}") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise UploadRejected(422, "file", f"broken image file: {error}") from None
    return {"format": IMAGE_FORMATS[image_format], "width": width, "height": height}


def check_audio(path: Path, max_seconds: float) -> dict[str, Any]:
    """Format and length of an audio file, decoded to the end; refuses it once it passes ``max_seconds``."""
    seconds = 0.0
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise UploadRejected(415, "file", "not an audio file (no audio stream)")
            container_format = container.format.name.split(",")[0]
            for frame in container.decode(container.streams.audio[0]):
                seconds += frame.samples / frame.sample_rate
                if seconds > max_seconds:
                    raise UploadRejected(422, "file", f"audio longer than the {max_seconds:g} s this server accepts")
    except av.FFmpegError as error:
        if seconds == 0:
            raise UploadRejected(415, "file", "not an audio file FFmpeg can decode") from None
        raise UploadRejected(422, "file", f"broken audio after {seconds:.1f} s: {error}") from None
    if seconds == 0:
        raise UploadRejected(415, "file", "no audio could be decoded from it")
    return {"format": container_format, "duration": round(seconds, 3)}


def check_lut(path: Path) -> dict[str, Any]:
    """A .cube 3D LUT the renderer can load (its size and every entry checked)."""
    try:
        load_cube(path)
    except MediaError as error:
        message = str(error).removeprefix("lut_file: ").replace(str(path), "the file")
        raise UploadRejected(422, "file", f"not a usable .cube 3D LUT: {message}") from None
    return {"format": "cube"}


async def receive_upload(request: Request, store: UploadStore, owner: str, *, max_bytes: int, max_pixels: int,
                         max_audio_seconds: float) -> UploadView:
    """Read, check and keep one upload (multipart fields ``kind`` and ``file``)."""
    with tempfile.TemporaryDirectory(dir=store.incoming) as scratch:
        fields, files = await _read_form(request, max_bytes, Path(scratch))
        names = set(fields) | {(file.field_name or b"").decode("latin-1") for file in files}
        unknown = sorted(names - {"kind", "file"})
        if unknown:
            raise UploadRejected(422, unknown[0], "unknown field; send kind and file")
        try:
            kind = UploadKind(fields.get("kind", ""))
        except ValueError:
            raise UploadRejected(422, "kind", f"got {fields.get('kind')!r}; allowed: "
                                              f"{', '.join(kind.value for kind in UploadKind)}") from None
        if len(files) != 1:
            raise UploadRejected(422, "file", "send exactly one file")
        file = files[0]
        if file.size == 0 or file.actual_file_name is None:
            raise UploadRejected(422, "file", "the file is empty")
        if file.size > max_bytes:
            raise _too_large(max_bytes)
        path = Path(os.fsdecode(file.actual_file_name))
        if kind in IMAGE_KINDS:
            info = await run_in_threadpool(check_image, path, max_pixels)
        elif kind in AUDIO_KINDS:
            info = await run_in_threadpool(check_audio, path, max_audio_seconds)
        else:
            info = await run_in_threadpool(check_lut, path)
        upload_id = store.add(path, kind, info["format"], owner)
    return UploadView(id=upload_id, kind=kind, size=file.size, **info)


def resolve_uploads(body: BaseModel, store: UploadStore, owner: str) -> VideoRequest:
    """The VideoRequest of an HTTP body: upload ids replaced by their stored files, then fully validated."""
    data = body.model_dump(mode="json", exclude_none=True, exclude_unset=True)  # unset: defaults stay defaults

    def resolve(part: dict[str, Any], fields: dict[str, UploadKind], prefix: str = "") -> None:
        for field, kind in fields.items():
            if field in part:
                part[field] = str(store.path(part[field], kind, owner, prefix + field))

    resolve(data, upload_fields(VideoRequest))
    for index, scene in enumerate(data.get("scenes") or []):
        resolve(scene, upload_fields(TimelineScene), f"scenes.{index}.")
    return parse_request(data)
