"""Display helpers of the notebook face: progress while work runs, links to written files."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from IPython.display import HTML, display

from .html import render
from .progress import ProgressCallback, ProgressLine

if TYPE_CHECKING:  # pragma: no cover
    from .models import ChartSpec, Report

__all__ = ["progress_display", "show_chart", "show_report_links"]


@contextlib.contextmanager
def progress_display() -> Iterator[ProgressCallback]:
    """A progress bar (ipywidgets) where a front end can show it, else one text line per stage."""
    bar = _widget_bar()
    if bar is None:
        yield ProgressLine(sys.stderr)
        return
    display(bar)

    def widget(stage: str, fraction: float) -> None:
        bar.value, bar.description = fraction, stage[:30]

    try:
        yield widget
    finally:
        bar.close()


def _widget_bar() -> Any:
    try:
        import ipywidgets
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:  # a terminal, or a test shell
        return None
    return ipywidgets.FloatProgress(value=0.0, min=0.0, max=1.0, description="starting",
                                    style={"description_width": "initial"})


def show_chart(spec: ChartSpec) -> None:
    """Show a chart as Plotly's mime bundle: interactive in JupyterLab, Notebook 7 and VS Code,
    without embedding plotly.js in every notebook."""
    from .pipeline.charts import chart_bundle

    display(chart_bundle(spec), raw=True)


def show_report_links(report: Report) -> None:
    """Links to the report files that were written."""
    display(HTML(render("report_links.html.j2", report=report)))
