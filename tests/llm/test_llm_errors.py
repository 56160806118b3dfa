"""Each way a model endpoint fails gives a message that says what to change."""

from __future__ import annotations

import socket
import time
from typing import Any

import pandas as pd
import pytest

from analyst_magics.config import get_settings
from analyst_magics.errors import LLMError
from analyst_magics.nlq.llm import ask_llm

KEY = "sk-test-secret-key"
FRAME = pd.DataFrame({"x": [1.0, 2.0]})


def _ask() -> str:
    with pytest.raises(LLMError) as err:
        ask_llm(FRAME, "mean of x")
    message = str(err.value)
    assert KEY not in message
    return message


def test_wrong_key(fake_model: Any) -> None:
    fake_model.replies = [(401, {"error": {"message": f"Incorrect API key provided: {KEY}",
                                           "type": "invalid_request_error",
                                           "code": "invalid_api_key"}})]
    message = _ask()
    assert "rejected the API key (HTTP 401)" in message
    assert "ANALYST_LLM_API_KEY" in message and fake_model.url in message
    assert len(fake_model.requests) == 1  # not retried


def test_unknown_model_lists_the_available_ones(fake_model: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    fake_model.models = ("llama3.1", "qwen2.5-coder")
    monkeypatch.setenv("ANALYST_LLM_MODEL", "gpt-9")
    get_settings.cache_clear()
    message = _ask()
    assert "does not know model 'gpt-9' (HTTP 404)" in message
    assert "Available models: llama3.1, qwen2.5-coder" in message
    assert "ANALYST_LLM_MODEL" in message
    assert [r["path"].rsplit("/", 1)[-1] for r in fake_model.requests] == ["completions",
                                                                            "models"]


def test_unreachable_server(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("ANALYST_LLM_BASE_URL", f"http://user:pw@127.0.0.1:{port}/v1?k=1")
    monkeypatch.setenv("ANALYST_LLM_MODEL", "m")
    monkeypatch.setenv("ANALYST_LLM_API_KEY", KEY)
    get_settings.cache_clear()
    message = _ask()
    get_settings.cache_clear()
    assert message.startswith(f"Cannot reach the model endpoint http://127.0.0.1:{port}/v1 ")
    assert "after 3 attempts" in message and "ANALYST_LLM_BASE_URL" in message
    assert "pw" not in message and "k=1" not in message


def test_timeout(fake_model: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALYST_LLM_TIMEOUT_S", "0.3")
    get_settings.cache_clear()

    def slow(body: dict[str, Any]) -> str:
        time.sleep(1.0)
        return "```python\nresult = 1\n```"

    fake_model.replies = [slow, slow, slow]
    started = time.monotonic()
    message = _ask()
    assert "did not answer within 0.3 s (after 3 attempts)" in message
    assert "ANALYST_LLM_TIMEOUT_S" in message
    assert time.monotonic() - started < 6


def test_server_errors_that_persist(fake_model: Any) -> None:
    failure = (503, {"error": {"message": "model is loading"}}, {"retry-after-ms": "10"})
    fake_model.replies = [failure] * 3
    message = _ask()
    assert "failed (HTTP 503, after 3 attempts): model is loading" in message
    assert len(fake_model.requests) == 3


def test_rate_limit_that_persists(fake_model: Any) -> None:
    fake_model.replies = [(429, {"error": {"message": f"quota exceeded for key {KEY}"}},
                           {"retry-after-ms": "10"})] * 3
    message = _ask()
    assert "limiting requests (HTTP 429, after 3 attempts)" in message
    assert "quota exceeded for key ***" in message


def test_no_model_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALYST_LLM_BASE_URL", "")
    get_settings.cache_clear()
    message = _ask()
    get_settings.cache_clear()
    assert message.startswith("No language model is configured: set ANALYST_LLM_BASE_URL")


def test_model_name_missing(fake_model: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALYST_LLM_MODEL", " ")
    get_settings.cache_clear()
    assert "ANALYST_LLM_MODEL is empty" in _ask()
    assert not fake_model.requests
