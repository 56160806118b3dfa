"""JupyterLab's "Save and Export Notebook As" menu: the analyst exporters are listed by
``/api/nbconvert`` and their download URLs return the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import analyst_magics as am


@pytest.fixture
def report_notebook(jp_root_dir: Path) -> str:
    analysis = am.analyze(am.sample_data(rows=400), ["average revenue by region"], name="orders")
    rep = am.build_report(analysis, formats=("ipynb",), out_dir=jp_root_dir)
    return rep.paths["ipynb"].name


async def test_exporters_are_listed(jp_fetch: Any) -> None:
    import json

    listed = json.loads((await jp_fetch("api", "nbconvert")).body)
    assert listed["analyst_html"]["output_mimetype"] == "text/html"
    assert listed["analyst_pdf"]["output_mimetype"] == "application/pdf"


async def test_export_urls_download_the_report(jp_fetch: Any, report_notebook: str,
                                               chromium_path: str) -> None:
    html = await jp_fetch("nbconvert", "analyst_html", report_notebook,
                          params={"download": "true"})
    assert html.code == 200 and html.headers["Content-Type"].startswith("text/html")
    assert b"<title>Analysis of orders</title>" in html.body
    assert "attachment" in html.headers.get("Content-Disposition", "")
    pdf = await jp_fetch("nbconvert", "analyst_pdf", report_notebook,
                         params={"download": "true"}, request_timeout=300)
    assert pdf.code == 200 and pdf.headers["Content-Type"].startswith("application/pdf")
    assert pdf.body.startswith(b"%PDF-")
