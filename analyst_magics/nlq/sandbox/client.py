"""The parent side: start and replace the worker, send frames once, ask it to run code.

A frame crosses to the worker once and is reused while it is unchanged. On pandas with
copy-on-write (always on in pandas 3) "unchanged" is exact and cheap: the cache keeps a
shallow copy, so any in-place write to the user's frame makes pandas copy the written block,
which changes the block's reference set (checked in microseconds, whatever the size).
Without copy-on-write the cache compares a content hash. The worker gets a scrubbed
environment (no secrets, no proxies, no Jupyter paths) and a private temporary HOME/cwd.
"""

from __future__ import annotations

import atexit
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ...errors import SandboxError
from . import codec
from .worker import read_message, write_message

__all__ = ["WorkerPool", "pool", "worker_environment"]

#: Seconds a new worker may take to import pandas and warm up.
START_TIMEOUT_S = 60.0
#: Seconds the worker may need beyond the run's own time limit to report.
REPLY_GRACE_S = 2.0
#: Frames kept in the worker (least recently used are dropped first).
MAX_FRAMES = 8
_KEEP_ENV = re.compile(r"^(PATH|LANG|LANGUAGE|LC_\w+|TZ|LD_LIBRARY_PATH|VIRTUAL_ENV|"
                       r"CONDA_PREFIX|PYTHONPATH|SYSTEMROOT)$")
_SECRET_ENV = re.compile(r"KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|COOKIE|PROXY|"
                         r"^JUPYTER|^JPY_|^ANALYST_", re.IGNORECASE)
_SINGLE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                          "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")}


def worker_environment(home: str) -> dict[str, str]:
    """The worker's environment: an allowlist of harmless variables, minus anything secret."""
    env = {name: value for name, value in os.environ.items()
           if _KEEP_ENV.match(name) and not _SECRET_ENV.search(name)}
    package_root = str(Path(__file__).resolve().parents[3])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    env.update(_SINGLE_THREAD, HOME=home, TMPDIR=home, ARROW_DEFAULT_MEMORY_POOL="system",
               PYTHONDONTWRITEBYTECODE="1")
    return env


def _copy_on_write() -> bool:
    return int(pd.__version__.split(".")[0]) >= 3 or pd.get_option("mode.copy_on_write") is True


def _blocks(frame: pd.DataFrame) -> list[tuple[Any, bytes]]:
    return [(block.refs, block.mgr_locs.as_array.tobytes()) for block in frame._mgr.blocks]


@dataclass
class _Entry:
    ref: weakref.ref
    key: str
    snapshot: pd.DataFrame | None
    fingerprint: Any
    names: tuple
    used: float = field(default_factory=time.monotonic)

    def matches(self, frame: pd.DataFrame) -> bool:
        if self.ref() is not frame or self.names != _names(frame):
            return False
        if self.snapshot is None:
            return self.fingerprint == _fingerprint(frame)
        snapshot = self.snapshot
        return (frame.index is snapshot.index or frame.index.equals(snapshot.index)) and \
            frame.columns.equals(snapshot.columns) and \
            all(a[0] is b[0] and a[1] == b[1]
                for a, b in zip(_blocks(frame), _blocks(snapshot), strict=True))


def _names(frame: pd.DataFrame) -> tuple:
    return tuple(frame.index.names), tuple(frame.columns.names), frame.shape


def _fingerprint(frame: pd.DataFrame) -> Any:
    try:
        content = int(pd.util.hash_pandas_object(frame, index=True).sum())
    except TypeError:  # unhashable cells (lists, dicts)
        content = hash(pickle.dumps(frame, protocol=5))
    return tuple(map(str, frame.columns)), tuple(map(str, frame.dtypes)), content


class _Worker:
    """One worker process and the frames it holds."""

    def __init__(self) -> None:
        self.home = tempfile.mkdtemp(prefix="analyst-sandbox-")
        to_worker, from_parent = os.pipe()[::-1]
        from_worker, to_parent = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-s", "-m", "analyst_magics.nlq.sandbox.worker",
             str(from_parent), str(to_parent)],
            pass_fds=(from_parent, to_parent), env=worker_environment(self.home), cwd=self.home,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        os.close(from_parent)
        os.close(to_parent)
        self.to_worker, self.from_worker = to_worker, from_worker
        self.entries: dict[int, _Entry] = {}
        self.dropped: list[str] = []
        self._serial = 0
        try:
            self.receive(time.monotonic() + START_TIMEOUT_S)  # "ready" after the warm-up
        except BaseException:
            self.close()
            raise

    def request(self, message: dict[str, Any], deadline: float) -> dict[str, Any]:
        write_message(self.to_worker, pickle.dumps(message, protocol=5))
        return self.receive(deadline)

    def receive(self, deadline: float) -> dict[str, Any]:
        return json.loads(read_message(self.from_worker, deadline))

    def frame_key(self, frame: pd.DataFrame) -> str:
        """The worker's key for ``frame``, sending it first if the worker lacks it."""
        entry = self.entries.get(id(frame))
        if entry is not None and entry.matches(frame):
            entry.used = time.monotonic()
            return entry.key
        self._serial += 1
        key = f"f{self._serial}"
        payload = pickle.dumps(frame, protocol=5)
        deadline = time.monotonic() + START_TIMEOUT_S + len(payload) / 50e6
        self.request({"op": "put", "key": key, "frame": payload}, deadline)
        if entry is not None:
            self.dropped.append(entry.key)
        cow = _copy_on_write()
        self.entries[id(frame)] = _Entry(
            weakref.ref(frame, self._forget(id(frame))), key,
            frame.copy(deep=False) if cow else None, None if cow else _fingerprint(frame),
            _names(frame))
        self._evict()
        return key

    def _forget(self, ident: int) -> Any:
        def forget(_: weakref.ref) -> None:
            entry = self.entries.pop(ident, None)
            if entry is not None:
                self.dropped.append(entry.key)
        return forget

    def _evict(self) -> None:
        while len(self.entries) > MAX_FRAMES:
            ident = min(self.entries, key=lambda i: self.entries[i].used)
            self.dropped.append(self.entries.pop(ident).key)

    def flush_drops(self, deadline: float) -> None:
        if self.dropped:
            keys, self.dropped = self.dropped, []
            self.request({"op": "drop", "keys": keys}, deadline)

    def close(self) -> None:
        for fd in (self.to_worker, self.from_worker):
            try:
                os.close(fd)
            except OSError:
                pass
        self.process.kill()
        self.process.wait()
        shutil.rmtree(self.home, ignore_errors=True)


class WorkerPool:
    """A warm worker shared by the callers of this process (calls are serialized)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._worker: _Worker | None = None

    @property
    def pid(self) -> int | None:
        """Process id of the current worker, if one is running."""
        return self._worker.process.pid if self._worker else None

    def run(self, code: bytes, frames: dict[str, pd.DataFrame], *, timeout: float,
            memory_mb: int) -> Any:
        """Run compiled code in the worker and decode its result."""
        with self._lock:
            try:
                try:
                    return self._run(self._ensure(), code, frames, timeout, memory_mb)
                except (EOFError, BrokenPipeError):  # the worker had died: retry on a new one
                    self.close()
                    return self._run(self._ensure(), code, frames, timeout, memory_mb)
            except (TimeoutError, EOFError, OSError) as exc:
                self.close()  # a worker that does not answer is replaced on the next call
                if isinstance(exc, TimeoutError):
                    raise SandboxError(f"The analysis code did not finish within {timeout:g} s; "
                                       "the sandbox worker was restarted.",
                                       kind="time_limit") from None
                raise SandboxError(f"The sandbox worker stopped unexpectedly ({exc!r}); it is "
                                   "restarted on the next call.", kind="runtime") from None

    def _run(self, worker: _Worker, code: bytes, frames: dict[str, pd.DataFrame],
             timeout: float, memory_mb: int) -> Any:
        bindings = {name: worker.frame_key(frame) for name, frame in frames.items()}
        deadline = time.monotonic() + timeout + REPLY_GRACE_S
        worker.flush_drops(deadline)
        status = worker.request({"op": "run", "code": code, "bindings": bindings,
                                 "timeout": timeout, "memory_mb": memory_mb}, deadline)
        if status.get("status") != "done":
            kind = status.get("kind") if status.get("kind") in SandboxError.KINDS else "runtime"
            raise SandboxError(str(status.get("message", "The sandbox failed.")), kind=kind)
        return codec.decode(read_message(worker.from_worker, deadline))

    def _ensure(self) -> _Worker:
        if self._worker is not None and self._worker.process.poll() is not None:
            self.close()
        if self._worker is None:
            try:
                self._worker = _Worker()
            except (TimeoutError, EOFError, OSError) as exc:
                raise SandboxError(f"The sandbox worker could not start ({exc!r}). Check that "
                                   f"'{sys.executable} -m analyst_magics.nlq.sandbox.worker' "
                                   "can import pandas.", kind="runtime") from None
        return self._worker

    def close(self) -> None:
        """Stop the worker (a new one starts on the next run)."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.close()


_POOL = WorkerPool()
atexit.register(_POOL.close)


def pool() -> WorkerPool:
    """The process-wide worker pool."""
    return _POOL
