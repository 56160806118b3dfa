"""Pandas code for counts, aggregates, groups, rankings, checks and lookups."""

from __future__ import annotations

import re
from typing import Any

from ..intents import IntentKind
from .code import (
    Code,
    column_ref,
    filter_rows,
    flag,
    in_unit,
    literal,
    mask,
    period_key,
    reduce,
    reducer,
)

__all__ = ["WRITERS"]

def _count(code: Code) -> None:
    conditions = code.intent.conditions
    if conditions:  # counting the matches is cheaper than selecting the rows
        code.add(f"result = int(({mask(code, conditions, code.frame)}).sum())")
    else:
        code.add(f"result = len({code.frame})")


def _aggregate(code: Code) -> None:
    intent = code.intent
    if intent.by is not None:  # a mean per entity: each one's total, then their mean
        code.add(f"per_{_name(intent.by)} = {code.rows}.groupby({literal(intent.by)})"
                 f"[{literal(intent.target)}].sum()")
        code.add(f"result = per_{_name(intent.by)}.mean()")
        return
    expression = in_unit(reduce(code, code.rows, intent.target, intent.agg or "mean"),
                         intent.unit)
    code.add(f"result = {expression}{' * 100' if intent.percent else ''}")


def _name(column: object) -> str:
    """A Python name for a column: "Customer ID" → "customer_id"."""
    words = re.findall(r"[a-z0-9]+", str(column).lower())
    return "_".join(words) if words and not words[0][0].isdigit() else "group"


def grouped(code: Code, frame: str) -> str:
    """The per-group Series of a GROUP / GROUP_ARG intent (per calendar period when the intent
    has a ``freq``: "which month had the most revenue")."""
    intent = code.intent
    if intent.freq is not None:
        key = period_key(frame, intent.by, intent.freq)
        if intent.target is None or intent.agg == "size":
            return f"{key}.value_counts()"
        return f"{frame}.groupby({key})[{literal(intent.target)}]{reducer(intent.agg or 'sum')}"
    by = literal(intent.by)
    observed = ", observed=True" if _categorical(code, intent.by) else ""
    if intent.target is None or intent.agg == "size":
        return f"{column_ref(frame, intent.by)}.value_counts()"
    info = code.info(intent.target)
    if info is not None and info.kind == "bool" and info.true_value not in (True, 1):
        return (f"({flag(code, intent.target, frame)}).groupby({column_ref(frame, intent.by)}"
                f"{observed}){reducer(intent.agg or 'mean')}")
    return (f"{frame}.groupby({by}{observed})[{literal(intent.target)}]"
            f"{reducer(intent.agg or 'mean')}")


def _categorical(code: Code, column: Any) -> bool:
    info = code.info(column)
    return info is not None and info.category


def _group(code: Code) -> None:
    intent = code.intent
    expression = in_unit(grouped(code, code.rows), intent.unit) + (
        " * 100" if intent.percent else "")
    if intent.k is not None:
        pick = "nsmallest" if intent.ascending else "nlargest"
        expression = f"{expression}.{pick}({intent.k})" if intent.agg != "size" or (
            intent.ascending) else f"{expression}.head({intent.k})"
    elif intent.agg != "size":
        expression += ".sort_values(ascending=False)"
    code.add(f"result = {expression}")


def _group_arg(code: Code) -> None:
    best = "min" if code.intent.ascending else "max"
    code.add(f"per_group = {grouped(code, code.rows)}")
    code.add(f"best = per_group[per_group == per_group.{best}()].index.tolist()")
    _one_or_all(code)


def _one_or_all(code: Code) -> None:
    """The best label, or every label tied for best: picking one of them would be arbitrary."""
    code.add("result = best[0] if len(best) == 1 else best")


def _top(code: Code) -> None:
    intent = code.intent
    pick = "nsmallest" if intent.ascending else "nlargest"
    if intent.label is None:
        code.add(f"result = {column_ref(code.rows, intent.target)}.{pick}({intent.k}).tolist()")
        return
    columns = literal([intent.label, intent.target])
    code.add(f"result = {code.rows}.{pick}({intent.k}, {literal(intent.target)})[{columns}]")


def _arg(code: Code) -> None:
    intent = code.intent
    measure = column_ref(code.rows, intent.target)
    best = "min" if intent.ascending else "max"
    code.add(f"best = {code.rows}.loc[{measure} == {measure}.{best}(), {literal(intent.label)}]"
             ".unique().tolist()")
    _one_or_all(code)


def _check(code: Code) -> None:
    intent = code.intent
    filter_rows(code, intent.conditions)
    pick = "idxmin" if intent.ascending else "idxmax"
    code.add(f"row = {code.rows}.loc[[{column_ref(code.rows, intent.target)}.{pick}()]]")
    code.add(f"result = bool(({mask(code, intent.predicate, 'row')}).iloc[0])")


def _exists(code: Code) -> None:
    code.add(f"result = bool(({mask(code, code.intent.conditions, code.frame)}).any())")


def _compare(code: Code) -> None:
    intent = code.intent
    if isinstance(intent.other, list):
        left, right = _two_sides(code)
        code.add(f"result = bool({left} {intent.method} {right})")
        return
    left = reduce(code, code.rows, intent.target, intent.agg or "mean")
    code.add(f"result = bool({left} {intent.method} {literal(intent.other)})")


def _difference(code: Code) -> None:
    left, right = _two_sides(code)
    method = code.intent.method
    if method == "abs":
        code.add(f"result = abs({left} - {right})")
    elif method == "change":  # from the first period to the second
        code.add(f"result = {right} - {left}")
    elif method == "relative_change":
        code.add(f"before, after = {left}, {right}")
        code.add("result = (after - before) / before * 100")
    else:
        code.add(f"result = {left} - {right}")


def _two_sides(code: Code) -> tuple[str, str]:
    """Select the rows of each side; return the expressions of their aggregates."""
    intent = code.intent
    sides = []
    for name, conditions in (("first", intent.predicate), ("second", intent.other)):
        code.add(f"{name} = {code.rows}[{mask(code, conditions, code.rows)}]")
        sides.append(f"len({name})" if intent.target is None or intent.agg == "size"
                     else reduce(code, name, intent.target, intent.agg or "sum"))
    return sides[0], sides[1]


def _all(code: Code) -> None:
    code.add(f"result = bool(({mask(code, code.intent.predicate, code.rows)}).all())")


def _mode(code: Code) -> None:
    intent = code.intent
    counts = f"{column_ref(code.rows, intent.target)}.value_counts()"
    if intent.k is not None:
        order = ".sort_values()" if intent.ascending else ""
        code.add(f"result = {counts}{order}.head({intent.k})")
        return
    code.add(f"result = {counts}.{'idxmin' if intent.ascending else 'idxmax'}()")


def _lookup(code: Code) -> None:
    code.add(f"values = {column_ref(code.rows, code.intent.label)}.drop_duplicates()")
    code.add("result = values.iloc[0] if len(values) == 1 else values.tolist()")


def _position(code: Code) -> None:
    at = 0 if code.intent.ascending else -1
    code.add(f"result = {column_ref(code.rows, code.intent.label)}.iloc[{at}]")


def _rows(code: Code) -> None:
    intent = code.intent
    if intent.k is None:
        code.add(f"result = {code.rows}")
    else:  # "the first 5 rows", "the last 3 rows where …"
        code.add(f"result = {code.rows}.{'tail' if intent.method == 'last' else 'head'}"
                 f"({intent.k})")


def _distinct(code: Code) -> None:
    ref = column_ref(code.rows, code.intent.target)
    if code.intent.agg == "unique?":  # "is every name unique?"
        code.add(f"result = bool({ref}.is_unique)")
    elif code.intent.agg == "count":
        code.add(f"result = {ref}.nunique()")
    else:
        code.add(f"result = {ref}.dropna().unique().tolist()")


WRITERS = {
    IntentKind.COUNT: _count, IntentKind.AGGREGATE: _aggregate, IntentKind.GROUP: _group,
    IntentKind.GROUP_ARG: _group_arg, IntentKind.TOP: _top, IntentKind.ARG: _arg,
    IntentKind.CHECK: _check, IntentKind.EXISTS: _exists, IntentKind.COMPARE: _compare,
    IntentKind.MODE: _mode, IntentKind.LOOKUP: _lookup, IntentKind.ROWS: _rows,
    IntentKind.DISTINCT: _distinct, IntentKind.ALL: _all, IntentKind.DIFFERENCE: _difference,
    IntentKind.POSITION: _position,
}
