"""Results from the worker to the parent: tagged JSON for plain values, Arrow IPC for tables.

The worker runs untrusted code, so the parent never unpickles what it sends: a reply is a
length-prefixed JSON header (plain values as tagged JSON) followed by Arrow IPC streams for
DataFrames, Series, Indexes, arrays and pandas scalars (``tables.py`` says how a frame is laid
out and how object columns keep their cells). Decoding builds only plain values, pandas and
NumPy objects; anything else is refused when encoding, with a message that says what to
return.

Decoding trusts nothing about sizes either: a reply names at most :data:`MAX_RESULT_CELLS`
cells (a ``RangeIndex(10**9)`` is a few bytes on the wire and 8 GB once built), a JSON header
of at most :data:`MAX_HEADER_BYTES`, and integers of at most :data:`MAX_INT_DIGITS` digits;
each is checked before anything of that size is built, and decoding stops at the call's
deadline, so the time limit covers reading the result too.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import struct
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ...errors import SandboxError
from .tables import Sink, Source, decode_frame, encode_frame

__all__ = ["MAX_DEPTH", "MAX_HEADER_BYTES", "MAX_INT_DIGITS", "MAX_RESULT_CELLS", "decode",
           "encode", "encode_error"]

#: Deepest nesting of lists/dicts accepted in a result.
MAX_DEPTH = 32
#: Most cells (values, frame cells and labels) a result may have.
MAX_RESULT_CELLS = 100_000_000
#: Longest JSON header (the plain values of a result) accepted.
MAX_HEADER_BYTES = 64 << 20
#: Most decimal digits of an integer in a result (Python's own limit for int -> str).
MAX_INT_DIGITS = 4300
_INT_LIMIT = 10**MAX_INT_DIGITS
_HEX_DIGITS = MAX_INT_DIGITS * 5 // 6 + 1  # a hex digit is log16(10) ~ 0.83 decimal digits
_HEADER = struct.Struct("<Q")
#: Scalars sent as a one-cell table, so their type and time zone survive.
_TABLE_SCALARS = (pd.Timestamp, pd.Timedelta, pd.Period, pd.Interval, datetime.datetime,
                  datetime.timedelta, np.datetime64, np.timedelta64)
#: Scalars sent as text that their constructor reads back exactly.
_TEXT_SCALARS: dict[type, tuple[str, Callable[[Any], str]]] = {
                 decimal.Decimal: ("decimal", str),
                 datetime.date: ("date", datetime.date.isoformat),
                 datetime.time: ("time", datetime.time.isoformat)}
_FROM_TEXT: dict[str, Callable[[str], Any]] = {
    "decimal": decimal.Decimal, "date": datetime.date.fromisoformat,
    "time": datetime.time.fromisoformat}
_CONTAINERS = {list: "list", tuple: "tuple", set: "set", frozenset: "frozenset"}
_ARRAY_KINDS = "biufcmMU"


class _Writer:
    def __init__(self) -> None:
        self.blobs: list[pa.Buffer] = []

    def store(self, table: pa.Table) -> int:
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as stream:
            stream.write_table(table)
        self.blobs.append(sink.getvalue())
        return len(self.blobs) - 1

    def frame(self, frame: pd.DataFrame, depth: int) -> dict[str, Any]:
        return encode_frame(frame, Sink(lambda v: self.value(v, depth + 1), self.store))

    def value(self, obj: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise TypeError(f"the result is nested more than {MAX_DEPTH} levels deep")
        if isinstance(obj, np.generic) and not isinstance(obj, (np.datetime64, np.timedelta64)):
            obj = obj.item()
        if obj is None or isinstance(obj, (bool, str)):
            return obj
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
        if isinstance(obj, _TABLE_SCALARS):
            return {"$": "scalar", **self.frame(_column(pd.Series([obj])), depth)}
        if type(obj) in _TEXT_SCALARS:
            tag, text = _TEXT_SCALARS[type(obj)]
            return {"$": tag, "v": text(obj)}
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
            return {"$": "frame", **self.frame(obj, depth)}
        if isinstance(obj, pd.Series):
            return {"$": "series", "name": self.value(obj.name, depth + 1),
                    **self.frame(_column(obj), depth)}
        if isinstance(obj, pd.Index):
            return {"$": "index", **self.frame(pd.DataFrame(index=obj), depth)}
        if isinstance(obj, (pd.Categorical, pd.api.extensions.ExtensionArray)):
            return {"$": "array", **self.frame(_column(obj), depth)}
        if isinstance(obj, np.ndarray):
            return self._ndarray(obj, depth)
        raise TypeError(f"the result is a {type(obj).__name__}")

    def _ndarray(self, array: np.ndarray, depth: int) -> dict[str, Any]:
        if array.dtype.kind not in _ARRAY_KINDS or array.ndim > 2:
            return {"$": "objarray", "v": self.value(array.tolist(), depth + 1)}
        frame = pd.DataFrame(array.reshape(len(array), -1) if array.ndim else array.reshape(1, 1))
        return {"$": "ndarray", "shape": list(array.shape), "dtype": array.dtype.str,
                **self.frame(frame, depth)}


def _integer(digits: str) -> int:
    """A big integer sent as hex, refused before conversion when it has too many digits."""
    if len(digits.lstrip("-0x")) > _HEX_DIGITS or abs(value := int(digits, 16)) >= _INT_LIMIT:
        _too_large(f"an integer of more than {MAX_INT_DIGITS:,} digits")
    return value


def _column(values: Any) -> pd.DataFrame:
    """One unnamed column; its labels are a RangeIndex, which costs nothing to send."""
    return pd.DataFrame({0: values}, copy=False).set_axis(pd.RangeIndex(1), axis=1)


def encode(value: Any) -> list[bytes | pa.Buffer]:
    """Serialize a result for the parent as message parts, or raise TypeError naming what
    cannot be sent."""
    writer = _Writer()
    tree = writer.value(value)
    return _pack({"value": tree, "sizes": [blob.size for blob in writer.blobs]}, writer.blobs)


def encode_error(kind: str, message: str) -> list[bytes | pa.Buffer]:
    """Serialize a refusal or failure of the analysis code."""
    return _pack({"error": {"kind": kind, "message": message}}, [])


def _pack(header: dict[str, Any], blobs: list[pa.Buffer]) -> list[bytes | pa.Buffer]:
    text = json.dumps(header, allow_nan=False).encode()
    return [_HEADER.pack(len(text)), text, *blobs]


def decode(data: bytes | bytearray, deadline: float | None = None) -> Any:
    """Rebuild a result (or raise its ``SandboxError``) from worker bytes, trusting nothing;
    ``time_limit`` when ``deadline`` (``time.monotonic()``) passes while decoding."""
    try:
        (length,) = _HEADER.unpack_from(data)
        if length > MAX_HEADER_BYTES:
            return _too_large(f"{length:,} bytes of plain values")
        header = json.loads(data[_HEADER.size:_HEADER.size + length])
        error = header.get("error")
        if error is not None:
            kind = error["kind"] if error.get("kind") in SandboxError.KINDS else "runtime"
            return _raise(kind, str(error.get("message", ""))[:4000])
        blobs, offset = [], _HEADER.size + length
        for size in header["sizes"]:
            blobs.append(memoryview(data)[offset:offset + int(size)])
            offset += int(size)
        return _Reader(blobs, deadline).value(header["value"])
    except SandboxError:
        raise
    except MemoryError:
        return _too_large("more than this process can hold")
    except Exception as exc:  # noqa: BLE001 - whatever the bytes make fail, they are malformed
        raise SandboxError(f"The sandbox worker sent a malformed result "
                           f"({type(exc).__name__}: {exc}).", kind="runtime") from None


def _too_large(what: str) -> Any:
    raise SandboxError(f"The result is too large to show ({what}); return a summary such as "
                       "df.head(), df.describe() or an aggregate instead.", kind="memory_limit")


def _raise(kind: str, message: str) -> Any:
    raise SandboxError(message, kind=kind)


class _Reader:
    def __init__(self, blobs: list[memoryview], deadline: float | None) -> None:
        self.blobs, self.deadline = blobs, deadline
        self.cells = MAX_RESULT_CELLS

    def spend(self, cells: int) -> None:
        """Account for ``cells`` about to be built; refuse past the budget or the deadline."""
        self.cells -= cells
        if self.cells < 0:
            _too_large(f"more than {MAX_RESULT_CELLS:,} cells")
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise SandboxError("Reading the result took longer than the time limit; return a "
                               "smaller result.", kind="time_limit")

    def value(self, tree: Any) -> Any:
        self.spend(1)
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
        if tag in _FROM_TEXT:
            return _FROM_TEXT[tag](str(tree["v"]))
        return self._leaf(tag, tree)

    def _leaf(self, tag: str, tree: dict[str, Any]) -> Any:
        simple = {"NA": lambda: pd.NA, "NaT": lambda: pd.NaT,
                  "int": lambda: _integer(str(tree["v"])), "float": lambda: float(tree["v"]),
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
        return decode_frame(tree, Source(self.value, self._table, self.spend))

    def _table(self, number: Any) -> pa.Table:
        return pa.ipc.open_stream(pa.py_buffer(self.blobs[int(number)])).read_all()
