"""DataFrames as Arrow tables and back, faithfully, and what counts as a plain cell value.

A frame becomes a table of positional fields: ``i..`` for its index and ``c0..`` for its
columns, plus a small table ``l..`` for its column labels. A ``RangeIndex`` is sent as its
bounds, a MultiIndex as its codes with each level in a table of its own. Names travel as
tagged JSON beside the tables, never as Arrow field names, so duplicate, non-string and
tuple labels come back as they were. Each field notes its pandas dtype, and typed columns
are rebuilt from Arrow column by column (categoricals, tz-aware and non-nanosecond
datetimes, nullable and Arrow-backed dtypes, ``str``/``string``, periods, intervals), without
pandas' table conversion, which costs milliseconds even for a few rows.

Object columns are sent as a dense Arrow union with one child per cell type: ``None``,
``bool``, ``int``, ``float`` (NaN stays NaN), ``str`` and ``bytes`` cells in typed children,
any other plain value (containers, integers beyond 64 bits, dates, Decimals, timestamps...)
as tagged JSON, and a cell that is not a plain value as its text. So an object column of
``[1, "two", 3.0, None, True, "6"]`` comes back exactly, still of dtype object. A column that
Arrow cannot hold with its dtype comes back with the same values: a categorical of mixed-type
categories as its codes and categories, complex numbers restored to their NumPy dtype, any
other (a sparse column) as an object column.
What counts as a plain value, and how a frame is made of plain values before it crosses to
the worker, is ``plain.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from . import result_types
from .plain import cell_kinds, text

__all__ = ["Sink", "Source", "decode_frame", "encode_frame"]

_CHILDREN = (("none", pa.null()), ("bool", pa.bool_()), ("int", pa.int64()),
             ("float", pa.float64()), ("str", pa.large_string()), ("bytes", pa.large_binary()),
             ("tree", pa.large_string()))
_UNION = pa.dense_union([pa.field(name, kind) for name, kind in _CHILDREN])
_SLOT = {type(None): 0, bool: 1, int: 2, float: 3, str: 4, bytes: 5}
_TREE = len(_CHILDREN) - 1
_ARROW_ERRORS = (pa.ArrowException, ValueError, TypeError, OverflowError)
#: Field metadata: the pandas dtype a field is rebuilt as; for a categorical sent as codes,
#: the number of its categories' table and whether it is ordered.
_DTYPE, _CATEGORIES, _ORDERED = b"dtype", b"categories", b"ordered"

Value = Callable[[Any], Any]


@dataclass(frozen=True)
class Sink:
    """Where a frame is encoded to: ``value`` turns names and cells into tagged JSON (and
    raises TypeError for objects that are not plain values); ``store`` keeps an Arrow table
    and returns its number."""

    value: Callable[[Any], Any]
    store: Callable[[pa.Table], int]


@dataclass(frozen=True)
class Source:
    """Where a frame is decoded from: ``value`` rebuilds tagged JSON, ``load`` a table,
    ``spend`` is told how many cells a frame will have before it is built (and refuses
    beyond its budget)."""

    value: Callable[[Any], Any]
    load: Callable[[Any], pa.Table]
    spend: Callable[[int], None]


def encode_frame(frame: pd.DataFrame, sink: Sink) -> dict:
    """Describe ``frame`` as JSON plus the Arrow tables it hands to ``sink``."""
    index_meta, index_fields = _index_fields(frame.index, "i", sink)
    label_meta, label_fields = _index_fields(frame.columns, "l", sink)
    fields = {**index_fields, **{f"c{j}": column for j, (_, column) in enumerate(frame.items())}}
    tree = {"rows": len(frame), "index": index_meta, "columns": label_meta,
            "b": sink.store(_table(fields, sink))}
    if label_fields:
        tree["l"] = sink.store(_table(label_fields, sink))
    return tree


def _index_fields(index: pd.Index, prefix: str, sink: Sink) -> tuple[dict, dict[str, Any]]:
    """An index as JSON and fields: a range as its bounds, a MultiIndex as its codes (its
    levels in tables of their own), any other index as one field."""
    meta: dict[str, Any] = {"names": sink.value(list(index.names))}
    if isinstance(index, pd.RangeIndex):
        return {**meta, "range": [index.start, index.stop, index.step]}, {}
    if isinstance(index, pd.MultiIndex):
        meta["levels"] = [_store_values(level, sink) for level in index.levels]
        return meta, {f"{prefix}{j}": pd.Series(np.asarray(codes))
                      for j, codes in enumerate(index.codes)}
    if isinstance(index, (pd.DatetimeIndex, pd.TimedeltaIndex)) and index.freq is not None:
        meta["freq"] = index.freqstr
    return meta, {f"{prefix}0": index}


def _store_values(values: pd.Index, sink: Sink) -> int:
    """A table of its own for a MultiIndex level or a categorical's categories."""
    return sink.store(_table({"v": values}, sink))


def _table(fields: dict[str, Any], sink: Sink) -> pa.Table:
    """One Arrow table; each field notes the pandas dtype it is rebuilt as."""
    pairs = [_field(name, values, sink) for name, values in fields.items()]
    return pa.Table.from_arrays([array for _, array in pairs],
                                schema=pa.schema([field for field, _ in pairs]))


def _field(name: str, values: Any, sink: Sink) -> tuple[pa.Field, pa.Array]:
    """A typed Arrow array when Arrow holds the dtype, else codes and categories (for
    categories of mixed types), else a union of the cells (complex numbers, objects)."""
    dtype = values.dtype
    if not _is_object(dtype) and (isinstance(dtype, (np.dtype, pd.CategoricalDtype))
                                  or hasattr(dtype, "__from_arrow__")):
        try:
            array = pa.array(values.to_numpy() if isinstance(dtype, np.dtype) else values.array,
                             from_pandas=False)
            return pa.field(name, array.type, metadata={_DTYPE: _dtype_name(dtype)}), array
        except _ARROW_ERRORS:
            if isinstance(dtype, pd.CategoricalDtype):
                codes = pa.array(values.array.codes)
                return pa.field(name, codes.type, metadata={
                    _DTYPE: "category", _CATEGORIES: str(_store_values(dtype.categories, sink)),
                    _ORDERED: str(int(bool(dtype.ordered)))}), codes
    restore = dtype.str if isinstance(dtype, np.dtype) and dtype.kind in "biufcmM" else "object"
    return (pa.field(name, _UNION, metadata={_DTYPE: restore}),
            _union(values.to_numpy(dtype=object), sink.value))


def _is_object(dtype: Any) -> bool:
    return pd.api.types.is_object_dtype(dtype)


def _dtype_name(dtype: Any) -> str:
    if isinstance(dtype, pd.StringDtype) and str(dtype) == "string":
        return f"string[{dtype.storage}]"  # str() alone would lose the storage
    return str(dtype)


def _union(values: np.ndarray, value: Value) -> pa.UnionArray:
    """An object column as a dense union of typed children plus a JSON child."""
    codes, kinds = cell_kinds(values)
    ids = np.array([_SLOT.get(k, _TREE) for k in kinds], dtype=np.int8)[codes]
    offsets = np.zeros(len(values), dtype=np.int32)
    children: list[pa.Array] = []
    for slot, (_, kind) in enumerate(_CHILDREN):
        positions = np.flatnonzero(ids == slot)
        offsets[positions] = np.arange(len(positions), dtype=np.int32)
        if slot == _TREE:
            cells = [json.dumps(_cell(v, value), allow_nan=False) for v in values[positions]]
            children.append(pa.array(cells, type=kind))
            continue
        try:
            children.append(pa.array(values[positions], type=kind))
        except _ARROW_ERRORS:  # integers beyond 64 bits: the whole group goes as JSON
            ids[positions] = _TREE
            children.append(pa.array([], type=kind))
    return pa.UnionArray.from_dense(pa.array(ids, pa.int8()), pa.array(offsets, pa.int32()),
                                    children, field_names=[name for name, _ in _CHILDREN])


def _cell(cell: Any, value: Value) -> Any:
    try:
        return value(cell)
    except TypeError:  # not a plain value, or nested too deep: its text
        return text(cell)


def decode_frame(tree: dict, source: Source) -> pd.DataFrame:
    """Rebuild the frame :func:`encode_frame` described, checking shapes as it goes."""
    rows = int(tree["rows"])
    label_table = source.load(tree["l"]) if "l" in tree else None
    source.spend((rows + 1) * (_length(tree["columns"], label_table) + 1))
    fields = _fields(source.load(tree["b"]), source)
    index = _index(tree["index"], fields, "i", source)
    labels = _index(tree["columns"], {} if label_table is None
                    else _fields(label_table, source), "l", source)
    columns = [fields.pop(f"c{j}") for j in range(len(labels))]
    if fields or len(index) != rows:
        raise TypeError("the result table does not match its description")
    if not columns:
        return pd.DataFrame(index=index, columns=labels)
    frame = pd.DataFrame(dict(enumerate(columns)), copy=False)
    return frame.set_axis(index, axis=0).set_axis(labels, axis=1)


def _length(meta: dict, table: pa.Table | None) -> int:
    """How many labels an index description has, without building it."""
    if "range" in meta:
        return len(range(*(int(bound) for bound in meta["range"])))
    return 0 if table is None else table.num_rows


def _fields(table: pa.Table, source: Source) -> dict[str, pd.Series]:
    table.validate(full=True)  # the bytes come from the sandbox: check every offset
    fields: dict[str, pd.Series] = {}
    for field, column in zip(table.schema, table.columns, strict=True):
        meta = field.metadata or {}
        dtype = result_types.pandas_dtype(meta.get(_DTYPE, b"").decode())
        if not pa.types.is_union(field.type):  # a union is checked to be the encoder's own
            result_types.check_arrow_type(field.type, dtype)
            fields[field.name] = pd.Series(_typed(column, dtype, meta, source), copy=False)
            continue
        if not (_is_object(dtype) or dtype.kind in "biufcmM"):
            raise TypeError(f"unexpected column type {dtype}")
        parts = [_objects(chunk, source.value) for chunk in column.chunks]
        values = np.concatenate(parts) if parts else np.empty(0, dtype=object)
        fields[field.name] = pd.Series(values, dtype=dtype, copy=False)
    if len(fields) != table.num_columns:
        raise TypeError("repeated field names in a result table")
    return fields


def _typed(column: pa.ChunkedArray, dtype: Any, meta: dict, source: Source) -> Any:
    if isinstance(dtype, np.dtype):
        return column.to_numpy().astype(dtype, copy=False)
    if not isinstance(dtype, pd.CategoricalDtype):
        return dtype.__from_arrow__(column)
    if _CATEGORIES not in meta:
        return column.to_pandas().array  # categories and order come with the dictionary
    categories = _flat(_fields(source.load(int(meta[_CATEGORIES])), source)["v"])
    return pd.Categorical.from_codes(column.to_numpy(), categories=categories,
                                     ordered=meta.get(_ORDERED) == b"1", validate=True)


def _objects(union: pa.UnionArray, value: Value) -> np.ndarray:
    if union.type != _UNION:
        raise TypeError(f"unexpected cell types {union.type}")
    ids, offsets = union.type_codes.to_numpy(), union.offsets.to_numpy()
    out = np.empty(len(union), dtype=object)
    for slot, (name, _) in enumerate(_CHILDREN):
        positions = np.flatnonzero(ids == slot)
        if len(positions):
            out[positions] = _cells(name, union.field(slot), value)[offsets[positions]]
    return out


def _cells(name: str, child: pa.Array, value: Value) -> np.ndarray:
    if name == "none":
        return np.full(len(child), None, dtype=object)
    if name == "tree":
        return np.fromiter((value(json.loads(text)) for text in child.to_pylist()),
                           dtype=object, count=len(child))
    cells = child.to_numpy(zero_copy_only=False)
    return cells if _is_object(cells.dtype) else cells.astype(object)


def _index(meta: dict, fields: dict[str, pd.Series], prefix: str, source: Source) -> pd.Index:
    if "range" in meta:
        index: pd.Index = pd.RangeIndex(*(int(bound) for bound in meta["range"]))
    elif "levels" in meta:
        levels = [_flat(_fields(source.load(number), source)["v"]) for number in meta["levels"]]
        codes = [fields.pop(f"{prefix}{j}") for j in range(len(levels))]
        index = pd.MultiIndex(levels=levels, codes=codes, verify_integrity=True)
    else:
        index = _flat(fields.pop(f"{prefix}0"))
        if "freq" in meta:
            index = type(index)(index, freq=str(meta["freq"]))
    return index.set_names(source.value(meta["names"]))


def _flat(values: pd.Series) -> pd.Index:
    return pd.Index(values, dtype=values.dtype)
