"""Settings from ``ANALYST_*`` environment variables and an optional ``.env`` file.

One typed object, :class:`AnalystSettings`; :func:`get_settings` returns the current one.
Every variable is documented in ``.env.example``. The server face maps its traitlets onto
the same fields.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from jupyter_core.paths import jupyter_data_dir
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .errors import ConfigError

__all__ = ["AnalystSettings", "BACKENDS", "ENV_PREFIX", "get_settings", "physical_memory_bytes"]

ENV_PREFIX = "ANALYST_"
DEFAULT_EXTENSIONS = ("csv", "tsv", "txt", "xlsx", "json", "parquet")
#: Where a loaded table lives: in memory, in a file queried by DuckDB, or chosen by size.
Backend = Literal["auto", "pandas", "duckdb"]
BACKENDS: tuple[str, ...] = get_args(Backend)


def _default_data_dir() -> Path:
    return Path(jupyter_data_dir()) / "analyst_magics"


class AnalystSettings(BaseSettings):
    """Every setting of the package, read from ``ANALYST_<FIELD>`` variables."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="ignore", validate_default=True
    )

    data_dir: Path = Field(default_factory=_default_data_dir,
                           description="Where uploads, jobs and reports are stored.")
    reports_dir: Path | None = Field(
        None, description="Reports directory; default <data_dir>/reports.")
    max_columns: int = Field(
        16_384, gt=0, le=10_000_000, description="Most columns a loaded table may have "
        "(Excel's own limit by default); checked before the table is built.")
    max_upload_mb: int = Field(
        200, gt=0, le=100_000, description="Largest accepted upload, in MB.")
    allowed_extensions: Annotated[tuple[str, ...], NoDecode] = Field(
        DEFAULT_EXTENSIONS, description="File extensions that may be loaded or uploaded.")
    retention_days: int = Field(30, ge=0, description="Age after which uploads, jobs and reports "
                                "are deleted; 0 keeps them forever.")
    max_question_chars: int = Field(500, ge=1, le=20_000, description="Longest question accepted.")
    sandbox_timeout_s: float = Field(
        10.0, gt=0, le=3600, description="Time limit of generated code, in seconds.")
    sandbox_memory_mb: int = Field(
        4096, ge=128, description="Memory generated code may allocate, per call.")
    sandbox_workers: int = Field(
        default_factory=lambda: min(2, os.cpu_count() or 1), ge=1, le=64,
        description="Sandbox calls that run at once, each in a process of its own; more wait.")
    sandbox_nice: int = Field(
        5, ge=0, le=19, description="How much lower the sandbox's scheduling priority is than "
        "that of the process asking, so a notebook or server stays responsive under load.")
    backend: Backend = Field(
        "auto", description="Where am.load puts a table: pandas (memory), duckdb (the file, "
        "queried where it lies), or auto: DuckDB for files over a quarter of memory.")
    duckdb_memory_limit: str = Field(
        "", description="DuckDB's memory limit for large files (\"8GB\"); empty means about "
        "half of the machine's memory. Beyond it DuckDB spills to its temporary directory.")
    duckdb_temp_dir: Path | None = Field(
        None, description="Where DuckDB spills beyond its memory limit; default a new "
        "directory under the system's temporary directory.")
    llm_base_url: str = Field("", description="OpenAI-compatible endpoint; empty means offline.")
    llm_model: str = Field("", description="Model name sent to the endpoint.")
    llm_api_key: SecretStr = Field(SecretStr(""), description="API key (never logged).")
    llm_timeout_s: float = Field(60.0, gt=0, description="Timeout of one LLM request.")
    llm_privacy: Literal["schema", "masked", "full"] = Field(
        "masked", description="What the prompt carries: schema only, masked rows, or full rows.")
    chromium: str = Field("", description="Path of the Chromium used for PDF reports; "
                          "empty means search PATH.")
    paper: Literal["A4", "Letter"] = Field("A4", description="Page size of PDF reports.")

    @field_validator("allowed_extensions", mode="before")
    @classmethod
    def _split_extensions(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, (list, tuple)):
            return tuple(str(v).strip().lower().lstrip(".") for v in value if str(v).strip())
        return value

    @property
    def reports_path(self) -> Path:
        """The reports directory, resolved against ``data_dir`` when not set."""
        return self.reports_dir or self.data_dir / "reports"

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url.strip())


def load_settings(**overrides: Any) -> AnalystSettings:
    """Read the settings now; a bad value raises :class:`ConfigError` naming the variable."""
    try:
        return AnalystSettings(**overrides)
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "?"
        got = error.get("input")
        lines.append(f"{ENV_PREFIX}{field.upper()}={got!r} is not valid: {error['msg']}.")
    return "Invalid configuration. " + " ".join(lines) + " See .env.example for accepted values."


def physical_memory_bytes() -> int:
    """This machine's memory (8 GB where the system does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30


@lru_cache(maxsize=1)
def get_settings() -> AnalystSettings:
    """The settings of this process (read once; ``get_settings.cache_clear()`` re-reads)."""
    return load_settings()
