"""Reports: an :class:`~analyst_magics.models.Analysis` as HTML, PDF, notebook, JSON or zip.

>>> import analyst_magics as am
>>> rep = am.build_report(am.analyze(am.sample_data(rows=300)), formats=("html",),
...                       out_dir="/tmp/analyst-doctest")
>>> sorted(rep.paths)
['html']
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..config import get_settings
from ..errors import AnalystError
from ..models import Analysis, Report, ReportFormat
from .files import (
    delete_old_reports,
    list_reports,
    report_stem,
    write_atomic,
    write_data,
    write_zip,
)

__all__ = ["FORMATS", "build_report", "delete_old_reports", "list_reports"]

FORMATS = tuple(f.value for f in ReportFormat)


def build_report(analysis: Analysis, formats: Iterable[str] = ("html",),
                 out_dir: str | Path | None = None) -> Report:
    """Write the report files of ``analysis`` and say where they are.

    Parameters
    ----------
    analysis : Analysis
        From :func:`analyst_magics.analyze`.
    formats : iterable of str
        Any of ``html``, ``pdf`` (needs Chromium), ``ipynb`` (with the data file beside it),
        ``json`` (``analysis.json``), ``zip`` (everything else asked for, plus the cleaned data
        as CSV and the JSON).
    out_dir : path, optional
        Directory for the files; default ``ANALYST_REPORTS_DIR``.

    Returns
    -------
    Report
        ``paths`` maps each format to its file; ``metadata`` is what every report embeds.
    """
    chosen = _check_formats(formats, analysis)
    # A zip bundles the HTML report, the notebook with its data, the JSON and the data as CSV.
    made = chosen | ({"html", "ipynb", "json"} if "zip" in chosen else set())
    out = Path(out_dir) if out_dir is not None else get_settings().reports_path
    out.mkdir(parents=True, exist_ok=True)
    stem = report_stem(analysis.metadata.name, out)
    metadata = report_metadata(analysis)
    paths: dict[str, Path] = {}
    from .notebook import to_notebook

    nb = to_notebook(analysis, data_file=f"{stem}.parquet", metadata=metadata,
                     bundled=bool({"ipynb", "zip"} & made))
    if {"html", "pdf"} & made:
        paths["html"] = _write_html(nb, out / f"{stem}.html")
    if "pdf" in made:
        from .chromium import print_to_pdf

        paths["pdf"] = print_to_pdf(paths["html"], out / f"{stem}.pdf")
    if "ipynb" in made:
        import nbformat

        paths["ipynb"] = write_atomic(out / f"{stem}.ipynb", nbformat.writes(nb))
        paths["data"] = write_data(analysis.data, out / f"{stem}.parquet")
    if "json" in made:
        paths["json"] = write_atomic(out / f"{stem}.json", analysis.to_json(indent=2))
    if "zip" in made:
        csv = write_data(analysis.data, out / f"{stem}.csv")
        paths["zip"] = write_zip(out / f"{stem}.zip", [*paths.values(), csv])
        csv.unlink()
    kept = chosen | ({"data"} if "ipynb" in chosen else set())
    for fmt in set(paths) - kept:  # made only to go into the zip or the PDF
        paths.pop(fmt).unlink(missing_ok=True)
    return Report(paths=paths, metadata=metadata)


def report_metadata(analysis: Analysis) -> dict[str, Any]:
    """What every report embeds about its data and how it was made."""
    meta = analysis.metadata
    return {
        "dataset": meta.name,
        "content_hash": f"sha256:{meta.content_hash}",
        "rows_x_columns": f"{meta.rows} × {meta.columns}",
        "package_version": meta.package_version,
        "created": meta.created_at.isoformat(timespec="seconds"),
        "options": json.dumps(analysis.to_dict()["options"], sort_keys=True),
    }


def _check_formats(formats: Iterable[str], analysis: Analysis) -> set[str]:
    chosen = {str(f).strip().lower() for f in ([formats] if isinstance(formats, str) else formats)}
    unknown = sorted(chosen - set(FORMATS))
    if unknown or not chosen:
        raise AnalystError(f"Unknown report format {', '.join(unknown) or '(none)'}; choose from "
                           f"{', '.join(FORMATS)}.")
    if not isinstance(analysis, Analysis):
        raise AnalystError("build_report() takes the Analysis returned by analyst_magics.analyze()"
                           f", got {type(analysis).__name__}.")
    if {"ipynb", "zip"} & chosen and analysis.data is None:
        raise AnalystError("This analysis carries no data (it was loaded from JSON), so the "
                           "notebook and zip formats cannot include it; ask for html, pdf or json.")
    return chosen


def _write_html(nb: Any, path: Path) -> Path:
    from .exporters import AnalystHTMLExporter

    body, _ = AnalystHTMLExporter().from_notebook_node(nb)
    return write_atomic(path, body)
