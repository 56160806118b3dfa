"""Reading tables from files, and the text parsers that type inference builds on.

:func:`load` checks a file (exists, allowed extension, content matching the extension) and
reads it with the reader of :mod:`analyst_magics.readers` for its format.

The text parsers (numbers, dates and flags written as text) live in
:mod:`analyst_magics.parsers` and are re-exported here, beside column-name normalisation,
as the one place type inference imports from.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from . import readers
from .config import BACKENDS, get_settings, physical_memory_bytes
from .errors import AnalystError, DataLoadError
from .parsers import NA_TOKENS, parse_boolean, parse_numeric, try_parse_date

__all__ = [
    "content_hash",
    "NA_TOKENS",
    "READABLE",
    "load",
    "new_column_names",
    "normalize_column_names",
    "parse_boolean",
    "parse_numeric",
    "try_parse_date",
    "unique_names",
]

#: With ``backend="auto"``, files larger than this share of the machine's memory go to DuckDB.
AUTO_MEMORY_FRACTION = 0.25
#: Extensions :func:`load` can read -> the format's name in messages.
READABLE = {"csv": "CSV", "tsv": "TSV", "txt": "delimited text", "json": "JSON",
            "xlsx": "Excel", "parquet": "Parquet"}
#: Binary signature each binary format must start with.
_MAGIC = {"xlsx": b"PK\x03\x04", "parquet": b"PAR1"}


def load(source: str | os.PathLike[str], *, name: str | None = None,
         sheet: str | int | None = None, backend: str | None = None) -> Any:
    """Read a CSV, TSV, TXT, XLSX, JSON or Parquet file into a DataFrame.

    The encoding (UTF-8 with or without BOM, UTF-16, else cp1252/latin-1) and the delimiter
    (``,`` ``;`` tab ``|``) of text files are sniffed; the content must match the extension
    (a ``.csv`` that is really a workbook is refused with a message saying so). Column names
    are kept as written; a repeated name gets pandas' ``.1`` suffix. A file with a header but
    no rows gives a 0-row frame with those columns: the header is real information and the
    0-row frame is a valid table for every engine function.

    Parameters
    ----------
    source : path of the file; its extension must be in ``ANALYST_ALLOWED_EXTENSIONS``.
    name : the dataset's name in results and reports; default the file's stem.
    sheet : for .xlsx, a sheet name or 0-based position; default the first sheet.
    backend : ``"pandas"`` (read into memory), ``"duckdb"`` (query the file where it lies, for
        files larger than memory; needs the ``duckdb`` extra) or ``"auto"``: DuckDB for a
        Parquet or CSV file larger than a quarter of the machine's memory. Default
        ``ANALYST_BACKEND`` (``auto``).

    Returns
    -------
    The table, with ``attrs["name"]`` and ``attrs["source"]`` (the path) set; with DuckDB a
    :class:`~analyst_magics.backends.duckdb_engine.DuckTable` that ``profile`` accepts.

    Raises
    ------
    DataLoadError
        When the file is missing, empty, of an unsupported or mislabelled type, unreadable,
        or has no such sheet; the message names the file and says what to do.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "sales.csv"
    >>> _ = path.write_text("region;revenue\\nnorth;1,5\\n")
    >>> df = load(path)
    >>> df.columns.tolist(), df.attrs["name"]
    (['region', 'revenue'], 'sales')
    """
    if not isinstance(source, str | os.PathLike):
        hint = (" It is already a DataFrame: pass it straight to clean(), profile() or analyze()."
                if isinstance(source, pd.DataFrame) else "")
        raise DataLoadError(f"load() takes a file path (str or pathlib.Path), got "
                            f"{type(source).__name__}.{hint}")
    path = Path(source)
    kind = _check_file(path)
    if _use_duckdb(path, backend or get_settings().backend):
        from .backends.duckdb_engine import DuckTable

        return DuckTable(path, label=name or path.stem)
    head = _read_head(path)
    _check_content(path, kind, head)
    if sheet is not None and kind != "xlsx":
        raise DataLoadError(f"Cannot load '{path}' with sheet={sheet!r}: only .xlsx workbooks "
                            "have sheets. Leave sheet out for this file.")
    with _reading(path, kind):
        frame = _read(path, kind, head, sheet)
    if frame.shape[1] == 0:
        raise DataLoadError(f"Cannot load '{path}': no columns were found in it. Check that "
                            "the file holds a table with a header row.")
    frame.attrs["name"] = name or path.stem
    frame.attrs["source"] = str(path)
    return frame


def _use_duckdb(path: Path, backend: str) -> bool:
    if backend not in BACKENDS:
        raise DataLoadError(f"Cannot load '{path}' with backend={backend!r}: use one of "
                            f"{', '.join(BACKENDS)}.")
    if backend == "pandas" or (backend == "auto" and path.stat().st_size
                               <= AUTO_MEMORY_FRACTION * physical_memory_bytes()):
        return False
    try:
        import duckdb  # noqa: F401

        from .backends.duckdb_engine import READERS
    except ImportError:
        if backend == "auto":
            return False
        raise DataLoadError(f"Cannot load '{path}' with DuckDB: it is not installed. "
                            'Install it with: pip install "analyst_magics[duckdb]"') from None
    return backend == "duckdb" or path.suffix.lower() in READERS


def _check_file(path: Path) -> str:
    """The file's format (its extension), once it is known to be an allowed, readable file."""
    if path.is_dir():
        raise DataLoadError(f"Cannot load '{path}': it is a directory. Give the path of a "
                            "file inside it.")
    if not path.exists():
        raise DataLoadError(f"Cannot load '{path}': the file does not exist. Check the path "
                            f"(a relative path starts at {Path.cwd()}).")
    kind = path.suffix.lower().lstrip(".")
    allowed = [ext for ext in get_settings().allowed_extensions if ext in READABLE]
    if kind not in allowed:
        what = f"'.{kind}' files are" if kind else "files without an extension are"
        extra = " (or add it to ANALYST_ALLOWED_EXTENSIONS)" if kind in READABLE else ""
        raise DataLoadError(
            f"Cannot load '{path}': {what} not supported. Save the data as one of "
            f"{', '.join('.' + ext for ext in allowed)}{extra}.")
    return kind


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            head = handle.read(readers.HEAD_BYTES)
    except OSError as exc:
        raise DataLoadError(f"Cannot load '{path}': it cannot be opened "
                            f"({exc.strerror or exc}). Check its permissions.") from None
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise DataLoadError(f"Cannot load '{path}': the file is empty. Export the data again; "
                            "a table needs at least a header row.")
    return head


def _check_content(path: Path, kind: str, head: bytes) -> None:
    """Refuse a file whose bytes are not what its extension says."""
    binary = readers.describe_binary(head)
    expected = _MAGIC.get(kind)
    if expected is None and binary is None:
        return
    if expected is not None and head.startswith(expected):
        return
    holds = binary or "text"
    guess = next((ext for ext, magic in _MAGIC.items() if head.startswith(magic)),
                 "csv" if binary is None else None)
    advice = (f"If it is {READABLE[guess]}, rename it to .{guess}." if guess
              else "Export the data as CSV, Excel (.xlsx), JSON or Parquet.")
    raise DataLoadError(f"Cannot load '{path}': it is named .{kind} but holds {holds}, not "
                        f"{READABLE[kind]}. {advice}")


def _read(path: Path, kind: str, head: bytes, sheet: str | int | None) -> pd.DataFrame:
    if kind == "xlsx":
        return readers.read_excel(path, sheet)
    if kind == "parquet":
        return readers.read_parquet(path)
    if kind == "json":
        return readers.read_json(path, head)
    return readers.read_delimited(path, head, delimiter="\t" if kind == "tsv" else None)


@contextmanager
def _reading(path: Path, kind: str) -> Iterator[None]:
    """Turn the readers' own exceptions into one DataLoadError naming the file."""
    try:
        yield
    except AnalystError:
        raise
    except Exception as exc:  # pandas, pyarrow, openpyxl and zipfile raise their own kinds
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0].rstrip(".")
        raise DataLoadError(
            f"Cannot load '{path}' as {READABLE[kind]}: {detail}. Check that the file is a "
            f"complete, valid {READABLE[kind]} file (open it in the program that made it and "
            "export it again).") from None


def normalize_column_names(columns: Iterable[object]) -> dict[str, str]:
    """Map each original column name (as text) to a clean, unique identifier.

    Lowercase, accents dropped, runs of other characters as ``_``, no leading digit
    (``col_`` prefix), empty names as ``unnamed_<position>``, repeats made unique with
    ``_2``, ``_3`` … A dict cannot hold a repeated original twice: when originals repeat,
    the dict keeps the first one's new name; rename positionally with
    :func:`new_column_names` instead.

    >>> normalize_column_names(["Order Date", "Unit Price ($)", "2024", ""])
    {'Order Date': 'order_date', 'Unit Price ($)': 'unit_price', '2024': 'col_2024', \
'': 'unnamed_3'}
    """
    originals = [str(c) for c in columns]
    mapping: dict[str, str] = {}
    for original, new in zip(originals, new_column_names(originals), strict=True):
        mapping.setdefault(original, new)
    return mapping


def new_column_names(columns: Iterable[object]) -> list[str]:
    """The normalised names of :func:`normalize_column_names`, in column order.

    Safe with repeated originals: ``df.set_axis(new_column_names(df.columns), axis=1)``.

    >>> new_column_names(["Price", "price", "price_2"])
    ['price', 'price_3', 'price_2']
    """
    return unique_names([_identifier(str(c), i) for i, c in enumerate(columns)])


def unique_names(names: Iterable[str]) -> list[str]:
    """``names`` with each repeat given the first ``_2``, ``_3`` … suffix no name already has.

    >>> unique_names(["a", "a", "a_2", "b"])
    ['a', 'a_3', 'a_2', 'b']
    """
    names = list(names)
    taken, seen, out = set(names), set(), []
    for name in names:
        new, k = name, 2
        if name in seen:
            while f"{name}_{k}" in taken:
                k += 1
            new = f"{name}_{k}"
            taken.add(new)
        seen.add(name)
        out.append(new)
    return out


def _identifier(text: str, position: int) -> str:
    decomposed = unicodedata.normalize("NFKD", text).lower()  # "𝐴" decomposes to "A"
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    name = re.sub(r"\W+", "_", plain).strip("_")
    if not name:
        return f"unnamed_{position}"
    return f"col_{name}" if name[0].isdigit() else name


def content_hash(df: pd.DataFrame) -> str:
    """A SHA-256 of the frame's values, index, column names and dtypes (stable across runs)."""
    digest = hashlib.sha256()
    digest.update(repr([(str(c), str(t)) for c, t in df.dtypes.items()]).encode())
    if len(df.columns):
        # Hash column by column: hash_pandas_object on the frame needs hashable cell values.
        for _, column in df.items():
            digest.update(pd.util.hash_pandas_object(column.astype(str)
                                                     if column.dtype == object else column,
                                                     index=False).to_numpy().tobytes())
    digest.update(pd.util.hash_pandas_object(df.index).to_numpy().tobytes())
    return digest.hexdigest()
