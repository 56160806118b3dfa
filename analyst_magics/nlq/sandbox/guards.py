"""Run-time guards that RestrictedPython calls for every attribute, item, write and import.

The compiler (``policy.py``) rewrites ``a.b`` into ``_getattr_(a, "b")``, ``a[k] = v`` into
``_write_(a)[k] = v`` and so on; the functions here decide. Attribute access is allowed by the
*type* of the object (pandas/NumPy objects: the method allowlist; plain Python values: public
names except string formatting; anything else: nothing), because a name-only check lets
``getattr(pd, "io").common.os`` through. Methods that resolve names come back guarded
(``dispatch.py``), ``query``/``eval`` are read by the sandbox itself (``expressions.py``),
and constructors whose flags switch off pandas' own checks refuse those flags
(:class:`Checked`). Every refusal is also recorded (``refusals.py``), so code that catches
the error still ends as a policy refusal.
"""

from __future__ import annotations

import collections
import datetime
import functools
import inspect
import operator
import types
from typing import Any

import numpy as np
import pandas as pd

from . import texts
from .allowlist import CLASS_ATTRS, DISPATCH_METHODS, OBJECT_ATTRS, WRITABLE_ATTRS
from .dispatch import DispatchGuard
from .expressions import evaluate, query
from .refusals import REFUSALS, refuse

__all__ = [
    "REFUSALS",
    "Checked",
    "DispatchGuard",
    "Facade",
    "TypeCheck",
    "guarded_getattr",
    "guarded_getitem",
    "guarded_write",
    "inplace_operation",
    "refuse",
]

_LIBRARIES = ("pandas", "numpy")
#: Names refused on every object, whatever its type.
_FORBIDDEN = frozenset({"format", "format_map", "mro", "gi_frame", "gi_code", "cr_frame",
                        "ag_frame", "f_back", "f_globals", "f_locals", "f_builtins", "tb_frame",
                        "tb_next", "co_code", "func_globals", "obj"})
_PLAIN_TYPES: tuple[type, ...] = (
    str, bytes, int, float, complex, list, tuple, dict, set, frozenset, range, slice,
    datetime.date, datetime.time, datetime.timedelta, datetime.tzinfo, type({}.keys()),
    type({}.values()), type({}.items()))
_PLAIN_CLASSES = frozenset({str, bytes, int, float, complex, bool, list, tuple, dict, set,
                            frozenset, range, slice, datetime.date, datetime.datetime,
                            datetime.time, datetime.timedelta, datetime.timezone,
                            collections.Counter, collections.defaultdict,
                            collections.OrderedDict})
_IO_HINT = "reading or writing files is not possible in analysis code; return the data instead"
_HINTS = {"style": "styling is not available; return the DataFrame and it will be displayed",
          "plot": "plotting is not available here; return the data and the tool draws the chart",
          "hist": "plotting is not available here; return the data and the tool draws the chart",
          "boxplot": "plotting is not available here; return the data and the tool draws the "
                     "chart",
          "info": "use df.dtypes, df.count() or df.describe() instead"}
#: Parameters that, when their default is True, are pandas' checks of codes against their
#: categories or levels: ``Categorical.from_codes(..., validate=False)`` then reads past its
#: categories. Analysis code may not turn them off (any false value is refused).
CHECK_FLAGS = frozenset({"validate", "verify_integrity", "integrity"})
#: Parameters refused whatever their value: they skip validation of what is passed in.
SKIP_FLAGS = frozenset({"fastpath"})
_EXPRESSIONS = {"query": query, "eval": evaluate}


def _describe(obj: object) -> str:
    return f"a {type(obj).__name__} object"


def _hint(name: str) -> str:
    if name in _HINTS:
        return f"; {_HINTS[name]}"
    if name.startswith(("to_", "read_")) or name in {"tofile", "dump", "dumps", "save"}:
        return f"; {_IO_HINT}"
    return ""


def _is_library(obj: object) -> bool:
    return type(obj).__module__.split(".")[0] in _LIBRARIES


def _check_name(name: object) -> str:
    if type(name) is not str:  # a str subclass could override startswith (RestrictedPython #72)
        refuse(f"Attribute names must be plain strings, got {type(name).__name__}.")
    if name.startswith("_"):
        refuse(f"Attribute access to {name!r} is not allowed: names starting with '_' are "
               "private.")
    if name in _FORBIDDEN:
        refuse(f"Attribute {name!r} is not allowed in analysis code: it gives access to "
               "string formatting or interpreter internals.")
    return name


class Facade:
    """A stand-in for a module that offers only allowlisted members (``pd``, ``np``...).

    The module itself is never in scope: ``pd.io.common.os`` and ``np.ctypeslib`` are reachable
    from the real modules without an underscore. Plain ``getattr`` (used by ``from x import y``
    and by library code) sees the same allowlist.
    """

    __slots__ = ("sandbox_name", "_members")

    def __init__(self, name: str, members: dict[str, Any]) -> None:
        object.__setattr__(self, "sandbox_name", name)
        object.__setattr__(self, "_members", dict(members))

    def sandbox_member(self, name: str) -> Any:
        if name in self._members:
            return self._members[name]
        refuse(f"'{self.sandbox_name}.{name}' is not available in analysis code{_hint(name)}. "
               f"Available: {', '.join(sorted(self._members)[:12])}, ...")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # protocol probes by library code (__array__, ...)
            raise AttributeError(name)
        return self.sandbox_member(name)

    def __setattr__(self, name: str, value: Any) -> None:
        self.__delattr__(name)

    def __delattr__(self, name: str) -> None:
        refuse(f"Changing '{self.sandbox_name}.{name}' is not allowed: analysis code may not "
               "modify pandas, NumPy or modules.")

    def __repr__(self) -> str:
        return f"<{self.sandbox_name} (analysis subset)>"


class Checked:
    """A pandas class or function offered to analysis code whose calls may not switch off
    pandas' own checks (:data:`CHECK_FLAGS`, :data:`SKIP_FLAGS`), positionally or by
    keyword. ``isinstance`` and class attributes work as on the class itself."""

    __slots__ = ("target", "_signature", "_flags")
    target: Any
    _signature: inspect.Signature
    _flags: frozenset[str]

    def __init__(self, target: Any) -> None:
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "_signature", _signature(target))
        object.__setattr__(self, "_flags", _unchecking_flags(target))

    @property
    def sandbox_name(self) -> str:
        return getattr(self.target, "__qualname__", type(self.target).__name__)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        bound = self._signature.bind_partial(*args, **kwargs).arguments
        for flag in self._flags & bound.keys():
            if flag in SKIP_FLAGS or not bound[flag]:
                refuse(f"{self.sandbox_name}({flag}={bound[flag]!r}) is not allowed: it "
                       f"switches off pandas' own checks; leave {flag} out.")
        # what pandas checks it may keep (from_codes keeps int8 codes as given): a copy, so
        # that writing into the array afterwards cannot undo the check
        detached = dict(zip(kwargs, _detached(kwargs.values()), strict=True))
        return self.target(*_detached(args), **detached)

    def __instancecheck__(self, obj: Any) -> bool:
        return isinstance(obj, self.target)

    def __setattr__(self, name: str, value: Any) -> None:
        refuse(f"Changing '{self.sandbox_name}.{name}' is not allowed.")

    def __repr__(self) -> str:
        return f"<{self.sandbox_name} (checked)>"


class TypeCheck(Checked):
    """A class offered for ``isinstance`` only: calling it is refused with a hint."""

    __slots__ = ("hint",)
    hint: str

    def __init__(self, target: type, hint: str) -> None:  # noqa: D107 - no signature read
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "hint", hint)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        refuse(f"{self.sandbox_name}(...) is not allowed in analysis code: {self.hint}.")


def _detached(values: Any) -> list[Any]:
    """Arguments with their arrays copied (NumPy arrays, Series, Indexes, extension arrays:
    anything that may share memory with an array the code can still write), also inside
    lists and tuples (codes=[array])."""
    def copy(value: Any, depth: int = 0) -> Any:
        if isinstance(value, (np.ndarray, pd.api.extensions.ExtensionArray)):
            return value.copy()
        if isinstance(value, (pd.Series, pd.Index)):
            return value.copy(deep=True)
        if isinstance(value, (list, tuple)) and depth < 2:
            return type(value)(copy(item, depth + 1) for item in value)
        return value
    return [copy(value) for value in values]


@functools.cache
def _signature(target: Any) -> inspect.Signature:
    return inspect.signature(target)


@functools.cache
def _unchecking_flags(target: Any) -> frozenset[str]:
    """The parameters of ``target`` that would switch off its checks."""
    try:
        parameters = _signature(target).parameters
    except (TypeError, ValueError):  # no signature to read: nothing to check against
        return frozenset()
    return frozenset(name for name, parameter in parameters.items()
                     if name in SKIP_FLAGS or (name in CHECK_FLAGS
                                               and parameter.default is True))


def checked(value: Any) -> Any:
    """``value`` itself, or wrapped in :class:`Checked` when a flag could switch off its
    checks."""
    if callable(value) and not isinstance(value, (Facade, Checked)) and \
            _unchecking_flags(value):
        return Checked(value)
    return value


def guarded_getattr(obj: Any, name: Any) -> Any:
    """``obj.name`` for analysis code: allowed by the type of ``obj`` and the name."""
    name = _check_name(name)
    if isinstance(obj, Facade):
        return obj.sandbox_member(name)
    if isinstance(obj, Checked):
        if isinstance(obj.target, type):
            return _class_attribute(obj.target, name)
        refuse(f"Attribute access on {obj.sandbox_name} is not allowed ({name!r}).")
    if isinstance(obj, type):
        return _class_attribute(obj, name)
    if _is_library(obj):
        return _library_attribute(obj, name)
    if isinstance(obj, BaseException):
        if name == "args":
            return obj.args
        refuse(f"Only '.args' may be read from an exception, not {name!r}.")
    if isinstance(obj, _PLAIN_TYPES):
        return getattr(obj, name)
    refuse(f"Attribute access on {_describe(obj)} is not allowed ({name!r}).")


def _class_attribute(cls: type, name: str) -> Any:
    if cls in _PLAIN_CLASSES:
        return getattr(cls, name)
    if cls.__module__.split(".")[0] in _LIBRARIES and name in CLASS_ATTRS:
        return checked(getattr(cls, name))
    refuse(f"Class attribute '{cls.__name__}.{name}' is not allowed{_hint(name)}: only "
           "constructors such as DataFrame.from_dict or Timestamp.now may be used.")


def _library_attribute(obj: Any, name: str) -> Any:
    if name in _EXPRESSIONS:
        if isinstance(obj, pd.DataFrame):
            return functools.partial(_EXPRESSIONS[name], obj)
        refuse(f"'{name}' of {_describe(obj)} is not allowed: only DataFrame.{name}() is.")
    if name in OBJECT_ATTRS:
        value = getattr(obj, name)
        if name in DISPATCH_METHODS:
            return DispatchGuard(value, name)
        if name == "view":
            if not isinstance(obj, np.ndarray):  # pandas' view(dtype) is its private array
                refuse(f"view() of {_describe(obj)} is not allowed: it would expose the "
                       "array pandas keeps inside (a Categorical's codes); use astype().")
            return functools.partial(_view, value)
        return value
    if isinstance(obj, pd.DataFrame) and name in obj.columns:
        return obj[name]  # df.sales, like plain pandas
    refuse(f"Method or attribute '{name}' of {_describe(obj)} is not allowed{_hint(name)}.")


def _view(method: Any, *args: Any, **kwargs: Any) -> Any:
    """``.view(dtype)``: never as objects (NumPy refuses it too; this says so as policy)."""
    for value in (*args, *kwargs.values()):
        try:
            dtype = np.dtype(value)
        except (TypeError, ValueError):
            continue
        if dtype.hasobject:
            refuse("view() as an object dtype is not allowed: it would read memory as Python "
                   "objects; use astype(object) to convert the values.")
    return method(*args, **kwargs)


def guarded_getitem(obj: Any, key: Any) -> Any:
    """``obj[key]``; façades and modules cannot be indexed."""
    if isinstance(obj, (types.ModuleType, Facade)):
        refuse(f"Indexing {_describe(obj)} is not allowed.")
    return obj[key]


class _WriteProxy:
    """What ``_write_`` returns for pandas/NumPy objects: items yes, a few attributes only."""

    __slots__ = ("_target",)
    _target: Any

    def __init__(self, target: Any) -> None:
        object.__setattr__(self, "_target", target)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._target[key] = value

    def __delitem__(self, key: Any) -> None:
        del self._target[key]

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in WRITABLE_ATTRS:
            refuse(f"Setting '.{name}' on {_describe(self._target)} is not allowed: only "
                   f"{', '.join(sorted(WRITABLE_ATTRS))} may be assigned.")
        setattr(self._target, name, value)

    def __delattr__(self, name: str) -> None:
        refuse(f"Deleting '.{name}' from {_describe(self._target)} is not allowed.")


def guarded_write(obj: Any) -> Any:
    """The target of ``obj[k] = v`` / ``obj.a = v``: the code's own data, never a library."""
    if isinstance(obj, (type, types.ModuleType, Facade)):
        refuse(f"Changing {_name_of(obj)} is not allowed: analysis code may not modify pandas, "
               "NumPy, modules or classes.")
    if _is_library(obj):
        return _WriteProxy(obj)
    if isinstance(obj, (list, dict, set, bytearray)):
        return obj
    refuse(f"Changing {_describe(obj)} is not allowed: only lists, dicts, sets, DataFrames, "
           "Series and arrays can be modified.")


def _name_of(obj: Any) -> str:
    if isinstance(obj, Facade):
        return repr(obj.sandbox_name)
    name = getattr(obj, "__name__", None)
    return repr(name) if isinstance(name, str) else _describe(obj)


_INPLACE = {"+=": operator.iadd, "-=": operator.isub, "*=": operator.imul,
            "/=": operator.itruediv, "//=": operator.ifloordiv, "%=": operator.imod,
            "**=": operator.ipow, "<<=": operator.ilshift, ">>=": operator.irshift,
            "|=": operator.ior, "^=": operator.ixor, "&=": operator.iand,
            "@=": operator.imatmul}


def inplace_operation(op: str, target: Any, value: Any) -> Any:
    """``x op= y`` (RestrictedPython's ``_inplacevar_``); ``%=`` may format text."""
    if op == "%=":
        return texts.safe_modulo(target, value)
    return _INPLACE[op](target, value)
