"""What a question asks, as data: an intent with slots, before any code is written.

The parser (:mod:`.parser`) fills an :class:`Intent`; the code writers (:mod:`.codegen`) turn
it into pandas code. Keeping the two apart lets tests check the understanding of a question
separately from the code, and lets :meth:`Intent.describe` say in words what was understood.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

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
    #          startswith endswith
    value: Any = None
    part: str | None = Field(
        default=None, description="'year', 'quarter', 'month' or 'day_of_week' (0 is Monday) "
                                  "to compare a part of a date.")
    words: str = Field("", description="The words of the question it comes from.")
    position: int = -1

    def describe(self) -> str:
        shown = {"true": "is true", "false": "is false", "isna": "is missing",
                 "notna": "is present"}.get(self.op)
        if shown:
            return f"{self.column} {shown}"
        value = (f"{self.value.agg} of {self.value.column}" if isinstance(self.value, AggRef)
                 else self.value)
        if self.op == "top":
            return f"{self.column} in the top {value}"
        column = f"{_PARTS.get(self.part, self.part)} of {self.column}" if self.part else (
            self.column)
        return f"{column} {self.op} {value!r}"


_PARTS = {"day_of_week": "day of the week (0 = Monday)"}


class Derived(BaseModel):
    """A column computed from others: ``FamilySize = SibSp + Parch``."""

    name: str
    op: str  # + - * / or "fill:<how>"
    columns: list[Any]  # column names, and perhaps a number: SibSp + Parch + 1


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
        """The intent in words, for messages and warnings."""
        parts = [self.kind.value.replace("_", " ")]
        for name in ("agg", "target", "by", "label", "k", "method", "threshold", "unit"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}={value!r}")
        if self.columns:
            parts.append(f"columns={self.columns!r}")
        if self.conditions:
            parts.append("where " + " and ".join(c.describe() for c in self.conditions))
        return ", ".join(parts)


class Parse(BaseModel):
    """What the rules made of a question: an intent, or what was understood and why not."""

    intent: Intent | None = None
    confidence: float = 0.0
    warnings: list[str] = Field(default_factory=list)
    understood: list[str] = Field(default_factory=list)
    unused: list[str] = Field(default_factory=list,
                              description="Words of the question the reading did not use.")
    problem: str = ""
