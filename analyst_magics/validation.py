"""Checks of the arguments every public engine function takes."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .errors import DataLoadError

__all__ = ["require_frame"]


def require_frame(value: Any, where: str) -> pd.DataFrame:
    """Return ``value`` if it is a DataFrame, else raise an error that says what to pass."""
    if isinstance(value, pd.DataFrame):
        return value
    if callable(getattr(value, "pushdown_profile", None)):  # a table a database holds
        hint = (" On a table DuckDB holds, profile() runs in the database, insights() on a "
                "uniform sample and .sql(query) answers in SQL; for this, load the file with "
                "backend='pandas', or a part of it: table.sample_frame(1_000_000).")
    elif isinstance(value, pd.Series):
        hint = " Use series.to_frame() to make it one."
    else:
        hint = " Load a file with analyst_magics.load(path), or build one with pd.DataFrame(…)."
    raise DataLoadError(f"{where}() takes a pandas DataFrame, got {type(value).__name__}.{hint}")
