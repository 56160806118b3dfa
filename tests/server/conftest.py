"""A real Jupyter server with the extension enabled the way users enable it (by package name)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from http_helpers import CSV, LIMIT_MB, multipart

# The real Jupyter server fixtures (jp_serverapp, jp_fetch, jp_ws_fetch, their event loop),
# for this directory only: as pytest_plugins they would apply to the whole suite, and their
# autouse event loop would clash with the page tests' browser.
from pytest_jupyter.jupyter_server import *  # noqa: F403
from tornado.httpclient import HTTPResponse


@pytest.fixture
def jp_server_config(tmp_path: Any) -> dict[str, Any]:
    return {
        "ServerApp": {"jpserver_extensions": {"analyst_magics": True}},
        "AnalystExtension": {"storage_dir": str(tmp_path / "analyst-data"),
                             "max_upload_mb": LIMIT_MB, "upload_idle_timeout": 1.0,
                             "job_workers": 1},
    }


@pytest.fixture
def analyst(jp_serverapp: Any) -> Any:
    """The running ``AnalystExtension``."""
    return jp_serverapp.extension_manager.extension_points["analyst_magics"].app


Fetch = Callable[..., Awaitable[HTTPResponse]]


@pytest.fixture
def api(jp_fetch: Fetch) -> Callable[..., Awaitable[tuple[int, dict[str, Any]]]]:
    """``await api(method, "datasets", ...)`` → (status, envelope); never raises on 4xx/5xx."""

    async def call(method: str, *path: str, body: Any = None, **kwargs: Any) -> tuple[int, Any]:
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body)
            kwargs.setdefault("headers", {}).setdefault("Content-Type", "application/json")
        response = await jp_fetch("analyst", "v1", *path, method=method, body=body,
                                  raise_error=False, **kwargs)
        return response.code, json.loads(response.body) if response.body else None

    return call


@pytest.fixture
def upload(api: Any) -> Callable[..., Awaitable[tuple[int, Any]]]:
    async def send(content: bytes = CSV, filename: str = "data.csv",
                   **kwargs: Any) -> tuple[int, Any]:
        fields = kwargs.pop("fields", None)
        body, content_type = multipart(content, filename, fields=fields, **kwargs)
        return await api("POST", "datasets", body=body, headers={"Content-Type": content_type})

    return send
