"""What the sidebar costs a notebook: a trivial cell's time with the panel's comm open or not,
with a 10,000-column DataFrame in the kernel, and how soon the list arrives after a cell.

Starts a real kernel, loads the extension, and times ``x = 1`` cells (execute request to
execute reply) first with no panel, then with a comm open as the JupyterLab panel opens it.
The peers' way (a silent ``requestExecute`` after every cell, as Mito and
jupyterlab-variableInspector do) is timed too, listing the same frames with the same code.

    python benchmarks/sidebar_overhead.py [--columns 10000] [--cells 30]

Goal: at most 50 ms more per cell with the panel open; the list within 1 s of a cell.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from typing import Any

from jupyter_client.manager import KernelManager

from analyst_magics.sidebar import TARGET

PEER_LISTING = ("__import__('analyst_magics.sidebar', fromlist=['x']).frame_entries("
                "get_ipython().user_ns)")


def _reply(client: Any, msg_id: str) -> dict[str, Any]:
    while True:
        reply = client.get_shell_msg(timeout=120)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


def cell_times(client: Any, cells: int, *, peer: bool = False) -> list[float]:
    """Seconds from sending ``x = 1`` to its reply (and, for the peers' way, to the reply of
    the silent listing request that follows each cell)."""
    times = []
    for _ in range(cells):
        started = time.perf_counter()
        _reply(client, client.execute("x = 1"))
        if peer:
            _reply(client, client.execute("", silent=True,
                                          user_expressions={"frames": PEER_LISTING}))
        times.append(time.perf_counter() - started)
    return times


def list_latency(client: Any, comm_id: str, cells: int) -> list[float]:
    """Seconds from a cell's reply to the frames message that follows it."""
    latencies = []
    for _ in range(cells):
        msg_id = client.execute("x = 1")
        _reply(client, msg_id)
        replied = time.perf_counter()
        while True:
            message = client.get_iopub_msg(timeout=30)
            data = message["content"].get("data", {})
            if message["msg_type"] == "comm_msg" and message["content"].get("comm_id") == \
                    comm_id and data.get("type") == "frames":
                latencies.append(time.perf_counter() - replied)
                break
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--columns", type=int, default=10_000)
    parser.add_argument("--cells", type=int, default=30)
    args = parser.parse_args()
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel()
    client = manager.blocking_client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        _reply(client, client.execute(
            "%load_ext analyst_magics\nimport numpy as np, pandas as pd\n"
            f"wide = pd.DataFrame(np.zeros((1_000, {args.columns})))\n"
            "small = pd.DataFrame({'a': range(100)})"))
        cell_times(client, 3)  # warm
        without = cell_times(client, args.cells)
        peer = cell_times(client, args.cells, peer=True)
        comm_id = uuid.uuid4().hex
        client.shell_channel.send(client.session.msg(
            "comm_open", {"comm_id": comm_id, "target_name": TARGET, "data": {"version": 1}}))
        cell_times(client, 3)  # the first listing of the wide frame fills the cache
        with_panel = cell_times(client, args.cells)
        latency = list_latency(client, comm_id, 10)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    base, panel = statistics.median(without), statistics.median(with_panel)
    peers = statistics.median(peer)
    print(f"columns={args.columns} cells={args.cells}")
    print(f"trivial cell, no panel       median {1000 * base:7.1f} ms")
    print(f"trivial cell, panel open     median {1000 * panel:7.1f} ms  "
          f"(+{1000 * (panel - base):.1f} ms; max {1000 * max(with_panel):.1f} ms)")
    print(f"trivial cell, peers' polling median {1000 * peers:7.1f} ms  "
          f"(+{1000 * (peers - base):.1f} ms)")
    print(f"list after a cell            median {1000 * statistics.median(latency):7.1f} ms, "
          f"max {1000 * max(latency):.1f} ms")
    print(f"overhead per cell: panel {1000 * (panel - base):+.1f} ms, peers' polling "
          f"{1000 * (peers - base):+.1f} ms")

if __name__ == "__main__":
    main()
