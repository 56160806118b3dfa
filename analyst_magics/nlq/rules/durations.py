"""Time spans a question asks about, as new columns of durations and the unit of the answer.

"the time between Started and Ended" and "days from order date to delivery date" name two
date columns; "how many days does it take to ship an order" and "the average resolution time"
name only the later one (by a verb or a noun), the earlier being the row's first date. "… in
hours", "the number of days" say the unit the answer is given in.
"""

from __future__ import annotations

from .context import DATE_KINDS, Context
from .intents import Derived
from .mentions import ColumnMention
from .text import same_root, stem

__all__ = ["read_elapsed", "read_time_to", "read_unit"]

_ANSWER_UNITS = {"seconds": "seconds", "minutes": "minutes", "hours": "hours", "days": "days",
                 "weeks": "weeks"}


def read_elapsed(ctx: Context) -> None:
    """"the time between Started and Ended", "days from order date to delivery date": the
    second date minus the first, as a new column of durations."""
    dates = [m for m in ctx.columns if ctx.info(m.column).kind in DATE_KINDS]
    for first, second in zip(dates, dates[1:], strict=False):
        before = first.start - (2 if ctx.word(first.start - 1) == "the" else 1)
        link, join = ctx.word(before), set(map(ctx.word, range(first.end + 1, second.start)))
        if not ((link == "between" and join <= {"and", "the"}) or (
                link == "from" and join <= {"to", "until", "till", "the"})):
            continue
        name = f"{second.column} - {first.column}"
        ctx.derived.append(Derived(name=name, op="-", columns=[second.column, first.column]))
        ctx.columns = [m for m in ctx.columns if m not in (first, second)]
        span = tuple(range(before, second.end + 1))
        ctx.columns.append(ColumnMention(name, span, 2.0))
        ctx.columns.sort(key=lambda m: m.start)
        return


def read_time_to(ctx: Context) -> None:
    """"how many days does it take to ship an order", "which type takes the longest to
    resolve", "the average resolution time": the time from the row's first date to the date a
    verb or noun names (``Ship Date``, ``Resolved At``), as a new column of durations."""
    dates = [c for c in ctx.schema.columns if c.kind in DATE_KINDS]
    if len(dates) < 2 or any(item.op == "-" for item in ctx.derived):
        return
    for token in ctx.tokens:
        timed = ctx.word(token.i - 1) == "to" and ctx.word(token.i - 2) in _TAKING or (
            ctx.word(token.i + 1) == "time")
        if not timed or token.kind != "word" or len(token.low) < 4:
            continue
        end = next((c for c in dates if any(
            w == token.low or stem(w) == stem(token.low) or same_root(w, token.low)
            for w in c.words if len(w) > 3)), None)
        if end is None:
            continue
        start = next(c for c in dates if c is not end)  # the row's first date, as the table goes
        name = f"{end.name} - {start.name}"
        ctx.derived.append(Derived(name=name, op="-", columns=[end.name, start.name]))
        span = (token.i, token.i + 1) if ctx.word(token.i + 1) == "time" else (token.i,)
        ctx.columns = [m for m in ctx.columns if not set(m.positions) & set(span)]
        ctx.columns.append(ColumnMention(name, span, 2.0))
        ctx.columns.sort(key=lambda m: m.start)
        ctx.use(t.i for t in ctx.tokens if t.low in ("take", "takes", "took", "taking"))
        ctx.warn(f"Took the time from '{start.name}' to '{end.name}' for "
                 f"'{' '.join(ctx.word(p) for p in span)}'.", 0.05)
        return


_TAKING = frozenset({"take", "takes", "took", "taking", "long", "longest", "days", "hours",
                     "minutes", "weeks", "time"})


def read_unit(ctx: Context) -> tuple[str, list[int]] | None:
    """"… in minutes": the unit a duration is answered in (kept when the answer is one)."""
    for token in ctx.tokens[1:]:
        unit = _ANSWER_UNITS.get(token.low)
        if unit is not None and ctx.word(token.i - 1) == "in":
            return unit, [token.i - 1, token.i]
        if unit is not None and (ctx.word(token.i - 1) == "many" or (
                ctx.word(token.i - 1) == "of" and ctx.word(token.i - 2) == "number")):
            return unit, [token.i]  # "the average number of days between …"
    return None
