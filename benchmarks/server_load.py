"""Load on the REST extension: 20 clients asking questions while an analysis job runs.

Starts a real ``jupyter server`` with the extension on loopback, uploads a 100,000-row dataset,
starts ``POST analyze`` on it, then runs 20 client threads asking rules-engine questions
(bounded: ``--requests`` per client and ``--seconds`` overall). A probe thread asks
``GET health`` every 50 ms: its worst latency bounds how long the IOLoop was ever blocked.
Finally it streams a 200 MB CSV upload and reports how much the server's own RSS grew.

    python benchmarks/server_load.py [--clients 20] [--requests 15] [--seconds 120]

Prints one line per measurement and ends with a ``key=value`` summary line. Needs psutil.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "server"))
from live_server import LiveServer, live_server  # noqa: E402  (shared with the fuzz test)

import analyst_magics as am  # noqa: E402

QUESTIONS = ["how many rows are there?", "average revenue by region", "total units",
             "number of orders by region", "maximum revenue", "top 5 products by revenue"]
PROBE_INTERVAL_S = 0.05
BIG_UPLOAD_MB = 200


def request(server: LiveServer, method: str, path: str, body: Any = None,
            headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One request on a fresh connection (clients do not share sockets)."""
    host, port = server.url.split("//")[1].split("/")[0].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=300)
    try:
        conn.request(method, f"/analyst/v1/{path}", body=body,
                     headers={**server.headers, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def upload(server: LiveServer, path: Path, name: str) -> dict[str, Any]:
    """Stream ``path`` as a multipart upload (the body is read from disk, not memory)."""
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    with tempfile.TemporaryFile() as body:
        body.write(head)
        with open(path, "rb") as source:
            while chunk := source.read(1 << 20):
                body.write(chunk)
        body.write(tail)
        size = body.tell()
        body.seek(0)
        status, answer = request(server, "POST", "datasets", body, {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(size)})
    if status != 201:
        raise RuntimeError(f"upload of {name} failed: {status} {answer[:300]!r}")
    return json.loads(answer)["data"]  # type: ignore[no-any-return]


class RSSMonitor(threading.Thread):
    """Samples the server's own RSS (and its workers') until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.peak = self.peak_total = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.05):
            try:
                own = self.process.memory_info().rss
                total = own + sum(c.memory_info().rss for c in self.process.children(True))
            except psutil.Error:
                continue
            self.peak, self.peak_total = max(self.peak, own), max(self.peak_total, total)


def probe(server: LiveServer, stop: threading.Event, latencies: list[float]) -> None:
    while not stop.wait(PROBE_INTERVAL_S):
        started = time.perf_counter()
        request(server, "GET", "health?no_track_activity=1")
        latencies.append(time.perf_counter() - started)


def client(server: LiveServer, dataset: str, count: int, deadline: float,
           results: list[tuple[float, bool]], seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(count):
        if time.monotonic() > deadline:
            return
        body = json.dumps({"dataset": dataset, "question": str(rng.choice(QUESTIONS)),
                           "engine": "rules"})
        started = time.perf_counter()
        try:
            status, _ = request(server, "POST", "ask", body, {"Content-Type": "application/json"})
            ok = status == 200
        except OSError:
            ok = False
        results.append((time.perf_counter() - started, ok))


def run_load(server: LiveServer, dataset: str, args: argparse.Namespace) -> dict[str, float]:
    status, answer = request(server, "POST", "analyze", json.dumps({"dataset": dataset}),
                             {"Content-Type": "application/json"})
    assert status == 202, answer
    job = json.loads(answer)["data"]["job_id"]
    request(server, "POST", "ask", json.dumps({"dataset": dataset, "question": QUESTIONS[0]}),
            {"Content-Type": "application/json"})  # warm the table cache and the sandbox
    results: list[tuple[float, bool]] = []
    probes: list[float] = []
    stop = threading.Event()
    prober = threading.Thread(target=probe, args=(server, stop, probes), daemon=True)
    prober.start()
    deadline = time.monotonic() + args.seconds
    threads = [threading.Thread(target=client, args=(server, dataset, args.requests, deadline,
                                                     results, i)) for i in range(args.clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    stop.set()
    prober.join()
    state = json.loads(request(server, "GET", f"jobs/{job}")[1])["data"]["state"]
    loop = json.loads(request(server, "GET", "health")[1])["data"]["loop"]
    latencies = sorted(t for t, _ in results)
    return {"requests": len(results), "errors": sum(not ok for _, ok in results),
            "rps": len(results) / elapsed, "p50_ms": 1000 * statistics.median(latencies),
            "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
            "health_p99_ms": 1000 * sorted(probes)[int(0.99 * (len(probes) - 1))] if probes
            else 0.0,
            "health_latency_max_ms": 1000 * max(probes, default=0.0),
            "rps_per_core": len(results) / elapsed / (os.cpu_count() or 1),
            "loop_lag_max_ms": loop["max_lag_ms"],
            "loop_cpu_in_max_lag_ms": loop["loop_cpu_in_max_lag_ms"],
            "analyze_state_at_end": state}  # type: ignore[dict-item]


def big_csv(path: Path, megabytes: int) -> Path:
    """A numeric CSV of about ``megabytes`` MB, written in blocks."""
    rng = np.random.default_rng(0)
    block = pd.DataFrame(rng.normal(size=(200_000, 6)).round(4), columns=list("abcdef"))
    text = block.to_csv(index=False, header=False).encode()
    with open(path, "wb") as out:
        out.write(b"a,b,c,d,e,f\n")
        for _ in range(megabytes * (1 << 20) // len(text) + 1):
            out.write(text)
    return path


def upload_rss(server: LiveServer, work: Path) -> dict[str, float]:
    path = big_csv(work / "big.csv", BIG_UPLOAD_MB)
    own = psutil.Process(server.process.pid)
    before = own.memory_info().rss
    monitor = RSSMonitor(server.process.pid)
    monitor.start()
    started = time.perf_counter()
    meta = upload(server, path, "big.csv")
    monitor.stopped.set()
    monitor.join()
    return {"upload_mb": path.stat().st_size / (1 << 20), "upload_rows": meta["rows"],
            "upload_s": time.perf_counter() - started,
            "upload_rss_growth_mb": (monitor.peak - before) / (1 << 20)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=15, help="questions per client")
    parser.add_argument("--seconds", type=float, default=120, help="time bound of the load")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        am.sample_data(rows=100_000).to_csv(work / "orders.csv", index=False)
        with live_server(work / "home", {"max_upload_mb": BIG_UPLOAD_MB + 50}) as server:
            monitor = RSSMonitor(server.process.pid)
            monitor.start()
            dataset = upload(server, work / "orders.csv", "orders.csv")["id"]
            load = run_load(server, dataset, args)
            monitor.stopped.set()
            monitor.join()
            memory = upload_rss(server, work)
            stalls = server.log.read_text(errors="replace").split("analyst: the IOLoop was ")[1:]
    for stall in stalls[:5]:  # where the loop was when it stalled, from the server's log
        print("stall:", stall.strip()[:1500], "\n")
    summary = {**load, **memory, "loop_stalls_logged": len(stalls),
               "server_peak_rss_mb": monitor.peak / (1 << 20),
               "server_and_workers_peak_rss_mb": monitor.peak_total / (1 << 20)}
    for key, value in summary.items():
        print(f"{key:32s} {value:.1f}" if isinstance(value, float) else f"{key:32s} {value}")
    print(" ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}"
                   for k, v in summary.items()))


if __name__ == "__main__":
    main()
