"""Sound stage: generated music, sound effects, ducking, loudness mastering."""

from reelforge.audio.soundtrack import Soundtrack, build_soundtrack

__all__ = ["Soundtrack", "build_soundtrack"]
