"""The extension loads in a real server; envelope, errors, health, info, auth on every route."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest
import tornado.websocket
from http_helpers import LIMIT_MB
from tornado.httpclient import HTTPClientError
from tornado.routing import PathMatches, Rule

from server_ext.base import UNAUTHENTICATED, AnalystHandler
from server_ext.handlers.analysis import ProgressHandler


async def test_extension_is_enabled_by_package_name(jp_serverapp: Any, analyst: Any) -> None:
    assert type(analyst).__name__ == "AnalystExtension"
    assert jp_serverapp.extension_manager.extensions["analyst_magics"].enabled


async def test_health_and_info(api: Any) -> None:
    status, body = await api("GET", "health")
    assert status == 200 and body["status"] == "ok" and body["data"]["status"] == "ok"
    assert body["data"]["uptime_s"] >= 0
    status, body = await api("GET", "info")
    assert status == 200
    limits = body["data"]["limits"]
    assert limits["max_upload_mb"] == LIMIT_MB and "csv" in limits["allowed_extensions"]
    assert body["data"]["engines"][0] == "rules"


async def test_unknown_path_is_enveloped_404(api: Any) -> None:
    status, body = await api("GET", "no", "such", "thing")
    assert status == 404 and body["status"] == "error" and body["data"]["reference"]


async def test_method_not_allowed_lists_allowed(jp_fetch: Any) -> None:
    response = await jp_fetch("analyst", "v1", "health", method="DELETE", raise_error=False)
    assert response.code == 405
    assert response.headers["Allow"] == "GET"
    assert json.loads(response.body)["status"] == "error"


async def test_unexpected_error_has_reference_and_no_traceback(
        api: Any, analyst: Any, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    def broken(self: Any) -> Any:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(type(analyst), "info", broken)
    with caplog.at_level(logging.ERROR):
        status, body = await api("GET", "info")
    assert status == 500 and body["status"] == "error"
    reference = body["data"]["reference"]
    assert reference in body["message"] and "secret internal detail" not in json.dumps(body)
    assert "Traceback" not in json.dumps(body)
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info is not None


def _routes(router: Any) -> list[tuple[str, type]]:
    found = []
    for rule in getattr(router, "rules", []):
        if isinstance(rule, Rule) and hasattr(rule.target, "rules"):
            found += _routes(rule.target)
        elif isinstance(rule, Rule) and isinstance(rule.matcher, PathMatches):
            found.append((rule.matcher.regex.pattern, rule.target))
    return found


def _sample_path(pattern: str) -> str:
    path = pattern.rstrip("$").replace("/?", "")
    return re.sub(r"\([^)]*\)", "0123456789abcdef0123456789abcdef", path)


def analyst_routes(app: Any) -> list[tuple[str, type]]:
    return [(p, h) for p, h in _routes(app.default_router) + _routes(app.wildcard_router)
            if isinstance(h, type) and h.__module__.startswith("server_ext")]


async def test_every_route_refuses_anonymous_requests(jp_serverapp: Any, http_server_client: Any,
                                                      jp_http_port: int) -> None:
    routes = analyst_routes(jp_serverapp.web_app)
    assert len(routes) >= 15
    for pattern, handler in routes:
        path = _sample_path(pattern)
        if handler is ProgressHandler:
            with pytest.raises(HTTPClientError) as refused:
                await tornado.websocket.websocket_connect(f"ws://127.0.0.1:{jp_http_port}{path}")
            assert refused.value.code == 403, path
            continue
        assert issubclass(handler, AnalystHandler)
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            body = b"{}" if method in ("POST", "PUT", "PATCH") else None
            response = await http_server_client.fetch(path, method=method, body=body,
                                                      raise_error=False)
            # the same readable refusal for every method, never "'_xsrf' argument missing"
            assert response.code == 403, (method, path, response.code)
            assert json.loads(response.body)["message"] == UNAUTHENTICATED, (method, path)
            assert b"North" not in response.body
