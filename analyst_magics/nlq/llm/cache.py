"""Answers of the language model, kept by what they depend on, so that asking again is free."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import NamedTuple

from ...models import Answer

__all__ = ["CACHE", "CACHE_SIZE", "AnswerCache", "AnswerKey", "clear_cache"]

#: Answers kept in the cache (least recently used dropped first).
CACHE_SIZE = 64


class AnswerKey(NamedTuple):
    """What makes two questions the same question: the data, its name, the words, the model,
    the endpoint and the privacy mode."""

    fingerprint: str
    name: str | None
    question: str
    model: str
    url: str
    privacy: str


class AnswerCache:
    """A small thread-safe LRU of answers; callers get copies, so the cache never changes."""

    def __init__(self, size: int) -> None:
        self._size, self._items = size, OrderedDict[AnswerKey, Answer]()
        self._lock = threading.Lock()

    def get(self, key: AnswerKey) -> Answer | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
        return found.model_copy(deep=True)

    def put(self, key: AnswerKey, answer: Answer) -> None:
        with self._lock:
            self._items[key] = answer.model_copy(deep=True)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


CACHE = AnswerCache(CACHE_SIZE)


def clear_cache() -> None:
    """Forget every cached answer (the next question goes to the model again)."""
    CACHE.clear()
