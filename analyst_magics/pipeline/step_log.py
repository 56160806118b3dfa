"""The bookkeeping shared by the cleaning steps: what a step returns and how it is logged.

A step is a function from a DataFrame to a :class:`StepOutcome`; :func:`run_step` measures the
frame before and after it and turns the outcome into a :class:`~analyst_magics.models.CleaningStep`,
so every step is logged the same way, including the ones that changed nothing or were skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..models import CleaningStep

__all__ = ["Snapshot", "StepOutcome", "column_label", "count", "run_step", "skipped", "unchanged"]

Status = Literal["changed", "no change", "skipped"]


@dataclass(frozen=True)
class StepOutcome:
    """What one step did: the new frame, a sentence for people, and data for programs."""

    data: pd.DataFrame
    description: str
    status: Status = "changed"
    columns: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


def unchanged(data: pd.DataFrame, what: str, **details: Any) -> StepOutcome:
    """A step that checked ``data`` and found nothing to do."""
    return StepOutcome(data, f"No change: {what}.", "no change", details=details)


def skipped(data: pd.DataFrame, reason: str, **details: Any) -> StepOutcome:
    """A step that did not run, and why (so the log shows what was not checked)."""
    return StepOutcome(data, f"Skipped: {reason}.", "skipped",
                       details={"reason": reason, **details})


def count(n: int, noun: str) -> str:
    """``"1 row"``, ``"2,000 rows"``: a number with its noun, for the log's sentences."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def column_label(name: Any) -> str:
    """A column name as text for the log (names may be numbers or tuples)."""
    return name if isinstance(name, str) else str(name)


@dataclass(frozen=True)
class Snapshot:
    """The figures a step is judged by: rows, missing cells, memory and dtypes."""

    rows: int
    missing: int
    memory: int
    dtypes: dict[str, str]

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Snapshot:
        # deep=True so text columns count their characters, not only their pointers.
        return cls(
            rows=len(frame),
            missing=int(np.count_nonzero(frame.isna().to_numpy())),
            memory=int(frame.memory_usage(deep=True, index=False).sum()),
            dtypes={column_label(c): str(t) for c, t in frame.dtypes.items()},
        )


def run_step(
    name: str, step: Callable[[pd.DataFrame], StepOutcome], frame: pd.DataFrame, before: Snapshot,
) -> tuple[StepOutcome, Snapshot, CleaningStep]:
    """Run ``step`` on ``frame`` and log it against the ``before`` snapshot.

    Returns the outcome, the snapshot after it (the next step's "before", so each frame is
    measured once) and the log entry.
    """
    outcome = step(frame)
    after = Snapshot.of(outcome.data) if outcome.status == "changed" else before
    changed = {
        col: (before.dtypes[col], dtype) for col, dtype in after.dtypes.items()
        if col in before.dtypes and before.dtypes[col] != dtype
    }
    entry = CleaningStep(
        name=name,
        description=outcome.description,
        columns=outcome.columns,
        rows_before=before.rows,
        rows_after=after.rows,
        missing_before=before.missing,
        missing_after=after.missing,
        memory_before=before.memory,
        memory_after=after.memory,
        dtypes_changed=changed,
        details={"status": outcome.status, **outcome.details},
    )
    return outcome, after, entry
