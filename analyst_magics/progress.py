"""Progress reporting shared by long engine functions.

A progress callback takes ``(stage, fraction)`` with ``fraction`` in [0, 1]. The faces decide how to
show it (a bar in a notebook, a line on a terminal, WebSocket events on the server).
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["ProgressCallback", "report", "scaled"]

ProgressCallback = Callable[[str, float], None]


def report(progress: ProgressCallback | None, stage: str, fraction: float) -> None:
    """Call ``progress`` if there is one, with ``fraction`` clipped to [0, 1]."""
    if progress is not None:
        progress(stage, min(1.0, max(0.0, fraction)))


def scaled(progress: ProgressCallback | None, start: float, end: float) -> ProgressCallback | None:
    """A callback that maps a sub-task's [0, 1] onto ``[start, end]`` of the parent's progress."""
    if progress is None:
        return None

    def sub(stage: str, fraction: float) -> None:
        report(progress, stage, start + (end - start) * fraction)

    return sub
