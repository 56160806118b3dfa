"""The sidebar's comm in a real kernel: the frames listed after each cell, never the data,
questions answered and analyses stopped, nothing added to the user's namespace.

The test plays the panel: it speaks the comm protocol (``comm_open`` / ``comm_msg``) on the
kernel's shell channel as JupyterLab does, and reads the kernel's replies on IOPub.
"""

from __future__ import annotations

import ast
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager

from analyst_magics.sidebar import TARGET

pytestmark = pytest.mark.slow
#: the user's public names, as JSON
GLOBALS = "__import__('json').dumps(sorted(k for k in globals() if not k.startswith('_')))"


class Panel:
    """One comm to the kernel, and the kernel's messages on it."""

    def __init__(self, client: BlockingKernelClient) -> None:
        self.client = client
        self.comm_id = uuid.uuid4().hex
        self.inbox: list[dict[str, Any]] = []
        self.closed = False

    def open(self) -> None:
        self.client.shell_channel.send(self.client.session.msg(
            "comm_open", {"comm_id": self.comm_id, "target_name": TARGET, "data": {"version": 1}}))

    def send(self, data: dict[str, Any]) -> None:
        self.client.shell_channel.send(self.client.session.msg(
            "comm_msg", {"comm_id": self.comm_id, "data": data}))

    def pump(self, timeout: float = 0.2) -> None:
        try:
            while True:
                message = self.client.get_iopub_msg(timeout=timeout)
                content = message["content"]
                if content.get("comm_id") != self.comm_id:
                    continue
                if message["msg_type"] == "comm_msg":
                    self.inbox.append(content["data"])
                elif message["msg_type"] == "comm_close":
                    self.closed = True
        except Exception:  # queue.Empty: nothing more for now
            return

    def wait_for(self, kind: str, timeout: float = 60, **fields: Any) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for data in self.inbox:
                if data.get("type") == kind and all(data.get(k) == v for k, v in fields.items()):
                    self.inbox.remove(data)
                    return data
            self.pump()
        raise AssertionError(f"no {kind} {fields} within {timeout} s; got {self.inbox}")


def run(client: BlockingKernelClient, code: str, *, silent: bool = False) -> dict[str, Any]:
    """Execute ``code``; its execute_reply, with the text of its result as ``text``."""
    msg_id = client.execute(code, silent=silent, store_history=not silent)
    reply = client.get_shell_msg(timeout=120)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = client.get_shell_msg(timeout=120)
    return reply["content"]


def evaluate(client: BlockingKernelClient, expression: str) -> Any:
    """The value of a JSON-able ``expression`` in the kernel, read without touching its
    history (user_expressions)."""
    msg_id = client.execute("", silent=True, user_expressions={"v": expression})
    reply = client.get_shell_msg(timeout=60)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = client.get_shell_msg(timeout=60)
    value = reply["content"]["user_expressions"]["v"]
    assert value["status"] == "ok", value
    return json.loads(ast.literal_eval(value["data"]["text/plain"]))


@pytest.fixture
def kernel() -> Iterator[BlockingKernelClient]:
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel()
    client = manager.blocking_client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    try:
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


@pytest.fixture
def panel(kernel: BlockingKernelClient) -> Panel:
    """The panel's start: one silent ``%load_ext``, then the comm."""
    assert run(kernel, "%load_ext analyst_magics", silent=True)["status"] == "ok"
    panel = Panel(kernel)
    panel.open()
    hello = panel.wait_for("hello")
    assert hello["engine"]["offline"] is True and hello["version"]
    assert panel.wait_for("frames")["frames"] == []
    return panel


def test_frames_are_listed_after_each_cell_without_touching_the_namespace(
        kernel: BlockingKernelClient, panel: Panel) -> None:
    names_before = evaluate(kernel, GLOBALS)
    reply = run(kernel, "import pandas as pd\nsales = pd.DataFrame({'a': range(1000), "
                        "'b': ['x'] * 1000})\nsmall = sales.head(3)[['a']]\nnot_a_frame = [1]")
    assert reply["status"] == "ok" and reply["execution_count"] == 1  # load_ext was silent
    panel.wait_for("busy")
    frames = panel.wait_for("frames")["frames"]
    assert [(f["name"], f["rows"], f["columns"]) for f in frames] == [
        ("sales", 1000, 2), ("small", 3, 1)]
    sales = frames[0]
    assert sales["column_names"] == ["a", "b"] and sales["dtypes"][0] == "int64"
    assert sales["dtypes"][1] in ("object", "str", "string")
    assert sales["memory_bytes"] >= 8000
    assert "x" not in json.dumps(frames)  # names and types, never values
    names_after = evaluate(kernel, GLOBALS)
    assert set(names_after) - set(names_before) == {"pd", "sales", "small", "not_a_frame"}

    run(kernel, "del small")
    panel.wait_for("busy")
    assert [f["name"] for f in panel.wait_for("frames")["frames"]] == ["sales"]


def test_an_asked_question_gives_the_card_and_a_cell_that_gives_the_same_value(
        kernel: BlockingKernelClient, panel: Panel) -> None:
    run(kernel, "import analyst_magics as am\nsales = am.sample_data(rows=500)\n"
                "data = 'the user\\'s own'\nresult = 42")
    panel.wait_for("frames")
    panel.send({"type": "ask", "request": "q1", "frame": "sales",
                "question": "average revenue by region", "engine": "rules"})
    answer = panel.wait_for("answer", request="q1")
    assert answer["answer"]["kind"] == "table" and answer["answer"]["engine"] == "rules"
    assert any("text/html" in b for b in answer["bundles"])
    assert any("application/vnd.plotly.v1+json" in b for b in answer["bundles"])
    cell = answer["cell"]
    assert "sales" in cell and "df" not in cell.split()
    shown = run(kernel, cell.rstrip().rsplit("\n", 1)[0])  # the cell without its display line
    assert shown["status"] == "ok"
    value = evaluate(kernel, f"__import__('json').dumps({cell.rstrip().rsplit(chr(10), 1)[1]}"
                             ".round(6).to_dict())")
    expected = dict(zip(answer["answer"]["value"]["index"], answer["answer"]["value"]["data"],
                        strict=True))
    assert value == pytest.approx({k: round(v, 6) for k, v in expected.items()})
    assert evaluate(kernel, "__import__('json').dumps([data, result])") == ["the user's own", 42]


def test_requests_that_cannot_be_served_are_readable_errors(
        kernel: BlockingKernelClient, panel: Panel) -> None:
    run(kernel, "import pandas as pd\norders = pd.DataFrame({'a': [1, 2]})")
    panel.send({"type": "ask", "request": "q2", "frame": "ordrs", "question": "how many rows"})
    error = panel.wait_for("error", request="q2")
    assert "No DataFrame called 'ordrs'" in error["message"] and "orders" in error["message"]
    assert "Traceback" not in error["message"]
    panel.send({"type": "report", "request": "r1", "analysis": "never-ran"})
    assert "Analyze" in panel.wait_for("error", request="r1")["message"]
    panel.send({"type": "launch", "request": "x"})
    assert "Unknown request" in panel.wait_for("error", request="x")["message"]


def test_an_analysis_reports_progress_and_writes_a_report(
        kernel: BlockingKernelClient, panel: Panel, tmp_path: Any) -> None:
    run(kernel, f"import os\nos.environ['ANALYST_REPORTS_DIR'] = {str(tmp_path)!r}\n"
                "from analyst_magics.config import get_settings\nget_settings.cache_clear()\n"
                "import analyst_magics as am\nsales = am.sample_data(rows=600)")
    panel.send({"type": "analyze", "request": "a1", "frame": "sales"})
    progress = panel.wait_for("progress", request="a1", timeout=120)
    assert 0.0 <= progress["fraction"] <= 1.0 and progress["stage"]
    done = panel.wait_for("analysis", request="a1", timeout=180)
    assert "600 rows" in done["summary"] and done["bundles"]
    panel.send({"type": "report", "request": "r2", "analysis": "a1"})
    links = panel.wait_for("report", request="r2", timeout=120)["links"]
    assert [link["format"] for link in links] == ["html"]
    assert (tmp_path / links[0]["name"]).exists()


def test_stop_ends_a_running_analysis(kernel: BlockingKernelClient, panel: Panel) -> None:
    run(kernel, "import analyst_magics as am\nbig = am.sample_data(rows=300_000)")
    panel.send({"type": "analyze", "request": "a2", "frame": "big"})
    panel.wait_for("progress", request="a2", timeout=120)
    panel.send({"type": "stop", "request": "a2"})
    panel.wait_for("stopped", request="a2", timeout=120)
    assert not [m for m in panel.inbox if m.get("type") == "analysis"]
    assert run(kernel, "1 + 1")["status"] == "ok"  # the kernel is free again
