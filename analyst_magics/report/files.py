"""Report files: names, atomic writes, listing, retention and the zip bundle."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ..config import get_settings

__all__ = ["REPORT_SUFFIXES", "delete_old_reports", "list_reports", "report_stem",
           "write_atomic", "write_data", "write_zip"]

REPORT_SUFFIXES = (".html", ".pdf", ".ipynb", ".zip", ".json", ".parquet", ".csv")
_SLUG = re.compile(r"[^A-Za-z0-9_]+")


def report_stem(name: str, directory: Path, *, now: dt.datetime | None = None) -> str:
    """``<dataset>-<UTC timestamp>``, made unique in ``directory``."""
    slug = _SLUG.sub("-", name).strip("-").lower()[:60] or "dataset"
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    stem, n = f"{slug}-{stamp}", 1
    while any(directory.glob(f"{stem}.*")):
        n += 1
        stem = f"{slug}-{stamp}-{n}"
    return stem


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_data(frame: pd.DataFrame, path: Path) -> Path:
    """The analysed table as Parquet (CSV when the suffix says so), mixed columns as text."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        if path.suffix == ".csv":
            frame.to_csv(tmp, index=False)
        else:
            _parquet_safe(frame).to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _parquet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    # Arrow needs one type per column: object columns holding mixed values become text.
    mixed = [c for c in frame.columns if frame[c].dtype == object]
    if not mixed:
        return frame
    fixed = frame.copy()
    fixed[mixed] = fixed[mixed].astype("string")
    fixed.columns = [str(c) for c in fixed.columns]
    return fixed


def write_zip(path: Path, members: Iterable[Path]) -> Path:
    """A zip of ``members`` (flat, by file name), written atomically."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for member in members:
                bundle.write(member, arcname=member.name)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def list_reports(directory: Path | None = None) -> list[Path]:
    """Report files in ``directory`` (default: the reports directory), newest first."""
    root = Path(directory) if directory is not None else get_settings().reports_path
    if not root.is_dir():
        return []
    # Symlinks are never reports: one planted here must not be listed, served or deleted.
    files = [p for p in root.iterdir()
             if p.is_file() and not p.is_symlink() and p.suffix in REPORT_SUFFIXES
             and not p.name.startswith(".")]
    return sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)


def delete_old_reports(max_age_days: float | None = None, directory: Path | None = None,
                       *, now: float | None = None) -> list[Path]:
    """Delete report files older than ``max_age_days`` (default: ``ANALYST_RETENTION_DAYS``).

    An age of 0 keeps everything. Returns the deleted paths.
    """
    days = get_settings().retention_days if max_age_days is None else max_age_days
    if days <= 0:
        return []
    cutoff = (time.time() if now is None else now) - days * 86_400
    old = [p for p in list_reports(directory) if p.stat().st_mtime < cutoff]
    for path in old:
        path.unlink(missing_ok=True)
    return old
