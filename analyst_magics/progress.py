"""Progress reporting shared by long engine functions.

A progress callback takes ``(stage, fraction)`` with ``fraction`` in [0, 1]. The faces decide how to
show it (a bar in a notebook, a line on a terminal, WebSocket events on the server);
:class:`ProgressLine` is the text display the command line and a widget-less notebook share.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

__all__ = ["ProgressCallback", "ProgressLine", "report", "scaled"]

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


class ProgressLine:
    """A one-line progress display on a terminal; one line per stage when not a terminal."""

    WIDTH = 24

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last_stage = ""

    def __call__(self, stage: str, fraction: float) -> None:
        if self.tty:
            filled = int(self.WIDTH * fraction)
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.stream.write(f"\r[{bar}] {fraction:4.0%} {stage[:50]:<50}")
            self.stream.flush()
        elif stage.split(":")[0] != self.last_stage:
            self.last_stage = stage.split(":")[0]
            self.stream.write(f"{fraction:4.0%} {stage}\n")
            self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
