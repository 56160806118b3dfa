"""Ages said the way people say them: "under 12 years old", "60 years old and above", "aged
over 60", "(0-12 years old)", "30 years old": conditions on the age column, whichever other
number column is named nearby."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from nlq_asking import value


@pytest.fixture(scope="module")
def passengers() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = 300
    return pd.DataFrame({"PassengerId": np.arange(1, n + 1), "Age": rng.integers(0, 80, n),
                         "Fare": rng.gamma(2.0, 20.0, n).round(2),
                         "Survived": rng.integers(0, 2, n)})


@pytest.fixture(scope="module")
def members() -> pd.DataFrame:
    rng = np.random.default_rng(6)
    n = 200
    return pd.DataFrame({"member": [f"m{i}" for i in range(n)],
                         "age": rng.integers(16, 90, n), "visits": rng.integers(0, 40, n),
                         "spend": rng.gamma(3.0, 50.0, n).round(2)})


@pytest.mark.parametrize(("question", "rows"), [
    ("What is the mean fare of children (0-12 years old)?", lambda a: a.between(0, 12)),
    ("What is the mean fare of passengers 60 years old and above?", lambda a: a >= 60),
    ("mean fare of passengers aged 60 or older", lambda a: a >= 60),
    ("average fare of passengers under 12 years old", lambda a: a < 12),
    ("what is the mean fare of passengers between 13 and 59 years old",
     lambda a: a.between(13, 59)),
])
def test_an_age_is_a_condition_on_the_age_column(passengers: pd.DataFrame, question: str,
                                                 rows: object) -> None:
    chosen = rows(passengers["Age"])  # type: ignore[operator]
    assert value(passengers, question) == pytest.approx(passengers.loc[chosen, "Fare"].mean())


@pytest.mark.parametrize(("question", "rows"), [
    ("how many members are 30 years old", lambda a: a == 30),
    ("how many members aged over 65 are there", lambda a: a > 65),
    ("number of members 70 years old or older", lambda a: a >= 70),
])
def test_ages_in_another_table(members: pd.DataFrame, question: str, rows: object) -> None:
    assert value(members, question) == int(rows(members["age"]).sum())  # type: ignore[operator]


def test_visits_are_not_ages(members: pd.DataFrame) -> None:
    """A number with no age words stays on the column it is said of."""
    assert value(members, "how many members have more than 30 visits") == int(
        (members["visits"] > 30).sum())
