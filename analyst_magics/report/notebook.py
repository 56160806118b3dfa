"""An :class:`~analyst_magics.models.Analysis` as a notebook: narrative, tables, charts, code.

Code cells carry the outputs computed during the analysis, so the notebook reads like a report
as it is, and re-runs top to bottom against the data file written next to it.
"""

from __future__ import annotations

import re
from typing import Any

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from ..models import Analysis, Answer, ChartSpec, Insight, Result
from ..pipeline.charts import chart_bundle
from ..pipeline.findings.base import number, p_text

__all__ = ["md", "to_notebook"]

#: Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping them all
#: leaves no markup, raw HTML, entity or link in user text.
_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")


def md(text: object) -> str:
    """User text made inert in Markdown: shown literally, never as markup or HTML."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def to_notebook(analysis: Analysis, *, data_file: str, metadata: dict[str, Any]) -> NotebookNode:
    """Build the report notebook; ``data_file`` is the cleaned data, relative to the notebook."""
    meta = analysis.metadata
    cells = [
        new_markdown_cell(f"# Analysis of {md(meta.name)}\n\n"
                          f"{meta.rows:,} rows × {meta.columns} columns, analysed "
                          f"{meta.created_at:%Y-%m-%d %H:%M} UTC with analyst_magics "
                          f"{md(meta.package_version)}."),
        new_code_cell("import pandas as pd\n\nimport analyst_magics as am\n"
                      "from analyst_magics.pipeline.charts import to_figure\n\n"
                      f"df = pd.read_parquet({data_file!r})"),
    ]
    if analysis.cleaning is not None:
        cells += [new_markdown_cell("## Cleaning\n\nThe data file holds the cleaned table; "
                                    "each step below was applied in order."),
                  _display_cell("# The cleaning log (the data file is already cleaned)",
                                analysis.cleaning)]
    cells += [new_markdown_cell("## Profile"),
              _display_cell(f"am.profile(df, name={meta.name!r})", analysis.profile)]
    cells += _insight_cells(analysis.insights)
    cells += _answer_cells(analysis.answers)
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["analyst_magics"] = {"report": metadata}
    nbformat.validate(nb)
    return nb


def _insight_cells(insights: list[Insight]) -> list[NotebookNode]:
    if not insights:
        return [new_markdown_cell("## Insights\n\nNo finding stood out.")]
    cells = [new_markdown_cell(f"## Insights\n\n{len(insights)} findings, strongest first."),
             new_code_cell("found = am.insights(df)")]
    for i, insight in enumerate(insights):
        ev = insight.evidence
        p_value = p_text(ev.p_value) if ev.p_value is not None else ""
        stats = ", ".join(text for text in (
            _statistic("statistic", ev.statistic), p_value,
            _statistic("effect size", ev.effect_size)) if text)
        cells.append(new_markdown_cell(f"### {i + 1}. {md(insight.title)}\n\n{md(insight.text)}"
                                       f"\n\n*{md(ev.test)}{md(', ' + stats) if stats else ''}*"))
        if insight.chart is not None:
            cells.append(_chart_cell(f"to_figure(found[{i}].chart)", insight.chart))
    return cells


def _statistic(label: str, value: float | None) -> str:
    return f"{label} {number(value)}" if value is not None else ""


def _answer_cells(answers: list[Answer]) -> list[NotebookNode]:
    if not answers:
        return []
    cells = [new_markdown_cell("## Questions")]
    for answer in answers:
        cells.append(new_markdown_cell(f"### {md(answer.question)}"))
        if not answer.code:
            cells.append(new_markdown_cell(f"*Not answered:* {md(answer.message)}"))
            continue
        outputs = [new_output("display_data", data=_bundle(answer))]
        if answer.chart is not None:
            outputs.append(_figure_output(answer.chart))
        cell = new_code_cell(f"{answer.code.rstrip()}\nresult", outputs=outputs)
        cells.append(cell)
        if answer.warnings:
            notes = "\n".join(f"- {md(w)}" for w in answer.warnings)
            cells.append(new_markdown_cell(f"Assumptions:\n\n{notes}"))
    return cells


def _bundle(result: Result) -> dict[str, str]:
    return result._repr_mimebundle_()


def _display_cell(source: str, result: Result) -> NotebookNode:
    return new_code_cell(source, outputs=[new_output("display_data", data=_bundle(result))])


def _figure_output(spec: ChartSpec) -> NotebookNode:
    return new_output("display_data", data=chart_bundle(spec))


def _chart_cell(source: str, spec: ChartSpec) -> NotebookNode:
    return new_code_cell(source, outputs=[_figure_output(spec)])
