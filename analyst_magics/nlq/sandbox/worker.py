"""The warm worker: holds frames, forks one confined child per run, enforces the time limit.

Started by the parent as ``python -m analyst_magics.nlq.sandbox.worker READ_FD WRITE_FD``
(no reliance on ``__main__`` of a kernel or server). It imports pandas once, keeps the frames
it was sent (a pickle whose array buffers arrive out of band, straight into their final
memory), and for each run forks a child that confines itself (``confine.py``), runs the
compiled code in a fresh namespace and writes its encoded result to a pipe. The worker kills
the child's process group at the deadline, so state changed by the code (monkey-patching
included) dies with the child, and C code that ignores signals cannot outlive its limit; a
child also dies with its worker. The worker itself never runs analysis code and relays the
child's bytes without decoding.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import marshal
import os
import pickle
import signal
import sys
import time
import traceback
from typing import Any

from .wire import read_message, read_segments, widen_pipe, write_message

__all__ = ["main"]

_EXIT_MEMORY, _EXIT_INTERNAL = 3, 4
_POLL_S = 0.005


class Worker:
    """The request loop of the worker process."""

    def __init__(self, fd_in: int, fd_out: int) -> None:
        self.fd_in, self.fd_out = fd_in, fd_out
        self.pid = os.getpid()
        self.frames: dict[str, Any] = {}
        self.children: list[int] = []
        from .confine import Confinement

        self.confinement = Confinement()

    def serve(self) -> None:
        while True:
            try:
                request = pickle.loads(read_message(self.fd_in))  # from the trusted parent
            except EOFError:
                return
            for key in request.get("drop", ()):
                self.frames.pop(key, None)
            handler = getattr(self, f"op_{request['op']}")
            status, payload = handler(request)
            write_message(self.fd_out, json.dumps(status).encode())
            if payload is not None:
                write_message(self.fd_out, payload)
            while self.children:  # reaped after replying: exit teardown is off the clock
                _kill_group(self.children.pop())

    def op_put(self, request: dict) -> tuple[dict, None]:
        """Receive a frame: a pickle and its out-of-band buffers, read straight into place."""
        body, *buffers = read_segments(self.fd_in, request["sizes"], None)
        try:
            self.frames[request["key"]] = pickle.loads(body, buffers=buffers)
        except Exception as exc:  # noqa: BLE001 - reported to the parent, the worker goes on
            return {"status": "error", "message": f"{type(exc).__name__}: {exc}"}, None
        return {"status": "ok"}, None

    def op_run(self, request: dict) -> tuple[dict, bytes | None]:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read_fd)
            _child(self, request, write_fd)
        os.close(write_fd)
        self.children.append(pid)
        try:
            return _collect(pid, read_fd, request["timeout"], request["memory_mb"])
        finally:
            os.close(read_fd)


def _child(worker: Worker, request: dict, write_fd: int) -> None:
    code = 0
    try:
        os.setpgid(0, 0)
        worker.confinement.die_with(worker.pid)
        os.close(worker.fd_in)  # the child cannot talk to the parent
        os.close(worker.fd_out)
        frames = {name: worker.frames[key] for name, key in request["bindings"].items()}
        write_message(write_fd, *_execute(marshal.loads(request["code"]), frames, request,
                                          worker.confinement))
    except MemoryError:
        code = _EXIT_MEMORY
    except BaseException:  # noqa: BLE001 - report, then leave without running cleanup
        traceback.print_exc()
        code = _EXIT_INTERNAL
    os._exit(code)


def _execute(code: Any, frames: dict[str, Any], request: dict, confinement: Any) -> list:
    from . import codec, guards
    from .facades import namespace, safe_builtins

    scope = namespace(frames)
    confinement.apply(timeout=request["timeout"], memory_mb=request["memory_mb"])
    try:
        exec(code, scope)  # noqa: S102 - RestrictedPython code object, guarded namespace
    except MemoryError:
        return codec.encode_error("memory_limit", _memory_message(request))
    except Exception as exc:  # noqa: BLE001 - every failure is reported to the caller
        if guards.REFUSALS:
            return codec.encode_error("policy", guards.REFUSALS[0])
        return codec.encode_error(*_describe_failure(exc, safe_builtins()))
    if guards.REFUSALS:  # refused, then caught by the code itself
        return codec.encode_error("policy", guards.REFUSALS[0])
    if "result" not in scope:
        return codec.encode_error("runtime", "The analysis code did not assign 'result'.")
    try:
        return codec.encode(scope["result"])
    except MemoryError:
        return codec.encode_error("memory_limit", _memory_message(request))
    except Exception as exc:  # noqa: BLE001 - an object that cannot be sent, said in words
        return codec.encode_error("runtime", f"Cannot return the result: {exc}. Assign a "
                                  "number, text, list, dict, DataFrame or Series to 'result'.")


def _memory_message(request: dict) -> str:
    return (f"The analysis code needed more than the {request['memory_mb']} MB memory limit; "
            "work on fewer rows or columns, or raise ANALYST_SANDBOX_MEMORY_MB.")


def _describe_failure(exc: BaseException, provided: dict[str, Any]) -> tuple[str, str]:
    from .policy import FILENAME

    line = next((frame.lineno for frame in traceback.extract_tb(exc.__traceback__)
                 if frame.filename == FILENAME), None)
    where = f" at line {line}" if line else ""
    name = getattr(exc, "name", None)
    if isinstance(exc, NameError) and isinstance(name, str) and name not in provided and (
            hasattr(builtins, name) or name in sys.stdlib_module_names):
        return "policy", (f"Line {line}: {name!r} is not available in analysis code: only pure "
                          "builtins (len, sum, sorted, ...) and the pd/np façades are provided.")
    return "runtime", f"The analysis code failed{where}: {type(exc).__name__}: {exc}"


def _collect(pid: int, read_fd: int, timeout: float, memory_mb: int) -> tuple[dict, bytes | None]:
    deadline = time.monotonic() + timeout
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
    if os.WEXITSTATUS(status) == _EXIT_MEMORY:
        return _killed("memory_limit", f"The analysis code needed more than the {memory_mb} MB "
                       "memory limit.")
    return _killed("runtime", "The sandbox failed to run the analysis code.")


def _killed(kind: str, message: str) -> dict:
    return {"status": "stopped", "kind": kind, "message": message}


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):  # already reaped
        os.waitpid(pid, 0)


def _warm_up() -> None:
    """Import and exercise what analysis code uses, once, before any fork."""
    import pandas as pd

    from .facades import facades
    from .policy import compile_analysis

    facades()
    frame = pd.DataFrame({"g": ["a", "b", "a"], "x": [1.0, 2.0, 3.0],
                          "d": pd.date_range("2024-01-01", periods=3, tz="UTC")})
    frame.groupby("g").agg(["mean", "max"])
    frame.pivot_table(index="g", values="x", aggfunc="sum")
    frame["g"].str.upper().value_counts()
    frame["d"].dt.day_name()
    pd.cut(frame["x"], 2)
    frame.merge(frame, on="g").describe()
    compile_analysis("result = df.groupby('g')['x'].mean()")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the worker process."""
    args = sys.argv[1:] if argv is None else argv
    fd_in, fd_out = int(args[0]), int(args[1])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a kernel reaches the group
    widen_pipe(fd_in)
    _warm_up()
    write_message(fd_out, json.dumps({"status": "ready", "pid": os.getpid()}).encode())
    Worker(fd_in, fd_out).serve()


if __name__ == "__main__":
    main()
