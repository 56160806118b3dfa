"""Frames cross to the sandbox worker and results come back as they were.

Every frame goes through the real worker (``result = df``), so both directions are tested:
the pickle that carries the frame in, and the Arrow/JSON codec that carries results out.
"""

from __future__ import annotations

import datetime
import decimal
import json
import struct
import threading
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from analyst_magics.nlq.sandbox import SandboxError, codec, run
from analyst_magics.nlq.sandbox.plain import is_plain, portable

MIXED = [1, "two", 3.0, None, True, "6"]


def _frames() -> dict[str, pd.DataFrame]:
    categorical = pd.Categorical(["b", "a", "b"], categories=["b", "a", "z"], ordered=True)
    return {
        "mixed object": pd.DataFrame({"m": pd.Series(MIXED, dtype=object)}),
        "object ints with None": pd.DataFrame({"m": pd.Series([1, None, 3], dtype=object)}),
        "object text, None and NaN": pd.DataFrame({"m": pd.Series(["a", None, np.nan],
                                                                  dtype=object)}),
        "str": pd.DataFrame({"s": pd.Series(["x", None, "z"], dtype="str")}),
        "nullable": pd.DataFrame({"i": pd.array([1, None, 3], dtype="Int64"),
                                  "b": pd.array([True, None, False], dtype="boolean"),
                                  "f": pd.array([1.5, None, 0.0], dtype="Float64"),
                                  "s": pd.array(["x", None, "y"], dtype="string")}),
        "categorical": pd.DataFrame({"c": categorical}, index=pd.CategoricalIndex(
            ["u", "v", "u"], name="k")),
        "categorical of mixed categories": pd.DataFrame(
            {"c": pd.Series(MIXED, dtype=object).astype("category")}),
        "tz-aware": pd.DataFrame({"t": pd.date_range("2024-03-30", periods=3, freq="D",
                                                     tz="Europe/Paris")}),
        "duplicate labels": pd.DataFrame([[1, 2.5, "a"]], columns=["a", "a", "a"]),
        "non-string labels": pd.DataFrame([[1, 2, 3]], columns=[0, 2.5, pd.Timestamp("2024")]),
        "MultiIndex": pd.DataFrame(
            np.arange(8).reshape(4, 2), columns=pd.MultiIndex.from_tuples(
                [("v", 1), ("w", None)], names=["x", 7]),
            index=pd.MultiIndex.from_product([["a", "b"], [1, 2]], names=["k", None])),
        "containers and dates": pd.DataFrame({"o": pd.Series(
            [[1, [2]], {"k": (1, 2)}, {3}, decimal.Decimal("1.10"), datetime.date(2024, 2, 29),
             2**70], dtype=object)}),
        "datetime index with freq": pd.DataFrame({"v": [1.0, 2.0]},
                                                 index=pd.date_range("2024", periods=2)),
        "complex and periods": pd.DataFrame({"c": [1 + 2j, 3j], "p": pd.period_range(
            "2024-01", periods=2, freq="M")}),
        "no columns": pd.DataFrame(index=pd.Index(["a", "b"], dtype=object, name="k")),
    }


@pytest.mark.parametrize("name", list(_frames()))
def test_any_frame_round_trips(name: str) -> None:
    frame = _frames()[name]
    before = frame.copy(deep=True)
    pd.testing.assert_frame_equal(run("result = df", frame), frame)
    pd.testing.assert_frame_equal(frame, before)  # the input is never modified


def test_mixed_cells_keep_their_types_in_the_worker() -> None:
    frame = pd.DataFrame({"m": pd.Series(MIXED, dtype=object)})
    assert run("result = [isinstance(v, str) for v in df['m']]", frame) == \
        [isinstance(v, str) for v in MIXED]
    back = run("result = df['m'].iloc[[0, 2, 4]]", frame)
    assert [type(v) for v in back] == [int, float, bool]


def test_cells_that_are_not_plain_values_arrive_as_text() -> None:
    class Tag:
        def __str__(self) -> str:
            return "tag!"

    lock = threading.Lock()
    frame = pd.DataFrame({"o": pd.Series([Tag(), 1, [Tag()], lock], dtype=object),
                          "n": [1, 2, 3, 4]})
    sent = portable(frame)
    assert sent is not frame and frame["o"].iloc[0].__class__ is Tag  # input untouched
    assert sent["o"].tolist()[:3] == ["tag!", 1, str([frame["o"].iloc[2][0]])]
    assert run("result = df['o'].iloc[0] + '/' + str(df['n'].sum())", frame) == "tag!/10"
    with pytest.raises(SandboxError, match="Cannot return the result"):
        run("result = len", frame)


def test_plain_frames_are_sent_as_they_are(frame: pd.DataFrame) -> None:
    assert portable(frame) is frame  # no copy, no conversion: the common case costs nothing


@pytest.mark.parametrize(("cell", "plain"), [
    (1, True), ("x", True), (np.float32(1.5), True), (pd.NaT, True), ([1, {"a": (2,)}], True),
    (object(), False), (len, False), ([1, object()], False), ({object(): 1}, False)])
def test_plain_values(cell: Any, plain: bool) -> None:
    assert is_plain(cell) is plain


@pytest.mark.parametrize("value", [
    pd.Series(MIXED, name=("x", 1), dtype=object), pd.Index([1, "a", None], dtype=object),
    pd.Timestamp("2024-10-27 00:30", tz="UTC").tz_convert("Europe/Paris"), decimal.Decimal("1.10"),
    datetime.time(3, 4), np.array([[1, 2], [3, 4]]), np.array(["a", "bc"]),
    pd.array([1, None], dtype="Int64"), {"a": [1, {2}, (3.5, None)]}, np.bool_(True)])
def test_values_round_trip_through_the_codec(value: Any) -> None:
    back = codec.decode(b"".join(bytes(memoryview(part)) for part in codec.encode(value)))
    if isinstance(value, (pd.Series, pd.Index)):
        assert back.equals(value) and back.dtype == value.dtype and back.name == value.name
    elif isinstance(value, np.ndarray):
        np.testing.assert_array_equal(back, value)
        assert back.dtype == value.dtype
    else:
        assert back == value and type(back) is type(value.item() if isinstance(
            value, np.generic) else value)


def test_malformed_replies_are_refused() -> None:
    good = b"".join(bytes(memoryview(part)) for part in codec.encode(pd.DataFrame({"a": [1]})))
    for bad in (good[:-20], good[:8] + b"x" + good[9:], b"\x00" * 4):
        with pytest.raises(SandboxError, match="malformed result") as err:
            codec.decode(bad)
        assert err.value.kind == "runtime"


def test_a_table_that_refers_to_itself_is_refused() -> None:
    """A worker could point a categorical's categories at the table holding it."""
    frame = pd.DataFrame({"c": pd.Series([1, "a", 1], dtype=object).astype("category")})
    data = b"".join(bytes(memoryview(part)) for part in codec.encode(frame))
    (length,) = struct.unpack_from("<Q", data)
    header = json.loads(data[8:8 + length])
    blobs, offset = [], 8 + length
    for size in header["sizes"]:
        blobs.append(data[offset:offset + size])
        offset += size
    body = header["value"]["b"]
    table = pa.ipc.open_stream(blobs[body]).read_all()
    field = table.schema.field("c0")
    looped = table.cast(table.schema.set(table.schema.get_field_index("c0"), field.with_metadata(
        {**field.metadata, b"categories": str(body).encode()})))
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, looped.schema) as stream:
        stream.write_table(looped)
    blobs[body] = sink.getvalue().to_pybytes()
    header["sizes"] = [len(blob) for blob in blobs]
    text = json.dumps(header).encode()
    with pytest.raises(SandboxError, match="malformed result .*recursion"):
        codec.decode(struct.pack("<Q", len(text)) + text + b"".join(blobs))
