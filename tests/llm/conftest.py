"""A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions protocol.

Each test scripts its replies: a list whose items are a reply text, a callable taking the
request body and returning a reply text, or ``(status, body)`` / ``(status, body, headers)`` for
an HTTP error. Every request is recorded (path, lower-cased headers, JSON body) so tests can
read exactly what left the machine.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from analyst_magics.config import get_settings
from analyst_magics.nlq import llm

Reply = (str | Callable[[dict[str, Any]], str] | tuple[int, dict[str, Any]]
         | tuple[int, dict[str, Any], dict[str, str]])


@dataclass
class FakeModel:
    url: str
    replies: list[Reply] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    models: tuple[str, ...] = ("test-model",)

    def stray(self) -> list[str]:
        """Paths of requests that were not a model's API (e.g. an exfiltration attempt)."""
        return [r["path"] for r in self.requests
                if not r["path"].endswith(("/chat/completions", "/models"))]

    def prompts(self) -> list[str]:
        """The text of every message sent, request by request."""
        return ["\n".join(m["content"] for m in r["body"]["messages"]) for r in self.requests
                if r["path"].endswith("/chat/completions")]


def _completion(text: str, model: str) -> dict[str, Any]:
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


def _handler(fake: FakeModel) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: dict[str, Any],
                  headers: dict[str, str] | None = None) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _record(self, body: dict[str, Any]) -> None:
            fake.requests.append({"path": self.path, "body": body, "headers": {
                name.lower(): value for name, value in self.headers.items()}})

        def do_GET(self) -> None:
            self._record({})
            if self.path.endswith("/models"):
                self._send(200, {"object": "list", "data": [
                    {"id": m, "object": "model", "created": 0, "owned_by": "test"}
                    for m in fake.models]})
            else:
                self._send(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                body = json.loads(raw or b"{}")
            except ValueError:  # not a model request: record it as it came
                body = {"raw": raw.decode("utf-8", "replace")}
            self._record(body)
            if not self.path.endswith("/chat/completions"):
                self._send(404, {"error": {"message": "not found"}})
                return
            if body.get("model") not in fake.models:
                self._send(404, {"error": {"message": f"The model `{body.get('model')}` does "
                                           "not exist", "type": "invalid_request_error",
                                           "code": "model_not_found"}})
                return
            if not fake.replies:
                self._send(500, {"error": {"message": "no scripted reply left"}})
                return
            reply = fake.replies.pop(0)
            if isinstance(reply, tuple):
                self._send(*reply)
                return
            text = reply(body) if callable(reply) else reply
            self._send(200, _completion(text, body["model"]))

        do_PUT = do_DELETE = do_POST

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out has closed its socket before a slow reply was written.
        pass


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeModel]:
    """A scripted OpenAI-compatible server, configured as the package's model endpoint."""
    server = _Server(("127.0.0.1", 0), _handler(fake := FakeModel(url="")))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    monkeypatch.setenv("ANALYST_LLM_BASE_URL", fake.url)
    monkeypatch.setenv("ANALYST_LLM_MODEL", "test-model")
    monkeypatch.setenv("ANALYST_LLM_API_KEY", "sk-test-secret-key")
    get_settings.cache_clear()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_llm_cache() -> Iterator[None]:
    """Each test starts without cached answers (the cache is keyed by endpoint URL anyway)."""
    llm.clear_cache()
    yield
    llm.clear_cache()


@pytest.fixture
def code_reply() -> Callable[..., str]:
    """Build a model reply in the expected shape: ``code_reply(code, chart=None)``."""

    def build(code: str, chart: dict[str, Any] | None = None) -> str:
        text = f"Here you go.\n```python\n{code}\n```\n"
        if chart is not None:
            text += f"```json\n{json.dumps(chart)}\n```\n"
        return text

    return build
