"""Giving text columns the type their values have: booleans, numbers, dates, categories.

Each text column is factorised once; the parsers of :mod:`analyst_magics.data_utils` read
only its distinct values, and the codes spread their results back over the rows, count the
rows each value stands for, and become the codes of a categorical. Parsing the distinct
values of a 1,000,000-row column of 1,000 dates took 0.04 s against 0.2 s for the whole
column (measured). A parser's result is kept only when at least :data:`MIN_PARSED_SHARE` of
the column's non-missing *rows* parse (the parser itself judges the distinct values), so one
frequent junk value cannot slip through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..data_utils import NA_TOKENS, parse_boolean, parse_numeric, try_parse_date
from .step_log import StepOutcome, column_label, count, unchanged

__all__ = ["CATEGORY_MAX_SHARE", "MIN_PARSED_SHARE", "infer_types", "is_text_dtype"]

#: A parser's result is used when at least this share of non-missing rows parse.
MIN_PARSED_SHARE = 0.95
#: Text with at most this many distinct values per non-missing value becomes a category
#: (each value then repeats 20 times on average: a label, not free text).
CATEGORY_MAX_SHARE = 0.05
#: Unparsed values quoted in the log, per column.
EXAMPLES = 5

Parser = Callable[[pd.Series], "pd.Series | None"]
#: Tried in this order: a yes/no column is not read as 1/0 numbers, and digits never as dates.
PARSERS: tuple[tuple[str, Parser], ...] = (
    ("boolean", parse_boolean),
    ("number", parse_numeric),
    ("date", try_parse_date),
)


@dataclass(frozen=True)
class _Distinct:
    """A column as codes into its distinct values, with how often each occurs."""

    codes: np.ndarray
    values: pd.Series
    counts: np.ndarray

    @classmethod
    def of(cls, series: pd.Series) -> _Distinct:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
        return cls(codes, pd.Series(uniques), counts)

    def spread(self, parsed: pd.Series, like: pd.Series) -> pd.Series:
        """Per-distinct-value results as a column with ``like``'s rows and labels."""
        values = parsed.array.take(self.codes, allow_fill=True)
        return pd.Series(values, index=like.index, name=like.name)


def is_text_dtype(dtype: Any) -> bool:
    """Whether a column of ``dtype`` may hold text: object (pandas 2) or string (pandas 3)."""
    return pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype)


def infer_types(frame: pd.DataFrame) -> StepOutcome:
    """Convert each text column to boolean, number, date or category when its values say so.

    Columns that are already typed (numbers, dates, categories) are left alone. Values that
    do not parse in a converted column become missing and are counted, with examples, in the
    step's details.
    """
    data = frame.copy(deep=False)
    converted: dict[str, str] = {}
    unparsed: dict[str, dict[str, Any]] = {}
    kept: dict[str, str] = {}
    checked = [pos for pos, dtype in enumerate(frame.dtypes) if is_text_dtype(dtype)]
    for pos in checked:
        name = column_label(frame.columns[pos])
        typed, kind, note = _typed(frame.iloc[:, pos])
        if typed is None:
            kept[name] = note
            continue
        data.isetitem(pos, typed)
        converted[name] = kind
        if note:
            unparsed[name] = note
    if not converted:
        what = (f"{count(len(checked), 'text column')} checked, none holds typed values"
                if checked else "no text column to check")
        return unchanged(frame, what, kept_as_text=kept)
    summary = ", ".join(f"{n} to {k}" for n, k in converted.items())
    return StepOutcome(data, f"Converted {len(converted)} of {count(len(checked), 'text column')}: "
                             f"{summary}.", columns=list(converted),
                       details={"converted": converted, "unparsed_set_missing": unparsed,
                                "kept_as_text": kept})


def _typed(series: pd.Series) -> tuple[pd.Series | None, str, Any]:
    """``(typed column, kind, unparsed values)``, or ``(None, "", why it stays text)``."""
    if not series.notna().any():
        return None, "", "all values missing"
    value_types = pd.api.types.infer_dtype(series, skipna=True)
    # Factorising non-text values would merge True with 1 and 1 with 1.0 (equal hashes), so
    # they are factorised by their text, which is also what the parsers read.
    text = series if value_types == "string" else series.astype(str).where(series.notna())
    distinct = _Distinct.of(text)
    present = ~distinct.values.astype(str).str.strip().str.lower().isin(NA_TOKENS).to_numpy()
    for kind, parser in PARSERS:
        parsed = parser(distinct.values)
        if parsed is None:
            continue
        ok = parsed.notna().to_numpy()
        if distinct.counts[ok].sum() >= MIN_PARSED_SHARE * distinct.counts[present].sum():
            return distinct.spread(parsed, series), kind, _unparsed(distinct, present & ~ok)
    if value_types != "string":
        return None, "", f"not only text: pandas infers {value_types!r} values"
    n_values = int(distinct.counts.sum())
    if len(distinct.values) > CATEGORY_MAX_SHARE * n_values:
        return None, "", (f"{len(distinct.values):,} distinct values in "
                          f"{count(n_values, 'row')}: free text")
    return _categorical(distinct, series), "category", {}


def _unparsed(distinct: _Distinct, failed: np.ndarray) -> dict[str, Any]:
    """How many rows did not parse, with the most frequent such values."""
    if not failed.any():
        return {}
    order = np.argsort(-distinct.counts[failed], kind="stable")[:EXAMPLES]
    return {"count": int(distinct.counts[failed].sum()),
            "examples": distinct.values[failed].iloc[order].tolist()}


def _categorical(distinct: _Distinct, like: pd.Series) -> pd.Series:
    """A categorical column with sorted categories, built from the codes already computed."""
    categories = distinct.values.sort_values()
    rank = np.empty(len(categories), dtype=np.int64)
    rank[categories.index.to_numpy()] = np.arange(len(categories))
    codes = np.where(distinct.codes >= 0, rank[distinct.codes], -1)
    values = pd.Categorical.from_codes(codes, categories=pd.Index(categories))
    return pd.Series(values, index=like.index, name=like.name)
