"""The JupyterLab sidebar in a real ``jupyter lab``, driven in Debian's Chromium by Playwright.

A newcomer's path: open a notebook, make two DataFrames and a list, open the Analyst tab, see
the two frames with their shapes (not the list), ask a question, see the value, insert the
answer's code as a cell, run it and get the same value; restart the kernel and see the list
clear and come back. No page errors on the way. Screenshots of each step are kept in
``build/test-output/ui/`` (or ``$ANALYST_TEST_OUTPUT/ui``).
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from live_server import LiveServer, live_server  # noqa: E402

pytestmark = pytest.mark.slow

EXTENSION = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "analyst-magics"
SETUP = ("import pandas as pd\n"
         "sales = pd.DataFrame({'region': ['N', 'S'] * 500,\n"
         "                      'amount': [7 * i % 1000 for i in range(1000)]})\n"
         "small = pd.DataFrame({'c': [1, 2, 3]})\n"
         "not_a_frame = [1, 2, 3]")
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def output_dir() -> Path:
    root = Path(os.environ.get("ANALYST_TEST_OUTPUT") or
                Path(__file__).resolve().parents[2] / "build" / "test-output")
    path = root / "ui"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``jupyter lab`` on loopback with a notebook whose first cell makes the frames."""
    pytest.importorskip("jupyterlab")
    if not (EXTENSION / "package.json").exists():
        pytest.skip(f"the sidebar is not built at {EXTENSION}: run scripts/build_labextension.sh")
    home = tmp_path_factory.mktemp("lab")
    notebook = {"cells": [{"cell_type": "code", "source": SETUP, "metadata": {},
                           "outputs": [], "execution_count": None}],
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                            "language": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    (home / "frames.ipynb").write_text(json.dumps(notebook))
    with live_server(home, app="jupyterlab", timeout=180) as server:
        yield server


def _idle(page: Any) -> None:
    """Wait until the notebook's kernel has started and is idle."""
    from playwright.sync_api import expect

    expect(page.locator(".jp-StatusBar-Widget").filter(has_text="| Idle").first).to_be_visible(
        timeout=TIMEOUT_MS)


def _run(page: Any, cell: Any) -> None:
    """Run ``cell`` as a user does (click, Shift+Enter) and wait for its execution count."""
    from playwright.sync_api import expect

    _idle(page)
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    expect(cell.locator(".jp-InputPrompt")).to_contain_text(re.compile(r"\[\d+\]"),
                                                           timeout=TIMEOUT_MS)


@pytest.fixture
def page(browser: Any, output_dir: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page of its own; on failure its last state is kept as ``<test>-failed.png``."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    failed = request.session.testsfailed
    yield page
    if request.session.testsfailed > failed or sys.exc_info()[0] is not None:
        page.screenshot(path=str(output_dir / f"{request.node.name}-failed.png"))
    context.close()


def test_the_sidebar_lists_frames_answers_and_inserts_code(
        lab: LiveServer, page: Any, output_dir: Path) -> None:
    from playwright.sync_api import expect

    base = lab.url.rsplit("/analyst/v1", 1)[0]
    page.goto(f"{base}/lab/tree/frames.ipynb?token={lab.token}", timeout=TIMEOUT_MS)
    _idle(page)

    cells = page.locator(".jp-Notebook .jp-Cell")
    _run(page, cells.first)

    page.get_by_role("tab", name="Analyst").click()
    frames = page.get_by_role("list", name="DataFrames")
    items = frames.get_by_role("listitem")
    expect(items).to_have_count(2, timeout=TIMEOUT_MS)
    expect(items.filter(has_text="sales")).to_contain_text("1,000 × 2")
    expect(items.filter(has_text="small")).to_contain_text("3 × 1")
    expect(frames).not_to_contain_text("not_a_frame")
    page.screenshot(path=str(output_dir / "1-frames.png"))

    items.filter(has_text="sales").click()
    page.get_by_role("textbox", name="Question").fill("what is the total amount?")
    page.get_by_role("button", name="Ask").click()
    total = f"{sum(range(1000)):,}"  # 499,500
    expect(page.get_by_role("region", name="Results")).to_contain_text(total,
                                                                      timeout=TIMEOUT_MS)
    page.screenshot(path=str(output_dir / "2-answer.png"))

    before = cells.count()
    page.get_by_role("button", name="Insert as cell").click()
    expect(cells).to_have_count(before + 1)
    inserted = cells.filter(has_text="sales[")  # below the active cell, the code on "sales"
    expect(inserted).to_have_count(1)
    _run(page, inserted)
    expect(inserted.locator(".jp-OutputArea")).to_contain_text(
        re.compile(rf"{sum(range(1000))}|{total}"), timeout=TIMEOUT_MS)
    page.screenshot(path=str(output_dir / "3-inserted.png"))

    page.get_by_role("menuitem", name="Kernel").click()
    page.get_by_role("menuitem", name=re.compile(r"^Restart Kernel…")).first.click()
    page.locator(".jp-Dialog-button.jp-mod-accept").click()  # "Restart"
    expect(items).to_have_count(0, timeout=TIMEOUT_MS)
    page.screenshot(path=str(output_dir / "4-restarted.png"))
    _run(page, cells.first)
    expect(items).to_have_count(2, timeout=TIMEOUT_MS)  # the panel reconnected by itself
    page.screenshot(path=str(output_dir / "5-back.png"))
    assert page.errors == []
