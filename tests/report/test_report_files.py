from __future__ import annotations

import json
import os
import time
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from analyst_magics.errors import AnalystError
from analyst_magics.models import Analysis
from analyst_magics.report import build_report, delete_old_reports, list_reports
from analyst_magics.report.notebook import md


def test_files_are_timestamped_and_carry_metadata(hostile_analysis: Analysis, xss: str,
                                                  tmp_path: Path) -> None:
    rep = build_report(hostile_analysis, formats=("html", "json", "ipynb"), out_dir=tmp_path)
    assert set(rep.paths) == {"html", "json", "ipynb", "data"}
    html = rep.paths["html"]
    assert html.name.startswith("sales-img-src-x-onerror-alert-document-domain-")
    assert html.name.endswith("Z.html")
    text = html.read_text()
    for value in ("sha256:" + "0" * 64, "3 × 3", "0.0.0", "2026-01-02T00:00:00+00:00"):
        assert value in text
    assert json.loads(rep.paths["json"].read_text())["metadata"]["rows"] == 3
    nb = nbformat.read(rep.paths["ipynb"], as_version=4)
    assert nb.metadata["analyst_magics"]["report"]["dataset"] == f"sales {xss}"


def _external_references(page: str) -> list[str]:
    """src/href attributes of the page's tags (script bodies are not parsed as tags)."""
    found: list[str] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.extend(f"{tag} {v}" for k, v in attrs
                         if k in ("src", "href") and v and not v.startswith(("#", "data:")))

    Collect().feed(page)
    return found


def test_html_is_self_contained(hostile_analysis: Analysis, xss: str, tmp_path: Path) -> None:
    text = build_report(hostile_analysis, out_dir=tmp_path).paths["html"].read_text()
    assert _external_references(text) == []
    assert text.count("Plotly.newPlot") == 1
    # the insight's chart twice (the summary's and its section's), and the answer's
    assert text.count('class="am-chart"') == 3
    assert xss not in text
    assert "{{7*7}}" in text  # shown literally, never evaluated as a template


def test_zip_holds_reports_data_and_json(hostile_analysis: Analysis, tmp_path: Path) -> None:
    rep = build_report(hostile_analysis, formats=("html", "zip"), out_dir=tmp_path)
    assert set(rep.paths) == {"html", "zip"}
    names = zipfile.ZipFile(rep.paths["zip"]).namelist()
    stem = rep.paths["html"].stem
    assert sorted(names) == sorted(f"{stem}{s}" for s in (".html", ".ipynb", ".parquet",
                                                           ".json", ".csv"))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f"{stem}.html", f"{stem}.zip"])


def test_list_and_retention(hostile_analysis: Analysis, tmp_path: Path) -> None:
    old = build_report(hostile_analysis, formats=("json",), out_dir=tmp_path).paths["json"]
    new = build_report(hostile_analysis, formats=("json",), out_dir=tmp_path).paths["json"]
    assert old != new
    ten_days_ago = time.time() - 10 * 86_400
    os.utime(old, (ten_days_ago, ten_days_ago))
    assert list_reports(tmp_path) == [new, old]
    assert delete_old_reports(30, tmp_path) == []
    assert delete_old_reports(0, tmp_path) == []  # 0 keeps everything
    assert delete_old_reports(7, tmp_path) == [old]
    assert list_reports(tmp_path) == [new]
    outside = tmp_path.parent / "outside.html"
    outside.write_text("not a report")
    (tmp_path / "planted.html").symlink_to(outside)
    assert list_reports(tmp_path) == [new]


def test_bad_formats_and_inputs(hostile_analysis: Analysis, tmp_path: Path) -> None:
    with pytest.raises(AnalystError, match="Unknown report format docx; choose from html"):
        build_report(hostile_analysis, formats=("docx",), out_dir=tmp_path)
    with pytest.raises(AnalystError, match="takes the Analysis returned by"):
        build_report({"a": 1}, out_dir=tmp_path)  # type: ignore[arg-type]
    loaded = Analysis.model_validate(hostile_analysis.to_dict())
    with pytest.raises(AnalystError, match="carries no data"):
        build_report(loaded, formats=("zip",), out_dir=tmp_path)


def test_no_chromium_is_a_clear_error(hostile_analysis: Analysis, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from analyst_magics.config import get_settings

    monkeypatch.setenv("ANALYST_CHROMIUM", str(tmp_path / "no-such-chromium"))
    get_settings.cache_clear()
    try:
        with pytest.raises(AnalystError, match="Chromium not found at .*ANALYST_CHROMIUM"):
            build_report(hostile_analysis, formats=("pdf",), out_dir=tmp_path)
    finally:
        get_settings.cache_clear()
    assert build_report(hostile_analysis, formats=("html",), out_dir=tmp_path).paths["html"]


@pytest.mark.parametrize("text", ["<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
                                  "*a* `b` # c", "&lt;b&gt;"])
def test_markdown_escaping_shows_text_literally(text: str) -> None:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    rendered = markdown2html_mistune(md(text))
    assert "<a" not in rendered and "<img" not in rendered and "<em>" not in rendered
    assert "<code>" not in rendered
