"""One numeric column at a time: strong skew, and extreme outliers.

Moments, quartiles and extremes come from the profile (computed once, on every row); outliers
are counted only for the columns whose most extreme value is significantly far out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ...formatting import number, p_text, percent
from ...models import Evidence, InsightKind
from ..chart_specs import histogram_chart
from .base import Context, Finding, adjust, extreme_p, outlier_strength, significance

__all__ = ["find_distributions", "skew_p"]

#: Fewest values for a skewness or an outlier to mean anything.
MIN_ROWS = 20
#: |skewness| from which a column is called skewed, and from which it is "strongly" skewed.
SKEW, STRONG_SKEW = 1.0, 2.0
#: Tukey's far-out fences: this many interquartile ranges beyond the quartiles.
FENCE = 3.0
#: Interquartile range of a standard normal distribution.
IQR_SIGMA = 1.349


def find_distributions(ctx: Context) -> list[Finding]:
    """Skewed numeric columns and columns with significant far-out values (from the profile)."""
    summary = ctx.summary[ctx.summary["n"] >= MIN_ROWS]
    if summary.empty:
        return []
    summary = summary.assign(q=adjust(skew_p(summary["skew"].to_numpy(),
                                             summary["n"].to_numpy())))
    skewed = summary[(summary["skew"].abs() >= SKEW) & (summary["q"] <= ctx.alpha)]
    return [_skew(ctx, name, row) for name, row in skewed.iterrows()] + _outliers(ctx, summary)


def skew_p(skewness: np.ndarray, n: np.ndarray) -> np.ndarray:
    """D'Agostino's two-sided skewness test (as ``scipy.stats.skewtest``) for many columns at once.

    ``skewness`` is pandas' adjusted Fisher–Pearson coefficient; ``n`` (≥ 8) the values behind it.
    """
    n = np.asarray(n, dtype=float)
    biased = np.asarray(skewness, dtype=float) * (n - 2) / np.sqrt(n * (n - 1))
    y = biased * np.sqrt((n + 1) * (n + 3) / (6 * (n - 2)))
    beta2 = 3 * (n**2 + 27 * n - 70) * (n + 1) * (n + 3) / ((n - 2) * (n + 5) * (n + 7) * (n + 9))
    w2 = np.sqrt(2 * (beta2 - 1)) - 1
    delta, scale = 1 / np.sqrt(0.5 * np.log(w2)), np.sqrt(2 / (w2 - 1))
    z = delta * np.arcsinh(y / scale)
    return 2 * stats.norm.sf(np.abs(z))


def _skew(ctx: Context, name: str, row: pd.Series) -> Finding:
    side = "right" if row["skew"] > 0 else "left"
    degree = "strongly" if abs(row["skew"]) >= STRONG_SKEW else "moderately"
    if row["median"] > 0 and row["mean"] > 0:
        gap = row["mean"] / row["median"] - 1
        compare = f"its mean ({number(row['mean'])}) is {percent(abs(gap))} " \
                  f"{'above' if gap > 0 else 'below'} its median ({number(row['median'])})"
    else:
        compare = f"its mean is {number(row['mean'])}, its median {number(row['median'])}"
    advice = "The median describes a typical value better than the mean"
    if row["skew"] > 0 and row["min"] >= 0:
        scale = "a log scale" if row["min"] > 0 else "log(1 + x)"
        advice = f"{scale.capitalize()} shows its shape better, and the median describes a " \
                 "typical value better than the mean"
    text = (f"{name} is {degree} {side}-skewed (skewness {row['skew']:.1f}, {p_text(row['q'])}): "
            f"{compare}. {advice}.")
    n = int(row["n"])
    evidence = Evidence(test="Skewness (adjusted Fisher–Pearson), D'Agostino test "
                             "(Benjamini–Hochberg adjusted)", statistic=row["skew"],
                        p_value=row["q"], effect_size=abs(row["skew"]), n=n,
                        details={"mean": row["mean"], "median": row["median"], "min": row["min"]})
    return Finding(InsightKind.SKEW, f"{name} is {side}-skewed", text, [name], evidence,
                   abs(row["skew"]) / (abs(row["skew"]) + 3), significance(row["q"], ctx.alpha),
                   lambda: histogram_chart(ctx.data[name], column=name,
                                           log=row["skew"] > 0 and row["min"] >= 0))


def _outliers(ctx: Context, summary: pd.DataFrame) -> list[Finding]:
    """Columns whose most extreme value is far out, judged on a log scale when right-skewed."""
    log = (summary["min"] > 0) & (summary["q1"] > 0) & (summary["skew"] >= SKEW)
    scale = summary[["q1", "median", "q3", "min", "max"]].astype(float)
    scale[log] = np.log(scale[log])
    sigma = (scale["q3"] - scale["q1"]) / IQR_SIGMA
    # On a log scale the long left tail of a positive skewed column is an artefact of the log:
    # only its high values are judged there.
    low = (scale["median"] - scale["min"]).where(~log, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.maximum(scale["max"] - scale["median"], low) / sigma
    z = z.where(sigma > 0)
    q = pd.Series(adjust(np.asarray(extreme_p(z, summary["n"]))), index=summary.index)
    far = z >= (FENCE + 0.5) * IQR_SIGMA  # beyond a fence, even for a symmetric column
    found = []
    for name in summary.index[(q <= ctx.alpha) & far]:  # a few columns, each counted at once
        iqr = scale.at[name, "q3"] - scale.at[name, "q1"]
        fences = np.array([scale.at[name, "q1"] - FENCE * iqr, scale.at[name, "q3"] + FENCE * iqr])
        if log[name]:
            fences = np.array([-np.inf, np.exp(fences[1])])
        found.append(_outlier(ctx, name, summary.loc[name], fences, float(z[name]), float(q[name]),
                              bool(log[name])))
    return found


def _outlier(ctx: Context, name: str, row: pd.Series, fences: np.ndarray, z: float, q: float,
             log: bool) -> Finding:
    values = ctx.data[name].to_numpy(dtype=float, na_value=np.nan)
    count = int(((values < fences[0]) | (values > fences[1])).sum())
    extreme = row["max"] if row["max"] > fences[1] else row["min"]
    share = count / int(row["n"])
    lies = "values lie" if count > 1 else "value lies"
    outside = (f"above {number(fences[1])} (judged on a log scale)" if log else
               f"outside {number(fences[0])} to {number(fences[1])}")
    text = (f"{count:,} {lies} far from the rest of {name} ({percent(share)}): {outside}, "
            f"three interquartile ranges past the quartiles; the most extreme is "
            f"{number(extreme)} (robust z = {z:.1f}, {p_text(q)}).")
    evidence = Evidence(
        test="Tukey far-out fences (3×IQR) and robust z of the most extreme value (Bonferroni "
             "over rows, Benjamini–Hochberg over columns)",
        statistic=z, p_value=q, effect_size=share, n=int(row["n"]),
        details={"outliers": count, "lower_fence": fences[0], "upper_fence": fences[1],
                 "log_scale": log, "most_extreme": extreme})
    title = f"{name} has {'extreme outliers' if count > 1 else 'an extreme outlier'}"
    return Finding(InsightKind.ANOMALY, title, text, [name], evidence, outlier_strength(z),
                   significance(q, ctx.alpha),
                   lambda: histogram_chart(values, column=name, log=log))
