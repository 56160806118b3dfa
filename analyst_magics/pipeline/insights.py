"""Find what is worth knowing about a DataFrame: ranked, scored, each with its statistic and chart.

The finding families live in :mod:`analyst_magics.pipeline.findings`; this module chooses the
columns each family looks at (from the profile's semantic types, capped so that 2,000 columns
stay fast), runs the families, ranks every finding by one score (see
:mod:`analyst_magics.pipeline.findings.base` for how it is built) and draws charts for the
findings that make the list.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from ..errors import AnalystError, DataLoadError
from ..models import ColumnProfile, Insight, Profile, SemanticType
from ..progress import ProgressCallback, report, scaled
from ..validation import require_frame
from .findings.base import Context, Finding
from .findings.correlation import find_correlations
from .findings.distribution import find_distributions
from .findings.quality import find_duplicates, find_imbalance, find_missingness
from .findings.segment import find_segments
from .findings.trend import find_trends

__all__ = ["insights"]

#: Share of the progress bar given to profiling when the profile is computed here.
PROFILE_SHARE = 0.4
#: Summary names of the profile's quantiles (``ColumnProfile.quantiles`` keys).
_QUARTILES = (("q1", "25%"), ("median", "50%"), ("q3", "75%"))

FAMILIES: tuple[tuple[str, Callable[[Context], list[Finding]]], ...] = (
    ("correlations", find_correlations),
    ("trends and anomalies over time", find_trends),
    ("segment differences", find_segments),
    ("distributions and outliers", find_distributions),
    ("missing values", find_missingness),
    ("dominant values", find_imbalance),
    ("duplicate rows", find_duplicates),
)


def insights(df: pd.DataFrame, *, profile: Profile | None = None, max_insights: int = 20,
             alpha: float = 0.05, exclude: Iterable[str] = (),
             progress: ProgressCallback | None = None) -> list[Insight]:
    """Findings about ``df``, best first: correlations, trends, anomalies, segment differences,
    skew, missingness, dominant values and duplicates.

    Every tested finding is significant at ``alpha`` after a Benjamini–Hochberg correction over
    the tests of its family, and has an effect size worth mentioning; all findings share one
    0–1 score so that they rank together. Pairwise statistics on more than 50,000 rows run on a
    fixed-seed sample, and the evidence says so.

    Parameters
    ----------
    df : DataFrame
        Typed data (run :func:`analyst_magics.clean` first on raw files: dates and numbers
        stored as text are not analysed); never modified.
    profile : Profile, optional
        ``analyst_magics.profile(df)``, computed here when not given.
    max_insights : int
        Most findings returned; one kind fills at most half of the list.
    alpha : float
        False discovery rate of each family of tests.
    exclude : iterable of str
        Columns no finding is about, such as the outlier flag that cleaning adds.
    progress : callable, optional
        Called as ``progress(stage, fraction)``.

    Returns
    -------
    list of Insight

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> x = np.arange(200.0)
    >>> found = insights(pd.DataFrame({"x": x, "y": x + 20 * np.sin(x)}))
    >>> found[0].title
    'x and y are strongly positively correlated'
    """
    if not isinstance(df, pd.DataFrame) and callable(getattr(df, "sample_frame", None)):
        return _on_a_sample(df, profile=profile, max_insights=max_insights, alpha=alpha,
                            exclude=exclude, progress=progress)
    _check(df, max_insights, alpha)
    data = _with_text_labels(df)
    if profile is None:
        from .profiling import profile as make_profile

        profile = make_profile(data, progress=scaled(progress, 0.0, PROFILE_SHARE))
        progress = scaled(progress, PROFILE_SHARE, 1.0)
    ctx = _context(data, profile, alpha, frozenset(map(str, exclude)))
    findings: list[Finding] = []
    for i, (stage, family) in enumerate(FAMILIES):
        report(progress, f"insights: {stage}", i / len(FAMILIES))
        findings.extend(family(ctx))
    report(progress, "insights: charts", 1.0 - 0.5 / len(FAMILIES))
    chosen = [finding.to_insight() for finding in _rank(findings, max_insights)]
    report(progress, "insights: done", 1.0)
    return chosen


#: Rows of a database table the findings that need rows are computed on.
TABLE_SAMPLE_ROWS = 1_000_000


def _on_a_sample(table: Any, *, profile: Profile | None, max_insights: int, alpha: float,
                 exclude: Iterable[str], progress: ProgressCallback | None) -> list[Insight]:
    """Insights of a table a database holds (a ``DuckTable``), found on a uniform sample of
    :data:`TABLE_SAMPLE_ROWS` rows, which every finding then names ("found on a uniform sample
    of 1,000,000 of 312,000,000 rows"): tests, trends and outliers need rows, and all the
    figures of a finding come from the same rows. ``profile`` is used when it describes the
    sample (its rows), else the sample is profiled."""
    report(progress, "insights: sampling rows", 0.0)
    sample = table.sample_frame(TABLE_SAMPLE_ROWS)
    fits = profile is not None and profile.rows == len(sample)
    found = insights(sample, profile=profile if fits else None, max_insights=max_insights,
                     alpha=alpha, exclude=exclude, progress=scaled(progress, 0.1, 1.0))
    total = int(table.shape[0])
    if len(sample) >= total:
        return found
    note = f"found on a uniform sample of {len(sample):,} of {total:,} rows"
    return [item.model_copy(update={
        "text": f"{item.text} ({note[0].upper()}{note[1:]}.)",
        "evidence": item.evidence.model_copy(update={
            "details": {**item.evidence.details, "table_sample": note}})}) for item in found]


def _check(df: object, max_insights: int, alpha: float) -> None:
    require_frame(df, "insights")
    if isinstance(max_insights, bool) or not isinstance(max_insights, int) or max_insights < 0:
        raise AnalystError(f"max_insights must be a whole number ≥ 0, got {max_insights!r}.")
    if not (isinstance(alpha, (int, float)) and 0 < alpha < 1):
        raise AnalystError(f"alpha must be a number between 0 and 1 (e.g. 0.05), got {alpha!r}.")


def _with_text_labels(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with string column labels (a new frame; the data is not copied)."""
    labels = [str(label) for label in df.columns]
    repeated = sorted(name for name, times in Counter(labels).items() if times > 1)
    if repeated:
        raise DataLoadError(f"Column names must be unique to find insights; {repeated[:10]} "
                            "appear more than once. Rename them (for example with "
                            "df.columns = [...]) and try again.")
    data = df.copy(deep=False)  # set_axis would copy every column on pandas 2
    data.columns = labels
    return data


def _context(data: pd.DataFrame, profile: Profile, alpha: float,
             exclude: frozenset[str]) -> Context:
    columns = {c.name: c for c in profile.column_profiles}
    if set(columns) != set(data.columns):
        unknown = sorted(set(columns) ^ set(data.columns))[:10]
        raise AnalystError(f"The profile does not describe this DataFrame (columns {unknown} are "
                           "in one but not the other). Pass profile=analyst_magics.profile(df) "
                           "for the same frame, or leave profile out.")
    kinds = {name: (SemanticType.EMPTY if name in exclude else c.semantic_type)
             for name, c in columns.items()}
    dtypes = dict(zip(data.columns, data.dtypes, strict=True))
    numeric = [n for n in data.columns
               if kinds[n] == SemanticType.NUMERIC and _is_number(dtypes[n])]
    categorical = [n for n in data.columns
                   if kinds[n] in (SemanticType.CATEGORICAL, SemanticType.BOOLEAN)
                   and columns[n].distinct >= 2]
    times = [n for n in data.columns if kinds[n] == SemanticType.DATETIME
             and pd.api.types.is_datetime64_any_dtype(dtypes[n])]
    # Pairwise families take the head of these lists: the most varied, most complete columns.
    numeric.sort(key=lambda n: (-columns[n].distinct, columns[n].missing))
    categorical.sort(key=lambda n: (columns[n].missing, columns[n].distinct))
    times.sort(key=lambda n: columns[n].missing)
    top_counts = {n: (columns[n].frequent[0].value, columns[n].frequent[0].count, columns[n].count)
                  for n in categorical if columns[n].frequent and columns[n].count > 0}
    return Context(data=data, alpha=alpha, numeric=numeric, categorical=categorical, times=times,
                   missing={n: c.missing for n, c in columns.items()},
                   distinct={n: c.distinct for n, c in columns.items()},
                   summary=_summary([columns[n] for n in numeric]), top_counts=top_counts,
                   duplicate_rows=profile.duplicate_rows)


def _summary(numeric: list[ColumnProfile]) -> pd.DataFrame:
    """The profile's figures of the numeric columns, one row per column (NaN when absent)."""
    rows = {c.name: {"n": c.count, "mean": c.mean, "std": c.std, "skew": c.skewness, "min": c.min,
                     "max": c.max, **{key: c.quantiles.get(level) for key, level in _QUARTILES}}
            for c in numeric}
    columns = ["n", "mean", "std", "skew", "min", "max", *(key for key, _ in _QUARTILES)]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns).astype(float)


def _is_number(dtype: object) -> bool:
    return (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
            and not pd.api.types.is_complex_dtype(dtype))


def _rank(findings: list[Finding], max_insights: int) -> list[Finding]:
    """Best first; one kind takes at most half of the places unless nothing else is left."""
    ranked = sorted((f for f in findings if f.score > 0),
                    key=lambda f: (-f.score, f.kind.value, f.title))
    per_kind = max(1, math.ceil(max_insights / 2))
    taken: Counter = Counter()
    varied = []
    for finding in ranked:  # findings, not rows: a few hundred at most
        if taken[finding.kind] < per_kind:
            taken[finding.kind] += 1
            varied.append(finding)
    chosen = varied[:max_insights]
    rest = [f for f in ranked if f not in chosen][:max_insights - len(chosen)]
    position = {id(f): i for i, f in enumerate(ranked)}
    return sorted(chosen + rest, key=lambda f: position[id(f)])
