"""``ask(engine="auto")``: the rules when they are sure, the model otherwise, a hint without one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

import analyst_magics as am
from analyst_magics.config import get_settings
from analyst_magics.nlq import llm
from analyst_magics.nlq.rules import plan

CONFIDENT = "total amount in region north"
UNPARSEABLE = "which customers seem unhappy?"


@pytest.fixture
def orders() -> pd.DataFrame:
    return pd.DataFrame({"customer": ["Ann", "Bob", "Cy", "Di"],
                         "region": ["north", "south", "north", "east"],
                         "notes": ["late again, very annoyed", "fine", "broken box", "great"],
                         "amount": [10.0, 20.0, 5.0, 7.5]})


def test_a_confident_reading_sends_nothing(fake_model: Any, orders: pd.DataFrame) -> None:
    assert plan(orders, CONFIDENT).confident
    answer = am.ask(orders, CONFIDENT)
    assert answer.engine == "rules" and answer.value == pytest.approx(15.0)
    assert fake_model.requests == [] and answer.sent == []


def test_an_unparseable_question_goes_to_the_model(fake_model: Any, orders: pd.DataFrame,
                                                   code_reply: Callable[..., str]) -> None:
    assert not plan(orders, UNPARSEABLE).parsed
    code = "result = df.loc[df['notes'].str.contains('annoyed|broken'), 'customer'].tolist()"
    fake_model.replies = [code_reply(code)]
    answer = am.ask(orders, UNPARSEABLE)
    assert (answer.engine, answer.kind.value, answer.value) == ("llm", "list", ["Ann", "Cy"])
    assert len(fake_model.requests) == 1 and len(answer.sent) == 1
    assert UNPARSEABLE in fake_model.prompts()[0]


def test_without_a_model_the_rules_say_they_cannot_and_how_to_configure_one(
        monkeypatch: pytest.MonkeyPatch, orders: pd.DataFrame) -> None:
    monkeypatch.setenv("ANALYST_LLM_BASE_URL", "")
    get_settings.cache_clear()
    answer = am.ask(orders, UNPARSEABLE)
    get_settings.cache_clear()
    assert answer.kind.value == "error" and answer.code == ""
    assert answer.message.startswith("Cannot answer this offline")
    assert "ANALYST_LLM_BASE_URL" in answer.message and "ANALYST_LLM_MODEL" in answer.message


def test_an_endpoint_failure_is_an_error_answer_not_an_exception(fake_model: Any,
                                                                 orders: pd.DataFrame) -> None:
    fake_model.replies = [(401, {"error": {"message": "bad key"}})]
    answer = am.ask(orders, UNPARSEABLE)
    assert (answer.kind.value, answer.engine) == ("error", "llm")
    assert "rejected the API key (HTTP 401)" in answer.message


def test_the_rules_reading_answers_when_the_endpoint_fails(fake_model: Any,
                                                           orders: pd.DataFrame) -> None:
    fake_model.replies = [(401, {"error": {"message": "bad key"}})]
    answer = llm.answer(orders, CONFIDENT, rules=plan(orders, CONFIDENT))
    assert answer.engine == "rules" and answer.value == pytest.approx(15.0)
    assert answer.warnings[0].startswith("The language model could not be used, so the "
                                         "offline rules answered: ")
