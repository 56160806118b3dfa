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
    hint = (" Use series.to_frame() to make it one." if isinstance(value, pd.Series)
            else " Load a file with analyst_magics.load(path), or build one with pd.DataFrame(…).")
    raise DataLoadError(f"{where}() takes a pandas DataFrame, got {type(value).__name__}.{hint}")
