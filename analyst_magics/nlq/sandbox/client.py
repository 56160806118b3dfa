"""The parent side: a fork server, the frame holders it forks, and calls to them.

A fork server (``worker.py``) starts on demand with a scrubbed environment (no secrets, no
proxies, no Jupyter paths) and a private temporary HOME/cwd, and forks holders
(``holder.py``). A holder holds the frames of one call, exactly, and runs every later call
that binds the same frames unchanged: so code run for one dataset cannot read another's
frames, even past the policy, because no process it shares memory with ever held them.

A call takes an idle holder of its frames; else, while fewer than ``ANALYST_SANDBOX_WORKERS``
calls run, a new holder is forked and sent the frames (so concurrent calls on the same frame
run side by side instead of queueing); else it waits. Idle holders are kept, most recently
used first, while they fit :data:`FRAME_BUDGET_BYTES` and :data:`MAX_IDLE_HOLDERS`; a holder
whose frame was garbage-collected is stopped.

A frame crosses to a holder once, as a pickle whose arrays are written to the pipe from their
own memory (out-of-band buffers, no pickle copy), after :func:`tables.portable` has made
every object-bearing part of it plain values.

A holder whose state is unknown (it timed out, died, or its caller was interrupted, e.g. by
Kernel -> Interrupt) is killed, its running child with it, and replaced on a later call; the
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
import signal
import socket
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
from .plain import portable
from .wire import read_message, widen_pipe, write_message, write_segments
from .worker import SPAWN

__all__ = ["FRAME_BUDGET_BYTES", "MAX_IDLE_HOLDERS", "WorkerPool", "pool",
           "worker_environment"]

#: Seconds a new fork server may take to import pandas and warm up.
START_TIMEOUT_S = 60.0
#: Seconds the holder may need beyond the run's own time limit to report.
REPLY_GRACE_S = 2.0
#: Bytes of frames that idle holders keep, all together.
FRAME_BUDGET_BYTES = 2 << 30
#: Most idle holders kept (each is a process with a waiting child).
MAX_IDLE_HOLDERS = 8
#: Slowest transfer rate assumed when allowing time for a frame to cross, in bytes/s.
_SEND_RATE = 50e6
_KEEP_ENV = re.compile(r"^(PATH|LANG|LANGUAGE|LC_\w+|TZ|LD_LIBRARY_PATH|VIRTUAL_ENV|"
                       r"CONDA_PREFIX|PYTHONPATH|SYSTEMROOT)$")
_SECRET_ENV = re.compile(r"KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|COOKIE|PROXY|"
                         r"^JUPYTER|^JPY_|^ANALYST_", re.IGNORECASE)
_SINGLE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                          "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")}


def worker_environment(home: str) -> dict[str, str]:
    """The fork server's environment: harmless variables only, minus anything secret."""
    env = {name: value for name, value in os.environ.items()
           if _KEEP_ENV.match(name) and not _SECRET_ENV.search(name)}
    package_root = str(Path(__file__).resolve().parents[3])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    env.update(_SINGLE_THREAD, HOME=home, TMPDIR=home, ARROW_DEFAULT_MEMORY_POOL="system",
               PYTHONDONTWRITEBYTECODE="1")
    return env


class _ForkServer:
    """The fork server process and the socket it takes requests on."""

    def __init__(self) -> None:
        self.home = tempfile.mkdtemp(prefix="analyst-sandbox-")
        self.lock = threading.Lock()
        self.channel, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.process: subprocess.Popen[bytes] | None = subprocess.Popen(
                [sys.executable, "-s", "-m", "analyst_magics.nlq.sandbox.worker",
                 str(theirs.fileno()), str(get_settings().sandbox_nice)],
                pass_fds=(theirs.fileno(),), env=worker_environment(self.home),
                cwd=self.home, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True)
        except BaseException:
            self.process = None
            self.close()
            raise
        finally:
            theirs.close()
        try:
            self._reply(START_TIMEOUT_S)  # "ready" after the warm-up
        except BaseException:
            self.close()
            raise

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _reply(self, timeout: float) -> dict[str, Any]:
        self.channel.settimeout(timeout)
        data = self.channel.recv(4096)
        if not data:
            raise EOFError("the sandbox fork server has stopped")
        return json.loads(data)

    def spawn(self) -> _Holder:
        """A new holder, connected to this process by two fresh pipes."""
        (holder_in, to_holder), (from_holder, holder_out) = os.pipe(), os.pipe()
        try:
            with self.lock:
                socket.send_fds(self.channel, [SPAWN], [holder_in, holder_out])
                reply = self._reply(START_TIMEOUT_S)
        except BaseException:
            os.close(to_holder)
            os.close(from_holder)
            raise
        finally:
            os.close(holder_in)
            os.close(holder_out)
        if reply.get("status") != "ok":
            raise OSError(f"the sandbox fork server refused to start a holder ({reply})")
        return _Holder(int(reply["pid"]), to_holder, from_holder)

    def close(self) -> None:
        """Stop the fork server (its holders, and their children, die with it)."""
        self.channel.close()
        if self.process is not None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.home, ignore_errors=True)


class _Holder:
    """One holder process, the pipes to it and the record of the frames it holds."""

    def __init__(self, pid: int, to_holder: int, from_holder: int) -> None:
        self.pid, self.to_holder, self.from_holder = pid, to_holder, from_holder
        self.cache = FrameCache()
        self.generation = 0
        widen_pipe(to_holder)

    def run(self, code: bytes, probes: dict[str, Probe], timeout: float,
            memory_mb: int) -> tuple[bytearray, float]:
        """Run compiled code on the probed frames; the encoded reply of the child and the
        deadline that decoding it must keep.

        Raises SandboxError when the holder stopped the code (the holder stays usable);
        any other exception leaves the holder in an unknown state.
        """
        bindings: dict[str, str] = {}
        for name, probe in probes.items():
            bindings[name] = self.cache.find(probe) or self._put(name, probe)
        deadline = time.monotonic() + timeout + REPLY_GRACE_S
        status = self._request({"op": "run", "code": code, "bindings": bindings,
                                "timeout": timeout, "memory_mb": memory_mb}, deadline)
        if status.get("status") != "done":
            kind = status.get("kind")
            raise SandboxError(str(status.get("message", "The sandbox failed.")),
                               kind=kind if kind in SandboxError.KINDS else "runtime")
        return read_message(self.from_holder, deadline), deadline

    def _put(self, name: str, probe: Probe) -> str:
        """Send a frame the holder lacks."""
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
        deadline = time.monotonic() + START_TIMEOUT_S + sum(sizes) / _SEND_RATE
        key = self.cache.add(probe, sum(sizes))
        status = self._request({"op": "put", "key": key, "sizes": sizes}, deadline, segments)
        if status.get("status") != "ok":
            raise SandboxError(f"Frame {name!r} could not be rebuilt in the sandbox "
                               f"({status.get('message')}).", kind="runtime")
        return key

    def _request(self, message: dict[str, Any], deadline: float,
                 segments: list[memoryview] | None = None) -> dict[str, Any]:
        write_message(self.to_holder, pickle.dumps(message, protocol=5))
        write_segments(self.to_holder, segments or [])
        return json.loads(read_message(self.from_holder, deadline))

    def close(self) -> None:
        """Kill the holder (a child it runs dies with it)."""
        for fd in (self.to_holder, self.from_holder):
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(self.pid, signal.SIGKILL)


class WorkerPool:
    """Frame holders shared by the threads of this process.

    Parameters
    ----------
    size : int, optional
        Most calls at once; default ``ANALYST_SANDBOX_WORKERS`` (read at each call).
    frame_budget : int
        Bytes of frames that idle holders keep, all together.
    max_idle : int
        Most idle holders kept.
    """

    def __init__(self, size: int | None = None, *, frame_budget: int = FRAME_BUDGET_BYTES,
                 max_idle: int = MAX_IDLE_HOLDERS) -> None:
        self._size, self.frame_budget, self.max_idle = size, frame_budget, max_idle
        self._cond = threading.Condition()
        self._server: _ForkServer | None = None
        self._server_lock = threading.Lock()
        self._idle: list[_Holder] = []  # least recently used first
        self._busy: set[_Holder] = set()
        self._starting = 0
        self._generation = 0

    @property
    def size(self) -> int:
        """Most calls at once."""
        return self._size or get_settings().sandbox_workers

    @property
    def pids(self) -> list[int]:
        """Process ids of the holders."""
        with self._cond:
            return sorted(holder.pid for holder in (*self._idle, *self._busy))

    @property
    def server_pid(self) -> int | None:
        """Process id of the fork server, if it runs."""
        server = self._server
        return server.process.pid if server is not None and server.process else None

    def run(self, code: bytes, frames: dict[str, pd.DataFrame], *, timeout: float,
            memory_mb: int) -> Any:
        """Run compiled code on a holder of ``frames`` and decode its result."""
        probes = {name: Probe(frame) for name, frame in frames.items()}
        for probe in probes.values():
            probe.prepare()  # any checksum is computed here, outside the pool's lock
        try:
            try:
                reply, deadline = self._attempt(code, probes, timeout, memory_mb)
            except (EOFError, BrokenPipeError):  # the holder had died: once more on a new one
                reply, deadline = self._attempt(code, probes, timeout, memory_mb)
        except TimeoutError:
            raise SandboxError(f"The analysis code did not finish within {timeout:g} s; the "
                               "sandbox worker was restarted.", kind="time_limit") from None
        except OSError as exc:  # EOFError too: the holder died during the call
            raise SandboxError(f"The sandbox worker stopped unexpectedly ({exc!r}); it is "
                               "restarted on the next call.", kind="runtime") from None
        return codec.decode(reply, deadline)

    def _attempt(self, code: bytes, probes: dict[str, Probe], timeout: float,
                 memory_mb: int) -> tuple[bytearray, float]:
        holder = self._acquire(list(probes.values()))
        try:
            reply = holder.run(code, probes, timeout, memory_mb)
        except SandboxError:
            self._release(holder)
            raise
        except BaseException:  # timed out, died, or the caller was interrupted
            self._release(holder, broken=True)
            raise
        self._release(holder)
        return reply

    def _acquire(self, probes: list[Probe]) -> _Holder:
        with self._cond:
            while True:
                self._stop_lost()
                found = next((h for h in reversed(self._idle) if h.cache.serves(probes)), None)
                if found is not None:
                    self._idle.remove(found)
                    self._busy.add(found)
                    return found
                if len(self._busy) + self._starting < self.size:
                    break
                self._cond.wait()
            self._starting += 1
            generation = self._generation
        try:
            holder = self._spawn()
        except BaseException:
            with self._cond:
                self._starting -= 1
                self._cond.notify()
            raise
        holder.generation = generation
        with self._cond:
            self._starting -= 1
            self._busy.add(holder)
            while len(self._busy) + len(self._idle) > self.size + self.max_idle and self._idle:
                self._idle.pop(0).close()  # room for the new one: the least recent goes
        return holder

    def _spawn(self) -> _Holder:
        """A new holder from the fork server, which is (re)started when needed."""
        with self._server_lock:
            for attempt in range(2):
                if self._server is None or not self._server.alive:
                    if self._server is not None:
                        self._server.close()
                    self._server = self._start_server()
                try:
                    return self._server.spawn()
                except (EOFError, BrokenPipeError, ConnectionError, TimeoutError, OSError):
                    self._server.close()
                    self._server = None
                    if attempt:
                        raise SandboxError("The sandbox fork server stopped while starting a "
                                           "worker; it is restarted on the next call.",
                                           kind="runtime") from None
                except BaseException:  # interrupted mid-request: its state is unknown
                    self._server.close()
                    self._server = None
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    def _start_server() -> _ForkServer:
        try:
            return _ForkServer()
        except (TimeoutError, EOFError, OSError) as exc:
            raise SandboxError(f"The sandbox worker could not start ({exc!r}). Check that "
                               f"'{sys.executable} -m analyst_magics.nlq.sandbox.worker' can "
                               "import pandas.", kind="runtime") from None

    def _release(self, holder: _Holder, *, broken: bool = False) -> None:
        with self._cond:
            self._busy.discard(holder)
            keep = not broken and holder.generation == self._generation
            if keep:
                self._idle.append(holder)
                self._trim(holder)
            self._cond.notify_all()
        if not keep:
            holder.close()

    def _trim(self, newest: _Holder) -> None:
        """Stop the least recently used idle holders beyond the budget (never ``newest``)."""
        self._stop_lost()
        while len(self._idle) > 1 and (
                len(self._idle) > self.max_idle
                or sum(h.cache.size for h in self._idle) > self.frame_budget):
            oldest = next(h for h in self._idle if h is not newest)
            self._idle.remove(oldest)
            oldest.close()

    def _stop_lost(self) -> None:
        """Stop idle holders whose frames the user no longer has."""
        for holder in [h for h in self._idle if h.cache.lost]:
            self._idle.remove(holder)
            holder.close()

    def forget(self) -> None:
        """Drop every holder and the fork server without stopping them: in a forked copy of
        this process they belong to the original, which goes on using them."""
        self._cond = threading.Condition()
        self._server_lock = threading.Lock()
        self._idle, self._busy, self._starting, self._server = [], set(), 0, None

    def close(self) -> None:
        """Stop the holders and the fork server; new ones start on demand."""
        with self._cond:
            self._generation += 1
            idle, self._idle = self._idle, []
        for holder in idle:
            holder.close()
        with self._server_lock:
            server, self._server = self._server, None
        if server is not None:
            server.close()


_POOL = WorkerPool()
atexit.register(_POOL.close)
if hasattr(os, "register_at_fork"):  # a forked copy of this process starts its own
    os.register_at_fork(after_in_child=_POOL.forget)


def pool() -> WorkerPool:
    """The process-wide worker pool."""
    return _POOL
