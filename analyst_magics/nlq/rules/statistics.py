"""Statistical questions: correlations, outliers, missing values, distributions, trends,
distinct values and summaries (see :func:`analyst_magics.nlq.rules.builders.choose`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ...parsers import read_dates
from . import ranking
from .context import DATE_KINDS, Context
from .intents import Intent, IntentKind
from .periods import PERIOD_UNITS

__all__ = ["correlation", "outliers", "missing", "distribution", "trend", "per_period",
           "distinct", "describe"]

TREND_SAMPLE = 2000  # dates looked at to choose the period of a trend
#: spans (in days) above which a trend is shown per year, month, week, day; else per hour
_AUTO_FREQ = ((3 * 365, "Y"), (90, "M"), (21, "W"), (2, "D"))
_OUTLIER_WORDS = ("outlier", "outliers", "anomaly", "anomalies", "anomalous", "extreme")
_POSITIVE = ("positive",)
_NEGATIVE = ("negative", "inverse")


def correlation(ctx: Context) -> Intent | None:
    method = next((c.value for c in ctx.cues_of("corr") if c.value != "pearson"), "pearson")
    columns = list(dict.fromkeys(m.column for m in ctx.free() if ctx.numeric(m.column)
                                 or ctx.info(m.column).kind == "bool"))
    for mention in ctx.free():
        if mention.column in columns:
            ctx.use(mention.positions)
    for item in ctx.derived:  # a feature the question creates is there to be used
        if item.name not in columns:
            columns.insert(0, item.name)
    numbers = [c for c in ctx.schema.columns if c.kind == "number"]
    if len(columns) < 2 and len(numbers) < 2:
        return None  # a correlation needs two numeric columns
    strongest = [c for c in ctx.cues_of("super") if ctx.word(c.start) in (
        "strongest", "highest", "largest", "greatest", "weakest", "lowest", "most", "biggest")]
    if strongest and len(columns) != 2:
        sign = ("positive" if _said(ctx, _POSITIVE) else
                "negative" if _said(ctx, _NEGATIVE) else "absolute")
        weakest = strongest[0].value[0] == "min" and sign == "absolute"
        return Intent(kind=IntentKind.STRONGEST_CORRELATION, columns=columns, method=method,
                      agg=sign, ascending=weakest, conditions=ctx.conditions)
    return Intent(kind=IntentKind.CORRELATION, columns=columns, method=method,
                  conditions=ctx.conditions)


def _said(ctx: Context, words: tuple[str, ...]) -> bool:
    return any(t.low in words for t in ctx.tokens)


def outliers(ctx: Context, threshold: float | None) -> Intent | None:
    method = "iqr" if any(c.value == "iqr" for c in ctx.cues_of("outlier")) else "zscore"
    target = ctx.take_numeric()
    if target is None:
        return None
    if method == "iqr" and not _said(ctx, _OUTLIER_WORDS) and not ctx.has("count"):
        # "the interquartile range of the fare" is a statistic, not an outlier rule
        return Intent(kind=IntentKind.AGGREGATE, agg="iqr", target=target,
                      conditions=ctx.conditions)
    mode = ("remaining" if ctx.has("remain") else "percent" if ctx.has("share") else
            "rows" if ctx.has("list") and not ctx.has("count") else "count")
    default = 1.5 if method == "iqr" else 3.0
    return Intent(kind=IntentKind.OUTLIERS, target=target, method=method, agg=mode,
                  threshold=threshold if threshold is not None else default,
                  conditions=ctx.conditions)


def missing(ctx: Context) -> Intent:
    """Missing values of a column (the one named after "missing": "orders missing a discount"
    count the orders, and the discount is what is missing), of every column, or of rows."""
    cue = ctx.cue("missing")
    after = [m for m in ctx.free() if cue is not None and m.start > cue.end]
    target = after[0] if after else next((m for m in ctx.free()), None)
    if target is not None:
        ctx.use(target.positions)
    if target is None and ctx.has("super"):
        mode = "which"
    elif ctx.has("share"):
        mode = "percent"
    elif target is None and any(t.low in ("row", "rows", "records", "entries") for t in
                                ctx.tokens):
        mode = "rows"
    elif target is not None or ctx.has("count"):
        mode = "count"
    else:
        mode = "table"
    return Intent(kind=IntentKind.MISSING, target=target.column if target else None, agg=mode,
                  conditions=ctx.conditions)


def distribution(ctx: Context) -> Intent | None:
    target = next((m for m in ctx.free()), None)
    if target is None:
        return None
    ctx.use(target.positions)
    return Intent(kind=IntentKind.DISTRIBUTION, target=target.column, by=ranking.group_column(ctx),
                  conditions=ctx.conditions)


def trend(ctx: Context) -> Intent | None:
    dated = [m for m in ctx.free() if ctx.info(m.column).kind in DATE_KINDS
             or ctx.info(m.column).yearlike]
    if dated:
        ctx.use(dated[0].positions)
        column = dated[0].column
    else:
        candidates = [c for c in ctx.schema.columns if c.kind in DATE_KINDS] or [
            c for c in ctx.schema.columns if c.yearlike]
        if not candidates:
            return None
        column = candidates[0].name
        ctx.implied = True
        ctx.warn(f"Used '{column}' as the time axis.", 0.05)
    time = ctx.cue("time") if per_period(ctx) else None
    freq = time.value if time is not None else _auto_freq(ctx, column)
    measure = ranking.find_measure(ctx, exclude=(column,))
    agg = measure.agg or (ranking.default_agg(ctx, measure.column) if measure.column else "size")
    return Intent(kind=IntentKind.TREND, by=column, freq=freq, target=measure.column, agg=agg,
                  conditions=ctx.conditions)


def period_ranking(ctx: Context) -> Intent | None:
    """"Which month had the most revenue?", "the weekday with the fewest orders": the calendar
    period of a date column whose aggregate is largest (or smallest)."""
    cue = ctx.cue("super")
    unit = next((t for t in ctx.tokens if t.i not in ctx.consumed and t.low in PERIOD_UNITS
                 and not any(t.i in m.positions for m in ctx.columns)), None)
    if cue is None or unit is None or not _asks_for(ctx, unit.i):
        return None
    named = [m for m in ctx.free() if ctx.info(m.column).kind in DATE_KINDS]
    dates = [m.column for m in named] or [c.name for c in ctx.schema.columns
                                          if c.kind in DATE_KINDS]
    if not dates:
        return None
    if named:
        ctx.use(named[0].positions)
    elif len(dates) > 1:
        ctx.warn(f"Used '{dates[0]}' for the {unit.low}; the table has other dates "
                 f"({', '.join(map(str, dates[1:]))}).", 0.2)
    weekday = unit.low == "day" and ctx.word(unit.i + 1) == "of" and ctx.word(unit.i + 3) == "week"
    ctx.use([unit.i, *cue.positions, *((unit.i + 1, unit.i + 2, unit.i + 3) if weekday else ())])
    measure = ranking.find_measure(ctx, exclude=(dates[0],))
    agg = measure.agg or (ranking.default_agg(ctx, measure.column) if measure.column else "size")
    return Intent(kind=IntentKind.GROUP_ARG, by=dates[0],
                  freq="weekday" if weekday else PERIOD_UNITS[unit.low],
                  target=measure.column, agg=agg, ascending=cue.value[0] == "min",
                  conditions=ctx.conditions)


def _asks_for(ctx: Context, position: int) -> bool:
    """Whether the word at ``position`` is what the question asks for: right after "which",
    "what" or "the" opening it ("which month", "the weekday with the most")."""
    before = ctx.word(position - 1)
    return before in ("which", "what") or (before == "the" and position <= 2) or (
        position == 0)


def per_period(ctx: Context) -> bool:
    """"monthly", "per year", "by month": a trend; "which year" is not."""
    named = {p for m in ctx.columns for p in m.positions}
    for cue in ctx.cues_of("time"):
        word = ctx.word(cue.start)
        if cue.start in named:
            continue  # "annual revenue" names a column; it asks for no period
        if ctx.has("agg") and any(m.start == cue.end + 1 for m in ctx.columns):
            continue  # "the standard deviation of the daily volume" is one statistic
        if word.endswith("ly") or word == "annual" or any(
                g.end == cue.start - 1 for g in ctx.cues_of("group")) or (
                ctx.word(cue.start - 1) == "every"):
            return True
    return False


def _auto_freq(ctx: Context, column: Any) -> str | None:
    """Per year over years of data, per month over months, per week or day, else per hour."""
    info = ctx.info(column)
    if info.yearlike:
        return None
    series = ctx.df[column]
    sample = series.iloc[:: max(1, len(series) // TREND_SAMPLE)]
    if info.kind == "datetext" and info.dates is not None:
        sample = read_dates(sample.astype(str).str.strip(), info.dates)
    span = sample.max() - sample.min()
    days = span.days if isinstance(span, pd.Timedelta) else 0
    return next((freq for limit, freq in _AUTO_FREQ if days > limit), "H")


def distinct(ctx: Context) -> Intent | None:
    cue = ctx.cue("distinct")
    after = [m for m in ctx.free() if m.start > cue.end] if cue else []  # type: ignore[union-attr]
    target = after[0] if after else next(iter(ctx.free()), None)
    if target is None:
        return None
    ctx.use(target.positions)
    mode = "unique?" if ctx.has("yesno") else "count" if ctx.has("count") else "list"
    return Intent(kind=IntentKind.DISTINCT, target=target.column, agg=mode,
                  conditions=ctx.conditions)


def describe(ctx: Context) -> Intent:
    columns = [m.column for m in ctx.free()]
    return Intent(kind=IntentKind.DESCRIBE, columns=columns, conditions=ctx.conditions)
