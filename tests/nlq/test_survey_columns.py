"""Survey exports name their columns with the question asked ("What is your age? 👶",
"Do you have children?"): the words that frame the question do not count against a mention,
and frequency words ("most common", "representation", "based on frequency") rank answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from nlq_asking import value

AGE, EYES, STATUS, TONE = ("What is your age? 👶🏻", "What is your eye color? 👁️",
                           "What is your civil status? 💍", "What is your skin tone?")


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 300
    return pd.DataFrame({
        "Submitted at": pd.date_range("2023-01-01", periods=n, freq="h"),
        AGE: rng.integers(18, 70, n),
        EYES: rng.choice(["Brown", "Blue", "Green", "Hazel", "Grey"], n,
                         p=[0.45, 0.25, 0.15, 0.1, 0.05]),
        STATUS: rng.choice(["Single", "Married", "Divorced", "Widowed"], n,
                           p=[0.5, 0.3, 0.15, 0.05]),
        TONE: rng.choice(range(9), n),
        "Do you have children? 🍼": rng.choice(["Yes", "No"], n),
        "What's your height? in cm 📏": rng.normal(172, 9, n).round(),
    })


@pytest.mark.parametrize(("question", "expected"), [
    ("What's the median age of the respondents?", lambda df: df[AGE].median()),
    ("what is the average age", lambda df: df[AGE].mean()),
    ("What's the most frequent eye color?", lambda df: df[EYES].value_counts().idxmax()),
    ("Which civil status has the highest representation?",
     lambda df: df[STATUS].value_counts().idxmax()),
    ("which eye color is the least common", lambda df: df[EYES].value_counts().idxmin()),
    ("How many respondents have children?",
     lambda df: int((df["Do you have children? 🍼"] == "Yes").sum())),
    ("how many respondents are taller than 180 cm?",
     lambda df: int((df["What's your height? in cm 📏"] > 180).sum())),
])
def test_questions_on_question_named_columns(survey: pd.DataFrame, question: str,
                                             expected: object) -> None:
    assert value(survey, question) == expected(survey)  # type: ignore[operator]


@pytest.mark.parametrize(("question", "k", "smallest"), [
    ("List the bottom 3 skin tone values based on frequency.", 3, True),
    ("Name the top 2 civil statuses represented in the dataset.", 2, False),
    ("What are the 4 least common eye colors?", 4, True),
])
def test_a_number_of_values_ranked_by_frequency(survey: pd.DataFrame, question: str, k: int,
                                                smallest: bool) -> None:
    column = TONE if "skin" in question else STATUS if "civil" in question else EYES
    counts = survey[column].value_counts()
    expected = (counts.nsmallest(k) if smallest else counts.nlargest(k)).index.tolist()
    got = value(survey, question)
    assert list(got.index if isinstance(got, pd.Series) else got) == expected


@pytest.mark.parametrize("question", ["What are the 5 highest ages present in the dataset?",
                                      "the 5 highest ages", "what are the top 5 ages"])
def test_a_number_of_values_is_a_list(survey: pd.DataFrame, question: str) -> None:
    assert list(value(survey, question)) == survey[AGE].nlargest(5).tolist()  # type: ignore[call-overload]
