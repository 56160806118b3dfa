"""What every finding family shares: the context, the :class:`Finding` record, scores and words.

Scoring
-------
Findings of every kind rank together by ``score = weight(kind) × strength × confidence``:

* **strength** (0–1) is the effect size on one scale. Relationships use an r-like scale: ``|r|``
  for correlations, ``√ε²`` for segment differences (ε² is the share of rank variance the
  segments explain), ``sin(π|τ|/2)`` for a Kendall-τ trend (Greiner's relation to r), scaled down
  when the fitted change is under 10 %. Outliers use ``(z − 3)/(z + 2)`` of their robust z.
  Data-quality facts use the share of rows (or columns) they affect. Relationships weaker than
  :data:`MIN_EFFECT` are dropped however significant: on a million rows nearly everything is.
* **confidence** (0–1) is, for tested findings, how far the Benjamini–Hochberg adjusted p-value
  ``q`` lies below ``alpha`` on a log scale: ``log q / log(alpha / 1000)``, so ``q = alpha``
  gives about 0.3 and ``q ≤ alpha / 1000`` gives 1; findings with ``q > alpha`` are dropped.
  Descriptive facts (missingness, imbalance, duplicates) get ``n / (n + 30)``: a handful
  of rows says little.
* **weight** (:data:`WEIGHTS`) puts relationships between columns, which analysts look for,
  above facts about one column, which are context.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import stats

from ...models import ChartSpec, Evidence, Insight, InsightKind

__all__ = [
    "MAX_PAIRED_COLUMNS",
    "MIN_EFFECT",
    "SAMPLE_ROWS",
    "WEIGHTS",
    "Context",
    "Finding",
    "adjust",
    "average_ranks",
    "extreme_p",
    "outlier_strength",
    "significance",
    "size_confidence",
]

#: Weakest relationship reported, on the r scale (Cohen's "small").
MIN_EFFECT = 0.1
#: Rows kept for pairwise statistics; larger frames are sampled with :data:`SEED`. At 50,000
#: rows an effect at :data:`MIN_EFFECT` has p < 1e-100, so more rows would only cost time.
SAMPLE_ROWS = 50_000
SEED = 0
#: Numeric columns examined pairwise (the most varied ones): 50 columns are 1,225 pairs.
MAX_PAIRED_COLUMNS = 50
#: Efficiency of the median absolute deviation and the IQR as estimates of spread.
ROBUST_EFFICIENCY = 0.37
#: Rows at which a descriptive fact gets half confidence.
HALF_CONFIDENCE_ROWS = 30
WEIGHTS = {
    InsightKind.TREND: 1.0,
    InsightKind.SEGMENT_DIFFERENCE: 1.0,
    InsightKind.CORRELATION: 0.9,  # derived columns (price, units, revenue) correlate trivially
    InsightKind.ANOMALY: 0.8,
    InsightKind.MISSINGNESS: 0.7,
    InsightKind.DUPLICATES: 0.6,
    InsightKind.SKEW: 0.5,
    InsightKind.IMBALANCE: 0.5,
}


@dataclass
class Context:
    """The frame and the columns each finding family works on, chosen once from the profile.

    ``data`` has string column labels; ``sample`` is ``data`` itself or a fixed-seed sample of
    :data:`SAMPLE_ROWS` rows, on which every pairwise test runs. ``summary`` holds the profile's
    figures of the numeric columns (``n``, ``mean``, ``std``, ``skew``, ``min``, ``q1``,
    ``median``, ``q3``, ``max``); ``top_counts`` the most frequent value of each categorical
    column, its count and the column's count of non-missing values.
    """

    data: pd.DataFrame
    alpha: float
    numeric: list[str]
    categorical: list[str]
    times: list[str]
    missing: dict[str, int]
    distinct: dict[str, int]
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    top_counts: dict[str, tuple[object, int, int]] = field(default_factory=dict)
    duplicate_rows: int = 0

    @cached_property
    def sample(self) -> pd.DataFrame:
        if len(self.data) <= SAMPLE_ROWS:
            return self.data
        rows = np.random.default_rng(SEED).choice(len(self.data), SAMPLE_ROWS, replace=False)
        return self.data.take(np.sort(rows))

    @property
    def sampled(self) -> dict[str, object]:
        """Evidence details saying whether (and how) the statistic was computed on a sample."""
        if len(self.sample) == len(self.data):
            return {}
        return {"sample": f"computed on a random sample of {len(self.sample):,} of "
                          f"{len(self.data):,} rows (seed {SEED})"}

    @property
    def paired(self) -> list[str]:
        """The numeric columns pairwise statistics look at: the most varied ones."""
        return self.numeric[:MAX_PAIRED_COLUMNS]

    @cached_property
    def values(self) -> np.ndarray:
        """The sampled :attr:`paired` columns as one float matrix; missing or infinite: NaN."""
        if not self.paired:
            return np.empty((len(self.sample), 0))
        values = self.sample[self.paired].to_numpy(dtype=float, na_value=np.nan)
        return np.where(np.isfinite(values), values, np.nan)

    @cached_property
    def ranks(self) -> np.ndarray:
        """Ranks of :attr:`values` per column (ties averaged, NaN kept)."""
        return average_ranks(self.values)


@dataclass(eq=False)  # compared by identity while ranking
class Finding:
    """A candidate insight; its chart is drawn only if it makes the final list."""

    kind: InsightKind
    title: str
    text: str
    columns: list[str]
    evidence: Evidence
    strength: float
    confidence: float
    chart: Callable[[], ChartSpec | None]

    @property
    def score(self) -> float:
        raw = WEIGHTS[self.kind] * self.strength * self.confidence
        return round(min(1.0, max(0.0, raw)), 4)

    def to_insight(self) -> Insight:
        return Insight(kind=self.kind, title=self.title, text=self.text, score=self.score,
                       columns=self.columns, evidence=self.evidence, chart=self.chart())


def average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks (1 to n, ties averaged, NaN kept) of each column of a 2-D array.

    Sorts each column once, in a transposed copy so that every sort runs over contiguous memory
    (about twice as fast as ``DataFrame.rank``); runs of equal values get the mean of their
    first and last positions.
    """
    rows = np.ascontiguousarray(values.T)
    order = np.argsort(rows, axis=1)
    ordered = np.take_along_axis(rows, order, axis=1)
    starts = np.ones(rows.shape, dtype=bool)
    np.not_equal(ordered[:, 1:], ordered[:, :-1], out=starts[:, 1:])
    ends = np.ones(rows.shape, dtype=bool)
    ends[:, :-1] = starts[:, 1:]
    position = np.arange(rows.shape[1], dtype=float)
    first = np.maximum.accumulate(np.where(starts, position, 0.0), axis=1)
    last = np.minimum.accumulate(np.where(ends, position, np.inf)[:, ::-1], axis=1)[:, ::-1]
    ranks = np.empty(rows.shape)
    np.put_along_axis(ranks, order, (first + last) / 2 + 1, axis=1)
    ranks[np.isnan(rows)] = np.nan
    return ranks.T


def adjust(p_values: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (``q``); NaN stays NaN and is not counted as a test."""
    p_values = np.asarray(p_values, dtype=float)
    adjusted = np.full(p_values.shape, np.nan)
    tested = ~np.isnan(p_values)
    if tested.any():
        adjusted[tested] = stats.false_discovery_control(p_values[tested], method="bh")
    return adjusted


def significance(q: float, alpha: float) -> float:
    """Confidence of a tested finding from its adjusted p-value (see the module docstring)."""
    if not q <= alpha:
        return 0.0
    if q <= 0:
        return 1.0
    return min(1.0, math.log(q) / math.log(alpha / 1000))


def size_confidence(n: int) -> float:
    """Confidence of a descriptive fact seen on ``n`` rows."""
    return n / (n + HALF_CONFIDENCE_ROWS)


def extreme_p(z: np.ndarray | float, n: int | np.ndarray) -> np.ndarray:
    """Chance that the farthest of ``n`` normal values lies ``z`` robust deviations out.

    ``z`` is scaled by a quartile- or MAD-based spread, itself estimated from the ``n`` values
    with about 37 % of the efficiency of a standard deviation: a t distribution with that many
    degrees of freedom keeps the false-positive rate at its nominal level down to 20 values
    (a normal tail would flag one column of pure noise in five at that size). Bonferroni over
    the ``n`` values.
    """
    freedom = np.maximum(1.0, ROBUST_EFFICIENCY * np.asarray(n, dtype=float))
    return np.minimum(1.0, 2 * stats.t.sf(np.abs(z), freedom) * n)


def outlier_strength(z: float) -> float:
    """Strength of a value ``z`` robust standard deviations out: 0 at 3, 0.5 at 8, → 1."""
    return max(0.0, (abs(z) - 3) / (abs(z) + 2))
