"""The sample's report end to end: built by the engine, opened in Chromium, re-executed."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from test_report_browser import open_report

import analyst_magics as am
from analyst_magics.models import Analysis

XSS_COLUMN = "<img src=x onerror=alert('col')>"
XSS_CELL = "<script>alert('cell')</script>"


@pytest.fixture(scope="module")
def sample_analysis() -> Analysis:
    return am.analyze(am.sample_data(rows=1500),
                      ["average revenue by region", "how many rows are there?"],
                      name="sample orders")


@pytest.mark.slow
def test_sample_report_in_chromium(browser, sample_analysis: Analysis, tmp_path: Path) -> None:
    path = am.build_report(sample_analysis, out_dir=tmp_path).paths["html"]
    seen = open_report(browser, path)
    assert seen["console"] == [] and seen["requests"] == [] and seen["dialogs"] == []
    assert len(seen["svg_marks"]) >= 3 and all(n > 0 for n in seen["svg_marks"])
    assert "average revenue by region" in seen["text"]


@pytest.mark.slow
def test_payloads_in_a_column_name_and_a_cell_show_as_text(browser, tmp_path: Path) -> None:
    sales = am.sample_data(rows=800).rename(columns={"Sales Channel": XSS_COLUMN})
    sales["Region"] = sales["Region"].str.strip().replace({"West": XSS_CELL})
    analysis = am.analyze(sales, ["average Revenue by Region"], clean=False)
    seen = open_report(browser, am.build_report(analysis, out_dir=tmp_path).paths["html"])
    assert seen["dialogs"] == [] and seen["console"] == [] and seen["requests"] == []
    assert XSS_COLUMN in seen["text"] and XSS_CELL in seen["text"]


@pytest.mark.slow
def test_report_notebook_reexecutes(sample_analysis: Analysis, tmp_path: Path) -> None:
    rep = am.build_report(sample_analysis, formats=("ipynb",), out_dir=tmp_path)
    nb = nbformat.read(rep.paths["ipynb"], as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    answer_cells = [c for c in nb.cells if c.cell_type == "code" and "result" in c.source]
    assert answer_cells and all(c.outputs for c in answer_cells)


@pytest.mark.slow
def test_nbconvert_knows_the_exporters(sample_analysis: Analysis, tmp_path: Path) -> None:
    rep = am.build_report(sample_analysis, formats=("zip",), out_dir=tmp_path)
    with zipfile.ZipFile(rep.paths["zip"]) as bundle:
        names = bundle.namelist()
        bundle.extractall(tmp_path / "unzipped")
    assert {Path(n).suffix for n in names} >= {".html", ".ipynb", ".csv", ".json"}
    notebook = next((tmp_path / "unzipped").glob("*.ipynb"))
    for exporter, suffix in (("analyst_html", ".html"), ("analyst_pdf", ".pdf")):
        done = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", exporter,
                               str(notebook), "--output-dir", str(tmp_path / "converted")],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        assert len(list((tmp_path / "converted").glob(f"*{suffix}"))) == 1
    html = next((tmp_path / "converted").glob("*.html")).read_text()
    assert "Content-Security-Policy" in html and html.count("Plotly.newPlot") == 1
    assert "<title>Analysis of sample orders</title>" in html
    assert next((tmp_path / "converted").glob("*.pdf")).read_bytes().startswith(b"%PDF-")
