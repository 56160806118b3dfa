"""am.profile: statistics checked against pandas, semantic types, strict JSON, bad input."""

from __future__ import annotations

import datetime as dt
import json
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import analyst_magics as am
from analyst_magics.errors import AnalystError, DataLoadError
from analyst_magics.models import Profile, SemanticType
from analyst_magics.pipeline.column_stats import HISTOGRAM_BINS, QUANTILES, most_frequent
from analyst_magics.pipeline.profiling import profile


def _strict_json(prof: Profile) -> dict:
    return json.loads(json.dumps(prof.to_dict(), allow_nan=False))


def _numbers() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    floats = rng.gamma(2.0, 3.0, 500) - 4.0
    floats[rng.random(500) < 0.1] = np.nan
    floats[:5] = 0.0
    return pd.DataFrame({
        "floats": floats,
        "ints": rng.integers(-20, 20, 500),
        "nullable": pd.array(np.where(rng.random(500) < 0.2, None, rng.integers(0, 9, 500)),
                             dtype="Int64"),
        "small": rng.normal(size=500).astype(np.float32),
        "uint": rng.integers(0, 2**40, 500).astype(np.uint64),
    })


# --------------------------------------------------------------------------- every data shape


def test_every_shape_profiles_to_strict_json_without_touching_the_input(frame):
    before = frame.copy(deep=True)
    prof = am.profile(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert (prof.rows, prof.columns) == frame.shape
    assert [c.name for c in prof.column_profiles] == [str(c) for c in frame.columns]
    assert prof.duplicate_rows == int(frame.duplicated().sum())
    assert prof.missing_cells == int(frame.isna().sum().sum())
    assert prof.memory_bytes == int(frame.memory_usage(deep=True).sum())
    columns = prof.column_profiles
    assert [c.count for c in columns] == frame.count().tolist()
    assert [c.missing for c in columns] == frame.isna().sum().tolist()
    assert [c.distinct for c in columns] == frame.nunique().tolist()
    assert all((c.semantic_type is SemanticType.EMPTY) == (c.count == 0) for c in columns)
    data = _strict_json(prof)
    assert data["rows"] == len(frame) and len(data["column_profiles"]) == frame.shape[1]


def test_numbers_match_pandas():
    df = _numbers()
    prof = profile(df)
    for col in prof.column_profiles:
        series = df[col.name].astype("float64")
        expected = {"mean": series.mean(), "std": series.std(), "skewness": series.skew(),
                    "kurtosis": series.kurt(), "min": series.min(), "max": series.max()}
        for field, value in expected.items():
            assert getattr(col, field) == pytest.approx(value, rel=1e-9, abs=1e-12), field
        quantiles = series.quantile(list(QUANTILES.values())).to_numpy()
        assert list(col.quantiles) == list(QUANTILES)
        np.testing.assert_allclose(list(col.quantiles.values()), quantiles, rtol=1e-12)
        assert col.distinct == series.nunique() and col.missing == series.isna().sum()
        assert col.zeros == (series == 0).sum() and col.negatives == (series < 0).sum()
        assert col.missing_pct == pytest.approx(series.isna().mean())
        assert col.distinct_pct == pytest.approx(series.nunique() / series.count())
        assert col.semantic_type is SemanticType.NUMERIC


def test_integer_extremes_stay_exact():
    big = np.array([2**62, 2**62 + 1, -(2**62), 5], dtype=np.int64)
    col = profile(pd.DataFrame({"big": big})).column("big")
    assert (col.min, col.max, col.distinct) == (-(2**62), 2**62 + 1, 4)
    assert isinstance(col.min, int)


def test_constant_and_tiny_columns_have_no_invented_moments():
    prof = profile(pd.DataFrame({"c": [0.1] * 10, "two": [1.0, 2.0] + [np.nan] * 8}))
    constant, two = prof.column("c"), prof.column("two")
    assert constant.std == 0.0 and constant.skewness is None and constant.kurtosis is None
    assert constant.mean == pytest.approx(0.1) and constant.distinct == 1
    assert two.skewness is None and two.kurtosis is None and two.std == pytest.approx(2**-0.5)


def test_infinities_and_all_missing_numbers_stay_strict_json():
    df = pd.DataFrame({"inf": [1.0, np.inf, -np.inf, 2.0], "nan": [np.nan] * 4})
    prof = profile(df)
    data = _strict_json(prof)
    inf = prof.column("inf")
    assert inf.max == np.inf and inf.min == -np.inf and inf.count == 4
    assert data["column_profiles"][0]["max"] is None and data["column_profiles"][0]["mean"] is None
    assert prof.column("nan").semantic_type is SemanticType.EMPTY
    assert prof.column("nan").quantiles == {} and prof.high_missing_columns == ["nan"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.floats(-1e6, 1e6, allow_subnormal=False)),
                min_size=1, max_size=60))
def test_numeric_statistics_match_pandas_on_any_values(values):
    series = pd.Series(values, dtype="float64")
    before = series.copy()
    col = profile(series.to_frame("v")).column("v")
    pd.testing.assert_series_equal(series, before)
    assert col.count == series.count() and col.distinct == series.nunique()
    for field, value in {"mean": series.mean(), "std": series.std(), "min": series.min(),
                         "max": series.max()}.items():
        if pd.isna(value):
            assert getattr(col, field) is None
        else:
            assert getattr(col, field) == pytest.approx(value, rel=1e-9, abs=1e-6)
    if series.count():
        expected = series.quantile(list(QUANTILES.values())).to_numpy()
        np.testing.assert_allclose(list(col.quantiles.values()), expected, rtol=1e-9, atol=1e-6)


# --------------------------------------------------------------------------- other families


def test_datetimes_keep_their_time_zone_and_exact_values():
    when = pd.Series(pd.date_range("2024-03-30", periods=100, freq="37min", tz="Europe/Paris"))
    when[::9] = pd.NaT
    col = profile(when.to_frame("when")).column("when")
    assert col.semantic_type is SemanticType.DATETIME
    assert (col.min, col.max) == (when.min(), when.max())
    assert col.min.tz is not None and col.missing == when.isna().sum()
    for label, level in QUANTILES.items():
        assert abs(col.quantiles[label] - when.quantile(level)) <= pd.Timedelta(1, "us")
    assert _strict_json(profile(when.to_frame("when")))["column_profiles"][0]["min"] == (
        when.min().isoformat())


def test_timedeltas_are_numeric_durations():
    took = pd.Series(pd.to_timedelta([1, 2, 2, None, 10], unit="s"))
    col = profile(took.to_frame("took")).column("took")
    assert (col.min, col.max, col.count, col.distinct) == (
        pd.Timedelta(1, "s"), pd.Timedelta(10, "s"), 4, 3)
    assert col.frequent[0].value == pd.Timedelta(2, "s") and col.frequent[0].count == 2


def test_text_and_categories_count_values_and_lengths():
    text = pd.Series(["aa", "b", None, "aa", "cccc", "aa"])
    cats = text.astype("category").cat.add_categories(["unused"])
    prof = profile(pd.DataFrame({"text": text, "cats": cats}), top_k=2)
    for name in ("text", "cats"):
        col = prof.column(name)
        assert (col.count, col.missing, col.distinct) == (5, 1, 3)
        assert [(f.value, f.count) for f in col.frequent] == [("aa", 3), ("b", 1)]
        assert col.mean_length == pytest.approx(text.str.len().mean())
    assert prof.column("cats").semantic_type is SemanticType.CATEGORICAL


def test_frequent_values_follow_value_counts_and_top_k():
    values = pd.Series(np.random.default_rng(4).zipf(1.5, 3000) % 40)
    prof = profile(pd.DataFrame({"n": values, "s": values.astype(str)}), top_k=5)
    expected = values.value_counts().head(5)
    for name in ("n", "s"):
        frequent = prof.column(name).frequent
        assert [f.count for f in frequent] == expected.tolist()
        assert {str(f.value) for f in frequent} == {str(v) for v in expected.index}
    assert profile(values.to_frame("n"), top_k=0).column("n").frequent == []


def test_most_frequent_breaks_ties_by_first_position():
    counts = np.array([1, 5, 3, 5, 1, 3])
    assert most_frequent(counts, 3).tolist() == [1, 3, 2]
    assert most_frequent(counts, 10).tolist() == [1, 3, 2, 5, 0, 4]


def test_object_columns_of_python_values_get_their_own_statistics():
    df = pd.DataFrame({
        "numbers": pd.Series([1, 2.5, None, 4], dtype=object),
        "flags": pd.Series([True, False, None, True], dtype=object),
        "dates": pd.Series([dt.date(2024, 1, d) for d in (1, 5, 9, 2)], dtype=object),
        "lists": pd.Series([[1], [1], None, [2, 3]], dtype=object),
        "mixed": pd.Series([1, "two", 3.0, None], dtype=object),
    })
    prof = profile(df)
    assert prof.column("numbers").mean == pytest.approx(7.5 / 3)
    assert prof.column("flags").semantic_type is SemanticType.BOOLEAN
    assert prof.column("flags").mean == pytest.approx(2 / 3)
    assert prof.column("dates").max == pd.Timestamp("2024-01-09")
    assert (prof.column("lists").count, prof.column("lists").distinct) == (3, 2)
    assert prof.column("mixed").count == 3
    _strict_json(prof)


# --------------------------------------------------------------------------- semantic types


def test_semantic_types():
    n = 200
    rng = np.random.default_rng(11)
    df = pd.DataFrame({
        "user_id": rng.permutation(n) * 7 + 1_000,
        "row": np.arange(n),
        "code": [f"INV-{i:06d}" for i in rng.permutation(n)],
        "email": [f"person{i}@example.org" for i in range(n)],
        "comment": [f"the parcel {w} came {i} days late" for i, w in
                    enumerate(rng.choice(["red", "big", "old"], n))],
        "region": rng.choice(["north", "south", "east"], n),
        "flag": rng.random(n) > 0.5,
        "binary": rng.integers(0, 2, n),
        "answer": rng.choice(["Yes", "No"], n),
        "when": pd.date_range("2024-01-01", periods=n, freq="D"),
        "price": rng.gamma(2.0, 10.0, n),
        "count": rng.integers(0, 1_000_000, n),
        "nothing": [None] * n,
    })
    expected = {"user_id": "id", "row": "id", "code": "id", "email": "text", "comment": "text",
                "region": "categorical", "flag": "boolean", "binary": "boolean",
                "answer": "boolean", "when": "datetime", "price": "numeric", "count": "numeric",
                "nothing": "empty"}
    prof = profile(df)
    assert {c.name: c.semantic_type.value for c in prof.column_profiles} == expected


# --------------------------------------------------------------------------- dataset level


def test_duplicate_rows_match_pandas_across_dtypes():
    rng = np.random.default_rng(5)
    base = pd.DataFrame({
        "f": rng.choice([0.0, -0.0, 1.5, np.nan], 400),
        "i": rng.integers(0, 3, 400),
        "s": rng.choice(["a", "b", None], 400),
        "c": pd.Categorical(rng.choice(["x", "y"], 400)),
        "t": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 2, 400), unit="D"),
    })
    assert profile(base).duplicate_rows == base.duplicated().sum() > 0
    unique = base.assign(key=np.arange(400))
    assert profile(unique).duplicate_rows == 0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0.0, -0.0, 1.0, None]), st.sampled_from(["a", None]),
                          st.integers(0, 2)), min_size=0, max_size=40))
def test_duplicate_rows_match_pandas_on_any_rows(rows):
    df = pd.DataFrame(rows, columns=["f", "s", "i"]).astype({"f": "float64"})
    assert profile(df).duplicate_rows == df.duplicated().sum()


def test_dataset_figures_name_and_high_missing_columns():
    df = pd.DataFrame({"a": [1, None, None, None], "b": [1, 2, None, 4], "c": [1, 2, 3, 4]})
    df.attrs["name"] = "sales"
    prof = profile(df, high_missing_threshold=0.25)
    assert prof.name == "sales" and profile(df, name="other").name == "other"
    assert prof.high_missing_columns == ["a", "b"]
    assert profile(df).high_missing_columns == ["a"]
    assert prof.missing_cells == 4 and prof.missing_pct == pytest.approx(4 / 12)


def test_duplicate_column_names_are_profiled_one_by_one():
    df = pd.DataFrame([[1, "x"], [2, "y"]], columns=["a", "a"])
    prof = profile(df)
    assert [c.semantic_type.value for c in prof.column_profiles] == ["numeric", "text"]
    assert prof.column("a").max == 2


def test_progress_reaches_one():
    seen: list[tuple[str, float]] = []
    profile(pd.DataFrame({"x": [1.0, 2.0], "s": ["a", "b"]}),
            progress=lambda stage, f: seen.append((stage, f)))
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(seen) >= 3


def test_two_thousand_mixed_columns_in_reasonable_time():
    rng = np.random.default_rng(9)
    numbers = pd.DataFrame(rng.normal(size=(100, 1500)), columns=[f"n{i}" for i in range(1500)])
    text = pd.DataFrame(rng.choice(["a", "b", "c"], size=(100, 500)),
                        columns=[f"s{i}" for i in range(500)])
    wide = pd.concat([numbers, text], axis=1)
    start = time.perf_counter()
    prof = profile(wide)
    assert time.perf_counter() - start < 10.0  # a loaded 2-core machine takes about 1 s
    assert prof.columns == 2000 and prof.column("s499").distinct == 3


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(("bad", "message"), [
    (pd.Series([1, 2]), "got Series. Use series.to_frame()"),
    ([1, 2], "got list. Load a file with analyst_magics.load(path)"),
])
def test_not_a_dataframe(bad, message):
    with pytest.raises(DataLoadError, match=message.replace("(", r"\(").replace(")", r"\)")):
        profile(bad)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"top_k": -1}, "top_k must be a whole number >= 0"),
    ({"top_k": 2.5}, "top_k must be a whole number >= 0"),
    ({"high_missing_threshold": 50}, "high_missing_threshold must be a fraction between 0 and 1"),
])
def test_bad_options(kwargs, message):
    with pytest.raises(AnalystError, match=message):
        profile(pd.DataFrame({"a": [1]}), **kwargs)


def test_histograms_count_every_value_of_numbers_dates_and_durations() -> None:
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({
        "amount": np.where(rng.random(900) < 0.1, np.nan, rng.gamma(2, 50, 900)),
        "day": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, 900), unit="D"),
        "wait": pd.to_timedelta(rng.integers(1, 600, 900), unit="s"),
        "flat": 7, "name": rng.choice(["a", "b"], 900)})
    columns = {c.name: c for c in am.profile(frame).column_profiles}
    for name in ("amount", "day", "wait"):
        assert len(columns[name].histogram) == HISTOGRAM_BINS
        assert sum(columns[name].histogram) == columns[name].count
    # the bins follow np.histogram's (last bin closed)
    expected, _ = np.histogram(frame["amount"].dropna(), bins=HISTOGRAM_BINS)
    assert np.abs(np.array(columns["amount"].histogram) - expected).max() <= 1
    assert columns["flat"].histogram == [900] and columns["name"].histogram == []
