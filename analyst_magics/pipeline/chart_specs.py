"""ChartSpec builders: small, already aggregated (binned, grouped, sampled) chart data.

Shared by :func:`analyst_magics.pipeline.charts.choose_chart` and by the insight finders, so a
finding's chart and a chart asked for by hand are built the same way. Records hold plain JSON
values: times as datetimes (ISO-8601 in ``to_dict()``), floats rounded to :data:`DIGITS`
significant digits.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..jsonable import to_jsonable
from ..models import ChartKind, ChartSpec

__all__ = [
    "MAX_BINS",
    "TOP_CATEGORIES",
    "bar_chart",
    "count_chart",
    "group_means",
    "heatmap_chart",
    "histogram_chart",
    "line_chart",
    "scatter_chart",
    "time_label",
    "top_groups",
]

#: Categories shown in a bar chart; the rest are pooled into one "other" bar.
TOP_CATEGORIES = 12
#: Upper bound on histogram bins, whatever NumPy's rule suggests for huge columns.
MAX_BINS = 50
#: Values NumPy's bin-count rule looks at.
BIN_RULE_VALUES = 50_000
#: Fixed seed so the same frame always gives the same sampled scatter.
SEED = 0
#: Significant digits kept in a spec's numbers: beyond what a chart can show.
DIGITS = 6


def time_label(times: pd.Series) -> str:
    """An axis label for a time column, naming its time zone (times are drawn as wall time)."""
    tz = getattr(times.dtype, "tz", None)
    return f"{times.name} ({tz} time)" if tz is not None else str(times.name)


def top_groups(keys: pd.Series, top_n: int) -> tuple[np.ndarray, list[str]]:
    """Each row's group among the ``top_n`` most frequent values, the rest pooled.

    Returns one code per row (``-1`` for missing keys) and the group labels; when values are
    pooled the last label is ``"other (k values)"``.
    """
    codes, uniques = pd.factorize(keys, sort=False)
    present = codes >= 0
    counts = np.bincount(codes[present], minlength=len(uniques))
    top = np.argsort(-counts, kind="stable")[:top_n]
    group_of = np.full(len(uniques) + 1, -1, dtype=np.int64)  # the last slot: code -1 (missing)
    group_of[:-1] = len(top)
    group_of[top] = np.arange(len(top))
    labels = [str(uniques[i]) for i in top]
    if len(set(labels)) < len(labels):  # e.g. 1 and "1" in one object column
        labels = [f"{label} ({type(uniques[i]).__name__})"
                  for label, i in zip(labels, top, strict=True)]
    if len(uniques) > len(top):
        labels.append(f"other ({len(uniques) - len(top):,} values)")
    return group_of[codes], labels


def group_means(keys: pd.Series, values: pd.Series, top_n: int) -> pd.Series:
    """Mean of ``values`` per group of :func:`top_groups`, highest first, the pooled group last."""
    group, labels = top_groups(keys, top_n)
    numbers = values.to_numpy(dtype=float, na_value=np.nan)
    valid = (group >= 0) & ~np.isnan(numbers)
    sums = np.bincount(group[valid], weights=numbers[valid], minlength=len(labels))
    counts = np.bincount(group[valid], minlength=len(labels))
    with np.errstate(invalid="ignore", divide="ignore"):
        means = pd.Series(sums / counts, index=labels)[counts > 0]
    pooled = means.index.isin(labels[top_n:])
    return pd.concat([means[~pooled].sort_values(ascending=False), means[pooled]])


def _spec(kind: ChartKind, frame: pd.DataFrame, *, relative: bool = False,
          **fields: Any) -> ChartSpec | None:
    """The spec of ``frame``'s records; ``relative`` rounds each number to its own significant
    digits (a log scale), not to those of the column's largest value."""
    if frame.empty:
        return None
    columns = {str(c): _plain(frame[c].to_numpy(), relative) for c in frame.columns}
    # Records of an aggregated spec: a few thousand at most, whatever the frame's size.
    rows = zip(*(values.tolist() for values in columns.values()), strict=True)
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    return ChartSpec(kind=kind, data=to_jsonable(records), **fields)


def _plain(values: np.ndarray, relative: bool = False) -> np.ndarray:
    """Values whose ``tolist()`` is JSON-ready: times as datetimes, floats rounded."""
    if values.dtype.kind == "M":  # nanosecond times would become integers
        return values.astype("datetime64[us]")
    if values.dtype.kind != "f":
        return values
    if relative:
        with np.errstate(divide="ignore", invalid="ignore"):
            exponent = np.floor(np.log10(np.abs(values)))
        scale = 10.0 ** (DIGITS - 1 - np.where(np.isfinite(exponent), exponent, 0))
        return np.round(values * scale) / scale
    largest = np.nanmax(np.abs(values), initial=0.0)
    if not np.isfinite(largest) or largest == 0:
        return values
    # Rounded to DIGITS significant digits of the column's largest value: smaller JSON.
    return np.round(values, DIGITS - 1 - int(np.floor(np.log10(largest))))


def line_chart(frame: pd.DataFrame, *, x: str, y: str, title: str, color: str | None = None,
               x_label: str | None = None, y_label: str | None = None,
               note: str | None = None) -> ChartSpec | None:
    """A line through already aggregated points (one line per ``color`` value)."""
    keys = [k for k in (x, y, color) if k is not None]
    return _spec(ChartKind.LINE, frame[keys], title=title, x=x, y=y, color=color,
                 x_label=x_label or x, y_label=y_label or y, note=note)


def bar_chart(values: pd.Series, *, x: str, y: str, title: str, x_label: str | None = None,
              y_label: str | None = None, note: str | None = None) -> ChartSpec | None:
    """One bar per index label of ``values`` (already aggregated, a few dozen at most)."""
    frame = pd.DataFrame({x: [str(label) for label in values.index],
                          y: values.to_numpy(dtype=float)})
    return _spec(ChartKind.BAR, frame, title=title, x=x, y=y, x_label=x_label or x,
                 y_label=y_label or y, note=note)


def count_chart(keys: pd.Series, *, column: str, title: str | None = None) -> ChartSpec | None:
    """Rows per value of a categorical column: the most frequent values, the rest pooled."""
    group, labels = top_groups(keys, TOP_CATEGORIES)
    counts = np.bincount(group[group >= 0], minlength=len(labels))
    return bar_chart(pd.Series(counts, index=labels), x=column, y="rows",
                     title=title or f"Rows by {column}", y_label="rows")


def histogram_chart(values: pd.Series | np.ndarray, *, column: str, title: str | None = None,
                    log: bool = False) -> ChartSpec | None:
    """Counts per bin of a numeric column, binned with NumPy (the spec holds bins, not values).

    With ``log``, a column of values from zero up is binned on a log scale (of ``x``, or of
    ``1 + x`` when it holds zeros), which is how a right-skewed column shows its shape.
    """
    numbers = np.asarray(values, dtype=float)
    numbers = numbers[np.isfinite(numbers)]
    if numbers.size == 0:
        return None
    scale = "linear"
    if log and numbers.min() >= 0 and numbers.max() > 0:
        scale = "log" if numbers.min() > 0 else "log1p"
    shift = 1.0 if scale == "log1p" else 0.0
    binned = np.log10(numbers + shift) if scale != "linear" else numbers
    # NumPy's bin rule on an evenly strided subsample (its quantiles are the costly part), then
    # equal-width bins over the full range, counted on every value.
    step = max(1, binned.size // BIN_RULE_VALUES)
    bins = min(MAX_BINS, len(np.histogram_bin_edges(binned[::step], bins="auto")) - 1)
    counts, edges = np.histogram(binned, bins=max(1, bins))
    if scale != "linear":
        edges = 10 ** edges - shift
    frame = pd.DataFrame({"bin_start": edges[:-1], "bin_end": edges[1:], "count": counts})
    return _spec(ChartKind.HISTOGRAM, frame, title=title or f"Distribution of {column}",
                 x="bin_start", y="count", x_label=column, y_label="rows", x_scale=scale,
                 relative=scale != "linear")


def scatter_chart(frame: pd.DataFrame, x: str, y: str, *, title: str | None = None,
                  max_points: int = 2000) -> ChartSpec | None:
    """Pairs of two numeric columns, sampled to ``max_points`` with a fixed seed.

    The sample always holds the most extreme points of each axis (a few far points can carry a
    correlation, and a chart without them would contradict the statistic it illustrates).
    """
    pairs = pd.DataFrame({x: frame[x].to_numpy(dtype=float, na_value=np.nan),
                          y: frame[y].to_numpy(dtype=float, na_value=np.nan)})
    pairs = pairs[np.isfinite(pairs).all(axis=1)]
    note = None
    if len(pairs) > max_points:
        note = f"sampled {max_points:,} of {len(pairs):,} points, the most extreme included"
        far = max_points // 20
        extreme = pd.Index(np.unique(np.concatenate([
            pairs[c].nlargest(far).index.to_numpy() for c in (x, y)] + [
            pairs[c].nsmallest(far).index.to_numpy() for c in (x, y)])))
        rest = pairs.drop(extreme).sample(n=max_points - len(extreme), random_state=SEED)
        pairs = pd.concat([pairs.loc[extreme], rest]).sort_index()
    return _spec(ChartKind.SCATTER, pairs, title=title or f"{y} against {x}", x=x, y=y,
                 x_label=x, y_label=y, note=note)


def heatmap_chart(matrix: pd.DataFrame, *, x: str, y: str, value: str, title: str,
                  note: str | None = None) -> ChartSpec | None:
    """One cell per (row, column) of a small matrix, e.g. correlations or a crosstab."""
    cells = matrix.rename_axis(index=y, columns=x).stack().rename(value).reset_index()
    cells[[x, y]] = cells[[x, y]].astype(str)
    return _spec(ChartKind.HEATMAP, cells, title=title, x=x, y=y, color=value, x_label=x,
                 y_label=y, note=note)
