"""Uploads (streamed, size-limited, sniffed), the datasets collection, one dataset, export."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from typing import Any

import pandas as pd
import pytest
from http_helpers import CSV, LIMIT_MB, chunked, multipart, raw_request


async def test_upload_list_get_delete(upload: Any, api: Any, analyst: Any) -> None:
    status, body = await upload(CSV, "sales.csv")
    assert status == 201, body
    data = body["data"]
    assert (data["rows"], data["columns"], data["name"]) == (3, 2, "sales")
    stored = list(analyst.store.root.glob("*/source.csv"))
    assert [p.parent.name for p in stored] == [data["id"]]
    assert stored[0].read_bytes() == CSV
    status, listed = await api("GET", "datasets")
    assert status == 200 and [d["id"] for d in listed["data"]] == [data["id"]]
    status, one = await api("GET", "datasets", "sales")  # by name as well as by id
    assert status == 200 and one["data"]["id"] == data["id"]
    assert one["data"]["profile"]["rows"] == 3
    status, _ = await api("DELETE", "datasets", data["id"])
    assert status == 200
    assert not list(analyst.store.root.iterdir())
    status, _ = await api("GET", "datasets", data["id"])
    assert status == 404


@pytest.mark.parametrize(("given", "stored"), [
    ("../../../tmp/pwned", "tmp-pwned"), ("..\\..\\windows", "windows"),
    ("sales 2024/Q1", "sales 2024-Q1"), ("/etc/passwd", "etc-passwd"), ("../..", "sales")])
async def test_a_dataset_name_never_holds_a_path(upload: Any, given: str, stored: str) -> None:
    status, body = await upload(CSV, "sales.csv", fields={"name": given})
    assert status == 201 and body["data"]["name"] == stored


async def test_same_name_gets_a_suffix(upload: Any) -> None:
    first = (await upload(CSV, "sales.csv"))[1]["data"]["name"]
    second = (await upload(CSV, "ｓａｌｅｓ\u200b.csv"))[1]["data"]["name"]
    assert (first, second) == ("sales", "sales-2")


@pytest.mark.parametrize(("content", "filename", "status"), [
    (CSV, "data.exe", 415),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "data.csv", 415),
    (CSV, "data.xlsx", 415),
    (b"PAR1 not really", "data.parquet", 415),
    (b"just text", "data.json", 415),
    (b"", "empty.csv", 400),
    (b"a,b\n1,x\x00y\n", "nul.csv", 400),
    (b"," * 1_000_000 + b"\n1\n", "commas.csv", 400),  # 1 MB that would be a million columns
])
async def test_refused_uploads_leave_nothing(upload: Any, analyst: Any, content: bytes,
                                             filename: str, status: int) -> None:
    code, body = await upload(content, filename)
    assert code == status, body
    assert body["status"] == "error" and body["message"]
    assert not list(analyst.store.root.iterdir())
    if filename == "commas.csv":
        assert "1,000,001 columns" in body["message"] and "ANALYST_MAX_COLUMNS" in body["message"]


@pytest.fixture
def raw(jp_serverapp: Any, http_server_client: Any, jp_http_port: int, jp_base_url: str) -> Any:
    """Send a hand-made request from a thread (the server runs on this test's event loop)."""
    token = jp_serverapp.identity_provider.token

    async def send(path: str, headers: dict[str, str], chunks: Any, **kwargs: Any) -> Any:
        headers = {"Authorization": f"token {token}", **headers}
        return await asyncio.to_thread(raw_request, jp_http_port,
                                       f"{jp_base_url}analyst/v1/{path}", headers, chunks, **kwargs)

    return send


def _endless_csv_upload(total: int) -> Any:
    body, content_type = multipart(b"", "big.csv")
    opening = body[:body.index(b"\r\n\r\n") + 4]
    row_block = b"1,2\n" * 16384
    yield opening
    for _ in range(total // len(row_block)):
        yield row_block


async def test_oversize_chunked_upload_is_cut_while_streaming(raw: Any, analyst: Any,
                                                              api: Any) -> None:
    """A 1 GiB chunked body (no Content-Length) is answered 413 once the limit is passed."""
    content_type = multipart(b"")[1]
    status, body, sent = await raw("datasets", {"Transfer-Encoding": "chunked",
                                                "Content-Type": content_type},
                                   chunked(_endless_csv_upload(1 << 30)))
    assert status == 413, body
    assert json.loads(body)["status"] == "error"
    assert sent < (LIMIT_MB + 8) * 1024 * 1024  # stopped long before 1 GiB
    assert not list(analyst.store.root.iterdir())  # the partial file is gone
    assert (await api("GET", "health"))[0] == 200


async def test_declared_oversize_is_refused_before_the_body(raw: Any, analyst: Any) -> None:
    content_type = multipart(b"")[1]
    status, body, _ = await raw("datasets", {"Content-Length": str(10 << 30),
                                             "Content-Type": content_type},
                                [b"x" * 1024], pause=0.5)
    assert status == 413, body
    assert not list(analyst.store.root.iterdir())


async def test_trickling_upload_times_out_and_others_are_served(raw: Any, api: Any) -> None:
    content_type = multipart(b"")[1]
    pending = asyncio.ensure_future(raw("datasets", {"Content-Length": str(10 << 20),
                                                     "Content-Type": content_type},
                                        iter([b"-"] * 30), pause=0.3))
    assert (await api("GET", "health"))[0] == 200
    status, body, sent = await pending
    assert status == 408, body
    assert sent < 30


async def test_export_neutralises_formulas(upload: Any, jp_fetch: Any) -> None:
    content = b'label,amount\n"=cmd|\' /C calc\'!A0",-5\n"@SUM(1+1)",3\nplain,-2\n'
    status, body = await upload(content, "formulas.csv")
    assert status == 201, body
    dataset = body["data"]["id"]
    response = await jp_fetch("analyst", "v1", "datasets", dataset, "export",
                              params={"format": "csv"})
    assert response.headers["Content-Type"].startswith("text/csv")
    exported = pd.read_csv(io.BytesIO(response.body))
    assert exported["label"].tolist() == ["'=cmd|' /C calc'!A0", "'@SUM(1+1)", "plain"]
    assert exported["amount"].tolist() == [-5, 3, -2]
    response = await jp_fetch("analyst", "v1", "datasets", dataset, "export",
                              params={"format": "xlsx"})
    with zipfile.ZipFile(io.BytesIO(response.body)) as book:
        assert "xl/workbook.xml" in book.namelist()
    sheet = pd.read_excel(io.BytesIO(response.body))
    assert sheet["label"].iloc[0].startswith("'=") and sheet["amount"].iloc[0] == -5
