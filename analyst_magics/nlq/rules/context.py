"""The working state of one parse: tokens, cues, mentions, and which words are used up."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .cues import Cue
from .intents import Condition, Derived
from .mentions import ColumnMention, ValueMention
from .schema import ColumnInfo, Schema, read_numbers
from .text import Token, stem

__all__ = ["Context", "NUMERIC_KINDS", "DATE_KINDS", "DURATION_KINDS"]

NUMERIC_KINDS = frozenset({"number", "numtext"})
DATE_KINDS = frozenset({"date", "datetext"})
DURATION_KINDS = frozenset({"duration", "durationtext"})


@dataclass
class Context:
    """Everything the parser knows about a question while it reads it."""

    question: str
    df: pd.DataFrame
    tokens: list[Token]
    schema: Schema
    cues: list[Cue]
    columns: list[ColumnMention]
    values: list[ValueMention]
    derived: list[Derived] = field(default_factory=list)
    consumed: set[int] = field(default_factory=set)
    conditions: list[Condition] = field(default_factory=list)
    separate_conditions: list[Condition] = field(default_factory=list)  # before merging
    warnings: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)  # content words no reading step used
    penalty: float = 0.0
    implied: bool = False  # a column was found from a word's meaning ("oldest" -> age)

    # ------------------------------------------------------------------ cues
    def cue(self, kind: str) -> Cue | None:
        """The first cue of ``kind`` whose words are not used up."""
        return next(iter(self.cues_of(kind)), None)

    def cues_of(self, kind: str) -> list[Cue]:
        return [c for c in self.cues if c.kind == kind and not self.consumed.issuperset(
            c.positions)]

    def has(self, kind: str) -> bool:
        return self.cue(kind) is not None

    def word(self, position: int) -> str:
        return self.tokens[position].low if 0 <= position < len(self.tokens) else ""

    # ------------------------------------------------------------------ columns
    def info(self, column: Any) -> ColumnInfo:
        """The description of a column, or of a derived column (a number)."""
        for item in self.derived:
            if item.name == column and item.op == "bins":  # groups, as a pd.cut makes them
                return ColumnInfo(name=item.name, position=-1, kind="text",
                                  words=tuple(str(item.name).lower().split()),
                                  distinct=len(item.labels), category=True)
            if item.name == column and not item.op.startswith("fill:"):
                elapsed = item.op == "-" and all(
                    not isinstance(c, (int, float)) and self.schema.column(c).kind in DATE_KINDS
                    for c in item.columns)
                words = ("length", item.op.split(":", 1)[1]) if item.op.startswith(
                    "length:") else ("duration", "time") if elapsed else (
                    str(item.name).lower(),)
                return ColumnInfo(name=item.name, position=-1,
                                  kind="duration" if elapsed else "number", words=words)
        return self.schema.column(column)

    def free(self) -> list[ColumnMention]:
        """Column mentions not used by a condition or slot yet, in question order."""
        return [m for m in self.columns if self.consumed.isdisjoint(m.positions)]

    def free_values(self) -> list[ValueMention]:
        return [m for m in self.values if self.consumed.isdisjoint(m.positions)]

    def names_head(self, mention: ColumnMention) -> bool:
        """Whether a mention says the column's head noun ("duration" for Session Duration),
        not only a modifier of it ("sessions" for Session Duration names sessions)."""
        words = [w for w in self.info(mention.column).words if not w.isdigit()]
        if len(words) <= 1:
            return True
        said = {form for p in mention.positions
                for form in (self.tokens[p].sing, self.tokens[p].stem)}
        return words[-1] in said or stem(words[-1]) in said

    def use(self, positions: Any) -> None:
        self.consumed.update(positions)

    def numeric(self, column: Any) -> bool:
        """Whether a column is a measure: numbers that are not ids, years or group numbers."""
        info = self.info(column)
        return info.numeric and not (info.is_id or info.yearlike or info.numbering)

    def take_numeric(self) -> Any:
        """The first free numeric column named, used up; ``None`` if there is none."""
        mention = next((m for m in self.free() if self.numeric(m.column)), None)
        if mention is None:
            return None
        self.use(mention.positions)
        return mention.column

    def has_value(self, column: Any, value: Any) -> bool:
        """Whether ``column`` holds ``value`` (numbers compared as numbers)."""
        if column not in self.df.columns:
            return False
        series = self.df[column]
        info = self.info(column)
        if info.kind == "numtext":
            series = read_numbers(series, info.scaled, info.decimal_comma)
        try:
            return bool((series == value).any())
        except (TypeError, ValueError):
            return False

    def has_missing(self, column: Any) -> bool:
        """Whether ``column`` has blank cells (empty text counts as blank)."""
        if column not in self.df.columns:
            return False
        series = self.df[column]
        info = self.info(column)
        if info.kind == "numtext":
            series = read_numbers(series, info.scaled, info.decimal_comma)
        return bool(series.isna().any())

    def warn(self, message: str, penalty: float = 0.0) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
        self.penalty += penalty
