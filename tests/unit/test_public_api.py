"""Every public function rejects bad input with an AnalystError that says what to do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

import analyst_magics as am
from analyst_magics.errors import AnalystError

FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "clean": am.clean,
    "profile": am.profile,
    "insights": am.insights,
    "analyze": am.analyze,
}
NOT_FRAMES = [None, [1, 2], {"a": [1]}, "data.csv", pd.Series([1, 2], name="s")]


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("value", NOT_FRAMES, ids=lambda v: type(v).__name__)
def test_non_frames_are_refused_readably(name: str, value: Any) -> None:
    with pytest.raises(AnalystError, match=rf"{name}\(\) takes a pandas DataFrame, got "):
        FUNCTIONS[name](value)


def test_public_names_resolve() -> None:
    for name in am.__all__:
        assert getattr(am, name) is not None
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        am.nope  # noqa: B018
