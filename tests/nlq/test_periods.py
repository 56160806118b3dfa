"""Calendar periods: a month, a quarter, a year, a range of years, weekdays and weekends, and
"which month/weekday had the most X", on tables whose dates are text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from nlq_asking import answer, value


@pytest.mark.parametrize("question", [
    "how many orders in March 2024",
    "How many orders were placed in March 2024?",
    "number of orders in march of 2024",
    "count the orders from Mar 2024",
])
def test_a_month_of_a_year(orders: pd.DataFrame, clean_orders: pd.DataFrame,
                           question: str) -> None:
    date = clean_orders["Order Date"]
    assert value(orders, question) == int(((date.dt.month == 3) & (date.dt.year == 2024)).sum())


@pytest.mark.parametrize("question", [
    "total revenue in Q1 2024",
    "what was the revenue in the first quarter of 2024?",
    "sum of revenue in q1, 2024",
])
def test_a_quarter(orders: pd.DataFrame, clean_orders: pd.DataFrame, question: str) -> None:
    date = clean_orders["Order Date"]
    expected = clean_orders.loc[(date.dt.quarter == 1) & (date.dt.year == 2024), "Revenue"].sum()
    assert np.isclose(value(orders, question), expected)


@pytest.mark.parametrize(("question", "first", "last"), [
    ("how many orders between 2023 and 2024", 2023, 2024),
    ("how many orders from 2024 to 2024?", 2024, 2024),
])
def test_a_range_of_years(orders: pd.DataFrame, clean_orders: pd.DataFrame, question: str,
                          first: int, last: int) -> None:
    year = clean_orders["Order Date"].dt.year
    assert value(orders, question) == int(year.between(first, last).sum())


def test_a_year_on_another_table(staff: pd.DataFrame, clean_staff: pd.DataFrame) -> None:
    hired = clean_staff["Hire Date"]
    assert value(staff, "how many employees were hired in 2019?") == int(
        (hired.dt.year == 2019).sum())
    assert value(staff, "how many people were hired in June 2018") == int(
        ((hired.dt.year == 2018) & (hired.dt.month == 6)).sum())


@pytest.mark.parametrize(("question", "weekend"), [
    ("total revenue on weekends", True),
    ("What is the revenue made during the weekend?", True),
    ("total revenue on weekdays", False),
    ("revenue in total on business days", False),
])
def test_weekends_and_weekdays(orders: pd.DataFrame, clean_orders: pd.DataFrame, question: str,
                               weekend: bool) -> None:
    day = clean_orders["Order Date"].dt.day_of_week
    expected = clean_orders.loc[(day >= 5) == weekend, "Revenue"].sum()
    assert np.isclose(value(orders, question), expected)


def test_one_weekday(orders: pd.DataFrame, clean_orders: pd.DataFrame) -> None:
    day = clean_orders["Order Date"].dt.day_of_week
    assert value(orders, "how many orders on Mondays?") == int((day == 0).sum())
    assert value(orders, "how many orders were placed on a friday") == int((day == 4).sum())


def _best(per_group: pd.Series, smallest: bool = False) -> object:
    """The label with the largest (smallest) value, as text, or all those tied for it."""
    best = per_group[per_group == (per_group.min() if smallest else per_group.max())]
    labels = [str(label) for label in best.index]
    return labels[0] if len(labels) == 1 else labels


def _text(got: object) -> object:
    return [str(g) for g in got] if isinstance(got, list) else str(got)


@pytest.mark.parametrize("question", [
    "which month had the most revenue",
    "What month had the highest total revenue?",
    "the month with the most revenue",
])
def test_the_month_with_the_most(orders: pd.DataFrame, clean_orders: pd.DataFrame,
                                 question: str) -> None:
    per_month = clean_orders.groupby(clean_orders["Order Date"].dt.to_period("M"))[
        "Revenue"].sum()
    assert _text(value(orders, question)) == _best(per_month)


@pytest.mark.parametrize(("question", "smallest"), [
    ("which weekday has the most orders", False),
    ("which weekday had the fewest orders?", True),
])
def test_the_weekday_with_the_most(orders: pd.DataFrame, clean_orders: pd.DataFrame,
                                   question: str, smallest: bool) -> None:
    per_day = clean_orders["Order Date"].dt.day_name().value_counts()
    assert _text(value(orders, question)) == _best(per_day, smallest)


def test_the_year_with_the_most_hires(staff: pd.DataFrame, clean_staff: pd.DataFrame) -> None:
    per_year = clean_staff["Hire Date"].dt.year.value_counts()
    assert _text(value(staff, "which year had the most hires?")) == _best(per_year)


def test_a_period_of_which_date_is_unclear(sessions: pd.DataFrame) -> None:
    """Two date columns and none named: the rules say so rather than pick one."""
    got = answer(sessions, "how many sessions in February 2024?")
    assert got.kind.value == "error" or any("date" in w for w in got.warnings), got


def test_a_period_on_a_named_date_column(sessions: pd.DataFrame,
                                         clean_sessions: pd.DataFrame) -> None:
    started = clean_sessions["Started"]
    assert value(sessions, "how many sessions started in February 2024?") == int(
        ((started.dt.month == 2) & (started.dt.year == 2024)).sum())
