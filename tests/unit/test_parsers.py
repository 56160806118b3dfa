"""The text parsers: numbers, dates and flags written as text (analyst_magics.parsers)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyst_magics.data_utils import parse_boolean, parse_numeric, try_parse_date

PARSERS = [parse_numeric, try_parse_date, parse_boolean]


# --- parse_numeric -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("1,234", 1234.0), ("1 234", 1234.0), ("1\u00a0234,5", 1234.5), ("$5.00", 5.0),
    ("\u20ac5", 5.0), ("5 \u20ac", 5.0), ("USD 12.50", 12.5), ("12 EUR", 12.0),
    ("12%", 0.12), ("(3.5)", -3.5), ("(12%)", -0.12), ("-$1,234.50", -1234.5),
    ("$-7", -7.0), ("\u22127", -7.0), ("+4", 4.0), (".5", 0.5), ("1e3", 1000.0),
    ("1.5e-3", 0.0015), ("0", 0.0), ("0.25", 0.25),
])
def test_parse_numeric_reads_written_numbers(text: str, expected: float) -> None:
    assert parse_numeric(pd.Series([text])).iloc[0] == pytest.approx(expected)


@pytest.mark.parametrize("text", ["abc", "1,2,3", "12,34,567", "007", "(5", "1e999", "5-", "$"])
def test_parse_numeric_refuses_malformed_numbers(text: str) -> None:
    assert parse_numeric(pd.Series([text, "1"]), min_ratio=0).isna().tolist() == [True, False]


def test_parse_numeric_missing_tokens_are_nan_not_failures() -> None:
    series = pd.Series(["1", "", "-", "n/a", "NULL", None, np.nan, " 2 "])
    got = parse_numeric(series)
    assert got is not None
    assert got.tolist()[0] == 1.0 and got.tolist()[-1] == 2.0
    assert got.isna().sum() == 6


def test_parse_numeric_decimal_comma_is_decided_per_column() -> None:
    european = parse_numeric(pd.Series(["1.234,5", "3,25", "2.000"]))
    assert european.tolist() == [1234.5, 3.25, 2000.0]
    american = parse_numeric(pd.Series(["1,234.5", "3.25", "2,000"]))
    assert american.tolist() == [1234.5, 3.25, 2000.0]


def test_parse_numeric_ratio_threshold() -> None:
    series = pd.Series(["1"] * 19 + ["x"])
    assert parse_numeric(series, min_ratio=0.95).isna().sum() == 1
    assert parse_numeric(series, min_ratio=0.96) is None


def test_parse_numeric_keeps_index_name_and_returns_float_for_numbers() -> None:
    series = pd.Series(["$1", "$2", "$3"], index=[10, 10, 3], name="price")
    got = parse_numeric(series)
    assert got.index.tolist() == [10, 10, 3] and got.name == "price"
    assert got.dtype == "float64" and got.tolist() == [1.0, 2.0, 3.0]
    ints = pd.Series([1, 2, None], dtype="Int64")
    assert parse_numeric(ints).dtype == "float64"
    assert parse_numeric(pd.Series([True, False])) is None
    assert parse_numeric(pd.Series(pd.date_range("2024", periods=2))) is None


def test_parse_numeric_on_mixed_object_column() -> None:
    mixed = pd.Series([1, "two", 3.0, None, True, "6"] * 5, dtype=object)
    assert parse_numeric(mixed) is None
    got = parse_numeric(mixed, min_ratio=0.5)  # 1, 3.0 and "6" of five present values
    assert got.iloc[:6].fillna(-1).tolist() == [1.0, -1, 3.0, -1, -1, 6.0]


def _written(value: float, thousands: str, symbol: str, parens: bool) -> str:
    body = f"{abs(value):,.2f}".replace(",", thousands)
    body = f"{symbol}{body}"
    if value < 0:
        body = f"({body})" if parens else f"-{body}"
    return body


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), min_size=1,
                    max_size=30),
    thousands=st.sampled_from([",", " ", "'", ""]),
    symbol=st.sampled_from(["", "$", "\u00a3", "\u20ac"]),
    parens=st.booleans(),
)
def test_parse_numeric_round_trips_formatted_floats(values: list[float], thousands: str,
                                                    symbol: str, parens: bool) -> None:
    rounded = [round(v, 2) for v in values]
    series = pd.Series([_written(v, thousands, symbol, parens) for v in rounded])
    got = parse_numeric(series)
    assert got is not None
    np.testing.assert_allclose(got.to_numpy(), rounded, rtol=1e-12, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=-10_000, max_value=10_000), min_size=1, max_size=30))
def test_parse_numeric_percentages_are_fractions(values: list[int]) -> None:
    got = parse_numeric(pd.Series([f"{v / 10:.1f}%" for v in values]))
    np.testing.assert_allclose(got.to_numpy(), [v / 1000 for v in values], atol=1e-12)


# --- parse_boolean -------------------------------------------------------------------------

def test_parse_boolean_tokens() -> None:
    series = pd.Series(["Yes", " no", "TRUE", "f", "Y", "n", None, "N/A", "t", "False"])
    got = parse_boolean(series)
    assert got.dtype == "boolean"
    assert got.tolist() == [True, False, True, False, True, False, pd.NA, pd.NA, True, False]


@pytest.mark.parametrize(("series", "is_flag"), [
    (pd.Series([0, 1, 1, 0]), True),
    (pd.Series([0.0, 1.0, np.nan]), True),
    (pd.Series([1, 1, 1]), False),
    (pd.Series([0, 1, 2]), False),
    (pd.Series(["1", "0", "1"]), True),
    (pd.Series(["1", "1"]), False),
    (pd.Series([True, False, None], dtype=object), True),
    (pd.Series(["yes", "maybe"]), False),
    (pd.Series([None, None], dtype=object), False),
    (pd.Series([], dtype=object), False),
])
def test_parse_boolean_only_accepts_flag_columns(series: pd.Series, is_flag: bool) -> None:
    assert (parse_boolean(series) is not None) is is_flag


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.booleans(), st.none()), min_size=1, max_size=40),
       st.sampled_from([("yes", "no"), ("True", "False"), ("Y", "N"), ("t", "f")]),
       st.sampled_from(["", " ", "  "]))
def test_parse_boolean_round_trips(flags: list[bool | None], words: tuple[str, str],
                                   pad: str) -> None:
    series = pd.Series([None if f is None else pad + words[not f] + pad for f in flags],
                       dtype=object)
    got = parse_boolean(series)
    if all(f is None for f in flags):
        assert got is None
    else:
        assert got.tolist() == [pd.NA if f is None else f for f in flags]


# --- try_parse_date ------------------------------------------------------------------------

@pytest.mark.parametrize(("texts", "expected"), [
    (["2024-01-31", "2024-02-01"], ["2024-01-31", "2024-02-01"]),
    (["2024-01-31 14:05:00", "2024-02-01T08:00"], ["2024-01-31 14:05", "2024-02-01 08:00"]),
    (["01/31/2024", "02/01/2024"], ["2024-01-31", "2024-02-01"]),
    (["31/01/2024", "01/02/2024"], ["2024-01-31", "2024-02-01"]),
    (["1/2/2024", "3/4/2024"], ["2024-01-02", "2024-03-04"]),
    (["31.01.2024", "1.2.2024"], ["2024-01-31", "2024-02-01"]),
    (["Jan 5, 2024", "February 29, 2024"], ["2024-01-05", "2024-02-29"]),
    (["5 Jan 2024", "05-Feb-2024"], ["2024-01-05", "2024-02-05"]),
    (["1/5/2024 2:30 PM", "1/6/2024 9:15 AM"], ["2024-01-05 14:30", "2024-01-06 09:15"]),
    (["2024-01-31", "Feb 1, 2024", "02/03/2024"], ["2024-01-31", "2024-02-01", "2024-02-03"]),
])
def test_try_parse_date_formats(texts: list[str], expected: list[str]) -> None:
    got = try_parse_date(pd.Series(texts))
    assert got is not None
    assert got.tolist() == pd.to_datetime(pd.Series(expected)).tolist()


def test_try_parse_date_offsets_make_the_column_utc() -> None:
    got = try_parse_date(pd.Series(["2024-01-01T10:00:00+01:00", "2024-01-01 10:00"]))
    assert str(got.dt.tz) == "UTC"
    assert got.tolist() == [pd.Timestamp("2024-01-01 09:00", tz="UTC"),
                            pd.Timestamp("2024-01-01 10:00", tz="UTC")]


@pytest.mark.parametrize("series", [
    pd.Series(["2024", "2023", "2022"]), pd.Series(["20240105", "20240106"]),
    pd.Series([2024, 2025]), pd.Series(["1", "15", "31"]), pd.Series(["north", "south"]),
    pd.Series(["2024-01-01", "x", "y"]), pd.Series(["", None, "n/a"]),
    pd.Series(["v1.2.3", "v1.2.4"]), pd.Series([1.5, 2.5]),
])
def test_try_parse_date_refuses_non_dates(series: pd.Series) -> None:
    assert try_parse_date(series) is None


def test_try_parse_date_keeps_datetime_input_and_index() -> None:
    dates = pd.Series(pd.date_range("2024-03-01", periods=3, tz="Europe/Paris"), name="when")
    got = try_parse_date(dates)
    assert got is not dates and got.equals(dates)
    text = pd.Series(["2024-01-01", None, "2024-01-03"], index=["a", "b", "a"], name="d")
    got = try_parse_date(text)
    assert got.index.tolist() == ["a", "b", "a"] and got.name == "d" and pd.isna(got["b"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.datetimes(min_value=pd.Timestamp("1950-01-01").to_pydatetime(),
                             max_value=pd.Timestamp("2080-01-01").to_pydatetime()),
                min_size=1, max_size=30),
       st.sampled_from(["%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M", "%b %d, %Y", "%d.%m.%Y"]))
def test_try_parse_date_round_trips(stamps: list, fmt: str) -> None:
    texts = pd.Series([s.strftime(fmt) for s in stamps])
    got = try_parse_date(texts)
    assert got is not None
    # month-first is also the default when no day exceeds 12, so the answer never varies
    assert got.tolist() == pd.to_datetime(texts, format=fmt).tolist()


# --- all parsers -----------------------------------------------------------------------------

@pytest.mark.parametrize("parse", PARSERS)
@settings(max_examples=50, deadline=None)
@given(values=st.lists(st.one_of(st.text(max_size=12), st.none(), st.floats(), st.integers(),
                                 st.booleans()), max_size=30))
def test_parsers_never_raise_nor_mutate(parse, values: list[object]) -> None:
    series = pd.Series(values, dtype=object)
    before = series.copy()
    got = parse(series)
    pd.testing.assert_series_equal(series, before)
    assert got is None or (len(got) == len(series) and got.index.equals(series.index))


@pytest.mark.parametrize("parse", PARSERS)
def test_parsers_on_every_frame_shape(parse, frame: pd.DataFrame) -> None:
    before = frame.copy()
    for _, column in frame.items():
        got = parse(column)
        assert got is None or got.index.equals(column.index)
    pd.testing.assert_frame_equal(frame, before)


def test_parsers_on_text_dtypes() -> None:
    for dtype in ("object", "string", "category"):
        series = pd.Series(["$1", "$2", None], dtype=dtype)
        assert parse_numeric(series).tolist()[:2] == [1.0, 2.0]
