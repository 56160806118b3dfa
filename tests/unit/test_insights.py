"""Insights: planted findings are found and ranked above noise; noise yields (almost) nothing."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import analyst_magics as am
from analyst_magics.errors import AnalystError, DataLoadError
from analyst_magics.models import Insight, InsightKind
from analyst_magics.pipeline.charts import to_figure
from analyst_magics.pipeline.findings.base import SAMPLE_ROWS, adjust, average_ranks
from analyst_magics.pipeline.findings.correlation import SCATTER_POINTS, pairwise_correlation
from analyst_magics.pipeline.findings.distribution import skew_p
from analyst_magics.pipeline.findings.segment import variance_share
from analyst_magics.pipeline.insights import insights
from analyst_magics.pipeline.profiling import profile
from analyst_magics.sample import PREMIUM_REGION

TESTED = {InsightKind.CORRELATION, InsightKind.TREND, InsightKind.ANOMALY,
          InsightKind.SEGMENT_DIFFERENCE, InsightKind.SKEW}


def _noise(rng: np.random.Generator, n: int, columns: int = 6) -> dict[str, np.ndarray]:
    return {f"noise{i}": rng.normal(size=n) for i in range(columns)}


def _dates(rng: np.random.Generator, n: int, days: int = 730) -> pd.Series:
    return pd.Series(pd.Timestamp("2023-01-01")
                     + pd.to_timedelta(rng.integers(0, days, n), unit="D"))


def _of(found: list[Insight], kind: InsightKind, *columns: str) -> list[Insight]:
    return [i for i in found if i.kind == kind and set(columns) <= set(i.columns)]


def _above_noise(found: list[Insight], planted: Insight) -> None:
    noisy = [i for i in found if any(c.startswith("noise") for c in i.columns)]
    assert all(planted.score > i.score for i in noisy), [i.title for i in noisy]


def _valid(found: list[Insight]) -> None:
    scores = [i.score for i in found]
    assert scores == sorted(scores, reverse=True)
    for insight in found:
        assert 0 <= insight.score <= 1 and insight.text.endswith(".")
        json.dumps(insight.to_dict(), allow_nan=False)
        if insight.chart is not None:
            assert all(len(getattr(t, "z" if t.type == "heatmap" else "y")) > 0
                       for t in to_figure(insight.chart).data)


def test_planted_correlation_is_found_first() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=1_500)
    frame = pd.DataFrame({"x": x, "y": np.exp(0.8 * x + rng.normal(0, 0.6, 1_500))}
                         | _noise(rng, 1_500, 8))
    found = insights(frame)
    pair = _of(found, InsightKind.CORRELATION, "x", "y")
    assert len(pair) == 1
    assert pair[0].evidence.details["spearman"] > 0.7
    assert "Spearman" in pair[0].text and "rise with" in pair[0].text
    _above_noise(found, pair[0])
    assert pair[0].chart.kind == "scatter"
    _valid(found)


def test_planted_trend_has_slope_change_and_period() -> None:
    rng = np.random.default_rng(1)
    day = _dates(rng, 3_000)
    frame = pd.DataFrame({"day": day,
                          "revenue": 200 + 0.1 * (day - day.min()).dt.days
                          + rng.normal(0, 20, 3_000)} | _noise(rng, 3_000, 4))
    found = insights(frame)
    trend = _of(found, InsightKind.TREND, "day", "revenue")
    assert len(trend) == 1
    details = trend[0].evidence.details
    assert details["period"] == "monthly" and details["slope_per_period"] > 0
    assert 0.25 < details["change"] < 0.45  # 200 → about 273 over two years
    assert trend[0].text.startswith("revenue rises ") and "Jan 2023 to Dec 2024" in trend[0].text
    assert found[0] is trend[0]
    _above_noise(found, trend[0])
    _valid(found)


def test_planted_spike_is_an_anomaly() -> None:
    rng = np.random.default_rng(2)
    day = _dates(rng, 4_000)
    load = rng.normal(100, 10, 4_000) + np.where(day.dt.strftime("%Y-%m") == "2024-03", 40, 0)
    found = insights(pd.DataFrame({"day": day, "load": load}))
    spike = _of(found, InsightKind.ANOMALY, "day", "load")
    assert len(spike) == 1 and "Mar 2024" in spike[0].text and "above" in spike[0].text
    _valid(found)


def test_planted_outliers_are_counted() -> None:
    rng = np.random.default_rng(3)
    sensor = rng.normal(0, 1, 5_000)
    sensor[[10, 20, 30]] = [25.0, -30.0, 40.0]
    found = insights(pd.DataFrame({"sensor": sensor, "plain": rng.normal(size=5_000)}))
    outlier = _of(found, InsightKind.ANOMALY, "sensor")
    assert len(outlier) == 1 and outlier[0].evidence.details["outliers"] == 3
    assert "most extreme is 40" in outlier[0].text
    assert not _of(found, InsightKind.ANOMALY, "plain")


def test_planted_segment_difference_names_top_and_bottom() -> None:
    rng = np.random.default_rng(4)
    region = rng.choice(["north", "south", "east", "west"], 2_000)
    lift = pd.Series(region).map({"north": -3.0, "south": 0.0, "east": 0.0, "west": 4.0})
    frame = pd.DataFrame({"region": region, "units": rng.normal(20, 3, 2_000) + lift}
                         | _noise(rng, 2_000, 4))
    found = insights(frame)
    segment = _of(found, InsightKind.SEGMENT_DIFFERENCE, "region", "units")
    assert len(segment) == 1
    assert "highest where region is west" in segment[0].text
    assert "lowest where it is north" in segment[0].text
    assert segment[0].evidence.effect_size > 0.3
    _above_noise(found, segment[0])
    _valid(found)


def test_segment_statistic_matches_scipy() -> None:
    rng = np.random.default_rng(5)
    codes = rng.integers(0, 4, 500)
    values = rng.integers(0, 30, 500).astype(float) + codes  # ties included
    share, _, _ = variance_share(stats.rankdata(values), codes, 4)
    expected = stats.kruskal(*(values[codes == g] for g in range(4))).statistic
    assert (len(values) - 1) * share == pytest.approx(expected)


def test_skew_and_missingness_with_its_association() -> None:
    rng = np.random.default_rng(6)
    n = 2_000
    region = rng.choice(["north", "south", "east"], n)
    frame = pd.DataFrame({"amount": rng.lognormal(3, 1, n), "plain": rng.normal(size=n),
                          "region": region, "discount": rng.normal(5, 1, n)})
    frame.loc[(region == "north") & (rng.random(n) < 0.7), "discount"] = np.nan
    found = insights(frame)
    skew = _of(found, InsightKind.SKEW, "amount")
    assert len(skew) == 1 and "right-skewed" in skew[0].text and "log scale" in skew[0].text
    assert not _of(found, InsightKind.SKEW, "plain")
    missing = _of(found, InsightKind.MISSINGNESS, "discount")
    assert any("missing in" in i.text for i in missing)
    linked = [i for i in missing if "region" in i.columns]
    assert len(linked) == 1 and "when region is north" in linked[0].text
    _valid(found)


def test_imbalance_duplicates_and_empty_columns() -> None:
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({"status": rng.choice(["done", "refund"], 1_000, p=[0.96, 0.04]),
                          "value": rng.normal(size=1_000), "blank": np.nan})
    frame = pd.concat([frame, frame.iloc[:50]], ignore_index=True)
    found = insights(frame)
    kinds = {i.kind for i in found}
    assert {InsightKind.IMBALANCE, InsightKind.DUPLICATES, InsightKind.MISSINGNESS} <= kinds
    assert "'done'" in _of(found, InsightKind.IMBALANCE, "status")[0].text
    assert _of(found, InsightKind.DUPLICATES)[0].evidence.statistic == 50
    assert "entirely empty: blank" in _of(found, InsightKind.MISSINGNESS, "blank")[0].text
    _valid(found)


def test_pure_noise_gives_few_significant_findings() -> None:
    """Across 12 noise frames (1,000 tests each), the false discoveries stay near alpha."""
    false = 0
    for seed in range(12):
        rng = np.random.default_rng(100 + seed)
        n = 600
        frame = pd.DataFrame({"day": _dates(rng, n), "g": rng.choice(list("abcd"), n),
                              "h": rng.choice(list("xyz"), n)} | _noise(rng, n, 10))
        false += sum(i.kind in TESTED for i in insights(frame))
    assert false <= 3


def test_large_frames_are_sampled_and_say_so() -> None:
    rng = np.random.default_rng(8)
    x = rng.normal(size=SAMPLE_ROWS + 20_000)
    frame = pd.DataFrame({"x": x, "y": x + rng.normal(size=len(x))})
    found = insights(frame)
    pair = _of(found, InsightKind.CORRELATION, "x", "y")[0]
    assert pair.evidence.n == SAMPLE_ROWS
    rows = f"{SAMPLE_ROWS + 20_000:,}"
    assert f"random sample of {SAMPLE_ROWS:,} of {rows} rows" in pair.evidence.details["sample"]
    assert len(pair.chart.data) == SCATTER_POINTS
    assert pair.chart.note == (f"sampled {SCATTER_POINTS} of {rows} points, the most extreme "
                               "included")


def test_max_insights_progress_and_no_mutation() -> None:
    rng = np.random.default_rng(9)
    base = rng.normal(size=300)
    frame = pd.DataFrame({f"c{i}": base + rng.normal(0, 0.5, 300) for i in range(8)})
    before = frame.copy()
    seen: list[tuple[str, float]] = []
    found = insights(frame, max_insights=5, progress=lambda stage, f: seen.append((stage, f)))
    assert len(found) == 5
    assert sum(i.kind == InsightKind.CORRELATION for i in found) == 5  # only kind available
    assert [f for _, f in seen] == sorted(f for _, f in seen) and seen[-1][1] == 1.0
    pd.testing.assert_frame_equal(frame, before)
    assert insights(frame, max_insights=0) == []


def test_statistics_helpers_match_references() -> None:
    rng = np.random.default_rng(10)
    values = rng.normal(size=(300, 3))
    values[::7, 1] = np.nan
    r, n = pairwise_correlation(values, values)
    expected = pd.DataFrame(values).corr().to_numpy()
    np.testing.assert_allclose(r, expected, atol=1e-12)
    assert n[0, 1] == np.sum(~np.isnan(values[:, 1]))
    ties = np.column_stack([rng.integers(0, 5, 300).astype(float), values[:, 1]])
    np.testing.assert_allclose(average_ranks(ties), pd.DataFrame(ties).rank().to_numpy())
    skewed = rng.lognormal(size=80)
    assert skew_p(pd.Series(skewed).skew(), 80) == pytest.approx(stats.skewtest(skewed).pvalue)
    p = np.array([0.01, np.nan, 0.04, 0.03])
    np.testing.assert_allclose(adjust(p), [0.03, np.nan, 0.04, 0.04])


def test_bad_input_says_what_to_do() -> None:
    with pytest.raises(DataLoadError, match="takes a pandas DataFrame, got list"):
        insights([1, 2])  # type: ignore[arg-type]
    frame = pd.DataFrame([[1, 2, 3]], columns=["a", "b", "a"])
    with pytest.raises(DataLoadError, match=r"\['a'\] appear more than once"):
        insights(frame)
    with pytest.raises(AnalystError, match="max_insights"):
        insights(pd.DataFrame({"a": [1.0]}), max_insights=-1)
    with pytest.raises(AnalystError, match="alpha must be"):
        insights(pd.DataFrame({"a": [1.0]}), alpha=1.5)
    with pytest.raises(AnalystError, match=r"profile does not describe this DataFrame.*'b'"):
        insights(pd.DataFrame({"a": [1.0]}), profile=profile(pd.DataFrame({"b": [1.0]})))


def _sample_orders() -> pd.DataFrame:
    """The bundled sample's date, region and revenue, parsed by hand (no cleaning step)."""
    raw = am.sample_data()
    return pd.DataFrame({"order_date": pd.to_datetime(raw["Order Date"], format="mixed"),
                         "region": raw["Region"].str.strip(), "revenue": raw["Revenue"]})


def _check_sample_findings(found: list[Insight]) -> None:
    trend = _of(found, InsightKind.TREND, "order_date", "revenue")
    assert len(trend) == 1 and trend[0].text.startswith("revenue rises ")
    assert trend[0].evidence.details["change"] > 0.3
    segment = _of(found, InsightKind.SEGMENT_DIFFERENCE, "region", "revenue")
    assert len(segment) == 1
    assert segment[0].evidence.details["highest"] == PREMIUM_REGION
    _valid(found)


def test_sample_dataset_trend_and_segment() -> None:
    _check_sample_findings(insights(_sample_orders()))


@pytest.mark.slow
def test_sample_dataset_after_cleaning() -> None:
    _check_sample_findings(insights(am.clean(am.sample_data()).data))


def test_nullable_infinite_and_unusual_dtypes() -> None:
    rng = np.random.default_rng(11)
    n = 400
    x = rng.normal(size=n)
    frame = pd.DataFrame({
        0: x, 1: pd.array(np.round(3 * x + rng.normal(size=n)), dtype="Int64"),
        "flag": pd.array(np.where(rng.random(n) < 0.1, None, rng.random(n) > 0.5),
                         dtype="boolean"),
        "label": pd.Categorical(rng.choice(["x", "y"], n), categories=["x", "y", "z"]),
        "inf": np.where(rng.random(n) < 0.05, np.inf, rng.normal(size=n)),
        "never": pd.Series([pd.NaT] * n, dtype="datetime64[ns]"),
        "wait": pd.to_timedelta(rng.integers(0, 100, n), unit="s"),
        "when": pd.Series(pd.date_range("2024-01-01", periods=n, freq="D", tz="UTC")),
    })
    before = frame.copy()
    found = insights(frame)
    _valid(found)
    assert _of(found, InsightKind.CORRELATION, "0", "1")
    assert "entirely empty: never" in _of(found, InsightKind.MISSINGNESS, "never")[0].text
    pd.testing.assert_frame_equal(frame, before)


def test_every_frame_shape(frame: pd.DataFrame) -> None:
    before = frame.copy()
    found = insights(frame)
    _valid(found)
    assert len(found) <= 20
    pd.testing.assert_frame_equal(frame, before)


def test_excluded_columns_are_never_the_subject_of_a_finding() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=500)
    frame = pd.DataFrame({"x": x, "y": 3 * x + rng.normal(size=500),
                          "flag": np.r_[np.ones(495, bool), np.zeros(5, bool)]})
    assert any("flag" in i.columns for i in insights(frame))
    assert not any("flag" in i.columns for i in insights(frame, exclude=["flag"]))
    assert any(set(i.columns) == {"x", "y"} for i in insights(frame, exclude=["flag"]))
