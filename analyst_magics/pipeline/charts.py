"""Charts as data: pick the chart the columns call for, and turn a :class:`ChartSpec` into Plotly.

A spec holds only small, already aggregated data (bins, group means, period means, a sample of
points), so it serialises to a few kilobytes of strict JSON whatever the size of the frame.
Chart choice follows the data: time → line, category × number → bar, two numbers → scatter,
one number → histogram, two categories → heatmap of counts. Plotly is imported only when a
figure is built (:func:`to_figure`), so finding insights never loads it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import AnalystError, ColumnNotFoundError
from ..jsonable import to_jsonable
from ..models import ChartKind, ChartSpec
from .periods import aggregate, bucket_codes, choose_period, wall_time

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = [
    "bar_chart",
    "choose_chart",
    "count_chart",
    "heatmap_chart",
    "histogram_chart",
    "line_chart",
    "scatter_chart",
    "to_figure",
    "group_means",
    "time_label",
    "top_groups",
]

#: Categories shown in a bar chart; the rest are pooled into one "other" bar.
TOP_CATEGORIES = 12
#: Categories drawn as separate lines or heatmap rows.
TOP_SERIES = 6
#: Upper bound on histogram bins, whatever NumPy's rule suggests for huge columns.
MAX_BINS = 50
#: Values NumPy's bin-count rule looks at.
BIN_RULE_VALUES = 50_000
#: Fixed seed so the same frame always gives the same sampled scatter.
SEED = 0
#: Significant digits kept in a spec's numbers: beyond what a chart can show.
DIGITS = 6
#: Record keys of pre-computed box plots (one record per box).
BOX_KEYS = ("q1", "median", "q3", "lowerfence", "upperfence")

TIME, CATEGORY, NUMBER = "time", "category", "number"


# --------------------------------------------------------------------------- choosing


def choose_chart(df: pd.DataFrame, x: str | None, y: str | None = None, *,
                 title: str | None = None, max_points: int = 2000) -> ChartSpec | None:
    """The chart that suits one or two columns, with its data aggregated or sampled.

    Parameters
    ----------
    df : DataFrame
        The data; never modified.
    x, y : str, optional
        Column names. With one column: histogram (number), bar of counts (category) or line of
        rows per period (time). With two: line of period means (time × number), bar of group
        means (category × number), scatter (number × number), heatmap of counts (category ×
        category), lines of counts per category (time × category).
    title : str, optional
        Chart title; one is written from the column names otherwise.
    max_points : int
        Most points in a scatter; larger data is sampled with a fixed seed and the note says so.

    Returns
    -------
    ChartSpec or None
        ``None`` when there is nothing to draw (no column named, no non-missing values, or a
        column type no chart shows, such as durations).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"region": ["n", "s", "n"], "revenue": [1.0, 2.0, 3.0]})
    >>> choose_chart(frame, "region", "revenue").kind.value
    'bar'
    """
    if not isinstance(df, pd.DataFrame):
        raise AnalystError(f"choose_chart() takes a pandas DataFrame, got {type(df).__name__}.")
    if max_points < 2:
        raise AnalystError(f"max_points must be at least 2, got {max_points}.")
    names = list(dict.fromkeys(name for name in (x, y) if name is not None))
    if not names:
        return None
    columns = {name: _column(df, name) for name in names}
    roles = {name: _role(series) for name, series in columns.items()}
    if None in roles.values():
        return None
    ordered = sorted(names, key=lambda n: (TIME, CATEGORY, NUMBER).index(roles[n]))
    builder = _BUILDERS.get(tuple(roles[n] for n in ordered))
    frame = pd.DataFrame({n: columns[n] for n in ordered}).dropna(how="all")
    if builder is None or frame.empty:
        return None
    return builder(frame, *ordered, title=title, max_points=max_points)


def _column(df: pd.DataFrame, name: str) -> pd.Series:
    labels = [str(label) for label in df.columns]
    if labels.count(name) == 1:
        return df.iloc[:, labels.index(name)]
    if labels.count(name) > 1:
        raise AnalystError(f"Column name {name!r} appears {labels.count(name)} times; give each "
                           "column a unique name before charting it.")
    close = difflib.get_close_matches(name, labels, n=3)
    hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
    shown = ", ".join(labels[:20]) + (", …" if len(labels) > 20 else "")
    raise ColumnNotFoundError(f"Column {name!r} not found.{hint} Columns: {shown}")


def _role(series: pd.Series) -> str | None:
    dtype = series.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return TIME
    if pd.api.types.is_bool_dtype(dtype):
        return CATEGORY
    if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
        return NUMBER
    if pd.api.types.is_timedelta64_dtype(dtype) or pd.api.types.is_complex_dtype(dtype):
        return None
    return CATEGORY


def _time_counts(frame: pd.DataFrame, time: str, *, title: str | None,
                 max_points: int) -> ChartSpec | None:
    times = wall_time(frame[time]).to_frame()
    period = choose_period(times[time])
    if period is None:
        return None
    _, counts = aggregate(times, time, [], period)
    return line_chart(counts.rename("rows").rename_axis(time).reset_index(), x=time, y="rows",
                      title=title or f"Rows per {period.noun}", x_label=time_label(frame[time]),
                      y_label=f"rows per {period.noun}")


def _time_means(frame: pd.DataFrame, time: str, value: str, *, title: str | None,
                max_points: int) -> ChartSpec | None:
    data = frame.assign(**{time: wall_time(frame[time])})
    period = choose_period(data[time])
    if period is None:
        return None
    means, _ = aggregate(data, time, [value], period)
    return line_chart(means.dropna().rename_axis(time).reset_index(), x=time, y=value,
                      title=title or f"{value} over time ({period.adjective} average)",
                      x_label=time_label(frame[time]), y_label=f"average {value}",
                      note=f"{period.adjective} averages")


def _time_by_category(frame: pd.DataFrame, time: str, category: str, *, title: str | None,
                      max_points: int) -> ChartSpec | None:
    times = wall_time(frame[time])
    period = choose_period(times)
    if period is None:
        return None
    buckets, starts = bucket_codes(times, period)
    group, labels = top_groups(frame[category], TOP_SERIES)
    both = (buckets >= 0) & (group >= 0)
    cells = np.bincount(buckets[both] * len(labels) + group[both],
                        minlength=len(starts) * len(labels))
    counts = pd.DataFrame({time: np.repeat(starts, len(labels)),
                           category: np.tile(labels, len(starts)), "rows": cells})
    return line_chart(counts, x=time, y="rows", color=category,
                      title=title or f"Rows per {period.noun} by {category}",
                      x_label=time_label(frame[time]), y_label=f"rows per {period.noun}")


def _category_counts(frame: pd.DataFrame, category: str, *, title: str | None,
                     max_points: int) -> ChartSpec | None:
    return count_chart(frame[category], column=category, title=title)


def _category_means(frame: pd.DataFrame, category: str, value: str, *, title: str | None,
                    max_points: int) -> ChartSpec | None:
    means = group_means(frame[category], frame[value], TOP_CATEGORIES)
    return bar_chart(means, x=category, y=value,
                     title=title or f"Average {value} by {category}",
                     y_label=f"average {value}")


def _category_crosstab(frame: pd.DataFrame, first: str, second: str, *, title: str | None,
                       max_points: int) -> ChartSpec | None:
    rows, row_labels = top_groups(frame[second], TOP_SERIES)
    cols, col_labels = top_groups(frame[first], TOP_CATEGORIES)
    both = (rows >= 0) & (cols >= 0)
    cells = np.bincount(rows[both] * len(col_labels) + cols[both],
                        minlength=len(row_labels) * len(col_labels))
    matrix = pd.DataFrame(cells.reshape(len(row_labels), len(col_labels)),
                          index=row_labels, columns=col_labels)
    return heatmap_chart(matrix, x=first, y=second, value="rows",
                         title=title or f"Rows by {first} and {second}")


def _numbers(frame: pd.DataFrame, x: str, y: str, *, title: str | None,
             max_points: int) -> ChartSpec | None:
    return scatter_chart(frame, x, y, title=title, max_points=max_points)


def _one_number(frame: pd.DataFrame, x: str, *, title: str | None,
                max_points: int) -> ChartSpec | None:
    return histogram_chart(frame[x], column=x, title=title)


_BUILDERS: dict[tuple[str, ...], Callable[..., ChartSpec | None]] = {
    (TIME,): _time_counts,
    (TIME, NUMBER): _time_means,
    (TIME, CATEGORY): _time_by_category,
    (CATEGORY,): _category_counts,
    (CATEGORY, NUMBER): _category_means,
    (CATEGORY, CATEGORY): _category_crosstab,
    (NUMBER, NUMBER): _numbers,
    (NUMBER,): _one_number,
}


def time_label(times: pd.Series) -> str:
    """An axis label for a time column, naming its time zone (times are drawn as wall time)."""
    tz = getattr(times.dtype, "tz", None)
    return f"{times.name} ({tz} time)" if tz is not None else str(times.name)


# --------------------------------------------------------------------------- grouping


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
        labels = [f"{label} ({type(uniques[i]).__name__})" for label, i in zip(labels, top)]
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


# --------------------------------------------------------------------------- builders


def _spec(kind: ChartKind, frame: pd.DataFrame, **fields: Any) -> ChartSpec | None:
    if frame.empty:
        return None
    columns = {str(c): _plain(frame[c].to_numpy()) for c in frame.columns}
    # Records of an aggregated spec: a few thousand at most, whatever the frame's size.
    records = [dict(zip(columns, row)) for row in zip(*(v.tolist() for v in columns.values()))]
    return ChartSpec(kind=kind, data=to_jsonable(records), **fields)


def _plain(values: np.ndarray) -> np.ndarray:
    """Values whose ``tolist()`` is JSON-ready: times as datetimes, floats rounded."""
    if values.dtype.kind == "M":  # nanosecond times would become integers
        return values.astype("datetime64[us]")
    if values.dtype.kind != "f":
        return values
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


def histogram_chart(values: pd.Series | np.ndarray, *, column: str,
                    title: str | None = None) -> ChartSpec | None:
    """Counts per bin of a numeric column, binned with NumPy (the spec holds bins, not values)."""
    numbers = np.asarray(values, dtype=float)
    numbers = numbers[np.isfinite(numbers)]
    if numbers.size == 0:
        return None
    # NumPy's bin rule on an evenly strided subsample (its quantiles are the costly part), then
    # equal-width bins over the full range, counted on every value.
    step = max(1, numbers.size // BIN_RULE_VALUES)
    bins = min(MAX_BINS, len(np.histogram_bin_edges(numbers[::step], bins="auto")) - 1)
    counts, edges = np.histogram(numbers, bins=max(1, bins))
    frame = pd.DataFrame({"bin_start": edges[:-1], "bin_end": edges[1:], "count": counts})
    return _spec(ChartKind.HISTOGRAM, frame, title=title or f"Distribution of {column}",
                 x="bin_start", y="count", x_label=column, y_label="rows")


def scatter_chart(frame: pd.DataFrame, x: str, y: str, *, title: str | None = None,
                  max_points: int = 2000) -> ChartSpec | None:
    """Pairs of two numeric columns, sampled to ``max_points`` with a fixed seed."""
    pairs = pd.DataFrame({x: frame[x].to_numpy(dtype=float, na_value=np.nan),
                          y: frame[y].to_numpy(dtype=float, na_value=np.nan)})
    pairs = pairs[np.isfinite(pairs).all(axis=1)]
    note = None
    if len(pairs) > max_points:
        note = f"sampled {max_points:,} of {len(pairs):,} points"
        pairs = pairs.sample(n=max_points, random_state=SEED).sort_index()
    return _spec(ChartKind.SCATTER, pairs, title=title or f"{y} against {x}", x=x, y=y,
                 x_label=x, y_label=y, note=note)


def heatmap_chart(matrix: pd.DataFrame, *, x: str, y: str, value: str, title: str,
                  note: str | None = None) -> ChartSpec | None:
    """One cell per (row, column) of a small matrix, e.g. correlations or a crosstab."""
    cells = matrix.rename_axis(index=y, columns=x).stack().rename(value).reset_index()
    cells[[x, y]] = cells[[x, y]].astype(str)
    return _spec(ChartKind.HEATMAP, cells, title=title, x=x, y=y, color=value, x_label=x,
                 y_label=y, note=note)


# --------------------------------------------------------------------------- Plotly


def to_figure(spec: ChartSpec) -> go.Figure:
    """A Plotly figure drawing ``spec``, with its title, axis labels and note.

    Examples
    --------
    >>> from analyst_magics.models import ChartKind, ChartSpec
    >>> spec = ChartSpec(kind=ChartKind.BAR, title="t", x="k", y="v", data=[{"k": "a", "v": 1}])
    >>> len(to_figure(spec).data)
    1
    """
    import plotly.graph_objects as go

    figure = go.Figure(_TRACES[ChartKind(spec.kind)](go, spec))
    figure.update_layout(
        title={"text": spec.title}, template="plotly_white",
        xaxis_title=spec.x_label or spec.x, yaxis_title=spec.y_label or spec.y,
        legend_title_text=spec.color, margin={"b": 90 if spec.note else 60},
    )
    if spec.note:
        figure.add_annotation(text=spec.note, xref="paper", yref="paper", x=0, y=-0.22,
                              showarrow=False, font={"size": 11, "color": "#57606a"})
    return figure


def _column_of(spec: ChartSpec, key: str | None, records: list[dict[str, Any]]) -> list[Any]:
    return [record.get(key) for record in records] if key else []


def _by_color(spec: ChartSpec) -> list[tuple[str | None, list[dict[str, Any]]]]:
    if not spec.color:
        return [(None, spec.data)]
    groups: dict[str, list[dict[str, Any]]] = {}
    for record in spec.data:  # records of a spec: already aggregated, a few hundred at most
        groups.setdefault(str(record.get(spec.color)), []).append(record)
    return list(groups.items())


def _xy_traces(trace: str, **style: Any) -> Callable[[Any, ChartSpec], list]:
    def build(go: Any, spec: ChartSpec) -> list:
        return [getattr(go, trace)(x=_column_of(spec, spec.x, rows), y=_column_of(spec, spec.y, rows),
                                   name=name or spec.y, showlegend=name is not None, **style)
                for name, rows in _by_color(spec)]
    return build


def _histogram_traces(go: Any, spec: ChartSpec) -> list:
    starts = np.array([r["bin_start"] for r in spec.data], dtype=float)
    ends = np.array([r["bin_end"] for r in spec.data], dtype=float)
    return [go.Bar(x=(starts + ends) / 2, y=[r["count"] for r in spec.data], width=ends - starts,
                   customdata=np.column_stack([starts, ends]), name=spec.x_label or "count",
                   hovertemplate="%{customdata[0]:.4g} – %{customdata[1]:.4g}: %{y}"
                                 "<extra></extra>")]


def _box_traces(go: Any, spec: ChartSpec) -> list:
    stats = {key: [r.get(key) for r in spec.data] for key in BOX_KEYS}
    return [go.Box(x=_column_of(spec, spec.x, spec.data), name=spec.y_label or spec.y, **stats)]


def _heatmap_traces(go: Any, spec: ChartSpec) -> list:
    xs = list(dict.fromkeys(r[spec.x] for r in spec.data))
    ys = list(dict.fromkeys(r[spec.y] for r in spec.data))
    z = np.full((len(ys), len(xs)), np.nan)
    for record in spec.data:  # one record per cell of a small matrix
        z[ys.index(record[spec.y]), xs.index(record[spec.x])] = record.get(spec.color, np.nan)
    diverging = np.nanmin(z, initial=0.0) < 0 <= np.nanmax(z, initial=0.0)
    return [go.Heatmap(z=z, x=xs, y=ys, colorscale="RdBu" if diverging else "Blues",
                       zmid=0 if diverging else None, colorbar={"title": {"text": spec.color}})]


_TRACES: dict[ChartKind, Callable[[Any, ChartSpec], list]] = {
    ChartKind.LINE: _xy_traces("Scatter", mode="lines+markers"),
    ChartKind.SCATTER: _xy_traces("Scatter", mode="markers", marker={"size": 5, "opacity": 0.6}),
    ChartKind.BAR: _xy_traces("Bar"),
    ChartKind.HISTOGRAM: _histogram_traces,
    ChartKind.BOX: _box_traces,
    ChartKind.HEATMAP: _heatmap_traces,
}
