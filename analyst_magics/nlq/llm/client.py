"""Talk to any OpenAI-compatible chat endpoint; turn its failures into messages people act on.

OpenAI, Gemini's OpenAI-compatible endpoint, Ollama, vLLM and llama.cpp's server all speak the
chat-completions protocol, so one ``openai`` client with a ``base_url`` serves them all. The
client's own retries (bounded, exponential backoff with jitter, honouring ``Retry-After``)
cover rate limits (429), server errors (5xx), timeouts and dropped connections. Every request
is logged at INFO in one line (endpoint, model, size; never the key), and every error the user
can fix raises :class:`~analyst_magics.errors.LLMError` saying what to change.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

import openai

from ...config import AnalystSettings
from ...errors import LLMError

__all__ = ["ChatSession", "MAX_RETRIES", "chat_session", "display_url", "require_configured"]

log = logging.getLogger("analyst_magics.llm")

#: Retries after the first attempt on 429, 5xx, timeouts and connection errors.
MAX_RETRIES = 2
#: Seconds allowed to list the endpoint's models when explaining an unknown model.
MODELS_TIMEOUT_S = 5.0
#: Models named in the "unknown model" message.
MAX_LISTED_MODELS = 20
#: Characters of a server's error text quoted in a message.
MAX_SERVER_TEXT = 300
#: Sent when no key is configured: local servers (Ollama, vLLM, llama.cpp) ignore it, and the
#: user's ``OPENAI_API_KEY`` is never picked up and sent to an endpoint it was not meant for.
NO_KEY = "no-key-configured"


@dataclass
class ChatSession:
    """One configured client, used for the requests of one answer."""

    client: openai.OpenAI
    model: str
    url: str
    key: str
    timeout: float

    def complete(self, messages: list[dict[str, str]]) -> str:
        """The reply text to ``messages`` at temperature 0; raises :class:`LLMError`."""
        started = time.monotonic()
        log.info("LLM request to %s, model %s: %d messages, %d characters", self.url,
                 self.model, len(messages), sum(len(m["content"]) for m in messages))
        response = self._create(messages, temperature=0)
        log.debug("LLM reply from %s in %.1f s", self.url, time.monotonic() - started)
        return _reply_text(response)

    def _create(self, messages: list[dict[str, str]], **options: Any) -> Any:
        try:
            return self.client.chat.completions.create(
                model=self.model, messages=cast(Any, messages), **options)
        except openai.BadRequestError as exc:
            if "temperature" not in options or "temperature" not in _server_text(exc).lower():
                raise self._error(exc) from None
            # Some reasoning models accept only their default temperature.
            log.info("LLM endpoint refused temperature 0; asking again with its default")
            return self._create(messages)
        except openai.OpenAIError as exc:
            raise self._error(exc) from None

    def _error(self, exc: openai.OpenAIError) -> LLMError:
        """The message for a failed request, naming the setting to change."""
        tries = f"after {MAX_RETRIES + 1} attempts"
        if isinstance(exc, openai.APITimeoutError):
            return LLMError(f"The model endpoint {self.url} did not answer within "
                            f"{self.timeout:g} s ({tries}). Raise ANALYST_LLM_TIMEOUT_S, or use a "
                            "smaller or faster model.")
        if isinstance(exc, openai.APIConnectionError):
            return LLMError(f"Cannot reach the model endpoint {self.url} ({tries}: "
                            f"{_cause(exc)}). Check ANALYST_LLM_BASE_URL and that the server is "
                            "running (Ollama listens on http://localhost:11434/v1).")
        if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            return LLMError(f"The model endpoint {self.url} rejected the API key (HTTP "
                            f"{exc.status_code}). Set ANALYST_LLM_API_KEY to a valid key for "
                            "this endpoint; local servers such as Ollama accept any key.")
        if isinstance(exc, openai.NotFoundError):
            return LLMError(self._not_found())
        if isinstance(exc, openai.RateLimitError):
            return LLMError(f"The model endpoint {self.url} is limiting requests (HTTP 429, "
                            f"{tries}): {self._text(exc)}. Wait a minute and ask again, or check "
                            "the account's quota.")
        status = getattr(exc, "status_code", None)
        what = f"HTTP {status}" if status else type(exc).__name__
        return LLMError(f"The model endpoint {self.url} failed ({what}"
                        f"{', ' + tries if status and status >= 500 else ''}): {self._text(exc)}.")

    def _not_found(self) -> str:
        known = self._models()
        if known is None:
            return (f"The model endpoint {self.url} answered 404 for model {self.model!r}: the "
                    "model is unknown or the URL is wrong. Check ANALYST_LLM_MODEL, and that "
                    "ANALYST_LLM_BASE_URL ends where the API starts (usually with /v1).")
        if self.model in known:
            return (f"The model endpoint {self.url} lists model {self.model!r} but answered 404 "
                    "for chat completions. Check that ANALYST_LLM_BASE_URL ends where the API "
                    "starts (usually with /v1).")
        listed = ", ".join(known[:MAX_LISTED_MODELS]) or "none"
        more = f" (and {len(known) - MAX_LISTED_MODELS} more)" if len(known) > MAX_LISTED_MODELS \
            else ""
        return (f"The model endpoint {self.url} does not know model {self.model!r} (HTTP 404). "
                f"Available models: {listed}{more}. Set ANALYST_LLM_MODEL to one of them.")

    def _models(self) -> list[str] | None:
        try:
            page = self.client.with_options(timeout=MODELS_TIMEOUT_S, max_retries=0).models.list()
            return sorted(str(m.id) for m in page.data)
        except (openai.OpenAIError, TypeError, AttributeError):
            return None

    def _text(self, exc: openai.OpenAIError) -> str:
        return _server_text(exc).replace(self.key, "***") if self.key else _server_text(exc)


def require_configured(settings: AnalystSettings) -> None:
    """Raise :class:`LLMError` saying what to set when no usable endpoint is configured."""
    if not settings.llm_configured:
        raise LLMError("No language model is configured: set ANALYST_LLM_BASE_URL (e.g. "
                       "https://api.openai.com/v1 or http://localhost:11434/v1 for Ollama), "
                       "ANALYST_LLM_MODEL and, for hosted models, ANALYST_LLM_API_KEY.")
    if not settings.llm_model.strip():
        raise LLMError(f"ANALYST_LLM_BASE_URL is set ({display_url(settings.llm_base_url)}) but "
                       "ANALYST_LLM_MODEL is empty: set it to a model the endpoint serves, e.g. "
                       "gpt-4o-mini, gemini-2.5-pro or llama3.1.")


@contextmanager
def chat_session(settings: AnalystSettings) -> Iterator[ChatSession]:
    """A client for the configured endpoint, closed (with its connections) when done."""
    require_configured(settings)
    key = settings.llm_api_key.get_secret_value()
    client = openai.OpenAI(base_url=settings.llm_base_url.strip(), api_key=key or NO_KEY,
                           timeout=settings.llm_timeout_s, max_retries=MAX_RETRIES)
    try:
        yield ChatSession(client=client, model=settings.llm_model.strip(),
                          url=display_url(settings.llm_base_url), key=key,
                          timeout=settings.llm_timeout_s)
    finally:
        client.close()


def display_url(url: str) -> str:
    """The endpoint as shown in messages and logs: no user, password or query string."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if ":" in host:  # IPv6
        host = f"[{host}]"
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _reply_text(response: Any) -> str:
    """The text of the first choice; a refusal or an empty reply says so as text."""
    choices = getattr(response, "choices", None) or []
    if not choices:
        return ""
    message = choices[0].message
    refusal = getattr(message, "refusal", None)
    if refusal:
        return str(refusal)
    return message.content or ""


def _server_text(exc: openai.OpenAIError) -> str:
    body = getattr(exc, "body", None)
    text = body.get("message") if isinstance(body, dict) else None
    text = str(text or getattr(exc, "message", None) or exc)
    return text if len(text) <= MAX_SERVER_TEXT else text[:MAX_SERVER_TEXT] + "…"


def _cause(exc: BaseException) -> str:
    """The innermost reason of a connection error (e.g. 'Connection refused')."""
    while exc.__cause__ is not None or exc.__context__ is not None:
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return str(exc) or type(exc).__name__
