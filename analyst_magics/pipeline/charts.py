"""Charts as data: pick the chart the columns call for, and turn a :class:`ChartSpec` into Plotly.

A spec holds only small, already aggregated data (bins, group means, period means, a sample of
points), so it serialises to a few kilobytes of strict JSON whatever the size of the frame.
Chart choice follows the data: time → line, category × number → bar, two numbers → scatter,
one number → histogram, two categories → heatmap of counts. Plotly is imported only when a
figure is built (:func:`to_figure`), so finding insights never loads it.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import AnalystError, ColumnNotFoundError
from ..formatting import number as format_number
from ..models import PLOTLY_MIME, ChartKind, ChartSpec
from ..validation import require_frame
from .chart_specs import (
    MAX_BINS,
    TOP_CATEGORIES,
    bar_chart,
    count_chart,
    group_means,
    heatmap_chart,
    histogram_chart,
    line_chart,
    scatter_chart,
    time_label,
    top_groups,
)
from .periods import Period, aggregate, bucket_codes, choose_period, wall_time

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

# The spec builders are re-exported: charts is the module people look for them in.
__all__ = [
    "MAX_BINS",
    "TOP_CATEGORIES",
    "bar_chart",
    "chart_bundle",
    "choose_chart",
    "count_chart",
    "group_means",
    "heatmap_chart",
    "histogram_chart",
    "line_chart",
    "scatter_chart",
    "time_label",
    "to_figure",
    "top_groups",
]

#: Categories drawn as separate lines or heatmap rows.
TOP_SERIES = 6
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
    require_frame(df, "choose_chart")
    if max_points < 2:
        raise AnalystError(f"max_points must be at least 2, got {max_points}.")
    names = list(dict.fromkeys(name for name in (x, y) if name is not None))
    if not names:
        return None
    columns = {name: _column(df, name) for name in names}
    roles = {name: _role(series) for name, series in columns.items()}
    if None in roles.values():
        return None
    ordered = sorted(names, key=lambda n: (TIME, CATEGORY, NUMBER).index(str(roles[n])))
    builder = _BUILDERS.get(tuple(str(roles[n]) for n in ordered))
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


def _periods(times: pd.Series) -> tuple[pd.Series, Period | None]:
    """Times as wall-clock times, and the period they are best bucketed by."""
    local = wall_time(times)
    return local, choose_period(local)


def _time_counts(frame: pd.DataFrame, time: str, *, title: str | None,
                 max_points: int) -> ChartSpec | None:
    times, period = _periods(frame[time])
    if period is None:
        return None
    _, counts = aggregate(times, np.empty((len(times), 0)), period)
    return line_chart(counts.rename("rows").rename_axis(time).reset_index(), x=time, y="rows",
                      title=title or f"Rows per {period.noun}", x_label=time_label(frame[time]),
                      y_label=f"rows per {period.noun}")


def _time_means(frame: pd.DataFrame, time: str, value: str, *, title: str | None,
                max_points: int) -> ChartSpec | None:
    times, period = _periods(frame[time])
    if period is None:
        return None
    numbers = frame[[value]].to_numpy(dtype=float, na_value=np.nan)
    means, counts = aggregate(times, numbers, period)
    line = pd.DataFrame({time: counts.index, value: means[:, 0]}).dropna()
    return line_chart(line, x=time, y=value,
                      title=title or f"{value} over time ({period.adjective} average)",
                      x_label=time_label(frame[time]), y_label=f"average {value}",
                      note=f"{period.adjective} averages")


def _time_by_category(frame: pd.DataFrame, time: str, category: str, *, title: str | None,
                      max_points: int) -> ChartSpec | None:
    times, period = _periods(frame[time])
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
        title={"text": spec.title}, template=_template(),
        xaxis_title=spec.x_label or spec.x, yaxis_title=spec.y_label or spec.y,
        legend_title_text=spec.color,
        # Plotly's default margins (80 px around, 100 above) leave a short chart a thin strip;
        # automargin still grows them to fit long tick labels.
        margin={"t": 50, "l": 60, "r": 20, "b": 100 if spec.note else 60},
    )
    if spec.kind == ChartKind.HISTOGRAM and spec.x_scale != "linear" and spec.data:
        figure.update_xaxes(**_log_ticks(spec))
    if spec.note:  # below the axis title at a fixed distance, whatever the chart's height
        figure.add_annotation(text=spec.note, xref="paper", yref="paper", x=0, y=0,
                              yanchor="top", yshift=-78, showarrow=False,
                              font={"size": 11, "color": "#57606a"})
    return figure


def chart_bundle(spec: ChartSpec) -> dict[str, Any]:
    """``spec`` as a display bundle: the Plotly figure as JSON under Plotly's mime type, and its
    title as text. Notebooks and reports show this without embedding plotly.js per chart."""
    return {PLOTLY_MIME: json.loads(to_figure(spec).to_json()), "text/plain": spec.title}


@lru_cache(maxsize=1)
def _template() -> Any:
    """A small white theme. Plotly's "plotly_white" would be deep-copied into every figure
    (most of the time of building one) and serialised with each chart of a report."""
    import plotly.graph_objects as go

    grid = {"gridcolor": "#EBF0F8", "linecolor": "#EBF0F8", "zerolinecolor": "#EBF0F8",
            "automargin": True}
    return go.layout.Template(layout={
        "plot_bgcolor": "white", "paper_bgcolor": "white", "xaxis": grid, "yaxis": grid,
        "colorway": ["#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A", "#19d3f3",
                     "#FF6692", "#B6E880", "#FF97FF", "#FECB52"],
        "font": {"color": "#2a3f5f"}, "hovermode": "closest"})


def _column_of(key: str | None, records: list[dict[str, Any]]) -> list[Any]:
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
        return [getattr(go, trace)(x=_column_of(spec.x, rows), y=_column_of(spec.y, rows),
                                   name=name or spec.y, showlegend=name is not None, **style)
                for name, rows in _by_color(spec)]
    return build


def _histogram_traces(go: Any, spec: ChartSpec) -> list:
    starts = np.array([r["bin_start"] for r in spec.data], dtype=float)
    ends = np.array([r["bin_end"] for r in spec.data], dtype=float)
    # On a log scale the bars stand on log positions of a linear axis, labelled with values.
    left, right = _scaled(starts, spec.x_scale), _scaled(ends, spec.x_scale)
    return [go.Bar(x=(left + right) / 2, y=[r["count"] for r in spec.data], width=right - left,
                   customdata=np.column_stack([starts, ends]), name=spec.x_label or "count",
                   hovertemplate="%{customdata[0]:.4g} – %{customdata[1]:.4g}: %{y}"
                                 "<extra></extra>")]


def _scaled(values: np.ndarray, scale: str) -> np.ndarray:
    if scale == "linear":
        return values
    return np.log10(values + (1.0 if scale == "log1p" else 0.0))


def _log_ticks(spec: ChartSpec) -> dict[str, Any]:
    """Tick positions and labels of a log-scaled histogram axis: 1, 2, 5, 10, 20, 50, …"""
    low = min(r["bin_start"] for r in spec.data)
    high = max(r["bin_end"] for r in spec.data)
    decades = range(int(np.floor(np.log10(max(low, 1e-12)))), int(np.ceil(np.log10(high))) + 1)
    many = len(decades) > 4
    ticks = [m * 10.0 ** d for d in decades for m in ((1,) if many else (1, 2, 5))]
    ticks = sorted([t for t in ticks if low <= t <= high]
                   + ([0.0] if spec.x_scale == "log1p" else []))
    positions = _scaled(np.array(ticks), spec.x_scale)
    # At most about seven labels, evenly apart: crowded labels overlap on a small chart.
    span_low, span_high = _scaled(np.array([low, high]), spec.x_scale)
    gap = (span_high - span_low) / 7
    kept: list[int] = []
    for k, position in enumerate(positions):
        if not kept or position - positions[kept[-1]] >= gap:
            kept.append(k)
    scale = "log scale" if spec.x_scale == "log" else "log scale of 1 + x"
    return {"tickvals": [float(positions[k]) for k in kept],
            "ticktext": [format_number(ticks[k]) for k in kept],
            "title": {"text": f"{spec.x_label or spec.x} ({scale})"}}


def _box_traces(go: Any, spec: ChartSpec) -> list:
    stats = {key: [r.get(key) for r in spec.data] for key in BOX_KEYS}
    return [go.Box(x=_column_of(spec.x, spec.data), name=spec.y_label or spec.y, **stats)]


def _heatmap_traces(go: Any, spec: ChartSpec) -> list:
    xs, ys = _column_of(spec.x, spec.data), _column_of(spec.y, spec.data)
    values = _column_of(spec.color, spec.data) if spec.color else [None] * len(xs)
    columns, rows = list(dict.fromkeys(xs)), list(dict.fromkeys(ys))
    z = np.full((len(rows), len(columns)), np.nan)
    for x, y, value in zip(xs, ys, values, strict=True):  # one record per cell
        z[rows.index(y), columns.index(x)] = np.nan if value is None else value
    diverging = np.nanmin(z, initial=0.0) < 0 <= np.nanmax(z, initial=0.0)
    return [go.Heatmap(z=z, x=columns, y=rows, colorscale="RdBu" if diverging else "Blues",
                       zmid=0 if diverging else None, colorbar={"title": {"text": spec.color}})]


_TRACES: dict[ChartKind, Callable[[Any, ChartSpec], list]] = {
    ChartKind.LINE: _xy_traces("Scatter", mode="lines+markers"),
    ChartKind.SCATTER: _xy_traces("Scatter", mode="markers", marker={"size": 5, "opacity": 0.6}),
    ChartKind.BAR: _xy_traces("Bar"),
    ChartKind.HISTOGRAM: _histogram_traces,
    ChartKind.BOX: _box_traces,
    ChartKind.HEATMAP: _heatmap_traces,
}
