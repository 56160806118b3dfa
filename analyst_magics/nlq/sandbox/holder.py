"""A frame holder: the parent of every child that runs code on one set of frames.

The fork server (``worker.py``) forks one holder per set of frames a call binds, from its
clean state, and hands it two pipes to the parent. The holder receives the frames (a pickle
whose array buffers arrive out of band, straight into their final memory) and from then on
only forks children: one per call, plus one spare forked ahead, practised and waiting
(``runner.py``), so a question does not pay for the fork and the first touches of a fresh
process. A child therefore shares memory with its holder, which holds this call's frames
and nothing that ever held another set's. The child confines itself (``confine.py``), runs
the compiled code in a fresh namespace and writes its encoded result to a pipe. The holder
kills the child's process group at the deadline, so state changed by the code dies with the
child, and C code that ignores signals cannot outlive its limit; a child also dies with its
holder, and a holder with the fork server. The holder never runs code it is sent and relays
the child's bytes without decoding them.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import select
import signal
import time
from pathlib import Path
from typing import Any, NoReturn

from .confine import Confinement
from .runner import EXIT_MEMORY, PRACTISE, child
from .wire import read_message, read_segments, widen_pipe, write_message

__all__ = ["Holder", "serve"]

_POLL_S = 0.005
#: Time the holder waits (idle, or for a running child) before it tells the next child to
#: practise; calls that come back to back do not wait for a practice they would not gain from.
PRACTICE_AFTER_S = 0.025


def serve(fd_in: int, fd_out: int, confinement: Confinement, server: int) -> NoReturn:
    """The whole life of a holder forked by the fork server ``server``; never returns."""
    status = 0
    try:
        confinement.die_with(server)
        widen_pipe(fd_in)
        Holder(fd_in, fd_out, confinement).serve()
    except BaseException:  # noqa: BLE001 - the parent sees the pipes close
        status = 1
    os._exit(status)


class Holder:
    """The request loop of a holder process, and its spare child."""

    def __init__(self, fd_in: int, fd_out: int, confinement: Confinement) -> None:
        self.fd_in, self.fd_out = fd_in, fd_out
        self.pid = os.getpid()
        self.frames: dict[str, Any] = {}
        self.confinement = confinement
        self.spare: tuple[int, int, int] | None = None  # pid, request fd, result fd
        self.ended: list[int] = []  # children that ran: killed after the reply, reaped later
        self.nudged: set[int] = set()  # the spare, once told to practise

    def serve(self) -> None:
        while True:
            self._reap()
            if self.spare is None:
                self.spare = self._fork()
            if not select.select([self.fd_in], [], [], PRACTICE_AFTER_S)[0]:
                self._reap()  # idle: the last child has had time to end
                self._nudge()  # and the spare may practise (see runner.py)
            try:
                request = pickle.loads(read_message(self.fd_in))  # from the trusted parent
            except EOFError:
                return
            status, payload = getattr(self, f"op_{request['op']}")(request)
            write_message(self.fd_out, json.dumps(status).encode())
            if payload is not None:
                write_message(self.fd_out, payload)
            for pid in self.ended:  # not waited for: tearing down a child takes a while
                _kill_group(pid, wait=False)

    def op_put(self, request: dict) -> tuple[dict, None]:
        """Receive a frame: a pickle and its out-of-band buffers, read straight into place."""
        self._dismiss()  # a spare forked before this frame arrived would not have it
        body, *buffers = read_segments(self.fd_in, request["sizes"], None)
        try:
            self.frames[request["key"]] = pickle.loads(body, buffers=buffers)
        except Exception as exc:  # noqa: BLE001 - reported to the parent, the holder goes on
            return {"status": "error", "message": f"{type(exc).__name__}: {exc}"}, None
        return {"status": "ok"}, None

    def op_run(self, request: dict) -> tuple[dict, bytearray | None]:
        spare, self.spare = self.spare, None
        if spare is not None and os.waitpid(spare[0], os.WNOHANG)[0]:  # it died waiting
            os.close(spare[1])
            os.close(spare[2])
            spare = None
        pid, request_fd, result_fd = spare or self._fork()
        self.ended.append(pid)
        try:
            with contextlib.suppress(BrokenPipeError):  # it died: the collection says how
                write_message(request_fd, pickle.dumps(request, protocol=5))
            deadline = time.monotonic() + request["timeout"]
            self.spare = self._fork()  # while this one runs
            if not select.select([result_fd], [], [], PRACTICE_AFTER_S)[0] and _cpu_to_spare():
                self._nudge()  # a long run, a free CPU: the next child practises meanwhile
            return _collect(pid, result_fd, deadline, request["timeout"], request["memory_mb"])
        finally:
            os.close(request_fd)
            os.close(result_fd)

    def _fork(self) -> tuple[int, int, int]:
        request_read, request_write = os.pipe()
        result_read, result_write = os.pipe()
        widen_pipe(result_write)
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(request_write)
            os.close(result_read)
            child(self, request_read, result_write)
        with contextlib.suppress(OSError):  # its own group, before anyone signals it
            os.setpgid(pid, pid)
        os.close(request_read)
        os.close(result_write)
        return pid, request_write, result_read

    def _reap(self) -> None:
        self.ended = [pid for pid in self.ended if not _reaped(pid)]

    def _nudge(self) -> None:
        """Tell the spare to practise, once."""
        if self.spare is not None and self.spare[0] not in self.nudged:
            self.nudged = {self.spare[0]}
            with contextlib.suppress(BrokenPipeError):  # it died: replaced when needed
                write_message(self.spare[1], PRACTISE)

    def _dismiss(self) -> None:
        spare, self.spare = self.spare, None
        if spare is not None:
            os.close(spare[1])
            os.close(spare[2])
            _kill_group(spare[0])


def _collect(pid: int, read_fd: int, deadline: float, timeout: float,
             memory_mb: int) -> tuple[dict, bytearray | None]:
    try:
        return {"status": "done"}, read_message(read_fd, deadline, memory_mb * 1024 * 1024)
    except TimeoutError:
        _kill_group(pid)
        return _killed("time_limit", f"The analysis code did not finish within {timeout:g} s "
                       "and was stopped; simplify it or raise ANALYST_SANDBOX_TIMEOUT_S."), None
    except OverflowError:
        return _killed("memory_limit", "The result is larger than the memory limit."), None
    except EOFError:  # the child died before it could answer
        return _classify(_wait(pid, deadline), timeout, memory_mb), None


def _wait(pid: int, deadline: float) -> int | None:
    while time.monotonic() < deadline + 1.0:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(_POLL_S)
    _kill_group(pid)
    return None


def _classify(status: int | None, timeout: float, memory_mb: int) -> dict:
    if status is None:
        return _killed("time_limit", f"The analysis code did not finish within {timeout:g} s.")
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGXCPU:
            return _killed("time_limit", f"The analysis code used more than {timeout:g} s of "
                           "CPU time and was stopped.")
        if sig == signal.SIGKILL:
            return _killed("memory_limit", "The analysis code was killed by the system, most "
                           "likely for using too much memory.")
        return _killed("runtime", f"The analysis code crashed the sandbox (signal {sig}).")
    if os.WEXITSTATUS(status) == EXIT_MEMORY:
        return _killed("memory_limit", f"The analysis code needed more than the {memory_mb} MB "
                       "memory limit.")
    return _killed("runtime", "The sandbox failed to run the analysis code.")


def _killed(kind: str, message: str) -> dict:
    return {"status": "stopped", "kind": kind, "message": message}


def _cpu_to_spare() -> bool:
    """Whether a CPU is free now besides this worker's and its running child's (Linux: the
    runnable count in /proc/loadavg, which includes this worker itself)."""
    try:
        runnable = int(Path("/proc/loadavg").read_text().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return False
    return runnable <= (os.cpu_count() or 1)


def _kill_group(pid: int, *, wait: bool = True) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    if wait:
        with contextlib.suppress(ChildProcessError):  # already reaped
            os.waitpid(pid, 0)


def _reaped(pid: int) -> bool:
    try:
        return os.waitpid(pid, os.WNOHANG)[0] != 0
    except ChildProcessError:  # reaped already
        return True
