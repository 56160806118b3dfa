"""What a question asks, as data: an intent with slots, before any code is written.

The parser (:mod:`.parser`) fills an :class:`Intent`; the code writers (:mod:`.codegen`) turn
it into pandas code. Keeping the two apart lets tests check the understanding of a question
separately from the code, and lets :meth:`Intent.describe` say in words what was understood.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

__all__ = ["AggRef", "Condition", "Derived", "Intent", "IntentKind", "Parse"]


class IntentKind(StrEnum):
    COUNT = "count"                  # rows that match
    AGGREGATE = "aggregate"          # one reducer over one column
    GROUP = "group"                  # one reducer per group
    TOP = "top"                      # k largest/smallest values, rows or groups
    ARG = "arg"                      # a column of the row with the largest/smallest value
    GROUP_ARG = "group_arg"          # the group with the largest/smallest aggregate
    MODE = "mode"                    # the most (or least) common value
    SHARE = "share"                  # percentage of rows, or of a total
    DISTRIBUTION = "distribution"    # value counts or a histogram
    CORRELATION = "correlation"      # correlation of two columns, one against all, or a matrix
    STRONGEST_CORRELATION = "strongest_correlation"
    TREND = "trend"                  # an aggregate per period
    DISTINCT = "distinct"            # count or list of distinct values
    MISSING = "missing"              # missing values
    OUTLIERS = "outliers"            # z-score or IQR outliers
    EXISTS = "exists"                # is there any row that matches
    ALL = "all"                      # do all the rows that match satisfy something
    DIFFERENCE = "difference"        # an aggregate on some rows minus the same on others
    CHECK = "check"                  # does the row with the largest value satisfy something
    COMPARE = "compare"              # is one aggregate larger than a number or another one
    LOOKUP = "lookup"                # values of a column in the rows that match
    POSITION = "position"            # a column of the first (or last) row that matches
    ROWS = "rows"                    # the rows that match
    DESCRIBE = "describe"            # summary statistics


class AggRef(BaseModel):
    """A comparison value computed from the data: "greater than the average fare"."""

    agg: str
    column: Any


class Condition(BaseModel):
    """One filter on rows: ``column op value``."""

    model_config = ConfigDict(frozen=True)

    column: Any
    op: str  # == != > >= < <= in notin between true false top bottom isna notna contains
    #          startswith endswith mentions notmentions
    value: Any = None
    part: str | None = Field(
        default=None, description="'year', 'quarter', 'month' or 'day_of_week' (0 is Monday) "
                                  "to compare a part of a date.")
    words: str = Field("", description="The words of the question it comes from.")
    position: int = -1

    @property
    def dated(self) -> bool:
        """Whether the condition compares with a day written in the question, or two."""
        values = self.value if isinstance(self.value, tuple) else (self.value,)
        return any(isinstance(v, pd.Timestamp) for v in values)

    def describe(self) -> str:
        shown = {"true": "is true", "false": "is false", "isna": "is missing",
                 "notna": "is present"}.get(self.op)
        if shown:
            return f"'{self.column}' {shown}"
        value = (f"{self.value.agg} of {self.value.column}" if isinstance(self.value, AggRef)
                 else self.value)
        if self.op == "top":
            return f"'{self.column}' in the top {value}"
        column = f"the {_PARTS.get(self.part, self.part)} of '{self.column}'" if self.part else (
            f"'{self.column}'")
        if self.op == "between" and isinstance(value, tuple) and len(value) == 2:
            return f"{column} is between {_shown(value[0])} and {_shown(value[1])}"
        return f"{column} {_OPS.get(self.op, self.op)} {_shown(value)}"


def _shown(value: Any) -> str:
    """A value as a sentence shows it: a day as 2024-02-01, text quoted, numbers plain."""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    return repr(value)


_PARTS = {"day_of_week": "day of the week (0 = Monday)"}
_OPS = {">": "is greater than", ">=": "is at least", "<": "is less than", "<=": "is at most",
        "==": "is", "!=": "is not", "in": "is one of", "notin": "is none of",
        "mentions": "mentions", "notmentions": "does not mention",
        "between": "is between", "contains": "contains", "startswith": "starts with",
        "endswith": "ends with"}


class Derived(BaseModel):
    """A column computed from others: ``FamilySize = SibSp + Parch``."""

    name: str
    op: str  # + - * /, "fill:<how>", "length:<unit>" or "bins"
    columns: list[Any]  # column names, and perhaps a number: SibSp + Parch + 1
    edges: list[float] = Field(default_factory=list)  # "bins": where the ranges meet
    labels: list[str] = Field(default_factory=list)  # "bins": the ranges as written


class Intent(BaseModel):
    """An intent and its slots; unused slots stay ``None``."""

    kind: IntentKind
    target: Any = None
    agg: str | None = None
    by: Any = None
    freq: str | None = None
    label: Any = None
    conditions: list[Condition] = Field(default_factory=list)
    predicate: list[Condition] = Field(default_factory=list)
    k: int | None = None
    ascending: bool = False
    columns: list[Any] = Field(default_factory=list)
    method: str | None = None
    threshold: float | None = None
    other: Any = None  # COMPARE, DIFFERENCE: a number, or the conditions of the other side
    percent: bool = False
    unit: str | None = None  # a duration answered in "minutes", "hours", …
    derived: list[Derived] = Field(default_factory=list)

    def describe(self) -> str:
        """The intent in plain words, for the answer's message and for refusals: "the mean of
        'Revenue' for each 'Region', where 'Channel' is 'Online'"."""
        of = f"{_agg_words(self.agg)} of {_name(self.target)}" if self.target is not None else (
            "the number of rows")
        by, extreme = _name(self.by), "smallest" if self.ascending else "largest"
        k = self.k if self.k is not None else ""
        words = {
            IntentKind.COUNT: "the number of rows",
            IntentKind.AGGREGATE: of if self.by is None else (
                f"the mean per {by} of the total of {_name(self.target)}"),
            IntentKind.GROUP: f"{of} for each {by}" + (
                f", the {k} {extreme}" if self.k is not None else ""),
            IntentKind.TOP: (f"the {k} {by} with the {extreme} {of.removeprefix('the ')}"
                             if self.by is not None else
                             f"the {k} {extreme} values of {_name(self.target)}"),
            IntentKind.ARG: f"the {_name(self.label)} of the row with the {extreme} "
                            f"{_name(self.target)}",
            IntentKind.GROUP_ARG: f"the {by} with the {extreme} {of.removeprefix('the ')}",
            IntentKind.MODE: f"the {'least' if self.ascending else 'most'} common "
                             f"{_name(self.target)}",
            IntentKind.SHARE: ("the share of rows" if self.target is None else
                               f"the share of {_name(self.target)}") + self._side(
                self.predicate, "from" if self.target is not None else ""),
            IntentKind.DISTRIBUTION: f"the distribution of {_name(self.target)}",
            IntentKind.CORRELATION: "the correlation of "
                                    + (" and ".join(map(_name, self.columns)) or
                                       _name(self.target)),
            IntentKind.TREND: f"{of} per {_FREQS.get(self.freq or '', 'period')}",
            IntentKind.ROWS: f"the {self.method} {k} rows" if self.k is not None else "the rows",
            IntentKind.COMPARE: f"whether {of}{self._side(self.predicate)} "
                                f"{_OPS.get(self.method or '', self.method)} "
                                f"{self._other(of)}",
            IntentKind.DIFFERENCE: f"{of}{self._side(self.predicate)} minus "
                                   f"{self._other(of)}",
        }.get(self.kind, self.kind.value.replace("_", " "))
        sided = (IntentKind.COMPARE, IntentKind.DIFFERENCE, IntentKind.SHARE)
        if self.method and self.kind not in (*sided, IntentKind.ROWS):
            words += f" ({self.method})"
        if self.unit:
            words += f", in {self.unit}"
        if self.predicate and self.kind not in sided:
            words += self._side(self.predicate)
        if self.conditions:
            words += ", where " + " and ".join(c.describe() for c in self.conditions)
        return " ".join(words.split())

    @staticmethod
    def _side(conditions: list[Condition], preposition: str = "in") -> str:
        """" in rows where 'Region' is 'North'" (or "where …" with no preposition)."""
        if not conditions:
            return ""
        rows = f" {preposition} rows" if preposition else ""
        return f"{rows} where " + " and ".join(c.describe() for c in conditions)

    def _other(self, of: str) -> str:
        """The other side of a comparison: a number, or the same aggregate on other rows."""
        if isinstance(self.other, list) and all(isinstance(c, Condition) for c in self.other):
            return f"the same{self._side(self.other)}" if self.other else "the other rows'"
        return repr(self.other) if self.other is not None else "the rest"


#: what a reducer's name reads as before "of 'column'"
_AGGS = {"mean": "the mean", "sum": "the total", "max": "the largest value",
         "min": "the smallest value", "median": "the median", "std": "the standard deviation",
         "var": "the variance", "count": "the number of values", "size": "the number of rows",
         "nunique": "the number of distinct values", "mode": "the most common value",
         "first": "the first value", "last": "the last value", "range": "the range",
         "iqr": "the interquartile range", "skew": "the skewness", "kurt": "the kurtosis",
         "cv": "the coefficient of variation"}
_FREQS = {"YS": "year", "Y": "year", "QS": "quarter", "Q": "quarter", "MS": "month",
          "M": "month", "W": "week", "D": "day", "H": "hour", "h": "hour"}


def _agg_words(agg: str | None) -> str:
    return _AGGS.get(agg or "", f"the {agg}" if agg else "the values")


def _name(column: Any) -> str:
    return "rows" if column is None else f"'{column}'"


class Parse(BaseModel):
    """What the rules made of a question: an intent, or what was understood and why not."""

    intent: Intent | None = None
    confidence: float = 0.0
    warnings: list[str] = Field(default_factory=list)
    understood: list[str] = Field(default_factory=list)
    unused: list[str] = Field(default_factory=list,
                              description="Words of the question the reading did not use.")
    problem: str = ""
