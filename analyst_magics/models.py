"""The typed results of the engine.

Each result is computed once and rendered many times: ``to_dict()`` gives strict JSON (the
``data`` of the REST envelope, ``analysis.json``, report input), ``_repr_html_`` renders a Jinja
template from :mod:`analyst_magics.templates` for notebooks.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_serializer

from .jsonable import to_jsonable

__all__ = [
    "Analysis",
    "Answer",
    "AnswerKind",
    "ChartKind",
    "ChartSpec",
    "CleaningReport",
    "CleaningResult",
    "CleaningStep",
    "ColumnProfile",
    "DatasetMetadata",
    "Engine",
    "Evidence",
    "FrequentValue",
    "Insight",
    "InsightKind",
    "PLOTLY_MIME",
    "Profile",
    "Report",
    "ReportFormat",
    "Result",
    "SemanticType",
]


class Result(BaseModel):
    """Base of every result: strict JSON out, HTML for notebooks."""

    model_config = ConfigDict(arbitrary_types_allowed=True, use_enum_values=False)

    #: Templates (under ``analyst_magics/templates``) for ``_repr_html_`` and ``summary()``.
    html_template: ClassVar[str | None] = None
    text_template: ClassVar[str | None] = None

    def to_dict(self) -> dict[str, Any]:
        """Strict JSON data: no NaN/Infinity, datetimes as ISO-8601 strings."""
        return to_jsonable(self.model_dump(mode="python"))

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), allow_nan=False, **kwargs)

    def _repr_html_(self) -> str | None:
        if self.html_template is None:
            return None
        from .html import render  # deferred: jinja2 is only needed when rendering

        return render(self.html_template, result=self)

    def summary(self) -> str:
        """A short plain-text account, for terminals and ``text/plain`` displays."""
        if self.text_template is None:
            return repr(self)
        from .html import render

        return render(self.text_template, result=self).strip()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        bundle = {"text/plain": self.summary()}
        html = self._repr_html_()
        if html is not None:
            bundle["text/html"] = html
        return bundle


# --------------------------------------------------------------------------- charts


#: The mime type Plotly figures are displayed and stored under (JupyterLab, VS Code, nbconvert).
PLOTLY_MIME = "application/vnd.plotly.v1+json"


class ChartKind(StrEnum):
    LINE = "line"
    BAR = "bar"
    SCATTER = "scatter"
    HISTOGRAM = "histogram"
    BOX = "box"
    HEATMAP = "heatmap"


class ChartSpec(Result):
    """A chart described as data: small, pre-aggregated points and their encoding.

    ``data`` is a list of records (already aggregated or sampled, so a spec stays small);
    :func:`analyst_magics.pipeline.charts.to_figure` turns it into a Plotly figure.
    """

    kind: ChartKind
    title: str
    x: str | None = None
    y: str | None = None
    color: str | None = None
    data: list[dict[str, Any]] = Field(default_factory=list)
    x_label: str | None = None
    y_label: str | None = None
    note: str | None = Field(None, description="E.g. 'sampled 5,000 of 1,000,000 rows'.")
    x_scale: Literal["linear", "log", "log1p"] = Field(
        "linear", description="Scale of the x axis: 'log' for positive values, 'log1p' "
                              "(log of 1 + x) for values from zero.")


# --------------------------------------------------------------------------- cleaning


class CleaningStep(Result):
    """One cleaning step with the dataset's state before and after it."""

    name: str
    description: str
    columns: list[str] = Field(default_factory=list)
    rows_before: int
    rows_after: int
    missing_before: int
    missing_after: int
    memory_before: int
    memory_after: int
    dtypes_changed: dict[str, tuple[str, str]] = Field(default_factory=dict)
    details: dict[str, Any] = Field(default_factory=dict)


class CleaningReport(Result):
    """The log of a cleaning run: what was done, step by step, and what was left alone."""

    html_template: ClassVar[str | None] = "cleaning_report.html.j2"
    text_template: ClassVar[str | None] = "cleaning_report.txt.j2"

    steps: list[CleaningStep] = Field(default_factory=list)
    column_mapping: dict[str, str] = Field(
        default_factory=dict, description="Original column name -> cleaned name.")
    options: dict[str, Any] = Field(default_factory=dict)
    outlier_column: str | None = Field(None, description="Boolean column flagging outliers.")


class CleaningResult(Result):
    """What :func:`analyst_magics.clean` returns: a new DataFrame and the log."""

    data: pd.DataFrame = Field(exclude=True)
    report: CleaningReport

    def _repr_html_(self) -> str | None:
        return self.report._repr_html_()

    def summary(self) -> str:
        return f"{len(self.data):,} rows × {self.data.shape[1]} columns after cleaning\n" + \
            self.report.summary()


# --------------------------------------------------------------------------- profile


class SemanticType(StrEnum):
    NUMERIC = "numeric"
    CATEGORICAL = "categorical"
    DATETIME = "datetime"
    BOOLEAN = "boolean"
    TEXT = "text"
    ID = "id"
    EMPTY = "empty"


class FrequentValue(BaseModel):
    value: Any
    count: int


class ColumnProfile(Result):
    """Statistics of one column; fields that do not apply to its type are ``None``."""

    name: str
    dtype: str
    semantic_type: SemanticType
    count: int
    missing: int
    missing_pct: float
    distinct: int
    distinct_pct: float
    memory_bytes: int = 0
    mean: float | None = None
    std: float | None = None
    min: Any = None
    max: Any = None
    quantiles: dict[str, Any] = Field(default_factory=dict)
    skewness: float | None = None
    kurtosis: float | None = None
    zeros: int | None = None
    negatives: int | None = None
    mean_length: float | None = None
    frequent: list[FrequentValue] = Field(default_factory=list)
    histogram: list[int] = Field(
        default_factory=list,
        description="Counts in equal-width bins from min to max (numbers, dates, durations).")


class Profile(Result):
    """A dataset's profile: dataset-level figures and one :class:`ColumnProfile` per column."""

    html_template: ClassVar[str | None] = "profile.html.j2"
    text_template: ClassVar[str | None] = "profile.txt.j2"

    name: str | None = None
    rows: int
    columns: int
    duplicate_rows: int
    missing_cells: int
    missing_pct: float
    memory_bytes: int
    high_missing_columns: list[str] = Field(default_factory=list)
    column_profiles: list[ColumnProfile] = Field(default_factory=list)

    def column(self, name: str) -> ColumnProfile:
        """The profile of one column, by name."""
        for col in self.column_profiles:
            if col.name == name:
                return col
        from .errors import ColumnNotFoundError

        names = [c.name for c in self.column_profiles]
        raise ColumnNotFoundError(f"Column {name!r} is not in the profile. Columns: {names}")


# --------------------------------------------------------------------------- insights


class InsightKind(StrEnum):
    CORRELATION = "correlation"
    TREND = "trend"
    ANOMALY = "anomaly"
    SEGMENT_DIFFERENCE = "segment_difference"
    SKEW = "skew"
    MISSINGNESS = "missingness"
    IMBALANCE = "imbalance"
    DUPLICATES = "duplicates"


class Evidence(BaseModel):
    """The statistic behind an insight."""

    test: str
    statistic: float | None = None
    p_value: float | None = None
    effect_size: float | None = None
    n: int | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class Insight(Result):
    """One finding, scored in [0, 1] so findings of all kinds rank together."""

    html_template: ClassVar[str | None] = "insight.html.j2"
    text_template: ClassVar[str | None] = "insight.txt.j2"

    kind: InsightKind
    title: str
    text: str
    score: float = Field(ge=0.0, le=1.0)
    columns: list[str] = Field(default_factory=list)
    evidence: Evidence
    chart: ChartSpec | None = None


# --------------------------------------------------------------------------- answers


class Engine(StrEnum):
    """The question engines a caller chooses from: ``auto`` picks rules or model per question.

    An :class:`Answer` names the one that answered (``rules`` or ``llm``), or ``none`` when the
    question was refused before any engine read it.
    """

    AUTO = "auto"
    RULES = "rules"
    LLM = "llm"


class ReportFormat(StrEnum):
    """The files a report can be written as (see :func:`analyst_magics.build_report`)."""

    HTML = "html"
    PDF = "pdf"
    IPYNB = "ipynb"
    JSON = "json"
    ZIP = "zip"


class AnswerKind(StrEnum):
    NUMBER = "number"
    TEXT = "text"
    BOOLEAN = "boolean"
    TABLE = "table"
    LIST = "list"
    CHART = "chart"
    ERROR = "error"


class Answer(Result):
    """The answer to one question, with the pandas code that produced it."""

    html_template: ClassVar[str | None] = "answer.html.j2"
    text_template: ClassVar[str | None] = "answer.txt.j2"

    question: str
    value: Any = None
    kind: AnswerKind
    code: str = ""
    engine: str = Field("rules", description="The engine that answered: 'rules' or 'llm' "
                                             "(see Engine), or 'none' when the question was "
                                             "refused before either read it.")
    chart: ChartSpec | None = None
    warnings: list[str] = Field(default_factory=list)
    message: str = ""
    unit: str = Field(default="", description="'%' when the value is a percentage (27.9 "
                                              "reads 27.9%).")
    data: str = Field(default="", description="The table the answer was computed on, e.g. 'the "
                                      "cleaned table, 4,925 of 5,000 rows'.")
    confidence: float | None = Field(
        default=None, description="How sure the offline rules were of their reading (0 to 1); None "
                          "for a model's answer.")
    unused: list[str] = Field(default_factory=list,
                              description="Words of the question the reading did not use.")
    sent: list[dict[str, Any]] = Field(
        default_factory=list, description="Every prompt sent to a model for this answer.")

    @field_serializer("value")
    def _serialize_value(self, value: Any) -> Any:
        return to_jsonable(value)


# --------------------------------------------------------------------------- analysis


class DatasetMetadata(BaseModel):
    name: str
    content_hash: str
    rows: int
    columns: int
    source: str | None = None
    created_at: dt.datetime
    package_version: str


class Analysis(Result):
    """Everything :func:`analyst_magics.analyze` found about one dataset."""

    html_template: ClassVar[str | None] = "analysis.html.j2"
    text_template: ClassVar[str | None] = "analysis.txt.j2"

    metadata: DatasetMetadata
    cleaning: CleaningReport | None = None
    profile: Profile
    insights: list[Insight] = Field(default_factory=list)
    answers: list[Answer] = Field(default_factory=list)
    options: dict[str, Any] = Field(default_factory=dict)
    _data: pd.DataFrame | None = PrivateAttr(None)

    @property
    def data(self) -> pd.DataFrame | None:
        """The analysed (cleaned, when cleaning ran) DataFrame; not part of ``to_dict()``."""
        return self._data


class Report(Result):
    """Files written by :func:`analyst_magics.build_report`."""

    paths: dict[str, Path] = Field(default_factory=dict)
    metadata: dict[str, Any] = Field(default_factory=dict)
