"""What a column means, beyond its dtype: numeric, categorical, datetime, boolean, text, id.

The rules read the statistics already computed for the profile (counts, distinct values, min and
max, mean length) plus a sample of at most a thousand distinct values, so detection costs next
to nothing however long the column is.
"""

from __future__ import annotations

import re

import pandas as pd

from ..models import SemanticType
from .column_stats import ColumnStats

__all__ = ["detect_semantic_type"]

#: Fewer rows than this and "every value is unique" says nothing about being an identifier.
ID_MIN_ROWS = 20
#: Unique integers without an id-like name are an identifier only from this many rows on ...
ID_SEQUENCE_MIN_ROWS = 100
#: ... and when they span at most this multiple of their count (a sequence, not measurements).
ID_SEQUENCE_MAX_SPAN = 2.0
#: Column names that announce identifiers: ``id``, ``user_id``, ``order key``, ``customerId``.
ID_NAME = re.compile(r"(?:^|[\W_])(?:id|uuid|guid|key)$|^id(?:[\W_]|$)", re.IGNORECASE)
ID_CAMEL_NAME = re.compile(r"[a-z0-9]I[dD]$")
#: Identifier tokens: no spaces, no ``@``, at least one digit (``A-1029``, UUIDs, ``id-00042``).
ID_TOKEN = r"[A-Za-z0-9][\w\-.:#/]*"
#: Text with at most this share of distinct values (relative to non-missing values) repeats
#: enough to be a category.
CATEGORICAL_MAX_DISTINCT_RATIO = 0.5
#: Wordy values (mostly with spaces) with more distinct values than this are free text.
CATEGORICAL_MAX_WORDY_DISTINCT = 50
#: Values this long on average are free text, however often they repeat.
TEXT_MIN_MEAN_LENGTH = 40.0
#: Two-valued text that spells a boolean.
BOOLEAN_WORDS = (frozenset({"true", "false"}), frozenset({"yes", "no"}), frozenset({"y", "n"}),
                 frozenset({"t", "f"}), frozenset({"on", "off"}))


def detect_semantic_type(stats: ColumnStats) -> SemanticType:
    """The semantic type of a profiled column.

    Examples
    --------
    >>> from analyst_magics.pipeline.column_stats import ColumnStats
    >>> detect_semantic_type(ColumnStats(0, "flag", "int64", "int", rows=3, count=3,
    ...                                  distinct=2, min=0, max=1)).value
    'boolean'
    """
    if stats.count == 0:
        return SemanticType.EMPTY
    if stats.family == "bool":
        return SemanticType.BOOLEAN
    if stats.family == "datetime":
        return SemanticType.DATETIME
    if stats.family == "category":
        return SemanticType.CATEGORICAL
    if stats.family in ("float", "int", "timedelta"):
        return _numeric_type(stats)
    return _text_type(stats)


def _numeric_type(stats: ColumnStats) -> SemanticType:
    if stats.distinct == 2 and stats.min == 0 and stats.max == 1:
        return SemanticType.BOOLEAN
    if stats.family == "int" and _all_unique(stats):
        named = bool(ID_NAME.search(stats.name) or ID_CAMEL_NAME.search(stats.name))
        sequence = (stats.count >= ID_SEQUENCE_MIN_ROWS
                    and stats.max - stats.min + 1 <= ID_SEQUENCE_MAX_SPAN * stats.count)
        if named or sequence:
            return SemanticType.ID
    return SemanticType.NUMERIC


def _text_type(stats: ColumnStats) -> SemanticType:
    # pandas string methods run on the sample only where a rule needs them
    if stats.distinct == 2 and frozenset(str(v).lower() for v in _texts(stats)) in BOOLEAN_WORDS:
        return SemanticType.BOOLEAN
    if _all_unique(stats) and _texts(stats).str.fullmatch(ID_TOKEN).all() and (
            _texts(stats).str.contains(r"\d").all()):
        return SemanticType.ID
    if (stats.mean_length or 0.0) >= TEXT_MIN_MEAN_LENGTH or (
            stats.distinct > CATEGORICAL_MAX_WORDY_DISTINCT
            and _texts(stats).str.contains(r"\s").mean() >= 0.5):
        return SemanticType.TEXT
    if stats.distinct <= CATEGORICAL_MAX_DISTINCT_RATIO * stats.count:
        return SemanticType.CATEGORICAL
    return SemanticType.TEXT


def _texts(stats: ColumnStats) -> pd.Series:
    return pd.Series(stats.sample, dtype=object).astype(str)


def _all_unique(stats: ColumnStats) -> bool:
    """Every row has a value and no value repeats, over enough rows for that to mean something."""
    return stats.count == stats.rows == stats.distinct and stats.count >= ID_MIN_ROWS
