"""The reelforge command line (Typer + Rich)."""

from __future__ import annotations

import functools
import json
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from reelforge.errors import ReelforgeError
from reelforge.request import VideoRequest, parse_request

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Turn text into finished short videos, offline.")
console = Console(stderr=True)

_STAGE_LABELS = {"script": "script", "voice": "voice", "frames": "frames", "encode": "encode"}


edit_app = typer.Typer(no_args_is_help=True, help="Trim, join and export finished videos.")
app.add_typer(edit_app, name="edit")


@app.callback()
def main() -> None:
    """reelforge: text to narrated, styled, captioned vertical video."""


def _fail(message: str) -> None:
    console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code=2)


def _request_from(request_file: Optional[Path], options: dict[str, Any]) -> VideoRequest:
    """The request: a JSON file (API field names), overridden by the options given on the command line."""
    data: dict[str, Any] = {}
    if request_file is not None:
        try:
            data = json.loads(request_file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            _fail(f"--request: cannot read {request_file}: {error}")
        if not isinstance(data, dict):
            _fail("--request: the file must hold one JSON object with the API's field names")
    data.update({key: value for key, value in options.items() if value is not None})
    if "text" not in data and "scenes" not in data:
        _fail("text: missing; give --text \"...\" or a --request file with a \"text\" (or \"scenes\") field")
    return parse_request(data)


@app.command()
def render(
    output: Path = typer.Option(..., "-o", "--output", help="Where to write the MP4 (render: .srt, .vtt, .jpg "
                                "beside it; preview: .storyboard.png)."),
    text: Optional[str] = typer.Option(None, "--text", "-t", help="The script (with --is-custom) or a topic."),
    request_file: Optional[Path] = typer.Option(None, "--request", help="A JSON request with the API's field names."),
    is_custom: Optional[bool] = typer.Option(None, "--is-custom/--write-script", help="Narrate the text as is."),
    video_type: Optional[str] = typer.Option(None, "--video-type", help="cinematic | character | hybrid"),
    style: Optional[str] = typer.Option(None, "--style", help="cinematic anime realistic abstract vintage neon noir "
                                        "watercolor"),
    camera_movement: Optional[str] = typer.Option(None, "--camera-movement", help="static slow_zoom_in "
                                                  "slow_zoom_out pan_left pan_right tilt_up tilt_down orbit dolly "
                                                  "crane"),
    quality: Optional[str] = typer.Option(None, "--quality", help="speed | balanced | quality | ultra"),
    duration: Optional[float] = typer.Option(None, "--duration", help="Target length in seconds (1..300)."),
    emotion: Optional[str] = typer.Option(None, "--emotion", help="neutral happy sad angry surprised fearful "
                                          "disgusted excited calm confident"),
    character_type: Optional[str] = typer.Option(None, "--character-type", help="person monkey anime cartoon robot "
                                                 "animal fantasy cyborg (character and hybrid modes)"),
    camera_target: Optional[str] = typer.Option(None, "--camera-target", help="hybrid: background | both"),
    seed: Optional[int] = typer.Option(None, "--seed", help="Same request and seed give the same video."),
    aspect: Optional[str] = typer.Option(None, "--aspect", help="9:16 | 16:9 | 1:1"),
    transition: Optional[str] = typer.Option(None, "--transition", help="auto crossfade fade_black slide"),
    atmosphere: Optional[str] = typer.Option(None, "--atmosphere", help="auto none fog rain snow dust sparks"),
    lighting: Optional[str] = typer.Option(None, "--lighting", help="auto none moving flicker exposure"),
    captions: Optional[bool] = typer.Option(None, "--captions/--no-captions", help="Burn in captions."),
    letterbox: Optional[bool] = typer.Option(None, "--letterbox/--no-letterbox", help="Cinema bars."),
    flow_smoothing: Optional[bool] = typer.Option(None, "--flow-smoothing/--no-flow-smoothing",
                                                  help="Optical-flow temporal smoothing (default: where it helps)."),
    background_image: Optional[Path] = typer.Option(None, "--background-image", help="A photo as the scene."),
    portrait_image: Optional[Path] = typer.Option(None, "--portrait", help="A portrait photo (one face) animated as "
                                                  "the character (with --video-type character or hybrid)."),
    lut_file: Optional[Path] = typer.Option(None, "--lut", help="A .cube 3D LUT applied after the style."),
    music: Optional[bool] = typer.Option(None, "--music/--no-music", help="Background music (default on)."),
    music_file: Optional[Path] = typer.Option(None, "--music-file", help="Your own music instead of the generated."),
    sound_effects: Optional[bool] = typer.Option(None, "--sound-effects/--no-sound-effects",
                                                 help="Transition sounds and rain/wind beds (default on)."),
    voice_model: Optional[Path] = typer.Option(None, "--voice-model", help="A Piper voice .onnx (.onnx.json beside)."),
    narration_audio: Optional[Path] = typer.Option(None, "--narration-audio", help="Your own recorded narration; "
                                                   "--text is then the words it speaks."),
    exports: Optional[list[str]] = typer.Option(None, "--export", help="webm | gif: also write the video as "
                                                "NAME.webm (VP9 + Opus) or NAME.gif; repeat for both."),
) -> None:
    """Render one video."""
    _make_video(**locals())


@app.command()
@functools.wraps(render, assigned=("__annotations__",), updated=())  # render's options (Typer reads them)
def preview(**options: Any) -> None:
    """Render a quick low-resolution draft of the whole video, and its storyboard (NAME.storyboard.png) beside it."""
    _make_video(**options, draft=True)


def _make_video(output: Path, request_file: Optional[Path], draft: bool = False, **options: Any) -> None:
    """Render (or preview) the request the options give, with a progress bar per stage."""
    from reelforge.pipeline import render as run_render
    from reelforge.preview import preview as run_preview

    options = {key: str(value) if isinstance(value, Path) else value for key, value in options.items()}
    try:
        request = _request_from(request_file, options)
        with Progress(TextColumn("{task.description:<7}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=False) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(_STAGE_LABELS.get(stage, stage), total=total)
                bar.update(tasks[stage], completed=done, total=total)

            result = (run_preview if draft else run_render)(request, output, progress=progress)
    except ReelforgeError as error:
        _fail(str(error))
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    if draft:
        console.print(f"[green]wrote[/] {result.draft}  ({result.duration:.2f} s draft, {result.size[0]}x"
                      f"{result.size[1]} @ {result.fps} fps) and {result.storyboard} ({len(result.scenes)} scenes)")
        _print_exports(result.exports)
        print(result.draft)
        return
    if result.emotion_reason != "requested":
        console.print(f"emotion: {result.emotion} (detected: {result.emotion_reason})")
    console.print(f"[green]wrote[/] {result.output}  ({result.duration:.2f} s, {result.frame_count} frames, "
                  f"{result.size[0]}x{result.size[1]} @ {result.fps} fps)")
    _print_exports(result.exports)
    print(result.output)


def _print_exports(exports: dict[str, Path]) -> None:
    for path in exports.values():
        console.print(f"[green]wrote[/] {path}")


@app.command()
def batch(
    requests: Path = typer.Argument(..., help="requests.jsonl (one JSON request a line) or requests.csv (a header "
                                    "row of field names)."),
    out: Path = typer.Option(..., "--out", help="The folder for the videos (NNNN-HASH.mp4 per line)."),
    quality: Optional[str] = typer.Option(None, "--quality", help="speed | balanced | quality | ultra, for every "
                                          "line."),
) -> None:
    """Render many videos; a re-run skips finished ones. Exit 0: all rendered, 1: some failed, 2: bad batch file."""
    from reelforge.batch import run_batch

    try:
        outcomes = run_batch(requests, out, quality, console)
    except ReelforgeError as error:
        _fail(str(error))
    except OSError as error:
        _fail(f"--out: cannot write to {out}: {error}")
    raise typer.Exit(code=1 if any(outcome.status == "failed" for outcome in outcomes) else 0)


def _settings(**overrides: Any):  # -> reelforge.server.settings.Settings
    """The service settings from the environment, with the options given; a bad value is a one-line error."""
    from pydantic import ValidationError

    from reelforge.server.settings import Settings

    try:
        return Settings(**{key: value for key, value in overrides.items() if value is not None})
    except ValidationError as error:
        first = error.errors()[0]
        _fail(f"{'.'.join(map(str, first['loc']))}: {first['msg']}")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    data_dir: Optional[Path] = typer.Option(None, help="Job database and videos (env REELFORGE_DATA_DIR)."),
    workers: Optional[int] = typer.Option(None, help="Render processes at once (env REELFORGE_WORKERS)."),
) -> None:
    """Start the HTTP service (API, jobs, videos) with its embedded job queue (or Celery, see `worker`)."""
    import uvicorn

    from reelforge.server.app import create_app

    settings = _settings(data_dir=data_dir, workers=workers)
    console.print(f"reelforge serving on http://{host}:{port}  (data in {settings.data_dir.resolve()})")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


@app.command()
def worker(
    data_dir: Optional[Path] = typer.Option(None, help="The data dir shared with the server (env REELFORGE_DATA_DIR)."),
    concurrency: int = typer.Option(1, min=1, help="Renders this worker runs at once (each uses about 2 cores)."),
    loglevel: str = typer.Option("info", help="Celery log level."),
) -> None:
    """Start a distributed render worker (Celery) on REELFORGE_BROKER_URL, e.g. redis://127.0.0.1:6379/0."""
    settings = _settings(data_dir=data_dir)
    if settings.broker_url is None:
        _fail("REELFORGE_BROKER_URL: not set; e.g. REELFORGE_BROKER_URL=redis://127.0.0.1:6379/0 reelforge worker")
    try:
        from reelforge.jobs.distributed import run_worker
    except ImportError as error:
        _fail(f"worker: {error.name} is missing; install reelforge[distributed]")
    run_worker(settings, concurrency, loglevel)


def _run_edit(label: str, action: Any) -> Any:
    """Run an edit with a frame progress bar (shown once the input checks pass); bad input is a one-line error."""
    with ExitStack() as stack:
        bars: list[tuple[Progress, TaskID]] = []

        def progress(done: int, total: int) -> None:
            if not bars:
                bar = stack.enter_context(Progress(TextColumn("{task.description:<7}"), BarColumn(),
                                                   MofNCompleteColumn(), TimeElapsedColumn(), console=console))
                bars.append((bar, bar.add_task(label, total=total)))
            bars[0][0].update(bars[0][1], completed=done, total=total)

        try:
            result = action(progress)
        except ReelforgeError as error:
            stack.close()
            _fail(str(error))
    console.print(f"[green]wrote[/] {result.output}  ({result.duration:.2f} s, {result.frames} frames, "
                  f"{result.size[0]}x{result.size[1]} @ {result.fps} fps)")
    print(result.output)
    return result


@edit_app.command()
def trim(
    source: Path = typer.Argument(..., metavar="IN", help="The video to cut."),
    start: float = typer.Option(..., "--start", help="First second kept."),
    end: float = typer.Option(..., "--end", help="Second where the cut ends (not kept)."),
    output: Path = typer.Option(..., "-o", "--output", help="Where to write the MP4."),
) -> None:
    """Keep START..END seconds, frame-exact (re-encoded with the input's settings)."""
    from reelforge import edit

    _run_edit("trim", lambda progress: edit.trim(source, output, start, end, progress))


@edit_app.command()
def concat(
    sources: list[Path] = typer.Argument(..., metavar="INPUTS...", help="Videos, joined in this order."),
    output: Path = typer.Option(..., "-o", "--output", help="Where to write the MP4."),
) -> None:
    """Join videos: packets copied when they share codec settings, re-encoded otherwise."""
    from reelforge import edit

    result = _run_edit("concat", lambda progress: edit.concat(sources, output, progress))
    console.print("video packets copied (no re-encoding)" if result.copied
                  else "re-encoded: the inputs' codec settings differ")


@edit_app.command()
def export(
    source: Path = typer.Argument(..., metavar="IN", help="The video to export."),
    format: str = typer.Option("mp4", "--format", help="mp4 | webm | gif"),
    aspect: str = typer.Option("9:16", "--aspect", help="9:16 | 16:9 | 1:1"),
    fit: str = typer.Option("blur", "--fit", help="blur (whole frame over a blurred fill) | crop (centre)"),
    output: Path = typer.Option(..., "-o", "--output", help="Where to write the file."),
) -> None:
    """Re-frame to another aspect ratio and write MP4 (H.264/AAC), WebM (VP9/Opus) or GIF."""
    from reelforge import edit

    _run_edit("export", lambda progress: edit.export(source, output, format, aspect, fit, progress))


if __name__ == "__main__":
    app()
