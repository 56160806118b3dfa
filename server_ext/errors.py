"""The one error type handlers raise: an HTTP status with a message for the envelope."""

from __future__ import annotations

from typing import Any

from tornado.web import HTTPError

__all__ = ["APIError"]


class APIError(HTTPError):
    """An error answered as ``{"status": "error", "message": ..., "data": ...}``.

    ``message`` is shown to the client as is, so it must never carry secrets or server paths.
    """

    def __init__(self, status: int, message: str, *, data: dict[str, Any] | None = None,
                 retry_after: int | None = None) -> None:
        super().__init__(status)
        self.message = message
        self.data = data
        self.retry_after = retry_after  # seconds, sent as Retry-After (429, 503)

    def __str__(self) -> str:
        return f"HTTP {self.status_code}: {self.message}"
