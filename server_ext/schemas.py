"""Request bodies and response ``data`` of the REST API, as pydantic models.

Request models validate bodies (a failure is a 400 naming the field); response models exist to
describe ``data`` in the OpenAPI document, so the document and the handlers cannot drift apart.
Engine results (``Answer``, ``Analysis``, ``Profile``) are described by their own models.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from analyst_magics.models import Engine

from .naming import clean_text

__all__ = [
    "AnalyzeRequest", "AskRequest", "DatasetSummary", "Envelope", "ErrorData", "Health", "Info",
    "JobAccepted", "JobState", "JobStatus", "Limits", "LoopLag", "ProgressEvent", "ReportEntry",
]

JobState = Literal["queued", "running", "done", "error"]
DATASET_REF = Field(min_length=1, max_length=200, description="Dataset id, or its unique name.")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=20_000)


def _question(value: str, info: ValidationInfo) -> str:
    limit = (info.context or {}).get("max_question_chars", 500)
    if len(value) > 4 * limit:  # refuse before spending time on huge text
        raise ValueError(f"is {len(value):,} characters long; the limit is {limit:,}")
    cleaned = clean_text(value)
    if not cleaned:
        raise ValueError("is empty; ask something about the data, e.g. 'how many rows?'")
    if len(cleaned) > limit:
        raise ValueError(f"is {len(cleaned):,} characters long; the limit is {limit:,}")
    return cleaned


class AskRequest(_Strict):
    """``POST ask``: one question about one dataset."""

    dataset: str = DATASET_REF
    question: str = Field(description="The question; control characters are removed.")
    engine: Engine = Engine.AUTO

    _check_question = field_validator("question")(_question)


class AnalyzeRequest(_Strict):
    """``POST analyze``: clean, profile, find insights, answer questions; optionally a report."""

    dataset: str = DATASET_REF
    questions: list[str] = Field(default_factory=list, max_length=50)
    clean: bool = True
    engine: Engine = Engine.AUTO
    report: bool = Field(False, description="Also write an HTML report (and its zip bundle).")

    @field_validator("questions")
    @classmethod
    def _check_questions(cls, value: list[str], info: ValidationInfo) -> list[str]:
        return [_question(q, info) for q in value]


class Envelope(BaseModel):
    """Every response: ``status`` matches the HTTP status class; ``data`` depends on the route."""

    status: Literal["ok", "error"]
    message: str
    data: Any = None


class ErrorData(BaseModel):
    reference: str = Field(description="Quote it when reporting a problem; the log has it too.")
    errors: list[dict[str, str]] | None = Field(None, description="Per-field problems (400).")


class LoopLag(BaseModel):
    max_lag_ms: float = Field(description="Worst delay of a 50 ms IOLoop tick since start.")
    loop_cpu_in_max_lag_ms: float = Field(
        description="CPU the loop thread used during that delay: near max_lag_ms means code "
                    "blocked the loop; near 0 means it waited for a core or the GIL.")


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    uptime_s: float
    loop: LoopLag


class Limits(BaseModel):
    max_upload_mb: int
    max_question_chars: int
    max_cells: int
    max_columns: int
    allowed_extensions: list[str]
    retention_days: int


class Info(BaseModel):
    version: str
    api: Literal["v1"]
    engines: list[str] = Field(description="Question engines that can answer now.")
    limits: Limits


class DatasetSummary(BaseModel):
    id: str
    name: str
    filename: str = Field(description="The client's file name, canonicalised (a label only).")
    extension: str
    size_bytes: int
    sha256: str
    rows: int
    columns: int
    column_names: list[str]
    dtypes: dict[str, str]
    created_at: str


class JobAccepted(BaseModel):
    job_id: str
    state: JobState
    progress_url: str = Field(description="WebSocket path of the progress stream.")
    status_url: str


class JobStatus(BaseModel):
    job_id: str
    kind: str
    dataset: str
    state: JobState
    stage: str
    progress: float = Field(ge=0, le=1)
    message: str
    created_at: str
    finished_at: str | None = None
    reports: list[str] = Field(default_factory=list)
    result: dict[str, Any] | None = Field(None, description="The Analysis once state is done.")


class ProgressEvent(BaseModel):
    """One WebSocket message; the last one of a stream has state ``done`` or ``error``."""

    job_id: str
    state: JobState
    stage: str
    progress: float = Field(ge=0, le=1)
    message: str


class ReportEntry(BaseModel):
    name: str
    format: str
    size_bytes: int
    modified_at: str
    has_bundle: bool
