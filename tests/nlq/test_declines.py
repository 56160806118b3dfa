"""Questions the rules must decline: a column that does not exist, a quantity no column holds,
a word that changes the question left unread. The decline names what it did not find and the
columns there are."""

from __future__ import annotations

import pandas as pd
import pytest
from nlq_asking import declined

MISSING = [
    ("orders", "average revenue by sales channel", "channel"),
    ("orders", "how many orders by browser", None),
    ("orders", "who is the store manager of the north region", None),
    ("orders", "which customer has the highest lifetime value", None),
    ("orders", "total profit by region", None),
    ("orders", "what is the average?", None),
    ("sessions", "how many sessions used Chrome?", None),
    ("sessions", "what share of sessions came from Firefox", "Firefox"),
    ("sessions", "average bounce rate by country", None),
    ("staff", "who is the manager of sales", None),
    ("staff", "what is the average bonus", None),
    ("staff", "how many employees work remotely", None),
]


@pytest.mark.parametrize(("table", "question", "named"), MISSING,
                         ids=[q for _, q, _ in MISSING])
def test_questions_about_what_the_table_lacks_are_declined(
        request: pytest.FixtureRequest, table: str, question: str, named: str | None) -> None:
    df: pd.DataFrame = request.getfixturevalue(table)
    got = declined(df, question)
    assert "Cannot answer" in got.message
    if named is not None:  # the word that matched nothing, and the columns there are
        assert f"'{named}'" in got.message and "The columns are" in got.message, got.message


@pytest.mark.parametrize("question", [
    "how many consecutive orders were returned?",
    "what was the revenue of the order after SO-10010?",
    "how many orders had the same product as SO-10003?",
])
def test_unread_operators_decline(orders: pd.DataFrame, question: str) -> None:
    declined(orders, question)


@pytest.mark.parametrize("question", [
    "what is the average resolution time?",
    "What's the average first response time in minutes?",
])
def test_a_modifier_that_names_another_column_declines(sessions: pd.DataFrame,
                                                       question: str) -> None:
    """The sessions have a Duration, not a resolution or response time."""
    renamed = sessions.rename(columns={"Duration": "Session Time"})
    declined(renamed, question)


def test_a_near_column_is_suggested(orders: pd.DataFrame) -> None:
    got = declined(orders, "average revenue by regoin manager")
    assert "Region" in got.message, got.message
