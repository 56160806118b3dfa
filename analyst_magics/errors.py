"""One exception root for everything the package raises on purpose.

Every error is an :class:`AnalystError` (a ``ValueError``), so callers can catch one class.
Messages say what went wrong, where, what was expected and what to do.
"""

from __future__ import annotations

__all__ = [
    "AnalystError",
    "ColumnNotFoundError",
    "ConfigError",
    "DataLoadError",
    "LLMError",
    "QuestionError",
    "SandboxError",
]


class AnalystError(ValueError):
    """Base class of the package's errors."""

    def _render_traceback_(self) -> list[str]:
        # IPython calls this instead of printing a traceback: users see the message only.
        return [f"{type(self).__name__}: {self}"]


class ConfigError(AnalystError):
    """An ``ANALYST_*`` setting has a value that cannot be used."""


class DataLoadError(AnalystError):
    """A file or DataFrame cannot be read as a table."""


class ColumnNotFoundError(AnalystError, KeyError):
    """A column named by the user does not exist."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class QuestionError(AnalystError):
    """A question is empty, too long, or cannot be understood."""


class SandboxError(AnalystError):
    """Generated code was refused or stopped by the sandbox.

    ``kind`` is one of ``policy``, ``time_limit``, ``memory_limit``, ``runtime``.
    """

    KINDS = ("policy", "time_limit", "memory_limit", "runtime")

    def __init__(self, message: str, *, kind: str = "runtime") -> None:
        if kind not in self.KINDS:
            raise ValueError(f"SandboxError kind must be one of {self.KINDS}, got {kind!r}")
        super().__init__(message)
        self.kind = kind


class LLMError(AnalystError):
    """The configured language model could not be used."""
