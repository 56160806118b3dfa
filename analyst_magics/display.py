"""Display helpers of the notebook face: progress while work runs, links to written files."""

from __future__ import annotations

import contextlib
import html
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from IPython.display import HTML, display

from .html import render
from .progress import ProgressCallback, ProgressLine

if TYPE_CHECKING:  # pragma: no cover
    from .models import ChartSpec, Report

__all__ = ["progress_display", "report_href", "report_links", "show_chart",
           "show_report_links"]


@contextlib.contextmanager
def progress_display() -> Iterator[ProgressCallback]:
    """Progress that updates in place: an ipywidgets bar where the front end has it, else one
    HTML line re-drawn through a display id; one text line per stage outside a kernel."""
    if not _in_kernel():
        yield ProgressLine(sys.stderr)
        return
    bar = _widget_bar()
    if bar is None:
        line = _LiveLine()
        try:
            yield line
        finally:
            line.close()
        return
    display(bar)

    def widget(stage: str, fraction: float) -> None:
        bar.value, bar.description = fraction, stage[:30]

    try:
        yield widget
    finally:
        bar.close()


class _LiveLine:
    """A ``<progress>`` line in the output, updated at most every 0.2 s or on a new stage."""

    INTERVAL_S = 0.2

    def __init__(self) -> None:
        # Empty until the first stage, and empty again at the end: what a saved notebook keeps
        # is the same however often the line was redrawn.
        self.handle = display(HTML(""), display_id=True)
        self.stage, self.at = "", 0.0

    def __call__(self, stage: str, fraction: float) -> None:
        now = time.monotonic()
        if stage == self.stage and now - self.at < self.INTERVAL_S:
            return
        self.stage, self.at = stage, now
        if self.handle is not None:
            self.handle.update(HTML(self._html(stage, fraction)))

    def close(self) -> None:
        if self.handle is not None:  # the result shows below; a finished bar says nothing
            self.handle.update(HTML(""))

    @staticmethod
    def _html(stage: str, fraction: float) -> str:
        return (f'<div class="am-progress" style="font-size:12px;color:#57606a">'
                f'<progress value="{fraction:.3f}" max="1"></progress> {fraction:.0%} '
                f"{html.escape(stage[:80])}</div>")


def _in_kernel() -> bool:
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _widget_bar() -> Any:
    try:
        import ipywidgets
    except ImportError:
        return None
    return ipywidgets.FloatProgress(value=0.0, min=0.0, max=1.0, description="starting",
                                    style={"description_width": "initial"})


def show_chart(spec: ChartSpec) -> None:
    """Show a chart as Plotly's mime bundle: interactive in JupyterLab, Notebook 7 and VS Code,
    without embedding plotly.js in every notebook."""
    from .pipeline.charts import chart_bundle

    display(chart_bundle(spec), raw=True)


def show_report_links(report: Report) -> None:
    """Links to the report files that were written, opened through the Jupyter server."""
    display(HTML(render("report_links.html.j2", links=report_links(report))))


def report_links(report: Report) -> list[tuple[str, str, str]]:
    """``(format, href, path)`` of each file of ``report``, ``href`` as :func:`report_href`
    gives it for the Jupyter server that started this kernel."""
    server = _kernel_server()
    return [(fmt, report_href(path, server), str(path)) for fmt, path in report.paths.items()]


def report_href(path: Path, server: dict[str, Any] | None) -> str:
    """Where a browser opens ``path``: Jupyter's ``/files/`` when it lies under the server's
    root, the server face's reports route when it is a report, else a ``file:`` URL."""
    path = Path(path).resolve()
    if server is not None:
        from .config import get_settings

        base = str(server.get("base_url") or "/")
        root = Path(str(server.get("root_dir") or "")).expanduser().resolve()
        if server.get("root_dir") and path.is_relative_to(root):
            return base + "files/" + quote(path.relative_to(root).as_posix())
        if path.parent == get_settings().reports_path.resolve():
            return base + "analyst/v1/reports/" + quote(path.name)
    return path.as_uri()


def _kernel_server() -> dict[str, Any] | None:
    """The running Jupyter server that started this kernel, from its runtime file, if any."""
    parent = os.environ.get("JPY_PARENT_PID")
    if not parent:
        return None
    from jupyter_core.paths import jupyter_runtime_dir

    for info_file in Path(jupyter_runtime_dir()).glob("jpserver-*.json"):
        try:
            info = json.loads(info_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(info, dict) and str(info.get("pid")) == parent:
            return info
    return None
