"""Profile a DataFrame: per-column statistics, semantic types and dataset-level figures.

Columns are grouped by family and each family is computed in one vectorized pass (see
:mod:`analyst_magics.pipeline.column_stats`): numbers and dates are sorted once in 2-D blocks,
booleans, categories and text are counted once. Duplicate rows are found by hashing columns
from the most to the least distinct and stopping as soon as no two rows can still be equal.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from ..errors import AnalystError
from ..models import ColumnProfile, FrequentValue, Profile
from ..validation import require_frame
from .column_stats import BlockColumn, ColumnStats, block_stats, counted_stats
from .semantic_types import detect_semantic_type

__all__ = ["assemble_profile", "profile"]

#: Multiplier that mixes one column's row hashes into the running row hashes.
_HASH_MIX = np.uint64(0x100000001B3)
#: Object columns holding Python numbers, booleans or dates are profiled as those types.
_NUMBER_KINDS = frozenset({"integer", "floating", "mixed-integer-float", "decimal"})
_DATE_KINDS = frozenset({"datetime", "datetime64", "date"})


def profile(
    df: pd.DataFrame,
    *,
    name: str | None = None,
    top_k: int = 10,
    high_missing_threshold: float = 0.5,
    progress: Callable[[str, float], None] | None = None,
) -> Profile:
    """Profile ``df``: statistics and a semantic type per column, and dataset-level figures.

    Everything is computed in vectorized passes over column families, so profiling costs about
    as much as ``df.describe()`` and stays well below the frame's own size in extra memory. The
    input is never modified.

    Parameters
    ----------
    df : DataFrame
        The data. Duplicate column names are profiled one by one, in order.
    name : str, optional
        Dataset name shown in the profile; defaults to ``df.attrs.get("name")``.
    top_k : int, default 10
        How many frequent values to keep per column.
    high_missing_threshold : float, default 0.5
        Columns whose share of missing values (``missing_pct``, a fraction in [0, 1]) reaches
        this are listed in ``Profile.high_missing_columns``.
    progress : callable, optional
        Called as ``progress(stage, fraction)`` as the work advances.

    Returns
    -------
    Profile
        ``missing_pct`` and ``distinct_pct`` are fractions in [0, 1] (``distinct_pct`` of the
        non-missing values); quantiles are keyed ``"5%"`` … ``"95%"``.

    Examples
    --------
    >>> import pandas as pd
    >>> prof = profile(pd.DataFrame({"x": [1.0, 2.0, None, 4.0], "g": ["a", "b", "a", "a"]}))
    >>> prof.column("x").mean, prof.column("g").semantic_type.value
    (2.3333333333333335, 'categorical')
    """
    pushdown = getattr(df, "pushdown_profile", None)  # a database table profiles in place
    if not isinstance(df, pd.DataFrame) and callable(pushdown):
        result: Profile = pushdown(name=name, top_k=top_k, progress=progress,
                                   high_missing_threshold=high_missing_threshold)
        return result
    _check_arguments(df, top_k, high_missing_threshold)
    stats = _column_stats(df, top_k, progress)
    _report(progress, "finding duplicate rows", 0.9)
    result = assemble_profile(
        stats, name=str(name) if name is not None else _default_name(df), rows=len(df),
        duplicate_rows=_duplicate_rows(df, stats),
        memory_bytes=df.index.memory_usage(deep=True) + sum(s.memory for s in stats),
        high_missing_threshold=high_missing_threshold)
    _report(progress, "profile done", 1.0)
    return result


def assemble_profile(stats: list[ColumnStats], *, name: str | None, rows: int,
                     duplicate_rows: int, memory_bytes: int,
                     high_missing_threshold: float) -> Profile:
    """The :class:`Profile` of columns whose statistics are computed (by pandas or a database)."""
    columns = [_column_profile(s) for s in stats]
    missing, cells = sum(c.missing for c in columns), rows * len(columns)
    return Profile(
        name=name, rows=rows, columns=len(columns), duplicate_rows=duplicate_rows,
        missing_cells=missing, missing_pct=missing / cells if cells else 0.0,
        memory_bytes=memory_bytes,
        high_missing_columns=[c.name for c in columns
                              if c.missing and c.missing_pct >= high_missing_threshold],
        column_profiles=columns,
    )


def _check_arguments(df: Any, top_k: Any, threshold: Any) -> None:
    require_frame(df, "profile")
    if isinstance(top_k, bool) or not isinstance(top_k, numbers.Integral) or top_k < 0:
        raise AnalystError(f"profile(): top_k must be a whole number >= 0 (how many frequent "
                           f"values to keep per column), got {top_k!r}.")
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not (
            0.0 <= float(threshold) <= 1.0):
        raise AnalystError(f"profile(): high_missing_threshold must be a fraction between 0 and 1 "
                           f"(e.g. 0.5 for half the rows missing), got {threshold!r}.")


def _default_name(df: pd.DataFrame) -> str | None:
    name = df.attrs.get("name")
    return None if name is None else str(name)


def _report(progress: Callable[[str, float], None] | None, stage: str, fraction: float) -> None:
    if progress is not None:
        progress(stage, fraction)


# --------------------------------------------------------------------------- columns


def _column_stats(df: pd.DataFrame, top_k: int,
                  progress: Callable[[str, float], None] | None) -> list[ColumnStats]:
    """Statistics of every column, family by family; the list is in column order."""
    stats: list[ColumnStats] = []
    blocks: dict[str, list[BlockColumn]] = {"f": [], "i": []}
    counted: list[tuple[ColumnStats, pd.Series]] = []
    for position, (label, series) in enumerate(df.items()):
        family, data = _family(series)
        column = ColumnStats(position, str(label), str(series.dtype), family, rows=len(df),
                             memory=_memory(series))
        stats.append(column)
        if isinstance(data, pd.Series):
            counted.append((column, data))
        else:
            blocks["f" if family == "float" else "i"].append(BlockColumn(column, *data))
    done = 0

    def advance(columns: int) -> None:
        nonlocal done
        done += columns
        _report(progress, "profiling columns", 0.9 * done / max(1, len(stats)))

    for columns in blocks.values():
        block_stats(columns, top_k=top_k, progress=advance)
    for column, series in counted:
        counted_stats(column, series, top_k=top_k)
        advance(1)
    return stats


_Load = Callable[[], np.ndarray]
_Restore = Callable[[np.ndarray], list[Any]]


def _family(series: pd.Series) -> tuple[str, pd.Series | tuple[_Load, _Restore]]:
    """The column's family and its data as that family's pass reads it.

    Counted families read the series; block families read ``(load, restore)`` for a
    :class:`BlockColumn`. Loading waits for the column's block, so converted copies (int32 to
    int64, nullable to float) exist one chunk at a time.
    """
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return "category", series
    if pd.api.types.is_bool_dtype(dtype):
        return "bool", series
    if pd.api.types.is_numeric_dtype(dtype) and dtype.kind in "iuf":
        if dtype.kind in "iu" and not (dtype.kind == "u" and dtype.itemsize == 8) and (
                isinstance(dtype, np.dtype) or not series.hasnans):
            return "int", (partial(series.to_numpy, dtype=np.int64), _plain)
        return "float", (partial(series.to_numpy, dtype=np.float64, na_value=np.nan), _plain)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        unit, tz = np.dtype(f"M8[{series.dt.unit}]"), getattr(series.dt, "tz", None)
        return "datetime", (partial(_int64_values, series, unit), partial(_timestamps, unit, tz))
    if pd.api.types.is_timedelta64_dtype(dtype):
        unit = np.dtype(f"m8[{series.dt.unit}]")
        return "timedelta", (partial(_int64_values, series, unit), partial(_timedeltas, unit))
    if pd.api.types.is_object_dtype(dtype):
        converted = _from_objects(series)
        if converted is not None:
            return _family(converted)
    return "text", series


def _int64_values(series: pd.Series, unit: np.dtype) -> np.ndarray:
    """Datetimes (as UTC) or timedeltas as int64 counts of their unit; NaT is int64 min."""
    if getattr(series.dt, "tz", None) is not None:
        series = series.dt.tz_convert("UTC").dt.tz_localize(None)
    return series.to_numpy(dtype=unit).view(np.int64)


def _plain(values: np.ndarray) -> list[Any]:
    return values.tolist()


def _timestamps(unit: np.dtype, tz: Any, values: np.ndarray) -> list[Any]:
    index = pd.DatetimeIndex(values.view(unit))
    return list(index.tz_localize("UTC").tz_convert(tz) if tz is not None else index)


def _timedeltas(unit: np.dtype, values: np.ndarray) -> list[Any]:
    return list(pd.TimedeltaIndex(values.view(unit)))


def _from_objects(series: pd.Series) -> pd.Series | None:
    """An object column of Python numbers, booleans or dates as that dtype, else ``None``."""
    kind = pd.api.types.infer_dtype(series, skipna=True)
    try:
        if kind in _NUMBER_KINDS:
            converted = pd.to_numeric(series)
        elif kind == "boolean":
            converted = series.astype("boolean")
        elif kind in _DATE_KINDS:
            converted = pd.to_datetime(series)
        else:
            return None
    except (TypeError, ValueError, OverflowError):  # e.g. mixed time zones, huge integers
        return None
    return None if pd.api.types.is_object_dtype(converted.dtype) else converted


def _memory(series: pd.Series) -> int:
    """Bytes held by the column's values, as ``memory_usage(deep=True)`` counts them."""
    if pd.api.types.is_object_dtype(series.dtype) or isinstance(series.dtype, pd.CategoricalDtype):
        return int(series.memory_usage(deep=True, index=False))  # counts the Python objects
    return int(series.array.nbytes)


def _column_profile(stats: ColumnStats) -> ColumnProfile:
    return ColumnProfile(
        name=stats.name,
        dtype=stats.dtype,
        semantic_type=detect_semantic_type(stats),
        count=stats.count,
        missing=stats.missing,
        missing_pct=stats.missing / stats.rows if stats.rows else 0.0,
        distinct=stats.distinct,
        distinct_pct=stats.distinct / stats.count if stats.count else 0.0,
        memory_bytes=stats.memory,
        mean=stats.mean,
        std=stats.std,
        min=stats.min,
        max=stats.max,
        quantiles=stats.quantiles,
        skewness=stats.skewness,
        kurtosis=stats.kurtosis,
        zeros=stats.zeros,
        negatives=stats.negatives,
        mean_length=stats.mean_length,
        frequent=[FrequentValue(value=v, count=c) for v, c in stats.frequent],
        histogram=stats.histogram,
    )


# --------------------------------------------------------------------------- duplicate rows


def _duplicate_rows(df: pd.DataFrame, stats: list[ColumnStats]) -> int:
    """Rows equal to an earlier row (``df.duplicated().sum()``), by progressive row hashing.

    Columns are hashed from the most to the least distinct into one running hash per row. A
    column with a distinct value in every row settles it at once; otherwise, after 1, 2, 4, 8 …
    columns, rows whose partial hash is unique are dropped from the work (they cannot be
    duplicates), and no repeated hash at all ends it. Two different rows collide with
    probability about 2**-64 per pair.
    """
    if df.shape[1] == 0 or len(df) < 2:
        return 0
    columns = sorted(stats, key=lambda s: (-s.distinct, s.missing))
    if columns[0].distinct == len(df):
        return 0
    rows = np.arange(len(df))
    hashes = np.zeros(len(df), dtype=np.uint64)
    for done, column in enumerate(columns, start=1):
        series = df.iloc[:, column.position]
        hashes = hashes * _HASH_MIX ^ _row_hashes(
            series if len(rows) == len(df) else series.take(rows))
        if done & (done - 1) == 0:  # a power of two: checking costs about one more column
            candidates = np.count_nonzero(_in_groups(np.sort(hashes)))
            if not candidates:
                return 0
            if candidates < len(rows) // 2:  # worth copying fewer rows
                by_hash = np.argsort(hashes)
                keep = np.empty(len(hashes), dtype=bool)
                keep[by_hash] = _in_groups(hashes[by_hash])
                rows, hashes = rows[keep], hashes[keep]
    ordered = np.sort(hashes)
    return int(np.count_nonzero(ordered[1:] == ordered[:-1]))


def _in_groups(ordered: np.ndarray) -> np.ndarray:
    """Which values of a sorted array have an equal neighbour (sorting beats hash tables here)."""
    same = ordered[1:] == ordered[:-1]
    grouped = np.zeros(len(ordered), dtype=bool)
    grouped[1:] |= same
    grouped[:-1] |= same
    return grouped


def _row_hashes(series: pd.Series) -> np.ndarray:
    if series.dtype.kind == "f":  # -0.0 equals 0.0 and every NaN is the same missing value
        values = series.to_numpy(dtype=np.float64) + 0.0
        values[np.isnan(values)] = np.nan
        return pd.util.hash_array(values)
    return pd.util.hash_pandas_object(series, index=False).to_numpy()
