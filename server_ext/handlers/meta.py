"""``health``, ``info``, ``openapi.json``, ``docs``, and 404 for any other ``/analyst/v1`` path."""

from __future__ import annotations

import json
import time
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from analyst_magics._version import __version__

from ..base import AnalystHandler
from ..docs import DOCS_CSP, render_docs
from ..errors import APIError
from ..openapi import build_document

__all__ = ["DocsHandler", "HealthHandler", "InfoHandler", "NotFoundHandler", "OpenAPIHandler"]


class HealthHandler(AnalystHandler):
    _track_activity = False  # a health probe is not user activity

    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.reply({"status": "ok", "version": __version__,
                    "uptime_s": round(time.monotonic() - self.ext.started_at, 3),
                    "loop": self.ext.loop_watch.report()})


class InfoHandler(AnalystHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.reply(self.ext.info())


class OpenAPIHandler(AnalystHandler):
    def api_root(self) -> str:
        return self.request.path.rsplit("/", 1)[0]

    def document(self) -> dict[str, Any]:
        """This server's OpenAPI document: its URL, and the limits it enforces."""
        return build_document(self.api_root(), self.ext.settings_model.max_question_chars)

    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.reply_raw(self.document())

    def reply_raw(self, doc: dict[str, Any]) -> None:
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(doc, allow_nan=False))


class DocsHandler(OpenAPIHandler):
    @property
    def content_security_policy(self) -> str:
        return DOCS_CSP

    @web.authenticated
    @authorized
    async def get(self) -> None:
        html = render_docs(self.document())
        self.finish(html, set_content_type="text/html; charset=utf-8")


class NotFoundHandler(AnalystHandler):
    """Any other path under ``/analyst/v1``: 404 in the envelope (after authentication)."""

    def _missing(self, *args: str) -> None:
        raise APIError(404, "No such endpoint. GET analyst/v1/docs lists the endpoints.")

    get = web.authenticated(authorized(_missing))
    post = put = patch = delete = get
