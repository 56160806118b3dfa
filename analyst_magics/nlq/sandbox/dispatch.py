"""Methods that take a function *or its name* (agg, apply, transform, pipe...), checked first.

pandas resolves a name with ``getattr`` on the object, so ``df.agg('to_pickle', path=...)``
writes a file. Every name such a call could resolve must therefore be a reducer
(``allowlist.REDUCERS``). The function argument is normalised before it is checked: any
container of names (list, tuple, set, dict values, NumPy array, Index, Series, extension
array), at any depth, is read as the names it holds, and a container the check cannot read
without consuming it (an iterator) is refused, so no spelling of a spec hides a name.

>>> import pandas as pd
>>> sorted(function_names({"x": ["sum", pd.NamedAgg("y", "max")]}, "agg"))
['max', 'sum']
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from .allowlist import REDUCERS
from .refusals import refuse

__all__ = ["DispatchGuard", "check_function_spec", "function_names"]

#: Deepest nesting of a function spec that is read.
MAX_SPEC_DEPTH = 16
#: Parameters that hold the function (or its name) in the methods guarded here.
_SPEC_PARAMETERS = ("func", "aggfunc", "arg")
_ARRAYS = (np.ndarray, pd.Index, pd.Series, pd.api.extensions.ExtensionArray)


def function_names(spec: Any, method: str, depth: int = 0) -> Iterator[str]:
    """Every name in a function spec that pandas could resolve as a method."""
    if depth > MAX_SPEC_DEPTH:
        refuse(f"The function argument of {method}() is nested too deeply.")
    if spec is None:
        return
    if isinstance(spec, str):
        yield spec
    elif isinstance(spec, pd.NamedAgg):  # before tuples: its first item is a column
        yield from function_names(spec.aggfunc, method, depth + 1)
    elif isinstance(spec, dict):
        for item in spec.values():
            yield from function_names(item, method, depth + 1)
    elif isinstance(spec, _ARRAYS):
        for item in np.ravel(np.asarray(spec, dtype=object)).tolist():
            yield from function_names(item, method, depth + 1)
    elif isinstance(spec, (list, tuple, set, frozenset)):
        for item in spec:
            yield from function_names(item, method, depth + 1)
    elif not callable(spec):
        refuse(f"{method}() takes a function, a reducer name such as 'sum', or a list or dict "
               f"of them; got {type(spec).__name__}.")


def check_function_spec(spec: Any, method: str) -> None:
    """Refuse a spec that names anything but a reducer."""
    for name in function_names(spec, method):
        if name not in REDUCERS:
            refuse(f"{method}({name!r}) is not allowed: only reducer names such as 'sum', "
                   "'mean', 'max', 'count' may be passed as strings; pass a function for "
                   "anything else.")


def _check_pipe(spec: Any) -> None:
    """``pipe`` calls its function (or ``(function, keyword)``), never a name."""
    function = spec[0] if isinstance(spec, tuple) and len(spec) == 2 else spec
    if not callable(function):
        refuse(f"pipe() takes a function, got {type(function).__name__}.")


def _check_call(name: str, method: Any, args: tuple, kwargs: dict) -> None:
    for key in ("engine", "engine_kwargs"):
        if kwargs.get(key) is not None:
            refuse(f"The {key!r} argument of {name}() is not allowed in analysis code.")
    try:
        bound = inspect.signature(method).bind_partial(*args, **kwargs).arguments
    except (TypeError, ValueError):
        refuse(f"The arguments of {name}() could not be read; pass the function as the "
               "first argument.")
    if name == "pipe":
        _check_pipe(bound.get("func"))
        return
    spec = next((bound[p] for p in _SPEC_PARAMETERS if p in bound), None)
    check_function_spec(spec, name)
    if spec is None:  # named aggregation: out=('column', 'sum'), out=pd.NamedAgg(...)
        for extra in bound.get("kwargs", {}).values():
            named = isinstance(extra, tuple) and len(extra) == 2 \
                and not isinstance(extra, pd.NamedAgg)
            check_function_spec(extra[1] if named else extra, name)


class DispatchGuard:
    """A pandas method or function that resolves names (agg, apply...), checked per call."""

    __slots__ = ("_method", "_name")

    def __init__(self, method: Any, name: str) -> None:
        self._method = method
        self._name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        _check_call(self._name, self._method, args, kwargs)
        return self._method(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<guarded {self._name}>"
