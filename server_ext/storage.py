"""Datasets on disk: server-chosen ids, atomic writes, containment checked on resolved paths.

Layout under ``<data_dir>/datasets``::

    <id>/source.<ext>     the uploaded bytes, exactly as received
    <id>/meta.json        id, name, sizes, rows, columns, created_at
    <id>/frame.parquet    the loaded table (a cache; absent when it cannot be written)
    <id>/profile.json     the profile summary (a cache, computed on first request)
    .staging-<id>/        an upload being received; renamed to <id>/ once complete

A client's file name never reaches a path: ids are ``uuid4().hex``, checked against a pattern
before any path is built, and every path is resolved and checked with ``is_relative_to`` (not
``str.startswith``, which ``/data/datasets-evil`` would pass).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from .errors import APIError

__all__ = ["DatasetStore", "atomic_write_json", "contained", "new_id", "read_json"]

ID_PATTERN = re.compile(r"[0-9a-f]{32}")
STAGING_PREFIX = ".staging-"


def new_id() -> str:
    """An unguessable id for a dataset or a job."""
    return uuid.uuid4().hex


def contained(root: Path, *parts: str) -> Path:
    """``root/parts`` resolved (symlinks followed), refused unless it stays inside ``root``."""
    base = root.resolve()
    path = base.joinpath(*parts).resolve()
    if not path.is_relative_to(base) or path == base:
        raise APIError(404, "Not found.")
    return path


def atomic_write_json(path: Path, data: Any) -> None:
    """Write JSON so that readers see the old file or the new one, never half of one."""
    atomic_write_bytes(path, json.dumps(data, allow_nan=False, indent=1).encode())


def atomic_write_bytes(path: Path, payload: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(handle.name, path)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


class DatasetStore:
    """The datasets of one server: metadata in memory, bytes on disk."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self._meta: dict[str, dict[str, Any]] = {}
        for meta_file in root.glob("*/meta.json"):
            if ID_PATTERN.fullmatch(meta_file.parent.name):
                self._meta[meta_file.parent.name] = read_json(meta_file)

    # ------------------------------------------------------------------ lookup

    def list(self) -> list[dict[str, Any]]:
        """Every dataset's metadata, newest first."""
        return sorted(self._meta.values(), key=lambda m: m["created_at"], reverse=True)

    def find(self, ref: str) -> dict[str, Any]:
        """A dataset by id or by its (unique, canonical) name; 404 when there is none."""
        if ref in self._meta:
            return self._meta[ref]
        for meta in self._meta.values():
            if meta["name"] == ref:
                return meta
        raise APIError(404, f"No dataset with id or name {ref[:100]!r}. "
                            "GET analyst/v1/datasets lists the datasets.")

    def path(self, dataset_id: str, filename: str) -> Path:
        """A file of a dataset, contained in its directory."""
        if not ID_PATTERN.fullmatch(dataset_id):
            raise APIError(404, "Not found.")
        return contained(self.root, dataset_id, filename)

    def source(self, meta: dict[str, Any]) -> Path:
        return self.path(meta["id"], f"source.{meta['extension']}")

    # ------------------------------------------------------------------ changes

    def stage(self) -> tuple[str, Path]:
        """A new id and the private directory an upload is written to."""
        dataset_id = new_id()
        staging = self.root / f"{STAGING_PREFIX}{dataset_id}"
        staging.mkdir(mode=0o700)
        return dataset_id, staging

    def unique_name(self, name: str) -> str:
        """``name``, or ``name-2``, ``name-3``… when another dataset already has it."""
        taken = {m["name"] for m in self._meta.values()}
        candidate, n = name, 1
        while candidate in taken:
            n += 1
            candidate = f"{name}-{n}"
        return candidate

    def commit(self, staging: Path, meta: dict[str, Any]) -> dict[str, Any]:
        """Write the metadata and move the staged directory into place in one rename."""
        meta = {**meta, "name": self.unique_name(meta["name"]),
                "created_at": dt.datetime.now(dt.UTC).isoformat()}
        atomic_write_json(staging / "meta.json", meta)
        os.replace(staging, self.root / meta["id"])
        self._meta[meta["id"]] = meta
        return meta

    def delete(self, dataset_id: str) -> None:
        meta = self._meta.pop(dataset_id, None)
        if meta is not None:
            shutil.rmtree(self.path(dataset_id, "meta.json").parent, ignore_errors=True)

    @staticmethod
    def discard(staging: Path | None) -> None:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
