"""The retention policy deletes old uploads, reports and finished jobs, and nothing recent."""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

from http_helpers import CSV

DAY = 86_400


def _age(path: Any, days: float) -> None:
    stamp = time.time() - days * DAY
    os.utime(path, (stamp, stamp))


async def test_sweep_removes_only_what_is_old(upload: Any, api: Any, analyst: Any) -> None:
    old = (await upload(CSV, "old.csv"))[1]["data"]["id"]
    new = (await upload(CSV, "new.csv"))[1]["data"]["id"]
    _age(analyst.store.path(old, "meta.json"), 31)
    reports = analyst.reports_root
    reports.mkdir(parents=True, exist_ok=True)
    (reports / "old-20200101T000000Z.html").write_text("<p>old</p>")
    (reports / "new-20260101T000000Z.html").write_text("<p>new</p>")
    _age(reports / "old-20200101T000000Z.html", 31)
    _, staging = analyst.store.stage()  # an upload that never finished
    _age(staging, 2)
    counts = analyst.sweep()
    assert counts == {"datasets": 1, "reports": 1, "jobs": 0, "staging": 1}
    assert (await api("GET", "datasets", old))[0] == 404
    assert (await api("GET", "datasets", new))[0] == 200
    assert sorted(p.name for p in reports.iterdir()) == ["new-20260101T000000Z.html"]
    assert analyst.sweep() == {"datasets": 0, "reports": 0, "jobs": 0, "staging": 0}


async def test_finished_jobs_expire(upload: Any, api: Any, analyst: Any) -> None:
    await upload(CSV, "sales.csv")
    job_id = (await api("POST", "analyze", body={"dataset": "sales"}))[1]["data"]["job_id"]
    assert analyst.sweep()["jobs"] == 0  # running or fresh: kept
    for _ in range(600):
        if analyst.jobs.jobs[job_id].state in ("done", "error"):
            break
        await asyncio.sleep(0.2)
    _age(analyst.jobs.root / job_id / "job.json", 31)
    assert analyst.sweep()["jobs"] == 1
    assert (await api("GET", "jobs", job_id))[0] == 404
    assert not (analyst.jobs.root / job_id).exists()
