"""What question words can name: a column, or cell values of some columns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .text import Spanned

__all__ = ["ColumnMention", "ValueMention"]


@dataclass(frozen=True, slots=True)
class ColumnMention(Spanned):
    """Question words that name a column."""

    column: Any
    positions: tuple[int, ...]
    score: float
    cue_only: bool = False


@dataclass(frozen=True, slots=True)
class ValueMention(Spanned):
    """Question words that equal a cell value; ``candidates`` are ``(column, value)`` pairs."""

    positions: tuple[int, ...]
    candidates: tuple[tuple[Any, Any], ...]
    score: float
