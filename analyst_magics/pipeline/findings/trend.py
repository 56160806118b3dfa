"""Trends over time, and periods far off their trend, on per-period aggregates.

Each (time column, numeric column) pair becomes one series of period means (plus one series of
rows per period for each time column), aggregated in one pass over the sample (every row up
to 50,000 rows). A series is tested with Mann–Kendall (Kendall's τ against
time) and summarised with Sen's slope; residuals from that line give a robust z per period
for anomalies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ...formatting import number, p_text, percent
from ...models import ChartSpec, Evidence, InsightKind
from ..chart_specs import line_chart, time_label
from ..periods import Period, aggregate, choose_period, wall_time
from .base import MIN_EFFECT, Context, Finding, adjust, extreme_p, outlier_strength, significance

__all__ = ["find_trends"]

MAX_TIME_COLUMNS = 3
MAX_VALUE_COLUMNS = 10
#: Shortest series worth a trend test.
MIN_BUCKETS = 8
#: Buckets with fewer rows than this share of a typical bucket (a partial month) are left out.
THIN_BUCKET = 0.25
#: A fitted change below this share of the starting level weakens a trend's strength.
MIN_CHANGE = 0.10
#: Robust z from which a period is called far off its trend (Iglewicz and Hoaglin).
ANOMALY_Z = 3.5
#: Scales a median absolute deviation to a standard deviation under normality.
MAD_SCALE = 0.6745


@dataclass
class _Series:
    time: str
    column: str | None  # None: rows per period
    period: Period
    values: pd.Series  # indexed by period start
    positions: np.ndarray  # each value's period number on the full grid of periods
    error: np.ndarray | None  # standard error of each period's mean; None: Poisson counts
    weight: float = 1.0  # rows each sampled row stands for

    @property
    def subject(self) -> str:
        return self.column or f"The number of rows per {self.period.noun}"

    @property
    def what(self) -> str:
        if self.column:
            return f"{self.period.adjective} averages"
        calendar = self.period.unit in ("M", "Y")  # months, quarters and years vary in length
        return f"rows per {self.period.noun}" + ", scaled to equal lengths" * calendar


@dataclass
class _Fit:
    tau: float
    p: float
    slope: float
    intercept: float

    def at(self, positions: np.ndarray) -> np.ndarray:
        return self.intercept + self.slope * positions


def find_trends(ctx: Context) -> list[Finding]:
    """Significant trends and anomalous periods, over the first few time columns."""
    series = [s for time in ctx.times[:MAX_TIME_COLUMNS] for s in _series(ctx, time)]
    fitted = [(s, fit) for s in series if (fit := _fit(s)) is not None]
    if not fitted:
        return []
    trend_q = adjust(np.array([fit.p for _, fit in fitted]))
    findings = [_trend(ctx, s, fit, q, len(fitted))
                for (s, fit), q in zip(fitted, trend_q, strict=True) if q <= ctx.alpha]
    return [f for f in findings if f.strength >= MIN_EFFECT] + _anomalies(ctx, fitted)


def _series(ctx: Context, time: str) -> list[_Series]:
    times = wall_time(ctx.sample[time])
    period = choose_period(times)
    if period is None:
        return []
    columns = ctx.paired[:MAX_VALUE_COLUMNS]
    means, counts = aggregate(times, ctx.values[:, :len(columns)], period)
    grid = np.arange(len(counts))
    thick = (counts >= max(1.0, THIN_BUCKET * counts[counts > 0].median())).to_numpy()
    found = [_Series(time, column, period, pd.Series(means[keep, j], index=counts.index[keep]),
                     grid[keep], ctx.summary.at[column, "std"] / np.sqrt(counts.to_numpy()[keep]))
             for j, column in enumerate(columns)
             if (keep := thick & np.isfinite(means[:, j])).any()]
    # Counts are scaled to all rows and to equal-length periods (February is not a slump);
    # the first and last periods, usually partial, are left out.
    weight = len(ctx.data) / len(ctx.sample)
    rows = counts * weight / period.lengths(counts.index)
    found.append(_Series(time, None, period, rows.iloc[1:-1], grid[1:-1], None, weight))
    return [s for s in found if len(s.values) >= MIN_BUCKETS]


def _fit(series: _Series) -> _Fit | None:
    y = series.values.to_numpy(dtype=float)
    if np.ptp(y) == 0:
        return None
    tau, p = stats.kendalltau(series.positions, y)
    slope, intercept, _, _ = stats.theilslopes(y, series.positions)
    return _Fit(float(tau), float(p), float(slope), float(intercept))


def _trend(ctx: Context, series: _Series, fit: _Fit, q: float, tested: int) -> Finding:
    start, end = fit.at(series.positions[[0, -1]])
    same_sign = start != 0 and np.sign(start) == np.sign(end)
    change = (end - start) / abs(start) if same_sign else None
    strength = float(np.sin(np.pi * abs(fit.tau) / 2))
    if change is not None:
        strength *= min(1.0, abs(change) / MIN_CHANGE)
    verb = "rises" if fit.slope > 0 else "falls"
    first, last = (series.period.label(series.values.index[i]) for i in (0, -1))
    amount = f"{percent(abs(change))} " if change is not None else ""
    text = (f"{series.subject} {verb} {amount}from {first} to {last}, from about {number(start)} "
            f"to {number(end)} ({series.what}, Sen's slope {number(fit.slope)} per "
            f"{series.period.noun}; Mann–Kendall {p_text(q)}).")
    evidence = Evidence(
        test="Mann–Kendall trend test with Sen's slope (Benjamini–Hochberg adjusted)",
        statistic=fit.tau, p_value=q, effect_size=fit.tau, n=len(series.values),
        details={"period": series.period.adjective, "slope_per_period": fit.slope,
                 "fitted_start": start, "fitted_end": end, "change": change, "p_raw": fit.p,
                 "series_tested": tested, "first": series.values.index[0],
                 "last": series.values.index[-1], **ctx.sampled})
    title = f"{series.column or f'Rows per {series.period.noun}'} {verb} over time"
    return Finding(InsightKind.TREND, title, text, _columns(series), evidence, strength,
                   significance(q, ctx.alpha), lambda: _chart(ctx, series, title))


def _anomalies(ctx: Context, fitted: list[tuple[_Series, _Fit]]) -> list[Finding]:
    worst = []
    for series, fit in fitted:  # a few dozen series
        z = _robust_z(series, fit)
        if z is not None:
            i = int(np.argmax(np.abs(z)))
            worst.append((series, fit, float(z[i]), i))
    q = adjust(np.array([extreme_p(z, len(s.values)) for s, _, z, _ in worst], dtype=float))
    return [_anomaly(ctx, s, fit, z, i, qi) for (s, fit, z, i), qi in zip(worst, q, strict=True)
            if qi <= ctx.alpha and abs(z) >= ANOMALY_Z]


def _robust_z(series: _Series, fit: _Fit) -> np.ndarray | None:
    """Residuals from the trend over their spread: the MAD of all residuals, but never less
    than the period's own sampling error (a thin month's mean, or a count, varies by chance)."""
    expected = fit.at(series.positions)
    residual = series.values.to_numpy(dtype=float) - expected
    centre = np.median(residual)
    error = series.error
    if error is None:  # a count of sampled rows, scaled by the weight of each
        error = np.sqrt(np.maximum(expected, 1.0) * series.weight)
    spread = np.maximum(np.median(np.abs(residual - centre)) / MAD_SCALE, error)
    return None if not np.all(spread > 0) else (residual - centre) / spread


def _anomaly(ctx: Context, series: _Series, fit: _Fit, z: float, i: int, q: float) -> Finding:
    when = series.period.label(series.values.index[i])
    value = float(series.values.iloc[i])
    expected = fit.intercept + fit.slope * float(series.positions[i])
    side = "above" if z > 0 else "below"
    name = series.column or f"Rows per {series.period.noun}"
    text = (f"{name} in {when} ({number(value)}) is far {side} its {series.period.adjective} "
            f"trend (about {number(expected)}; robust z = {z:.1f}, {p_text(q)}).")
    evidence = Evidence(
        test="Robust z of the residual from Sen's slope (median/MAD; Bonferroni over periods, "
             "Benjamini–Hochberg over series)",
        statistic=z, p_value=q, effect_size=abs(z), n=len(series.values),
        details={"period": series.period.adjective, "when": series.values.index[i],
                 "value": value, "expected": expected, **ctx.sampled})
    title = f"{name}: unusual {series.period.noun} ({when})"
    return Finding(InsightKind.ANOMALY, title, text, _columns(series),
                   evidence, outlier_strength(z), significance(q, ctx.alpha),
                   lambda: _chart(ctx, series, title))


def _columns(series: _Series) -> list[str]:
    return [series.time] + ([series.column] if series.column else [])


def _chart(ctx: Context, series: _Series, title: str) -> ChartSpec | None:
    y = series.column or "rows"
    frame = pd.DataFrame({series.time: series.values.index, y: series.values.to_numpy()})
    return line_chart(frame, x=series.time, y=y, title=title,
                      x_label=time_label(ctx.data[series.time]), y_label=series.what,
                      note=series.what)
