"""The parent side: a small pool of warm workers, the frames each holds, and calls to them.

Up to ``ANALYST_SANDBOX_WORKERS`` workers (default: min(2, CPUs)) start on demand and stay
warm. A call takes the idle worker that already holds most of its frames (in bytes), else
starts one if the pool is not full, else waits for one to be free; so concurrent calls on
the same frame run side by side instead of queueing behind one worker. A frame is held by
every worker that used it; each worker keeps at most :data:`FRAME_BUDGET_BYTES` of frames,
dropping the least recently used first (``cache.py``).

A frame crosses to a worker once, as a pickle whose arrays are written to the pipe from their
own memory (out-of-band buffers, no pickle copy), after :func:`tables.portable` has turned
object cells that are not plain values into text. Workers get a scrubbed environment (no
secrets, no proxies, no Jupyter paths) and a private temporary HOME/cwd.

A worker whose state is unknown (it timed out, died, or its caller was interrupted, e.g. by
Kernel → Interrupt) is killed, its running child with it, and replaced on a later call; the
interruption itself propagates to the caller.
"""

from __future__ import annotations

import atexit
import contextlib
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
from pathlib import Path
from typing import Any

import pandas as pd

from ...config import get_settings
from ...errors import SandboxError
from . import codec
from .cache import FrameCache, Probe
from .tables import portable
from .wire import read_message, widen_pipe, write_message, write_segments

__all__ = ["FRAME_BUDGET_BYTES", "WorkerPool", "pool", "worker_environment"]

#: Seconds a new worker may take to import pandas and warm up.
START_TIMEOUT_S = 60.0
#: Seconds the worker may need beyond the run's own time limit to report.
REPLY_GRACE_S = 2.0
#: Bytes of frames one worker keeps; least recently used frames are dropped beyond it.
FRAME_BUDGET_BYTES = 1 << 30
#: Slowest transfer rate assumed when allowing time for a frame to cross, in bytes/s.
_SEND_RATE = 50e6
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


class _Worker:
    """One worker process, the pipes to it and the record of the frames it holds."""

    def __init__(self, budget: int, generation: int) -> None:
        self.cache, self.generation = FrameCache(budget), generation
        self.home = tempfile.mkdtemp(prefix="analyst-sandbox-")
        (from_parent, self.to_worker), (self.from_worker, to_parent) = os.pipe(), os.pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-s", "-m", "analyst_magics.nlq.sandbox.worker",
                 str(from_parent), str(to_parent)],
                pass_fds=(from_parent, to_parent), env=worker_environment(self.home),
                cwd=self.home, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True)
        except BaseException:
            self.process = None
            self.close()
            raise
        finally:
            os.close(from_parent)
            os.close(to_parent)
        widen_pipe(self.to_worker)
        try:
            self._receive(time.monotonic() + START_TIMEOUT_S)  # "ready" after the warm-up
        except BaseException:
            self.close()
            raise

    @property
    def pid(self) -> int:
        return self.process.pid

    def run(self, code: bytes, probes: dict[str, Probe], timeout: float,
            memory_mb: int) -> bytearray:
        """Run compiled code on the probed frames; the encoded reply of the child.

        Raises SandboxError when the worker stopped the code (the worker stays usable);
        any other exception leaves the worker in an unknown state.
        """
        bindings: dict[str, str] = {}
        for name, probe in probes.items():
            bindings[name] = self.cache.find(probe) or self._put(name, probe,
                                                                 set(bindings.values()))
        deadline = time.monotonic() + timeout + REPLY_GRACE_S
        status = self._request({"op": "run", "code": code, "bindings": bindings,
                                "timeout": timeout, "memory_mb": memory_mb}, deadline)
        if status.get("status") != "done":
            kind = status.get("kind") if status.get("kind") in SandboxError.KINDS else "runtime"
            raise SandboxError(str(status.get("message", "The sandbox failed.")), kind=kind)
        return read_message(self.from_worker, deadline)

    def _put(self, name: str, probe: Probe, keep: set[str]) -> str:
        """Send a frame the worker lacks, after dropping what the byte budget asks."""
        buffers: list[pickle.PickleBuffer] = []
        try:
            body = pickle.dumps(portable(probe.frame), protocol=5,
                                buffer_callback=buffers.append)
            segments = [memoryview(body), *(buffer.raw() for buffer in buffers)]
        except Exception as exc:  # noqa: BLE001 - whatever pickling refuses, said in words
            raise SandboxError(f"Frame {name!r} cannot be sent to the sandbox ({exc}); convert "
                               "unusual columns first, e.g. with .astype(str).",
                               kind="runtime") from None
        sizes = [segment.nbytes for segment in segments]
        key = self.cache.add(probe, sum(sizes), keep)
        deadline = time.monotonic() + START_TIMEOUT_S + sum(sizes) / _SEND_RATE
        status = self._request({"op": "put", "key": key, "sizes": sizes}, deadline, segments)
        if status.get("status") != "ok":
            self.cache.drop(key)
            raise SandboxError(f"Frame {name!r} could not be rebuilt in the sandbox "
                               f"({status.get('message')}).", kind="runtime")
        return key

    def _request(self, message: dict[str, Any], deadline: float,
                 segments: list[memoryview] | None = None) -> dict[str, Any]:
        message["drop"] = self.cache.take_dropped()
        write_message(self.to_worker, pickle.dumps(message, protocol=5))
        write_segments(self.to_worker, segments or [])
        return self._receive(deadline)

    def _receive(self, deadline: float) -> dict[str, Any]:
        return json.loads(read_message(self.from_worker, deadline))

    def close(self) -> None:
        """Kill the worker (a child it runs dies with it) and remove its HOME."""
        for fd in (self.to_worker, self.from_worker):
            with contextlib.suppress(OSError):
                os.close(fd)
        if self.process is not None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.home, ignore_errors=True)


class WorkerPool:
    """Warm workers shared by the threads of this process.

    Parameters
    ----------
    size : int, optional
        Most workers at once; default ``ANALYST_SANDBOX_WORKERS`` (read at each call).
    frame_budget : int
        Bytes of frames each worker keeps.
    """

    def __init__(self, size: int | None = None, *,
                 frame_budget: int = FRAME_BUDGET_BYTES) -> None:
        self._size, self.frame_budget = size, frame_budget
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._starting = 0
        self._generation = 0

    @property
    def size(self) -> int:
        """Most workers at once."""
        return self._size or get_settings().sandbox_workers

    @property
    def pids(self) -> list[int]:
        """Process ids of the running workers."""
        with self._cond:
            return sorted(worker.pid for worker in (*self._idle, *self._busy))

    def run(self, code: bytes, frames: dict[str, pd.DataFrame], *, timeout: float,
            memory_mb: int) -> Any:
        """Run compiled code on a worker and decode its result."""
        probes = {name: Probe(frame) for name, frame in frames.items()}
        for probe in probes.values():
            probe.prepare()  # any checksum is computed here, outside the pool's lock
        try:
            try:
                reply = self._attempt(code, probes, timeout, memory_mb)
            except (EOFError, BrokenPipeError):  # the worker had died: once more on a new one
                reply = self._attempt(code, probes, timeout, memory_mb)
        except TimeoutError:
            raise SandboxError(f"The analysis code did not finish within {timeout:g} s; the "
                               "sandbox worker was restarted.", kind="time_limit") from None
        except OSError as exc:  # EOFError too: the worker died during the call
            raise SandboxError(f"The sandbox worker stopped unexpectedly ({exc!r}); it is "
                               "restarted on the next call.", kind="runtime") from None
        return codec.decode(reply)

    def _attempt(self, code: bytes, probes: dict[str, Probe], timeout: float,
                 memory_mb: int) -> bytearray:
        worker = self._acquire(list(probes.values()))
        try:
            reply = worker.run(code, probes, timeout, memory_mb)
        except SandboxError:
            self._release(worker)
            raise
        except BaseException:  # timed out, died, or the caller was interrupted
            self._release(worker, broken=True)
            raise
        self._release(worker)
        return reply

    def _acquire(self, probes: list[Probe]) -> _Worker:
        with self._cond:
            while not self._idle and len(self._busy) + self._starting >= self.size:
                self._cond.wait()
            if self._idle:
                worker = max(self._idle, key=lambda w: w.cache.held_bytes(probes))
                self._idle.remove(worker)
                self._busy.add(worker)
                return worker
            self._starting += 1
            generation = self._generation
        try:
            worker = _Worker(self.frame_budget, generation)
        except BaseException as exc:
            with self._cond:
                self._starting -= 1
                self._cond.notify()
            if isinstance(exc, (TimeoutError, EOFError, OSError)):
                raise SandboxError(f"The sandbox worker could not start ({exc!r}). Check that "
                                   f"'{sys.executable} -m analyst_magics.nlq.sandbox.worker' "
                                   "can import pandas.", kind="runtime") from None
            raise
        with self._cond:
            self._starting -= 1
            self._busy.add(worker)
        return worker

    def _release(self, worker: _Worker, *, broken: bool = False) -> None:
        with self._cond:
            self._busy.discard(worker)
            keep = not broken and worker.generation == self._generation and \
                len(self._idle) + len(self._busy) + self._starting < self.size
            if keep:
                self._idle.append(worker)
            self._cond.notify()
        if not keep:
            worker.close()

    def close(self) -> None:
        """Stop the workers (busy ones when their call ends); new ones start on demand."""
        with self._cond:
            self._generation += 1
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.close()


_POOL = WorkerPool()
atexit.register(_POOL.close)


def pool() -> WorkerPool:
    """The process-wide worker pool."""
    return _POOL
