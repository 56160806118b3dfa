"""Links to written reports open through the Jupyter server that runs the kernel."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyst_magics.config import get_settings
from analyst_magics.display import report_href


@pytest.fixture
def reports_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ANALYST_REPORTS_DIR", str(tmp_path / "reports"))
    get_settings.cache_clear()
    yield tmp_path / "reports"
    get_settings.cache_clear()


def test_a_report_under_the_server_root_opens_through_files(tmp_path: Path,
                                                             reports_dir: Path) -> None:
    server = {"base_url": "/user/ana/", "root_dir": str(tmp_path)}
    path = tmp_path / "work" / "my report.html"
    assert report_href(path, server) == "/user/ana/files/work/my%20report.html"


def test_a_report_in_the_reports_directory_opens_through_the_reports_route(
        tmp_path: Path, reports_dir: Path) -> None:
    server = {"base_url": "/", "root_dir": str(tmp_path / "notebooks")}
    href = report_href(reports_dir / "sales-20260101T000000Z.pdf", server)
    assert href == "/analyst/v1/reports/sales-20260101T000000Z.pdf"


def test_without_a_server_the_link_is_the_file(tmp_path: Path, reports_dir: Path) -> None:
    path = tmp_path / "elsewhere" / "r.html"
    assert report_href(path, None) == path.resolve().as_uri()
    # a server that can reach neither place: still the file, never a broken server URL
    assert report_href(path, {"base_url": "/", "root_dir": str(tmp_path / "nb")}) == \
        path.resolve().as_uri()
