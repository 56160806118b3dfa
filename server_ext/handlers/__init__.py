"""The route table of ``/analyst/v1`` (relative to the server's ``base_url``)."""

from __future__ import annotations

from typing import Any

from .analysis import AnalyzeHandler, AskHandler, JobHandler, JobsHandler, ProgressHandler
from .datasets import DatasetExportHandler, DatasetHandler, DatasetsHandler
from .meta import DocsHandler, HealthHandler, InfoHandler, NotFoundHandler, OpenAPIHandler
from .reports import ReportBundleHandler, ReportHandler, ReportsHandler

__all__ = ["API_PREFIX", "routes"]

API_PREFIX = "analyst/v1"
_SEGMENT = r"([^/]+)"


def routes() -> list[tuple[str, type, dict[str, Any]]]:
    """``(pattern, handler)`` pairs; ExtensionApp prepends ``base_url``."""
    table = [
        ("health", HealthHandler),
        ("info", InfoHandler),
        ("openapi.json", OpenAPIHandler),
        ("docs", DocsHandler),
        ("datasets", DatasetsHandler),
        (f"datasets/{_SEGMENT}", DatasetHandler),
        (f"datasets/{_SEGMENT}/export", DatasetExportHandler),
        ("ask", AskHandler),
        ("analyze", AnalyzeHandler),
        ("jobs", JobsHandler),
        (f"jobs/{_SEGMENT}", JobHandler),
        (f"jobs/{_SEGMENT}/progress", ProgressHandler),
        ("reports", ReportsHandler),
        (f"reports/{_SEGMENT}", ReportHandler),
        (f"reports/{_SEGMENT}/bundle", ReportBundleHandler),
        ("(.*)", NotFoundHandler),
    ]
    return [(f"{API_PREFIX}/{pattern}/?" if pattern != "(.*)" else f"{API_PREFIX}/(.*)",
             handler, {}) for pattern, handler in table]
