"""Under load the server's IOLoop comes first: worker processes and the sandbox run at a lower
scheduling priority, and a stalled loop is logged with the code that stalled it."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from analyst_magics.nlq.sandbox import run
from analyst_magics.nlq.sandbox.client import pool
from server_ext import worker
from server_ext.jobs import JobManager
from server_ext.loopwatch import STALL_S, LoopWatch


def _nice(pid: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, pid)


def test_the_sandbox_runs_below_the_process_that_asks() -> None:
    from analyst_magics.config import get_settings

    assert run("result = 1", pd.DataFrame({"a": [1]})) == 1
    server = pool().server_pid
    assert server is not None
    assert _nice(server) == _nice(os.getpid()) + get_settings().sandbox_nice
    assert all(_nice(pid) >= _nice(server) for pid in pool().pids)


@worker._guarded
def own_nice() -> dict[str, int]:
    """A worker task: the niceness of the process it runs in."""
    return {"nice": os.getpriority(os.PRIO_PROCESS, 0)}


async def test_job_workers_run_below_the_server(tmp_path: Path) -> None:
    manager = JobManager(tmp_path, workers=1, tasks_per_worker=5, environment={},
                         log=logging.getLogger("test"), nice=7)
    try:
        await manager.start()
        result = await manager.call(own_nice)
    finally:
        await manager.shutdown()
    assert result["nice"] == _nice(os.getpid()) + 7


def _block_the_loop() -> None:
    time.sleep(3 * STALL_S)  # what a handler must never do


async def test_a_stalled_loop_is_logged_with_where_it_stalled(
        caplog: pytest.LogCaptureFixture) -> None:
    watch = LoopWatch(logging.getLogger("test-loopwatch"))
    watch.start()
    try:
        await asyncio.sleep(0.2)  # the baseline tick
        _block_the_loop()
        await asyncio.sleep(0.2)
    finally:
        watch.stop()
    stalls = [r.getMessage() for r in caplog.records if "IOLoop was blocked" in r.getMessage()]
    assert stalls and "_block_the_loop" in stalls[0]
    assert watch.report()["max_lag_ms"] >= 1000 * 2 * STALL_S


async def test_questions_past_the_queue_bound_get_429_with_retry_after(
        analyst: Any, api: Any, upload: Any, jp_fetch: Any) -> None:
    status, body = await upload()
    assert status == 201
    dataset = body["data"]["id"]
    ask = {"dataset": dataset, "question": "how many rows are there?", "engine": "rules"}
    analyst.ask_slots.limit = 2
    analyst.ask_slots.used = 2  # two questions in progress
    response = await jp_fetch("analyst", "v1", "ask", method="POST", body=json.dumps(ask),
                              headers={"Content-Type": "application/json"}, raise_error=False)
    assert response.code == 429 and response.headers["Retry-After"] == "1"
    message = json.loads(response.body)["message"]
    assert "AnalystExtension.ask_queue" in message and "Try again" in message
    analyst.ask_slots.used = 1  # one finished: room again
    status, body = await api("POST", "ask", body=ask)
    assert status == 200 and body["data"]["value"] > 0
    assert analyst.ask_slots.used == 1  # the slot it took is given back
