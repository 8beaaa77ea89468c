"""Typed errors. Each also subclasses the builtin it means, so callers can catch ``ValueError``."""


class ReelforgeError(Exception):
    """Base of every error reelforge raises on purpose."""


class RequestError(ReelforgeError, ValueError):
    """A request field is invalid; ``field`` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class MediaError(ReelforgeError, ValueError):
    """A user's media file is missing, unreadable or unusable."""


class ScriptError(ReelforgeError, RuntimeError):
    """The configured script writer (an LLM endpoint) failed."""
