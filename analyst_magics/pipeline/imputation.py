"""Filling gaps in numeric columns from similar rows, conservatively.

Only numeric columns with at most :data:`MAX_MISSING_SHARE` of their values missing are filled;
a column missing more is left as it is (a model would be inventing most of it), and text,
categorical, boolean and date gaps are never filled. The log names every column left alone.

Two models, chosen by cost (measured on a 2-core machine, 10 numeric columns):

- **KNN** (:class:`sklearn.impute.KNNImputer`, 5 neighbours on standardised columns) when the
  rows to fill times the reference rows (at most :data:`KNN_REFERENCE_ROWS`) stay under
  :data:`KNN_MAX_DISTANCES`: 20,000 rows against 5,000 references took 10.5 s, so KNN is for
  small data only (on all of 100,000 rows it takes 52 s).
- **Iterative** (:class:`sklearn.impute.IterativeImputer`, Bayesian ridge regressions of each
  column on the others) fitted on :data:`ITERATIVE_FIT_ROWS` sampled rows and applied in chunks:
  0.9 s for 1,000,000 rows.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.experimental import enable_iterative_imputer  # noqa: F401  (enables the import below)
from sklearn.impute import IterativeImputer, KNNImputer
from threadpoolctl import threadpool_limits

from .outliers import numeric_matrix, numeric_positions
from .step_log import StepOutcome, column_label, count, skipped, unchanged

__all__ = [
    "ITERATIVE_FIT_ROWS",
    "KNN_MAX_DISTANCES",
    "KNN_REFERENCE_ROWS",
    "MAX_MISSING_SHARE",
    "MIN_ROWS",
    "impute_numeric",
]

#: Columns missing more than this share of values are left alone.
MAX_MISSING_SHARE = 0.30
#: Below this many rows there are too few neighbours to learn from: the step is skipped.
MIN_ROWS = 20
KNN_NEIGHBORS = 5
#: KNN compares each row to fill with at most this many sampled reference rows.
KNN_REFERENCE_ROWS = 5_000
#: KNN is used while (rows to fill) x (reference rows) stays under this (about 2 s measured).
KNN_MAX_DISTANCES = 20_000_000
#: The iterative model is fitted on at most this many sampled rows.
ITERATIVE_FIT_ROWS = 10_000
ITERATIVE_MAX_ROUNDS = 10
#: Rows transformed at a time, which bounds the extra memory on large frames.
CHUNK_ROWS = 100_000


def impute_numeric(frame: pd.DataFrame, *, random_state: int = 0) -> StepOutcome:
    """Fill the gaps of numeric columns missing at most :data:`MAX_MISSING_SHARE` of values.

    Columns keep their dtype; columns of whole numbers receive rounded values. Boolean
    columns (such as the outlier flag) are neither used nor filled.
    """
    if len(frame) < MIN_ROWS:
        return skipped(frame, f"{count(len(frame), 'row')}, fewer than the {MIN_ROWS} needed to "
                              "learn values from similar rows")
    positions = numeric_positions(frame)
    matrix = numeric_matrix(frame, positions)
    missing = frame.iloc[:, positions].isna().to_numpy()
    share = missing.mean(axis=0)
    usable = (share <= MAX_MISSING_SHARE) & np.isfinite(matrix).any(axis=0)
    targets = usable & (share > 0)
    left = _left_alone(frame, set(np.asarray(positions, dtype=int)[targets].tolist()))
    if not targets.any():
        return unchanged(frame, "no numeric column with missing values that can be filled",
                         left_missing=left)
    columns, missing = np.asarray(positions)[usable], missing[:, usable]
    rows, values, model = _complete(matrix[:, usable], missing, random_state)
    data = frame.copy(deep=False)
    filled = {}
    for j in np.flatnonzero(missing.any(axis=0)):
        gaps = missing[:, j]
        data.isetitem(columns[j], _with_filled(frame.iloc[:, columns[j]], gaps,
                                               values[gaps[rows], j]))
        filled[column_label(frame.columns[columns[j]])] = int(gaps.sum())
    return StepOutcome(
        data,
        f"Filled {count(sum(filled.values()), 'missing value')} in "
        f"{count(len(filled), 'numeric column')} ({model['method']}).",
        columns=list(filled),
        details={"filled": filled, **model, "left_missing": left},
    )


def _complete(matrix: np.ndarray, missing: np.ndarray, random_state: int,
              ) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """The rows with gaps, those rows completed by the model, and how they were completed."""
    # Standardised, so that no column dominates the distances or the regressions by its unit.
    with np.errstate(over="ignore", invalid="ignore"):  # values near the float limit
        center = np.nanmean(matrix, axis=0)
        scale = np.nanstd(matrix, axis=0)
    center[~np.isfinite(center)] = 0.0
    scale[~((scale > 0) & np.isfinite(scale))] = 1.0
    rows = np.flatnonzero(missing.any(axis=1))
    rng = np.random.default_rng(random_state)
    imputer, model = _model(len(rows), len(matrix), random_state)
    reference = rng.choice(len(matrix), size=min(len(matrix), model["fit_rows"]), replace=False)
    # One BLAS thread: on matrices this narrow more threads only wait on each other (CPU time
    # 1.7 s -> 0.6 s, wall time 4.1 s -> 1.9 s, for 300,000 rows on a shared 2-core machine).
    # Values near the float limit overflow the distances; that overflow is not an error here.
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"), np.errstate(
            over="ignore", invalid="ignore"):
        # Not reaching the tolerance is reported in the log (rounds == max_rounds), not raised.
        warnings.simplefilter("ignore", ConvergenceWarning)
        imputer.fit((matrix[reference] - center) / scale)
        completed = np.empty((len(rows), matrix.shape[1]))
        for start in range(0, len(rows), CHUNK_ROWS):
            chunk = slice(start, start + CHUNK_ROWS)
            completed[chunk] = imputer.transform((matrix[rows[chunk]] - center) / scale)
    if isinstance(imputer, IterativeImputer):
        model["rounds"] = int(imputer.n_iter_)
    return rows, completed * scale + center, model


def _model(n_fill: int, n_rows: int, random_state: int,
           ) -> tuple[KNNImputer | IterativeImputer, dict[str, Any]]:
    """KNN while it is affordable, the iterative model otherwise (see the module docstring)."""
    reference = min(n_rows, KNN_REFERENCE_ROWS)
    if n_fill * reference <= KNN_MAX_DISTANCES:
        return (KNNImputer(n_neighbors=KNN_NEIGHBORS, keep_empty_features=True),
                {"method": f"KNN, {KNN_NEIGHBORS} neighbours", "fit_rows": reference})
    imputer = IterativeImputer(max_iter=ITERATIVE_MAX_ROUNDS, random_state=random_state,
                               keep_empty_features=True)
    return imputer, {"method": "iterative Bayesian ridge", "max_rounds": ITERATIVE_MAX_ROUNDS,
                     "fit_rows": min(n_rows, ITERATIVE_FIT_ROWS)}


def _with_filled(column: pd.Series, gaps: np.ndarray, new: np.ndarray) -> pd.Series:
    """``column`` with the values at ``gaps`` set to ``new``, in the column's own dtype.

    A column of whole numbers (a count, a 1-5 rating) receives whole numbers.
    """
    values = column.to_numpy(dtype="float64", na_value=np.nan, copy=True)
    known = values[~gaps]
    whole = np.array_equal(known, np.round(known), equal_nan=True)
    values[gaps] = np.round(new) if whole else new
    return pd.Series(values, index=column.index, name=column.name).astype(column.dtype)


def _left_alone(frame: pd.DataFrame, filled: set[int]) -> dict[str, str]:
    """Why each column with gaps other than the ``filled`` positions is left alone, by name."""
    counts = frame.isna().sum().to_numpy()
    reasons = {}
    for pos in np.flatnonzero(counts):
        dtype = frame.dtypes.iloc[pos]
        if pos in filled:
            continue
        if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            reason = f"{dtype} column: only numeric gaps are filled"
        elif counts[pos] > MAX_MISSING_SHARE * len(frame):
            reason = f"{counts[pos] / len(frame):.0%} missing, more than {MAX_MISSING_SHARE:.0%}"
        else:
            reason = "no finite value to learn from"
        reasons[column_label(frame.columns[pos])] = reason
    return reasons
