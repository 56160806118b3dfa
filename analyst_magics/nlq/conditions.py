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
from .intents import AggRef, Condition
from .lexicon import RANK_NAMES, STOPWORDS
from .matching import ColumnMention, columns_for_words

__all__ = ["extract_conditions", "attach_numeric", "negated_before"]

_MONEY_WORDS = ("usd", "price", "cost", "prize", "money", "salary", "revenue", "fare", "amount",
                "pay", "income", "fee", "dollar", "eur", "value", "worth")
_PERCENT_WORDS = ("percent", "pct", "percentage", "rate", "share")
_LOOKBACK = 4
_COMPARATIVE_OPS = {"more": ">", "higher": ">", "greater": ">", "larger": ">", "bigger": ">",
                    "less": "<", "lower": "<", "smaller": "<", "fewer": "<"}
_LISTING = frozenset({"any", "or", "and", "nor", "the", "a", "an", "other"})
_PAIRING = frozenset({"with", "and", "between", "vs", "versus", "against"})


def extract_conditions(ctx: Context) -> None:
    """Read every condition of the question into ``ctx.conditions``."""
    _text_matches(ctx)
    _versus(ctx)
    _trailing(ctx)
    _comparisons(ctx)
    _values(ctx)
    _numbers_beside_columns(ctx)
    _dates(ctx)
    _zero_counts(ctx)
    _flags(ctx)
    ctx.conditions.sort(key=lambda c: c.position)
    ctx.separate_conditions = list(ctx.conditions)
    ctx.conditions = _merged(ctx.conditions)


# ----------------------------------------------------------------------------- comparisons


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
            ctx.warn(f"Could not tell which column '{_words(ctx, cue.start, value_end)}' is "
                     "about; that condition was left out.", 0.4)
            continue
        if not _compatible(ctx, column, value):
            continue  # a date against a number (other than a year), or text against numbers
        _record(ctx, column, op, value, cue.start, value_end)


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
        _record(ctx, column, cue.value, quoted.text, min(cue.start, quoted.i),
                max(cue.end, quoted.i))


def _trailing(ctx: Context) -> None:
    """"30 or more goals", "a rank of 10 or better": the number comes first."""
    for cue in ctx.cues_of("cmp_after"):
        number = next((t for t in ctx.tokens[max(0, cue.start - 2):cue.start][::-1]
                       if t.kind == "number"), None)  # "5 or more", "5 games or more"
        if number is None or number.i in ctx.consumed:
            continue
        column = attach_numeric(ctx, number.i, number.i, cue.end)
        if column is None:
            continue
        op = cue.value
        if op in ("better", "worse"):  # a better rank is a smaller number
            ranked = bool(set(ctx.info(column).words) & RANK_NAMES)
            op = "<=" if (op == "better") == ranked else ">="
        _record(ctx, column, op, number.number, number.i, cue.end)


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
        _record(ctx, left.column, _COMPARATIVE_OPS[word.low],
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
        if token.kind == "number":
            return token.number, end + 2
    return None


def _in_column(ctx: Context, pos: int) -> bool:
    return any(pos in m.positions for m in ctx.free())


def attach_numeric(ctx: Context, start: int, end: int, value_end: int,
                   concept: tuple[str, ...] = (), skip: range = range(0)) -> Any:
    """The column a comparison at ``start..value_end`` is about, or ``None``."""
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
    """A column implied by "older than", "40 years old", "$", "%", or the only numeric one."""
    token = ctx.tokens[value_end]
    if not concept and ctx.word(value_end + 1) in ("year", "years", "yrs") and (
            ctx.word(value_end + 2) == "old"):
        concept = ("age",)
        ctx.use([value_end + 1, value_end + 2])
    if token.kind == "date":  # "after 2024-06-30": the date column
        dated = [c for c in ctx.schema.columns if c.kind in DATE_KINDS]
        return dated[0].name if len(dated) == 1 else None
    if _is_year(token.number) and not concept:  # "after 2000": the year or date column
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
            ctx.warn(f"Took column '{info.label}' for '{_words(ctx, value_end - 2, value_end)}'.",
                     0.1)
            return info.name
    if len(numeric) == 1:
        ctx.implied = True
        ctx.warn(f"Took '{numeric[0].label}', the only numeric column, for the comparison "
                 f"'{_words(ctx, value_end - 2, value_end)}'.", 0.2)
        return numeric[0].name
    return None


def _is_year(value: Any) -> bool:
    return isinstance(value, float) and value.is_integer() and 1000 <= value <= 3000


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
    return not dated or _is_year(value)


def _record(ctx: Context, column: Any, op: str, value: Any, start: int, end: int) -> None:
    info = ctx.info(column)
    part = "year" if info.kind in DATE_KINDS and _is_year(value) else None
    value = _plain(value)
    ctx.conditions.append(Condition(column=column, op=op, value=value, part=part,
                                    words=_words(ctx, start, end), position=start))
    ctx.use(range(start, end + 1))


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value


def _words(ctx: Context, start: int, end: int) -> str:
    return " ".join(t.text for t in ctx.tokens[max(0, start):end + 1])


def negated_before(ctx: Context, position: int, window: int = 3) -> bool:
    """Whether a negation ("not", "non", "without") comes just before ``position``."""
    return any(position - window <= c.end < position for c in ctx.cues_of("neg"))


# ----------------------------------------------------------------------------- values


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
                ctx.warn(f"'{_words(ctx, mention.start, mention.end)}' is a value of "
                         f"{', '.join(map(repr, map(str, columns)))}; used '{column}'.", 0.05)
        values = [v for col, v in mention.candidates if col == column]
        op = "!=" if negated_before(ctx, mention.start) else "=="
        value = values[0] if len(values) == 1 else values
        if isinstance(value, list):
            op = "notin" if op == "!=" else "in"
        _record(ctx, column, op, value, mention.start, mention.end)


def _unit_after_number(ctx: Context, start: int, end: int) -> bool:
    return start == end and start > 0 and ctx.tokens[start - 1].kind == "number" and len(
        ctx.tokens[start].text) <= 3


# ----------------------------------------------------------------------------- numbers


def _numbers_beside_columns(ctx: Context) -> None:
    """"3rd class" -> Pclass == 3; "in 2002" -> Year == 2002 when the value is in the data."""
    for token in ctx.tokens:
        if token.kind != "number" or token.i in ctx.consumed or token.number is None:
            continue
        value = _plain(token.number)
        for mention in ctx.free():
            near = mention.start == token.i + 1 or mention.end == token.i - 1 or (
                mention.end == token.i - 2 and ctx.word(token.i - 1) in ("of", "=", "is")) or (
                mention.start == token.i + 3 and ctx.word(token.i + 1) in ("in", "on", "at")
                and ctx.word(token.i + 2) == "the")  # "number 1 in the US"
            if near and ctx.info(mention.column).kind in NUMERIC_KINDS and ctx.has_value(
                    mention.column, value):
                ctx.use(mention.positions)
                _record(ctx, mention.column, "==", value, token.i, token.i)
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
            _record(ctx, column, "==", pd.Timestamp(token.text), token.i, token.i)


def _year(ctx: Context, position: int, value: Any) -> None:
    if not isinstance(value, int) or not 1000 <= value <= 3000:
        return
    for info in ctx.schema.columns:
        if info.yearlike and ctx.has_value(info.name, value):
            _record(ctx, info.name, "==", value, position, position)
            return
    dates = [c for c in ctx.schema.columns if c.kind in DATE_KINDS]
    if len(dates) == 1:
        ctx.conditions.append(Condition(column=dates[0].name, op="==", value=value, part="year",
                                        words=str(value), position=position))
        ctx.use([position])


def _zero_counts(ctx: Context) -> None:
    """"without any siblings" -> siblings == 0; "with no cabin" -> cabin is missing."""
    for cue in ctx.cues_of("neg"):
        if ctx.word(cue.start) not in ("without", "no", "never"):
            continue
        end = cue.end
        while True:  # "no siblings, spouses, parents or children": each of them
            mention = next((m for m in ctx.free() if _next_in_list(ctx, m.positions, end)), None)
            if mention is None or ctx.info(mention.column).kind == "bool":
                break
            ctx.use(mention.positions)
            numeric = ctx.info(mention.column).numeric
            _record(ctx, mention.column, "==" if numeric else "isna", 0 if numeric else None,
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
        _record(ctx, mention.column, "false" if negated else "true", None, mention.start,
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
