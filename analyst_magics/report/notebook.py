"""An :class:`~analyst_magics.models.Analysis` as a notebook: a report first, runnable code second.

The notebook opens with a summary a reader can stop at (what the data is, the strongest findings
and their charts, data-quality alerts, contents), then the sections: findings, columns, cleaning,
answers, appendix. Code cells carry the outputs computed during the analysis, so the notebook
reads like a report as it is, and re-runs top to bottom against the data file written next to
it; the report template folds their code away (``Show code``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from ..formatting import date_text, number, p_text, percent
from ..models import Analysis, Answer, ChartSpec, CleaningReport, Insight, Profile, Result
from ..pipeline.charts import chart_bundle

__all__ = ["SECTIONS", "md", "to_notebook"]

#: The report's sections after the summary, as (heading, what it holds).
SECTIONS = (("Findings", "each finding with its statistic and chart"),
            ("Columns", "every column at a glance"),
            ("Cleaning", "what was changed and why"),
            ("Questions", "the answers to the questions asked"),
            ("Appendix", "metadata and how to reproduce"))
#: Findings the summary leads with: always the first few, a few more when they are strong.
SUMMARY_FINDINGS, SUMMARY_MORE, STRONG = 3, 5, 0.5
#: Charts on the first screen, side by side.
SUMMARY_CHARTS = 3
#: Tags of the cells the report template lays out itself.
SETUP_TAG, SUMMARY_CHARTS_TAG, ANSWER_TAG = "am-setup", "am-summary-charts", "am-answer"

#: Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping them all
#: leaves no markup, raw HTML, entity or link in user text.
_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")


def md(text: object) -> str:
    """User text made inert in Markdown: shown literally, never as markup or HTML."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def to_notebook(analysis: Analysis, *, data_file: str, metadata: dict[str, Any],
                bundled: bool = True) -> NotebookNode:
    """Build the report notebook; ``data_file`` is the cleaned data, relative to the notebook,
    and ``bundled`` says whether the notebook and that file are written with the report."""
    meta = analysis.metadata
    top = _leading(analysis.insights)
    cells = [new_markdown_cell(_summary(analysis, top)),
             _tagged(new_code_cell(_setup_code(data_file, bool(analysis.insights))), SETUP_TAG)]
    charts = [i.chart for i in top if i.chart is not None][:SUMMARY_CHARTS]
    if charts:
        source = (f"charts = [i.chart for i in found[:{len(top)}] if i.chart is not None]\n"
                  f"for chart in charts[:{SUMMARY_CHARTS}]:\n    display(to_figure(chart))")
        cells.append(_tagged(new_code_cell(source, outputs=[_figure_output(c) for c in charts]),
                             SUMMARY_CHARTS_TAG))
    cells.append(new_markdown_cell(_quality(analysis)))
    cells += _insight_cells(analysis.insights)
    cells += _column_cells(analysis.profile, meta.name)
    cells += _cleaning_cells(analysis.cleaning)
    cells += _answer_cells(analysis.answers)
    cells.append(new_markdown_cell(_appendix(analysis, metadata, data_file, bundled)))
    nb = new_notebook(cells=cells)
    nb.metadata["title"] = f"Analysis of {meta.name}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["analyst_magics"] = {"report": metadata}
    nbformat.validate(nb)
    return nb


def _leading(insights: list[Insight]) -> list[Insight]:
    """The findings the summary leads with, strongest first."""
    extra = [i for i in insights[SUMMARY_FINDINGS:SUMMARY_MORE] if i.score >= STRONG]
    return insights[:SUMMARY_FINDINGS] + extra


def _summary(analysis: Analysis, top: list[Insight]) -> str:
    meta = analysis.metadata
    about = [f"{meta.rows:,} rows × {meta.columns} columns"]
    prof = analysis.profile
    if analysis.cleaning is not None and (prof.rows, prof.columns) != (meta.rows, meta.columns):
        about[0] += f" (after cleaning {prof.rows:,} × {prof.columns}: see Cleaning)"
    period = _period(analysis.profile)
    if period:
        about.append(md(period))
    if meta.source:
        about.append(f"from {md(Path(meta.source).name)}")
    about.append(f"sha256 {meta.content_hash[:12]}")
    lines = [f"# Analysis of {md(meta.name)}", "", "; ".join(about) + ".",
             "", "## Key findings", ""]
    if top:
        lines += [f"{n}. {_lead(i)}" for n, i in enumerate(top, 1)]
    else:
        lines.append("No finding stood out: no correlation, trend, segment difference or "
                     "anomaly passed its test.")
    return "\n".join(lines)


def _quality(analysis: Analysis) -> str:
    """The data-quality alerts, then the table of contents."""
    alerts = _alerts(analysis)
    lines = ["## Data quality", "", *(f"- {md(a)}" for a in alerts), ""] if alerts else []
    lines += ["## Contents", ""] + [f"{n}. [{title}](#{title}): {what}"
                                    for n, (title, what) in enumerate(SECTIONS, 1)]
    return "\n".join(lines)


def _lead(insight: Insight) -> str:
    """A finding in one line: its title in bold, then its text without a claim that repeats it
    ("Average X differs by Y: highest where …")."""
    claim, colon, rest = insight.text.partition(": ")
    text = rest if colon and insight.title.lower() in claim.lower() else insight.text
    return f"**{md(insight.title)}**: {md(text)}"


def _period(profile: Profile) -> str:
    """``2023-01-03 to 2024-12-31 (order_date)``: the span of the first date column."""
    for column in profile.column_profiles:
        if column.semantic_type.value == "datetime" and column.min is not None:
            return f"{date_text(column.min)} to {date_text(column.max)} ({column.name})"
    return ""


def _alerts(analysis: Analysis) -> list[str]:
    """What a reader should know about the data before trusting the findings."""
    profile, alerts = analysis.profile, []
    if analysis.cleaning is not None:
        alerts += [step.description for step in analysis.cleaning.steps if _changed_data(step)]
    else:
        if profile.missing_cells:
            alerts.append(f"{profile.missing_cells:,} cells are missing "
                          f"({percent(profile.missing_pct)}).")
        if profile.duplicate_rows:
            alerts.append(f"{profile.duplicate_rows:,} rows repeat an earlier row.")
    if profile.high_missing_columns:
        alerts.append("Mostly missing: " + ", ".join(profile.high_missing_columns) + ".")
    return alerts


def _changed_data(step: Any) -> bool:
    """A cleaning step that changed values, rows or types (renaming columns does not)."""
    return bool(step.rows_before != step.rows_after or step.missing_before != step.missing_after
                or step.dtypes_changed or step.details.get("flagged"))


def _setup_code(data_file: str, with_insights: bool) -> str:
    lines = ["import pandas as pd", "", "import analyst_magics as am",
             "from analyst_magics.pipeline.charts import to_figure", "",
             f"df = pd.read_parquet({data_file!r})"]
    return "\n".join(lines + (["found = am.insights(df)"] if with_insights else []))


def _insight_cells(insights: list[Insight]) -> list[NotebookNode]:
    if not insights:
        return [new_markdown_cell("## Findings\n\nNo finding stood out.")]
    count = f"{len(insights)} finding{'s' if len(insights) > 1 else ''}, strongest first."
    cells = []
    for i, insight in enumerate(insights):
        ev = insight.evidence
        p_value = p_text(ev.p_value) if ev.p_value is not None else ""
        effect = ev.effect_size if ev.effect_size != ev.statistic else None
        stats = ", ".join(text for text in (
            _statistic("statistic", ev.statistic), p_value, _statistic("effect size", effect))
            if text)
        # The section's heading shares the first finding's cell: they stay on one page.
        heading = f"## Findings\n\n{count}\n\n" if i == 0 else ""
        cells.append(new_markdown_cell(f"{heading}### {i + 1}. {md(insight.title)}\n\n"
                                       f"{md(insight.text)}\n\n"
                                       f"*{md(ev.test)}{md(', ' + stats) if stats else ''}*"))
        if insight.chart is not None:
            cells.append(_chart_cell(f"to_figure(found[{i}].chart)", insight.chart))
    return cells


def _statistic(label: str, value: float | None) -> str:
    return f"{label} {number(value)}" if value is not None else ""


def _column_cells(profile: Profile, name: str) -> list[NotebookNode]:
    return [new_markdown_cell("## Columns\n\nEach column of the analysed (cleaned) table: its "
                              "distribution or most frequent values, then its statistics."),
            _display_cell(f"am.profile(df, name={name!r})", profile)]


def _cleaning_cells(cleaning: CleaningReport | None) -> list[NotebookNode]:
    if cleaning is None:
        return [new_markdown_cell("## Cleaning\n\nThe table was analysed as it was given: "
                                  "no cleaning step ran.")]
    rows = [f"| {md(s.name)} | {md(s.description)} | {_change(s.rows_before, s.rows_after)} | "
            f"{_change(s.missing_before, s.missing_after)} |" for s in cleaning.steps]
    table = "\n".join(["| step | what changed | rows | missing cells |",
                       "|:--|:--|--:|--:|", *rows])
    return [new_markdown_cell("## Cleaning\n\nThe steps below ran in this order; the data "
                              "file of this report holds their result." + (
                                  f"\n\n{table}" if rows else "\n\nNothing needed cleaning."))]


def _change(before: int, after: int) -> str:
    """``5,000 → 4,925`` that never wraps; ``5,000`` when nothing changed."""
    return f"{before:,}" if before == after else f"{before:,}\u00a0→\u00a0{after:,}"


def _answer_cells(answers: list[Answer]) -> list[NotebookNode]:
    if not answers:
        return [new_markdown_cell("## Questions\n\nNo question was asked. Ask with "
                                  "`%ask df \"…\"` or `am.analyze(df, questions=[…])`.")]
    cells = [new_markdown_cell("## Questions")]
    for answer in answers:
        if not answer.code:
            cells.append(new_markdown_cell(f"### {md(answer.question)}\n\n*Not answered:* "
                                           f"{md(answer.message)}"))
            continue
        # The answer's card is headed by its question, lists its assumptions, holds its code.
        outputs = [new_output("display_data", data=_bundle(answer))]
        if answer.chart is not None:
            outputs.append(_figure_output(answer.chart))
        cells.append(_tagged(new_code_cell(f"{answer.code.rstrip()}\nresult", outputs=outputs),
                             ANSWER_TAG))
    return cells


def _appendix(analysis: Analysis, metadata: dict[str, Any], data_file: str,
              bundled: bool) -> str:
    shown = {**metadata, "rows_x_columns": f"{analysis.metadata.rows:,} × "
                                          f"{analysis.metadata.columns:,}",
             "created": f"{analysis.metadata.created_at:%Y-%m-%d %H:%M} UTC"}
    rows = "\n".join(f"| {md(key.replace('_x_', ' × ').replace('_', ' '))} | {md(value)} |"
                     for key, value in shown.items())
    notebook = md(data_file.rsplit(".", 1)[0] + ".ipynb")
    source = (f"`am.analyze(am.load({analysis.metadata.source!r}))`"
              if analysis.metadata.source else "`am.analyze(df)` on the original table")
    if bundled:
        how = (f"The notebook of this report ({notebook}) re-runs top to bottom against the "
               f"cleaned data ({md(data_file)}) written beside it.")
    else:
        how = ("Write this report with the `ipynb` or `zip` format to get its notebook, which "
               "re-runs top to bottom against the cleaned data written beside it.")
    return ("## Appendix\n\n### About this report\n\n| | |\n|:--|:--|\n" + rows +
            f"\n\n### How to reproduce\n\n{how} In the HTML report every code cell is one "
            f"click away (*Show code*). To run the whole analysis again: {source}.")


def _tagged(cell: NotebookNode, tag: str) -> NotebookNode:
    cell.metadata["tags"] = [tag]
    return cell


def _bundle(result: Result) -> dict[str, str]:
    return result._repr_mimebundle_()


def _display_cell(source: str, result: Result) -> NotebookNode:
    return new_code_cell(source, outputs=[new_output("display_data", data=_bundle(result))])


def _figure_output(spec: ChartSpec) -> NotebookNode:
    return new_output("display_data", data=chart_bundle(spec))


def _chart_cell(source: str, spec: ChartSpec) -> NotebookNode:
    return new_code_cell(source, outputs=[_figure_output(spec)])
