"""Days written out ("between 1 Feb 2024 and 15 April 2024", "since June 1, 2024"), and which
date column a period is about when the table has several: the date of what each row is
("Order Date" in a table of orders), said in a warning."""

from __future__ import annotations

import pandas as pd
import pytest
from nlq_asking import answer, declined, value


def _orders(clean: pd.DataFrame) -> pd.DataFrame:
    return clean[clean["Order ID"] != "Total"]


@pytest.mark.parametrize(("question", "start", "end"), [
    ("How much revenue did we book between 1 Feb 2024 and 15 April 2024?",
     "2024-02-01", "2024-04-15"),
    ("total revenue from March 3, 2024 to April 1st, 2024", "2024-03-03", "2024-04-01"),
    ("what was the revenue between the 1st of January 2024 and 31 January 2024",
     "2024-01-01", "2024-01-31"),
])
def test_a_range_of_days(orders: pd.DataFrame, clean_orders: pd.DataFrame, question: str,
                         start: str, end: str) -> None:
    rows = clean_orders["Order Date"].between(pd.Timestamp(start), pd.Timestamp(end))
    assert value(orders, question) == pytest.approx(clean_orders.loc[rows, "Revenue"].sum())


@pytest.mark.parametrize(("question", "op"), [
    ("how many orders since 1 June 2024?", "ge"),
    ("how many orders were placed before March 5, 2023", "lt"),
])
def test_a_bound_of_days(orders: pd.DataFrame, clean_orders: pd.DataFrame, question: str,
                         op: str) -> None:
    day = pd.Timestamp("2024-06-01" if "June" in question else "2023-03-05")
    dates = clean_orders["Order Date"]
    assert value(orders, question) == int(getattr(dates, op)(day).sum())


def test_a_day_in_the_description_is_written_as_a_day(orders: pd.DataFrame) -> None:
    got = answer(orders, "how many orders since 1 June 2024?")
    assert "2024-06-01" in got.message and "Timestamp(" not in got.message


@pytest.fixture(scope="module")
def shipments() -> pd.DataFrame:
    return pd.DataFrame({
        "Order ID": [f"O{i}" for i in range(8)],
        "Order Date": pd.to_datetime(["2024-02-27", "2024-02-28", "2024-03-01", "2024-03-05",
                                      "2024-03-30", "2024-03-31", "2024-04-01", "2024-04-02"]),
        "Ship Date": pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-03", "2024-03-07",
                                     "2024-04-02", "2024-04-03", "2024-04-03", "2024-04-05"]),
        "amount": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0],
    })


@pytest.mark.parametrize("question", ["total amount in March 2024",
                                      "how much revenue in march 2024?"])
def test_the_date_of_what_each_row_is(shipments: pd.DataFrame, question: str) -> None:
    got = answer(shipments, question)
    march = shipments["Order Date"].dt.month == 3
    assert got.value == shipments.loc[march, "amount"].sum()
    assert any("'Order Date'" in w and "'Ship Date'" in w for w in got.warnings), got.warnings


def test_a_named_date_column_is_taken(shipments: pd.DataFrame) -> None:
    march = shipments["Ship Date"].dt.month == 3
    assert value(shipments, "total amount with a ship date in March 2024") == (
        shipments.loc[march, "amount"].sum())


@pytest.mark.parametrize(("table", "question"), [
    ("orders", "How much did we spend on marketing in 2024?"),
    ("orders", "what is the total revenue for shipping?"),
])
def test_a_measure_narrowed_by_an_unknown_noun_declines(request: pytest.FixtureRequest,
                                                        table: str, question: str) -> None:
    declined(request.getfixturevalue(table), question)


def test_spend_is_money(orders: pd.DataFrame, clean_orders: pd.DataFrame) -> None:
    got = value(orders, "Who are our top 3 customers by total spend?")
    expected = _orders(clean_orders).groupby("Customer")["Revenue"].sum().nlargest(3)
    assert list(got.index) == expected.index.tolist()  # type: ignore[union-attr]
