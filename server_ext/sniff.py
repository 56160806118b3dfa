"""Is an upload what its extension says? Checked on the first bytes and on the whole file.

The client's Content-Type is never trusted: the decision is made from the extension and the
content. Binary formats are checked structurally before any parser sees them (a ZIP that is
an xlsx workbook and does not inflate beyond the limit, a Parquet footer whose declared size is
within the limit), because openpyxl and pyarrow trust what the file declares.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .errors import APIError

__all__ = ["HEAD_BYTES", "TEXT_EXTENSIONS", "check_file", "check_head"]

HEAD_BYTES = 8192
TEXT_EXTENSIONS = frozenset({"csv", "tsv", "txt", "json"})
#: Largest total an xlsx may inflate to, as a multiple of the upload limit, and largest ratio.
MAX_INFLATE_FACTOR = 10
MAX_INFLATE_RATIO = 200
MAGIC = {
    b"\x89PNG": "a PNG image", b"GIF8": "a GIF image", b"\xff\xd8\xff": "a JPEG image",
    b"%PDF": "a PDF document", b"PK\x03\x04": "a ZIP archive", b"PAR1": "a Parquet file",
    b"\x1f\x8b": "gzip-compressed data", b"BZh": "bzip2-compressed data",
    b"\xfd7zXZ": "xz-compressed data", b"7z\xbc\xaf": "a 7-Zip archive", b"Rar!": "a RAR archive",
    b"\x7fELF": "an executable", b"MZ": "a Windows executable",
    b"\xd0\xcf\x11\xe0": "an old-style Office file (.xls/.doc)", b"SQLite format 3": "a database",
}
UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def _unsupported(label: str, ext: str, found: str) -> APIError:
    return APIError(415, f"{label} is named .{ext} but its content is {found}. Upload a "
                         f"real .{ext} file, or rename the file to match its content.")


def _magic(head: bytes) -> str | None:
    return next((what for magic, what in MAGIC.items() if head.startswith(magic)), None)


def check_head(head: bytes, ext: str, label: str) -> None:
    """Refuse an upload whose first bytes contradict its extension (415) or are malformed."""
    found = _magic(head)
    if ext == "xlsx":
        if not head.startswith(b"PK\x03\x04"):
            raise _unsupported(label, ext, found or "not a ZIP archive, so not an xlsx workbook")
        return
    if ext == "parquet":
        if not head.startswith(b"PAR1"):
            raise _unsupported(label, ext, found or "not Parquet data (no PAR1 header)")
        return
    if found is not None:
        raise _unsupported(label, ext, found)
    if head.startswith(UTF16_32_BOMS):
        return
    controls = sum(head.count(bytes([b])) for b in (*range(0, 9), *range(14, 32)))
    if head and controls / len(head) > 0.1:
        raise _unsupported(label, ext, "binary data, not text")
    if ext == "json" and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] not in (b"[", b"{", b""):
        raise _unsupported(label, ext, "not JSON (JSON data starts with '[' or '{')")


def check_file(path: Path, ext: str, label: str, *, limit_bytes: int, max_cells: int) -> None:
    """Structural checks on the complete file, before the engine reads it."""
    if path.stat().st_size == 0:
        raise APIError(400, f"{label} is empty. Upload a file with a header row and data.")
    if ext == "xlsx":
        _check_xlsx(path, label, limit_bytes)
    elif ext == "parquet":
        _check_parquet(path, label, max_cells)


def _check_xlsx(path: Path, label: str, limit_bytes: int) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise _unsupported(label, "xlsx", "a damaged ZIP archive") from None
    names = {m.filename for m in members}
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
        raise _unsupported(label, "xlsx", "a ZIP archive without an Excel workbook in it")
    total = sum(m.file_size for m in members)
    worst = max((m.file_size / max(m.compress_size, 1) for m in members), default=0.0)
    if total > MAX_INFLATE_FACTOR * limit_bytes or (total > 1 << 20 and worst > MAX_INFLATE_RATIO):
        raise APIError(413, f"{label} inflates to {total:,} bytes (compression ratio up to "
                            f"{worst:,.0f}:1), beyond what the server accepts. Save the workbook "
                            "as CSV or Parquet, or split it.")


def _check_parquet(path: Path, label: str, max_cells: int) -> None:
    import pyarrow.parquet as pq  # deferred: only Parquet uploads need it

    try:
        metadata = pq.ParquetFile(path).metadata
    except Exception:  # noqa: BLE001 - pyarrow raises several types for damaged footers
        raise _unsupported(label, "parquet", "a damaged Parquet file (unreadable footer)") from None
    cells = metadata.num_rows * max(metadata.num_columns, 1)
    if cells > max_cells:
        raise APIError(413, f"{label} declares {metadata.num_rows:,} rows × "
                            f"{metadata.num_columns:,} columns = {cells:,} cells; the server "
                            f"accepts at most {max_cells:,}. Filter or split the data first.")
