"""The pieces every code writer uses: the code being written, literals, masks, reducers.

The code reads the DataFrame ``df`` and assigns ``result``. It uses no imports, no private
attributes and no I/O, so the sandbox runs it unchanged and the code shown is the code that ran.
Preparation comes first and only when needed: numbers written as text are cleaned, dates written
as text are parsed, derived columns are added (all on a copy), summary rows are left out, and
the rows the question filters on are selected.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..bins import bins_code
from ..intents import AggRef, Condition, Intent, IntentKind
from ..lengths import LENGTH_OPS
from ..schema import ColumnInfo, Schema, dates_code, numbers_code

__all__ = ["Code", "column_ref", "filter_rows", "flag", "in_unit", "literal", "mask",
           "period_key", "prepare", "reduce", "reducer"]

_REDUCERS = {"mean": ".mean()", "sum": ".sum()", "median": ".median()", "max": ".max()",
             "min": ".min()", "std": ".std()", "pstd": ".std(ddof=0)", "var": ".var()",
             "pvar": ".var(ddof=0)", "skew": ".skew()", "kurt": ".kurt()", "size": ".size()",
             "count": ".count()", "nunique": ".nunique()"}


@dataclass
class Code:
    """Code being written: its lines, the frame names in use, and notes for the answer."""

    schema: Schema
    intent: Intent
    frame: str = "df"   # the prepared frame (cleaned, derived, summary rows left out)
    rows: str = "df"    # the prepared frame filtered by the conditions
    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line)

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    def info(self, column: Any) -> ColumnInfo | None:
        return next((c for c in self.schema.columns if c.name == column), None)


# ----------------------------------------------------------------------------- literals


def regex_literal(pattern: str) -> str:
    """A raw string literal for a regular expression, or a plain one when it cannot be raw."""
    if '"' in pattern or pattern.endswith("\\") or "\n" in pattern:
        return literal(pattern)
    return f'r"{pattern}"'


def _whole_words(text: str) -> str:
    """A pattern that finds ``text`` between word boundaries, whatever its first and last
    characters are ("C.D. FAS", "Cuba")."""
    return rf"(?<!\w){re.escape(text).replace(chr(92) + ' ', ' ')}(?!\w)"


def literal(value: Any) -> str:
    """A Python literal for a value: strings in double quotes, numbers plain, lists of them."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return f"pd.Timestamp({literal(value.isoformat())})"
    if isinstance(value, pd.Timedelta):
        return f"pd.Timedelta({literal(str(value))})"
    return repr(value)


def column_ref(frame: str, column: Any) -> str:
    return f"{frame}[{literal(column)}]"


# ----------------------------------------------------------------------------- preparation


def _used_columns(intent: Intent) -> list[Any]:
    used = [intent.target, intent.by, intent.label, *intent.columns,
            *(c for item in intent.derived for c in item.columns if not isinstance(c, float)),
            intent.other if intent.method == "ratio" else None]
    for cond in [*intent.conditions, *intent.predicate]:
        used.append(cond.column)
        if isinstance(cond.value, AggRef):
            used.append(cond.value.column)
    return [c for c in dict.fromkeys(used) if c is not None]


def prepare(code: Code) -> None:
    """Clean text numbers and dates, add derived columns, leave out summary rows."""
    intent = code.intent
    fixes = []
    for column in _used_columns(intent):
        info = code.info(column)
        if info is None:
            continue
        ref = column_ref("data", column)
        if info.kind == "numtext":
            fixes.extend(numbers_code(ref, info.scaled, info.decimal_comma))
            code.notes.append(f"Read the numbers written as text in '{column}'.")
        elif info.padded and info.kind in ("text", "bool"):
            fixes.append(f"{ref} = {ref}.str.strip()")
            code.notes.append(f"Trimmed the spaces around values of '{column}'.")
        elif info.kind == "durationtext":  # "31:26" is minutes and seconds: "0:31:26"
            weeks = r'.str.replace(r"\s*weeks?\b", "W", regex=True)' if info.weeks else ""
            fixes.append(f"{ref} = pd.to_timedelta({ref}.astype(str).str.strip().str.replace("
                         f"r\"^(\\d+:\\d\\d(?:\\.\\d+)?)$\", r\"0:\\1\", regex=True){weeks}, "
                         "errors=\"coerce\")")
            code.notes.append(f"Read the durations written as text in '{column}'.")
        elif info.kind == "datetext" and _needs_dates(intent, column):
            assert info.dates is not None
            fixes.append(f"{ref} = {dates_code(ref, info.dates)}")
            code.notes.append(f"Read '{column}' as dates ({', '.join(info.dates.formats)}).")
    for item in intent.derived:
        target = column_ref("data", item.name)
        if item.op.startswith("fill:"):  # missing values filled with a statistic or a number
            how = item.op.split(":", 1)[1]
            filler = how if how[0].isdigit() else f"{target}.{how}()" + (
                ".iloc[0]" if how == "mode" else "")
            fixes.append(f"{target} = {target}.fillna({filler})")
            code.notes.append(f"Filled the missing values of '{item.name}' with "
                              f"{'the ' + how if not how[0].isdigit() else how}.")
            continue
        if item.op == "bins":
            fixes.append(bins_code(target, column_ref("data", item.columns[0]), item.edges,
                                   item.labels))
            continue
        if item.op.startswith("length:"):  # the words or characters of each text
            source = column_ref("data", item.columns[0])
            fixes.append(f"{target} = {source}{LENGTH_OPS[item.op.split(':', 1)[1]]}")
            continue
        joined = f" {item.op} ".join(literal(c) if isinstance(c, float) else
                                     column_ref("data", c) for c in item.columns)
        fixes.append(f"{target} = {joined}")
    if fixes:
        code.add("data = df.copy()")
        code.lines.extend(fixes)
        code.frame = code.rows = "data"
    summary = code.schema.summary
    if summary is not None and intent.kind not in (IntentKind.MISSING, IntentKind.DESCRIBE):
        column, label = summary
        frame = code.frame
        code.add(f"data = {frame}[{column_ref(frame, column)} != {literal(label)}]"
                 "  # leave out the summary row")
        code.frame = code.rows = "data"
        code.notes.append(f"Left out the summary row '{label}' (column '{column}').")


def _needs_dates(intent: Intent, column: Any) -> bool:
    if intent.kind == IntentKind.TREND and intent.by == column or (
            intent.freq is not None and intent.by == column):
        return True
    conditions = [*intent.conditions, *intent.predicate,
                  *(intent.other if isinstance(intent.other, list) else [])]
    if any(c.column == column and c.dated for c in conditions):
        return True  # compared with a date (or between two) written in the question
    if any(column in item.columns for item in intent.derived):
        return True  # a duration between two dates
    return any(c.column == column and c.part is not None or (c.column == column and c.op in (
        ">", "<", ">=", "<=")) for c in conditions) or (
        intent.target == column and intent.agg in ("max", "min"))


# ----------------------------------------------------------------------------- conditions


def mask(code: Code, conditions: list[Condition], frame: str) -> str:
    """One boolean expression over ``frame`` for all ``conditions`` (joined with ``&``)."""
    parts = [_condition(code, cond, frame) for cond in conditions]
    if len(parts) == 1:
        return parts[0]
    return " & ".join(f"({p})" for p in parts)


def _condition(code: Code, cond: Condition, frame: str) -> str:
    ref = column_ref(frame, cond.column)
    if cond.part is not None:  # "year", "quarter", "month", "day_of_week"
        ref = f"{ref}.dt.{cond.part}"
    if cond.op in ("true", "false"):
        return flag(code, cond.column, frame, negate=cond.op == "false")
    if cond.op in ("isna", "notna"):
        return f"{ref}.{cond.op}()"
    if cond.op in ("in", "notin"):
        test = f"{ref}.isin({literal(list(cond.value))})"
        return test if cond.op == "in" else f"~{test}"
    if cond.op == "between":
        return f"{ref}.between({literal(cond.value[0])}, {literal(cond.value[1])})"
    if cond.op == "contains":  # as typed; in lower case, any case matches
        case = "" if cond.value != cond.value.lower() else ", case=False"
        return f"{ref}.str.contains({literal(cond.value)}{case}, na=False, regex=False)"
    if cond.op in ("mentions", "notmentions"):  # one item of a list, as a whole word
        test = (f"{ref}.str.contains({regex_literal(_whole_words(str(cond.value)))}, "
                "case=False, na=False)")
        return test if cond.op == "mentions" else f"~{test}"
    if cond.op in ("startswith", "endswith"):
        return f"{ref}.str.{cond.op}({literal(cond.value)}, na=False)"
    if cond.op in ("top", "bottom"):
        pick = "nlargest" if cond.op == "top" else "nsmallest"
        return f"{ref}.isin({ref}.{pick}({cond.value}))"
    value = cond.value
    if isinstance(value, AggRef) and value.agg == "value":  # another column of the same row
        shown = column_ref(frame, value.column)
    elif isinstance(value, AggRef):
        other = column_ref(code.frame, value.column if value.column is not None else cond.column)
        shown = f"{other}{reducer(value.agg)}"
    else:
        shown = literal(value)
    return f"{ref} {cond.op} {shown}"


def flag(code: Code, column: Any, frame: str, *, negate: bool = False) -> str:
    """A boolean Series for a yes/no column: ``df["Survived"]``, ``df["paid"] == "yes"``."""
    ref = column_ref(frame, column)
    info = code.info(column)
    true_value = info.true_value if info is not None else True
    if true_value is True:
        return f"~{ref}" if negate else ref
    if isinstance(true_value, str):
        ref = f"{ref}.str.lower()"
    return f"{ref} {'!=' if negate else '=='} {literal(true_value)}"


#: pandas period codes of the calendar units a question groups by
_PERIOD_CODES = {"M": "M", "Q": "Q", "W": "W", "D": "D", "H": "h"}


def period_key(frame: str, column: Any, freq: str) -> str:
    """The calendar period of each row: its year, its weekday's name, or a pandas Period
    ("2024-03"), which reads as the period itself rather than as its first instant."""
    ref = column_ref(frame, column)
    if freq == "Y":
        return f"{ref}.dt.year"
    if freq == "weekday":
        return f"{ref}.dt.day_name()"
    return f"{ref}.dt.to_period({literal(_PERIOD_CODES[freq])})"


def filter_rows(code: Code, conditions: list[Condition]) -> None:
    if conditions:
        code.add(f"rows = {code.frame}[{mask(code, conditions, code.frame)}]")
        code.rows = "rows"


def in_unit(expression: str, unit: str | None) -> str:
    """A duration expression as a number of ``unit`` ("minutes"), or unchanged."""
    return f"({expression} / pd.Timedelta({unit}=1))" if unit else expression


def reducer(agg: str) -> str:
    """The method call of a reducer name: ``".mean()"``, ``".quantile(0.9)"``."""
    if agg.startswith("quantile:"):
        return f".quantile({agg.split(':', 1)[1]})"
    return _REDUCERS[agg]


def reduce(code: Code, frame: str, column: Any, agg: str) -> str:
    """``frame[column]`` reduced by ``agg`` (a yes/no column counts or averages its yeses)."""
    info = code.info(column)
    series = column_ref(frame, column)
    if info is not None and info.kind == "bool" and info.true_value not in (True, 1):
        series = f"({flag(code, column, frame)})"
    if agg == "range":
        return f"{series}.max() - {series}.min()"
    if agg == "iqr":
        return f"{series}.quantile(0.75) - {series}.quantile(0.25)"
    if agg == "cv":
        return f"{series}.std() / {series}.mean()"
    return f"{series}{reducer(agg)}"
