"""Numbers, shares and dates as readers write them: one style for reports, cards and the CLI.

>>> number(38221.5), number(0.04567), number(12.345), number(1234)
('38,222', '0.0457', '12.3', '1,234')
>>> percent(0.381), date_labels(["2024-01-01T00:00:00", "2024-02-01T00:00:00"])
('38%', ['Jan 2024', 'Feb 2024'])
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["cell", "date_labels", "date_text", "day_text", "number", "p_text", "percent",
           "whole_days"]

#: Significant figures of a number below 1,000; larger numbers are shown whole.
DIGITS = 3
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
                  r"(?:Z|[+-]\d{2}:?\d{2})?$")


def number(value: float | int, missing: str = "n/a") -> str:
    """``1,234``, ``12.3``, ``0.0457``, ``4.57e-05``: separators, then three significant figures."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    value = float(value)
    if math.isnan(value):
        return missing
    if math.isinf(value):
        return "infinity" if value > 0 else "minus infinity"
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1e15:
        return f"{value:.{DIGITS - 1}e}"
    text = f"{value:.{DIGITS}g}"
    if abs(value) >= 1000 or ("e" in text and abs(value) >= 1):  # 999.95 rounds to 1,000
        return f"{value:,.0f}"
    return text


def percent(fraction: float) -> str:
    """A share: ``38%``, ``4.2%``, ``< 0.1%``."""
    value = 100 * fraction
    if value == 0:
        return "0%"
    if abs(value) < 0.1:
        return "< 0.1%"
    return f"{value:.0f}%" if abs(value) >= 10 else f"{value:.1f}%"


def p_text(p: float) -> str:
    """``p < 0.001`` or ``p = 0.012``."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def date_text(value: dt.datetime | dt.date | pd.Timestamp) -> str:
    """``2024-03-05``, or ``2024-03-05 14:30`` when the time of day is not midnight."""
    stamp = pd.Timestamp(value)
    if stamp.hour == stamp.minute == stamp.second == stamp.microsecond == 0:
        return f"{stamp:%Y-%m-%d}"
    return f"{stamp:%Y-%m-%d %H:%M}" if stamp.second == 0 else f"{stamp:%Y-%m-%d %H:%M:%S}"


def whole_days(values: Sequence[Any]) -> bool:
    """Whether every value is a date at midnight (a column of days, not of times)."""
    stamps = _as_dates(values)
    return stamps is not None and _at_midnight(stamps)


def day_text(value: Any) -> str:
    """A date statistic of a column of whole days (an interpolated median, say) as its day."""
    if isinstance(value, (dt.date, pd.Timestamp)) or (isinstance(value, str) and _ISO.match(value)):
        return f"{pd.Timestamp(value):%Y-%m-%d}"
    return cell(value)


def cell(value: Any) -> str:
    """One value of a table: numbers as :func:`number`, dates as :func:`date_text`, blanks as –."""
    if value is None or value is pd.NaT:
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return number(int(value))
    if isinstance(value, (float, np.floating)):
        return number(float(value), missing="–")
    if isinstance(value, (dt.date, pd.Timestamp)):
        return date_text(value)
    if isinstance(value, str) and _ISO.match(value):
        return date_text(value)
    return str(value)


def date_labels(values: Sequence[Any]) -> list[str]:
    """Labels of an axis or an index: dates that are all month starts read ``Jan 2024``.

    Anything that is not a date is formatted as :func:`cell` formats it.
    """
    stamps = _as_dates(values)
    if stamps is None:
        return [cell(v) for v in values]
    if len(stamps) > 1 and (stamps.day == 1).all() and _at_midnight(stamps):
        if (stamps.month == 1).all():
            return [f"{s:%Y}" for s in stamps]
        return [f"{s:%b %Y}" for s in stamps]
    return [date_text(s) for s in stamps]


def _at_midnight(stamps: pd.DatetimeIndex) -> bool:
    return bool((stamps.normalize() == stamps).all())


def _as_dates(values: Sequence[Any]) -> pd.DatetimeIndex | None:
    if not len(values) or not all(
            isinstance(v, (dt.date, pd.Timestamp)) or (isinstance(v, str) and _ISO.match(v))
            for v in values):
        return None
    try:
        stamps = pd.DatetimeIndex([pd.Timestamp(v) for v in values])
    except (ValueError, TypeError):
        return None
    return None if stamps.hasnans else stamps
