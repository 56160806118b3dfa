"""Facts about the data's quality: missing values (and what they go with), empty columns,
one value dominating a column, duplicate rows.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ...formatting import number, p_text, percent
from ...models import ChartSpec, Evidence, InsightKind
from ..chart_specs import TOP_CATEGORIES, bar_chart, count_chart, group_means
from .base import MIN_EFFECT, Context, Finding, adjust, significance, size_confidence
from .correlation import correlation_p, pairwise_correlation
from .segment import MAX_CATEGORY_COLUMNS, MAX_GROUPS, group_codes, variance_share

__all__ = ["find_duplicates", "find_imbalance", "find_missingness"]

#: Share of missing values from which a column gets a card.
MISSING = 0.05
#: Columns whose missingness is tested against the other columns.
MAX_MISSING_COLUMNS = 10
MAX_VALUE_COLUMNS = 10
#: Strength of "these columns are empty": certain, but mundane next to a real relationship.
EMPTY_STRENGTH = 0.6
#: Share of the most frequent value from which a column is called dominated by it.
DOMINANT = 0.8
#: Share of duplicate rows at which the duplicates finding reaches half strength.
HALF_DUPLICATES = 0.05


def find_missingness(ctx: Context) -> list[Finding]:
    """Columns with many missing values, empty columns, and what missingness goes with."""
    rows = len(ctx.data)
    if rows == 0:
        return []
    shares = pd.Series(ctx.missing, dtype=float) / rows
    gaps = shares[(shares >= MISSING) & (shares < 1)].sort_values(ascending=False)
    findings = [_missing(ctx, name, shares) for name in gaps.index]
    if (shares == 1).any():
        findings.append(_empty(ctx, shares[shares == 1].index.tolist(), shares))
    return findings + _associations(ctx, gaps.index[:MAX_MISSING_COLUMNS].tolist())


def _missing_chart(shares: pd.Series) -> ChartSpec | None:
    top = shares[shares > 0].sort_values(ascending=False).head(TOP_CATEGORIES)
    return bar_chart(top * 100, x="column", y="missing %", title="Missing values by column",
                     y_label="% of rows missing")


def _missing(ctx: Context, name: str, shares: pd.Series) -> Finding:
    count = ctx.missing[name]
    text = (f"{name} is missing in {percent(shares[name])} of rows ({count:,} of "
            f"{len(ctx.data):,}).")
    evidence = Evidence(test="Share of missing values", statistic=float(count),
                        effect_size=float(shares[name]), n=len(ctx.data))
    return Finding(InsightKind.MISSINGNESS, f"{name} is {percent(shares[name])} missing", text,
                   [name], evidence, float(shares[name]), size_confidence(len(ctx.data)),
                   lambda: _missing_chart(shares))


def _empty(ctx: Context, names: list[str], shares: pd.Series) -> Finding:
    shown = ", ".join(names[:10]) + (f" and {len(names) - 10:,} more" if len(names) > 10 else "")
    many = len(names) > 1
    text = (f"{len(names):,} of {len(shares):,} columns {'are' if many else 'is'} entirely "
            f"empty: {shown}. {'They hold' if many else 'It holds'} no information and can be "
            "dropped.")
    evidence = Evidence(test="Share of missing values", statistic=float(len(names)),
                        effect_size=len(names) / len(shares), n=len(ctx.data),
                        details={"columns": names})
    title = f"{len(names):,} empty column{'s' if many else ''}"
    return Finding(InsightKind.MISSINGNESS, title, text, names, evidence, EMPTY_STRENGTH,
                   size_confidence(len(ctx.data)), lambda: _missing_chart(shares))


def _associations(ctx: Context, columns: list[str]) -> list[Finding]:
    """Missingness tested against numbers (point-biserial r) and categories (χ² via η²)."""
    if not columns:
        return []
    flags = ctx.sample[columns].isna().to_numpy(dtype=float)
    values = ctx.paired[:MAX_VALUE_COLUMNS]
    r, n = pairwise_correlation(flags, ctx.values[:, :len(values)])
    tests = [{"column": c, "other": v, "strength": abs(r[i, j]), "signed": r[i, j], "n": n[i, j],
              "p": correlation_p(r[i, j], n[i, j]), "group": None}
             for i, c in enumerate(columns) for j, v in enumerate(values)]
    categories = [c for c in ctx.categorical if ctx.distinct[c] <= MAX_GROUPS]
    for category in categories[:MAX_CATEGORY_COLUMNS]:
        codes, groups = group_codes(ctx.sample[category])
        tests.extend(_chi2(flags[:, i], c, category, codes, groups)
                     for i, c in enumerate(columns) if c != category)
    table = pd.DataFrame(tests, columns=["column", "other", "strength", "signed", "n", "p",
                                         "group"])
    table["q"] = adjust(table["p"].to_numpy(dtype=float))
    found = table[(table["q"] <= ctx.alpha) & (table["strength"] >= MIN_EFFECT)]
    tested = int(table["p"].notna().sum())
    return [_association(ctx, row, tested) for row in found.itertuples(index=False)]


def _chi2(flag: np.ndarray, column: str, category: str, codes: np.ndarray,
          groups: pd.Index) -> dict[str, object]:
    valid = codes >= 0
    share, counts, rates = variance_share(flag[valid], codes[valid], len(groups))
    n, k = int(valid.sum()), int((counts > 0).sum())
    # For a 2 × k table, Pearson's χ² is n times the η² of the 0/1 flag between groups.
    p = float(stats.chi2.sf(n * share, k - 1)) if k >= 2 and np.isfinite(share) else np.nan
    worst = groups[int(np.nanargmax(np.where(counts > 0, rates, np.nan)))] if k else None
    return {"column": column, "other": category, "strength": np.sqrt(share), "signed": np.nan,
            "n": n, "p": p, "group": worst}


def _association(ctx: Context, row: Any, tested: int) -> Finding:
    numeric = np.isfinite(row.signed)
    flag = ctx.sample[row.column].isna()
    if numeric:
        other = ctx.sample[row.other]
        gone, kept = other[flag].mean(), other[~flag].mean()
        text = (f"Rows where {row.column} is missing have {'higher' if gone > kept else 'lower'} "
                f"{row.other} on average ({number(gone)} vs {number(kept)}; point-biserial "
                f"r = {row.signed:.2f}, {p_text(row.q)}).")
        test, chart = "Point-biserial correlation of the missing flag", lambda: bar_chart(
            pd.Series({f"{row.column} missing": gone, f"{row.column} present": kept}),
            x=row.column, y=row.other, title=f"Average {row.other} when {row.column} is missing",
            y_label=f"average {row.other}")
    else:
        rate = flag[(ctx.sample[row.other] == row.group).to_numpy()].mean()
        text = (f"{row.column} is missing more often when {row.other} is {row.group} "
                f"({percent(rate)} vs {percent(flag.mean())} overall; χ² {p_text(row.q)}, "
                f"Cramér's V = {row.strength:.2f}).")
        test, chart = "χ² test of the missing flag across groups (Cramér's V)", lambda: bar_chart(
            group_means(ctx.data[row.other], ctx.data[row.column].isna(), TOP_CATEGORIES) * 100,
            x=row.other, y="missing %", title=f"Missing {row.column} by {row.other}",
            y_label=f"% of {row.column} missing")
    evidence = Evidence(test=f"{test} (Benjamini–Hochberg adjusted)", statistic=row.strength,
                        p_value=row.q, effect_size=row.strength, n=int(row.n),
                        details={"p_raw": row.p, "tests": tested, **ctx.sampled})
    return Finding(InsightKind.MISSINGNESS, f"Missing {row.column} goes with {row.other}", text,
                   [row.column, row.other], evidence, float(row.strength),
                   significance(row.q, ctx.alpha), chart)


def find_imbalance(ctx: Context) -> list[Finding]:
    """Categorical columns where one value takes most of the rows."""
    findings = []
    for name, (value, count, present) in ctx.top_counts.items():  # one entry per column
        share, k = count / present, ctx.distinct[name]
        if share < DOMINANT or k < 2:
            continue
        others = f"the other {k - 1:,} values share" if k > 2 else "the other value has"
        text = (f"{name} is dominated by '{value}': {percent(share)} of {present:,} non-missing "
                f"rows; {others} {percent(1 - share)}.")
        evidence = Evidence(test="Share of the most frequent value", statistic=share,
                            effect_size=share, n=present, details={"value": value, "distinct": k})
        findings.append(Finding(
            InsightKind.IMBALANCE, f"{name} is dominated by one value", text, [name], evidence,
            (share - 1 / k) / (1 - 1 / k), size_confidence(present),
            partial(count_chart, ctx.data[name], column=name)))
    return findings


def find_duplicates(ctx: Context) -> list[Finding]:
    """Exact duplicate rows, as counted by the profile."""
    rows, count = len(ctx.data), ctx.duplicate_rows
    if rows < 2 or count == 0:
        return []
    share = count / rows
    text = (f"{count:,} rows ({percent(share)}) repeat an earlier row exactly; drop them with "
            "df.drop_duplicates() unless repeated records are expected.")
    evidence = Evidence(test="Exact duplicate rows", statistic=float(count), effect_size=share,
                        n=rows)
    counts = pd.Series({"unique rows": rows - count, "duplicate rows": count})
    return [Finding(InsightKind.DUPLICATES, f"{count:,} duplicate rows", text, [], evidence,
                    share / (share + HALF_DUPLICATES), size_confidence(rows),
                    lambda: bar_chart(counts, x="rows", y="count", title="Duplicate rows"))]
