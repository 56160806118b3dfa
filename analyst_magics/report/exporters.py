"""nbconvert exporters for analyst reports: ``--to analyst_html`` and ``--to analyst_pdf``.

They work on any notebook: the template is the JupyterLab one made self-contained (see
``templates/analyst_report/index.html.j2``). Registered as ``nbconvert.exporters`` entry points,
so ``jupyter nbconvert`` and JupyterLab's "Save and Export Notebook As" menu list them.
"""

from __future__ import annotations

import base64
import hashlib
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup
from nbconvert.exporters import HTMLExporter
from nbformat import NotebookNode
from traitlets import Unicode, default
from traitlets.config import Config

from ..models import PLOTLY_MIME
from .chromium import print_to_pdf

__all__ = ["AnalystHTMLExporter", "AnalystPDFExporter"]

TEMPLATES = Path(__file__).with_name("templates")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


@lru_cache(maxsize=1)
def _scripts() -> tuple[str, str]:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs(), (TEMPLATES / "analyst_report" / "draw.js").read_text(encoding="utf-8")


def content_security_policy(scripts: tuple[str, ...]) -> str:
    """Allow exactly these inline scripts, inline styles and data: images; no request at all."""
    allowed = " ".join(f"'{_sha256(s)}'" for s in scripts) or "'none'"
    # plotly.js compiles a few helpers with Function(); nothing else may run.
    return (f"default-src 'none'; script-src {allowed} 'unsafe-eval'; "
            "style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; "
            "form-action 'none'")


def _has_plotly(nb: NotebookNode) -> bool:
    return any(PLOTLY_MIME in out.get("data", {}) for cell in nb.cells
               for out in cell.get("outputs", ()))


class AnalystHTMLExporter(HTMLExporter):
    """A self-contained HTML report: no network, plotly.js once, metadata in the header."""

    export_from_notebook = "Analyst report (HTML)"

    @default("template_name")
    def _template_name(self) -> str:
        return "analyst_report"

    @default("exclude_input_prompt")
    def _exclude_input_prompt(self) -> bool:
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt(self) -> bool:
        return True

    @default("extra_template_basedirs")
    def _extra_template_basedirs(self) -> list[str]:
        return [str(TEMPLATES)]

    @property
    def default_config(self) -> Config:
        config = super().default_config
        priority = ["text/html", "image/svg+xml", "image/png", "image/jpeg", "text/markdown",
                    "text/plain"]
        config.merge(Config({"NbConvertBase": {"display_data_priority": [PLOTLY_MIME, *priority]}}))
        return config

    def from_notebook_node(  # type: ignore[override]
            self, nb: NotebookNode, resources: dict[str, Any] | None = None,
            **kw: Any) -> tuple[str, dict[str, Any]]:
        resources = dict(resources or {})
        scripts = _scripts() if _has_plotly(nb) else ()
        resources["analyst"] = {
            "meta": dict(nb.metadata.get("analyst_magics", {}).get("report", {})),
            "plotly_js": Markup(scripts[0]) if scripts else "",
            "draw_js": Markup(scripts[1]) if scripts else "",
            "csp": content_security_policy(scripts),
        }
        return super().from_notebook_node(nb, resources, **kw)


class AnalystPDFExporter(AnalystHTMLExporter):
    """The HTML report printed to PDF by headless Chromium, after the charts have drawn."""

    export_from_notebook = "Analyst report (PDF)"
    output_mimetype = "application/pdf"
    chromium = Unicode("", help="Chromium executable; default: ANALYST_CHROMIUM or PATH.").tag(
        config=True)

    @default("file_extension")
    def _file_extension(self) -> str:
        return ".pdf"

    def from_notebook_node(  # type: ignore[override]
            self, nb: NotebookNode, resources: dict[str, Any] | None = None,
            **kw: Any) -> tuple[bytes, dict[str, Any]]:
        # Like nbconvert's own PDF exporters, this one returns bytes where HTML returns text.
        html, resources = super().from_notebook_node(nb, resources, **kw)
        with tempfile.TemporaryDirectory(prefix="analyst-pdf-") as tmp:
            page, pdf = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
            page.write_text(html, encoding="utf-8")
            print_to_pdf(page, pdf, chromium=self.chromium or None)
            data = pdf.read_bytes()
        resources["output_extension"] = ".pdf"
        return data, resources
