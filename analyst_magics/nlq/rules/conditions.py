"""Row filters of a question: comparisons, values, flags and numbers next to columns.

Each reader finds one kind of condition, attaches it to a column, and marks the words it used so
that later readers (and the intent) do not read them again. Order matters: comparisons take
their numbers first, then values, numbers beside columns ("3rd class"), "without any X", and
boolean columns ("who survived", "non-self-made").
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .context import DATE_KINDS, NUMERIC_KINDS, Context
from .intents import Condition
from .numeric_conditions import read_comparisons
from .recording import negated_before, none_is_blank, plain, record, span_text

#: Confidence lost when a value names no column of its own: below the answer floor.
AMBIGUOUS_VALUE_PENALTY = 0.6

__all__ = ["extract_conditions"]

_LISTING = frozenset({"any", "or", "and", "nor", "the", "a", "an", "other"})
_PAIRING = frozenset({"with", "and", "between", "vs", "versus", "against"})


def extract_conditions(ctx: Context) -> None:
    """Read every condition of the question into ``ctx.conditions``."""
    _text_matches(ctx)
    read_comparisons(ctx)
    _values(ctx)
    _numbers_beside_columns(ctx)
    _dates(ctx)
    _zero_counts(ctx)
    _flags(ctx)
    ctx.conditions.sort(key=lambda c: c.position)
    ctx.separate_conditions = list(ctx.conditions)
    ctx.conditions = _merged(ctx.conditions)


# ----------------------------------------------------------------------------- comparisons


def _text_matches(ctx: Context) -> None:
    """"whose name contains 'Cozy'", "'flat 1' in their name", "names starting with 'A'"."""
    for cue in ctx.cues_of("text"):
        phrase = ctx.word(cue.end)
        quoted = next((t for t in ctx.tokens[cue.end + 1:cue.end + 3] if t.kind == "quoted"),
                      None) if phrase not in ("their", "its", "the") else (
            ctx.tokens[cue.start - 1] if cue.start and ctx.tokens[cue.start - 1].kind == "quoted"
            else None)
        if quoted is None or quoted.i in ctx.consumed:
            continue
        around = [m for m in ctx.free() if ctx.info(m.column).kind == "text"
                  and (m.end == cue.start - 1 or m.start == cue.end + 1)]
        column = around[0].column if around else ctx.schema.label_column
        if column is None:
            continue
        if around:
            ctx.use(around[0].positions)
        record(ctx, column, cue.value, quoted.text, min(cue.start, quoted.i),
                max(cue.end, quoted.i))


def _values(ctx: Context) -> None:
    for mention in ctx.free_values():
        if _unit_after_number(ctx, mention.start, mention.end):
            continue  # "150 cm": a unit, not the value "CM"
        columns = list(dict.fromkeys(col for col, _ in mention.candidates))
        beside = [m for m in ctx.free() if m.column in columns
                  and (mention.start - 3 <= m.end < mention.start
                       or mention.end < m.start <= mention.end + 2)]
        if beside:
            column = beside[0].column
            ctx.use(beside[0].positions)
        else:
            column = min(columns, key=lambda c: ctx.info(c).distinct or 0)
            if len(columns) > 1:
                # A value of two columns of one kind ("true" of two flags, "North" of two
                # regions) does not say which one is meant: taking either is a guess.
                kinds = [ctx.info(c).kind for c in columns]
                guess = kinds.count(ctx.info(column).kind) > 1
                ctx.warn(f"'{span_text(ctx, mention.start, mention.end)}' is a value of "
                         f"{', '.join(map(repr, map(str, columns)))}; used '{column}'.",
                         AMBIGUOUS_VALUE_PENALTY if guess else 0.05)
        values = [v for col, v in mention.candidates if col == column]
        negated = negated_before(ctx, mention.start)
        if ctx.info(column).listing:  # one item of the cells: "films starring Eddie Murphy"
            op, value = "notmentions" if negated else "mentions", min(values, key=len)
        else:
            op = "!=" if negated else "=="
            value = values[0] if len(values) == 1 else values
        if isinstance(value, list):
            op = "notin" if op == "!=" else "in"
        record(ctx, column, op, value, mention.start, mention.end)


def _unit_after_number(ctx: Context, start: int, end: int) -> bool:
    return start == end and start > 0 and ctx.tokens[start - 1].kind == "number" and len(
        ctx.tokens[start].text) <= 3


# ----------------------------------------------------------------------------- numbers


def _numbers_beside_columns(ctx: Context) -> None:
    """"3rd class" -> Pclass == 3; "in 2002" -> Year == 2002 when the value is in the data."""
    for token in ctx.tokens:
        if token.kind != "number" or token.i in ctx.consumed or token.number is None:
            continue
        value = plain(token.number)
        for mention in ctx.free():
            near = mention.start == token.i + 1 or mention.end == token.i - 1 or (
                mention.end == token.i - 2 and ctx.word(token.i - 1) in ("of", "=", "is")) or (
                mention.start == token.i + 3 and ctx.word(token.i + 1) in ("in", "on", "at")
                and ctx.word(token.i + 2) == "the")  # "number 1 in the US"
            if near and ctx.info(mention.column).kind in NUMERIC_KINDS and ctx.has_value(
                    mention.column, value):
                ctx.use(mention.positions)
                record(ctx, mention.column, "==", value, token.i, token.i)
                break
        else:
            _year(ctx, token.i, value)


def _dates(ctx: Context) -> None:
    """"on 2015-01-02": that day in the date column named nearby, or the only one."""
    for token in ctx.tokens:
        if token.kind != "date" or token.i in ctx.consumed:
            continue
        named = [m for m in ctx.free() if ctx.info(m.column).kind in DATE_KINDS
                 and abs(m.start - token.i) <= 3]
        dates = [c.name for c in ctx.schema.columns if c.kind in DATE_KINDS]
        column = named[0].column if named else (dates[0] if len(dates) == 1 else None)
        if column is not None:
            if named:
                ctx.use(named[0].positions)
            record(ctx, column, "==", pd.Timestamp(token.text), token.i, token.i)


def _year(ctx: Context, position: int, value: Any) -> None:
    if not isinstance(value, int) or not 1000 <= value <= 3000:
        return
    for info in ctx.schema.columns:
        if info.yearlike and ctx.has_value(info.name, value):
            record(ctx, info.name, "==", value, position, position)
            return
    dates = [c for c in ctx.schema.columns if c.kind in DATE_KINDS]
    if len(dates) == 1:
        ctx.conditions.append(Condition(column=dates[0].name, op="==", value=value, part="year",
                                        words=str(value), position=position))
        ctx.use([position])


def _zero_counts(ctx: Context) -> None:
    """"without any children" -> children == 0; "with no cabin" -> cabin is missing."""
    for cue in ctx.cues_of("neg"):
        if ctx.word(cue.start) not in ("without", "no", "never"):
            continue
        end = cue.end
        while True:  # "no siblings, spouses, parents or children": each of them
            mention = next((m for m in ctx.free() if _next_in_list(ctx, m.positions, end)), None)
            if mention is None or ctx.info(mention.column).kind == "bool":
                break
            ctx.use(mention.positions)
            blank = none_is_blank(ctx, mention.column)
            record(ctx, mention.column, "isna" if blank else "==", None if blank else 0,
                    cue.start if end == cue.end else mention.start, mention.end)
            end = mention.end


def _next_in_list(ctx: Context, positions: tuple[int, ...], end: int) -> bool:
    """Whether a mention has a word just after ``end``, past list words only."""
    first = next((p for p in positions if p > end), None)
    return first is not None and first <= end + 2 and all(
        ctx.word(p) in _LISTING for p in range(end + 1, first))


def _flags(ctx: Context) -> None:
    """Boolean columns named in the question: "who survived", "not self-made"."""
    for mention in ctx.free():
        if ctx.info(mention.column).kind != "bool":
            continue
        if any(c.start == mention.end + 1 for c in ctx.cues_of("share")):
            continue  # "survival rate": the flag is what is measured
        if ctx.has("corr") and ctx.word(mention.start - 1) in _PAIRING:
            continue  # "correlation with Survived": the flag is a variable
        negated = negated_before(ctx, mention.start)
        record(ctx, mention.column, "false" if negated else "true", None, mention.start,
                mention.end)
        ctx.use(mention.positions)


def _merged(conditions: list[Condition]) -> list[Condition]:
    """Equalities on one column become one ``in`` ("Sweden and Norway")."""
    merged: list[Condition] = []
    for cond in conditions:
        same = next((m for m in merged if m.column == cond.column and m.op in ("==", "in")
                     and cond.op in ("==", "in") and m.part == cond.part), None)
        if same is None:
            merged.append(cond)
            continue
        values = [*_as_list(same.value), *_as_list(cond.value)]
        merged[merged.index(same)] = same.model_copy(update={
            "op": "in", "value": list(dict.fromkeys(values)),
            "words": f"{same.words} / {cond.words}"})
    return merged


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]
