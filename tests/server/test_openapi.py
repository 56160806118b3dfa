"""The OpenAPI document: valid, complete, rendered offline, and true of real responses."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from http_helpers import CSV
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from test_app import analyst_routes


@pytest.fixture
async def document(jp_fetch: Any) -> dict[str, Any]:
    return json.loads((await jp_fetch("analyst", "v1", "openapi.json")).body)


def check(doc: dict[str, Any], path: str, method: str, status: int, body: Any) -> None:
    """Validate ``body`` against the schema documented for this response."""
    response = doc["paths"][path][method]["responses"][str(status)]
    schema = response["content"]["application/json"]["schema"]
    # The document is the root, so "#/components/..." references resolve.
    Draft202012Validator({**doc, **schema}).validate(body)


async def test_document_is_valid_openapi(jp_fetch: Any) -> None:
    doc = json.loads((await jp_fetch("analyst", "v1", "openapi.json")).body)
    validate(doc)
    assert doc["openapi"].startswith("3.1")
    assert doc["servers"][0]["url"].endswith("/analyst/v1")


async def test_every_route_is_documented(jp_serverapp: Any, jp_fetch: Any) -> None:
    doc = json.loads((await jp_fetch("analyst", "v1", "openapi.json")).body)
    documented = {re.sub(r"\{[^}]+\}", "{}", p) for p in doc["paths"]}
    for pattern, _ in analyst_routes(jp_serverapp.web_app):
        route = pattern.split("analyst/v1", 1)[1].replace("/?", "").rstrip("$")
        if route == "/(.*)":
            continue  # the 404 catch-all
        assert route.replace("([^/]+)", "{}") in documented, route


async def test_happy_paths_match_the_document(jp_fetch: Any, api: Any, upload: Any,
                                              analyst: Any) -> None:
    doc = json.loads((await jp_fetch("analyst", "v1", "openapi.json")).body)
    for path in ("health", "info", "datasets", "reports", "jobs"):
        status, body = await api("GET", path)
        check(doc, f"/{path}", "get", status, body)
    status, body = await upload(CSV, "sales.csv")
    check(doc, "/datasets", "post", status, body)
    dataset = body["data"]["id"]
    status, body = await api("GET", "datasets", dataset)
    check(doc, "/datasets/{dataset}", "get", status, body)
    status, body = await api("GET", "datasets", "missing")
    check(doc, "/datasets/{dataset}", "get", status, body)
    status, body = await api("POST", "ask", body={"dataset": dataset,
                                                  "question": "how many rows are there?"})
    check(doc, "/ask", "post", status, body)
    assert status == 200 and body["status"] == "ok"
    # read but not answered: 400 and "error", with the Answer saying what was understood
    status, body = await api("POST", "ask", body={"dataset": dataset,
                                                  "question": "what is the meaning of life?"})
    check(doc, "/ask", "post", status, body)
    assert status == 400 and body["status"] == "error" and body["data"]["kind"] == "error"
    assert body["message"] == body["data"]["message"] != ""
    status, body = await api("POST", "ask", body={"dataset": dataset, "engine": "llm",
                                                  "question": "how many rows are there?"})
    check(doc, "/ask", "post", status, body)
    assert status == 400 and "ANALYST_LLM_BASE_URL" in body["message"]
    status, body = await api("POST", "ask", body={"dataset": dataset, "question": ""})
    check(doc, "/ask", "post", status, body)
    assert status == 400 and body["data"]["errors"][0]["field"] == "question"
    status, body = await api("POST", "analyze", body={"dataset": dataset})
    check(doc, "/analyze", "post", status, body)
    status, body = await api("GET", "jobs", body["data"]["job_id"])
    check(doc, "/jobs/{job_id}", "get", status, body)
    status, body = await api("DELETE", "datasets", dataset)
    check(doc, "/datasets/{dataset}", "delete", status, body)


async def test_the_documented_question_limit_is_the_enforced_one(jp_fetch: Any, api: Any,
                                                                  upload: Any, analyst: Any
                                                                  ) -> None:
    doc = json.loads((await jp_fetch("analyst", "v1", "openapi.json")).body)
    schemas = doc["components"]["schemas"]
    limit = analyst.settings_model.max_question_chars
    assert schemas["AskRequest"]["properties"]["question"]["maxLength"] == limit
    assert schemas["AnalyzeRequest"]["properties"]["questions"]["items"]["maxLength"] == limit
    dataset = (await upload(CSV, "sales.csv"))[1]["data"]["id"]
    status, body = await api("POST", "ask", body={"dataset": dataset, "question": "a" * limit})
    assert "errors" not in body["data"]  # read (and declined as a question), not refused
    status, body = await api("POST", "ask", body={"dataset": dataset,
                                                  "question": "a" * (limit + 1)})
    assert status == 400 and f"the limit is {limit:,}" in body["message"]


async def test_docs_page_is_offline_and_complete(jp_fetch: Any) -> None:
    doc = json.loads((await jp_fetch("analyst", "v1", "openapi.json")).body)
    page = await jp_fetch("analyst", "v1", "docs")
    html = page.body.decode()
    assert page.headers["Content-Type"].startswith("text/html")
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert "<script" not in html and not re.search(r"(src|href)=\"(https?:)?//", html)
    for methods in doc["paths"].values():
        for op in methods.values():
            assert f'id="{op["operationId"]}"' in html


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          None])
async def test_json_bodies_must_say_they_are_json(jp_fetch: Any, content_type: str | None
                                                  ) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = await jp_fetch("analyst", "v1", "ask", method="POST", raise_error=False,
                              body=json.dumps({"dataset": "x", "question": "how many rows"}),
                              headers=headers)
    body = json.loads(response.body)
    assert response.code == 415 and body["status"] == "error"
    assert "Content-Type: application/json" in body["message"]
