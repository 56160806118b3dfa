"""Dataset exports that are safe to open in a spreadsheet (CSV injection, CWE-1236).

Text cells that a spreadsheet would run as a formula (starting with ``= + - @``, a tab, a
carriage return or a NUL) get a leading single quote, the OWASP-recommended neutraliser. Only text
columns are touched, so numbers such as ``-5`` in numeric columns stay numbers. NUL characters
are removed from text: they never reach an export.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["FORMATS", "neutralise_formulas", "write_export"]

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
FORMULA_START = r"^[=+\-@\t\r\x00]"


def _textual(dtype: object) -> bool:
    return not (pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
                or pd.api.types.is_datetime64_any_dtype(dtype)
                or isinstance(dtype, pd.DatetimeTZDtype))


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot start a spreadsheet formula."""
    out = frame.copy()
    for position, dtype in enumerate(out.dtypes):
        if not _textual(dtype):
            continue
        values = out.iloc[:, position].astype(object)
        try:
            text = values.str.replace("\x00", "", regex=False)  # NaN where a cell is not text
        except AttributeError:  # no text cells at all
            continue
        risky = text.str.contains(FORMULA_START, regex=True, na=False).to_numpy(dtype=bool)
        is_text = text.notna().to_numpy(dtype=bool)
        result = values.to_numpy(dtype=object, copy=True)
        result[is_text] = text.to_numpy(dtype=object)[is_text]
        result[risky] = np.char.add("'", result[risky].astype(str)).astype(object)
        out.isetitem(position, pd.Series(result, index=out.index, dtype=object))
    return out


def write_export(frame: pd.DataFrame, fmt: str, out: Path) -> None:
    """Write ``frame`` as ``fmt`` (``csv`` or ``xlsx``) to ``out``."""
    safe = neutralise_formulas(frame)
    if fmt == "csv":
        # Quote every text field: pandas' minimal quoting leaves a bare carriage return
        # unquoted, and spreadsheets start a new row (and a new formula) there.
        safe.to_csv(out, index=False, quoting=csv.QUOTE_NONNUMERIC)
    else:
        safe.to_excel(out, index=False, engine="openpyxl")
