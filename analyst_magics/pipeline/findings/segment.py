"""Segment differences: does a numeric column differ between the groups of a categorical one?

Kruskal–Wallis is computed as the share of rank variance between groups (which includes the tie
correction), with ``np.bincount`` over integer group codes: one pass per (category, number) pair
on the sample, no Python loop over groups or rows. For the pairs found, group means on every row
give the text its numbers and the evidence ANOVA's η².
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ...formatting import number, p_text
from ...models import Evidence, InsightKind
from ..chart_specs import TOP_CATEGORIES, bar_chart, group_means
from .base import MIN_EFFECT, Context, Finding, adjust, significance

__all__ = ["find_segments", "group_codes", "variance_share"]

MAX_CATEGORY_COLUMNS = 8
MAX_VALUE_COLUMNS = 10
#: Categorical columns with more groups than this are identifiers more than segments.
MAX_GROUPS = 100
#: Groups smaller than this (in the sample) are left out of the test and of the text.
MIN_GROUP_ROWS = 5


def variance_share(values: np.ndarray, codes: np.ndarray,
                   groups: int) -> tuple[float, np.ndarray, np.ndarray]:
    """Share of the variance of ``values`` between groups (η²), group counts and group means."""
    counts = np.bincount(codes, minlength=groups)
    sums = np.bincount(codes, weights=values, minlength=groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
    centre = values.mean() if values.size else 0.0
    present = counts > 0
    between = float(np.sum(counts[present] * (means[present] - centre) ** 2))
    total = float(np.sum((values - centre) ** 2))
    return (between / total if total > 0 else np.nan), counts, means


def find_segments(ctx: Context) -> list[Finding]:
    """Significant differences of numeric columns between segments, strongest first."""
    categories = [c for c in ctx.categorical if ctx.distinct[c] <= MAX_GROUPS]
    categories = categories[:MAX_CATEGORY_COLUMNS]
    values = ctx.paired[:MAX_VALUE_COLUMNS]
    if not categories or not values:
        return []
    matrix, ranks = ctx.values[:, :len(values)], ctx.ranks[:, :len(values)]
    tests = pd.DataFrame([test for category in categories
                          for test in _tests(ctx, category, values, matrix, ranks)])
    tests["q"] = adjust(tests["p"].to_numpy())
    found = tests[(tests["q"] <= ctx.alpha) & (np.sqrt(tests["epsilon2"]) >= MIN_EFFECT)]
    return [_finding(ctx, row, int(tests["p"].notna().sum()))
            for row in found.itertuples(index=False)]


def _tests(ctx: Context, category: str, values: list[str], matrix: np.ndarray,
           ranks: np.ndarray) -> list[dict[str, object]]:
    codes, groups = group_codes(ctx.sample[category])
    return [_test(codes, len(groups), matrix[:, j], ranks[:, j])
            | {"category": category, "value": value} for j, value in enumerate(values)]


def _test(codes: np.ndarray, groups: int, numbers: np.ndarray,
          ranks: np.ndarray) -> dict[str, object]:
    valid = (codes >= 0) & ~np.isnan(numbers)
    # Ranks over all present values are the right ranks unless the category drops some rows.
    rank = ranks[valid] if valid.sum() == (~np.isnan(numbers)).sum() else \
        stats.rankdata(numbers[valid])
    share, counts, _ = variance_share(rank, codes[valid], groups)
    k, n = int((counts > 0).sum()), int(valid.sum())
    h = (n - 1) * share
    p = float(stats.chi2.sf(h, k - 1)) if k >= 2 and np.isfinite(h) else np.nan
    return {"h": h, "p": p, "epsilon2": share, "groups": k, "n": n}


def group_codes(keys: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Group codes and values; groups under :data:`MIN_GROUP_ROWS` rows (and missing keys) -1."""
    codes, uniques = pd.factorize(keys, sort=False)
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    kept = np.append(counts >= MIN_GROUP_ROWS, False)  # the last slot answers code -1
    return np.where(kept[codes], codes, -1), pd.Index(uniques)


def _finding(ctx: Context, row: Any, tested: int) -> Finding:
    keys, numbers = ctx.data[row.category], ctx.data[row.value]
    codes, uniques = pd.factorize(keys, sort=False)
    finite = numbers.to_numpy(dtype=float, na_value=np.nan)
    valid = (codes >= 0) & np.isfinite(finite)
    eta2, counts, means = variance_share(finite[valid], codes[valid], len(uniques))
    means = pd.Series(means, index=[str(u) for u in uniques])[counts >= MIN_GROUP_ROWS]
    top, bottom = means.idxmax(), means.idxmin()
    text = (f"Average {row.value} differs by {row.category}: highest where {row.category} is "
            f"{top} ({number(means[top])}), lowest where it is {bottom} ({number(means[bottom])}),"
            f" across {row.groups} groups (Kruskal–Wallis {p_text(row.q)}, "
            f"ε² = {row.epsilon2:.3f}).")
    evidence = Evidence(
        test="Kruskal–Wallis H test (Benjamini–Hochberg adjusted)", statistic=row.h,
        p_value=row.q, effect_size=row.epsilon2, n=row.n,
        details={"groups": row.groups, "eta_squared": eta2, "highest": top,
                 "highest_mean": means[top], "lowest": bottom, "lowest_mean": means[bottom],
                 "p_raw": row.p, "pairs_tested": tested, **ctx.sampled})
    title = f"{row.value} differs by {row.category}"
    return Finding(InsightKind.SEGMENT_DIFFERENCE, title, text, [row.category, row.value],
                   evidence, float(np.sqrt(row.epsilon2)), significance(row.q, ctx.alpha),
                   lambda: bar_chart(group_means(keys, numbers, TOP_CATEGORIES), x=row.category,
                                     y=row.value, title=f"Average {row.value} by {row.category}",
                                     y_label=f"average {row.value}"))
