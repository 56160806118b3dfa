"""Calendar periods named in a question, as conditions on the parts of a date column.

"in March 2024" is the month 3 of the year 2024, "Q1 2024" or "the first quarter of 2024" the
quarter 1 of 2024, "between 2021 and 2023" and "from 2021 to 2023" a range of years, "on
weekends" the days 5 and 6 of the week, "on Mondays" the day 0. A period needs a real date
column (a column of years answers "in 2003" elsewhere): the one named next to the period, else
the only one. With several date columns and none named, the period is left for later readers
and the question says it was not used.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .context import DATE_KINDS, Context
from .intents import Condition
from .recording import span_text
from .text import same_root

__all__ = ["read_periods", "MONTHS", "WEEKDAYS", "PERIOD_UNITS"]

MONTHS = {name: i + 1 for i, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec"))) for name in names}
WEEKDAYS = {name: i for i, names in enumerate((
    ("monday", "mondays"), ("tuesday", "tuesdays"), ("wednesday", "wednesdays"),
    ("thursday", "thursdays"), ("friday", "fridays"), ("saturday", "saturdays"),
    ("sunday", "sundays"))) for name in names}
#: words that name a unit of calendar time a question can group by: "which month", "per weekday"
PERIOD_UNITS = {"month": "M", "months": "M", "quarter": "Q", "quarters": "Q", "year": "Y",
                "years": "Y", "week": "W", "weeks": "W", "day": "D", "days": "D", "date": "D",
                "weekday": "weekday", "weekdays": "weekday", "hour": "H", "hours": "H"}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
             "4th": 4}
_QUARTER_CODES = {"q1": 1, "q2": 2, "q3": 3, "q4": 4}
_RANGE_STARTS = frozenset({"between", "from"})
_RANGE_JOINS = frozenset({"and", "to", "through", "until", "till", "-", "–"})
_BEFORE_DAY = frozenset({"on", "during", "in", "over", "at", "for"})
_WEEKEND = ("weekend", "weekends")
_WORKING = ("weekdays", "workdays", "working days", "business days")
_MIN_YEAR, _MAX_YEAR = 1000, 3000
#: one condition a period reads: the part of the date compared (None: the date itself), the
#: operator and the value
Part = tuple[str | None, str, Any]


def read_periods(ctx: Context) -> None:
    """Record every calendar period of the question as conditions, and use up its words."""
    for token in ctx.tokens:
        if token.i in ctx.consumed:
            continue
        read = (_day_range(ctx, token.i) or _month(ctx, token.i) or _quarter(ctx, token.i)
                or _year_range(ctx, token.i) or _days(ctx, token.i))
        if read is None:
            continue
        column = _date_column(ctx, token.i)
        if column is None:
            return
        parts, end = read
        start = token.i
        for part, op, value in parts:
            ctx.conditions.append(Condition(column=column, op=op, value=value, part=part,
                                            words=span_text(ctx, start, end), position=start))
        ctx.use(range(start, end + 1))


def _year_at(ctx: Context, position: int) -> int | None:
    if not 0 <= position < len(ctx.tokens):
        return None
    token = ctx.tokens[position]
    number = token.number
    if token.kind != "number" or number is None or not number.is_integer() or token.ordinal:
        return None
    return int(number) if _MIN_YEAR <= number <= _MAX_YEAR else None


def _with_year(ctx: Context, end: int, parts: list[Part]
               ) -> tuple[list[Part], int]:
    """A period followed by its year: "March 2024", "March of 2024", "Q1, 2024"."""
    skip = end + 2 if ctx.word(end + 1) in ("of", ",") else end + 1
    year = _year_at(ctx, skip)
    if year is None:
        return parts, end
    return [*parts, ("year", "==", year)], skip


def _month(ctx: Context, position: int) -> tuple[list[Part], int] | None:
    word = ctx.word(position)
    if word not in MONTHS:
        return None
    parts, end = _with_year(ctx, position, [("month", "==", MONTHS[word])])
    short = len(word) <= 3 and word != "may"
    # "may" is also a verb and "mar"/"dec" are words of their own: they name a month only
    # before a year or after "in"
    if (word == "may" or short) and end == position and ctx.word(position - 1) != "in":
        return None
    return parts, end


def _quarter(ctx: Context, position: int) -> tuple[list[Part], int] | None:
    word = ctx.word(position)
    if word in _QUARTER_CODES:
        return _with_year(ctx, position, [("quarter", "==", _QUARTER_CODES[word])])
    if word in _ORDINALS and ctx.word(position + 1) == "quarter":
        return _with_year(ctx, position + 1, [("quarter", "==", _ORDINALS[word])])
    return None


def _day_range(ctx: Context, position: int) -> tuple[list[Part], int] | None:
    """"between 1 Feb 2024 and 15 April 2024", "from March 3, 2024 to April 1, 2024", "since
    1 June 2024", "before May 5th 2023": days, both ends included."""
    word = ctx.word(position)
    if word not in _RANGE_STARTS and word not in _DAY_BOUNDS:
        return None
    first = _day_at(ctx, _after_the(ctx, position + 1))
    if first is None:
        return None
    if word in _DAY_BOUNDS:
        return [(None, _DAY_BOUNDS[word], first[0])], first[1]
    if ctx.word(first[1] + 1) not in _RANGE_JOINS:
        return None
    last = _day_at(ctx, _after_the(ctx, first[1] + 2))
    if last is None or last[0] < first[0]:
        return None
    return [(None, "between", (first[0], last[0]))], last[1]


_DAY_BOUNDS = {"since": ">=", "after": ">", "before": "<", "until": "<=", "till": "<="}


def _after_the(ctx: Context, position: int) -> int:
    return position + 1 if ctx.word(position) == "the" else position


def _day_at(ctx: Context, position: int) -> tuple[pd.Timestamp, int] | None:
    """A day written out at ``position``: "1 Feb 2024", "1st of February 2024", "Feb 1, 2024",
    and the position of its last word."""
    day_first = _day_number(ctx, position)
    day = day_first if day_first is not None else _day_number(ctx, position + 1)
    if day is None:
        return None
    if day_first is not None:
        month_at = position + 2 if ctx.word(position + 1) == "of" else position + 1
    else:
        month_at = position
    month = MONTHS.get(ctx.word(month_at))
    if month is None:
        return None
    year_at = month_at + 1 if day_first is not None else position + 2
    if ctx.word(year_at) in (",", "of"):
        year_at += 1
    year = _year_at(ctx, year_at)
    if year is None:
        return None
    try:
        return pd.Timestamp(year=year, month=month, day=day), year_at
    except ValueError:  # "31 February"
        return None


def _day_number(ctx: Context, position: int) -> int | None:
    if not 0 <= position < len(ctx.tokens):
        return None
    token = ctx.tokens[position]
    text = token.text.lower().rstrip(",").removesuffix("st").removesuffix("nd").removesuffix(
        "rd").removesuffix("th")
    return int(text) if text.isdigit() and 1 <= int(text) <= 31 else None


def _year_range(ctx: Context, position: int) -> tuple[list[Part], int] | None:
    """"between 2021 and 2023", "from 2021 to 2023": both years included."""
    if ctx.word(position) not in _RANGE_STARTS:
        return None
    first = _year_at(ctx, position + 1)
    if first is None or ctx.word(position + 2) not in _RANGE_JOINS:
        return None
    last = _year_at(ctx, position + 3)
    if last is None or last < first:
        return None
    return [("year", "between", (first, last))], position + 3


def _days(ctx: Context, position: int) -> tuple[list[Part], int] | None:
    """"on weekends", "during weekdays", "on Mondays"; a lone "weekday" groups, it does not
    filter ("which weekday has the most orders")."""
    word = ctx.word(position)
    if word in _WEEKEND:
        return [("day_of_week", ">=", 5)], position
    two = f"{word} {ctx.word(position + 1)}"
    if two in _WORKING:
        return [("day_of_week", "<", 5)], position + 1
    if word in _WORKING:
        return [("day_of_week", "<", 5)], position
    before = ctx.word(position - 2) if ctx.word(position - 1) in ("a", "the", "every") else (
        ctx.word(position - 1))
    if word in WEEKDAYS and (word.endswith("s") or before in _BEFORE_DAY):
        return [("day_of_week", "==", WEEKDAYS[word])], position
    return None


def _date_column(ctx: Context, position: int) -> Any:
    """The date column a period at ``position`` is about: named within three words, else the
    only one."""
    named = [m for m in ctx.free() if ctx.info(m.column).kind in DATE_KINDS
             and abs(m.start - position) <= 3]
    if named:
        ctx.use(named[0].positions)
        return named[0].column
    dates = [c for c in ctx.schema.columns if c.kind in DATE_KINDS]
    if len(dates) == 1:
        return dates[0].name
    # "orders in March" with Order Date and Ship Date: the date of what the question counts
    rooted = [c.name for c in dates if any(same_root(t.low, w) or t.sing == w for t in ctx.tokens
                                           for w in c.words if len(w) > 2)]
    if len(rooted) == 1:
        return rooted[0]
    # "revenue in March" with Order ID, Order Date and Ship Date: the date of each row's entity
    own = [c for c in dates if set(c.words) & ctx.schema.entity_words]
    if len(own) == 1:
        others = ", ".join(repr(str(c.name)) for c in dates if c is not own[0])
        ctx.warn(f"Took '{own[0].name}' (the date of each {' '.join(own[0].words[:-1]) or 'row'})"
                 f" for '{ctx.word(position)}'; the table also has {others}.", OWN_DATE_PENALTY)
        return own[0].name
    if dates:
        ctx.warn(f"Several date columns ({', '.join(str(c.name) for c in dates)}); name the one "
                 f"the period '{ctx.word(position)}' is about.", UNCLEAR_PENALTY)
    else:
        ctx.warn(f"No column of dates for the period '{ctx.word(position)}'; that condition was "
                 "left out.", UNCLEAR_PENALTY)
    return None


UNCLEAR_PENALTY = 0.6  # a period that cannot be placed is a condition left out: declined
OWN_DATE_PENALTY = 0.05
