"""Writing a condition down: the helpers every condition reader shares."""

from __future__ import annotations

from typing import Any

from .context import DATE_KINDS, Context
from .intents import Condition
from .lexicon import INTENSIVE

__all__ = ["record", "span_text", "plain", "is_year", "negated_before", "none_is_blank"]


def record(ctx: Context, column: Any, op: str, value: Any, start: int, end: int) -> None:
    """Add ``column op value`` read from words ``start..end``, and use those words up."""
    info = ctx.info(column)
    years = all(is_year(v) for v in value) if isinstance(value, tuple) else is_year(value)
    part = "year" if info.kind in DATE_KINDS and years else None
    value = plain(value)
    ctx.conditions.append(Condition(column=column, op=op, value=value, part=part,
                                    words=span_text(ctx, start, end), position=start))
    ctx.use(range(start, end + 1))


def plain(value: Any) -> Any:
    """Whole numbers as ints (``10`` rather than ``10.0`` in the code shown)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    return value


def span_text(ctx: Context, start: int, end: int) -> str:
    """The question's words from ``start`` to ``end``, as typed."""
    return " ".join(t.text for t in ctx.tokens[max(0, start):end + 1])


def negated_before(ctx: Context, position: int, window: int = 3) -> bool:
    """Whether a negation ("not", "non", "without") comes just before ``position``."""
    return any(position - window <= c.end < position for c in ctx.cues_of("neg"))


def is_year(value: Any) -> bool:
    """Whether a number read from a question could be a year."""
    return isinstance(value, float) and value.is_integer() and 1000 <= value <= 3000


def none_is_blank(ctx: Context, column: Any) -> bool:
    """Whether "no X" / "did not give X" means X is blank rather than 0: a score or a rating
    left blank ("no satisfaction score", where 0 may be a real score), or a column with blanks
    that never holds 0; a count ("no siblings") is 0."""
    if not ctx.info(column).numeric:
        return True  # "with no cabin": text is only ever blank
    if not ctx.has_missing(column):
        return False
    scored = set(ctx.info(column).words) & INTENSIVE or any(
        t.low in _SCORE_WORDS for t in ctx.tokens)
    return bool(scored) or not ctx.has_value(column, 0)


_SCORE_WORDS = frozenset({"score", "scores", "rating", "ratings", "grade", "answer", "response",
                          "feedback", "rated"})
