"""Pandas code for the statistical intents: shares, distributions, correlations, trends,
missing values, outliers and summaries (see :mod:`analyst_magics.nlq.rules.codegen`)."""

from __future__ import annotations

from ..intents import IntentKind
from .code import Code, column_ref, filter_rows, flag, literal, mask

__all__ = ["WRITERS"]

HISTOGRAM_BINS = 10
DESCRIBE_COLUMNS = 50  # a summary of more columns is neither quick nor readable
#: period starts, so that each period is labelled by its first day
_PERIODS = {"H": "h", "D": "D", "W": "W", "M": "MS", "Q": "QS"}


def _share(code: Code) -> None:
    intent = code.intent
    scale = " * 100" if intent.percent else ""
    if intent.method == "ratio":  # totals over totals, per group when asked
        filter_rows(code, intent.conditions)
        first, second = literal(intent.target), literal(intent.other)
        if intent.by is None:
            code.add(f"result = {code.rows}[{first}].sum() / {code.rows}[{second}].sum()"
                     f"{scale}")
        else:
            code.add(f"totals = {code.rows}.groupby({literal(intent.by)})[[{first}, {second}]]"
                     ".sum()")
            code.add(f"result = (totals[{first}] / totals[{second}]{scale})"
                     ".sort_values(ascending=False)")
        return
    if not intent.predicate:
        code.add(f"result = {column_ref(code.frame, intent.by)}.value_counts(normalize=True)"
                 f"{scale}")
        return
    filter_rows(code, intent.conditions)
    rows = code.rows
    hit = mask(code, intent.predicate, rows)
    if intent.target is not None:
        target = column_ref(rows, intent.target)
        code.add(f"result = {rows}.loc[{hit}, {literal(intent.target)}].sum() / "
                 f"{target}.sum(){scale}")
    elif intent.by is not None:
        code.add(f"result = ({hit}).groupby({column_ref(rows, intent.by)}).mean(){scale}")
    else:
        code.add(f"result = ({hit}).mean(){scale}")


def _distribution(code: Code) -> None:
    intent = code.intent
    ref = column_ref(code.rows, intent.target)
    info = code.info(intent.target)
    if intent.by is not None:
        code.add(f"result = {code.rows}.groupby({literal(intent.by)})"
                 f"[{literal(intent.target)}].describe()")
    elif info is not None and info.numeric and not info.categorical:
        code.add(f"result = {ref}.value_counts(bins={HISTOGRAM_BINS}, sort=False)")
    else:
        code.add(f"result = {ref}.value_counts()")


def _numeric_ref(code: Code, frame: str, column: object) -> str:
    info = code.info(column)
    ref = column_ref(frame, column)
    if info is not None and info.kind == "bool":
        return f"({flag(code, column, frame)}).astype(int)" if info.true_value is not True else (
            f"{ref}.astype(int)")
    return ref


def _correlation(code: Code) -> None:
    intent = code.intent
    rows, method = code.rows, literal(intent.method or "pearson")
    columns = intent.columns
    if len(columns) == 2:
        left, right = (_numeric_ref(code, rows, c) for c in columns)
        code.add(f"result = {left}.corr({right}, method={method})")
        return
    if len(columns) == 1:
        target = literal(columns[0])
        code.add(f"corr = {rows}.select_dtypes(\"number\").corr(method={method})[{target}]"
                 f".drop({target})")
        code.add("result = corr.reindex(corr.abs().sort_values(ascending=False).index)")
        return
    picked = f"{rows}[{literal(columns)}]" if columns else f"{rows}.select_dtypes(\"number\")"
    code.add(f"result = {picked}.corr(method={method})")


def _strongest(code: Code) -> None:
    intent = code.intent
    rows, method = code.rows, literal(intent.method or "pearson")
    picked = (f"{rows}[{literal(intent.columns)}]" if len(intent.columns) > 2
              else f"{rows}.select_dtypes(\"number\")")
    code.add(f"pairs = {picked}.corr(method={method}).stack()")
    code.add("pairs = pairs[[a != b for a, b in pairs.index]]  # leave out each column with "
             "itself")
    if intent.agg == "positive":
        code.add("result = pairs.max()")
    elif intent.agg == "negative":
        code.add("result = pairs.min()")
    else:
        pick = "idxmin" if intent.ascending else "idxmax"
        code.add(f"result = pairs.loc[pairs.abs().{pick}()]")


def _trend(code: Code) -> None:
    intent = code.intent
    rows = code.rows
    info = code.info(intent.by)
    if info is not None and info.yearlike:
        key = literal(intent.by)
    elif intent.freq in (None, "Y"):
        key = f"{column_ref(rows, intent.by)}.dt.year"
    else:
        key = f"pd.Grouper(key={literal(intent.by)}, freq={literal(_PERIODS[intent.freq])})"
    if intent.target is None or intent.agg == "size":
        code.add(f"result = {rows}.groupby({key}).size()")
    else:
        code.add(f"result = {rows}.groupby({key})[{literal(intent.target)}]"
                 f".{intent.agg or 'sum'}()")


def _missing(code: Code) -> None:
    intent = code.intent
    rows, mode = code.rows, intent.agg
    if intent.target is not None:
        ref = column_ref(rows, intent.target)
        tail = ".mean() * 100" if mode == "percent" else ".sum()"
        code.add(f"result = {ref}.isna(){tail}")
    elif mode == "which":
        code.add(f"result = {rows}.isna().sum().idxmax()")
    elif mode == "rows":
        code.add(f"result = {rows}.isna().any(axis=1).sum()")
    elif mode == "percent":
        code.add(f"result = {rows}.isna().mean() * 100")
    elif mode == "count":
        code.add(f"result = {rows}.isna().sum().sum()")
    else:
        code.add(f"result = {rows}.isna().sum()")


def _outliers(code: Code) -> None:
    intent = code.intent
    rows = code.rows
    code.add(f"values = {column_ref(rows, intent.target)}")
    limit = literal(intent.threshold)
    if intent.method == "iqr":
        code.add("q1 = values.quantile(0.25)")
        code.add("q3 = values.quantile(0.75)")
        code.add(f"outliers = (values < q1 - {limit} * (q3 - q1)) | "
                 f"(values > q3 + {limit} * (q3 - q1))")
    else:
        code.add("z = (values - values.mean()) / values.std(ddof=0)")
        code.add(f"outliers = z.abs() > {limit}")
    code.add({"remaining": f"result = len({rows}) - int(outliers.sum())",
              "percent": "result = outliers.mean() * 100",
              "rows": f"result = {rows}[outliers]"}.get(intent.agg or "",
                                                       "result = int(outliers.sum())"))


def _describe(code: Code) -> None:
    columns = code.intent.columns
    numbers = any(c.kind == "number" for c in code.schema.columns)
    picked = (f"{code.rows}[{literal(columns)}]" if columns else
              f"{code.rows}.select_dtypes(\"number\")" if numbers else code.rows)
    total = len(code.schema.columns)
    if not columns and total > DESCRIBE_COLUMNS:
        picked = f"{picked}.iloc[:, :{DESCRIBE_COLUMNS}]"
        code.notes.append(f"Described the first {DESCRIBE_COLUMNS} of {total:,} columns; name "
                          "columns to describe others.")
    code.add(f"result = {picked}.describe()")


WRITERS = {
    IntentKind.SHARE: _share, IntentKind.DISTRIBUTION: _distribution,
    IntentKind.CORRELATION: _correlation, IntentKind.STRONGEST_CORRELATION: _strongest,
    IntentKind.TREND: _trend, IntentKind.MISSING: _missing, IntentKind.OUTLIERS: _outliers,
    IntentKind.DESCRIBE: _describe,
}
