"""The kind of answer a question asks for, read from its wording, and the check of a result
against it (several wordings per kind; no table needed)."""

from __future__ import annotations

import pandas as pd
import pytest

from analyst_magics.nlq.engine import ask
from analyst_magics.nlq.rules.expectation import Expected, expected_answer, mismatch


@pytest.mark.parametrize(("question", "kind"), [
    ("Is the oldest customer from Spain?", Expected.BOOLEAN),
    ("does the cheapest product sell more than 10 units", Expected.BOOLEAN),
    ("Were there any refunds in March?", Expected.BOOLEAN),
    ("so, has any order shipped late?", Expected.BOOLEAN),
    ("did Lhotse or Makalu have more climbers?", Expected.CHOICE),
    ("is the north region bigger or smaller than the south?", Expected.CHOICE),
    ("how many orders were returned?", Expected.COUNT),
    ("What is the total number of stores?", Expected.COUNT),
    ("number of customers in Lyon", Expected.COUNT),
    ("what is the average price?", Expected.NUMBER),
    ("how much revenue came from online sales", Expected.NUMBER),
    ("What percentage of tickets were closed?", Expected.NUMBER),
    ("which city has the most stores?", Expected.LABEL),
    ("who sold the most units", Expected.LABEL),
    ("what store had the lowest margin?", Expected.LABEL),
    ("for which client did we ship the most boxes?", Expected.LABEL),
    ("the player with the most goals", Expected.LABEL),
    ("what percentage had a discount?", Expected.NUMBER),
    ("list the products that cost more than 5", Expected.SEVERAL),
    ("what are the top 3 regions by revenue", Expected.SEVERAL),
    ("which 5 customers spent the most?", Expected.SEVERAL),
    ("average revenue by region", Expected.TABLE),
    ("total sales per month", Expected.TABLE),
    ("what is the mean salary for each department", Expected.TABLE),
    ("the distribution of ages", Expected.TABLE),
    ("number of orders by region", Expected.TABLE),
    ("how many customers per country?", Expected.TABLE),
    ("count of tickets for each priority", Expected.TABLE),
    ("revenue", Expected.ANY),
])
def test_expected_kind_from_wording(question: str, kind: Expected) -> None:
    assert expected_answer(question) is kind


@pytest.mark.parametrize("question", [
    "what was the total time run by France?",
    "what is the mean fare paid by the passengers?",
    "what is the total of the medals won by Qatar?",
    "how many medals were won by Qatar?",
    "how many outliers are there in the fare paid by passengers?",
    "how many games were attended by at least 8,000 people?",
    "what is the total number of matches played by brazilians?",
])
def test_by_an_agent_does_not_ask_for_groups(question: str) -> None:
    columns = {"nation", "time", "fare", "medals", "total"}
    assert expected_answer(question, columns, {"france", "qatar"}) in (Expected.NUMBER,
                                                                       Expected.COUNT)


@pytest.mark.parametrize("question", [
    "total sales grouped by region", "revenue broken down by channel",
    "the average fare paid by each passenger class", "units sold by every store",
])
def test_explicit_groupings_ask_for_groups(question: str) -> None:
    columns = {"sales", "region", "revenue", "fare", "passenger", "class", "units", "store"}
    assert expected_answer(question, columns, {"lyon"}) is Expected.TABLE


def test_by_something_the_table_lacks_asks_for_groups() -> None:
    assert expected_answer("average revenue by channel", {"revenue", "city"},
                           {"lyon"}) is Expected.TABLE


def test_sentences_that_disagree_expect_nothing_in_particular() -> None:
    question = "Is there a correlation between age and fare? Give the Pearson coefficient."
    assert expected_answer(question) is Expected.ANY


@pytest.mark.parametrize(("expected", "value", "fits"), [
    (Expected.BOOLEAN, True, True),
    (Expected.BOOLEAN, 3, False),
    (Expected.COUNT, 12, True),
    (Expected.COUNT, 12.5, False),
    (Expected.COUNT, pd.Series([1, 2], index=["a", "b"]), False),
    (Expected.NUMBER, 0.25, True),
    (Expected.NUMBER, "3:04.39", True),
    (Expected.NUMBER, ["a", "b"], False),
    (Expected.LABEL, "Lyon", True),
    (Expected.LABEL, False, False),
    (Expected.CHOICE, True, False),
    (Expected.CHOICE, "Lhotse", True),
    (Expected.TABLE, pd.Series([1.0, 2.0], index=["N", "S"]), True),
    (Expected.TABLE, 4.5, False),
])
def test_values_checked_against_the_expected_kind(expected: Expected, value: object,
                                                  fits: bool) -> None:
    assert (mismatch(expected, value) is None) is fits


@pytest.fixture
def shops() -> pd.DataFrame:
    return pd.DataFrame({"city": ["Lyon", "Lyon", "Nice", "Paris"],
                         "revenue": [10.0, 20.0, 5.0, 40.0],
                         "staff": [3, 4, 2, 6]})


@pytest.mark.parametrize("question", [
    "average revenue by sales channel",
    "is revenue in Lyon higher or lower than in Nice?",
])
def test_answers_of_the_wrong_kind_are_declined(shops: pd.DataFrame, question: str) -> None:
    answer = ask(shops, question, engine="rules")
    assert answer.kind.value == "error", answer
    assert "asks for" in answer.message or "Cannot answer" in answer.message


def test_answers_of_the_right_kind_still_come(shops: pd.DataFrame) -> None:
    assert ask(shops, "how many shops are in Lyon?", engine="rules").value == 2
    table = ask(shops, "total revenue by city", engine="rules").value
    assert table.to_dict() == {"Paris": 40.0, "Lyon": 30.0, "Nice": 5.0}


def test_each_and_every_before_a_noun_ask_for_groups() -> None:
    columns = {"hire", "date", "sales", "region"}
    assert expected_answer("how many employees were hired each year?", columns) is Expected.TABLE
    assert expected_answer("total sales every month", columns) is Expected.TABLE


def test_every_row_is_not_a_grouping() -> None:
    assert expected_answer("how many rows are left after deleting every row with a missing "
                           "value in the cabin column?") is Expected.COUNT
