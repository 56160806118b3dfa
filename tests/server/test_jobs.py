"""Analysis jobs: 202 with an id, progress over a WebSocket, results that survive a disconnect."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import tornado.websocket
from tornado.httpclient import HTTPClientError, HTTPRequest

from server_ext.jobs import Job, JobManager
from server_ext.storage import atomic_write_json

STATES = {"queued", "running", "done", "error"}
pytestmark = pytest.mark.slow  # each test runs a real analysis


@pytest.fixture
def sales_csv() -> bytes:
    """A table worth analysing: a trend over time and a difference between regions."""
    rng = np.random.default_rng(7)
    n = 400
    frame = pd.DataFrame({
        "date": pd.date_range("2024-01-01", periods=n, freq="D").strftime("%Y-%m-%d"),
        "region": rng.choice(["north", "south", "east"], n),
        "units": rng.integers(1, 40, n)})
    frame["revenue"] = (frame["units"] * 12.5 + np.arange(n) * 0.3
                        + (frame["region"] == "north") * 40 + rng.normal(0, 5, n)).round(2)
    return frame.to_csv(index=False).encode()


async def start(upload: Any, api: Any, analyst: Any, sales_csv: bytes) -> dict[str, Any]:
    """Upload the sales table and start its analysis; the 202's data."""
    status, body = await upload(sales_csv, "sales.csv")
    assert status == 201, body
    status, body = await api("POST", "analyze",
                             body={"dataset": "sales", "questions": ["how many rows are there?"]})
    assert status == 202, body
    assert body["data"]["state"] == "queued"
    return body["data"]


async def _events(jp_ws_fetch: Any, job_id: str, *, limit: int | None = None) -> list[dict]:
    ws = await jp_ws_fetch("analyst", "v1", "jobs", job_id, "progress")
    events = []
    while (message := await asyncio.wait_for(ws.read_message(), 120)) is not None:
        events.append(json.loads(message))
        if limit is not None and len(events) >= limit:
            break
    ws.close()
    return events


async def _wait_done(api: Any, job_id: str) -> dict[str, Any]:
    for _ in range(600):
        status, body = await api("GET", "jobs", job_id)
        assert status == 200, body
        if body["data"]["state"] in ("done", "error"):
            return body["data"]
        await asyncio.sleep(0.2)
    raise AssertionError("the job did not finish in 120 s")


async def test_progress_stream_ends_with_done(upload: Any, api: Any, analyst: Any,
                                              sales_csv: bytes, jp_ws_fetch: Any) -> None:
    analyzing = await start(upload, api, analyst, sales_csv)
    events = await _events(jp_ws_fetch, analyzing["job_id"])
    assert events and {e["job_id"] for e in events} == {analyzing["job_id"]}
    assert all(e["state"] in STATES and 0 <= e["progress"] <= 1 for e in events)
    assert [e["progress"] for e in events] == sorted(e["progress"] for e in events)
    assert events[-1]["state"] == "done", events[-1]
    assert len(events) >= 3  # queued/running stages, then done
    job = await _wait_done(api, analyzing["job_id"])
    assert job["result"]["metadata"]["rows"] == 400
    assert job["result"]["answers"][0]["question"] == "how many rows are there?"
    status, listed = await api("GET", "jobs")
    assert [j["job_id"] for j in listed["data"]] == [analyzing["job_id"]]


async def test_disconnect_loses_nothing(upload: Any, api: Any, analyst: Any, sales_csv: bytes,
                                        jp_ws_fetch: Any) -> None:
    analyzing = await start(upload, api, analyst, sales_csv)
    first = await _events(jp_ws_fetch, analyzing["job_id"], limit=1)
    assert first[0]["state"] in STATES  # then the client goes away mid-job
    job = await _wait_done(api, analyzing["job_id"])
    assert job["state"] == "done" and job["result"]["profile"]["rows"] == 400
    assert not analyst.jobs._listeners.get(analyzing["job_id"])  # nothing left subscribed
    late = await _events(jp_ws_fetch, analyzing["job_id"])  # a late subscriber gets the end
    assert [e["state"] for e in late] == ["done"]


async def test_jobs_belong_to_who_started_them(upload: Any, api: Any, analyst: Any,
                                               sales_csv: bytes, jp_fetch: Any,
                                               jp_http_port: int, jp_base_url: str) -> None:
    analyzing = await start(upload, api, analyst, sales_csv)
    login = await jp_fetch("analyst", "v1", "health")  # the token request sets a user cookie
    cookie = login.headers["Set-Cookie"].split(";")[0]
    headers = {"Authorization": "", "Cookie": cookie}
    response = await jp_fetch("analyst", "v1", "jobs", analyzing["job_id"], headers=headers,
                              raise_error=False)
    assert response.code == 404
    # The login cookie is named after the host, so the WebSocket uses the same host.
    url = (f"ws://127.0.0.1:{jp_http_port}{jp_base_url}analyst/v1/jobs/"
           f"{analyzing['job_id']}/progress")
    with pytest.raises(HTTPClientError) as refused:
        await tornado.websocket.websocket_connect(HTTPRequest(url, headers={"Cookie": cookie}))
    assert refused.value.code == 404


async def test_report_job_writes_report_and_bundle(upload: Any, api: Any, analyst: Any,
                                                   sales_csv: bytes, jp_fetch: Any) -> None:
    await upload(sales_csv, "sales.csv")
    status, body = await api("POST", "analyze", body={"dataset": "sales", "report": True})
    assert status == 202, body
    job = await _wait_done(api, body["data"]["job_id"])
    assert job["state"] == "done", job["message"]
    html = next(name for name in job["reports"] if name.endswith(".html"))
    response = await jp_fetch("analyst", "v1", "reports", html)
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    bundle = await jp_fetch("analyst", "v1", "reports", html, "bundle")
    assert bundle.body[:4] == b"PK\x03\x04"
    status, listed = await api("GET", "reports")
    assert html in [r["name"] for r in listed["data"]]


def test_unfinished_jobs_end_as_interrupted_after_a_restart(tmp_path: Path) -> None:
    import logging

    job = Job(job_id="0" * 32, kind="analyze", owner="token", dataset="d", state="running")
    (tmp_path / job.job_id).mkdir()
    atomic_write_json(tmp_path / job.job_id / "job.json", job.__dict__)
    manager = JobManager(tmp_path, workers=1, tasks_per_worker=1, environment={},
                         log=logging.getLogger("test"))
    again = manager.get(job.job_id, "token")
    assert again.state == "error" and again.stage == "interrupted"
    with pytest.raises(Exception, match="No such job"):
        manager.get(job.job_id, "user:someone-else")
