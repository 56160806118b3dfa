"""What analysis code finds in scope: façades of pandas/NumPy and a small set of builtins.

RestrictedPython 9 dropped ``sorted``, ``zip``, ``tuple``... from ``safe_builtins``; they are
given back here, together with a guarded ``getattr``/``hasattr`` and an ``__import__`` that
only hands out façades (so ``import pandas as pd`` in generated code still works).
"""

from __future__ import annotations

import builtins
import collections
import datetime
import math
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence

from . import texts
from .allowlist import (
    IMPORTABLE,
    NUMPY_FUNCTIONS,
    NUMPY_LINALG,
    NUMPY_RANDOM,
    PANDAS_FUNCTIONS,
    PANDAS_OFFSETS,
    PANDAS_TYPES_API,
)
from .dispatch import DispatchGuard
from .guards import (
    Facade,
    TypeCheck,
    checked,
    guarded_getattr,
    guarded_getitem,
    guarded_write,
    inplace_operation,
    refuse,
)

__all__ = ["RESERVED_NAMES", "facades", "namespace", "safe_builtins"]

_BUILTIN_NAMES = (
    "abs", "all", "any", "bool", "callable", "chr", "dict", "divmod", "enumerate", "filter",
    "float", "format", "frozenset", "hash", "int", "isinstance", "iter", "len", "list", "map",
    "max", "min", "next", "ord", "pow", "range", "repr", "reversed", "round", "set", "slice",
    "sorted", "str", "sum", "tuple", "zip", "True", "False", "None", "ArithmeticError",
    "Exception", "IndexError", "KeyError", "LookupError", "NotImplementedError", "OverflowError",
    "RuntimeError", "StopIteration", "TypeError", "ValueError", "ZeroDivisionError",
)

#: Names of the scope that frames may not take.
RESERVED_NAMES = frozenset({"pd", "np", "result"})


def _members(module: Any, names: frozenset[str]) -> dict[str, Any]:
    return {name: checked(getattr(module, name)) for name in names if hasattr(module, name)}


@cache
def facades() -> dict[str, Facade]:
    """The importable façades by module name (built once per process)."""
    pandas_members = _members(pd, PANDAS_FUNCTIONS)
    for name in ("pivot_table", "crosstab"):  # aggfunc may be a method name
        pandas_members[name] = DispatchGuard(getattr(pd, name), name)
    pandas_members["offsets"] = Facade("pd.offsets", _members(pd.offsets, PANDAS_OFFSETS))
    pandas_members["api"] = Facade("pd.api", {"types": Facade(
        "pd.api.types", _members(pd.api.types, PANDAS_TYPES_API))})
    numpy_members = _members(np, NUMPY_FUNCTIONS)
    numpy_members["ndarray"] = TypeCheck(np.ndarray, "it builds an array over raw memory; use "
                                         "np.array(values), np.zeros(shape) or np.full(shape, "
                                         "value)")
    numpy_members["random"] = Facade("np.random", _members(np.random, NUMPY_RANDOM))
    numpy_members["linalg"] = Facade("np.linalg", _members(np.linalg, NUMPY_LINALG))
    public_math = frozenset(name for name in dir(math) if not name.startswith("_"))
    return {
        "pandas": Facade("pd", pandas_members),
        "numpy": Facade("np", numpy_members),
        "math": Facade("math", _members(math, public_math)),
        "datetime": Facade("datetime", _members(datetime, frozenset(
            {"date", "datetime", "time", "timedelta", "timezone"}))),
        "collections": Facade("collections", _members(collections, frozenset(
            {"Counter", "OrderedDict", "defaultdict"}))),
    }


def _import(name: str, globals: Any = None, locals: Any = None,  # noqa: A002
            fromlist: Any = (), level: int = 0) -> Facade:
    if level != 0 or name not in IMPORTABLE:
        refuse(f"Importing {name!r} is not allowed: pandas is available as pd and NumPy as np "
               f"(importable: {', '.join(sorted(IMPORTABLE))}).")
    return facades()[name]


_MISSING = object()


def _getattr(obj: Any, name: Any, default: Any = _MISSING) -> Any:
    try:
        return guarded_getattr(obj, name)
    except AttributeError:
        if default is _MISSING:
            raise
        return default


_ABSENT = object()


def _hasattr(obj: Any, name: Any) -> bool:
    return _getattr(obj, name, _ABSENT) is not _ABSENT


def _iterate(obj: Any) -> Any:
    if isinstance(obj, Facade):
        refuse(f"Iterating over {obj.sandbox_name} is not allowed.")
    return iter(obj)


def _sorted(iterable: Any, /, *, key: Any = None, reverse: bool = False) -> list:
    return sorted(_iterate(iterable), key=key, reverse=reverse)


def _zip(*iterables: Any, strict: bool = False) -> Any:
    return zip(*(_iterate(it) for it in iterables), strict=strict)


def _apply(function: Any, *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


@cache
def safe_builtins() -> dict[str, Any]:
    """The builtins of analysis code: pure functions and value types only."""
    table = {name: getattr(builtins, name) for name in _BUILTIN_NAMES}
    table.update(sorted=_sorted, zip=_zip, iter=_iterate, getattr=_getattr, hasattr=_hasattr,
                 __import__=_import, repr=texts.safe_repr, format=texts.safe_format,
                 hash=texts.safe_hash)
    return table


def namespace(frames: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """A fresh global scope for one run: guards, façades, builtins and the frames."""
    modules = facades()
    scope: dict[str, Any] = {
        "__builtins__": safe_builtins(),
        "__name__": "analysis",
        "_getattr_": guarded_getattr,
        "_getitem_": guarded_getitem,
        "_getiter_": _iterate,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_unpack_sequence,
        "_write_": guarded_write,
        "_inplacevar_": inplace_operation,
        "_apply_": _apply,
        "_print_": texts.ScrubbedPrint,
        "_field_": texts.field,
        "_modulo_": texts.safe_modulo,
        "_str_": texts.safe_str,
        "pd": modules["pandas"],
        "np": modules["numpy"],
    }
    scope.update(frames)
    return scope
