"""Turn pandas/NumPy values into strict JSON values (no NaN/Infinity, ISO-8601 dates)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["to_jsonable", "frame_to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """Return ``value`` as plain JSON data: dict, list, str, int, float, bool or None."""
    if isinstance(value, Enum):
        return to_jsonable(value.value)
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)) and not isinstance(value, np.bool_):
        return int(value)
    if isinstance(value, (float, np.floating, Decimal)):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, pd.DataFrame):
        return frame_to_jsonable(value)
    if isinstance(value, pd.Series):
        return {"name": to_jsonable(value.name), "index": to_jsonable(value.index.tolist()),
                "data": to_jsonable(value.tolist())}
    if isinstance(value, pd.Index):
        return to_jsonable(value.tolist())
    if value is pd.NaT or (not isinstance(value, (list, tuple, set, dict)) and _is_missing(value)):
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (pd.Timedelta, dt.timedelta)):
        return pd.Timedelta(value).isoformat()
    if isinstance(value, pd.Period):
        return str(value)
    if isinstance(value, Mapping):
        return {str(to_jsonable(k)): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, np.generic):
        return to_jsonable(value.item())
    return str(value)


def frame_to_jsonable(frame: pd.DataFrame) -> dict[str, Any]:
    """A DataFrame as ``{"columns", "index", "data"}`` (pandas' ``split`` orient, strict JSON)."""
    return {
        "columns": to_jsonable(list(frame.columns)),
        "index": to_jsonable(frame.index.tolist()),
        "data": to_jsonable(frame.to_numpy(dtype=object).tolist()),
    }


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
