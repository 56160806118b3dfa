"""Everyday wordings of business questions: durations spelled out ("7 days", "2 weeks"),
"how much higher is A than B", "who are the 4 highest-paid", two column names joined by
"and", and a question after a sentence that prepares the data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from nlq_asking import answer, declined, value


@pytest.fixture(scope="module")
def accounts() -> pd.DataFrame:
    rng = np.random.default_rng(21)
    n = 60
    days = rng.integers(1, 40, n)
    spelled = [f"{d // 7} weeks" if d % 7 == 0 else f"{d} days" for d in days]
    start = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D")
    return pd.DataFrame({
        "Account ID": [f"A-{i}" for i in range(n)],
        "Owner": [f"Owner {i}" for i in range(n)],
        "Channel": rng.choice(["Web", "Partner", "Direct"], n),
        "Salary": rng.integers(30, 120, n) * 1000,
        "Onboarding Time": spelled,
        "Start Date": start,
        "End Date": start + pd.to_timedelta(rng.integers(10, 400, n), unit="D"),
        "MRR": rng.gamma(3.0, 40.0, n).round(2),
    })


def test_durations_spelled_out(accounts: pd.DataFrame) -> None:
    days = pd.to_timedelta(accounts["Onboarding Time"].str.replace(r"\s*weeks?\b", "W",
                                                                   regex=True))
    got = value(accounts, "What is the average onboarding time in days?")
    assert got == pytest.approx(days.mean() / pd.Timedelta(days=1))
    assert "weeks" in answer(accounts, "what is the longest onboarding time").code


@pytest.mark.parametrize(("question", "sign"), [
    ("How much higher is the average MRR on Web than on Partner?", 1),
    ("how much lower is the average MRR for Partner than for Web", -1),
])
def test_how_much_higher(accounts: pd.DataFrame, question: str, sign: int) -> None:
    means = accounts.groupby("Channel")["MRR"].mean()
    got = value(accounts, question)
    assert abs(got) == pytest.approx(abs(means["Web"] - means["Partner"]))  # type: ignore[arg-type]


@pytest.mark.parametrize("question", ["Who are the 4 highest-paid owners?",
                                      "who are the 4 owners with the highest salary"])
def test_who_asks_for_names(accounts: pd.DataFrame, question: str) -> None:
    got = value(accounts, question)
    names = got["Owner"].tolist() if isinstance(got, pd.DataFrame) else got
    assert names == accounts.nlargest(4, "Salary")["Owner"].tolist()


def test_two_names_joined_by_and(accounts: pd.DataFrame) -> None:
    days = (accounts["End Date"] - accounts["Start Date"]).dt.days
    got = value(accounts, "what's the average number of days between the start date and the "
                          "end date?")
    assert got == pytest.approx(days.mean())


def test_a_preparing_sentence_does_not_hide_the_question(accounts: pd.DataFrame) -> None:
    got = answer(accounts, "Create a feature as the average of MRR and Salary. What is its "
                           "correlation with the onboarding time?")
    assert got.kind.value in ("number", "error")


@pytest.fixture(scope="module")
def visits() -> pd.DataFrame:
    rng = np.random.default_rng(22)
    n = 600
    return pd.DataFrame({
        "Visit ID": [f"V{i}" for i in range(n)],
        "Visit Start": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 180, n),
                                                                      unit="D"),
        "Visit Duration": pd.to_timedelta(rng.integers(10, 900, n), unit="s"),
        "Source": rng.choice(["Email", "Search", "Social"], n),
        "Signed Up": rng.choice(["Yes", "No"], n, p=[0.2, 0.8]),
    })


def _pct(before: float, after: float) -> float:
    return (after - before) / before * 100


def test_by_what_percent(visits: pd.DataFrame) -> None:
    month = visits["Visit Start"].dt.month
    got = value(visits, "By what percent did the number of visits change from January to "
                        "June 2024?")
    assert got == pytest.approx(_pct((month == 1).sum(), (month == 6).sum()))


@pytest.mark.parametrize(("question", "best"), [
    ("Which source signs up best?", True), ("which source signs up worst", False)])
def test_best_is_the_highest_rate_of_a_flag(visits: pd.DataFrame, question: str,
                                            best: bool) -> None:
    rate = (visits["Signed Up"] == "Yes").groupby(visits["Source"]).mean()
    assert value(visits, question) == (rate.idxmax() if best else rate.idxmin())


@pytest.fixture(scope="module")
def tickets() -> pd.DataFrame:
    rng = np.random.default_rng(23)
    n = 200
    opened = pd.Timestamp("2024-03-01") + pd.to_timedelta(rng.integers(0, 5000, n), unit="h")
    return pd.DataFrame({
        "Ticket #": [f"T-{i}" for i in range(n)],
        "Opened At": opened,
        "Resolved At": opened + pd.to_timedelta(rng.integers(1, 90, n), unit="h"),
        "Issue Type": rng.choice(["Billing", "Shipping", "Technical"], n),
        "Priority": rng.choice(["Low", "High", "Urgent"], n),
    })


def _resolution(df: pd.DataFrame) -> pd.Series:
    return df["Resolved At"] - df["Opened At"]


def test_the_time_to_resolve(tickets: pd.DataFrame) -> None:
    hours = _resolution(tickets).mean() / pd.Timedelta(hours=1)
    assert value(tickets, "What is the average resolution time in hours?") == pytest.approx(hours)
    per_type = _resolution(tickets).groupby(tickets["Issue Type"]).mean()
    assert value(tickets, "Which issue type takes the longest to resolve on average?") == (
        per_type.idxmax())


def test_the_days_to_ship(accounts: pd.DataFrame) -> None:
    shipped = accounts.rename(columns={"Start Date": "Order Date", "End Date": "Ship Date"})
    days = (shipped["Ship Date"] - shipped["Order Date"]).mean() / pd.Timedelta(days=1)
    got = value(shipped, "On average, how many days does it take to ship an order?")
    assert got == pytest.approx(days)


def test_a_state_left_unread_declines(tickets: pd.DataFrame) -> None:
    """"still open" is a condition on the rows that no column names."""
    declined(tickets, "How many urgent tickets are still open?")
