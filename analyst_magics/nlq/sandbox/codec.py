"""Results from the worker to the parent: JSON for plain values, Arrow IPC for tables.

The worker runs untrusted code, so the parent never unpickles what it sends: a reply is a
length-prefixed JSON header (plain values as tagged JSON) followed by Arrow IPC streams for
DataFrames, Series, Indexes and arrays. Decoding builds only plain values, pandas and NumPy
objects; anything else is refused when encoding, with a message that says what to return.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import struct
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ...errors import SandboxError

__all__ = ["MAX_DEPTH", "decode", "encode", "encode_error"]

#: Deepest nesting of lists/dicts accepted in a result.
MAX_DEPTH = 32
_HEADER = struct.Struct("<Q")
_LEAF_SCALARS = (pd.Timestamp, pd.Timedelta, pd.Period, pd.Interval, datetime.date,
                 datetime.time, datetime.timedelta, decimal.Decimal, np.datetime64,
                 np.timedelta64)
_CONTAINERS = {list: "list", tuple: "tuple", set: "set", frozenset: "frozenset"}
_ARRAY_KINDS = "biufcmMU"


class _Writer:
    def __init__(self) -> None:
        self.blobs: list[bytes] = []

    def blob(self, frame: pd.DataFrame) -> dict[str, Any]:
        meta, table = _to_arrow(frame, self)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as stream:
            stream.write_table(table)
        self.blobs.append(sink.getvalue().to_pybytes())
        return {"b": len(self.blobs) - 1, **meta}

    def value(self, obj: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise TypeError(f"the result is nested more than {MAX_DEPTH} levels deep")
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, np.generic) and not isinstance(obj, (np.datetime64, np.timedelta64)):
            obj = obj.item()
        if isinstance(obj, int) and not isinstance(obj, bool):
            return obj if abs(obj) < 2**63 else {"$": "int", "v": hex(obj)}
        if isinstance(obj, float):
            return obj if np.isfinite(obj) else {"$": "float", "v": repr(obj)}
        return self._tagged(obj, depth)

    def _tagged(self, obj: Any, depth: int) -> dict[str, Any]:
        if obj is pd.NA or obj is pd.NaT:
            return {"$": "NA" if obj is pd.NA else "NaT"}
        if isinstance(obj, complex):
            return {"$": "complex", "v": [self.value(obj.real), self.value(obj.imag)]}
        if isinstance(obj, bytes):
            return {"$": "bytes", "v": base64.b64encode(obj).decode()}
        if isinstance(obj, _LEAF_SCALARS):
            return {"$": "scalar", **self.blob(pd.DataFrame({"v": pd.Series([obj])}))}
        if isinstance(obj, dict):
            return {"$": "dict", "k": [self.value(k, depth + 1) for k in obj],
                    "v": [self.value(v, depth + 1) for v in obj.values()]}
        for kind, tag in _CONTAINERS.items():
            if isinstance(obj, kind):
                return {"$": tag, "v": [self.value(v, depth + 1) for v in obj]}
        return self._pandas(obj, depth)

    def _pandas(self, obj: Any, depth: int) -> dict[str, Any]:
        if isinstance(obj, range):
            return {"$": "list", "v": list(obj)}
        if isinstance(obj, pd.DataFrame):
            return {"$": "frame", **self.blob(obj)}
        if isinstance(obj, pd.Series):
            return {"$": "series", "name": self.value(obj.name, depth + 1),
                    **self.blob(obj.to_frame(name="values"))}
        if isinstance(obj, pd.Index):
            return {"$": "index", **self.blob(pd.DataFrame(index=obj))}
        if isinstance(obj, (pd.Categorical, pd.api.extensions.ExtensionArray)):
            return {"$": "array", **self.blob(pd.DataFrame({"values": obj}))}
        if isinstance(obj, np.ndarray):
            return self._ndarray(obj, depth)
        raise TypeError(f"the result is a {type(obj).__name__}")

    def _ndarray(self, array: np.ndarray, depth: int) -> dict[str, Any]:
        if array.dtype.kind not in _ARRAY_KINDS or array.ndim > 2:
            return {"$": "objarray", "v": self.value(array.tolist(), depth + 1)}
        frame = pd.DataFrame(array.reshape(len(array), -1) if array.ndim else array.reshape(1, 1))
        return {"$": "ndarray", "shape": list(array.shape), "dtype": array.dtype.str,
                **self.blob(frame)}


def _to_arrow(frame: pd.DataFrame, writer: _Writer) -> tuple[dict[str, Any], pa.Table]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # lossy conversions warn: use the positional form
            return {"form": "pandas"}, pa.Table.from_pandas(frame, preserve_index=True)
    except (pa.ArrowException, ValueError, TypeError, UserWarning):
        return _positional(frame, writer)


def _positional(frame: pd.DataFrame, writer: _Writer) -> tuple[dict[str, Any], pa.Table]:
    """Frames Arrow cannot take as they are (duplicate labels, mixed object columns)."""
    flat = frame.reset_index(drop=True)
    columns = {f"c{i}": flat.iloc[:, i] for i in range(flat.shape[1])}
    levels = {f"i{j}": frame.index.get_level_values(j) for j in range(frame.index.nlevels)}
    arrays = {name: _arrow_column(values) for name, values in {**levels, **columns}.items()}
    meta = {"form": "positional", "labels": writer.value(list(frame.columns), 1),
            "column_names": writer.value(list(frame.columns.names), 1),
            "index_names": writer.value(list(frame.index.names), 1)}
    return meta, pa.table(arrays) if arrays else pa.table({})


def _arrow_column(values: Any) -> pa.Array:
    series = pd.Series(values)
    try:
        return pa.Array.from_pandas(series)
    except (pa.ArrowException, ValueError, TypeError):
        # mixed Python objects: keep their text, keep missing values missing
        return pa.array(series.astype(str).where(series.notna(), None).tolist(), pa.string())


def encode(value: Any) -> bytes:
    """Serialize a result for the parent, or raise TypeError naming what cannot be sent."""
    writer = _Writer()
    tree = writer.value(value)
    return _pack({"value": tree, "sizes": [len(b) for b in writer.blobs]}, writer.blobs)


def encode_error(kind: str, message: str) -> bytes:
    """Serialize a refusal or failure of the analysis code."""
    return _pack({"error": {"kind": kind, "message": message}}, [])


def _pack(header: dict[str, Any], blobs: list[bytes]) -> bytes:
    text = json.dumps(header, allow_nan=False).encode()
    return b"".join([_HEADER.pack(len(text)), text, *blobs])


def decode(data: bytes) -> Any:
    """Rebuild a result (or raise its ``SandboxError``) from worker bytes, trusting nothing."""
    try:
        (length,) = _HEADER.unpack_from(data)
        header = json.loads(data[_HEADER.size:_HEADER.size + length])
        error = header.get("error")
        if error is not None:
            kind = error["kind"] if error.get("kind") in SandboxError.KINDS else "runtime"
            return _raise(kind, str(error.get("message", ""))[:4000])
        blobs, offset = [], _HEADER.size + length
        for size in header["sizes"]:
            blobs.append(memoryview(data)[offset:offset + int(size)])
            offset += int(size)
        return _Reader(blobs).value(header["value"])
    except SandboxError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, struct.error, pa.ArrowException) as exc:
        raise SandboxError(f"The sandbox worker sent a malformed result ({exc}).",
                           kind="runtime") from None


def _raise(kind: str, message: str) -> Any:
    raise SandboxError(message, kind=kind)


class _Reader:
    def __init__(self, blobs: list[memoryview]) -> None:
        self.blobs = blobs

    def value(self, tree: Any) -> Any:
        if not isinstance(tree, dict):
            if tree is None or isinstance(tree, (bool, int, float, str)):
                return tree
            raise TypeError(f"unexpected {type(tree).__name__} in result")
        tag = tree["$"]
        if tag in ("list", "tuple", "set", "frozenset"):
            items = [self.value(v) for v in tree["v"]]
            return items if tag == "list" else {"tuple": tuple, "set": set,
                                                "frozenset": frozenset}[tag](items)
        if tag == "dict":
            return dict(zip((self.value(k) for k in tree["k"]),
                            (self.value(v) for v in tree["v"]), strict=True))
        return self._leaf(tag, tree)

    def _leaf(self, tag: str, tree: dict[str, Any]) -> Any:
        simple = {"NA": lambda: pd.NA, "NaT": lambda: pd.NaT,
                  "int": lambda: int(tree["v"], 16), "float": lambda: float(tree["v"]),
                  "complex": lambda: complex(*(self.value(v) for v in tree["v"])),
                  "bytes": lambda: base64.b64decode(tree["v"], validate=True),
                  "objarray": lambda: np.array(self.value(tree["v"]), dtype=object)}
        if tag in simple:
            return simple[tag]()
        frame = self.frame(tree)
        if tag == "frame":
            return frame
        if tag == "series":
            return frame.iloc[:, 0].rename(self.value(tree["name"]))
        if tag == "index":
            return frame.index
        if tag == "array":
            return frame.iloc[:, 0].array
        if tag == "scalar":
            return frame.iloc[0, 0]
        if tag == "ndarray":
            return self._ndarray(frame, tree)
        raise TypeError(f"unknown result tag {tag!r}")

    def _ndarray(self, frame: pd.DataFrame, tree: dict[str, Any]) -> np.ndarray:
        dtype = np.dtype(str(tree["dtype"]))
        if dtype.kind not in _ARRAY_KINDS:
            raise TypeError(f"unexpected array type {dtype}")
        return frame.to_numpy().astype(dtype, copy=False).reshape(
            [int(n) for n in tree["shape"]])

    def frame(self, tree: dict[str, Any]) -> pd.DataFrame:
        table = pa.ipc.open_stream(self.blobs[int(tree["b"])]).read_all()
        table.validate(full=True)
        if tree["form"] == "pandas":
            return table.to_pandas()
        frame = table.to_pandas()
        index_names = self.value(tree["index_names"])
        levels = [name for name in frame.columns if name.startswith("i")]
        frame = frame.set_index(levels) if levels else frame
        frame.index.names = index_names
        labels = self.value(tree["labels"])
        frame.columns = (pd.MultiIndex.from_tuples(labels) if labels and all(
            isinstance(label, tuple) for label in labels) else pd.Index(labels, dtype=object))
        frame.columns.names = self.value(tree["column_names"])
        return frame
