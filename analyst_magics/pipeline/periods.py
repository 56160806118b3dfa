"""Time buckets: which period a time series is aggregated to, and how a period reads.

Charts and trend findings share this so that a trend's text, its test and its line chart all
describe the same monthly (or weekly, …) series. Rows are put in buckets by casting their
times to a coarser NumPy unit (``datetime64[M]`` is a month number), and aggregated with one
sparse product: no sort of the frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

__all__ = ["PERIODS", "Period", "aggregate", "bucket_codes", "choose_period", "wall_time"]

#: At most this many buckets: a readable line chart, and a trend test on a short series.
MAX_BUCKETS = 60
#: At least this many rows per bucket on average, so a bucket's mean is not a single row.
MIN_ROWS_PER_BUCKET = 2
_NAT = np.iinfo(np.int64).min


@dataclass(frozen=True)
class Period:
    """One bucket size: ``step`` NumPy ``unit``s (shifted by ``shift`` units), and its words."""

    unit: str
    step: int
    adjective: str
    noun: str
    length: pd.Timedelta
    label_format: str
    shift: int = 0

    def label(self, start: pd.Timestamp) -> str:
        """How a bucket starting at ``start`` reads in a sentence (``"Mar 2024"``)."""
        return self.label_format.format(start)

    def numbers(self, times: np.ndarray) -> np.ndarray:
        """Each time's bucket number (``NaT`` gives :data:`_NAT`)."""
        units = times.astype(f"datetime64[{self.unit}]").view(np.int64)
        return np.where(units == _NAT, _NAT, (units + self.shift) // self.step)

    def starts(self, first: int, count: int) -> pd.DatetimeIndex:
        """Start times of ``count`` buckets from bucket number ``first``."""
        units = (first + np.arange(count)) * self.step - self.shift
        return pd.DatetimeIndex(units.astype(f"datetime64[{self.unit}]").astype("datetime64[us]"))

    def lengths(self, starts: pd.DatetimeIndex) -> np.ndarray:
        """Each bucket's length in typical periods (a February is 0.92 of a month)."""
        if len(starts) == 0:
            return np.empty(0)
        first = int(self.numbers(starts.to_numpy(dtype="datetime64[us]")[:1])[0])
        return np.asarray((self.starts(first + 1, len(starts)) - starts) / self.length)


PERIODS = (
    Period("m", 1, "per-minute", "minute", pd.Timedelta(minutes=1), "{0.day} {0:%b %Y %H:%M}"),
    Period("m", 15, "15-minute", "15 minutes", pd.Timedelta(minutes=15),
           "{0.day} {0:%b %Y %H:%M}"),
    Period("h", 1, "hourly", "hour", pd.Timedelta(hours=1), "{0.day} {0:%b %Y %H:00}"),
    Period("h", 6, "6-hourly", "6 hours", pd.Timedelta(hours=6), "{0.day} {0:%b %Y %H:00}"),
    Period("D", 1, "daily", "day", pd.Timedelta(days=1), "{0.day} {0:%b %Y}"),
    # Day 0 (1 Jan 1970) was a Thursday: shifting by 3 days makes weeks start on Monday.
    Period("D", 7, "weekly", "week", pd.Timedelta(weeks=1), "the week of {0.day} {0:%b %Y}",
           shift=3),
    Period("M", 1, "monthly", "month", pd.Timedelta(days=30.44), "{0:%b %Y}"),
    Period("M", 3, "quarterly", "quarter", pd.Timedelta(days=91.31), "Q{0.quarter} {0.year}"),
    Period("Y", 1, "yearly", "year", pd.Timedelta(days=365.25), "{0.year}"),
)


def wall_time(times: pd.Series) -> pd.Series:
    """Time-zone-aware times as local wall-clock times (periods are calendar periods there)."""
    if getattr(times.dtype, "tz", None) is not None:
        return times.dt.tz_localize(None)
    return times


def choose_period(times: pd.Series) -> Period | None:
    """The finest period giving at most :data:`MAX_BUCKETS` buckets of a few rows each.

    ``None`` when the times span no time at all or not even yearly buckets fit.
    """
    count = int(times.count())
    if count == 0:
        return None
    span = times.max() - times.min()
    if span <= pd.Timedelta(0):
        return None
    for period in PERIODS:
        buckets = span / period.length + 1
        if buckets <= MAX_BUCKETS and count / buckets >= MIN_ROWS_PER_BUCKET:
            return period
    return None


def aggregate(times: pd.Series, values: np.ndarray,
              period: Period) -> tuple[np.ndarray, pd.Series]:
    """Per-bucket means of each column of ``values`` and per-bucket row counts.

    Every bucket from the first time to the last is there, empty ones included (NaN means, zero
    counts); counts are indexed by bucket start. ``times`` must be naive (see
    :func:`wall_time`); missing and infinite values are left out of the means.
    """
    codes, starts = bucket_codes(times, period)
    rows = np.flatnonzero(codes >= 0)
    # One sparse product sums every column per bucket at once: no sort, no copy per column.
    members = sparse.csr_array((np.ones(len(rows)), (codes[rows], rows)),
                               shape=(len(starts), len(codes)))
    finite = np.isfinite(values)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (members @ np.where(finite, values, 0.0)) / (members @ finite.astype(float))
    counts = np.bincount(codes[rows], minlength=len(starts))
    return means, pd.Series(counts, index=starts)


def bucket_codes(times: pd.Series, period: Period) -> tuple[np.ndarray, pd.DatetimeIndex]:
    """Each row's bucket (0 for the first bucket, -1 for missing times) and every bucket's start."""
    numbers = period.numbers(times.to_numpy(dtype="datetime64[us]"))
    present = numbers != _NAT
    if not present.any():
        return np.full(len(numbers), -1), pd.DatetimeIndex([])
    first = int(numbers[present].min())
    codes = np.subtract(numbers, first, where=present, out=np.full(len(numbers), -1))
    return codes, period.starts(first, int(codes.max()) + 1)
