"""Script stage: narrate the user's text as is, or write a short spoken script from a topic."""

from reelforge.script.writer import ScriptResult, words_for_duration, write_script

__all__ = ["ScriptResult", "write_script", "words_for_duration"]
