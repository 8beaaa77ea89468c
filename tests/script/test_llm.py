"""The OpenAI-compatible client against a small real HTTP server on 127.0.0.1."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from reelforge.errors import ScriptError
from reelforge.script import write_script
from reelforge.script.llm import LLMConfig


class _ChatServer(BaseHTTPRequestHandler):
    status = 200
    seen: list = []

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _ChatServer.seen.append((self.path, self.headers.get("Authorization"), body))
        if _ChatServer.status != 200:
            self.send_response(_ChatServer.status)
            self.end_headers()
            return
        reply = {"choices": [{"message": {"role": "assistant", "content": "Waves never rest.\n Neither do we."}}]}
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def chat_server():
    server = HTTPServer(("127.0.0.1", 0), _ChatServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _ChatServer.status, _ChatServer.seen = 200, []
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()


def test_llm_script_is_used_when_configured(chat_server):
    config = LLMConfig(base_url=chat_server, model="tiny", api_key="k123")
    result = write_script("the sea", False, 10.0, 0, config)
    assert result.text == "Waves never rest. Neither do we." and result.source == "llm"
    path, auth, body = _ChatServer.seen[0]
    assert path == "/v1/chat/completions" and auth == "Bearer k123"
    assert body["model"] == "tiny" and "the sea" in body["messages"][-1]["content"]


def test_failing_endpoint_is_reported_not_silent(chat_server):
    _ChatServer.status = 500
    with pytest.raises(ScriptError, match="HTTP 500"):
        write_script("the sea", False, 10.0, 0, LLMConfig(base_url=chat_server, model="m"))
    fallback = write_script("the sea", False, 10.0, 0, LLMConfig(base_url=chat_server, model="m", fallback=True))
    assert fallback.source == "offline" and "HTTP 500" in fallback.warnings[0]


def test_unreachable_endpoint_is_an_error():
    with pytest.raises(ScriptError, match="failed"):
        write_script("x", False, 5.0, 0, LLMConfig(base_url="http://127.0.0.1:9", model="m", timeout_s=2))


def test_config_from_environment(monkeypatch):
    monkeypatch.delenv("REELFORGE_LLM_BASE_URL", raising=False)
    assert LLMConfig.from_env() is None
    monkeypatch.setenv("REELFORGE_LLM_BASE_URL", "http://h/v1/")
    monkeypatch.setenv("REELFORGE_LLM_MODEL", "m1")
    config = LLMConfig.from_env()
    assert config.base_url == "http://h/v1" and config.model == "m1" and not config.fallback


def test_a_fallback_script_too_short_for_its_video_says_so_too(chat_server):
    _ChatServer.status = 500
    result = write_script("the sea", False, 200.0, 0, LLMConfig(base_url=chat_server, model="m", fallback=True))
    assert len(result.warnings) == 2 and "HTTP 500" in result.warnings[0] and "200 s video" in result.warnings[1]
