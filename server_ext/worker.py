"""Work done in the job worker processes: reading uploads, profiling, analysis, exports.

These functions run in a separate process (``ProcessPoolExecutor``), so a huge or hostile file
costs that process's memory and stack, never the server's, and the IOLoop never waits on the
GIL for pandas. Each returns plain data: ``{"ok": True, ...}`` or ``{"ok": False, "status": …,
"message": …}``, so nothing the engine raises has to survive pickling.
"""

from __future__ import annotations

import functools
import hashlib
import mmap
import os
import select
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from analyst_magics.errors import AnalystError

__all__ = ["analyze_job", "export_dataset", "init_worker", "inspect_upload", "load_frame",
           "ping", "profile_dataset"]

#: Progress events go to the server through this queue (set by :func:`init_worker`).
_EVENTS: Any = None
EVENT_INTERVAL_S = 0.1
#: How often a worker looks for its server where the system has no pidfd.
SERVER_POLL_S = 1.0


def init_worker(events: Any, environment: dict[str, str], nice: int, server: int) -> None:
    """Process-pool initializer: remember the event queue; apply the server's settings.

    ``environment`` holds ``ANALYST_*`` values set through Jupyter's config, so the engine in
    this process reads the same settings as the server. ``nice`` lowers this process's
    scheduling priority: a long analysis yields the cores to the server and to questions.
    The worker ends when the ``server`` process does, however that ends (see ``_die_with``).
    """
    global _EVENTS
    _EVENTS = events
    _die_with(server)
    os.nice(nice)
    os.environ.update(environment)
    from analyst_magics.config import get_settings

    get_settings.cache_clear()


def _die_with(server: int) -> None:
    """End this process when ``server`` ends. A pool worker is the fork server's child, not
    the server's, and holds both ends of the pool's queues, so a server killed outright
    (SIGKILL, ``os._exit``) would leave it waiting forever; a thread watches the server
    through a pidfd (readable once the process is gone) or, without one, by polling."""
    def watch() -> None:
        try:
            handle = os.pidfd_open(server)
        except (AttributeError, OSError):  # not Linux 5.3+, or already gone
            while _alive(server):
                time.sleep(SERVER_POLL_S)
        else:
            select.select([handle], [], [])
        os._exit(0)

    threading.Thread(target=watch, name="analyst-server-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it runs, as another user
    return True


def ping() -> bool:
    """A no-op task: starting the workers ahead of the first real task."""
    return True


def _guarded(task: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """Run ``task`` and turn what it raises into a plain result the server can answer with."""

    @functools.wraps(task)  # same qualified name: the pool pickles tasks by name
    def run(*args: Any, **kwargs: Any) -> dict[str, Any]:
        try:
            return {"ok": True, **task(*args, **kwargs)}
        except AnalystError as exc:
            return {"ok": False, "status": 400, "message": str(exc)}
        except RecursionError:
            return {"ok": False, "status": 400, "message": "The data is nested too deeply to "
                    "be read as a table. Flatten it (e.g. to CSV) and upload again."}
        except MemoryError:
            return {"ok": False, "status": 413, "message": "The data does not fit in the "
                    "memory available to the server. Upload a smaller or filtered file."}
        except Exception as exc:  # noqa: BLE001 - reported with a reference, never re-raised
            return {"ok": False, "status": 500, "message": f"{type(exc).__name__}",
                    "traceback": traceback.format_exc()}

    return run


def _no_nul(path: Path, label: str) -> None:
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as m:
        if m[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return  # UTF-16 text has NUL bytes by design
        where = m.find(b"\x00")
    if where >= 0:
        raise AnalystError(f"{label} contains a NUL byte at offset {where:,}; CSV/JSON text "
                           "cannot hold NUL characters. Remove them and upload again.")


def load_frame(source: Path, cache: Path, *, name: str, label: str) -> pd.DataFrame:
    """The dataset's table: the Parquet cache when there is one, else the uploaded file.

    ``attrs`` name the dataset by its label, never by its server path, since they flow into
    results and reports that clients see.
    """
    if cache.exists():
        frame = pd.read_parquet(cache)
    else:
        from analyst_magics import load

        frame = load(source, name=name)
    frame.attrs = {"name": name, "source": label}
    return frame


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@_guarded
def inspect_upload(source: Path, label: str, text: bool, cache: Path) -> dict[str, Any]:
    """Read an upload with the engine's loader, cache the table as Parquet, describe it."""
    if text:
        _no_nul(source, repr(label))
    frame = load_frame(source, cache, name=Path(label).stem, label=label)
    try:
        frame.to_parquet(cache)
    except Exception:  # noqa: BLE001 - mixed-type columns cannot be Parquet; read the source then
        cache.unlink(missing_ok=True)
    return {"rows": len(frame), "columns": frame.shape[1],
            "column_names": [str(c) for c in frame.columns],
            "dtypes": {str(c): str(t) for c, t in frame.dtypes.items()},
            "sha256": _sha256(source), "size_bytes": source.stat().st_size}


@_guarded
def profile_dataset(source: Path, cache: Path, name: str, label: str) -> dict[str, Any]:
    """The engine's profile of a dataset, as strict JSON data."""
    from analyst_magics import profile

    frame = load_frame(source, cache, name=name, label=label)
    return {"profile": profile(frame, name=name).to_dict()}


def _progress(job_id: str) -> Callable[[str, float], None]:
    """A progress callback that forwards events, at most one per interval unless the stage moves."""
    last_stage, last_at = "", 0.0

    def send(stage: str, fraction: float) -> None:
        nonlocal last_stage, last_at
        now = time.monotonic()
        if _EVENTS is None or (stage == last_stage and now - last_at < EVENT_INTERVAL_S):
            return
        last_stage, last_at = stage, now
        _EVENTS.put((job_id, stage, float(fraction)))

    return send


@_guarded
def analyze_job(job_id: str, jobs_root: Path, source: Path, cache: Path, params: dict[str, Any],
                reports_dir: Path | None) -> dict[str, Any]:
    """Run :func:`analyst_magics.analyze`; write the result; optionally build the report."""
    from analyst_magics import analyze

    from .storage import atomic_write_json

    progress = _progress(job_id)
    progress("loading data", 0.0)
    frame = load_frame(source, cache, name=params["name"], label=params["label"])
    analysis = analyze(frame, params["questions"], name=params["name"], clean=params["clean"],
                       engine=params["engine"], progress=progress)
    atomic_write_json(jobs_root / job_id / "result.json", analysis.to_dict())
    reports: list[str] = []
    if reports_dir is not None:
        from analyst_magics import build_report

        progress("writing the report", 1.0)
        report = build_report(analysis, formats=("html", "zip"), out_dir=reports_dir)
        reports = sorted(Path(p).name for p in report.paths.values())
    return {"reports": reports}


@_guarded
def export_dataset(source: Path, cache: Path, fmt: str, out: Path) -> dict[str, Any]:
    """Write the dataset as CSV or XLSX with spreadsheet formulas neutralised."""
    from .export import write_export

    write_export(load_frame(source, cache, name="export", label="export"), fmt, out)
    return {"size_bytes": os.path.getsize(out)}
