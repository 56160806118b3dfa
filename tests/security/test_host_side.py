"""The host side: no host object crosses into the sandbox, and no result can hurt the parent.

A frame that holds a real function or class anywhere (a category, an index label or name,
a structured cell, an interval bound, a time zone, ``attrs``) must reach analysis code as
plain values only. A result must be refused, quickly and in words, when it would cost the
parent more than its limits (cells, header bytes, integer digits) or more than its time.
"""

from __future__ import annotations

import builtins
import datetime
import subprocess
import time
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from analyst_magics.errors import SandboxError
from analyst_magics.nlq.sandbox import codec, run
from analyst_magics.nlq.sandbox.plain import is_plain, portable

_GETATTR = builtins.getattr


class _HostZone(datetime.tzinfo):
    """A time zone class of the host's own (the sandbox cannot import it)."""

    def utcoffset(self, dt: Any) -> datetime.timedelta:
        return datetime.timedelta(hours=1)

    def dst(self, dt: Any) -> datetime.timedelta:
        return datetime.timedelta(0)


def _void() -> Any:
    return np.array([(_GETATTR, 1)], dtype=[("f", "O"), ("n", "i8")])[0]


# frame, then code that reaches the planted object and reports whether it is plain
CARRIERS = {
    "category": (pd.DataFrame({"c": pd.Categorical([_GETATTR, "a"])}),
                 "v = df['c'].cat.categories[0] if hasattr(df['c'], 'cat') else df['c'][0]"),
    "categorical-index": (pd.DataFrame({"x": [1, 2]}, index=pd.CategoricalIndex(
        [_GETATTR, "a"])), "v = df.index[0]"),
    "index-name": (pd.DataFrame({"x": [1]}).set_axis(pd.Index([0], name=_GETATTR)),
                   "v = df.index.name"),
    "columns-name": (pd.DataFrame({"x": [1]}).set_axis(pd.Index(["x"], name=subprocess.Popen),
                                                       axis=1), "v = df.columns.name"),
    "column-label": (pd.DataFrame({_GETATTR: [1]}), "v = df.columns[0]"),
    "multiindex-level": (pd.DataFrame({"x": [1, 2]}, index=pd.MultiIndex.from_arrays(
        [[_GETATTR, "a"], [1, 2]])), "v = df.index[0][0]"),
    "multiindex-name": (pd.DataFrame({"x": [1]}, index=pd.MultiIndex.from_arrays(
        [["a"], [1]], names=[_GETATTR, "n"])), "v = df.index.names[0]"),
    "structured-cell": (pd.DataFrame({"s": pd.Series([_void(), 1], dtype=object)}),
                        "v = df['s'][0]"),
    "nested-cell": (pd.DataFrame({"n": pd.Series([{"k": [_GETATTR]}], dtype=object)}),
                    "v = df['n'][0]"),
}


@pytest.mark.parametrize("name", sorted(CARRIERS))
def test_no_host_object_reaches_analysis_code(name: str) -> None:
    frame, reach = CARRIERS[name]
    converted = portable(frame)
    assert all(is_plain(label) for axis in (converted.index, converted.columns)
               for label in axis.to_list() + list(axis.names))
    outcome = run(reach + "\nresult = callable(v)", frame)
    assert outcome is False
    with pytest.raises(SandboxError) as err:  # calling what was planted fails as a call on text
        run(reach + "\nresult = v(df, 'to_pickle')", frame)
    assert err.value.kind == "runtime" and "not callable" in str(err.value)


def test_a_host_time_zone_crosses_as_utc() -> None:
    stamps = pd.date_range("2024-01-01", periods=2, freq="h", tz=_HostZone())
    frame = pd.DataFrame({"t": stamps, "o": pd.Series(list(stamps), dtype=object)})
    assert run("result = str(df['t'].dt.tz)", frame) == "UTC"
    assert run("result = [isinstance(v, str) for v in df['o']]", frame) == [True, True]
    assert run("result = int(df['t'].dt.hour.iloc[0])", frame) == 23  # 00:00 at +01:00


def test_attrs_stay_behind() -> None:
    frame = pd.DataFrame({"x": [1]})
    frame.attrs["hook"] = _GETATTR
    assert portable(frame).attrs == {} and frame.attrs["hook"] is _GETATTR


def test_plain_frames_cross_unchanged() -> None:
    frame = pd.DataFrame({"c": pd.Categorical(["a", "b"]), "n": [1.5, 2.5],
                          "o": pd.Series([[1, "x"], {"k": 2}], dtype=object),
                          "t": pd.date_range("2024", periods=2, tz="Europe/Paris")},
                         index=pd.CategoricalIndex(["u", "v"], name="key"))
    assert portable(frame) is frame
    pd.testing.assert_frame_equal(run("result = df", frame), frame)


@pytest.mark.parametrize("code", [
    "result = pd.RangeIndex(10**9)",
    "result = pd.DataFrame(index=pd.RangeIndex(10**9))",
    "result = pd.Series(0, index=pd.RangeIndex(10**9)).iloc[:0].reindex(pd.RangeIndex(10**9))",
    "result = 2**20000",
    "result = {'deep': [[-(2**20000)]]}",
])
def test_results_beyond_the_limits_are_refused(code: str) -> None:
    started = time.monotonic()
    with pytest.raises(SandboxError) as err:
        run(code, pd.DataFrame({"x": [1]}), timeout=5, memory_mb=2048)
    assert err.value.kind == "memory_limit", str(err.value)
    assert time.monotonic() - started < 6


def test_decoding_keeps_the_deadline() -> None:
    reply = b"".join(bytes(part) for part in codec.encode(
        pd.DataFrame({"o": pd.Series([(i, "x") for i in range(50_000)], dtype=object)})))
    assert len(codec.decode(reply, time.monotonic() + 60)) == 50_000
    with pytest.raises(SandboxError) as err:
        codec.decode(reply, time.monotonic())
    assert err.value.kind == "time_limit"


def test_a_large_integer_within_the_limit_still_answers() -> None:
    assert run("result = 2**14000", pd.DataFrame({"x": [1]})) == 2**14000


def _reply(field: pa.Field, array: pa.Array, rows: int) -> bytes:
    """A reply as a compromised child could write it: one frame of one field."""
    sink = pa.BufferOutputStream()
    table = pa.Table.from_arrays([array], schema=pa.schema([field]))
    with pa.ipc.new_stream(sink, table.schema) as stream:
        stream.write_table(table)
    blob = sink.getvalue()
    tree = {"$": "frame", "rows": rows, "index": {"names": [None], "range": [0, rows, 1]},
            "columns": {"names": [None], "range": [0, 1, 1]}, "b": 0}
    return b"".join(bytes(part) for part in codec._pack({"value": tree, "sizes": [blob.size]},
                                                        [blob]))


def _amplifying() -> list[tuple[str, pa.Field, pa.Array]]:
    big = "x" * 1_000_000
    ree = pa.RunEndEncodedArray.from_arrays(pa.array([2000], pa.int32()),
                                            pa.array([big], pa.large_string()))
    dictionary = pa.DictionaryArray.from_arrays(pa.array([0] * 2000, pa.int32()),
                                                pa.array([big]))
    return [
        ("run-end encoded text as objects", pa.field("c0", ree.type, metadata={"dtype": "object"}),
         ree),
        ("dictionary text as objects", pa.field("c0", dictionary.type,
                                                metadata={"dtype": "object"}), dictionary),
        ("dictionary text as str", pa.field("c0", dictionary.type, metadata={"dtype": "str"}),
         dictionary),
        ("string view", pa.field("c0", pa.string_view(), metadata={"dtype": "str"}),
         pa.array(["a"] * 2000, pa.string_view())),
    ]


@pytest.mark.parametrize(("name", "field", "array"), _amplifying(), ids=lambda v: v
                         if isinstance(v, str) else "")
def test_a_reply_that_would_grow_when_decoded_is_refused(name: str, field: pa.Field,
                                                         array: pa.Array) -> None:
    reply = _reply(field, array, len(array))
    assert len(reply) < 2_000_000  # a few bytes on the wire...
    started = time.monotonic()
    with pytest.raises(SandboxError, match="malformed"):  # ...never gigabytes in the parent
        codec.decode(reply, time.monotonic() + 5)
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("dtype", ["datetime64[ns, dateutil//etc/passwd]",
                                   "datetime64[ns, ../../etc/passwd]", "Sparse[object]",
                                   "interval[object, right]", "V8"])
def test_a_reply_cannot_make_the_parent_resolve_a_type_it_does_not_send(dtype: str) -> None:
    field = pa.field("c0", pa.int64(), metadata={"dtype": dtype})
    with pytest.raises(SandboxError, match="malformed"):
        codec.decode(_reply(field, pa.array([1]), 1))


def test_an_arrow_time_zone_must_be_a_zone_name() -> None:
    kind = pa.timestamp("ns", tz="dateutil//etc/passwd")
    field = pa.field("c0", kind, metadata={"dtype": "datetime64[ns, UTC]"})
    with pytest.raises(SandboxError, match="malformed"):
        codec.decode(_reply(field, pa.array([1], kind), 1))


@pytest.mark.parametrize("value", [{"$": "decimal", "v": "abc"}, {"$": "int", "v": "zz"},
                                   {"$": "date", "v": "2024-99-99"}, {"$": "nope"}])
def test_any_malformed_value_is_a_sandbox_error(value: dict) -> None:
    reply = b"".join(bytes(part) for part in codec._pack({"value": value, "sizes": []}, []))
    with pytest.raises(SandboxError, match="malformed"):
        codec.decode(reply)


def test_an_overflowing_row_count_is_a_sandbox_error() -> None:
    text = (b'{"value": {"$": "frame", "rows": 1e999, "index": {"names": [null], "range": '
            b'[0, 1, 1]}, "columns": {"names": [null], "range": [0, 1, 1]}, "b": 0}, '
            b'"sizes": []}')
    with pytest.raises(SandboxError, match="malformed"):
        codec.decode(codec._HEADER.pack(len(text)) + text)
