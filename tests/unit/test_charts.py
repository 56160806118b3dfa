"""Charts: the chart follows the data, specs stay small strict JSON, every spec draws."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import analyst_magics as am
from analyst_magics.errors import AnalystError, ColumnNotFoundError
from analyst_magics.models import ChartKind, ChartSpec
from analyst_magics.pipeline.charts import (
    MAX_BINS,
    TOP_CATEGORIES,
    choose_chart,
    heatmap_chart,
    histogram_chart,
    to_figure,
)


@pytest.fixture
def sales() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 3_000
    return pd.DataFrame({
        "day": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D"),
        "shop": rng.choice([f"shop {i}" for i in range(30)], n),
        "channel": rng.choice(["web", "store", "phone"], n),
        "revenue": rng.gamma(2.0, 50.0, n),
        "units": rng.integers(1, 20, n),
        "paid": rng.random(n) > 0.2,
    })


def _strict(spec: ChartSpec) -> str:
    return json.dumps(spec.to_dict(), allow_nan=False)


def _drawn(spec: ChartSpec) -> None:
    figure = to_figure(spec)
    assert figure.data, spec.kind
    for trace in figure.data:
        values = getattr(trace, {"heatmap": "z", "box": "q1"}.get(trace.type, "y"))
        assert values is not None and len(values) > 0
    assert figure.layout.title.text == spec.title


@pytest.mark.parametrize(("x", "y", "kind"), [
    ("day", None, ChartKind.LINE),
    ("day", "revenue", ChartKind.LINE),
    ("revenue", "day", ChartKind.LINE),
    ("day", "channel", ChartKind.LINE),
    ("shop", None, ChartKind.BAR),
    ("shop", "revenue", ChartKind.BAR),
    ("revenue", "shop", ChartKind.BAR),
    ("paid", "units", ChartKind.BAR),
    ("revenue", "units", ChartKind.SCATTER),
    ("revenue", None, ChartKind.HISTOGRAM),
    ("shop", "channel", ChartKind.HEATMAP),
])
def test_chart_follows_the_data(sales: pd.DataFrame, x: str, y: str | None,
                                kind: ChartKind) -> None:
    spec = choose_chart(sales, x, y)
    assert spec is not None and spec.kind == kind
    assert len(spec.data) <= 2_000 and len(_strict(spec)) < 100_000
    _drawn(spec)


def test_bar_shows_top_categories_and_pools_the_rest(sales: pd.DataFrame) -> None:
    spec = choose_chart(sales, "shop", "revenue")
    labels = [r["shop"] for r in spec.data]
    assert len(labels) == TOP_CATEGORIES + 1
    assert labels[-1] == f"other ({30 - TOP_CATEGORIES} values)"
    expected = sales.groupby("shop")["revenue"].mean()
    for record in spec.data[:-1]:
        assert record["revenue"] == pytest.approx(expected[record["shop"]], rel=1e-5)
    top = [r["revenue"] for r in spec.data[:-1]]
    assert top == sorted(top, reverse=True)


def test_histogram_holds_bins_not_values() -> None:
    values = pd.Series(np.random.default_rng(0).lognormal(size=200_000))
    values[::10] = np.nan
    spec = histogram_chart(values, column="amount")
    assert len(spec.data) <= MAX_BINS
    assert sum(r["count"] for r in spec.data) == values.count()
    assert all(r["bin_start"] < r["bin_end"] for r in spec.data)
    assert spec.x_label == "amount"


def test_scatter_is_sampled_and_says_so() -> None:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"a": rng.normal(size=50_000), "b": rng.normal(size=50_000)})
    spec = choose_chart(frame, "a", "b", max_points=500)
    assert len(spec.data) == 500
    assert spec.note == "sampled 500 of 50,000 points, the most extreme included"
    assert choose_chart(frame, "a", "b", max_points=500).data == spec.data  # fixed seed
    assert len(_strict(spec)) < 30_000
    drawn = pd.DataFrame(spec.data)
    for column in ("a", "b"):  # the far points that carry a correlation are always drawn
        assert drawn[column].max() == pytest.approx(frame[column].max(), rel=1e-4)
        assert drawn[column].min() == pytest.approx(frame[column].min(), rel=1e-4)


def test_time_line_averages_by_period_and_names_time_zone() -> None:
    frame = pd.DataFrame({"when": pd.date_range("2024-01-01", periods=24 * 40, freq="h",
                                                tz="America/New_York"),
                          "load": np.arange(24 * 40, dtype=float)})
    spec = choose_chart(frame, "when", "load")
    assert spec.kind == ChartKind.LINE and spec.note == "daily averages"
    assert spec.x_label == "when (America/New_York time)"
    assert spec.data[0] == {"when": "2024-01-01T00:00:00", "load": pytest.approx(11.5)}
    assert len(spec.data) == 40


def test_heatmap_of_a_matrix() -> None:
    matrix = pd.DataFrame([[1.0, -0.5], [-0.5, 1.0]], index=["a", "b"], columns=["a", "b"])
    spec = heatmap_chart(matrix, x="column", y="row", value="r", title="Correlations")
    assert {"column": "b", "row": "a", "r": -0.5} in spec.data
    figure = to_figure(spec)
    assert figure.data[0].zmid == 0
    assert np.asarray(figure.data[0].z).shape == (2, 2)


def test_every_kind_draws_with_labels_and_note() -> None:
    box = ChartSpec(kind=ChartKind.BOX, title="Spread", x="group", y="value",
                    data=[{"group": "a", "q1": 1, "median": 2, "q3": 3, "lowerfence": 0,
                           "upperfence": 5}], note="whiskers at 1.5 IQR")
    _drawn(box)
    figure = to_figure(box)
    assert figure.layout.xaxis.title.text == "group"
    assert figure.layout.annotations[0].text == "whiskers at 1.5 IQR"


def test_nothing_to_draw_gives_none() -> None:
    frame = pd.DataFrame({"a": [np.nan] * 5, "b": pd.Series([None] * 5, dtype=object),
                          "d": pd.to_timedelta([1, 2, 3, 4, 5], unit="s")})
    assert choose_chart(frame, None) is None
    assert choose_chart(frame, "a") is None
    assert choose_chart(frame, "a", "b") is None
    assert choose_chart(frame, "d") is None


def test_unknown_column_says_what_to_do(sales: pd.DataFrame) -> None:
    with pytest.raises(ColumnNotFoundError, match=r"'revnue' not found\. Did you mean 'revenue'"):
        choose_chart(sales, "revnue")
    with pytest.raises(AnalystError, match="takes a pandas DataFrame"):
        choose_chart([1, 2], "a")  # type: ignore[arg-type]
    with pytest.raises(AnalystError, match="max_points"):
        choose_chart(sales, "revenue", "units", max_points=0)


def test_same_text_for_different_values_stays_distinct() -> None:
    frame = pd.DataFrame({"m": [1, "1", 2, None] * 3, "v": np.arange(12.0)})
    labels = [r["m"] for r in choose_chart(frame, "m", "v").data]
    assert len(labels) == len(set(labels)) == 3


def test_charts_on_every_frame_shape(frame: pd.DataFrame) -> None:
    before = frame.copy()
    names = [str(c) for c in frame.columns][:2]
    for x in names:
        for y in [None, *names]:
            spec = choose_chart(frame, x, y)
            if spec is not None:
                _strict(spec)
                _drawn(spec)
    pd.testing.assert_frame_equal(frame, before)


def test_a_log_histogram_bins_on_the_log_scale_and_labels_values() -> None:
    values = np.random.default_rng(0).lognormal(4, 1.5, 5000)
    spec = histogram_chart(values, column="revenue", log=True)
    assert spec is not None and spec.x_scale == "log"
    edges = np.array([r["bin_start"] for r in spec.data] + [spec.data[-1]["bin_end"]])
    ratios = edges[1:] / edges[:-1]
    assert np.allclose(ratios, np.median(ratios), rtol=0.05)  # equal steps on a log scale
    axis = to_figure(spec).layout.xaxis
    assert "log scale" in axis.title.text and axis.ticktext and "1,000" in axis.ticktext
    assert sum(r["count"] for r in spec.data) == len(values)


def test_a_log_histogram_over_many_decades_keeps_its_small_bins() -> None:
    values = np.random.default_rng(0).lognormal(0, 3, 5000)  # about 1e-5 to 1e5
    spec = histogram_chart(values, column="x", log=True)
    assert spec is not None and min(r["bin_start"] for r in spec.data) > 0
    widths = to_figure(spec).data[0].width
    assert np.all(np.isfinite(widths)) and np.all(np.asarray(widths) > 0)


def test_log_histograms_of_counts_with_zeros_and_of_signed_values() -> None:
    counts = np.random.default_rng(1).poisson(0.8, 2000) ** 3
    assert histogram_chart(counts, column="visits", log=True).x_scale == "log1p"
    signed = np.random.default_rng(2).normal(0, 1, 500)
    assert histogram_chart(signed, column="change", log=True).x_scale == "linear"


def test_a_skew_finding_draws_the_scale_its_text_recommends() -> None:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"amount": rng.lognormal(3, 1.2, 3000), "noise": rng.normal(size=3000)})
    skewed = [i for i in am.insights(frame) if i.kind.value == "skew" and "log" in i.text]
    assert skewed and all(i.chart is not None and i.chart.x_scale == "log" for i in skewed)
