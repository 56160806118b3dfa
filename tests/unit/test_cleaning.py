"""Tests of analyst_magics.clean: every step, every data shape, and the untouched input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import analyst_magics as am
from analyst_magics import sample
from analyst_magics.errors import AnalystError
from analyst_magics.pipeline import imputation, outliers
from analyst_magics.pipeline.cleaning import STEPS, clean


def _step(result: am.models.CleaningResult, name: str) -> am.models.CleaningStep:
    return next(s for s in result.report.steps if s.name == name)


def _orders(n: int = 400, seed: int = 0) -> pd.DataFrame:
    """A small messy table: text numbers, text dates, yes/no, labels, gaps, two extreme rows."""
    rng = np.random.default_rng(seed)
    units = rng.integers(1, 20, n).astype(float)
    price = rng.normal(50, 5, n).round(2)
    frame = pd.DataFrame({
        "Order ID": np.arange(n),
        " Unit Price ": [f"${p:,.2f}" for p in price],
        "Units": units,
        "Revenue": units * price,
        "Order Date": pd.date_range("2024-01-01", periods=n, freq="D").strftime("%Y-%m-%d"),
        "Paid": rng.choice(["yes", "no"], n),
        "Region": rng.choice([" north", "south ", "east", "west"], n),
    }, index=pd.Index([f"r{i}" for i in range(n)], name="row"))
    frame.loc[frame.index[::10], "Units"] = np.nan
    frame.loc[frame.index[[7, n - 3]], "Revenue"] = [1e6, -5e5]
    return frame


# ----------------------------------------------------------------------- the sample


def test_the_sample_comes_out_typed_deduplicated_and_flagged() -> None:
    raw = am.sample_data()
    result = am.clean(raw)
    data = result.data
    assert len(data) == len(raw) - round(len(raw) * sample.DUPLICATE_SHARE)
    assert pd.api.types.is_datetime64_any_dtype(data["order_date"])
    assert data["unit_price"].dtype == "float64" and data["returned"].dtype == "boolean"
    assert sorted(data["region"].cat.categories) == sorted(sample.REGIONS)
    planted = data["units"] >= sample.OUTLIER_UNITS
    assert planted.sum() == round(len(raw) * sample.OUTLIER_SHARE)
    assert data.loc[planted, result.report.outlier_column].all()
    assert data["unit_price"].notna().all()
    filled_ratings = data.loc[raw.loc[data.index, "Rating"].isna(), "rating"]
    assert filled_ratings.between(1, 5).all() and (filled_ratings % 1 == 0).all()


# ----------------------------------------------------------------------- every shape


def test_every_shape_gets_a_full_log_and_an_untouched_input(frame: pd.DataFrame) -> None:
    before = frame.copy(deep=True)
    result = clean(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert [s.name for s in result.report.steps] == list(STEPS)
    for earlier, later in zip(result.report.steps, result.report.steps[1:], strict=False):
        assert later.rows_before == earlier.rows_after
        assert later.missing_before == earlier.missing_after
    assert result.report.steps[-1].rows_after == len(result.data)
    assert set(result.data.index) <= set(frame.index)
    assert all(s.details["status"] in {"changed", "no change", "skipped"}
               for s in result.report.steps)
    json.loads(result.report.to_json())  # strict JSON: raises on NaN or Infinity


def test_before_and_after_figures_are_measured() -> None:
    result = clean(_orders())
    trim = _step(result, "trim")
    assert trim.missing_after - trim.missing_before == sum(trim.details["emptied"].values())
    types = _step(result, "infer_types")
    assert types.dtypes_changed["paid"] == (str(_orders()["Paid"].dtype), "boolean")
    assert types.memory_after < types.memory_before  # labels and flags take less room as types
    impute = _step(result, "impute")
    assert impute.missing_before - impute.missing_after == sum(impute.details["filled"].values())


def test_frames_without_columns_or_with_infinities() -> None:
    assert clean(pd.DataFrame(index=range(5))).data.shape == (5, 0)
    values = np.r_[np.linspace(0, 1, 58), np.inf, -np.inf]
    data = clean(pd.DataFrame({"v": values})).data
    assert np.isinf(data["v"]).sum() == 2 and len(data) == 60


def test_a_step_that_did_nothing_says_so() -> None:
    result = clean(pd.DataFrame({"a": np.arange(60.0), "b": np.arange(60.0) * 2}))
    trim = _step(result, "trim")
    assert trim.details["status"] == "no change"
    assert trim.description.startswith("No change:")
    assert trim.rows_before == trim.rows_after == 60


def test_every_step_can_be_turned_off() -> None:
    raw = _orders()
    result = clean(raw, **{name: False for name in STEPS})
    pd.testing.assert_frame_equal(result.data, raw)
    for step in result.report.steps:
        assert step.details["status"] == "skipped"
        assert f"{step.name}=False" in step.details["reason"]
    assert result.report.outlier_column is None


def test_rejects_what_is_not_a_dataframe() -> None:
    with pytest.raises(AnalystError, match=r"clean\(\) takes a pandas DataFrame, got Series"):
        clean(pd.Series([1, 2]))


def test_outlier_column_must_be_a_name() -> None:
    with pytest.raises(AnalystError, match="outlier_column to be a column name, got ''"):
        clean(_orders(), outlier_column="")


def test_progress_is_reported_between_steps() -> None:
    calls: list[tuple[str, float]] = []
    clean(_orders(), progress=lambda stage, fraction: calls.append((stage, fraction)))
    assert [stage for stage, _ in calls] == [*STEPS, "done"]
    fractions = [fraction for _, fraction in calls]
    assert fractions == sorted(fractions)
    assert fractions[0] == 0.0 and fractions[-1] == 1.0


def test_same_seed_same_result() -> None:
    raw = _orders()
    pd.testing.assert_frame_equal(clean(raw).data, clean(raw).data)


# ----------------------------------------------------------------------- column names


def test_names_are_normalised_and_mapped() -> None:
    result = clean(_orders())
    assert list(result.data.columns[:3]) == ["order_id", "unit_price", "units"]
    assert result.report.column_mapping[" Unit Price "] == "unit_price"
    assert ["Order Date", "order_date"] in _step(result, "normalize_columns").details["renamed"]


def test_repeated_column_names_become_unique() -> None:
    raw = pd.DataFrame([[1, 2, "x"], [3, 4, "y"]], columns=["a", "a", "A"])
    result = clean(raw)
    assert result.data.columns.is_unique
    assert result.data.iloc[:, 1].tolist() == [2, 4]


def test_multiindex_columns_are_flattened() -> None:
    columns = pd.MultiIndex.from_tuples([("sales", "Q1"), ("sales", "Q2"), ("cost", "")])
    result = clean(pd.DataFrame([[1, 2, 3], [4, 5, 6]], columns=columns))
    assert list(result.data.columns) == ["sales_q1", "sales_q2", "cost"]


def test_multiindex_columns_without_normalising_is_a_clear_error() -> None:
    columns = pd.MultiIndex.from_tuples([("a", "x"), ("a", "y")])
    with pytest.raises(AnalystError, match="normalize_columns=True to flatten"):
        clean(pd.DataFrame([[1, 2]], columns=columns), normalize_columns=False)


def test_without_normalising_names_are_kept() -> None:
    result = clean(_orders(), normalize_columns=False)
    assert " Unit Price " in result.data.columns
    assert result.report.column_mapping == {}


# ----------------------------------------------------------------------- trimming


def test_trim_strips_text_and_empties_become_missing() -> None:
    raw = pd.DataFrame({"t": ["  a ", "b", "   ", "", None, "c\t"]})
    result = clean(raw, infer_types=False, drop_duplicates=False)
    assert result.data["t"].tolist()[:2] == ["a", "b"]
    assert result.data["t"].isna().tolist() == [False, False, True, True, True, False]
    details = _step(result, "trim").details
    assert details == {"status": "changed", "trimmed": {"t": 2}, "emptied": {"t": 2}}


def test_trim_keeps_non_text_cells_of_mixed_columns() -> None:
    raw = pd.DataFrame({"m": [" x ", 5, 2.5, None, True]})
    out = clean(raw, infer_types=False, drop_duplicates=False).data["m"]
    assert out.tolist()[:3] == ["x", 5, 2.5]
    assert out.iloc[4] is True


# ----------------------------------------------------------------------- type inference


def test_types_are_inferred_from_text() -> None:
    data = clean(_orders()).data
    assert data["unit_price"].dtype == "float64"
    assert pd.api.types.is_datetime64_any_dtype(data["order_date"])
    assert data["paid"].dtype == "boolean"
    assert isinstance(data["region"].dtype, pd.CategoricalDtype)
    assert sorted(data["region"].cat.categories) == ["east", "north", "south", "west"]


def test_values_that_do_not_parse_are_counted() -> None:
    values = [f"{i},000" for i in range(1, 100)] + ["unknown"]
    result = clean(pd.DataFrame({"amount": values}), impute=False)
    assert result.data["amount"].iloc[0] == 1000.0
    assert result.data["amount"].isna().sum() == 1
    unparsed = _step(result, "infer_types").details["unparsed_set_missing"]["amount"]
    assert unparsed == {"count": 1, "examples": ["unknown"]}


def test_one_frequent_junk_value_keeps_a_column_text() -> None:
    values = [str(i) + ".5" for i in range(100)] + ["pending"] * 10
    result = clean(pd.DataFrame({"v": values}))
    assert not pd.api.types.is_numeric_dtype(result.data["v"])


def test_mixed_type_columns_are_left_alone_with_the_reason() -> None:
    raw = pd.DataFrame({"m": [1, "two", 3.0, None, True, "six"] * 5})
    result = clean(raw)
    assert result.data["m"].dtype == object
    assert _step(result, "infer_types").details["kept_as_text"]["m"] == (
        "not only text: pandas infers 'mixed-integer' values")


def test_flags_and_numbers_are_told_apart_when_parsing() -> None:
    raw = pd.DataFrame({"m": [1.0, True, 2.0] * 20})
    result = clean(raw, drop_duplicates=False)
    assert result.data["m"].dtype == object
    assert result.data["m"].iloc[1] is True


def test_tz_aware_dates_keep_their_zone() -> None:
    when = pd.date_range("2024-03-01", periods=80, freq="h", tz="Europe/Paris")
    result = clean(pd.DataFrame({"when": when, "v": np.arange(80.0)}))
    assert str(result.data["when"].dt.tz) == "Europe/Paris"
    pd.testing.assert_series_equal(result.data["when"], pd.Series(when, name="when"))


# ----------------------------------------------------------------------- duplicates


def test_exact_duplicates_are_removed_and_counted() -> None:
    raw = pd.DataFrame({"a": [1, 2, 1, 3, 1], "b": ["x", "y", "x", "z", "w"]},
                       index=[10, 20, 30, 40, 50])
    result = clean(raw)
    assert result.data.index.tolist() == [10, 20, 40, 50]
    assert _step(result, "drop_duplicates").details["removed"] == 1
    assert _step(result, "drop_duplicates").details["examples"] == [30]


def test_a_flag_is_not_a_duplicate_of_a_number() -> None:
    raw = pd.DataFrame({"m": [1, True, 1]})
    result = clean(raw, infer_types=False)
    assert result.data["m"].tolist() == [1, True]


def test_cells_holding_lists_skip_duplicates_with_the_reason() -> None:
    raw = pd.DataFrame({"tags": [["a"], ["b"], ["a"]]})
    step = _step(clean(raw), "drop_duplicates")
    assert step.details["status"] == "skipped"
    assert "lists" in step.details["reason"]


# ----------------------------------------------------------------------- outliers


def test_extreme_rows_are_flagged_not_dropped() -> None:
    raw = _orders()
    result = clean(raw)
    assert len(result.data) == len(raw)
    flag = result.data[result.report.outlier_column]
    assert flag.dtype == bool
    assert flag.loc[["r7", f"r{len(raw) - 3}"]].all()
    assert flag.sum() <= outliers.CONTAMINATION * len(raw) + 1


def test_outliers_need_enough_rows() -> None:
    step = _step(clean(_orders(n=outliers.MIN_ROWS - 1)), "flag_outliers")
    assert step.details["status"] == "skipped"
    assert "fewer than the 50" in step.details["reason"]


def test_outliers_need_a_numeric_column() -> None:
    step = _step(clean(pd.DataFrame({"t": [f"w{i}" for i in range(80)]})), "flag_outliers")
    assert step.details["reason"] == "no numeric column with more than one distinct value"


def test_an_existing_flag_column_is_not_overwritten() -> None:
    raw = _orders().assign(is_outlier="keep me")
    result = clean(raw)
    assert result.report.outlier_column == "is_outlier_2"
    assert (result.data["is_outlier"] == "keep me").all()


# ----------------------------------------------------------------------- imputation


def test_knn_fills_numeric_gaps_from_similar_rows() -> None:
    rng = np.random.default_rng(4)
    x = rng.uniform(0, 100, 300)
    raw = pd.DataFrame({"x": x, "y": 3 * x})
    raw.loc[::15, "y"] = np.nan
    result = clean(raw, flag_outliers=False)
    gaps = raw["y"].isna()
    filled = result.data.loc[gaps, "y"]
    assert filled.notna().all()
    assert np.abs(filled - 3 * raw.loc[gaps, "x"]).max() < 15  # the mean alone is ~90 off
    assert _step(result, "impute").details["method"].startswith("KNN")


def test_large_data_uses_the_model_that_scales() -> None:
    rng = np.random.default_rng(5)
    n = imputation.ITERATIVE_FIT_ROWS + 5_000
    x = rng.normal(size=n)
    raw = pd.DataFrame({"x": x, "y": 2 * x + rng.normal(scale=0.05, size=n)})
    raw.loc[rng.random(n) < 0.25, "x"] = np.nan
    raw.loc[rng.random(n) < 0.25, "y"] = np.nan
    result = clean(raw, flag_outliers=False, drop_duplicates=False)
    step = _step(result, "impute")
    assert step.details["method"] == "iterative Bayesian ridge"
    assert step.details["fit_rows"] == imputation.ITERATIVE_FIT_ROWS
    assert result.data[["x", "y"]].notna().all().all()
    only_y = raw["y"].isna() & raw["x"].notna()
    assert np.abs(result.data.loc[only_y, "y"] - 2 * raw.loc[only_y, "x"]).max() < 0.5


def test_imputation_is_conservative() -> None:
    raw = _orders(n=200)
    raw["Mostly Empty"] = np.where(np.arange(200) % 2 == 0, np.nan, 1.0)
    raw.loc[raw.index[::20], "Region"] = None
    raw["Count"] = pd.array(np.where(np.arange(200) % 9 == 0, None, np.arange(200)),
                            dtype="Int64")
    result = clean(raw)
    left = _step(result, "impute").details["left_missing"]
    assert left["mostly_empty"] == "50% missing, more than 30%"
    assert "only numeric gaps are filled" in left["region"]
    assert result.data["mostly_empty"].isna().sum() == 100
    assert result.data["region"].isna().sum() == 10
    assert result.data["count"].dtype == "Int64" and result.data["count"].notna().all()
    assert result.data["units"].notna().all()


# ----------------------------------------------------------------------- the input


def test_non_default_index_is_kept() -> None:
    raw = _orders()
    result = clean(raw)
    assert result.data.index.name == "row"
    pd.testing.assert_index_equal(result.data.index, raw.index)


_cells = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True),
                   st.integers(-5, 5), st.sampled_from([" a", "b ", "", "1,5", "yes", "no",
                                                        "2024-01-02", "  "]))


@st.composite
def _frames(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(0, 70))
    columns = {}
    for i in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["float", "int", "object"]))
        if kind == "float":
            values = draw(st.lists(st.floats(allow_nan=True, allow_infinity=False, width=32),
                                   min_size=rows, max_size=rows))
        elif kind == "int":
            values = draw(st.lists(st.integers(-100, 100), min_size=rows, max_size=rows))
        else:
            values = draw(st.lists(_cells, min_size=rows, max_size=rows))
        columns[f"C {i}"] = pd.Series(values, dtype=object if kind == "object" else None)
    return pd.DataFrame(columns)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_frames())
def test_the_input_is_never_modified(raw: pd.DataFrame) -> None:
    before = raw.copy(deep=True)
    result = clean(raw)
    pd.testing.assert_frame_equal(raw, before)
    assert result.data is not raw
    json.loads(result.report.to_json())
