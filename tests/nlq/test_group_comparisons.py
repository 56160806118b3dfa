"""Two groups compared: the aggregate of each, their difference, and yes/no questions about
which is larger, in several wordings on two tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from nlq_asking import answer, declined, value


def _means(df: pd.DataFrame, by: str, measure: str, groups: list[str]) -> dict[str, float]:
    return df[df[by].isin(groups)].groupby(by)[measure].mean().to_dict()


@pytest.mark.parametrize("question", [
    "compare mean revenue of men and women",
    "average revenue for men vs women",
    "what is the mean revenue of male and female customers respectively?",
])
def test_the_aggregate_of_each_group(orders: pd.DataFrame, clean_orders: pd.DataFrame,
                                     question: str) -> None:
    got = value(orders, question)
    expected = _means(clean_orders, "Gender", "Revenue", ["Male", "Female"])
    assert isinstance(got, pd.Series), got
    assert got.to_dict() == pytest.approx(expected)


def test_the_aggregate_of_each_group_on_staff(staff: pd.DataFrame,
                                              clean_staff: pd.DataFrame) -> None:
    got = value(staff, "compare the average salary of Sales and Engineering")
    expected = _means(clean_staff, "Department", "Salary", ["Sales", "Engineering"])
    assert got.to_dict() == pytest.approx(expected)


def test_a_total_of_named_groups_stays_one_number(orders: pd.DataFrame,
                                                  clean_orders: pd.DataFrame) -> None:
    expected = clean_orders.loc[clean_orders["Region"].isin(["North", "South"]), "Revenue"].sum()
    assert np.isclose(value(orders, "total revenue of North and South"), expected)


@pytest.mark.parametrize("question", [
    "difference between the mean revenue of men and women",
    "what is the difference in average revenue between women and men?",
])
def test_the_difference_of_two_groups(orders: pd.DataFrame, clean_orders: pd.DataFrame,
                                      question: str) -> None:
    means = _means(clean_orders, "Gender", "Revenue", ["Male", "Female"])
    assert np.isclose(value(orders, question), abs(means["Female"] - means["Male"]))


@pytest.mark.parametrize("question", [
    "is the average revenue of women higher than that of men?",
    "do women have a higher average revenue than men",
])
def test_yes_or_no_which_group_is_larger(orders: pd.DataFrame, clean_orders: pd.DataFrame,
                                         question: str) -> None:
    means = _means(clean_orders, "Gender", "Revenue", ["Male", "Female"])
    assert value(orders, question) is bool(means["Female"] > means["Male"])


def test_yes_or_no_on_staff(staff: pd.DataFrame, clean_staff: pd.DataFrame) -> None:
    means = _means(clean_staff, "Gender", "Salary", ["M", "F"])
    assert value(staff, "do women earn a higher average salary than men?") is bool(
        means["F"] > means["M"])


def test_more_rows_of_one_value_than_another(orders: pd.DataFrame,
                                             clean_orders: pd.DataFrame) -> None:
    counts = clean_orders["Status"].value_counts()
    assert value(orders, "are there more returned orders than cancelled ones?") is bool(
        counts["Returned"] > counts["Cancelled"])


def test_a_comparison_of_a_quantity_the_table_lacks_is_declined(orders: pd.DataFrame) -> None:
    """'tip' names no column: counting the women and the men would answer another question."""
    declined(orders, "do women tip more than men on average?")


def test_spending_is_the_revenue_of_orders(orders: pd.DataFrame,
                                           clean_orders: pd.DataFrame) -> None:
    means = _means(clean_orders, "Gender", "Revenue", ["Female", "Male"])
    assert value(orders, "do women spend more than men on average?") is bool(
        means["Female"] > means["Male"])


def test_or_between_the_values_is_one_group(orders: pd.DataFrame,
                                            clean_orders: pd.DataFrame) -> None:
    expected = clean_orders.loc[clean_orders["Region"].isin(["North", "South"]), "Revenue"].mean()
    assert np.isclose(value(orders, "average revenue of North or South"), expected)
    assert answer(orders, "average revenue of North or South").kind.value == "number"
