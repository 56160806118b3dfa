"""The life of one forked child: wait, practise, get the code, confine, run it, report, exit.

The worker forks a child *before* the request arrives. When the worker is idle it tells the
waiting child to practise: run a small analysis on a three-row frame through the same path
as real code (namespace, guards, pandas, the result codec). After a fork every page of the
interpreter's heap is shared, and the first write to each one (reference counts, caches)
costs a page fault, which in a virtual machine is most of a small question's time; taking
those faults before the question arrives leaves only the question's own work. Then the
child reads the request, confines itself (``confine.py``) and runs the code.
"""

from __future__ import annotations

import builtins
import functools
import marshal
import os
import pickle
import sys
import traceback
from collections.abc import Callable
from typing import Any, NoReturn

from .wire import read_message, write_message

__all__ = ["EXIT_MEMORY", "PRACTISE", "child", "practise"]

#: Exit status of a child that ran out of memory outside the analysis code.
EXIT_MEMORY = 3
_EXIT_INTERNAL = 4
#: What the worker sends a waiting child when it has time to practise.
PRACTISE = b"practise"
#: What the practice run exercises: the calls generated answers make most.
_PRACTICE = """
top = df[df['x'] > 1].sort_values('x', ascending=False).head(2)
result = {'means': df.groupby('g')['x'].mean(), 'top': top, 'counts': df['g'].value_counts(),
          'mixed': df['o'], 'n': int(df['g'].str.contains('a').sum())}
"""


def practise() -> None:
    """Run the practice analysis once (imports, caches and first touches happen here)."""
    import pandas as pd

    from . import codec, guards
    from .facades import namespace

    frame = pd.DataFrame({"g": ["a", "b", "a"], "x": [1.0, 2.0, 3.0],
                          "o": pd.Series([1, "b", None], dtype=object)})
    scope = namespace({"df": frame})
    exec(_practice_code(), scope)  # noqa: S102 - fixed code, compiled by the policy
    codec.encode(scope["result"])
    guards.REFUSALS.clear()


@functools.cache
def _practice_code() -> Any:
    from .policy import compile_analysis

    return compile_analysis(_PRACTICE)  # once, in the worker: its children share it


def child(holder: Any, request_fd: int, result_fd: int) -> NoReturn:
    """The child's whole life; it never returns and never talks to the parent."""
    status = 0
    try:
        os.setpgid(0, 0)
        holder.confinement.die_with(holder.pid)
        prepared = holder.confinement.prepare()  # while waiting: a call need not wait for it
        message = read_message(request_fd)
        if message == PRACTISE:  # the holder is idle: take the first touches now
            practise()
            message = read_message(request_fd)
        request = pickle.loads(message)  # from the trusted holder
        frames = {name: holder.frames[key] for name, key in request["bindings"].items()}
        confine = functools.partial(holder.confinement.apply, timeout=request["timeout"],
                                    memory_mb=request["memory_mb"], keep=(result_fd,),
                                    prepared=prepared)
        write_message(result_fd, *execute(marshal.loads(request["code"]), frames, request,
                                          confine))
    except EOFError:  # dismissed before any request
        pass
    except MemoryError:
        status = EXIT_MEMORY
    except BaseException:  # noqa: BLE001 - leave without running cleanup
        status = _EXIT_INTERNAL
    os._exit(status)


def execute(code: Any, frames: dict[str, Any], request: dict,
            confine: Callable[[], Any]) -> list:
    """Confine this process (``confine()``), run the code on the frames, and encode what it
    assigned."""
    import numpy as np

    from . import codec, guards
    from .facades import namespace, safe_builtins

    scope = namespace(frames)
    np.random.seed(np.frombuffer(os.urandom(16), dtype=np.uint32))  # no state shared by calls
    confine()
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
