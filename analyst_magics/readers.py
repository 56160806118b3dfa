"""File formats behind :func:`analyst_magics.data_utils.load`: sniffing and one reader each.

Sniffing works on the first :data:`HEAD_BYTES` of a file: what it really holds (whatever its
name says), its text encoding and its delimiter. The upload handler of the server face uses
:func:`describe_binary` for the same content check before it saves a file.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd

from .config import get_settings
from .errors import DataLoadError

__all__ = [
    "DELIMITERS",
    "HEAD_BYTES",
    "check_width",
    "SIGNATURES",
    "describe_binary",
    "read_delimited",
    "read_excel",
    "read_json",
    "read_parquet",
    "sniff_delimiter",
    "sniff_encoding",
]

#: Bytes read from the start of a file to sniff its content, encoding and delimiter.
HEAD_BYTES = 64 * 1024
#: Delimiters tried for .csv and .txt files.
DELIMITERS = ",;\t|"
#: Lines of the head used to judge a delimiter.
_SNIFF_LINES = 50

_T = TypeVar("_T")

#: Leading bytes of binary formats -> what they are.
SIGNATURES = {
    b"PK\x03\x04": "a zip archive (an .xlsx workbook is one)",
    b"PAR1": "a Parquet file",
    b"\xd0\xcf\x11\xe0": "a legacy Office file (such as an .xls workbook)",
    b"\x1f\x8b": "a gzip archive",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"SQLite format 3": "an SQLite database",
}
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def describe_binary(head: bytes) -> str | None:
    """What binary format ``head`` starts, or ``None`` when it looks like text.

    >>> describe_binary(b"PK\\x03\\x04...")
    'a zip archive (an .xlsx workbook is one)'
    >>> describe_binary("a,b\\n1,2".encode()) is None
    True
    """
    for signature, what in SIGNATURES.items():
        if head.startswith(signature):
            return what
    if b"\x00" in head and not head.startswith(_UTF16_BOMS):
        return "binary data (it contains NUL bytes)"
    return None


def sniff_encoding(head: bytes) -> str:
    """The text encoding of ``head``: a BOM's, else UTF-8 if it decodes, else cp1252/latin-1.

    cp1252 (Windows "ANSI", the usual non-UTF-8 export of spreadsheets) is tried before
    latin-1 because it also maps the curly quotes and euro sign of 0x80-0x9F.

    >>> sniff_encoding("café".encode("cp1252")), sniff_encoding("café".encode())
    ('cp1252', 'utf-8')
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(_UTF16_BOMS):
        return "utf-16"
    whole_file = len(head) < HEAD_BYTES
    for encoding in ("utf-8", "cp1252"):
        try:  # incremental, so a character cut at the end of a partial head does not count
            codecs.getincrementaldecoder(encoding)().decode(head, final=whole_file)
        except UnicodeDecodeError:
            continue
        return encoding
    return "latin-1"


def _decoded(head: bytes, read: Callable[[str], _T]) -> _T:
    """``read(encoding)`` with the sniffed encoding, then with single-byte ones when bytes
    past the head turn out not to be in it (latin-1, last, decodes any byte)."""
    encoding = sniff_encoding(head)
    fallbacks = [] if encoding == "utf-16" else ["cp1252", "latin-1"]
    *tries, last = dict.fromkeys([encoding, *fallbacks])
    for candidate in tries:
        try:
            return read(candidate)
        except UnicodeDecodeError:
            continue
    return read(last)


def sniff_delimiter(sample: str) -> str:
    """The delimiter of CSV text: :class:`csv.Sniffer`, checked against the lines' counts.

    The Sniffer's choice is kept when the header holds it; otherwise the candidate that
    occurs the same (non-zero) number of times on every line wins; ``","`` when none does
    (a one-column file).

    >>> sniff_delimiter("a;b;c\\n1;2,5;3\\n")
    ';'
    """
    lines = [line for line in sample.splitlines()[:_SNIFF_LINES] if line.strip()]
    if not lines:
        return ","
    try:
        found = csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        found = ""
    if found and found in lines[0]:
        return found
    counts = {d: {line.count(d) for line in lines} for d in DELIMITERS}
    steady = {d: c.pop() for d, c in counts.items() if len(c) == 1 and min(c) > 0}
    return max(steady, key=steady.__getitem__) if steady else ","


def read_delimited(path: Path, head: bytes, *, delimiter: str | None = None) -> pd.DataFrame:
    """CSV/TSV/TXT with a sniffed encoding and (unless given) delimiter.

    ``low_memory=False`` reads each column in one piece, so a column whose type changes far
    down the file gets one type instead of a ``DtypeWarning`` and mixed chunks.
    """
    sep = delimiter or _file_delimiter(path, head)
    check_width(path, _header_fields(path, sep, get_settings().max_columns))
    return _decoded(head, lambda encoding: pd.read_csv(path, sep=sep, encoding=encoding,
                                                       low_memory=False))


def check_width(path: Path, columns: int) -> None:
    """Refuse a table wider than ``ANALYST_MAX_COLUMNS`` before it is built: a 1 MB header of
    commas would otherwise become a million columns and gigabytes of memory."""
    limit = get_settings().max_columns
    if columns > limit:
        raise DataLoadError(
            f"Cannot load '{path}': it has {columns:,} columns, more than the limit of "
            f"{limit:,} (ANALYST_MAX_COLUMNS). Keep the columns you need, or raise the limit.")


def _header_fields(path: Path, sep: str, limit: int) -> int:
    """Fields of the first line, read in chunks and counted only until past ``limit``."""
    mark, fields = sep.encode(), 1
    with path.open("rb") as handle:
        while fields <= limit and (chunk := handle.read(1 << 20)):
            line, newline, _ = chunk.partition(b"\n")
            fields += line.count(mark)
            if newline:
                break
    return fields


def _file_delimiter(path: Path, head: bytes) -> str:
    sample = head.decode(sniff_encoding(head), errors="replace")
    if len(head) == HEAD_BYTES:  # the last line may be cut short
        sample = sample[: sample.rfind("\n") + 1] or sample
    delimiter = sniff_delimiter(sample)
    _check_first_row(path, sample, delimiter)
    return delimiter


def _check_first_row(path: Path, sample: str, delimiter: str) -> None:
    """Refuse a first row longer than the header, which pandas would silently make the index."""
    rows = csv.reader(io.StringIO(sample), delimiter=delimiter)
    try:
        header, first = next(rows, []), next(rows, [])
    except csv.Error:  # a field pandas may still read (e.g. over csv's size limit)
        return
    if first and len(first) > len(header):
        raise DataLoadError(
            f"Cannot load '{path}': the first data row has {len(first)} fields but the header "
            f"has {len(header)} (delimiter {delimiter!r}). Add the missing column names to the "
            "header, or quote values that contain the delimiter.")


def read_json(path: Path, head: bytes) -> pd.DataFrame:
    """JSON records (``[{...}, ...]``), columns (``{"col": [...]}``), split or JSON Lines."""
    raw = path.read_bytes()
    text = _decoded(head, raw.decode)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise _invalid_json(path, exc, "JSON") from None
        # JSON Lines: raw newlines only occur between values, so they become array commas
        try:
            document = json.loads("[" + re.sub(r"\s*\n\s*", ",", text.strip()) + "]")
        except json.JSONDecodeError as exc:
            raise _invalid_json(path, exc, "JSON Lines (one JSON record per line)") from None
    return _frame_from_json(path, document)


def _invalid_json(path: Path, exc: json.JSONDecodeError, what: str) -> DataLoadError:
    return DataLoadError(
        f"Cannot load '{path}': it is not valid {what} ({exc.msg} at line {exc.lineno}, "
        f"column {exc.colno}). Fix the file or export it again as JSON or CSV.")


def _frame_from_json(path: Path, document: object) -> pd.DataFrame:
    check_width(path, _json_width(document))
    if isinstance(document, dict) and {"columns", "data"} <= document.keys():
        return pd.DataFrame(document["data"], columns=document["columns"])
    if isinstance(document, dict) and len(document) == 1:
        (inner,) = document.values()
        if isinstance(inner, list) and inner and isinstance(inner[0], dict):
            document = inner  # {"data": [records]}, the usual API envelope
    if isinstance(document, list) and document and isinstance(document[0], dict):
        return pd.json_normalize(document)
    if isinstance(document, list) and document:
        return pd.DataFrame(document)
    if isinstance(document, dict) and document:
        if all(isinstance(v, list | dict) for v in document.values()):
            return pd.DataFrame(document).reset_index(drop=True)
        return pd.DataFrame([document])
    raise DataLoadError(
        f"Cannot load '{path}': the JSON holds {type(document).__name__} "
        f"{json.dumps(document)[:40]}, not a table. Expected an array of records, an object "
        "of columns, or JSON Lines (one record per line).")


def _json_width(document: object) -> int:
    """Columns the JSON would become, from its first records (a record may add keys)."""
    if isinstance(document, dict) and isinstance(document.get("columns"), list):
        return len(document["columns"])
    if isinstance(document, dict) and len(document) == 1:
        (inner,) = document.values()
        document = inner if isinstance(inner, list) else document
    if isinstance(document, list):
        first = document[:1000]
        keys = {k for r in first if isinstance(r, dict) for k in r}
        return max([len(keys)] + [len(r) for r in first if isinstance(r, list)])
    return len(document) if isinstance(document, dict) else 1


def read_excel(path: Path, sheet: str | int | None) -> pd.DataFrame:
    """One sheet of an .xlsx workbook (the first unless ``sheet`` names or numbers one)."""
    with pd.ExcelFile(path, engine="openpyxl") as book:
        names = [str(n) for n in book.sheet_names]
        target = 0 if sheet is None else sheet
        valid = (target in names if isinstance(target, str)
                 else isinstance(target, int) and -len(names) <= target < len(names))
        if not valid:
            raise DataLoadError(
                f"Cannot load '{path}': it has no sheet {target!r}. Its sheets are "
                f"{', '.join(map(repr, names))}; pass sheet= one of these names or a "
                f"position from 0 to {len(names) - 1}.")
        worksheet = book.book[names[target] if isinstance(target, int) else target]
        check_width(path, worksheet.max_column or 0)  # from the sheet's dimension record
        frame = pd.read_excel(book, sheet_name=target)
    if frame.empty and frame.shape[1] == 0:
        raise DataLoadError(
            f"Cannot load '{path}': sheet {names[target] if isinstance(target, int) else target!r}"
            " is empty. Choose another sheet with sheet=, or put the table in this one.")
    return frame


def read_parquet(path: Path) -> pd.DataFrame:
    """A Parquet file, with the dtypes and index it was written with."""
    import pyarrow.parquet as pq

    check_width(path, len(pq.read_schema(path).names))
    return pd.read_parquet(path)
