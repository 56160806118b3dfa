"""The OpenAPI 3.1 document of ``/analyst/v1``, built from the same pydantic models the
handlers validate with and the engine returns, so the document cannot drift from the code.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from analyst_magics._version import __version__
from analyst_magics.models import Analysis, Answer, Profile

from . import schemas as s

__all__ = ["build_document"]

REF = "#/components/schemas/{model}"
MODELS: list[tuple[type[BaseModel], Literal["validation", "serialization"]]] = [
    (s.AskRequest, "validation"), (s.AnalyzeRequest, "validation"),
    *[(m, "serialization") for m in (s.ErrorData, s.Health, s.Info, s.DatasetSummary,
                                     s.JobAccepted, s.JobStatus, s.ProgressEvent, s.ReportEntry,
                                     Answer, Profile, Analysis)],
]
ERRORS = {"400": "Invalid request (the message names the field or the problem)",
          "403": "Not authenticated (send the Jupyter token: Authorization: token <token>), "
                 "not authorized, or a cross-site request",
          "404": "No such resource", "429": "Too many questions are waiting: try again after "
                                            "the seconds that the Retry-After header says",
          "500": "Unexpected error (see the reference id)"}
BINARY = {"schema": {"type": "string", "format": "binary"}}


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _envelope(data: dict[str, Any], *, ok: bool = True) -> dict[str, Any]:
    return {"application/json": {"schema": {
        "type": "object", "required": ["status", "message", "data"],
        "properties": {"status": {"const": "ok" if ok else "error"},
                       "message": {"type": "string"}, "data": data}}}}


def _op(op_id: str, tag: str, summary: str, responses: dict[str, Any], *,
        body: dict[str, Any] | None = None, params: list[dict[str, Any]] | None = None,
        errors: tuple[str, ...] = ("403", "500")) -> dict[str, Any]:
    errs = {code: {"description": ERRORS.get(code, "Refused"),
                   "content": _envelope(_ref(s.ErrorData), ok=False)}
            for code in (*errors, "403", "500")}
    op: dict[str, Any] = {"operationId": op_id, "tags": [tag], "summary": summary,
                          "responses": {**responses, **errs}}
    if body is not None:
        op["requestBody"] = {"required": True, "content": body}
    if params:
        op["parameters"] = params
    return op


def _ask_op() -> dict[str, Any]:
    """``POST ask``: 200 with the Answer, or 400 with either the invalid fields or the Answer
    that says why the question was not answered (no status "ok" without an answer)."""
    op = _op("ask", "questions", "Answer one question with its pandas code", _ok(_ref(Answer)),
             errors=("400", "404", "429"),
             body={"application/json": {"schema": _ref(s.AskRequest)}})
    op["responses"]["400"] = {
        "description": "Invalid request, no language model for engine 'llm', or a question "
                       "that cannot be answered: then data is the Answer (kind 'error'), whose "
                       "message says what was understood and which questions work",
        "content": _envelope({"oneOf": [_ref(s.ErrorData), _ref(Answer)]}, ok=False)}
    return op


def _ok(data: dict[str, Any], description: str = "OK", code: str = "200") -> dict[str, Any]:
    return {code: {"description": description, "content": _envelope(data)}}


def _path_param(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string", "minLength": 1, "maxLength": 200}}


DATASET = _path_param("dataset", "Dataset id, or its unique name.")
JOB = _path_param("job_id", "Job id returned by analyze.")
REPORT = _path_param("name", "A report file name, as listed by GET reports.")


def _paths() -> dict[str, Any]:
    listing = {"type": "array"}
    upload = {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary",
                                "description": "CSV, TSV, TXT, XLSX, JSON or Parquet."},
                       "name": {"type": "string", "maxLength": 1024}}}}}
    dataset = {"allOf": [_ref(s.DatasetSummary),
                         {"type": "object", "properties": {"profile": _ref(Profile)}}]}
    report_types = {t: BINARY for t in ("text/html", "application/pdf", "application/zip",
                                         "application/json", "text/csv")}
    return {
        "/health": {"get": _op("health", "meta", "Liveness: status, version, uptime",
                               _ok(_ref(s.Health)))},
        "/info": {"get": _op("info", "meta", "Features, limits and question engines",
                             _ok(_ref(s.Info)))},
        "/datasets": {
            "get": _op("listDatasets", "datasets", "List datasets, newest first",
                       _ok({**listing, "items": _ref(s.DatasetSummary)})),
            "post": _op("uploadDataset", "datasets", "Upload a file (streamed, size-limited)",
                        _ok(_ref(s.DatasetSummary), "Created", "201"), body=upload,
                        errors=("400", "408", "413", "415"))},
        "/datasets/{dataset}": {
            "get": _op("getDataset", "datasets", "A dataset with its profile summary",
                       _ok(dataset), params=[DATASET], errors=("400", "404")),
            "delete": _op("deleteDataset", "datasets", "Delete a dataset",
                          _ok({"type": "object", "properties": {"id": {"type": "string"}}}),
                          params=[DATASET], errors=("404",))},
        "/datasets/{dataset}/export": {"get": _op(
            "exportDataset", "datasets", "Download as CSV or XLSX (formulas neutralised)",
            {"200": {"description": "The file", "content": {
                "text/csv": BINARY, "application/vnd.openxmlformats-officedocument."
                                    "spreadsheetml.sheet": BINARY}}},
            params=[DATASET, {"name": "format", "in": "query", "required": False,
                              "schema": {"enum": ["csv", "xlsx"], "default": "csv"}}],
            errors=("400", "404"))},
        "/ask": {"post": _ask_op()},
        "/analyze": {"post": _op("analyze", "jobs", "Start an analysis job",
                                 _ok(_ref(s.JobAccepted), "Accepted", "202"),
                                 errors=("400", "404"),
                                 body={"application/json": {"schema": _ref(s.AnalyzeRequest)}})},
        "/jobs": {"get": _op("listJobs", "jobs", "The caller's jobs, newest first",
                             _ok({**listing, "items": _ref(s.JobStatus)}))},
        "/jobs/{job_id}": {"get": _op("getJob", "jobs", "A job's state and, once done, result",
                                      _ok(_ref(s.JobStatus)), params=[JOB], errors=("404",))},
        "/jobs/{job_id}/progress": {"get": {
            **_op("jobProgress", "jobs", "WebSocket: ProgressEvent messages until done/error",
                  {"101": {"description": "Switching to the WebSocket protocol; each message "
                           "is a ProgressEvent (see components), the last one done or error."}},
                  params=[JOB], errors=("400", "404")),
            "x-websocket-message": _ref(s.ProgressEvent)}},
        "/reports": {"get": _op("listReports", "reports", "The reports index",
                                _ok({**listing, "items": _ref(s.ReportEntry)}))},
        "/reports/{name}": {"get": _op("getReport", "reports", "Download one report file",
                                       {"200": {"description": "The file",
                                                "content": report_types}},
                                       params=[REPORT], errors=("404",))},
        "/reports/{name}/bundle": {"get": _op(
            "getReportBundle", "reports", "Zip of the report, cleaned data and analysis JSON",
            {"200": {"description": "The zip", "content": {"application/zip": BINARY}}},
            params=[REPORT], errors=("404",))},
        "/openapi.json": {"get": _op("openapi", "meta", "This document",
                                     {"200": {"description": "OpenAPI 3.1 JSON"}})},
        "/docs": {"get": _op("docs", "meta", "This document as a page (works offline)",
                             {"200": {"description": "HTML",
                                      "content": {"text/html": BINARY}}})},
    }


@lru_cache(maxsize=8)
def build_document(server_url: str, max_question_chars: int) -> dict[str, Any]:
    """The OpenAPI document; ``server_url`` is where ``/analyst/v1`` is served, and
    ``max_question_chars`` the limit this server enforces (one limit, stated where it applies)."""
    _, schemas = models_json_schema(MODELS, ref_template=REF)
    defs = schemas["$defs"]
    defs["AskRequest"]["properties"]["question"]["maxLength"] = max_question_chars
    defs["AnalyzeRequest"]["properties"]["questions"]["items"]["maxLength"] = max_question_chars
    return {
        "openapi": "3.1.0",
        "info": {"title": "analyst_magics REST API", "version": __version__,
                 "description": "Versioned endpoints of the analyst_magics Jupyter server "
                                "extension. Every JSON response is the envelope "
                                "{status, message, data}. Authenticate like any Jupyter API "
                                "request: `Authorization: token <token>`, or the login cookie "
                                "plus the `X-XSRFToken` header on writes."},
        "servers": [{"url": server_url}],
        "security": [{"token": []}],
        "tags": [{"name": t} for t in ("meta", "datasets", "questions", "jobs", "reports")],
        "paths": _paths(),
        "components": {"schemas": defs, "securitySchemes": {
            "token": {"type": "apiKey", "in": "header", "name": "Authorization",
                      "description": "`token <Jupyter server token>`"}}},
    }
