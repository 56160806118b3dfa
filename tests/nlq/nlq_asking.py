"""How the question-engine tests ask: the offline engine only, and a clear failure message
when it declines a question it should answer (or answers one it should decline)."""

from __future__ import annotations

import pandas as pd

from analyst_magics.models import Answer
from analyst_magics.nlq.engine import ask


def answer(df: pd.DataFrame, question: str) -> Answer:
    """The offline engine's answer (never a model)."""
    return ask(df, question, engine="rules")


def value(df: pd.DataFrame, question: str) -> object:
    """The value answered, failing with the engine's message when it declined."""
    got = answer(df, question)
    assert got.kind.value != "error", f"{question!r} was declined: {got.message}"
    return got.value


def declined(df: pd.DataFrame, question: str) -> Answer:
    got = answer(df, question)
    assert got.kind.value == "error", (f"{question!r} should be declined, got {got.value!r} "
                                       f"({got.message})")
    return got
