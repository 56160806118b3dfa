"""Ranges listed in a question are the groups it asks about ("which age range … (0-18,
18-30, 30-50, 50+)"), cut as ``pd.cut`` cuts them; and a polite request ("could you list …")
asks for what it names, not for a yes or a no."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from nlq_asking import answer, value


@pytest.fixture(scope="module")
def riders() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 400
    return pd.DataFrame({"Age": rng.integers(5, 80, n).astype(float),
                         "Fare": rng.gamma(2.0, 30.0, n).round(2),
                         "Survived": rng.random(n) < 0.4})


@pytest.fixture(scope="module")
def homes() -> pd.DataFrame:
    rng = np.random.default_rng(12)
    n = 250
    return pd.DataFrame({"price": rng.integers(80, 900, n) * 1000,
                         "rooms": rng.integers(1, 7, n),
                         "city": rng.choice(["Lyon", "Nice", "Lille"], n)})


def _cut(series: pd.Series, edges: list[float], labels: list[str]) -> pd.Series:
    return pd.cut(series, bins=edges, labels=labels, include_lowest=True)


AGES = ([0, 18, 30, 50, np.inf], ["0-18", "18-30", "30-50", "50+"])


@pytest.mark.parametrize("question", [
    "What's the most common age range among riders: (0-18, 18-30, 30-50, 50+)?",
    "which age group is the most frequent (0-18, 18-30, 30-50, 50+)",
    "most common age bracket: '0-18', '18-30', '30-50', '50+'",
])
def test_the_most_common_range(riders: pd.DataFrame, question: str) -> None:
    assert value(riders, question) == _cut(riders["Age"], *AGES).value_counts().idxmax()


def test_ranges_with_a_condition(riders: pd.DataFrame) -> None:
    got = value(riders, "Among those who survived, which fare range was the most common: "
                        "(0-50, 50-100, 100-150, 150+)?")
    fares = _cut(riders.loc[riders["Survived"], "Fare"], [0, 50, 100, 150, np.inf],
                 ["0-50", "50-100", "100-150", "150+"])
    assert got == fares.value_counts().idxmax()


def test_ranges_ranked_by_a_count(riders: pd.DataFrame) -> None:
    got = value(riders, "Could you list the bottom 2 age ranges by number of survivors: "
                        "(0-18, 18-30, 30-50, 50+)?")
    survivors = riders.groupby(_cut(riders["Age"], *AGES), observed=True)["Survived"].sum()
    assert list(got.index) == survivors.nsmallest(2).index.tolist()  # type: ignore[union-attr]


def test_ranges_in_another_table(homes: pd.DataFrame) -> None:
    got = value(homes, "what is the average number of rooms per price range "
                       "(0-300000, 300000-600000, 600000+)?")
    groups = _cut(homes["price"], [0, 300000, 600000, np.inf],
                  ["0-300000", "300000-600000", "600000+"])
    expected = homes.groupby(groups, observed=True)["rooms"].mean()
    assert dict(got) == pytest.approx(dict(expected))  # type: ignore[call-overload]


def test_ranges_that_do_not_meet_are_not_bins(riders: pd.DataFrame) -> None:
    got = answer(riders, "which age range is the most common: (0-10, 20-30)?")
    assert "pd.cut" not in got.code


@pytest.mark.parametrize("question", ["could you tell me the average fare?",
                                      "can you please give the average fare"])
def test_a_polite_request_is_not_a_yes_no_question(riders: pd.DataFrame,
                                                   question: str) -> None:
    assert value(riders, question) == pytest.approx(riders["Fare"].mean())
