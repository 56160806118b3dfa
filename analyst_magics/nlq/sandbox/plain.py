"""Plain values, and frames made only of them before they cross to the sandbox.

A frame is pickled to the sandbox, and a pickle carries any object it can name by reference:
a category, an index label or an index name that is ``builtins.getattr`` or a class would
reach analysis code as the real object, which calls past every guard. So before a frame
crosses, every object-bearing part of it is made of plain values (numbers, text, bytes,
dates and times, pandas and NumPy scalars, containers of them): object cells, categorical
categories, index and column labels (every level, a ``CategoricalIndex`` included), index
and column names, cells of extension types that hold objects; ``attrs`` are left behind.
Anything else becomes its ``str()``. Results come back the other way built from JSON and
Arrow (``codec.py``), which can only make plain values.

>>> import builtins, pandas as pd
>>> frame = pd.DataFrame({"f": pd.Categorical([builtins.getattr, "a"])})
>>> portable(frame)["f"].tolist()  # the function's text, never the function
['<built-in function getattr>', 'a']
"""

from __future__ import annotations

import datetime
import decimal
import zoneinfo
from typing import Any

import numpy as np
import pandas as pd
from pandas.core.dtypes.dtypes import BaseMaskedDtype

__all__ = ["MAX_CELL_DEPTH", "cell_kinds", "is_plain", "portable", "text"]

#: Deepest nesting of containers inside one cell that still counts as a plain value.
MAX_CELL_DEPTH = 32
_SCALARS = frozenset({type(None), bool, int, float, complex, str, bytes, decimal.Decimal,
                      datetime.date, datetime.timedelta, pd.Timedelta, pd.Period,
                      type(pd.NaT), type(pd.NA)})
#: Scalars that carry a time zone object: plain when the zone is a known kind.
_ZONED = frozenset({datetime.datetime, datetime.time, pd.Timestamp})
_CONTAINERS = (list, tuple, set, frozenset)
_ZONES = (datetime.timezone, zoneinfo.ZoneInfo)
_ZONE_MODULES = ("dateutil", "pytz")
_type_of = np.frompyfunc(type, 1, 1)


def is_plain(cell: Any, depth: int = 0) -> bool:
    """Whether ``cell`` is a plain value: a number, text, bytes, date/time, a pandas or NumPy
    scalar (a structured ``np.void`` only of plain fields), an interval of plain bounds, or a
    list/tuple/set/dict of plain values."""
    kind = type(cell)
    if kind in _SCALARS or (issubclass(kind, np.generic) and kind is not np.void):
        return True
    if kind in _ZONED:
        return cell.tzinfo is None or _known_zone(cell.tzinfo)
    if depth >= MAX_CELL_DEPTH:
        return False
    if kind is pd.Interval:
        return is_plain(cell.left, depth + 1) and is_plain(cell.right, depth + 1)
    if kind is np.void:
        return is_plain(cell.item(), depth + 1)
    if kind in _CONTAINERS:
        return all(is_plain(item, depth + 1) for item in cell)
    if kind is dict:
        return all(is_plain(k, depth + 1) and is_plain(v, depth + 1) for k, v in cell.items())
    return False


def _known_zone(zone: Any) -> bool:
    return isinstance(zone, _ZONES) or type(zone).__module__.split(".")[0] in _ZONE_MODULES


def text(cell: Any) -> str:
    """A cell's text, even when its ``__str__`` is broken."""
    try:
        return str(cell)
    except Exception:  # noqa: BLE001 - a broken __str__ still yields a cell
        return f"<{type(cell).__name__} object>"


def cell_kinds(values: np.ndarray) -> tuple[np.ndarray, list[type]]:
    """The type of every cell, as codes into the list of distinct types."""
    if not len(values):
        return np.empty(0, dtype=np.intp), []
    codes, kinds = pd.factorize(_type_of(values))
    return codes, list(kinds)


def _plain_objects(values: np.ndarray) -> np.ndarray | None:
    """``values`` with non-plain cells as text, or None when every cell is plain already."""
    codes, kinds = cell_kinds(values)
    simple = np.array([k in _SCALARS or (issubclass(k, np.generic) and k is not np.void)
                       for k in kinds], dtype=bool)
    if simple.all():
        return None
    suspects = np.flatnonzero(~simple[codes])
    bad = [i for i in suspects if not is_plain(values[i])]
    if not bad:
        return None
    fixed = values.copy()
    fixed[bad] = np.fromiter((text(values[i]) for i in bad), dtype=object, count=len(bad))
    return fixed


def _typed(dtype: Any) -> bool:
    """Whether values of ``dtype`` can only be typed values (no Python objects inside)."""
    if isinstance(dtype, np.dtype):
        return dtype.kind != "O" and not dtype.fields
    if isinstance(dtype, pd.DatetimeTZDtype):
        return _known_zone(dtype.tz)
    if isinstance(dtype, pd.CategoricalDtype):
        return _portable_values(dtype.categories) is None
    if isinstance(dtype, (pd.IntervalDtype, pd.SparseDtype)):
        return _typed(dtype.subtype)
    return isinstance(dtype, (pd.StringDtype, pd.ArrowDtype, pd.PeriodDtype, BaseMaskedDtype))


def _portable_values(values: pd.Index | pd.Series) -> Any:
    """``values`` made plain (object cells, or times in UTC), or None when they are plain
    as they are."""
    if _typed(values.dtype):
        return None
    if isinstance(values.dtype, pd.DatetimeTZDtype):  # a zone of an unknown kind: UTC
        return pd.Series(values).dt.tz_convert("UTC").array
    cells = values.to_numpy(dtype=object)
    fixed = _plain_objects(cells)
    if fixed is not None:
        return fixed
    return None if pd.api.types.is_object_dtype(values.dtype) else cells


def _plain_name(name: Any) -> Any:
    return name if is_plain(name) else text(name)


def _portable_index(index: pd.Index) -> pd.Index:
    levels = [index.get_level_values(j) for j in range(index.nlevels)]
    fixed = [_portable_values(level) for level in levels]
    names = [_plain_name(name) for name in index.names]
    if all(f is None for f in fixed) and all(a is b for a, b in zip(names, index.names,
                                                                       strict=True)):
        return index
    arrays = [level if f is None else _as_index(f) for level, f in zip(levels, fixed,
                                                                        strict=True)]
    if isinstance(index, pd.MultiIndex):
        return pd.MultiIndex.from_arrays(arrays, names=names)
    return arrays[0].rename(names[0])


def _as_index(values: Any) -> pd.Index:
    return pd.Index(values, dtype=object if isinstance(values, np.ndarray) else None)


def portable(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as the worker receives it: made only of plain values (see the module).

    Returns ``frame`` itself when nothing needs converting (the common case); otherwise a
    shallow copy with the converted parts replaced. The input is never modified.
    """
    fixed = {}
    for position, dtype in enumerate(frame.dtypes):
        if not _typed(dtype):
            values = _portable_values(frame.iloc[:, position])
            if values is not None:
                fixed[position] = values
    index, columns = _portable_index(frame.index), _portable_index(frame.columns)
    if not fixed and index is frame.index and columns is frame.columns and not frame.attrs:
        return frame
    out = frame.copy(deep=False)
    out.attrs = {}
    for position, values in fixed.items():
        dtype = object if isinstance(values, np.ndarray) else None
        out.isetitem(position, pd.Series(values, index=out.index, dtype=dtype, copy=False))
    return out.set_axis(index, axis=0).set_axis(columns, axis=1)
