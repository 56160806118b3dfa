"""The whole pipeline in one call: clean → profile → insights → answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from ._version import __version__
from .data_utils import content_hash
from .models import Analysis, CleaningReport, DatasetMetadata
from .progress import ProgressCallback, report, scaled
from .validation import require_frame

__all__ = ["analyze"]

DEFAULT_NAME = "dataset"


def analyze(
    df: pd.DataFrame,
    questions: Iterable[str] = (),
    *,
    name: str | None = None,
    clean: bool = True,
    clean_options: Mapping[str, Any] | None = None,
    max_insights: int = 20,
    engine: str = "auto",
    progress: ProgressCallback | None = None,
) -> Analysis:
    """Clean, profile, find insights and answer questions about one DataFrame.

    Parameters
    ----------
    df : DataFrame
        The data; never modified.
    questions : iterable of str
        Questions answered on the (cleaned) data, in order. Blank lines are skipped.
    name : str, optional
        Dataset name shown in results and reports; defaults to ``df.attrs["name"]``.
    clean : bool
        Run :func:`analyst_magics.clean` first (with ``clean_options``); otherwise analyse as is.
    progress : callable, optional
        Called as ``progress(stage, fraction)`` while the analysis runs.

    Returns
    -------
    Analysis

    Examples
    --------
    >>> import analyst_magics as am
    >>> result = am.analyze(am.sample_data(rows=500), ["how many rows are there?"])
    >>> result.metadata.rows
    500
    """
    from .nlq.engine import ask
    from .pipeline.cleaning import clean as clean_frame
    from .pipeline.insights import insights
    from .pipeline.profiling import profile

    require_frame(df, "analyze")
    dataset = name or str(df.attrs.get("name") or DEFAULT_NAME)
    asked = [q.strip() for q in questions if q and q.strip()]
    cleaning: CleaningReport | None = None
    data = df
    if clean:
        result = clean_frame(df, progress=scaled(progress, 0.0, 0.3), **dict(clean_options or {}))
        data, cleaning = result.data, result.report
    prof = profile(data, name=dataset, progress=scaled(progress, 0.3, 0.5))
    flag = cleaning.outlier_column if cleaning is not None else None
    flags = [flag] if flag is not None and flag in data else []
    found = insights(data, profile=prof, max_insights=max_insights, exclude=flags,
                     progress=scaled(progress, 0.5, 0.8))
    answers = []
    # Answers are computed on the table the profile and the findings describe, and say so.
    on = (f"the cleaned table, {len(data):,} of {len(df):,} rows × {data.shape[1]:,} columns "
          "(see the cleaning log)" if cleaning is not None else None)
    for i, question in enumerate(asked):
        report(progress, f"answering: {question[:60]}", 0.8 + 0.2 * i / len(asked))
        answer = ask(data, question, engine=engine)
        answers.append(answer.model_copy(update={"data": on}) if on else answer)
    report(progress, "done", 1.0)
    analysis = Analysis(
        metadata=_metadata(df, dataset),
        cleaning=cleaning,
        profile=prof,
        insights=found,
        answers=answers,
        options={"clean": clean, "clean_options": dict(clean_options or {}),
                 "max_insights": max_insights, "engine": engine},
    )
    analysis._data = data
    return analysis


def _metadata(df: pd.DataFrame, name: str) -> DatasetMetadata:
    return DatasetMetadata(
        name=name,
        content_hash=content_hash(df),
        rows=len(df),
        columns=df.shape[1],
        source=df.attrs.get("source"),
        created_at=dt.datetime.now(dt.UTC),
        package_version=__version__,
    )
