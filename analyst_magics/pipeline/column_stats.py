"""Vectorized column statistics, one pass per column family.

Two families cover every dtype:

- **sorted blocks** (numbers, datetimes, timedeltas): columns are copied side by side into a 2-D
  Fortran-ordered block, sorted once along the rows, and everything is read from the sorted
  block: min/max and quantiles by position, distinct values and frequent values from the runs
  of equal values, zeros and negatives by binary search, and mean, std, skewness and kurtosis
  from the same centred sums. Blocks are cut to :data:`CHUNK_BYTES` so the extra memory stays a
  small fraction of the frame however many rows it has.
- **counted columns** (booleans, categoricals, text, mixed objects): one ``value_counts`` per
  column gives count, distinct values, frequent values and the mean text length (lengths of
  the distinct values weighted by their counts, so a 1,000,000-row column of 50 labels measures
  50 strings).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

__all__ = [
    "CHUNK_BYTES",
    "BlockColumn",
    "QUANTILES",
    "ColumnStats",
    "block_stats",
    "counted_stats",
    "most_frequent",
]

#: Quantile levels and their labels in :attr:`ColumnProfile.quantiles`.
QUANTILES: dict[str, float] = {"5%": 0.05, "25%": 0.25, "50%": 0.5, "75%": 0.75, "95%": 0.95}
#: Largest sorted block built at once; its working copies bound the extra memory of profiling.
#: Small on purpose: at 1,000,000 rows a chunk is one column, and long columns gain nothing
#: from sharing a block; short wide frames (where per-column overhead matters) still get
#: thousands of columns per block.
CHUNK_BYTES = 4 * 2**20
#: Equal-width bins of the distribution kept for numbers, dates and durations.
HISTOGRAM_BINS = 20
#: How many distinct values are kept for semantic type detection.
SAMPLE_SIZE = 1_000
#: Missing values in int64 blocks: NaT on the way in, the largest int64 (sorts last) inside.
_NAT = np.iinfo(np.int64).min
_INT_FILL = np.iinfo(np.int64).max


@dataclass
class ColumnStats:
    """Statistics of one column while the profile is being built (see ``ColumnProfile``).

    ``family`` is ``float``, ``int``, ``datetime``, ``timedelta``, ``bool``, ``category`` or
    ``text``; ``sample`` holds up to :data:`SAMPLE_SIZE` distinct values for type detection.
    """

    position: int
    name: str
    dtype: str
    family: str
    rows: int
    memory: int = 0
    count: int = 0
    distinct: int = 0
    mean: float | None = None
    std: float | None = None
    min: Any = None
    max: Any = None
    quantiles: dict[str, Any] = field(default_factory=dict)
    skewness: float | None = None
    kurtosis: float | None = None
    zeros: int | None = None
    negatives: int | None = None
    mean_length: float | None = None
    frequent: list[tuple[Any, int]] = field(default_factory=list)
    histogram: list[int] = field(default_factory=list)
    sample: pd.Index | None = None

    @property
    def missing(self) -> int:
        return self.rows - self.count


# --------------------------------------------------------------------------- sorted blocks


class BlockColumn(NamedTuple):
    """A column ready for a sorted block.

    ``load()`` gives a float64 array with NaN for missing values (``float`` family), or an
    int64 array with NaT's integer (int64 min) for missing values (every other family); it is
    called when the column's chunk is built. ``restore`` turns block numbers back into the
    column's own values (floats, ints, Timestamps, Timedeltas).
    """

    stats: ColumnStats
    load: Callable[[], np.ndarray]
    restore: Callable[[np.ndarray], list[Any]]


def block_stats(columns: list[BlockColumn], *, top_k: int,
                progress: Callable[[int], None] | None = None) -> None:
    """Fill in the statistics of columns that share one block dtype, sorting each chunk once.

    Only ``float`` and ``int`` columns get moments, zeros and negatives; ``progress`` is told
    how many columns each finished chunk held.
    """
    for chunk in _chunks(columns):
        block, counts = _sorted_block(chunk)
        stats = [c.stats for c in chunk]
        for j, col in enumerate(chunk):
            _fill_from_sorted(col, block[: counts[j], j], top_k)
        if len(block):  # a frame without rows has nothing to interpolate or average
            _fill_quantiles(chunk, block, counts)
        numbers = np.flatnonzero([s.family in ("float", "int") for s in stats])
        if numbers.size and len(block):
            _fill_moments([stats[j] for j in numbers], _float_block(block, numbers),
                          counts[numbers])
        if progress is not None:
            progress(len(chunk))


def _chunks(columns: list[BlockColumn]) -> Iterator[list[BlockColumn]]:
    rows = columns[0].stats.rows if columns else 0
    width = max(1, CHUNK_BYTES // max(1, 8 * rows))
    for start in range(0, len(columns), width):
        yield columns[start:start + width]


def _sorted_block(chunk: list[BlockColumn]) -> tuple[np.ndarray, np.ndarray]:
    """Copy the columns side by side (never a view of the input) and sort each one.

    Missing values end up after the ``counts[j]`` real values of column ``j``.
    """
    dtype = np.float64 if chunk[0].stats.family == "float" else np.int64
    block = np.empty((chunk[0].stats.rows, len(chunk)), dtype=dtype, order="F")
    counts = np.empty(len(chunk), dtype=np.intp)
    for j, column in enumerate(chunk):
        col = block[:, j]
        col[:] = column.load()
        missing = np.isnan(col) if block.dtype.kind == "f" else col == _NAT
        counts[j] = len(col) - np.count_nonzero(missing)
        if block.dtype.kind != "f":
            col[missing] = _INT_FILL
    block.sort(axis=0)  # NaN sorts last
    return block, counts


def _float_block(block: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """The numeric columns as float64, reusing the sorted block itself when it already is."""
    if block.dtype.kind == "f" and len(columns) == block.shape[1]:
        return block
    return np.asfortranarray(block[:, columns], dtype=np.float64)


def _fill_from_sorted(column: BlockColumn, col: np.ndarray, k: int) -> None:
    """Count, min/max, distinct and frequent values, zeros and negatives of a sorted column."""
    stats = column.stats
    stats.count = len(col)
    if not len(col):
        return
    stats.min, stats.max = column.restore(col[[0, -1]])
    stats.histogram = _histogram(col)
    change = col[1:] != col[:-1]
    stats.distinct = int(np.count_nonzero(change)) + 1
    if stats.family in ("float", "int"):
        negatives = int(np.searchsorted(col, 0, side="left"))
        stats.negatives = negatives
        stats.zeros = int(np.searchsorted(col, 0, side="right")) - negatives
    if stats.distinct < len(col):  # some value repeats: a frequent-values list means something
        starts = np.flatnonzero(np.concatenate(([True], change)))
        lengths = np.diff(np.append(starts, len(col)))
        picked = most_frequent(lengths, k)
        stats.frequent = list(zip(column.restore(col[starts[picked]]), lengths[picked].tolist(),
                                  strict=True))


def _histogram(col: np.ndarray) -> list[int]:
    """Counts in :data:`HISTOGRAM_BINS` equal bins from min to max, read off the sorted column."""
    low, high = float(col[0]), float(col[-1])
    if not (math.isfinite(low) and math.isfinite(high)) or low == high:
        return [len(col)]
    inner = np.linspace(low, high, HISTOGRAM_BINS + 1)[1:-1]
    ends = np.searchsorted(col, inner.astype(col.dtype) if col.dtype.kind != "f" else inner)
    return np.diff(np.concatenate(([0], ends, [len(col)]))).tolist()


def _fill_quantiles(chunk: list[BlockColumn], block: np.ndarray, counts: np.ndarray) -> None:
    """Linear-interpolated quantiles (pandas' and NumPy's default) of every column at once."""
    levels = np.fromiter(QUANTILES.values(), dtype=np.float64)[:, None]
    position = levels * np.maximum(counts - 1, 0)
    low = np.floor(position).astype(np.intp)
    high = np.ceil(position).astype(np.intp)
    fraction = position - low
    columns = np.arange(block.shape[1])
    below, above = block[low, columns], block[high, columns]
    as_float = _lerp(below.astype(np.float64), above.astype(np.float64), fraction)
    as_int = None
    if block.dtype.kind != "f":  # datetimes and timedeltas: whole steps of their unit, exactly
        with np.errstate(invalid="ignore", over="ignore"):  # int columns use as_float
            as_int = below + np.rint((above - below) * fraction).astype(np.int64)
    for j, (stats, _, restore) in enumerate(chunk):
        if counts[j] == 0:
            continue
        if as_int is None or stats.family in ("float", "int"):
            values = [v if math.isfinite(v) else None for v in as_float[:, j].tolist()]
        else:
            values = restore(as_int[:, j])
        stats.quantiles = dict(zip(QUANTILES, values, strict=True))


def _lerp(below: np.ndarray, above: np.ndarray, fraction: np.ndarray) -> np.ndarray:
    # NumPy's formula, so results match np.quantile / pandas to the last bit where they can
    with np.errstate(invalid="ignore"):
        step = above - below
        return np.where(fraction >= 0.5, above - step * (1 - fraction), below + step * fraction)


def _fill_moments(stats: list[ColumnStats], block: np.ndarray, counts: np.ndarray) -> None:
    """Mean, std (ddof=1), skewness and excess kurtosis with pandas' estimators.

    Works in place on ``block`` (sorted, missing values after ``counts``). Values are first
    shifted by the column's middle value, so a constant column has exactly zero deviations, then
    centred: the two-pass sums stay accurate where raw power sums would not.
    """
    columns = np.arange(block.shape[1])
    n = counts.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        shift = block[np.maximum(counts - 1, 0) // 2, columns]
        block -= shift
        _zero_missing(block, counts)
        offset = block.sum(axis=0) / n
        block -= offset
        _zero_missing(block, counts)
        squares = block * block
        m2 = squares.sum(axis=0)
        m3 = np.einsum("ij,ij->j", squares, block)
        m4 = np.einsum("ij,ij->j", squares, squares)
        std = np.sqrt(m2 / (n - 1))
        skew = m3 / (m2 * np.sqrt(m2)) * (n * np.sqrt(n - 1) / (n - 2))
        kurt = (n - 1) / ((n - 2) * (n - 3)) * (n * (n + 1) * m4 / (m2 * m2) - 3 * (n - 1))
    std[n < 2] = np.nan
    skew[(n < 3) | (m2 == 0)] = np.nan  # undefined for constant columns, as in pandas 3.1
    kurt[(n < 4) | (m2 == 0)] = np.nan
    for j, col in enumerate(stats):
        col.mean, col.std = _finite(shift[j] + offset[j]), _finite(std[j])
        col.skewness, col.kurtosis = _finite(skew[j]), _finite(kurt[j])


def _zero_missing(block: np.ndarray, counts: np.ndarray) -> None:
    for j, count in enumerate(counts):
        block[count:, j] = 0.0


def _finite(value: Any) -> float | None:
    number = float(value)
    return number if np.isfinite(number) else None


# --------------------------------------------------------------------------- counted columns


def counted_stats(stats: ColumnStats, series: pd.Series, *, top_k: int) -> None:
    """Fill in the statistics of a boolean, categorical or text column from its value counts."""
    counts = _value_counts(series)
    values, tally = counts.index, counts.to_numpy(dtype=np.int64)
    stats.count, stats.distinct = int(tally.sum()), len(tally)
    stats.sample = values[:SAMPLE_SIZE]
    if stats.distinct < stats.count or stats.count == 1:
        picked = most_frequent(tally, top_k)
        stats.frequent = list(zip(values[picked].tolist(), tally[picked].tolist(), strict=True))
    if stats.family == "bool" and stats.count:
        stats.mean = float(tally[np.asarray(values.astype(bool))].sum()) / stats.count
    stats.mean_length = _mean_length(values, tally)


def _value_counts(series: pd.Series) -> pd.Series:
    try:
        counts = series.value_counts(dropna=True, sort=False)
    except TypeError:  # unhashable cells (lists, dicts): count their text instead
        counts = series.astype(str).mask(series.isna()).value_counts(dropna=True, sort=False)
    return counts[counts > 0] if isinstance(series.dtype, pd.CategoricalDtype) else counts


def _mean_length(values: pd.Index, tally: np.ndarray) -> float | None:
    """Mean length of string values, from the distinct values weighted by their counts."""
    if isinstance(values, pd.CategoricalIndex):
        values = pd.Index(values.to_numpy())
    if not len(values) or not pd.api.types.is_string_dtype(values):  # object: all strings?
        return None
    lengths = values.str.len().to_numpy(dtype=np.float64)
    return float(np.dot(lengths, tally) / tally.sum())


def most_frequent(counts: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` largest counts, largest first; ties keep their order in ``counts``.

    Linear time: a partition finds the k-th count, and only the winners are sorted.
    """
    if k <= 0 or not len(counts):
        return np.empty(0, dtype=np.intp)
    if len(counts) > k:
        threshold = np.partition(counts, len(counts) - k)[len(counts) - k]
        above = np.flatnonzero(counts > threshold)
        tied = np.flatnonzero(counts == threshold)[: k - len(above)]
        candidates = np.sort(np.concatenate([above, tied]))
    else:
        candidates = np.arange(len(counts))
    return candidates[np.argsort(-counts[candidates], kind="stable")]
