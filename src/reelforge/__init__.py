"""reelforge: turn text into finished short videos, offline."""

from reelforge.errors import MediaError, ReelforgeError, RequestError, ScriptError
from reelforge.pipeline import RenderResult, render
from reelforge.request import TimelineScene, VideoRequest, parse_request

__all__ = ["MediaError", "ReelforgeError", "RenderResult", "RequestError", "ScriptError", "TimelineScene",
           "VideoRequest", "parse_request", "render"]
__version__ = "0.1.0"
