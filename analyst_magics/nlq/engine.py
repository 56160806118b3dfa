"""``ask(df, question)``: one answer, with the pandas code that produced it.

Routing (``engine="auto"``): the offline rules answer when they read the question confidently;
otherwise a configured language model does (:mod:`analyst_magics.nlq.llm`, through
:func:`answer_with_llm`); with no model configured, the rules answer anyway with their
assumptions listed, or say plainly that they cannot, what they understood, and which
questions would work. Code from either engine runs in the sandbox, and the code shown is the
code that ran.
"""

from __future__ import annotations

import pandas as pd

from ..config import get_settings
from ..errors import QuestionError
from ..models import Answer, Engine
from ..validation import require_frame
from .execute import error_answer, run_plan
from .rules import Plan, example_questions, plan, unmatched_hint
from .rules.parser import ANSWER_FLOOR

__all__ = ["ask", "ENGINES", "answer_with_llm"]

#: The engines ``ask`` accepts, as text (the values of :class:`~analyst_magics.models.Engine`).
ENGINES = tuple(e.value for e in Engine)
LLM_SETUP = ("set ANALYST_LLM_BASE_URL (an OpenAI-compatible endpoint such as "
             "https://api.openai.com/v1 or http://localhost:11434/v1 for Ollama), "
             "ANALYST_LLM_MODEL and, if the endpoint needs one, ANALYST_LLM_API_KEY")


def ask(df: pd.DataFrame, question: str, *, engine: str = "auto",
        timeout: float | None = None) -> Answer:
    """Answer a question about ``df`` with a value, its pandas code and a chart.

    Parameters
    ----------
    df : DataFrame
        The data; never modified.
    question : str
        An analyst's question in English, e.g. ``"average revenue by region, top 5"``.
    engine : {"auto", "rules", "llm"}
        ``"rules"``: the offline engine only. ``"llm"``: the configured language model only.
        ``"auto"``: the rules when they read the question confidently, else the model when one
        is configured, else the rules' best reading.
    timeout : float, optional
        Seconds the generated code may run; default ``ANALYST_SANDBOX_TIMEOUT_S``.

    Returns
    -------
    Answer
        ``kind="error"`` (never an exception) for an empty, too long or unanswerable question;
        its ``message`` says what was understood and gives questions that would work.

    Raises
    ------
    DataLoadError
        ``df`` is not a DataFrame.
    QuestionError
        ``question`` is not a string, or ``engine`` is not one of :data:`ENGINES`.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"region": ["N", "S", "N"], "revenue": [1.0, 2.0, 3.0]})
    >>> answer = ask(df, "total revenue in region N", engine="rules")
    >>> answer.value, answer.kind.value
    (4.0, 'number')
    """
    df = require_frame(df, "ask")
    answer = _answer(df, question, engine, timeout)
    return answer.model_copy(update={"data": f"the table as given, {len(df):,} rows × "
                                             f"{df.shape[1]:,} columns"})


def _answer(df: pd.DataFrame, question: str, engine: str, timeout: float | None) -> Answer:
    if engine not in ENGINES:
        raise QuestionError(f"ask() engine must be one of {', '.join(ENGINES)}; got {engine!r}.")
    if not isinstance(question, str):
        raise QuestionError(f"ask() takes the question as a string, got "
                            f"{type(question).__name__}.")
    text = " ".join(question.split())
    refused = _refuse(df, question, text)
    if refused is not None:
        return refused
    settings = get_settings()
    if engine == "llm":
        if not settings.llm_configured:
            return error_answer(question, f"No language model is configured; {LLM_SETUP}. Or "
                                          "ask with engine='rules' (offline).", engine="none")
        return answer_with_llm(df, text, timeout=timeout, rules=None)
    reading = plan(df, text)
    if engine == "auto" and not reading.confident and settings.llm_configured:
        return answer_with_llm(df, text, timeout=timeout, rules=reading)
    if not reading.parsed:
        return _cannot_answer(df, question, reading, llm=settings.llm_configured)
    if reading.intent is not None and reading.confidence < ANSWER_FLOOR:
        unsure = reading.model_copy(update={
            "problem": f"the rules could not read enough of the question to answer it "
                       f"(confidence {reading.confidence:.2f}; they would have computed "
                       f"{reading.intent.describe()})"})
        return _cannot_answer(df, question, unsure, llm=settings.llm_configured)
    return run_plan(df, reading, timeout=timeout)


def _refuse(df: pd.DataFrame, question: str, text: str) -> Answer | None:
    if not text:
        examples = " or ".join(f"'{q}'" for q in example_questions(df))
        return error_answer(question, f"The question is empty. Ask about the table's columns, "
                                      f"for example {examples}.", engine="none")
    limit = get_settings().max_question_chars
    if len(text) > limit:
        return error_answer(question, f"The question has {len(text):,} characters; the limit "
                                      f"is {limit:,} (ANALYST_MAX_QUESTION_CHARS). Ask a "
                                      "shorter question, or one question at a time.",
                            engine="none")
    return None


def answer_with_llm(df: pd.DataFrame, question: str, *, timeout: float | None,
                    rules: Plan | None) -> Answer:
    """The language-model engine's answer (:func:`analyst_magics.nlq.llm.answer`, imported
    only when a model is asked); ``rules`` is the rules' reading (or ``None``), which it may use
    as a hint or fall back to."""
    from . import llm

    return llm.answer(df, question, timeout=timeout, rules=rules)


def _cannot_answer(df: pd.DataFrame, question: str, reading: Plan, *, llm: bool) -> Answer:
    understood = "; ".join(reading.understood) or "nothing I can compute with"
    examples = " or ".join(f"'{q}'" for q in example_questions(df))
    unmatched = unmatched_hint(df, reading.unused)
    hint = "" if llm else f" A language model can take freer questions: {LLM_SETUP}."
    return error_answer(question, f"Cannot answer this offline: {reading.problem}. "
                                  f"{unmatched + ' ' if unmatched else ''}Understood: "
                                  f"{understood}. Questions that work look like {examples}.{hint}",
                        warnings=reading.warnings)
