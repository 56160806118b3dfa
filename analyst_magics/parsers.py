"""Numbers, dates and yes/no flags written as text, read column by column.

Real files are messy: numbers written as ``"$1,234.50"``, dates in several formats in one
column, ``yes``/``no`` flags. Each parser turns such a text column into a typed Series, or
says ``None`` when the column is not of its kind, so type inference can try them in turn.
They work on whole columns with pandas string methods and ``pd.to_numeric`` /
``pd.to_datetime`` (no Python loop over rows), read each distinct text once, and never
change their input. Import them from :mod:`analyst_magics.data_utils`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

__all__ = ["NA_TOKENS", "DateFormats", "date_formats", "parse_boolean", "parse_numeric",
           "read_dates", "try_parse_date"]

#: Cell texts (after stripping, case-insensitive) that mean "no value".
NA_TOKENS = frozenset(
    {"", "-", "--", "\u2013", "\u2014", "?", "n/a", "na", "nan", "null", "none", "nil", "#n/a"}
)

_TRUE = ("true", "t", "yes", "y", "1")
_FALSE = ("false", "f", "no", "n", "0")
_BOOL_TOKENS = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}

# Numbers as text. Patterns stay within RE2 (no lookaround, no backslash-u escapes, [0-9]
# for \d) so pyarrow-backed strings run them in C; Python's re agrees on object data. The
# "\u..." below are Python escapes, so the patterns hold the characters themselves.
_SYMBOLS = "$\u20ac\u00a3\u00a5\u20b9"
_SIGN = "[-+\u2212]?"
_AFFIX_START = r"\(?" + _SIGN + " ?(?:[" + _SYMBOLS + "]|[A-Z]{3} )? ?" + _SIGN
_AFFIX_END = r"(?:[eE][-+]?[0-9]+)? ?%?(?: ?[" + _SYMBOLS + r"]| [A-Z]{3})?\)?"
_CORES = {  # decimal mark -> digits, optionally grouped by thousands
    ".": r"(?:[0-9]{1,3}(?:[,' ][0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+",
    ",": r"(?:[0-9]{1,3}(?:[.' ][0-9]{3})+|[0-9]+)(?:,[0-9]+)?|,[0-9]+",
}
_SHAPES = {mark: f"{_AFFIX_START}(?:{core}){_AFFIX_END}" for mark, core in _CORES.items()}
_SPACES = "[\t \u00a0\u202f]+"

#: Values checked before a whole column is read as numbers.
QUICK_SAMPLE = 500
#: Distinct values (spread over the column) tried when inferring date formats.
DATE_SAMPLE = 200
_TIMES = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p")
_MONTH_FIRST = tuple(d + t for d in ("%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y") for t in _TIMES)
_DAY_FIRST = tuple(d + t for d in ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y") for t in _TIMES)
_UNAMBIGUOUS = (  # dotted dates are day-first by convention; month names tell themselves
    *(d + t for d in ("%d.%m.%Y", "%d.%m.%y") for t in _TIMES[:3]),
    "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y", "%d %b %Y", "%d %B %Y", "%d-%b-%Y",
    "%d-%b-%y", "%b %Y", "%B %Y", "%a, %d %b %Y %H:%M:%S %z", "%Y/%m/%d", "%m/%Y",
)
_DATE_LIKE = r"^(?:[0-9]{1,4}[-/.][0-9]{1,2}(?:[-/.][0-9]{1,4})?|.*[A-Za-z]{3}.*[0-9]{2})"
_TZ_SUFFIX = r"[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)? ?(?:Z|[-+][0-9]{2}:?[0-9]{2})$"
_LEADING_NUMBERS = r"^([0-9]{1,2})[-/.]([0-9]{1,2})[-/.][0-9]{2,4}"


def _present_text(series: pd.Series) -> pd.Series:
    """Stripped text of the cells that hold a value, on a 0..n-1 index (labels may repeat).

    pyarrow-backed strings (pyarrow is a dependency) make the regex work run in C on
    pandas 2.2 as on 3.x; ``astype`` turns any other objects (numbers, bools) into text.
    """
    values = series.reset_index(drop=True)
    text = values[values.notna()].astype("string[pyarrow]").str.strip()
    return text[~text.str.lower().isin(NA_TOKENS)]


def _by_unique(text: pd.Series, parse: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``parse`` applied to the distinct texts only: real columns repeat their values."""
    codes, uniques = text.factorize()
    return parse(pd.Series(uniques)).iloc[codes].set_axis(text.index)


def _spread(values: pd.Series, size: int) -> pd.Series:
    """Up to ``size`` values taken evenly from start to end (not just the head)."""
    picks = np.linspace(0, len(values) - 1, min(len(values), size)).astype(int)
    return values.iloc[np.unique(picks)]


def _is_textual(series: pd.Series) -> bool:
    dtype = series.dtype
    return (ptypes.is_object_dtype(dtype) or ptypes.is_string_dtype(dtype)
            or isinstance(dtype, pd.CategoricalDtype))


def _full(values: pd.Series, like: pd.Series, dtype: str) -> pd.Series:
    """Spread ``values`` (on a 0..n-1 index) over ``like``'s rows and labels."""
    out = values.reindex(pd.RangeIndex(len(like))).astype(dtype)
    return out.set_axis(like.index).rename(like.name)


def parse_numeric(series: pd.Series, *, min_ratio: float = 0.95) -> pd.Series | None:
    """Read numbers written as text: ``"1,234"``, ``"1 234"``, ``"$5.00"``, ``"(3.5)"``, ``"12%"``.

    Percentages become fractions (``"12%"`` is 0.12, as in a spreadsheet). Parentheses mean
    negative. Decimal commas (``"1.234,5"``) are used when the column shows them more often
    than decimal points. Whole numbers with a leading zero (``"007"``, ZIP codes) do not
    count as numbers, since converting them loses the zeros. Missing tokens (``""``, ``"-"``,
    ``"n/a"`` …) become NaN.

    Returns
    -------
    A float Series with the input's index, unparsed cells as NaN, when at least ``min_ratio``
    of the non-missing cells parse; otherwise ``None``. Numeric input is returned as float.

    >>> parse_numeric(pd.Series(["$1,234.50", "(3.5)", "12%", "n/a"])).tolist()
    [1234.5, -3.5, 0.12, nan]
    """
    if ptypes.is_bool_dtype(series.dtype):
        return None
    if ptypes.is_numeric_dtype(series.dtype):
        return series.astype("float64")
    if not _is_textual(series):
        return None
    text = _present_text(series)
    if text.empty or _numbers(_spread(text, QUICK_SAMPLE)).notna().mean() < min_ratio - 0.2:
        return None  # a sample far below the bar: skip reading every distinct text
    values = _by_unique(text, _numbers)
    if values.notna().sum() < min_ratio * len(text):
        return None
    return _full(values, series, "float64")


def _numbers(text: pd.Series) -> pd.Series:
    text = text.str.replace(_SPACES, " ", regex=True)
    fits = {mark: text.str.fullmatch(shape) for mark, shape in _SHAPES.items()}
    mark = "," if (fits[","] & ~fits["."]).sum() > (fits["."] & ~fits[","]).sum() else "."
    digits = (text.str.replace("[A-Z]{3}|[^0-9eE.,+\\-]", "", regex=True)
              .str.replace("," if mark == "." else ".", "", regex=False)
              .str.replace(mark, ".", regex=False))
    valid = (fits[mark] & ~digits.str.match("[-+\u2212]?0[0-9]")
             & (text.str.startswith("(") == text.str.endswith(")")))
    number = pd.to_numeric(digits.where(valid), errors="coerce").astype("float64").abs()
    negative = text.str.startswith("(") | text.str.match("[^0-9]*[-\u2212]")
    number = number.where(~negative.to_numpy(bool), -number)
    number = number.where(~text.str.contains("%", regex=False).to_numpy(bool), number / 100)
    return number.where(np.isfinite(number))


def parse_boolean(series: pd.Series) -> pd.Series | None:
    """Read yes/no flags: ``yes no true false y n t f 1 0``, any case, spaces ignored.

    Returns a pandas ``"boolean"`` Series (missing cells ``<NA>``) when every non-missing
    cell is such a flag, else ``None``. Numbers (and the texts ``"0"``/``"1"``) count only
    when both 0 and 1 occur and nothing else does: a column of ones is a count, not a flag.

    >>> parse_boolean(pd.Series(["Yes", " no", None])).tolist()
    [True, False, <NA>]
    """
    if ptypes.is_bool_dtype(series.dtype):
        return series.astype("boolean")
    if ptypes.is_numeric_dtype(series.dtype):
        present = series.dropna()
        is_flag = not present.empty and set(present.unique().tolist()) == {0, 1}
        return series.astype("boolean") if is_flag else None
    if not _is_textual(series):
        return None
    tokens = _present_text(series).str.lower()
    flags = tokens.map(_BOOL_TOKENS)
    if tokens.empty or flags.isna().any():
        return None
    if tokens.isin(["0", "1"]).all() and tokens.nunique() < 2:
        return None
    return _full(flags, series, "boolean")


def try_parse_date(series: pd.Series, *, min_ratio: float = 0.95) -> pd.Series | None:
    """Read dates written as text, inferring the formats from the column's own values.

    Handles ISO 8601 (with times and offsets), ``d/m/Y`` and ``m/d/Y`` (decided per column
    from values whose day exceeds 12; month-first when nothing tells), dotted day-first
    dates, month names (``"Jan 5, 2024"``, ``"5 January 2024"``) and mixes of these. Texts
    of digits only (``"2024"``, ``"20240105"``) are never dates: a year column stays a
    number. Values with UTC offsets make the whole column UTC-aware.

    Returns
    -------
    A datetime64 Series with the input's index, unparsed cells as NaT, when at least
    ``min_ratio`` of the non-missing cells parse; otherwise ``None``. Datetime input is
    returned unchanged (a copy).

    >>> try_parse_date(pd.Series(["2024-01-31", "Feb 1, 2024", "n/a"])).dt.day.tolist()
    [31.0, 1.0, nan]
    """
    if ptypes.is_datetime64_any_dtype(series.dtype):
        return series.copy()
    if not _is_textual(series):
        return None
    present = _present_text(series)
    text = present[~present.str.fullmatch("[0-9]+")]
    needed = min_ratio * len(present)
    if len(text) == 0 or len(text) < needed:
        return None
    parsed = _by_unique(text, lambda unique: _dates(unique, min_ratio=min_ratio))
    if parsed.notna().sum() < needed:
        return None
    return _full(parsed, series, str(parsed.dtype))


class DateFormats(NamedTuple):
    """How a column writes its dates: the formats to try, most used first, and whether values
    carry UTC offsets (then all are read as UTC)."""

    formats: tuple[str, ...]
    utc: bool


def date_formats(unique: pd.Series, *, min_ratio: float = 0.95) -> DateFormats:
    """The formats that read the distinct texts ``unique`` as dates, inferred from a sample of
    them; no formats when fewer than ``min_ratio`` of the sample are dates. Code that reads
    the column the same way tries them in order (:func:`read_dates`).

    >>> date_formats(pd.Series(["14.03.2024 09:30", "2024-03-05 10:00"])).formats
    ('ISO8601', '%d.%m.%Y %H:%M')
    """
    sample = _spread(unique, DATE_SAMPLE)
    utc = bool(unique.str.contains(_TZ_SUFFIX).any())  # one offset anywhere decides
    date_like = len(sample) > 0 and sample.str.match(_DATE_LIKE).mean() >= min_ratio
    formats = _choose_formats(sample, utc=utc, min_ratio=min_ratio) if date_like else []
    return DateFormats(tuple(formats), utc)


def read_dates(text: pd.Series, how: DateFormats) -> pd.Series:
    """``text`` read with each of ``how.formats`` in turn, NaT where none fits."""
    if not how.formats:
        return _no_dates(text.index, how.utc)
    parsed = _to_datetime(text, how.formats[0], how.utc)
    for fmt in how.formats[1:]:
        missing = parsed.isna()
        if missing.any():
            parsed = parsed.fillna(_to_datetime(text[missing], fmt, how.utc))
    return parsed


def _dates(unique: pd.Series, *, min_ratio: float) -> pd.Series:
    """Distinct texts read with formats inferred from a sample of them; all NaT if none fit."""
    return read_dates(unique, date_formats(unique, min_ratio=min_ratio))


def _to_datetime(text: pd.Series, fmt: str, utc: bool) -> pd.Series:
    """``text`` read with ``fmt``, NaT where it does not fit. With ``utc``, values with an
    offset are converted and values without one are taken as UTC: read together, pandas 2.2
    would give the latter the offset of an earlier value."""
    try:
        if not utc:
            return pd.to_datetime(text, format=fmt, errors="coerce")
        offset = text.str.contains(_TZ_SUFFIX).to_numpy(bool)
        aware = pd.to_datetime(text[offset], format=fmt, errors="coerce", utc=True)
        naive = pd.to_datetime(text[~offset], format=fmt, errors="coerce").dt.tz_localize("UTC")
        return aware.reindex(text.index).fillna(naive)
    except (ValueError, TypeError, OverflowError):  # e.g. an offset the pattern missed
        return _no_dates(text.index, utc)


def _no_dates(index: pd.Index, utc: bool) -> pd.Series:
    return pd.Series(pd.NaT, index=index, dtype="datetime64[ns, UTC]" if utc else "datetime64[ns]")


def _choose_formats(sample: pd.Series, *, utc: bool, min_ratio: float) -> list[str]:
    """Formats that together parse the sample, most used first; [] if too little parses."""
    leading = sample.str.extract(_LEADING_NUMBERS).astype("float64")
    day_first = (leading[0] > 12).sum() > (leading[1] > 12).sum()
    candidates = ("ISO8601", *(_DAY_FIRST if day_first else _MONTH_FIRST), *_UNAMBIGUOUS)
    covered = pd.Series(False, index=sample.index)
    chosen: list[tuple[int, str]] = []
    for fmt in candidates:
        hits = _to_datetime(sample[~covered], fmt, utc).notna()
        if hits.any():
            chosen.append((int(hits.sum()), fmt))
            covered[hits.index[hits.to_numpy()]] = True
            if covered.all():
                break
    if covered.mean() < min_ratio:
        return []
    return [fmt for _, fmt in sorted(chosen, key=lambda c: -c[0])]
