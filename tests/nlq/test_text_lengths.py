"""Lengths of text as measures: the words or characters of each cell of a text column,
computed on a copy, for questions about the longest review or the post with the most words."""

from __future__ import annotations

import pandas as pd
import pytest
from nlq_asking import answer, value


@pytest.fixture(scope="module")
def reviews() -> pd.DataFrame:
    return pd.DataFrame({
        "reviewer": ["ana", "ben", "cy", "dee", "eve", "fay"],
        "review_text": ["Great chair, sturdy and comfortable for long days at the desk",
                        "Broke after a week", "Fine", "The colour is not as pictured but "
                        "the build quality is good", "Arrived late, box damaged, chair okay",
                        "Excellent value"],
        "stars": [5, 1, 3, 4, 2, 5],
    })


@pytest.fixture(scope="module")
def headlines() -> pd.DataFrame:
    return pd.DataFrame({
        "source": ["abc", "bbc", "abc", "cnn", "bbc"],
        "title": ["Markets rally", "Storm hits the north coast overnight", "Rates unchanged",
                  "Local team wins the cup after extra time", "Rain"],
        "shares": [120, 40, 75, 300, 10],
    })


def _words(series: pd.Series) -> pd.Series:
    return series.str.split().str.len()


@pytest.mark.parametrize("question", [
    "what is the number of words of the longest review?",
    "how many words does the longest review have",
    "what is the highest word count of a review",
])
def test_the_longest_in_words(reviews: pd.DataFrame, question: str) -> None:
    assert value(reviews, question) == _words(reviews["review_text"]).max()


@pytest.mark.parametrize(("question", "smallest"), [
    ("who wrote the review with the most words?", False),
    ("which reviewer wrote the review with the fewest words", True),
])
def test_the_author_of_the_longest(reviews: pd.DataFrame, question: str,
                                   smallest: bool) -> None:
    words = _words(reviews["review_text"])
    row = words.idxmin() if smallest else words.idxmax()
    assert value(reviews, question) == reviews.loc[row, "reviewer"]


def test_the_word_counts_of_the_longest(headlines: pd.DataFrame) -> None:
    got = value(headlines, "what are the word counts of the 2 longest titles?")
    assert list(got) == _words(headlines["title"]).nlargest(2).tolist()  # type: ignore[call-overload]


def test_characters_without_spaces(headlines: pd.DataFrame) -> None:
    letters = headlines["title"].str.replace(r"\s", "", regex=True).str.len()
    got = value(headlines, "what is the average number of non-space characters in the title?")
    assert got == pytest.approx(letters.mean())


def test_a_correlation_with_a_length(headlines: pd.DataFrame) -> None:
    got = value(headlines, "what is the correlation between shares and the number of "
                           "words in the title?")
    assert got == pytest.approx(headlines["shares"].corr(_words(headlines["title"])))


def test_the_code_shows_the_length_column(reviews: pd.DataFrame) -> None:
    got = answer(reviews, "who wrote the review with the most words?")
    assert '.str.split().str.len()' in got.code and "df.copy()" in got.code
