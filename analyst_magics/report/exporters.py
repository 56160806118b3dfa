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
from traitlets import Enum, Unicode, default
from traitlets.config import Config

from ..config import get_settings
from ..models import PLOTLY_MIME
from .chromium import SIDE_MARGIN_MM, print_to_pdf

__all__ = ["AnalystHTMLExporter", "AnalystPDFExporter"]

TEMPLATES = Path(__file__).with_name("templates")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


@lru_cache(maxsize=1)
def _draw_js() -> str:
    """The page's one script of its own: lays out wide tables, draws the charts."""
    return (TEMPLATES / "analyst_report" / "draw.js").read_text(encoding="utf-8")


def css_string(text: str) -> str:
    """``text`` as a CSS string literal in which only letters, digits and spaces stay as they are.

    Everything else is a hex escape, so no quote, backslash or ``</style>`` survives.
    """
    return '"' + "".join(c if c.isascii() and (c.isalnum() or c == " ") else f"\\{ord(c):06x}"
                         for c in text) + '"'


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
    paper = Enum(["", "A4", "Letter"], "", help="Page size when printed: A4 or Letter; "
                 "default ANALYST_PAPER.").tag(config=True)

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
        plotly_js = _plotly_js() if _has_plotly(nb) else ""
        scripts = (plotly_js, _draw_js()) if plotly_js else (_draw_js(),)
        resources["analyst"] = {
            "meta": dict(nb.metadata.get("analyst_magics", {}).get("report", {})),
            "plotly_js": Markup(plotly_js),
            "draw_js": Markup(_draw_js()),
            "csp": content_security_policy(scripts),
            "paper": self.paper or get_settings().paper,
            "side_margin": f"{SIDE_MARGIN_MM}mm",
            "footer_css": Markup(css_string(str(nb.metadata.get("title", "")) or "Report")),
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

    @default("template_extension")
    def _template_extension(self) -> str:
        return ".html.j2"  # the HTML report's template; the PDF is its printout

    def from_notebook_node(  # type: ignore[override]
            self, nb: NotebookNode, resources: dict[str, Any] | None = None,
            **kw: Any) -> tuple[bytes, dict[str, Any]]:
        # Like nbconvert's own PDF exporters, this one returns bytes where HTML returns text.
        html, resources = super().from_notebook_node(nb, resources, **kw)
        with tempfile.TemporaryDirectory(prefix="analyst-pdf-") as tmp:
            page, pdf = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
            page.write_text(html, encoding="utf-8")
            print_to_pdf(page, pdf, chromium=self.chromium or None, paper=self.paper or None)
            data = pdf.read_bytes()
        resources["output_extension"] = ".pdf"
        return data, resources
