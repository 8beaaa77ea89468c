"""Choose how the script is made: the user's own text, the configured LLM, or the offline writer."""

from __future__ import annotations

from dataclasses import dataclass, field

from reelforge.errors import ScriptError
from reelforge.script.llm import LLMConfig, write_with_llm
from reelforge.script.offline import write_offline

WORDS_PER_SECOND = 2.5
SHORT_SCRIPT_SHARE = 0.75  # an offline script under this share of the video's length is reported


@dataclass(frozen=True)
class ScriptResult:
    """The narration text and where it came from ("custom", "llm" or "offline")."""

    text: str
    source: str
    warnings: list[str] = field(default_factory=list)


def words_for_duration(duration_s: float) -> int:
    """How many spoken words fit a duration (about 2.5 words per second, at least 3)."""
    return max(3, round(duration_s * WORDS_PER_SECOND))


def write_script(text: str, is_custom: bool, duration_s: float, seed: int,
                 llm: LLMConfig | None = None) -> ScriptResult:
    """Return the narration: ``text`` itself when custom, else a script written from the topic."""
    if is_custom:
        return ScriptResult(" ".join(text.split()), "custom")
    target = words_for_duration(duration_s)
    warnings = []
    if llm is not None:
        try:
            return ScriptResult(write_with_llm(text, target, llm), "llm")
        except ScriptError as error:
            if not llm.fallback:
                raise
            warnings.append(f"{error}; used the offline writer")
    script = write_offline(text, target, seed)
    return ScriptResult(script, "offline", [*warnings, *_short_warning(script, duration_s)])


def _short_warning(script: str, duration_s: float) -> list[str]:
    """A warning when the offline writer's script fills clearly less than the video (it has a longest script)."""
    spoken = len(script.split()) / WORDS_PER_SECOND
    if spoken >= SHORT_SCRIPT_SHARE * duration_s:
        return []
    return [f"the offline writer's script is about {spoken:.0f} s of speech for a {duration_s:.0f} s video: music "
            "fills the rest (set REELFORGE_LLM_BASE_URL to write longer scripts with an LLM, or give your own text)"]
