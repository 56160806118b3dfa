"""Run generated pandas code safely: a policy layer and an isolation layer.

``run(code, frames)`` compiles ``code`` under the policy (``policy.py``: RestrictedPython plus
allowlisted pandas/NumPy façades and run-time guards), then runs it in one of a few warm
worker processes, each of which runs every call in a fresh forked child that confines itself
(``worker.py``, ``runner.py``, ``confine.py``): resource limits, no network, no file writes,
no program execution, a scrubbed environment. Concurrent calls use different workers; a
frame crosses to a worker once and is reused while unchanged, within a byte budget per
worker (``client.py``, ``cache.py``). Results come back as plain values, DataFrames or
Series (``codec.py``, ``tables.py``), never as pickled objects, and as they were: dtypes,
index and labels included. Object cells that are not plain values (numbers, text, dates,
containers of them...) reach the code, and come back, as their ``str()``.

>>> import pandas as pd
>>> df = pd.DataFrame({"region": ["N", "S", "N"], "sales": [1.0, 2.0, 3.0]})
>>> run("result = df.groupby('region')['sales'].sum().to_dict()", df)
{'N': 4.0, 'S': 2.0}
"""

from __future__ import annotations

import keyword
import marshal
from typing import Any

import pandas as pd

from ...config import get_settings
from ...errors import SandboxError
from .client import pool
from .facades import RESERVED_NAMES
from .policy import compile_analysis

__all__ = ["SandboxError", "compile_analysis", "run"]


def run(code: str, frames: dict[str, pd.DataFrame] | pd.DataFrame, *,
        timeout: float | None = None, memory_mb: int | None = None) -> Any:
    """Run analysis code on ``frames`` in the sandbox and return what it assigns to ``result``.

    Parameters
    ----------
    code : str
        Python using pandas (``pd``), NumPy (``np``) and the frames; it must assign ``result``.
    frames : dict of str to DataFrame, or DataFrame
        The frames in scope, by variable name; a single DataFrame is bound as ``df``.
    timeout : float, optional
        Seconds of wall-clock time; default ``ANALYST_SANDBOX_TIMEOUT_S``.
    memory_mb : int, optional
        Memory the code may allocate; default ``ANALYST_SANDBOX_MEMORY_MB``.

    Returns
    -------
    object
        A plain value (number, text, bool, None, list, tuple, dict, set), a DataFrame, a Series,
        an Index or a NumPy array.

    Raises
    ------
    SandboxError
        ``kind`` is ``policy`` (refused), ``time_limit``, ``memory_limit`` or ``runtime`` (the
        code raised; the message names the line).
    """
    settings = get_settings()
    timeout = settings.sandbox_timeout_s if timeout is None else float(timeout)
    memory_mb = settings.sandbox_memory_mb if memory_mb is None else int(memory_mb)
    if timeout <= 0 or memory_mb <= 0:
        raise SandboxError(f"timeout and memory_mb must be positive, got {timeout} s and "
                           f"{memory_mb} MB.", kind="runtime")
    bindings = _bindings(frames)
    compiled = compile_analysis(code)
    return pool().run(marshal.dumps(compiled), bindings, timeout=timeout, memory_mb=memory_mb)


def _bindings(frames: dict[str, pd.DataFrame] | pd.DataFrame) -> dict[str, pd.DataFrame]:
    if isinstance(frames, pd.DataFrame):
        return {"df": frames}
    if not isinstance(frames, dict):
        raise SandboxError(f"frames must be a DataFrame or a dict of name -> DataFrame, got "
                           f"{type(frames).__name__}.", kind="runtime")
    for name, frame in frames.items():
        if not (isinstance(name, str) and name.isidentifier()) or keyword.iskeyword(name) \
                or name.startswith("_") or name in RESERVED_NAMES:
            raise SandboxError(f"Frame name {name!r} cannot be used in analysis code: use a "
                               "Python identifier that does not start with '_' and is not "
                               f"one of {sorted(RESERVED_NAMES)}.", kind="runtime")
        if not isinstance(frame, pd.DataFrame):
            raise SandboxError(f"Frame {name!r} is a {type(frame).__name__}, expected a "
                               "DataFrame.", kind="runtime")
    return dict(frames)
