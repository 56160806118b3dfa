"""A real ``jupyter server`` process with the extension, on loopback, for fuzzing and load.

The in-process pytest-jupyter server shares the test's event loop, so clients that block
(schemathesis, benchmark threads) need a server in its own process.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["LiveServer", "live_server"]


@dataclass
class LiveServer:
    url: str  # ends with /analyst/v1
    token: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(server: LiveServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(f"{server.url}/health", headers=server.headers)
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited: {server.log.read_text()[-3000:]}")
        with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=2) as answer:
            if answer.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"the server did not answer in {timeout} s")


@contextlib.contextmanager
def live_server(home: Path, extension: dict[str, Any] | None = None, *,
                timeout: float = 120, app: str = "jupyter_server") -> Iterator[LiveServer]:
    """Run ``python -m <app>`` (the bare server, or ``jupyterlab``) with the extension; stop
    it on exit."""
    home.mkdir(parents=True, exist_ok=True)
    port, token = _free_port(), secrets.token_hex(16)
    config = {"ServerApp": {"jpserver_extensions": {"analyst_magics": True}, "port": port,
                            "ip": "127.0.0.1", "open_browser": False, "allow_root": True,
                            "root_dir": str(home)},
              "IdentityProvider": {"token": token},
              "AnalystExtension": {"storage_dir": str(home / "data"), **(extension or {})}}
    (home / "jupyter_server_config.json").write_text(json.dumps(config))
    env = {**os.environ, "HOME": str(home), "JUPYTER_CONFIG_DIR": str(home),
           "JUPYTER_DATA_DIR": str(home / "share"), "JUPYTER_RUNTIME_DIR": str(home / "run")}
    log = home / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", app], env=env,
                                   stdout=out, stderr=subprocess.STDOUT, cwd=home)
    server = LiveServer(f"http://127.0.0.1:{port}/analyst/v1", token, process, log)
    try:
        _wait(server, timeout)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
