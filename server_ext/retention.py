"""The retention policy: uploads, reports and finished jobs older than the limit are deleted.

Age is the file's modification time (datasets: their ``meta.json``). Staging directories of
uploads that never completed are removed after a day whatever the policy, since nothing refers
to them. Running jobs are never deleted.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .handlers.reports import CONTENT_TYPES
from .storage import ID_PATTERN, STAGING_PREFIX

if TYPE_CHECKING:  # pragma: no cover
    from .app import AnalystExtension

__all__ = ["STAGING_MAX_AGE_S", "sweep"]

STAGING_MAX_AGE_S = 86_400
DAY_S = 86_400


def _older(path: Path, cutoff: float) -> bool:
    try:
        return path.lstat().st_mtime < cutoff
    except FileNotFoundError:
        return False


def sweep(ext: AnalystExtension, *, now: float | None = None) -> dict[str, int]:
    """Apply the policy once; returns how many datasets, reports, jobs, stagings went."""
    now = time.time() if now is None else now
    days = ext.settings_model.retention_days
    cutoff = now - days * DAY_S if days > 0 else float("-inf")
    counts = {"datasets": 0, "reports": 0, "jobs": 0, "staging": 0}
    for meta in list(ext.store.list()):
        if _older(ext.store.path(meta["id"], "meta.json"), cutoff):
            ext.store.delete(meta["id"])
            ext.frames.drop(meta["id"])
            counts["datasets"] += 1
    for staging in ext.store.root.glob(f"{STAGING_PREFIX}*"):
        if _older(staging, now - STAGING_MAX_AGE_S):
            shutil.rmtree(staging, ignore_errors=True)
            counts["staging"] += 1
    if ext.reports_root.is_dir():
        for path in ext.reports_root.iterdir():
            if path.suffix in CONTENT_TYPES and path.is_file() and _older(path, cutoff):
                path.unlink(missing_ok=True)
                counts["reports"] += 1
    for job in list(ext.jobs.jobs.values()):
        folder = ext.jobs.root / job.job_id
        if (job.state in ("done", "error") and ID_PATTERN.fullmatch(job.job_id)
                and _older(folder / "job.json", cutoff)):
            shutil.rmtree(folder, ignore_errors=True)
            ext.jobs.forget(job.job_id)
            counts["jobs"] += 1
    return counts
