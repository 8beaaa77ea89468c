"""Batch: render every request of a JSONL or CSV file into a folder, resumable, failures reported per line.

Each request's video is ``NNNN-HASH.mp4`` (its line number and a short hash of the validated request), with a
``NNNN-HASH.done.json`` marker written atomically once the video is complete; a re-run skips those.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from reelforge.encode import atomic_write_bytes
from reelforge.errors import ReelforgeError
from reelforge.pipeline import ProgressCallback, render
from reelforge.request import VideoRequest, parse_request

SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}


class BatchFileError(ReelforgeError, ValueError):
    """The batch file itself is unusable: unreadable, empty, or neither JSONL nor CSV."""


@dataclass(frozen=True)
class BatchLine:
    """One request of a batch file: its line number and its fields, or why the line could not be read."""

    number: int
    fields: dict[str, Any] | None
    error: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What became of one line: "rendered", "skipped" (finished before) or "failed" (with the reason)."""

    line: int
    status: str
    output: Path | None = None
    detail: str = ""


def read_batch(path: Path) -> list[BatchLine]:
    """The requests of a .jsonl (one JSON object per line) or .csv (a header row of field names) file."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise BatchFileError(f"{path}: not a batch file; give a .jsonl or .csv file")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise BatchFileError(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise BatchFileError(f"{path}: cannot read: not UTF-8 text") from None
    lines = list(_jsonl_lines(text) if kind == "jsonl" else _csv_lines(path, text))
    if not lines:
        raise BatchFileError(f"{path}: holds no requests")
    if kind == "jsonl" and all(line.fields is None for line in lines):
        raise BatchFileError(f"{path}: not JSONL: no line is a JSON object")
    return lines


def _jsonl_lines(text: str) -> Iterator[BatchLine]:
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            yield BatchLine(number, None, f"not JSON: {error.msg}")
            continue
        if isinstance(data, dict):
            yield BatchLine(number, data)
        else:
            yield BatchLine(number, None, "not a JSON object with the API's field names")


def _csv_lines(path: Path, text: str) -> Iterator[BatchLine]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "text" not in [name.strip() for name in reader.fieldnames]:
        raise BatchFileError(f"{path}: not CSV with a header row of field names (one of them \"text\")")
    for row in reader:
        if None in row:
            yield BatchLine(reader.line_num, None, "more cells than the header has field names")
            continue
        # an empty cell keeps the field's default
        yield BatchLine(reader.line_num, {name.strip(): value for name, value in row.items() if value})


def output_name(line: int, request: VideoRequest) -> str:
    """The stable name of a line's video: its line number and a short hash of the validated request."""
    digest = hashlib.sha256(request.model_dump_json().encode()).hexdigest()[:8]
    return f"{line:04d}-{digest}"


def render_line(line: BatchLine, out: Path, quality: str | None = None,
                progress: ProgressCallback | None = None) -> Outcome:
    """Render one line into ``out`` (``quality`` overrides the line's) unless finished before; never raises
    for a bad request or a failed render: the outcome says why."""
    if line.fields is None:
        return Outcome(line.number, "failed", detail=line.error or "unreadable")
    try:
        request = parse_request({**line.fields, **({"quality": quality} if quality else {})})
    except ReelforgeError as error:
        return Outcome(line.number, "failed", detail=str(error))
    name = output_name(line.number, request)
    video, marker = out / f"{name}.mp4", out / f"{name}.done.json"
    if video.exists() and marker.exists():
        return Outcome(line.number, "skipped", video, "finished before")
    clock = time.perf_counter()
    try:
        result = render(request, video, progress=progress)
    except Exception as error:  # one failed render must not stop the batch
        return Outcome(line.number, "failed", detail=str(error) if isinstance(error, ReelforgeError)
                       else f"{type(error).__name__}: {error}")
    seconds = time.perf_counter() - clock
    summary = {"line": line.number, "output": video.name, "duration": result.duration, "frames": result.frame_count,
               "fps": result.fps, "size": list(result.size), "render_seconds": round(seconds, 2),
               "warnings": result.warnings}
    atomic_write_bytes(marker, json.dumps(summary, indent=1).encode())
    warned = "".join(f"; warning: {warning}" for warning in result.warnings)
    return Outcome(line.number, "rendered", video, f"{result.duration:.2f} s in {seconds:.1f} s{warned}")


def run_batch(path: Path, out: Path, quality: str | None, console: Console) -> list[Outcome]:
    """Render a batch file with a Rich progress bar (videos done / total, the current video's frames),
    print each failure as it happens and a summary table at the end."""
    lines = read_batch(path)
    out.mkdir(parents=True, exist_ok=True)
    outcomes = []
    with Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as bar:
        videos = bar.add_task("videos", total=len(lines))
        frames = bar.add_task("frames", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            if stage == "frames":
                bar.update(frames, completed=done, total=total)

        for done, line in enumerate(lines, start=1):
            bar.reset(frames, total=None, description=f"line {line.number}")
            outcome = render_line(line, out, quality, progress)
            if outcome.status == "failed":
                console.print(f"[bold red]line {outcome.line}:[/] {outcome.detail}", highlight=False)
            outcomes.append(outcome)
            bar.update(videos, completed=done)
    console.print(summary_table(outcomes))
    counts = {status: sum(o.status == status for o in outcomes) for status in ("rendered", "skipped", "failed")}
    console.print(f"{counts['rendered']} rendered, {counts['skipped']} skipped, {counts['failed']} failed "
                  f"of {len(outcomes)}", highlight=False)
    return outcomes


def summary_table(outcomes: list[Outcome]) -> Table:
    """One row per line: its status, its video and the detail (the error of a failure)."""
    table = Table(title="batch")
    for column in ("line", "status", "video", "detail"):
        table.add_column(column)
    colours = {"rendered": "green", "skipped": "cyan", "failed": "red"}
    for outcome in outcomes:
        table.add_row(str(outcome.line), f"[{colours[outcome.status]}]{outcome.status}[/]",
                      outcome.output.name if outcome.output else "", outcome.detail)
    return table
