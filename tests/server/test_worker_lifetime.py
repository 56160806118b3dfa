"""A server killed outright leaves no process behind: its job workers (the fork server's
children, not its own) and the sandbox end with it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from live_server import live_server

psutil = pytest.importorskip("psutil")


def _workers(pid: int) -> list[psutil.Process]:
    return [p for p in psutil.Process(pid).children(recursive=True)
            if "forkserver" in " ".join(p.cmdline())]


@pytest.mark.slow
def test_job_workers_end_when_the_server_is_killed(tmp_path: Path) -> None:
    with live_server(tmp_path / "home") as server:
        deadline = time.monotonic() + 60
        while len(workers := _workers(server.process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)  # the fork server and at least one pool worker
        assert len(workers) >= 2, "the job workers did not start"
        left = psutil.Process(server.process.pid).children(recursive=True)
        server.process.kill()  # no shutdown hook runs
        server.process.wait()
        _, alive = psutil.wait_procs(left, timeout=15)
        assert not alive, [" ".join(p.cmdline())[:120] for p in alive]
