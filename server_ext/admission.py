"""A bound on the requests of one kind that the server holds at once.

Questions wait for a thread and a sandbox worker; without a bound, a burst queues unbounded
work (and the memory of each request) behind them, and every client waits longer. Past the
bound a request is refused at once with 429 and a ``Retry-After``, which clients can honour.
Used from the IOLoop only, so a counter is enough.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from .errors import APIError

__all__ = ["Slots"]

RETRY_AFTER_S = 1


class Slots:
    """``with slots.taken(): ...`` holds one of ``limit`` slots, or answers 429."""

    def __init__(self, limit: int, what: str, setting: str) -> None:
        self.limit, self.what, self.setting = limit, what, setting
        self.used = 0

    @contextmanager
    def taken(self) -> Iterator[None]:
        if self.used >= self.limit:
            raise APIError(429, f"{self.used} {self.what} are already in progress, the most "
                                f"this server holds at once ({self.setting}). Try again in "
                                f"{RETRY_AFTER_S} s.", retry_after=RETRY_AFTER_S)
        self.used += 1
        try:
            yield
        finally:
            self.used -= 1
