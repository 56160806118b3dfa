"""Tables kept in memory for questions, bounded by size, least recently used dropped first.

Asking a question must not re-read a file each time (20 clients asking about a 100k-row table
would spend their time in the parser); the cache holds the tables most recently asked about.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from concurrent.futures import Executor
from typing import Any

import pandas as pd

from .storage import DatasetStore
from .worker import load_frame

__all__ = ["FrameCache"]


class FrameCache:
    """``await cache.get(meta)`` → the dataset's DataFrame (shared: callers must not mutate it)."""

    def __init__(self, store: DatasetStore, executor: Executor, limit_bytes: int) -> None:
        self.store = store
        self.executor = executor
        self.limit_bytes = limit_bytes
        self._frames: OrderedDict[str, tuple[pd.DataFrame, int]] = OrderedDict()
        self._loading: dict[str, asyncio.Future[pd.DataFrame]] = {}

    async def get(self, meta: dict[str, Any]) -> pd.DataFrame:
        key = meta["id"]
        if key in self._frames:
            self._frames.move_to_end(key)
            return self._frames[key][0]
        loading = self._loading.get(key)
        if loading is None:  # one load per dataset, however many ask at once
            loading = self._loading[key] = asyncio.ensure_future(self._load(meta))
            loading.add_done_callback(lambda _: self._loading.pop(key, None))
        return await asyncio.shield(loading)

    async def _load(self, meta: dict[str, Any]) -> pd.DataFrame:
        source = self.store.source(meta)
        cache = self.store.path(meta["id"], "frame.parquet")
        loop = asyncio.get_running_loop()
        frame, size = await loop.run_in_executor(self.executor, _read, source, cache, meta)
        self._frames[meta["id"]] = (frame, size)
        while len(self._frames) > 1 and sum(s for _, s in self._frames.values()) > self.limit_bytes:
            self._frames.popitem(last=False)
        return frame

    def drop(self, dataset_id: str) -> None:
        self._frames.pop(dataset_id, None)


def _read(source: Any, cache: Any, meta: dict[str, Any]) -> tuple[pd.DataFrame, int]:
    frame = load_frame(source, cache, name=meta["name"], label=meta["filename"])
    return frame, int(frame.memory_usage(deep=True).sum())
