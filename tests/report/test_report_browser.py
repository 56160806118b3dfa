"""The HTML report in a real headless Chromium, and the PDF it prints."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from pypdf import PdfReader

from analyst_magics.models import Analysis
from analyst_magics.report import build_report


def open_report(browser, path: Path) -> dict:
    """Load the page with every request counted and blocked, and wait for the charts."""
    page = browser.new_page()
    seen: dict = {"console": [], "requests": [], "dialogs": []}
    page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: seen["console"].append(f"pageerror: {e}"))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))

    def block(route) -> None:
        if route.request.url != path.as_uri():
            seen["requests"].append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", block)
    page.goto(path.as_uri())
    page.wait_for_selector("html[data-charts-drawn]", timeout=30_000)
    seen["svg_marks"] = page.eval_on_selector_all(
        ".am-chart", "els => els.map(e => e.querySelectorAll('svg .point, svg .trace path, "
                     "svg .bars path, svg .lines path').length)")
    seen["text"] = page.inner_text("body")
    page.close()
    return seen


def test_hostile_report_renders_safely(browser, hostile_analysis: Analysis, xss: str,
                                       tmp_path: Path) -> None:
    path = build_report(hostile_analysis, out_dir=tmp_path).paths["html"]
    seen = open_report(browser, path)
    assert seen["console"] == []
    assert seen["requests"] == []
    assert seen["dialogs"] == []
    assert seen["svg_marks"] and all(n > 0 for n in seen["svg_marks"])
    assert xss in seen["text"]  # shown as text
    assert "{{7*7}}" in seen["text"]


def test_pdf_has_title_metadata_and_pages(hostile_analysis: Analysis, chromium_path: str,
                                          tmp_path: Path) -> None:
    rep = build_report(hostile_analysis, formats=("pdf",), out_dir=tmp_path)
    assert set(rep.paths) == {"pdf"}
    reader = PdfReader(rep.paths["pdf"])
    assert len(reader.pages) >= 2
    text = unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in reader.pages))
    for expected in ("Analysis of sales", "sha256:" + "0" * 16, "0.0.0", "Findings", "Columns"):
        assert expected in text
