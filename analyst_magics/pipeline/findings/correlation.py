"""Correlations between numeric columns: Pearson and Spearman as matrices, tested, BH-adjusted."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from threadpoolctl import ThreadpoolController

from ...formatting import p_text
from ...models import Evidence, InsightKind
from ..chart_specs import heatmap_chart, scatter_chart
from .base import MIN_EFFECT, Context, Finding, adjust, significance

__all__ = ["SCATTER_POINTS", "correlation_p", "find_correlations", "pairwise_correlation"]

#: Both coefficients at least this high: the same quantity twice (a copy, another unit).
NEAR_DUPLICATE = 0.999
#: Points in a correlation's scatter: enough to see the shape, small enough for a report card.
SCATTER_POINTS = 600
#: Columns shown in the correlation overview heatmap.
HEATMAP_COLUMNS = 15
#: Significant pairs needed before an overview of the correlation structure is worth a card.
OVERVIEW_PAIRS = 3


def pairwise_correlation(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pearson r of every column of ``a`` with every column of ``b``, and the rows used.

    Each pair uses the rows where both values are present, computed for all pairs at once with
    masked matrix products on centred data (no loop over pairs or rows).
    """
    present_a, present_b = ~np.isnan(a), ~np.isnan(b)
    za, zb = _centred(a, present_a), _centred(b, present_b)
    wa, wb = present_a.astype(float), present_b.astype(float)
    # Products of at most 50 columns: one BLAS thread does them in milliseconds, while a
    # threaded BLAS on a busy machine can spend a hundred times longer synchronising.
    with _blas().limit(limits=1, user_api="blas"):
        n, sum_a, sum_b, cross = wa.T @ wb, za.T @ wb, wa.T @ zb, za.T @ zb
        squares_a, squares_b = (za**2).T @ wb, wa.T @ zb**2
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = cross - sum_a * sum_b / n
        var_a = squares_a - sum_a**2 / n
        var_b = squares_b - sum_b**2 / n
        r = cov / np.sqrt(var_a * var_b)
    # A (near-)constant column on the shared rows has no correlation; rounding would invent one.
    flat = (var_a <= 1e-12 * squares_a) | (var_b <= 1e-12 * squares_b)
    r[flat | (n < 3)] = np.nan
    return np.clip(r, -1.0, 1.0), n.astype(np.int64)


@cache
def _blas() -> ThreadpoolController:
    """The loaded thread pools, inspected once (each inspection walks the loaded libraries)."""
    return ThreadpoolController()


def _centred(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    counts = present.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        means = np.where(present, values, 0.0).sum(axis=0) / counts
    return np.where(present, values - means, 0.0)


def correlation_p(r: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Two-sided p-value of a correlation coefficient (t-test with ``n - 2`` degrees of freedom)."""
    r, n = np.asarray(r, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = r * np.sqrt((n - 2) / (1 - r**2))
        p = 2 * stats.t.sf(np.abs(t), np.maximum(n - 2, 1))
    return np.where(n >= 3, p, np.nan)


def find_correlations(ctx: Context) -> list[Finding]:
    """Significant correlations among the most varied numeric columns, plus an overview."""
    columns = ctx.paired
    if len(columns) < 2:
        return []
    pearson, n = pairwise_correlation(ctx.values, ctx.values)
    spearman, _ = pairwise_correlation(ctx.ranks, ctx.ranks)
    i, j = np.triu_indices(len(columns), 1)
    pairs = pd.DataFrame({"a": np.asarray(columns)[i], "b": np.asarray(columns)[j],
                          "pearson": pearson[i, j], "spearman": spearman[i, j], "n": n[i, j]})
    # One test per pair: the better of the two coefficients, Bonferroni-corrected for choosing.
    p = 2 * np.fmin(correlation_p(pairs["pearson"], pairs["n"]),
                    correlation_p(pairs["spearman"], pairs["n"]))
    duplicate = (pairs["pearson"].abs() >= NEAR_DUPLICATE) & \
        (pairs["spearman"].abs() >= NEAR_DUPLICATE)
    pairs["p"] = np.where(duplicate, np.nan, np.minimum(p, 1.0))
    pairs["q"] = adjust(pairs["p"].to_numpy())
    pairs["strength"] = pairs[["pearson", "spearman"]].abs().max(axis=1)
    found = pairs[(pairs["q"] <= ctx.alpha) & (pairs["strength"] >= MIN_EFFECT)]
    tested = int(pairs["p"].notna().sum())
    findings = [_pair(ctx, row, tested) for row in found.itertuples(index=False)]
    if len(found) >= OVERVIEW_PAIRS:
        findings.append(_overview(ctx, columns, spearman, found, tested))
    return findings


def _pair(ctx: Context, row: Any, tested: int) -> Finding:
    use_rank = abs(row.spearman) >= abs(row.pearson)
    name, symbol, coef = ("Spearman", "ρ", row.spearman) if use_rank else \
        ("Pearson", "r", row.pearson)
    other = f"Pearson r = {row.pearson:.2f}" if use_rank else f"Spearman ρ = {row.spearman:.2f}"
    direction = f"{row.b} tends to rise with {row.a}" if coef > 0 else \
        f"{row.b} tends to fall as {row.a} rises"
    n = int(row.n)
    text = (f"{direction} ({name} {symbol} = {coef:.2f}, {other}; n = {n:,}; "
            f"{p_text(row.q)} after correcting for {tested:,} pairs tested).")
    evidence = Evidence(
        test=f"{name} correlation (best of Pearson and Spearman, Bonferroni ×2; "
             "Benjamini–Hochberg adjusted)",
        statistic=coef, p_value=row.q, effect_size=row.strength, n=n,
        details={"pearson": row.pearson, "spearman": row.spearman, "p_raw": row.p,
                 "pairs_tested": tested, **ctx.sampled})
    return Finding(InsightKind.CORRELATION, f"{row.a} and {row.b} are {_adjective(coef)} "
                   "correlated", text, [row.a, row.b], evidence, row.strength,
                   significance(row.q, ctx.alpha),
                   lambda: scatter_chart(ctx.data, row.a, row.b, max_points=SCATTER_POINTS,
                                         title=f"{row.b} against {row.a} ({symbol} = {coef:.2f})"))


def _adjective(coef: float) -> str:
    size = abs(coef)
    sign = "positively" if coef > 0 else "negatively"
    return f"{'strongly' if size >= 0.7 else 'moderately' if size >= 0.4 else 'weakly'} {sign}"


def _overview(ctx: Context, columns: list[str], spearman: np.ndarray, found: pd.DataFrame,
              tested: int) -> Finding:
    best = found.loc[found["strength"].idxmax()]
    involved = pd.concat([found[["a", "strength"]].rename(columns={"a": "c"}),
                          found[["b", "strength"]].rename(columns={"b": "c"})])
    shown = involved.groupby("c")["strength"].max().nlargest(HEATMAP_COLUMNS).index.tolist()
    matrix = pd.DataFrame(spearman, index=columns, columns=columns).loc[shown, shown]
    text = (f"{len(found):,} of {tested:,} pairs of numeric columns are significantly correlated "
            f"(Benjamini–Hochberg at {ctx.alpha:g}); the strongest is {best['a']} with "
            f"{best['b']} (correlation {best['strength']:.2f}).")
    evidence = Evidence(test="Spearman correlation matrix", n=int(found["n"].max()),
                        effect_size=float(found["strength"].median()),
                        details={"significant_pairs": len(found), "pairs_tested": tested,
                                 **ctx.sampled})
    return Finding(InsightKind.CORRELATION, f"{len(found)} correlated pairs among "
                   f"{len(shown)} numeric columns", text, shown, evidence,
                   float(found["strength"].median()), 1.0,
                   lambda: heatmap_chart(matrix.round(3), x="column", y="with column",
                                         value="Spearman ρ", title="Correlations (Spearman ρ)"))
