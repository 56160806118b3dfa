"""Running a reading's code in the sandbox, and the value it produced as an
:class:`~analyst_magics.models.Answer`.

The sandbox returns plain values, lists, Series or DataFrames. Here they get their kind
(number, text, boolean, list, table), NumPy scalars become Python ones, and tables that can be
drawn get a :class:`~analyst_magics.models.ChartSpec` (time → line, labels → bar, a correlation
matrix → heatmap).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import SandboxError
from ..models import Answer, AnswerKind, ChartSpec
from .rules import unmatched_hint
from .rules.expectation import Expected, mismatch, not_an_option, options

__all__ = ["chart_for", "duration_text", "error_answer", "kind_of", "plain_value", "run_plan"]

MAX_BARS = 60  # tables with more rows are not drawn as bars
MAX_LINE_POINTS = 2000



if TYPE_CHECKING:  # pragma: no cover
    from .rules import Plan


def plain_value(value: Any) -> Any:
    """``value`` with NumPy/pandas scalars as Python ones; tables are kept as they are."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value
    if isinstance(value, (pd.Index, np.ndarray, list, tuple, set)):
        return [plain_value(v) for v in (sorted(value, key=str) if isinstance(value, set)
                                         else list(value))]
    if isinstance(value, dict):
        return pd.Series(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, pd.Timedelta):
        return duration_text(value)
    if isinstance(value, (dt.date, pd.Period, pd.Interval)):
        return str(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT or value is pd.NA:
        return None
    return value


def duration_text(value: pd.Timedelta) -> str:
    """A duration as people write it: "0:25:12", "3:04.39", "2 days 04:00:00"."""
    seconds = value.total_seconds()
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    whole = round(secs, 2)
    shown = f"{int(hours)}:{int(minutes):02d}:{int(whole):02d}"
    if whole != int(whole):
        shown += f"{whole - int(whole):.2f}"[1:]
    return f"{sign}{int(days)} days {shown}" if days else f"{sign}{shown}"


def kind_of(value: Any) -> AnswerKind:
    """The kind of a :func:`plain_value`."""
    if isinstance(value, bool):
        return AnswerKind.BOOLEAN
    if isinstance(value, (int, float)):
        return AnswerKind.NUMBER
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return AnswerKind.TABLE
    if isinstance(value, list):
        return AnswerKind.LIST
    return AnswerKind.TEXT


def chart_for(value: Any, title: str) -> ChartSpec | None:
    """A chart of a table answer, when one helps: a bar, a line or a heatmap."""
    from ..pipeline.charts import bar_chart, heatmap_chart, line_chart

    if isinstance(value, pd.DataFrame):
        numeric = value.select_dtypes("number")
        square = value.shape[0] == value.shape[1] and list(value.index) == list(value.columns)
        if square and numeric.shape == value.shape and 1 < len(value) <= MAX_BARS:
            return heatmap_chart(value, x="column", y="row", value="value", title=title)
        if value.shape[1] == 2 and numeric.shape[1] >= 1 and len(value) <= MAX_BARS:
            label, number = value.columns[0], numeric.columns[-1]
            series = pd.Series(value[number].to_numpy(), index=value[label].astype(str))
            return bar_chart(series, x=str(label), y=str(number), title=title)
        return None
    if not isinstance(value, pd.Series) or value.empty:
        return None
    if not pd.api.types.is_numeric_dtype(value.dtype) or pd.api.types.is_bool_dtype(value.dtype):
        return None
    x, y = str(value.index.name or "label"), str(value.name or "value")
    if x == y:
        y = "value"
    if _is_time(value.index) and len(value) <= MAX_LINE_POINTS:
        frame = pd.DataFrame({x: [str(v) for v in value.index], y: value.to_numpy(dtype=float)})
        return line_chart(frame, x=x, y=y, title=title)
    if len(value) <= MAX_BARS:
        return bar_chart(value, x=x, y=y, title=title)
    return None


def _is_time(index: pd.Index) -> bool:
    named = str(index.name or "").lower()
    return isinstance(index, (pd.PeriodIndex, pd.DatetimeIndex)) or (
        pd.api.types.is_integer_dtype(index.dtype) and any(w in named for w in _TIME_NAMES))


_TIME_NAMES = ("year", "date", "season", "month", "time")


def run_plan(df: pd.DataFrame, reading: Plan, *, timeout: float | None = None) -> Answer:
    """Run the rules' code for ``reading`` in the sandbox and wrap the value in an Answer."""
    from .sandbox import run  # the sandbox starts its workers on first use

    warnings = list(reading.warnings)
    if not reading.confident:
        warnings.append(f"The rules were not sure of this reading (confidence "
                        f"{reading.confidence:.2f}); check the code.")
    try:
        value = plain_value(run(reading.code, {"df": df}, timeout=timeout))
    except SandboxError as exc:
        return error_answer(reading.question, f"The code written for this question failed "
                                              f"({exc.kind}): {exc}", code=reading.code,
                            warnings=warnings)
    understood = reading.intent.describe() if reading.intent else ""
    if value is None or _empty(value):
        return error_answer(reading.question,
                            f"No value: no rows with data match ({understood}).",
                            code=reading.code, warnings=warnings)
    misread = mismatch(reading.expected, value) or (
        not_an_option(options(reading.question), value)
        if reading.expected in (Expected.LABEL, Expected.CHOICE) else None)
    if misread:
        unmatched = unmatched_hint(df, reading.unused)
        return error_answer(reading.question,
                            f"Cannot answer this offline: {misread} ({understood}). "
                            f"{unmatched + ' ' if unmatched else ''}Rephrase the question, "
                            "naming the columns and the values it is about.",
                            code=reading.code, warnings=warnings)
    kind = kind_of(value)
    chart = chart_for(value, reading.question) if kind == AnswerKind.TABLE else None
    return Answer(question=reading.question, value=value, kind=kind, code=reading.code,
                  engine="rules", chart=chart, warnings=warnings,
                  message=f"Understood: {understood}.", confidence=reading.confidence,
                  unused=reading.unused,
                  unit="%" if reading.intent is not None and reading.intent.percent else "")


def _empty(value: Any) -> bool:
    """An empty list or table (or a list of empty lists) answers nothing."""
    if isinstance(value, (pd.Series, pd.DataFrame)):
        return value.empty
    return isinstance(value, list) and all(isinstance(v, list) and not v for v in value)


def error_answer(question: str, message: str, *, engine: str = "rules", code: str = "",
                 warnings: list[str] | None = None) -> Answer:
    """An answer that is not one: what went wrong, and the code if some was written."""
    return Answer(question=question, kind=AnswerKind.ERROR, value=None, code=code,
                  engine=engine, message=message, warnings=list(warnings or []))
