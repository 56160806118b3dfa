"""The OpenAPI document as a browsable page: server-rendered, no script, nothing fetched."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

__all__ = ["DOCS_CSP", "render_docs"]

DOCS_CSP = ("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'; "
            "base-uri 'none'; form-action 'none'")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=PackageLoader("server_ext", "templates"),
                       autoescape=select_autoescape(default=True), undefined=StrictUndefined)


def _operations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    ops = []
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            body = op.get("requestBody", {}).get("content")
            ops.append({"id": op["operationId"], "tag": op["tags"][0], "method": method,
                        "path": path, "summary": op["summary"],
                        "parameters": op.get("parameters", []),
                        "body": json.dumps(body, indent=1) if body else "",
                        "statuses": list(op["responses"]),
                        "responses": json.dumps(op["responses"], indent=1)})
    return ops


def render_docs(doc: dict[str, Any]) -> str:
    """HTML for ``doc`` (every value escaped by the template's autoescape)."""
    schemas = sorted((name, json.dumps(schema, indent=1))
                     for name, schema in doc["components"]["schemas"].items())
    return _environment().get_template("docs.html.j2").render(
        doc=doc, tags=[t["name"] for t in doc["tags"]], operations=_operations(doc),
        schemas=schemas)
