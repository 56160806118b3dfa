"""``reports``: list, download one, download its bundle (zip of report + cleaned data).

Only names the reports index lists are served: a name must match a plain-file pattern and be a
regular file (not a symlink) whose resolved path is inside the reports directory. HTML reports
are sent with a sandboxing Content-Security-Policy, so a report never runs script with the
Jupyter origin's cookies or API access.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..base import AnalystHandler
from ..errors import APIError
from ..storage import contained

__all__ = ["ReportBundleHandler", "ReportHandler", "ReportsHandler", "list_reports"]

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}")
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".pdf": "application/pdf",
    ".ipynb": "application/x-ipynb+json", ".json": "application/json; charset=utf-8",
    ".zip": "application/zip", ".parquet": "application/vnd.apache.parquet",
    ".csv": "text/csv; charset=utf-8",
}
REPORT_CSP = ("sandbox allow-scripts allow-downloads; default-src 'none'; "
              "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; "
              "font-src data:; frame-ancestors 'self'; form-action 'none'; base-uri 'none'")
CHUNK = 64 * 1024


def _listed(root: Path, path: Path) -> bool:
    return (path.suffix in CONTENT_TYPES and not path.is_symlink() and path.is_file()
            and NAME.fullmatch(path.name) is not None and path.resolve().parent == root.resolve())


def list_reports(root: Path) -> list[dict[str, Any]]:
    """The reports index: regular report files in ``root``, newest first."""
    if not root.is_dir():
        return []
    entries = []
    for path in root.iterdir():
        if _listed(root, path) and path.suffix != ".parquet":
            stat = path.stat()
            entries.append({
                "name": path.name, "format": path.suffix[1:], "size_bytes": stat.st_size,
                "modified_at": dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC).isoformat(),
                "has_bundle": path.suffix != ".zip" and _listed(root, path.with_suffix(".zip")),
            })
    return sorted(entries, key=lambda e: e["modified_at"], reverse=True)


def report_path(root: Path, name: str) -> Path:
    """The file of a listed report; 404 for anything else (traversal, symlinks, hidden files)."""
    if NAME.fullmatch(name) is None:
        raise APIError(404, "No such report. GET analyst/v1/reports lists them.")
    path = contained(root, name)
    if not _listed(root, root / name):
        raise APIError(404, "No such report. GET analyst/v1/reports lists them.")
    return path


class ReportsHandler(AnalystHandler):
    """``GET``: the reports index."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.reply(list_reports(self.ext.reports_root))


class _FileSender(AnalystHandler):
    async def send_file(self, path: Path, *, inline: bool) -> None:
        content_type = CONTENT_TYPES[path.suffix]
        self.set_header("Content-Type", content_type)
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Cache-Control", "no-store")
        if path.suffix == ".html":
            self.set_header("Content-Security-Policy", REPORT_CSP)
        if not inline or path.suffix != ".html":
            self.set_attachment_header(path.name)
        with open(path, "rb") as stream:
            while chunk := stream.read(CHUNK):
                self.write(chunk)
                await self.flush()
        await self.finish(set_content_type=content_type)


class ReportHandler(_FileSender):
    """``GET``: one report (HTML is shown inline unless ``?download=1``)."""

    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        path = report_path(self.ext.reports_root, name)
        await self.send_file(path, inline=self.get_query_argument("download", "0") != "1")


class ReportBundleHandler(_FileSender):
    """``GET``: the zip written with a report (report, cleaned data as CSV, analysis JSON)."""

    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        root = self.ext.reports_root
        report = report_path(root, name)
        bundle = report.with_suffix(".zip")
        if report.suffix == ".zip" or not _listed(root, bundle):
            raise APIError(404, f"The report {name!r} has no bundle; analyze with "
                                "report: true to write one.")
        await self.send_file(bundle, inline=False)
