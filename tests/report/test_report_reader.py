"""The report as its reader meets it: the first screen, code one click away, a PDF that prints
every statistic, and no page left mostly blank."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader

import analyst_magics as am
from analyst_magics.config import get_settings
from analyst_magics.models import Analysis, Answer, AnswerKind

pdfium = pytest.importorskip("pypdfium2")

#: Page margins of the print stylesheet, top and bottom, in mm of an A4 page's 297.
TOP_MM, BOTTOM_MM, PAGE_MM = 14, 16, 297


@pytest.fixture(scope="module")
def orders_analysis() -> Analysis:
    return am.analyze(am.sample_data(rows=2000), ["average revenue by region",
                                                  "monthly revenue", "what is the weather like"],
                      name="orders")


@pytest.fixture(scope="module")
def wide_analysis() -> Analysis:
    """Forty columns of mixed kinds: the profile and the answer tables are wider than paper."""
    rng = np.random.default_rng(3)
    import pandas as pd

    frame = pd.DataFrame({f"measure_{i:02d}_with_a_long_name": rng.lognormal(3, 1, 600)
                          for i in range(30)})
    for i in range(10):
        frame[f"label_{i}"] = rng.choice(["alpha", "beta", "gamma"], 600)
    analysis = am.analyze(frame, ["average measure_00_with_a_long_name by label_0"],
                          name="wide export")
    analysis.answers.append(Answer(question="the first rows", value=frame.head(8),
                                   kind=AnswerKind.TABLE, code="result = df.head(8)"))
    return analysis


def normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.mark.slow
def test_first_screen_shows_the_top_finding_and_no_code(browser, orders_analysis: Analysis,
                                                        tmp_path: Path) -> None:
    path = am.build_report(orders_analysis, out_dir=tmp_path).paths["html"]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.route("**/*", lambda route: route.continue_() if route.request.url == path.as_uri()
               else (problems.append(route.request.url), route.abort()))
    page.goto(path.as_uri())
    page.wait_for_selector("html[data-charts-drawn]", timeout=30_000)
    assert page.title() == "Analysis of orders"
    top = orders_analysis.insights[0].title
    heading = page.get_by_text(top, exact=False).first
    box = heading.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 900, "top finding below the fold"
    code = ".jp-CodeCell .jp-InputArea"
    assert not any(block.is_visible() for block in page.locator(code).all())
    page.get_by_text("Show code").first.click()
    assert page.locator(code).first.is_visible()
    assert "read_parquet" in page.locator(code).first.inner_text()
    assert problems == []
    page.close()


def _pdf_pages(path: Path) -> tuple[list[str], list[float]]:
    """Each page's text, and how far down its body (between the margins) ink reaches."""
    texts = [normalised(p.extract_text()) for p in PdfReader(path).pages]
    used = []
    for page in pdfium.PdfDocument(path):
        pixels = page.render(scale=0.5).to_numpy()[..., :3]
        height = pixels.shape[0]
        body = pixels[round(height * TOP_MM / PAGE_MM): round(height * (1 - BOTTOM_MM / PAGE_MM))]
        inked = np.flatnonzero((body < 235).any(axis=(1, 2)))
        used.append((inked.max() + 1) / len(body) if inked.size else 0.0)
    return texts, used


def _profile_statistics(html: str) -> list[str]:
    """The statistics the HTML profile shows: each column's name, each label and value."""
    block = html[html.index('class="am-columns"'):]
    cells = re.findall(r"<(?:b|dt|dd)>([^<]+)</(?:b|dt|dd)>", block)
    return [normalised(c.replace("&amp;", "&")) for c in cells if c.strip()]


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_pdf_prints_the_summary_first_and_every_statistic(
        orders_analysis: Analysis, wide_analysis: Analysis, chromium_path: str,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paper: str) -> None:
    monkeypatch.setenv("ANALYST_PAPER", paper)
    get_settings.cache_clear()
    try:
        for analysis in (orders_analysis, wide_analysis):
            rep = am.build_report(analysis, formats=("html", "pdf"), out_dir=tmp_path)
            texts, used = _pdf_pages(rep.paths["pdf"])
            assert "Key findings" in texts[0] and analysis.insights[0].title in texts[0]
            assert f"Analysis of {analysis.metadata.name}" in texts[0]
            assert all(f"Page {n} of {len(texts)}" in t for n, t in enumerate(texts, 1))
            everything = " ".join(texts)
            missing = [s for s in _profile_statistics(rep.paths["html"].read_text())
                       if s not in everything]
            assert missing == [], f"profile statistics cut from the PDF: {missing[:10]}"
            for answer in analysis.answers:
                if answer.kind.value == "table" and hasattr(answer.value, "columns"):
                    cut = [c for c in answer.value.columns if str(c) not in everything]
                    assert cut == [], f"columns of an answer cut from the PDF: {cut}"
            half_blank = [n for n, share in enumerate(used[:-1], 1) if share < 0.5]
            assert half_blank == [], f"pages {half_blank} are more than half blank"
    finally:
        get_settings.cache_clear()
