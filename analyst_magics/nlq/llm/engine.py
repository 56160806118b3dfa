"""The LLM engine: a language model writes the pandas code, the sandbox runs it.

:func:`ask_llm` sends the schema and a few masked sample rows (:mod:`.prompt`) to the configured
OpenAI-compatible endpoint (:mod:`.client`), finds the code in the reply (:mod:`.extract`),
runs it in the sandbox under the same policy as the offline engine's code, and on an error sends
the error back once for a repair. The model may add a chart suggestion, validated into a
:class:`~analyst_magics.models.ChartSpec` built from the result. Answers are cached
(:mod:`.cache`); every prompt that left the machine is
kept in ``Answer.sent``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd

from ...config import get_settings
from ...data_utils import content_hash
from ...errors import LLMError, SandboxError
from ...models import Answer, AnswerKind, ChartKind, ChartSpec
from ...pipeline import charts
from ..execute import chart_for, kind_of, plain_value, run_plan
from ..sandbox import run
from .cache import CACHE, AnswerKey
from .client import ChatSession, chat_session, require_configured
from .extract import extract_chart, extract_code
from .prompt import Privacy, build_messages, repair_messages, shown_frame

if TYPE_CHECKING:  # pragma: no cover
    from ..rules import Plan

__all__ = ["answer", "ask_llm", "suggested_chart"]

#: What the model assigns to ``result`` when the table cannot answer the question.
CANNOT_ANSWER = "cannot answer:"
#: Characters of a reply without code quoted back to the user.
MAX_QUOTED_REPLY = 300
#: Rows of a result drawn in a suggested bar or line chart.
MAX_CHART_ROWS = 500
MAX_TITLE_CHARS = 120
_SUGGESTED_KINDS = (ChartKind.BAR, ChartKind.LINE, ChartKind.SCATTER, ChartKind.HISTOGRAM)


def answer(df: pd.DataFrame, question: str, *, timeout: float | None = None,
           rules: Plan | None = None) -> Answer:
    """What :func:`analyst_magics.nlq.engine.ask` calls: :func:`ask_llm`, never raising.

    When the endpoint cannot be used, the answer is ``kind="error"`` with the reason, or, when
    the rules read the question (without being sure), the rules' answer with the reason as a
    warning.
    """
    try:
        return ask_llm(df, question, timeout=timeout)
    except LLMError as exc:
        if rules is not None and rules.parsed:
            fallback = run_plan(df, rules, timeout=timeout)
            fallback.warnings.insert(0, f"The language model could not be used, so the "
                                        f"offline rules answered: {exc}")
            return fallback
        return _error(question, str(exc), "", [])


def ask_llm(df: pd.DataFrame, question: str, *, name: str | None = None,
            privacy: Privacy | None = None, timeout: float | None = None) -> Answer:
    """Answer ``question`` about ``df`` with code written by the configured language model.

    Parameters
    ----------
    df : DataFrame
        The data; never modified. The model's code runs on it in the sandbox, under the column
        names the prompt showed (masked names included).
    question : str
        The question; it reaches the model as data inside a JSON document.
    name : str, optional
        Dataset name shown to the model; defaults to ``df.attrs["name"]``.
    privacy : {"schema", "masked", "full"}, optional
        What the prompt carries; default ``ANALYST_LLM_PRIVACY``.
    timeout : float, optional
        Seconds the model's code may run; default ``ANALYST_SANDBOX_TIMEOUT_S``.

    Returns
    -------
    Answer
        ``engine="llm"``, the code that ran, every prompt sent in ``sent``. A reply without
        code, or code that fails even after one repair, gives ``kind="error"`` with the reason
        (and the failing code in ``code``).

    Raises
    ------
    LLMError
        No model is configured, or the endpoint cannot be used (wrong key, unreachable, unknown
        model, timeout, persistent rate limiting or server errors): the message says what to set.
    """
    settings = get_settings()
    require_configured(settings)
    privacy = privacy or settings.llm_privacy
    key = AnswerKey(content_hash(df), name, question, settings.llm_model.strip(),
               settings.llm_base_url.strip(), privacy)
    cached = CACHE.get(key)
    if cached is not None:
        cached.warnings.append("Answered from the cache (same data, question and model): "
                               "nothing was sent this time.")
        return cached
    view = shown_frame(df, privacy=privacy)
    with chat_session(settings) as chat:
        result = _converse(chat, _Task(view, question, privacy, timeout),
                           build_messages(view, question, privacy=privacy, name=name))
    result.code = _shown_code(result.code, df, view)
    if result.kind != AnswerKind.ERROR:
        CACHE.put(key, result)
    return result


class _Task(NamedTuple):
    frame: pd.DataFrame
    question: str
    privacy: Privacy
    timeout: float | None


def _converse(chat: ChatSession, task: _Task, messages: list[dict[str, str]]) -> Answer:
    """Ask, run, and on a sandbox error ask once more with the error."""
    sent: list[dict[str, Any]] = []
    code, reply, error = "", "", None
    for attempt in range(2):
        if attempt:
            messages = repair_messages(messages, reply, str(error), privacy=task.privacy)
        sent.append({"url": chat.url, "model": chat.model, "messages": copy.deepcopy(messages)})
        reply = chat.complete(messages)
        new_code = extract_code(reply)
        if new_code is None:
            return _no_code(task.question, reply, code, sent)
        code = new_code
        try:
            value = run(code, task.frame, timeout=task.timeout)
        except SandboxError as exc:
            error = exc
            continue
        return _finish(task.question, plain_value(value), code, reply, sent)
    reason = str(error).strip().rstrip(".")
    return _error(task.question, f"The model's code failed twice: {reason}. Here is the code it "
                                 "wrote; fix it by hand, or rephrase the question.", code, sent)


def _finish(question: str, value: Any, code: str, reply: str,
            sent: list[dict[str, Any]]) -> Answer:
    if isinstance(value, str) and value.strip().lower().startswith(CANNOT_ANSWER):
        return _error(question, f"The model says: {value.strip()}", code, sent)
    if value is None:
        return _error(question, "The model's code ran but gave no value (result is None or "
                                "missing); rephrase the question.", code, sent)
    kind = kind_of(value)
    result = Answer(question=question, value=value, kind=kind, code=code, engine="llm",
                    chart=chart_for(value, question) if kind == AnswerKind.TABLE else None,
                    sent=sent)
    suggestion, problem = extract_chart(reply)
    if suggestion is not None:
        chart, problem = suggested_chart(suggestion, value)
        result.chart = chart or result.chart
    if problem:
        result.warnings.append(f"The model's chart suggestion was dropped: {problem}.")
    return result


def _no_code(question: str, reply: str, code: str, sent: list[dict[str, Any]]) -> Answer:
    quoted = " ".join(reply.split())
    if len(quoted) > MAX_QUOTED_REPLY:
        quoted = quoted[:MAX_QUOTED_REPLY] + "…"
    said = f"it replied: “{quoted}”" if quoted else "its reply was empty"
    when = "after its code failed" if code else "for this question"
    return _error(question, f"The model did not write code {when}; {said}. Rephrase the "
                            "question, or use the offline engine (engine='rules').", code, sent)


def _error(question: str, message: str, code: str, sent: list[dict[str, Any]]) -> Answer:
    return Answer(question=question, kind=AnswerKind.ERROR, engine="llm", message=message,
                  code=code, sent=sent)


# --------------------------------------------------------------------------- charts


def suggested_chart(suggestion: dict[str, Any], value: Any) -> tuple[ChartSpec | None, str | None]:
    """The model's chart suggestion as a :class:`ChartSpec` drawn from ``value``, or why not.

    ``x`` and ``y`` must name columns of the result as a table (``reset_index()``); a missing
    one defaults to the first (``x``) or last (``y``) column.
    """
    if not isinstance(value, pd.Series | pd.DataFrame) or value.empty:
        return None, f"the result is a {type(value).__name__}, not a table to draw"
    table = value.reset_index() if isinstance(value, pd.Series) or not isinstance(
        value.index, pd.RangeIndex) else value
    table = table.set_axis([str(c) for c in table.columns], axis=1)
    kind = str(suggestion.get("kind", "")).lower()
    if kind not in _SUGGESTED_KINDS:
        return None, (f"kind {suggestion.get('kind')!r} is not one of "
                      f"{', '.join(k.value for k in _SUGGESTED_KINDS)}")
    x = _axis(suggestion.get("x"), table, table.columns[0])
    y = _axis(suggestion.get("y"), table, table.columns[-1])
    if x is None or y is None:
        missing = [str(suggestion.get(k)) for k in ("x", "y")
                   if suggestion.get(k) is not None and str(suggestion.get(k)) not in table]
        return None, (f"{', '.join(missing)} is not a column of the result (columns: "
                      f"{', '.join(table.columns)})")
    title = str(suggestion.get("title") or f"{y} by {x}")[:MAX_TITLE_CHARS]
    try:
        chart = _BUILDERS[ChartKind(kind)](table, x, y, title)
    except (TypeError, ValueError) as exc:
        return None, f"a {kind} chart of {x!r} and {y!r} cannot be drawn ({exc})"
    if chart is None:
        return None, f"a {kind} chart of {x!r} and {y!r} has nothing to draw"
    return chart, None


def _axis(named: Any, table: pd.DataFrame, default: str) -> str | None:
    if named is None:
        return default
    return str(named) if str(named) in table.columns else None


_BUILDERS: dict[ChartKind, Callable[[pd.DataFrame, str, str, str], ChartSpec | None]] = {
    ChartKind.BAR: lambda t, x, y, title: charts.bar_chart(
        t.head(MAX_CHART_ROWS).set_index(x)[y], x=x, y=y, title=title),
    ChartKind.LINE: lambda t, x, y, title: charts.line_chart(
        t.head(MAX_CHART_ROWS), x=x, y=y, title=title),
    ChartKind.SCATTER: lambda t, x, y, title: charts.scatter_chart(t, x, y, title=title),
    ChartKind.HISTOGRAM: lambda t, x, y, title: charts.histogram_chart(t[x], column=x,
                                                                       title=title),
}


def _shown_code(code: str, df: pd.DataFrame, view: pd.DataFrame) -> str:
    """The code, preceded by the renaming that makes it run on ``df`` when names were masked."""
    if view is df or not code:
        return code
    if df.columns.is_unique:
        renamed = {old: new for old, new in zip(df.columns, view.columns, strict=True)
                   if old != new}
        header = f"df = df.rename(columns={renamed!r})"
    else:
        header = f"df = df.set_axis({list(view.columns)!r}, axis=1)"
    return f"{header}  # the column names the model was shown\n{code}"

