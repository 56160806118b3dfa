"""Outlier flagging with an Isolation Forest: rows are marked in a boolean column, never dropped.

The forest is fitted on a random sample (at most :data:`FIT_SAMPLE_ROWS` rows) and scores every
row, so the cost of fitting does not grow with the data.

Choices, measured on a synthetic frame (uniform integers, Gaussian floats with gaps, 0.45% of
rows holding a value 18+ standard deviations out):

- The flagged share is :data:`CONTAMINATION` (1%), taken from the scores of all rows.
  scikit-learn's ``"auto"`` threshold flagged 22% of that frame, which is not what anyone
  means by an outlier. The flag reads "the 1% most isolated rows"; the user decides.
- Trees grow on :data:`TREE_SAMPLE_ROWS` rows instead of scikit-learn's 256. A tree grown on
  256 rows rarely sees an extreme value, puts a value 20 deviations out in the same leaf as
  one 3 deviations out, and found 29% of the planted rows; on 4,096 rows it found all of them.
  Deeper trees score more slowly, so there are :data:`N_ESTIMATORS` of them rather than
  100: 50 trees on 4,096 rows scored faster (2.3 s against 4.2 s for 300,000 rows) and better.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest

from .step_log import StepOutcome, column_label, count, skipped

__all__ = [
    "CONTAMINATION",
    "FIT_SAMPLE_ROWS",
    "MIN_ROWS",
    "flag_outliers",
    "numeric_positions",
    "numeric_matrix",
]

#: Share of rows flagged (see the module docstring for why not ``"auto"``).
CONTAMINATION = 0.01
#: The forest is fitted on at most this many rows, then scores all rows.
FIT_SAMPLE_ROWS = 100_000
#: Below this many rows "isolated" means little: the step is skipped.
MIN_ROWS = 50
#: Trees in the forest (scoring time is proportional to it; see the module docstring).
N_ESTIMATORS = 50
#: Rows each tree is grown on (scikit-learn's default is 256; see the module docstring).
TREE_SAMPLE_ROWS = 4096
#: How many flagged row labels the log lists.
EXAMPLES = 10


def numeric_positions(frame: pd.DataFrame) -> list[int]:
    """Positions of the real-valued columns worth modelling: not boolean, not entirely missing."""
    api = pd.api.types
    numeric = [pos for pos, dtype in enumerate(frame.dtypes) if api.is_numeric_dtype(dtype)
               and not (api.is_bool_dtype(dtype) or api.is_complex_dtype(dtype))]
    present = frame.iloc[:, numeric].notna().any().to_numpy()
    return np.asarray(numeric, dtype=int)[present].tolist()


def numeric_matrix(frame: pd.DataFrame, positions: list[int]) -> np.ndarray:
    """The columns at ``positions`` as one float64 array, with infinities as NaN."""
    matrix = frame.iloc[:, positions].to_numpy(dtype="float64", na_value=np.nan, copy=True)
    matrix[np.isinf(matrix)] = np.nan
    return matrix


def _fill_with(matrix: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``matrix`` with each column's NaN replaced by ``values[column]``."""
    return np.where(np.isnan(matrix), values, matrix).astype(np.float32)


def _medians(fit: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Column medians of the sample ``fit``; of all rows for a column the sample has no value of."""
    seen = ~np.isnan(fit).all(axis=0)
    medians = np.empty(matrix.shape[1])
    medians[seen] = np.nanmedian(fit[:, seen], axis=0)
    medians[~seen] = np.nanmedian(matrix[:, ~seen], axis=0)
    return medians


def _unique_name(frame: pd.DataFrame, wanted: str) -> str:
    names = {column_label(c) for c in frame.columns}
    candidate, n = wanted, 1
    while candidate in names:
        n += 1
        candidate = f"{wanted}_{n}"
    return candidate


def flag_outliers(frame: pd.DataFrame, *, column: str = "is_outlier",
                  random_state: int = 0) -> StepOutcome:
    """Add a boolean ``column`` that is True for the rows an Isolation Forest finds isolated.

    Missing values are replaced by the column's median for scoring only (the data keep their
    gaps). Skipped, with the reason, when there are fewer than :data:`MIN_ROWS` rows or no
    numeric column with more than one distinct value.
    """
    if len(frame) < MIN_ROWS:
        return skipped(frame, f"{count(len(frame), 'row')}, fewer than the {MIN_ROWS} an "
                              "outlier model needs")
    positions = numeric_positions(frame)
    matrix = numeric_matrix(frame, positions)
    varying = np.nanmax(matrix, axis=0, initial=-np.inf) > np.nanmin(matrix, axis=0,
                                                                     initial=np.inf)
    if not varying.any():
        return skipped(frame, "no numeric column with more than one distinct value")
    positions = np.asarray(positions)[varying].tolist()
    scores, fit_rows = _isolation_scores(matrix[:, varying], random_state)
    # The threshold comes from all rows' scores (not the sample's, as scikit-learn's
    # contamination would): at most 1% of the rows, and the sample is not scored twice.
    flags = scores < np.quantile(scores, CONTAMINATION)
    name = _unique_name(frame, column)
    return StepOutcome(
        frame.assign(**{name: flags}),
        f"Flagged {int(flags.sum()):,} of {count(len(frame), 'row')} as outliers in column "
        f"{name!r} (Isolation Forest on {count(len(positions), 'numeric column')}; "
        "no row removed).",
        columns=[column_label(frame.columns[p]) for p in positions],
        details=_details(frame, flags, name, column, fit_rows),
    )


def _isolation_scores(matrix: np.ndarray, random_state: int) -> tuple[np.ndarray, int]:
    """Isolation Forest scores of every row (lower: more isolated), and the rows fitted on."""
    rng = np.random.default_rng(random_state)
    fit = matrix[rng.choice(len(matrix), size=min(len(matrix), FIT_SAMPLE_ROWS), replace=False)]
    medians = _medians(fit, matrix)
    forest = IsolationForest(n_estimators=N_ESTIMATORS, random_state=random_state,
                             max_samples=min(len(fit), TREE_SAMPLE_ROWS))
    forest.fit(_fill_with(fit, medians))
    return forest.score_samples(_fill_with(matrix, medians)), len(fit)


def _details(frame: pd.DataFrame, flags: np.ndarray, name: str, wanted: str,
             fit_rows: int) -> dict[str, Any]:
    details: dict[str, Any] = {
        "flagged": int(flags.sum()),
        "outlier_column": name,
        "method": "IsolationForest",
        "contamination": CONTAMINATION,
        "n_estimators": N_ESTIMATORS,
        "fit_rows": fit_rows,
        "examples": frame.index[flags][:EXAMPLES].tolist(),
    }
    if name != wanted:
        details["note"] = f"a column named {wanted!r} already exists, so the flag is {name!r}"
    return details
