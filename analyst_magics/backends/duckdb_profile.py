"""The profile of a DuckDB table, computed where the data lies: aggregate queries, not rows.

One scan gives every column's counts, moments, extremes and quantiles; a second the numeric
histograms; then one grouped query per column its frequent values, and a ``LIMIT`` query the
sample that semantic types are read from. The statistics fill the same ``ColumnStats`` the
pandas profile fills, so types, templates and reports are shared. Above
:data:`EXACT_ROWS` rows, distinct counts and quantiles are DuckDB's approximations
(HyperLogLog, t-digest): exact ones cost a sort or a hash of every value, and an exact
quantile holds its column in memory, so a table whose values would not fit twice in DuckDB's
memory limit gets approximate figures too.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from ..models import Profile
from ..pipeline.column_stats import HISTOGRAM_BINS, QUANTILES, SAMPLE_SIZE, ColumnStats
from ..pipeline.profiling import assemble_profile
from .sql_text import quote

__all__ = ["EXACT_ROWS", "QueryableTable", "profile_table"]

#: Up to this many rows distinct counts and quantiles are exact; beyond, approximate.
EXACT_ROWS = 5_000_000
#: What an exact aggregate keeps per value: the value and its share of a hash table.
_BYTES_PER_VALUE = 16
_INT = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
        "UINTEGER", "UBIGINT", "UHUGEINT")
_FLOAT = ("FLOAT", "DOUBLE", "REAL")


class QueryableTable(Protocol):
    """What the profile needs of a table (``DuckTable`` is one)."""

    name: str
    label: str
    path: Path
    rows: int
    dtypes: dict[str, str]
    memory_limit_bytes: int

    @property
    def columns(self) -> list[str]: ...

    def query(self, sql: str) -> list[tuple[Any, ...]]: ...


def family(duck_type: str) -> str:
    """The profile's family (``ColumnStats.family``) of a DuckDB column type."""
    base = duck_type.split("(")[0].upper()
    if base == "BOOLEAN":
        return "bool"
    if base in _INT:
        return "int"
    if base in _FLOAT or base == "DECIMAL":
        return "float"
    if base == "DATE" or base.startswith("TIMESTAMP"):
        return "datetime"
    return "text"


def profile_table(table: QueryableTable, *, name: str | None = None, top_k: int = 10,
                  high_missing_threshold: float = 0.5,
                  progress: Callable[[str, float], None] | None = None) -> Profile:
    """Profile ``table`` by pushdown; see :func:`analyst_magics.profile` for the fields."""
    report = progress or (lambda stage, fraction: None)
    # exact quantiles and distinct counts hold every column's values in memory at once (the
    # scan is shared), which DuckDB cannot spill: with room for twice that, or approximate
    held = table.rows * len(table.columns) * _BYTES_PER_VALUE
    exact = table.rows <= EXACT_ROWS and 2 * held <= table.memory_limit_bytes
    stats = [ColumnStats(i, name, dtype, family(dtype), rows=table.rows)
             for i, (name, dtype) in enumerate(table.dtypes.items())]
    report("scanning columns", 0.05)
    _fill_aggregates(table, stats, exact)
    report("histograms", 0.4)
    _fill_histograms(table, [s for s in stats
                             if s.family in ("int", "float", "datetime") and s.count])
    for done, column in enumerate(stats):
        report(f"frequent values of {column.name}", 0.5 + 0.4 * done / max(len(stats), 1))
        _fill_frequent(table, column, top_k)
    report("finding duplicate rows", 0.9)
    result = assemble_profile(
        stats, name=name or table.label, rows=table.rows, duplicate_rows=_duplicate_rows(table),
        memory_bytes=table.path.stat().st_size, high_missing_threshold=high_missing_threshold)
    report("profile done", 1.0)
    return result


def _fill_aggregates(table: QueryableTable, stats: list[ColumnStats], exact: bool) -> None:
    """Every column's aggregates in one scan of the table."""
    parts: list[tuple[ColumnStats, str, str]] = []
    levels = "[" + ", ".join(str(q) for q in QUANTILES.values()) + "]"
    quantile = "quantile_cont({c}, " + levels + ")" if exact else (
        "approx_quantile({c}, " + levels + ")")
    for s in stats:
        c = quote(s.name)
        wanted = {"count": f"count({c})",
                  "distinct": f"count(DISTINCT {c})" if exact else f"approx_count_distinct({c})"}
        if s.family in ("int", "float"):
            x = f"{c}::DOUBLE"
            wanted |= {"mean": f"avg({x})", "std": f"stddev_samp({x})", "min": f"min({c})",
                       "max": f"max({c})", "quantiles": quantile.format(c=x),
                       "skewness": f"skewness({x})", "kurtosis": f"kurtosis({x})",
                       "zeros": f"count_if({c} = 0)", "negatives": f"count_if({c} < 0)"}
        elif s.family == "datetime":
            wanted |= {"min": f"min({c})", "max": f"max({c})",
                       "quantiles": quantile.format(c=f"{c}::TIMESTAMP")}
        elif s.family == "bool":
            wanted |= {"mean": f"avg({c}::INTEGER)"}
        elif s.family == "text":
            wanted |= {"mean_length": f"avg(length({c}::VARCHAR))"}
        parts += [(s, field, sql) for field, sql in wanted.items()]
    row = table.query("SELECT " + ", ".join(sql for _, _, sql in parts)
                      + f" FROM {quote(table.name)}")[0]
    for (s, field, _), value in zip(parts, row, strict=True):
        if s.family == "datetime" and field not in ("count", "distinct"):
            value = [pd.Timestamp(v) for v in value] if isinstance(value, list) else (
                pd.Timestamp(value) if value is not None else None)
        if field == "quantiles":
            s.quantiles = dict(zip(QUANTILES, value, strict=True)) if value else {}
        elif field in ("count", "distinct", "zeros", "negatives"):
            setattr(s, field, int(value or 0))
        else:
            setattr(s, field, _finite(value) if field in _FLOATS else value)
    for s in stats:  # an approximate distinct count may exceed the count
        s.distinct = min(s.distinct, s.count)


_FLOATS = frozenset({"mean", "std", "skewness", "kurtosis", "mean_length"})


def _fill_histograms(table: QueryableTable, columns: list[ColumnStats]) -> None:
    """:data:`HISTOGRAM_BINS` equal-width bins from min to max for each number or date column:
    a bin holds the values from its lower edge up to, not including, its upper edge (integers
    and dates are cut at whole units, as the pandas profile cuts them)."""
    parts, spread = [], []
    for s in columns:
        low, high = _number(s.min), _number(s.max)
        if low is None or high is None or high <= low:
            s.histogram = [s.count]
            continue
        step = (high - low) / HISTOGRAM_BINS
        edges = [low + step * k for k in range(1, HISTOGRAM_BINS)]
        if s.family == "float":
            value, bounds = f"{quote(s.name)}::DOUBLE", edges
        else:  # whole units: a value below a truncated edge is at most that edge less 1/2
            value = (f"{quote(s.name)}::DOUBLE" if s.family == "int"
                     else f"epoch_us({quote(s.name)}::TIMESTAMP)::DOUBLE")
            bounds = [math.trunc(edge) - 0.5 for edge in edges]
        parts.append(f"histogram({value}, [{', '.join(repr(b) for b in bounds)}])")
        spread.append((s, bounds))
    if not parts:
        return
    row = table.query("SELECT " + ", ".join(parts) + f" FROM {quote(table.name)}")[0]
    for (s, bounds), counts in zip(spread, row, strict=True):
        # keyed by upper bound, the last by infinity; empty bins are left out, and of bins
        # with the same bound (whole units narrower than a bin) the first holds the values
        found = dict(counts or {})
        s.histogram = [int(found.pop(b, 0)) for b in bounds] + [int(found.pop(math.inf, 0))]


def _fill_frequent(table: QueryableTable, s: ColumnStats, top_k: int) -> None:
    """The ``top_k`` most frequent values (ties by value) and a sample of distinct values."""
    c, t = quote(s.name), quote(table.name)
    if s.count == 0:
        return
    frequent = [(pd.Timestamp(v) if s.family == "datetime" else v, int(n))
                for v, n in table.query(
                    f"SELECT {c}, count(*) AS n FROM {t} WHERE {c} IS NOT NULL GROUP BY {c} "
                    f"ORDER BY n DESC, {c} LIMIT {int(top_k)}")]
    s.frequent = frequent if frequent and frequent[0][1] > 1 else []  # no value repeats
    if s.family == "text":
        s.sample = pd.Index([v for (v,) in table.query(
            f"SELECT DISTINCT {c} FROM {t} WHERE {c} IS NOT NULL LIMIT {SAMPLE_SIZE}")])


def _duplicate_rows(table: QueryableTable) -> int:
    """Rows equal to an earlier row, counted by grouping on a 64-bit hash of the whole row
    (with 100 million rows, two different rows share a hash with odds of about 1 in 3,000).
    The hashes are grouped in as many slices as it takes for each slice's hash table to fit
    in a quarter of the memory limit: a slice is one more scan, not an out-of-memory error."""
    row = ", ".join(quote(name) for name in table.columns)
    slices = max(1, math.ceil(table.rows * _BYTES_PER_VALUE * 2
                              / (table.memory_limit_bytes / 4)))
    distinct = 0
    for part in range(slices):
        distinct += table.query(
            f"SELECT count(*) FROM (SELECT h FROM (SELECT hash({row}) AS h FROM "
            f"{quote(table.name)}) WHERE h % {slices} = {part} GROUP BY h)")[0][0]
    return table.rows - int(distinct)


def _number(value: Any) -> float | None:
    """A number or a timestamp (in microseconds, as ``epoch_us`` counts) as a float."""
    if isinstance(value, pd.Timestamp):
        return float(value.value // 1000)
    return _finite(value)


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
