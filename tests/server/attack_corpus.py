"""Turns ``shared/security-devset/http_attacks.json`` cases into concrete requests.

The corpus is evaluation material that lives beside the repository; when it is absent the
attack tests skip. Its ``assumed_endpoints`` match this API's routes; were a route renamed, the
one place to map it is :data:`ROUTE_RENAMES`.
"""

from __future__ import annotations

import ast
import io
import json
import operator
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from http_helpers import multipart

__all__ = ["CASES", "ROUTE_RENAMES", "body_bytes", "build_multipart", "concrete", "eval_recipe",
           "parquet_bomb", "xxe_workbook"]

CORPUS = (Path(__file__).resolve().parents[2].parent / "shared" / "security-devset"
          / "http_attacks.json")
CASES: list[dict[str, Any]] = (json.loads(CORPUS.read_text())["cases"]
                               if CORPUS.is_file() else [])
#: ``assumed_endpoints`` path fragment -> this API's fragment (none differ today).
ROUTE_RENAMES: dict[str, str] = {}


def concrete(template: str, values: dict[str, str]) -> str:
    """A path, header or body string with its placeholders filled and routes mapped."""
    for old, new in ROUTE_RENAMES.items():
        template = template.replace(old, new)
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def body_bytes(text: str) -> bytes:
    """Corpus content as bytes: spelled escapes (``\\x89``, ``\\r``) become the raw bytes."""
    text = text.split(" (")[0] if "(send" in text or "(binary" in text else text
    if "\\x" in text or "\\r" in text or "\\n" in text:
        return text.encode("latin-1", "backslashreplace").decode("unicode_escape").encode(
            "latin-1")
    return text.encode("utf-8")


_OPS = {ast.Add: operator.add, ast.Mult: operator.mul}


def eval_recipe(expression: str) -> str:
    """Evaluate a recipe like ``'[' * 100_000 + ']' * 100_000`` (string/int literals, + and *)."""

    def walk(node: ast.AST) -> Any:
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, int)):
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](walk(node.left), walk(node.right))
        raise ValueError(f"unsupported recipe: {expression!r}")

    return str(walk(ast.parse(expression, mode="eval").body))


def build_multipart(spec: dict[str, Any], values: dict[str, str]) -> tuple[bytes, str]:
    if "content" in spec:
        content = body_bytes(spec["content"])
    else:
        content = eval_recipe(spec["generate"]).encode()
    fields = {k: concrete(v, values) for k, v in (spec.get("form_fields") or {}).items()}
    return multipart(content, spec.get("filename", "data.csv"), field=spec.get("field", "file"),
                     content_type=spec.get("content_type", "application/octet-stream"),
                     fields=fields, disposition=spec.get("raw_content_disposition"))


def parquet_bomb(path: Path, rows: int) -> Path:
    """One int8 column of zeros, dictionary/RLE + zstd, written a row group at a time."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    group = min(rows, 50_000_000)
    table = pa.table({"x": pa.array(np.zeros(group, dtype=np.int8))})
    with pq.ParquetWriter(path, table.schema, compression="zstd", use_dictionary=True) as out:
        for _ in range(rows // group):
            out.write_table(table, row_group_size=group)
    return path


def xxe_workbook() -> bytes:
    """A valid xlsx whose sharedStrings.xml declares an external entity to /etc/passwd."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["name", "value"])
    book.active.append(["x", 1])
    plain = io.BytesIO()
    book.save(plain)
    evil = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(evil, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/sharedStrings.xml":
                data = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
                        b'<!DOCTYPE sst [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
                        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                        b'main" count="3" uniqueCount="3"><si><t>name</t></si><si><t>value'
                        b'</t></si><si><t>&e;</t></si></sst>')
            dst.writestr(item, data)
    return evil.getvalue()


def endless(opening: bytes, total: int, block: bytes = b"1,2\n" * 16384) -> Iterator[bytes]:
    yield opening
    for _ in range(total // len(block)):
        yield block
