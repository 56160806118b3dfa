"""Run-time guards that RestrictedPython calls for every attribute, item, write and import.

The compiler (``policy.py``) rewrites ``a.b`` into ``_getattr_(a, "b")``, ``a[k] = v`` into
``_write_(a)[k] = v`` and so on; the functions here decide. Attribute access is allowed by the
*type* of the object (pandas/NumPy objects: the method allowlist; plain Python values: public
names except string formatting; anything else: nothing), because a name-only check lets
``getattr(pd, "io").common.os`` through. Every refusal is also recorded, so code that catches
the error still ends as a policy refusal.
"""

from __future__ import annotations

import ast
import collections
import datetime
import inspect
import operator
import re
import types
from typing import Any, NoReturn

import pandas as pd

from ...errors import SandboxError
from .allowlist import CLASS_ATTRS, DISPATCH_METHODS, OBJECT_ATTRS, REDUCERS, WRITABLE_ATTRS

__all__ = [
    "REFUSALS",
    "DispatchGuard",
    "Facade",
    "guarded_getattr",
    "guarded_getitem",
    "guarded_write",
    "inplace_operation",
    "refuse",
]

#: Refusals of the current run (the worker runs each call in a fresh process).
REFUSALS: list[str] = []

_LIBRARIES = ("pandas", "numpy")
#: Names refused on every object, whatever its type.
_FORBIDDEN = frozenset({"format", "format_map", "mro", "gi_frame", "gi_code", "cr_frame",
                        "ag_frame", "f_back", "f_globals", "f_locals", "f_builtins", "tb_frame",
                        "tb_next", "co_code", "func_globals", "obj"})
_PLAIN_TYPES = (str, bytes, int, float, complex, list, tuple, dict, set, frozenset, range,
                slice, datetime.date, datetime.time, datetime.timedelta, datetime.tzinfo,
                type({}.keys()), type({}.values()), type({}.items()))
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
_EXPRESSION_KWARGS = frozenset({"engine", "parser", "local_dict", "global_dict", "resolvers",
                                "level", "target"})
_EXPRESSION_NODES = (ast.Module, ast.Expr, ast.Expression, ast.Assign, ast.Compare,
                     ast.BoolOp, ast.BinOp, ast.UnaryOp, ast.Name, ast.Load, ast.Store,
                     ast.Constant, ast.List, ast.Tuple, ast.Attribute, ast.Call, ast.operator,
                     ast.boolop, ast.unaryop, ast.cmpop)


def refuse(message: str) -> NoReturn:
    """Record and raise a policy refusal."""
    REFUSALS.append(message)
    raise SandboxError(message, kind="policy")


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


def guarded_getattr(obj: Any, name: Any) -> Any:
    """``obj.name`` for analysis code: allowed by the type of ``obj`` and the name."""
    name = _check_name(name)
    if isinstance(obj, Facade):
        return obj.sandbox_member(name)
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
        return getattr(cls, name)
    refuse(f"Class attribute '{cls.__name__}.{name}' is not allowed{_hint(name)}: only "
           "constructors such as DataFrame.from_dict or Timestamp.now may be used.")


def _library_attribute(obj: Any, name: str) -> Any:
    if name in OBJECT_ATTRS:
        value = getattr(obj, name)
        if name in DISPATCH_METHODS or name in {"query", "eval"}:
            return DispatchGuard(value, name)
        return value
    if isinstance(obj, pd.DataFrame) and name in obj.columns:
        return obj[name]  # df.sales, like plain pandas
    refuse(f"Method or attribute '{name}' of {_describe(obj)} is not allowed{_hint(name)}.")


def guarded_getitem(obj: Any, key: Any) -> Any:
    """``obj[key]``; façades and modules cannot be indexed."""
    if isinstance(obj, (types.ModuleType, Facade)):
        refuse(f"Indexing {_describe(obj)} is not allowed.")
    return obj[key]


class _WriteProxy:
    """What ``_write_`` returns for pandas/NumPy objects: items yes, a few attributes only."""

    __slots__ = ("_target",)

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
    """``x op= y`` (RestrictedPython's ``_inplacevar_``)."""
    return _INPLACE[op](target, value)


def check_function_spec(spec: Any, method: str) -> None:
    """A function argument of agg/apply/transform: callables, or reducer names."""
    if isinstance(spec, str):
        if spec not in REDUCERS:
            refuse(f"{method}({spec!r}) is not allowed: only reducer names such as 'sum', "
                   "'mean', 'max', 'count' may be passed as strings; pass a function for "
                   "anything else.")
    elif isinstance(spec, pd.NamedAgg):
        check_function_spec(spec.aggfunc, method)
    elif isinstance(spec, (list, tuple)):
        for item in spec:
            check_function_spec(item, method)
    elif isinstance(spec, dict):
        for item in spec.values():
            check_function_spec(item, method)


_SPEC_PARAMETERS = ("func", "aggfunc", "arg")


def _check_dispatch(name: str, method: Any, args: tuple, kwargs: dict) -> None:
    for key in ("engine", "engine_kwargs"):
        if kwargs.get(key) is not None:
            refuse(f"The {key!r} argument of {name}() is not allowed in analysis code.")
    try:
        bound = inspect.signature(method).bind_partial(*args, **kwargs).arguments
    except (TypeError, ValueError):
        bound = {}
    for parameter in _SPEC_PARAMETERS:
        if parameter in bound:
            check_function_spec(bound[parameter], name)
    for extra in bound.get("kwargs", {}).values():  # named aggregation: out=('col', 'sum')
        if isinstance(extra, tuple) and len(extra) == 2 and not isinstance(extra, pd.NamedAgg):
            check_function_spec(extra[1], name)
        elif isinstance(extra, (str, pd.NamedAgg)):
            check_function_spec(extra, name)


def check_expression(expression: Any, method: str, kwargs: dict) -> None:
    """A ``query``/``eval`` string: comparisons and arithmetic on columns, nothing else."""
    bad = sorted(_EXPRESSION_KWARGS & kwargs.keys())
    if bad:
        refuse(f"{method}() with {', '.join(bad)}= is not allowed in analysis code.")
    if not isinstance(expression, str):
        refuse(f"{method}() needs the expression as a string.")
    if "@" in expression:
        refuse(f"Local variables ('@name') in {method}() strings are not allowed: write the "
               "value into the string, or use a boolean mask such as df[df['x'] > value].")
    text = re.sub(r"`[^`]*`", "column", expression)
    try:
        tree = ast.parse(text.strip())
    except SyntaxError:
        return  # pandas reports its own syntax error
    for node in ast.walk(tree):
        if not isinstance(node, _EXPRESSION_NODES):
            refuse(f"{method}() strings may only compare and combine columns; "
                   f"{type(node).__name__} is not allowed.")
        name = getattr(node, "id", None) or getattr(node, "attr", None) or ""
        if name.startswith("_") or name in _FORBIDDEN:
            refuse(f"Name {name!r} is not allowed in a {method}() string.")
        if isinstance(node, ast.Attribute) and node.attr not in OBJECT_ATTRS:
            refuse(f"Method {node.attr!r} is not allowed in a {method}() string.")
        if isinstance(node, ast.Call) and not isinstance(node.func, ast.Attribute):
            refuse(f"Calling functions in a {method}() string is not allowed; use column "
                   "methods such as region.str.startswith('N').")


class DispatchGuard:
    """A pandas method that resolves strings (agg, apply, query...), checked before the call."""

    __slots__ = ("_method", "_name")

    def __init__(self, method: Any, name: str) -> None:
        self._method = method
        self._name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._name in {"query", "eval"}:
            expression = args[0] if args else kwargs.get("expr")
            check_expression(expression, self._name, kwargs)
        else:
            _check_dispatch(self._name, self._method, args, kwargs)
        return self._method(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<guarded {self._name}>"
