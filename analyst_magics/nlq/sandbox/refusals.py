"""Policy refusals of the current run, recorded so that code which catches one still fails.

Every guard raises through :func:`refuse`. The worker runs each call in a fresh process, and
the runner reports the first refusal recorded, whatever the code did with the exception.
"""

from __future__ import annotations

from typing import NoReturn

from ...errors import SandboxError

__all__ = ["REFUSALS", "refuse"]

#: Refusals of the current run (the worker runs each call in a fresh process).
REFUSALS: list[str] = []


def refuse(message: str) -> NoReturn:
    """Record and raise a policy refusal."""
    REFUSALS.append(message)
    raise SandboxError(message, kind="policy")
