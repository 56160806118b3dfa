"""Harnesses for the sandbox probes: the policy layer alone (in this process) and both layers.

``policy_only`` compiles and runs code under the guards here, with no isolation at all, so a
probe it refuses is stopped by the policy on its own. ``sandboxed`` is :func:`run`, the whole
sandbox. A probe written for a class of attack runs through both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

from analyst_magics.errors import SandboxError
from analyst_magics.nlq.sandbox import guards, run, timezones
from analyst_magics.nlq.sandbox.facades import namespace
from analyst_magics.nlq.sandbox.policy import compile_analysis

Runner = Callable[..., Any]


def _policy_only(code: str, frames: pd.DataFrame | dict[str, pd.DataFrame]) -> Any:
    bound = {"df": frames} if isinstance(frames, pd.DataFrame) else frames
    guards.REFUSALS.clear()
    scope = namespace({name: frame.copy() for name, frame in bound.items()})
    try:
        exec(compile_analysis(code), scope)  # noqa: S102 - the policy layer under test
    except SandboxError:
        raise
    except Exception as exc:
        if not guards.REFUSALS:
            raise SandboxError(f"{type(exc).__name__}: {exc}", kind="runtime") from exc
    finally:
        refusals = list(guards.REFUSALS)
        guards.REFUSALS.clear()
    if refusals:
        raise SandboxError(refusals[0], kind="policy")
    return scope.get("result")


@pytest.fixture
def policy_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[Runner]:
    """Run code under the policy layer only, in this process (time zones as in a worker)."""
    from pandas._libs.tslibs import timezones as pandas_zones

    monkeypatch.setattr(pandas_zones, "dateutil_gettz", pandas_zones.dateutil_gettz)
    timezones.install()
    yield _policy_only


@pytest.fixture
def sandboxed() -> Runner:
    """Run code through the whole sandbox (policy and isolation)."""
    return lambda code, frames: run(code, frames, timeout=10, memory_mb=1024)


@pytest.fixture(params=["policy_only", "sandboxed"])
def layers(request: pytest.FixtureRequest) -> Runner:
    """Each probe once under the policy alone and once through the whole sandbox."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def probe_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "region": ["N", "S", "N", "W"], "units": [1, 2, 3, 4],
        "unit price": [2.5, 1.0, 4.0, 3.0],
        "when": pd.date_range("2024-01-30", periods=4, freq="D"),
        "code": np.array(["a`b", "x", "y", "z"], dtype=object)})
