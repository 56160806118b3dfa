"""Numeric comparisons in questions: "more than $500", "at least 3 items", "between 10 and
20", "older than 60", "30 or more", "a higher potential than overall rating", "after 2000"."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .context import DATE_KINDS, DURATION_KINDS, Context
from .intents import AggRef
from .lexicon import RANK_NAMES, STOPWORDS
from .matching import columns_for_words
from .mentions import ColumnMention
from .recording import is_year, record, span_text

__all__ = ["read_comparisons", "attach_numeric"]

_MONEY_WORDS = ("usd", "price", "cost", "prize", "money", "salary", "revenue", "fare", "amount",
                "pay", "income", "fee", "dollar", "eur", "value", "worth")
_PERCENT_WORDS = ("percent", "pct", "percentage", "rate", "share")
_LOOKBACK = 4
_COMPARATIVE_OPS = {"more": ">", "higher": ">", "greater": ">", "larger": ">", "bigger": ">",
                    "less": "<", "lower": "<", "smaller": "<", "fewer": "<"}


def read_comparisons(ctx: Context) -> None:
    """Every numeric comparison of the question, as conditions."""
    _versus(ctx)
    _trailing(ctx)
    _comparisons(ctx)
    _ages(ctx)


_AGE_UNIT = 2  # "years old"


def _years_old(ctx: Context, position: int) -> bool:
    """Whether the number at ``position`` is an age: "60 years old", "12 year olds"."""
    return ctx.word(position + 1) in ("year", "years", "yrs", "yr") and ctx.word(
        position + 2) in ("old", "olds")


def _ages(ctx: Context) -> None:
    """An age with no comparison word: "(0-12 years old)" is a range, "passengers 30 years
    old" one age."""
    for token in ctx.tokens:
        if token.kind != "number" or token.i in ctx.consumed or not _years_old(ctx, token.i):
            continue
        before = ctx.tokens[token.i - 1] if token.i else None
        if token.text.startswith("-") and before is not None and before.kind == "number" and (
                before.i not in ctx.consumed):  # "0-12 years old": two numbers, one range
            low, start = before.number, before.i
            value: Any = (low, abs(token.number or 0))
        else:
            value, start = token.number, token.i
        column = attach_numeric(ctx, start, start, token.i)
        if column is not None:
            record(ctx, column, "between" if isinstance(value, tuple) else "==", value,
                   start, token.i + _AGE_UNIT)


def _comparisons(ctx: Context) -> None:
    for cue in sorted([*ctx.cues_of("cmp"), *ctx.cues_of("cmp_adj"), *ctx.cues_of("between")],
                      key=lambda c: c.start):
        if not ctx.consumed.isdisjoint(cue.positions):
            continue
        operand = _operand(ctx, cue.end + 1)
        if operand is None:
            continue
        value, value_start, value_end = operand
        if value is None:
            continue  # "from 3rd class" is not a comparison
        op = cue.value[1] if cue.kind == "cmp_adj" else cue.value
        lasting = _duration(ctx, value, value_end)
        if lasting is not None:  # "more than 10 minutes": a duration, on a column of them
            _record_duration(ctx, op, *lasting, cue.start)
            continue
        if cue.kind == "between" or (ctx.word(cue.start) == "from"
                                     and _second_bound(ctx, value_end) is not None):
            bounds = _second_bound(ctx, value_end)
            if bounds is None or isinstance(value, AggRef):
                continue
            value, value_end, op = (value, bounds[0]), bounds[1], "between"
        concept = cue.value[0] if cue.kind == "cmp_adj" else ()
        column = attach_numeric(ctx, cue.start, cue.end, value_end, concept,
                                skip=range(value_start, value_end + 1))
        if column is None:
            ctx.warn(f"Could not tell which column '{span_text(ctx, cue.start, value_end)}' is "
                     "about; that condition was left out.", 0.4)
            continue
        if not _compatible(ctx, column, value):
            continue  # a date against a number (other than a year), or text against numbers
        record(ctx, column, op, value, cue.start, value_end)


def _duration(ctx: Context, value: Any, value_end: int) -> tuple[pd.Timedelta, int] | None:
    """A number followed by a unit of time ("10 minutes", "2.5 hours"), as a duration."""
    unit = _TIME_UNITS.get(ctx.word(value_end + 1))
    if unit is None or not isinstance(value, (int, float)):
        return None
    return pd.Timedelta(**{unit: float(value)}), value_end + 1


def _record_duration(ctx: Context, op: str, value: pd.Timedelta, end: int, start: int) -> None:
    named = [m for m in ctx.free() if ctx.info(m.column).kind in DURATION_KINDS]
    columns = [m.column for m in named] or [
        c.name for c in ctx.schema.columns if c.kind in DURATION_KINDS]
    if len(set(columns)) != 1 and not named:
        ctx.warn(f"No single column of durations for '{span_text(ctx, start, end)}'; that "
                 "condition was left out.", 0.5)
        return
    if named:
        ctx.use(named[0].positions)
    else:
        ctx.implied = True
    record(ctx, columns[0], op, value, start, end)


_TIME_UNITS = {**dict.fromkeys(("second", "seconds", "sec", "secs", "s"), "seconds"),
               **dict.fromkeys(("minute", "minutes", "min", "mins"), "minutes"),
               **dict.fromkeys(("hour", "hours", "hr", "hrs", "h"), "hours"),
               **dict.fromkeys(("day", "days"), "days"),
               **dict.fromkeys(("week", "weeks"), "weeks")}


def _trailing(ctx: Context) -> None:
    """"30 or more goals", "a rank of 10 or better": the number comes first."""
    for cue in ctx.cues_of("cmp_after"):
        back = cue.start - 2 - (_AGE_UNIT if _years_old(ctx, cue.start - 3) else 0)
        number = next((t for t in ctx.tokens[max(0, back):cue.start][::-1]
                       if t.kind == "number"), None)  # "5 or more", "60 years old and above"
        if number is None or number.i in ctx.consumed:
            continue
        column = attach_numeric(ctx, number.i, number.i, cue.end)
        if column is None:
            continue
        op = cue.value
        if op in ("better", "worse"):  # a better rank is a smaller number
            ranked = bool(set(ctx.info(column).words) & RANK_NAMES)
            op = "<=" if (op == "better") == ranked else ">="
        record(ctx, column, op, number.number, number.i, cue.end)


def _versus(ctx: Context) -> None:
    """"a higher potential than overall rating": one column against another."""
    for than in [t.i for t in ctx.tokens if t.low == "than"]:
        word = next((t for t in reversed(ctx.tokens[max(0, than - 4):than])
                     if t.low in _COMPARATIVE_OPS), None)
        if word is None or word.i == than - 1:
            continue  # "more than 10" is read by _comparisons
        left = next((m for m in ctx.free() if word.i < m.start and m.end < than
                     and ctx.numeric(m.column)), None)
        right = next((m for m in ctx.free() if than < m.start <= than + 3
                      and ctx.numeric(m.column)), None)
        if left is None or right is None:
            continue
        ctx.use([*left.positions, *right.positions])
        record(ctx, left.column, _COMPARATIVE_OPS[word.low],
                AggRef(agg="value", column=right.column), word.i, right.end)


def _operand(ctx: Context, start: int) -> tuple[Any, int, int] | None:
    """What a comparison phrase compares with — a number, "the average X" or another column —
    and the positions it spans (used up only when the comparison is recorded)."""
    for pos in range(start, min(start + 5, len(ctx.tokens))):
        token = ctx.tokens[pos]
        if token.kind == "number" and pos not in ctx.consumed:
            return (None if token.ordinal else token.number), pos, pos
        if token.kind == "date" and pos not in ctx.consumed:
            return pd.Timestamp(token.text), pos, pos
        agg = next((c for c in ctx.cues_of("agg") if c.start == pos), None)
        other = next((m for m in ctx.free() if m.start == pos and ctx.numeric(m.column)), None)
        after = next((m for m in ctx.free() if agg and agg.end < m.start <= agg.end + 2
                      and ctx.numeric(m.column)), None)
        if agg is not None and (other is None or after is not None):
            return (AggRef(agg=agg.value, column=after.column if after else None), pos,
                    after.end if after else agg.end)
        if other is not None:  # "higher than their overall rating"
            return AggRef(agg="value", column=other.column), pos, other.end
        if token.kind == "quoted" or (token.low not in STOPWORDS and not _in_column(ctx, pos)
                                      and token.low != "$"):
            return None
    return None


def _second_bound(ctx: Context, end: int) -> tuple[float, int] | None:
    if ctx.word(end + 1) in ("and", "to", "-") and end + 2 < len(ctx.tokens):
        token = ctx.tokens[end + 2]
        if token.kind == "number" and token.number is not None:
            return token.number, end + 2
    return None


def _in_column(ctx: Context, pos: int) -> bool:
    return any(pos in m.positions for m in ctx.free())


def attach_numeric(ctx: Context, start: int, end: int, value_end: int,
                   concept: tuple[str, ...] = (), skip: range = range(0)) -> Any:
    """The column a comparison at ``start..value_end`` is about, or ``None``."""
    aged = next((p for p in (value_end, start) if _years_old(ctx, p)), None)
    if not concept and (aged is not None or ctx.word(start - 1) == "aged"):
        concept = ("age",)  # "under 12 years old", "60 years old and above", "aged over 60"
        ctx.use([aged + 1, aged + 2] if aged is not None else [start - 1])
    usable = [m for m in ctx.free() if _comparable(ctx, m.column) and m.start not in skip]
    implied = columns_for_words(ctx.schema, concept) if concept else []
    if implied:  # "older than 60" is about age, whatever column is named nearby
        named = next((m for m in usable if ctx.info(m.column) in implied), None)
        if named is not None:
            ctx.use(named.positions)
            return named.column
        return _implied_column(ctx, concept, value_end)
    inside = [m for m in usable if any(end < p < value_end for p in m.positions)]
    after = [m for m in usable if any(value_end < p <= value_end + 2 for p in m.positions)]
    before = [m for m in usable if any(start - _LOOKBACK <= p < start for p in m.positions)]
    chosen: ColumnMention | None = None
    if inside:
        chosen = inside[0]
    elif after and value_end + 1 in after[0].positions:
        chosen = after[0]
    elif before:
        chosen = before[-1]
    elif after:
        chosen = after[0]
    if chosen is not None:
        ctx.use(chosen.positions)
        return chosen.column
    return _implied_column(ctx, concept, value_end)


def _comparable(ctx: Context, column: Any) -> bool:
    info = ctx.info(column)
    return (info.numeric or info.kind in DATE_KINDS) and not info.is_id


def _implied_column(ctx: Context, concept: tuple[str, ...], value_end: int) -> Any:
    """A column implied by "older than", "$", "%", or the only numeric one."""
    token = ctx.tokens[value_end]
    if token.kind == "date":  # "after 2024-06-30": the date column
        dated = [c for c in ctx.schema.columns if c.kind in DATE_KINDS]
        return dated[0].name if len(dated) == 1 else None
    if is_year(token.number) and not concept:  # "after 2000": the year or date column
        dated = [c for c in ctx.schema.columns if c.yearlike] or [
            c for c in ctx.schema.columns if c.kind in DATE_KINDS]
        if len(dated) == 1:
            ctx.implied = True
            return dated[0].name
    words = concept or (_MONEY_WORDS if token.money else _PERCENT_WORDS if token.percent else ())
    numeric = [c for c in ctx.schema.columns if c.numeric and not c.is_id]
    for info in columns_for_words(ctx.schema, words):
        if info in numeric:
            ctx.implied = True
            shown = span_text(ctx, value_end - 2, value_end)
            ctx.warn(f"Took column '{info.label}' for '{shown}'.", 0.1)
            return info.name
    if len(numeric) == 1:
        ctx.implied = True
        ctx.warn(f"Took '{numeric[0].label}', the only numeric column, for the comparison "
                 f"'{span_text(ctx, value_end - 2, value_end)}'.", 0.2)
        return numeric[0].name
    return None


def _compatible(ctx: Context, column: Any, value: Any) -> bool:
    """Whether ``column`` can be compared with ``value`` (dates with dates or years)."""
    dated = ctx.info(column).kind in DATE_KINDS
    if isinstance(value, AggRef):
        other = value.column if value.column is not None else column
        return (ctx.info(other).kind in DATE_KINDS) == dated and (
            dated or ctx.info(other).numeric)
    if isinstance(value, tuple):
        return all(_compatible(ctx, column, v) for v in value)
    if isinstance(value, pd.Timestamp):
        return dated
    return not dated or is_year(value)
