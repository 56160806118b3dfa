"""Cleaning a DataFrame step by step, with a log of what each step changed.

The steps run in a fixed order, each on the previous one's output:

1. ``normalize_columns``: lowercase, underscored, unique column names (original -> new kept);
2. ``trim``: surrounding whitespace removed from text; empty text becomes missing;
3. ``infer_types``: text holding booleans, numbers, dates or a few repeated labels is typed;
4. ``drop_duplicates``: exact duplicate rows removed (the first one kept);
5. ``flag_outliers``: rows an Isolation Forest isolates flagged in a boolean column;
6. ``impute``: gaps in numeric columns missing at most 30% filled from similar rows.

Every step can be turned off and every step appears in the log, with "No change" or
"Skipped" and the reason when it did nothing, so the log shows what was checked. The input
DataFrame is never modified.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from ..data_utils import new_column_names
from ..errors import AnalystError
from ..models import CleaningReport, CleaningResult, CleaningStep
from ..progress import ProgressCallback, report
from ..validation import require_frame
from . import imputation, outliers, type_inference
from .step_log import Snapshot, StepOutcome, column_label, count, run_step, skipped, unchanged

__all__ = ["STEPS", "clean"]

#: The steps in the order they run; each name is also the keyword that turns it off.
STEPS = ("normalize_columns", "trim", "infer_types", "drop_duplicates", "flag_outliers",
         "impute")
#: Duplicate row labels quoted in the log.
EXAMPLES = 10


def clean(
    df: pd.DataFrame,
    *,
    normalize_columns: bool = True,
    trim: bool = True,
    infer_types: bool = True,
    drop_duplicates: bool = True,
    flag_outliers: bool = True,
    impute: bool = True,
    outlier_column: str = "is_outlier",
    random_state: int = 0,
    progress: ProgressCallback | None = None,
) -> CleaningResult:
    """Clean a copy of ``df`` and log every step with before/after figures.

    Defaults are conservative: outliers are flagged in ``outlier_column``, never dropped;
    only exact duplicate rows are removed; only numeric gaps in columns missing at most 30%
    are filled; categories are never invented. The row index is kept.

    Parameters
    ----------
    df : DataFrame
        The data; it is not modified.
    normalize_columns, trim, infer_types, drop_duplicates, flag_outliers, impute : bool
        Turn a step off (it is then logged as skipped).
    outlier_column : str
        Name of the boolean outlier flag (suffixed ``_2``, ... if the name is taken).
    random_state : int
        Seed of the samples and models, so the same input gives the same result.
    progress : callable, optional
        Called as ``progress(step_name, fraction_done)`` before each step and with
        ``("done", 1.0)`` at the end.

    Returns
    -------
    CleaningResult
        ``.data``: the cleaned DataFrame; ``.report``: the step-by-step log.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"Price ": [" 1,200", "30", "30"], "City": ["Oslo", "Rome", "Rome"]})
    >>> result = clean(raw)
    >>> result.data.columns.tolist(), result.data["price"].tolist()
    (['price', 'city'], [1200.0, 30.0])
    """
    frame = require_frame(df, "clean").copy(deep=True)
    if isinstance(frame.columns, pd.MultiIndex) and not normalize_columns:
        raise AnalystError(
            f"clean() got MultiIndex columns ({frame.columns.nlevels} levels) with "
            "normalize_columns=False. Pass normalize_columns=True to flatten them into names "
            "like 'level1_level2', or flatten them yourself first.")
    if not isinstance(outlier_column, str) or not outlier_column.strip():
        raise AnalystError(f"clean() needs outlier_column to be a column name, got "
                           f"{outlier_column!r}. Pass a name such as 'is_outlier', or "
                           "flag_outliers=False to skip outlier flagging.")
    options = {"normalize_columns": normalize_columns, "trim": trim, "infer_types": infer_types,
               "drop_duplicates": drop_duplicates, "flag_outliers": flag_outliers,
               "impute": impute, "outlier_column": outlier_column, "random_state": random_state}
    mapping: dict[str, str] = {}
    steps: list[CleaningStep] = []
    snapshot = Snapshot.of(frame)
    for i, (name, step) in enumerate(_plan(options, mapping)):
        report(progress, name, i / len(STEPS))
        if not options[name]:
            step = partial(skipped, reason=f"turned off ({name}=False)")
        outcome, snapshot, entry = run_step(name, step, frame, snapshot)
        frame = outcome.data
        steps.append(entry)
    report(progress, "done", 1.0)
    flag = steps[STEPS.index("flag_outliers")].details.get("outlier_column")
    return CleaningResult(data=frame, report=CleaningReport(
        steps=steps, column_mapping=mapping, options=options, outlier_column=flag))


def _plan(options: dict[str, Any], mapping: dict[str, str],
          ) -> list[tuple[str, Callable[[pd.DataFrame], StepOutcome]]]:
    """The steps with their options bound; ``mapping`` is filled by the renaming step."""
    seed = options["random_state"]
    return [
        ("normalize_columns", partial(_normalize_columns, mapping=mapping)),
        ("trim", _trim),
        ("infer_types", type_inference.infer_types),
        ("drop_duplicates", _drop_duplicates),
        ("flag_outliers", partial(outliers.flag_outliers, column=options["outlier_column"],
                                  random_state=seed)),
        ("impute", partial(imputation.impute_numeric, random_state=seed)),
    ]


def _normalize_columns(frame: pd.DataFrame, *, mapping: dict[str, str]) -> StepOutcome:
    """Rename columns to unique lowercase identifiers and record original -> new in ``mapping``.

    MultiIndex columns are flattened first, joining the levels with ``_``. Repeated original
    names get ``_2``, ``_3`` ...; ``mapping`` keeps the first one's, the step's details list
    every pair in column order.
    """
    originals = [_flat_name(c) for c in frame.columns]
    names = new_column_names(originals)
    pairs = list(zip(originals, names, strict=True))
    for old, new in pairs:
        mapping.setdefault(old, new)
    renamed = [[old, new] for old, new in pairs if old != new]
    flattened = isinstance(frame.columns, pd.MultiIndex)
    if not renamed and not flattened:
        return unchanged(frame, f"all {count(len(names), 'column name')} are already clean")
    data = frame.set_axis(names, axis=1)
    return StepOutcome(data, f"Renamed {len(renamed)} of {count(len(names), 'column')}"
                             f"{' (MultiIndex flattened)' if flattened else ''}.",
                       columns=[new for _, new in renamed], details={"renamed": renamed})


def _flat_name(name: Any) -> str:
    if isinstance(name, tuple):
        return "_".join(str(part) for part in name if str(part).strip())
    return column_label(name)


def _trim(frame: pd.DataFrame) -> StepOutcome:
    """Strip surrounding whitespace from text cells; empty text becomes missing."""
    data = frame.copy(deep=False)
    trimmed: dict[str, int] = {}
    blanked: dict[str, int] = {}
    for pos, dtype in enumerate(frame.dtypes):
        if not type_inference.is_text_dtype(dtype):
            continue
        column = frame.iloc[:, pos]
        if pd.api.types.infer_dtype(column, skipna=True) not in _STRIP_TYPES:
            continue
        stripped = column.str.strip()
        if pd.api.types.is_object_dtype(dtype):  # .str gives NaN for the non-text cells
            stripped = stripped.where(stripped.notna(), column)
        blank = stripped.eq("").to_numpy(dtype=bool, na_value=False)
        changed = int((stripped.ne(column) & column.notna() & ~blank).sum())
        if changed or blank.any():
            data.isetitem(pos, stripped.mask(blank))
            name = column_label(frame.columns[pos])
            trimmed[name], blanked[name] = changed, int(blank.sum())
    if not trimmed:
        return unchanged(frame, "no text cell has surrounding whitespace or is empty")
    done = [f"trimmed {count(sum(trimmed.values()), 'text cell')}"] if any(trimmed.values()) else []
    if any(blanked.values()):
        done.append(f"set {count(sum(blanked.values()), 'empty text cell')} missing")
    what = " and ".join(done)
    return StepOutcome(
        data, f"{what[0].upper()}{what[1:]}, in {count(len(trimmed), 'column')}.",
        columns=list(trimmed), details={"trimmed": trimmed, "emptied": blanked})


#: ``infer_dtype`` results of object columns the ``.str`` accessor accepts.
_STRIP_TYPES = frozenset({"string", "mixed", "mixed-integer"})


def _drop_duplicates(frame: pd.DataFrame) -> StepOutcome:
    """Remove rows that repeat an earlier row in every column (the first one stays)."""
    if frame.shape[1] == 0 or len(frame) < 2:
        return unchanged(frame, f"{count(len(frame), 'row')}, no duplicates possible")
    try:
        repeated = _repeated_rows(frame)
    except TypeError:  # lists, dicts or sets in a cell cannot be hashed
        return skipped(frame, "some cells hold lists, dicts or sets, which cannot be compared")
    removed = int(repeated.sum())
    if not removed:
        return unchanged(frame, f"no exact duplicate among {count(len(frame), 'row')}")
    return StepOutcome(frame.loc[~repeated], f"Removed {count(removed, 'exact duplicate row')}.",
                       details={"removed": removed,
                                "examples": frame.index[repeated][:EXAMPLES].tolist()})


def _repeated_rows(frame: pd.DataFrame) -> np.ndarray:
    """``frame.duplicated()``, about 5 times faster on large frames (1.4 s -> 0.3 s at 1M x 20).

    One 64-bit hash per row finds the candidates (rows whose hash occurs twice); the exact
    comparison then runs on those alone, so a hash collision can never remove a row.
    """
    hashes = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    candidates = np.flatnonzero(pd.Series(hashes).duplicated(keep=False).to_numpy())
    repeated = np.zeros(len(frame), dtype=bool)
    if candidates.size:
        repeated[candidates] = _exact_repeats(frame.iloc[candidates])
    return repeated


def _exact_repeats(rows: pd.DataFrame) -> np.ndarray:
    """``rows.duplicated()``, except that values of different types never match.

    pandas finds ``True`` equal to ``1`` in an object column; the text of each object cell
    is compared too, so a flag and a number stay apart.
    """
    keys: dict[object, Any] = {pos: rows.iloc[:, pos].array for pos in range(rows.shape[1])}
    for pos, dtype in enumerate(rows.dtypes):
        if pd.api.types.is_object_dtype(dtype):
            keys[f"text_{pos}"] = rows.iloc[:, pos].astype(str).array
    return pd.DataFrame(keys).duplicated(keep="first").to_numpy()
