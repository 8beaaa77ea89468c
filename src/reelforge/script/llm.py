"""An OpenAI-compatible chat client, used when REELFORGE_LLM_BASE_URL is configured."""

from __future__ import annotations

import os
from dataclasses import dataclass

import httpx

from reelforge.errors import ScriptError

_SYSTEM_PROMPT = (
    "You write narration for vertical short videos. Reply with the spoken script only: no title, "
    "no stage directions, no emojis, no markdown. Structure: a one-sentence hook, two or three short points, "
    "a one-sentence close."
)


@dataclass(frozen=True)
class LLMConfig:
    """Where the chat endpoint is and how to call it."""

    base_url: str
    model: str
    api_key: str = ""
    timeout_s: float = 60.0
    fallback: bool = False  # on failure: False raises ScriptError, True falls back to the offline writer

    @classmethod
    def from_env(cls) -> LLMConfig | None:
        """Read REELFORGE_LLM_BASE_URL / _API_KEY / _MODEL / _FALLBACK; None when no endpoint is configured."""
        base_url = os.environ.get("REELFORGE_LLM_BASE_URL", "").strip()
        if not base_url:
            return None
        return cls(
            base_url=base_url.rstrip("/"),
            model=os.environ.get("REELFORGE_LLM_MODEL", "gpt-4o-mini"),
            api_key=os.environ.get("REELFORGE_LLM_API_KEY", ""),
            fallback=os.environ.get("REELFORGE_LLM_FALLBACK", "").lower() in {"1", "true", "yes"},
        )


def write_with_llm(topic: str, target_words: int, config: LLMConfig) -> str:
    """Ask the chat endpoint for a script of about ``target_words`` words; ScriptError on any failure."""
    headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
    body = {
        "model": config.model,
        "temperature": 0.7,
        "messages": [
            {"role": "system", "content": _SYSTEM_PROMPT},
            {"role": "user", "content": f"Topic: {topic}\nLength: about {target_words} words."},
        ],
    }
    url = f"{config.base_url}/chat/completions"
    try:
        response = httpx.post(url, json=body, headers=headers, timeout=config.timeout_s)
        response.raise_for_status()
        content = response.json()["choices"][0]["message"]["content"]
    except httpx.HTTPStatusError as error:
        raise ScriptError(f"LLM endpoint {url} answered HTTP {error.response.status_code}") from error
    except httpx.HTTPError as error:
        raise ScriptError(f"LLM endpoint {url} failed: {error}") from error
    except (KeyError, IndexError, TypeError, ValueError) as error:
        raise ScriptError(f"LLM endpoint {url} returned no chat completion") from error
    script = " ".join(str(content).split())
    if not script:
        raise ScriptError(f"LLM endpoint {url} returned an empty script")
    return script
