"""Rates (the share of rows with a flag or a status), durations written as "h:mm:ss" text,
durations between two date columns, and blank scores, on several tables and wordings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from nlq_asking import answer, declined, value


@pytest.mark.parametrize(("question", "scale"), [
    ("what is the conversion rate", 1),
    ("conversion rate in percent", 100),
    ("What is the conversion rate, as a percentage?", 100),
])
def test_a_flag_rate(sessions: pd.DataFrame, clean_sessions: pd.DataFrame, question: str,
                     scale: int) -> None:
    assert np.isclose(value(sessions, question), clean_sessions["Converted"].mean() * scale)


def test_a_flag_rate_per_group(sessions: pd.DataFrame, clean_sessions: pd.DataFrame) -> None:
    expected = clean_sessions.groupby("Device")["Converted"].mean()
    got = value(sessions, "conversion rate by device")
    assert got.to_dict() == pytest.approx(expected.to_dict())
    best = expected[expected == expected.max()].index.tolist()
    assert value(sessions, "which device has the best conversion rate?") in (best[0], best)


def test_a_rate_named_by_a_synonym(staff: pd.DataFrame, clean_staff: pd.DataFrame) -> None:
    left = clean_staff["Left"] == "Yes"
    assert np.isclose(value(staff, "what is the attrition rate in percent"), left.mean() * 100)
    per_department = left.groupby(clean_staff["Department"]).mean()
    assert value(staff, "attrition rate by department").to_dict() == pytest.approx(
        per_department.to_dict())


@pytest.mark.parametrize(("question", "status", "scale"), [
    ("what is the return rate?", "Returned", 1),
    ("cancellation rate", "Cancelled", 1),
    ("what is the cancellation rate in percent", "Cancelled", 100),
])
def test_a_rate_of_a_status(orders: pd.DataFrame, clean_orders: pd.DataFrame, question: str,
                            status: str, scale: int) -> None:
    expected = (clean_orders["Status"] == status).mean() * scale
    assert np.isclose(value(orders, question), expected)


def test_a_rate_of_a_status_per_group(orders: pd.DataFrame, clean_orders: pd.DataFrame) -> None:
    expected = (clean_orders["Status"] == "Returned").groupby(clean_orders["Region"]).mean()
    got = value(orders, "return rate by region in percent")
    assert got.to_dict() == pytest.approx((expected * 100).to_dict())


def test_durations_written_as_text(sessions: pd.DataFrame, clean_sessions: pd.DataFrame) -> None:
    seconds = clean_sessions["Seconds"]
    assert np.isclose(value(sessions, "average duration in minutes"), seconds.mean() / 60)
    assert value(sessions, "what is the longest duration?") == (
        f"{seconds.max() // 3600}:{seconds.max() % 3600 // 60:02d}:{seconds.max() % 60:02d}")
    assert value(sessions, "how many sessions lasted more than 10 minutes") == int(
        (seconds > 600).sum())
    assert value(sessions, "how many sessions with a duration under 2 minutes?") == int(
        (seconds < 120).sum())


def test_durations_per_group_in_a_unit(sessions: pd.DataFrame,
                                       clean_sessions: pd.DataFrame) -> None:
    expected = clean_sessions.groupby("Device")["Seconds"].sum() / 3600
    got = value(sessions, "total duration in hours by device")
    assert got.to_dict() == pytest.approx(expected.to_dict())


@pytest.mark.parametrize("question", [
    "what is the mean time from started to ended in minutes",
    "average time between Started and Ended in minutes",
])
def test_the_time_between_two_date_columns(sessions: pd.DataFrame,
                                           clean_sessions: pd.DataFrame, question: str) -> None:
    elapsed = (clean_sessions["Ended"] - clean_sessions["Started"]).dt.total_seconds()
    assert np.isclose(value(sessions, question), elapsed.mean() / 60)


def test_blank_scores_are_missing_not_zero(staff: pd.DataFrame, clean_staff: pd.DataFrame) -> None:
    score = clean_staff["Satisfaction"]
    assert value(staff, "how many employees have no satisfaction score") == int(score.isna().sum())
    assert np.isclose(value(staff, "average satisfaction"), score.mean())
    assert value(staff, "how many employees with a satisfaction of at least 4") == int(
        (score >= 4).sum())


def test_the_best_of_a_score_is_an_average(staff: pd.DataFrame, clean_staff: pd.DataFrame) -> None:
    means = clean_staff.groupby("Department")["Satisfaction"].mean()
    best = means[means == means.max()].index.tolist()
    assert value(staff, "which department has the best satisfaction") in (best[0], best)


@pytest.fixture
def campaigns() -> pd.DataFrame:
    return pd.DataFrame({"Campaign": ["A", "B", "C", "D", "E"],
                         "Channel": ["Search", "Social", "Search", "Email", "Social"],
                         "Impressions": ["1,000", "2,000", "500", "800", "1,200"],
                         "Clicks": [50, 40, 25, 8, 30],
                         "Conversions": [5, 2, 4, 1, 3]})


def _totals(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(Impressions=df["Impressions"].str.replace(",", "").astype(int))


@pytest.mark.parametrize(("question", "scale"), [
    ("what is the click rate", 1),
    ("ratio of clicks to impressions", 1),
    ("What is the click-through rate in percent?", 100),
])
def test_a_ratio_of_two_totals(campaigns: pd.DataFrame, question: str, scale: int) -> None:
    clean = _totals(campaigns)
    expected = clean["Clicks"].sum() / clean["Impressions"].sum() * scale
    assert np.isclose(value(campaigns, question), expected)


def test_a_ratio_per_group(campaigns: pd.DataFrame) -> None:
    totals = _totals(campaigns).groupby("Channel")[["Clicks", "Impressions"]].sum()
    expected = totals["Clicks"] / totals["Impressions"] * 100
    got = value(campaigns, "click-through rate in percent by channel")
    assert got.to_dict() == pytest.approx(expected.to_dict())


def test_a_rate_whose_base_is_unclear_declines(campaigns: pd.DataFrame) -> None:
    """Conversions per click or per impression? Both bases are there: the rules say so."""
    declined(campaigns, "conversion rate by channel")


@pytest.mark.parametrize("question", ["what percentage of orders were returned?",
                                      "the return rate in percent"])
def test_a_percentage_says_it_is_one(question: str) -> None:
    import analyst_magics as am

    sales = am.sample_data(rows=600)
    got = answer(sales, question)
    assert got.unit == "%" and got.kind.value == "number"
    assert f"{got.value:.3g}%" in got._repr_mimebundle_()["text/html"]
    assert answer(sales, "average revenue").unit == ""
