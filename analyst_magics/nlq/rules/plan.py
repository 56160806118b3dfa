"""The offline question engine: a question becomes an intent, the intent becomes pandas code.

:func:`plan` is deterministic and needs no model: it parses the question against the frame
(:mod:`.parser`) and writes the code (:mod:`.codegen`).
Running the code is left to the caller (the sandbox in :func:`analyst_magics.nlq.engine.ask`),
exactly as for code written by a language model.
"""

from __future__ import annotations

import difflib
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from .codegen import write_code
from .expectation import Expected, expected_answer, intent_mismatch
from .intents import Intent
from .parser import CONFIDENT, parse
from .schema import schema_of

__all__ = ["Plan", "plan", "example_questions", "unmatched_hint", "CONFIDENT"]


class Plan(BaseModel):
    """The rules' reading of a question: the intent, its code, and how sure they are."""

    model_config = ConfigDict(frozen=True)

    question: str
    intent: Intent | None = None
    code: str = ""
    confidence: float = 0.0
    warnings: list[str] = Field(default_factory=list)
    understood: list[str] = Field(default_factory=list)
    unused: list[str] = Field(default_factory=list)
    expected: Expected = Expected.ANY
    problem: str = ""

    @property
    def parsed(self) -> bool:
        return self.intent is not None

    @property
    def confident(self) -> bool:
        """Whether the rules should answer even when a language model is available."""
        return self.parsed and self.confidence >= CONFIDENT


def plan(df: pd.DataFrame, question: str) -> Plan:
    """Parse ``question`` about ``df`` and write the pandas code that answers it.

    Parameters
    ----------
    df : DataFrame
        The data the question is about; only read (types, names, distinct values).
    question : str
        The question, in English.

    Returns
    -------
    Plan
        ``code`` assigns ``result`` from ``df``; when the question cannot be parsed, ``intent``
        is ``None`` and ``problem`` / ``understood`` say why.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"region": ["N", "S", "N"], "revenue": [1.0, 2.0, 3.0]})
    >>> print(plan(df, "average revenue by region").code)
    result = df.groupby("region")["revenue"].mean().sort_values(ascending=False)
    <BLANKLINE>
    """
    parsed = parse(df, question)
    schema = schema_of(df)
    expected = expected_answer(question, schema.column_words, schema.value_words,
                               schema.entity_words)
    problem = parsed.problem if parsed.intent is None else intent_mismatch(
        expected, parsed.intent.kind.value)
    if parsed.intent is None or problem:
        return Plan(question=question, confidence=0.0, warnings=parsed.warnings,
                    understood=parsed.understood, unused=parsed.unused, expected=expected,
                    problem=problem or "")
    code = write_code(parsed.intent, schema)
    return Plan(question=question, intent=parsed.intent, code=code.text,
                confidence=parsed.confidence, warnings=[*code.notes, *parsed.warnings],
                understood=parsed.understood, unused=parsed.unused, expected=expected)


def unmatched_hint(df: pd.DataFrame, words: list[str]) -> str:
    """A sentence naming the question's words that matched no column, with the columns whose
    names come closest: "No column matches 'channel' (closest: 'Channel ID', 'Region')."."""
    schema = schema_of(df)
    labels = [c.label for c in schema.columns]
    by_word = {w: c.label for c in schema.columns for w in c.words}
    shown = []
    for word in dict.fromkeys(w for w in words if len(w) > 2 and not w[0].isdigit()):
        close = difflib.get_close_matches(word.lower(), list(by_word), n=3, cutoff=0.6)
        near = list(dict.fromkeys(by_word[c] for c in close))
        shown.append(f"'{word}'" + (f" (closest: {', '.join(repr(n) for n in near)})"
                                    if near else ""))
    if not shown:
        return ""
    listed = ", ".join(repr(label) for label in labels[:MAX_LISTED]) + (
        ", …" if len(labels) > MAX_LISTED else "")
    return (f"No column or value matches {', '.join(shown)}. The columns are {listed}.")


MAX_LISTED = 12  # columns named in a message


def example_questions(df: pd.DataFrame) -> list[str]:
    """Two questions the rules answer about ``df``, built from its own columns."""
    schema = schema_of(df)
    numbers = [c for c in schema.columns if c.numeric and not c.is_id and c.kind != "bool"]
    groups = [c for c in schema.columns if c.kind == "text" and (c.distinct or 0) <= 50]
    examples: list[str] = []
    if numbers and groups:
        examples.append(f"average {numbers[0].label} by {groups[0].label}")
    if numbers:
        examples.append(f"how many rows have {numbers[-1].label} above {_round(df, numbers[-1])}")
    if not examples and schema.columns:
        examples.append(f"how many distinct values does {schema.columns[0].label} have")
    return examples or ["how many rows are there"]


def _round(df: pd.DataFrame, info: Any) -> str:
    if info.kind != "number":
        return "10"
    median = pd.to_numeric(df[info.name], errors="coerce").median()
    if pd.isna(median):
        return "0"
    return f"{median:.3g}" if abs(median) < 1000 else f"{round(median):,}"
