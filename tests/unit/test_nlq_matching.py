"""The fuzzy matcher: question words to column names and cell values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyst_magics.nlq.rules.cues import find_cues, reserved_positions
from analyst_magics.nlq.rules.matching import find_mentions
from analyst_magics.nlq.rules.schema import schema_of
from analyst_magics.nlq.rules.text import agent_stem, singular, split_name, stem, tokenize


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 60
    return pd.DataFrame({
        "PassengerId": np.arange(1, n + 1),
        "Pclass": rng.integers(1, 4, n),
        "Sex": rng.choice(["male", "female"], n),
        "SibSp": rng.integers(0, 3, n),
        "Siblings_Spouses Aboard": rng.integers(0, 3, n),
        "finalWorth": rng.integers(1000, 9000, n),
        "Avg. Attendance": rng.choice(["1,200", "3,400", "5,600"], n),
        "Nation": rng.choice(["Sweden (SWE)", "Norway (NOR)", "Brazil"], n),
        "gender": rng.choice(["F", "M"], n),
        "Survived": rng.random(n) > 0.5,
        "revenue": rng.gamma(2.0, 10.0, n),
    })


def columns_named(df: pd.DataFrame, question: str) -> list[object]:
    tokens = tokenize(question)
    columns, _ = find_mentions(tokens, schema_of(df), reserved_positions(tokens, find_cues(tokens)))
    return [m.column for m in columns]


def values_named(df: pd.DataFrame, question: str) -> list[tuple[object, ...]]:
    tokens = tokenize(question)
    _, values = find_mentions(tokens, schema_of(df))
    return [tuple(sorted({v for _, v in m.candidates})) for m in values]


@pytest.mark.parametrize(("question", "column"), [
    ("what is the REVENUE", "revenue"),                     # case
    ("total revenues", "revenue"),                          # plural
    ("average final worth", "finalWorth"),                  # camelCase split
    ("net worth of the richest", "finalWorth"),             # one of two words
    ("siblings or spouses aboard", "Siblings_Spouses Aboard"),  # underscores, stopword gap
    ("by passenger class", "Pclass"),                       # abbreviation from word starts
    ("siblings spouses count", "Siblings_Spouses Aboard"),  # the fuller name wins
    ("mean SibSp", "SibSp"),                                # written as one word
    ("most common gender", "gender"),                       # exact beats the synonym
    ("average attendance", "Avg. Attendance"),              # "Avg." spelled out, stemmed
    ("total revnue", "revenue"),                            # misspelt
    ("who survived", "Survived"),
    ("number of survivors", "Survived"),                    # agent noun to a flag
])
def test_column_mentions(people: pd.DataFrame, question: str, column: str) -> None:
    assert column in columns_named(people, question)


def test_synonym_finds_sex_when_no_gender_column() -> None:
    df = pd.DataFrame({"Sex": ["male", "female"], "Age": [30, 40]})
    assert columns_named(df, "average age by gender") == ["Age", "Sex"]


def test_one_word_is_one_column(people: pd.DataFrame) -> None:
    named = columns_named(people, "correlation between passenger class and fare")
    assert named == ["Pclass"]  # "passenger" is not also read as PassengerId


def test_cue_phrases_are_not_columns() -> None:
    df = pd.DataFrame({"Population": [1, 2], "Fare": [3.0, 4.0]})
    assert columns_named(df, "population standard deviation of the fare") == ["Fare"]


@pytest.mark.parametrize(("question", "values"), [
    ("how many female passengers", [("female",)]),
    ("medals of sweden and norway", [("Sweden (SWE)",), ("Norway (NOR)",)]),
    ("goals by brazilians", [("Brazil",)]),
    ("how many women", [("female",)]),
    ("in the 'Brazil' group", [("Brazil",)]),
])
def test_value_mentions(people: pd.DataFrame, question: str, values: list[tuple[str, ...]]
                        ) -> None:
    assert values_named(people, question) == values


def test_coded_sex_values() -> None:
    df = pd.DataFrame({"gender": ["F", "M", "F"], "size": ["M", "S", "L"]})
    assert values_named(df, "how many women") == [("F",)]
    assert values_named(df, "how many men") == [("M",)]  # not the size M


def test_single_letters_and_stopwords_are_not_values() -> None:
    df = pd.DataFrame({"Embarked": ["S", "C", "Q"] * 5, "kind": ["a", "the", "in"] * 5})
    assert values_named(df, "is a passenger in the data from s") == []
    assert values_named(df, "embarked at 'S'") == [("S",)]


def test_value_index_skips_free_text_of_large_frames() -> None:
    n = 60_000
    df = pd.DataFrame({"id": [f"user-{i}" for i in range(n)],
                       "tier": ["gold", "silver"] * (n // 2)})
    schema = schema_of(df)
    assert "gold" in schema.values
    assert "user 17" not in schema.values


def test_summary_row_is_spotted() -> None:
    df = pd.DataFrame({"Nation": ["A", "B", "C", "Total"], "Gold": [1, 2, 3, 6]})
    assert schema_of(df).summary == ("Nation", "Total")
    assert schema_of(df.iloc[:3]).summary is None


def test_schema_reads_kinds() -> None:
    df = pd.DataFrame({
        "n": [1.5, 2.5, 3.5], "flag": [0, 1, 1], "money": ["$1,200", "$3.50", "–"],
        "when": ["2024-01-02", "2024-02-03", "2024-03-04"], "yes": ["Yes", "no", "YES"],
        "label": ["a", "b", "c"], "cat": pd.Categorical(["x", "y", "x"]),
    })
    kinds = {c.name: c.kind for c in schema_of(df).columns}
    assert kinds == {"n": "number", "flag": "bool", "money": "numtext", "when": "datetext",
                     "yes": "bool", "label": "text", "cat": "text"}


def test_schema_is_cached_per_frame_and_rebuilt_on_change() -> None:
    df = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    first = schema_of(df)
    assert schema_of(df) is first
    df["c"] = [3, 4]
    assert schema_of(df) is not first


@pytest.mark.parametrize(("word", "expected"), [
    ("countries", "country"), ("classes", "class"), ("matches", "match"), ("series", "series"),
    ("status", "status"), ("ties", "tie"), ("people", "person"),
])
def test_singular(word: str, expected: str) -> None:
    assert singular(word) == expected


def test_stems_bring_forms_together() -> None:
    assert stem("survived") == stem("survival") == stem("survive") == agent_stem("survivors")
    assert stem("attended") == stem("attendance")
    assert stem("naturalisation") == stem("naturalization")
    assert stem("players") != stem("played")  # only the agent stem joins them


def test_split_name() -> None:
    assert split_name("finalWorth") == ("final", "worth")
    assert split_name("Population (2002 census)") == ("population", "2002", "census")
    assert split_name("HTMLParser") == ("html", "parser")


def test_tokenize_numbers_quotes_and_contractions() -> None:
    tokens = tokenize("didn't pay over $200,000 or .9 in the 'Close Price' 3rd ten")
    shown = [(t.text, t.kind, t.number) for t in tokens]
    assert ("not", "word", None) in shown
    assert ("200,000", "number", 200000.0) in shown
    assert (".9", "number", 0.9) in shown
    assert ("Close Price", "quoted", None) in shown
    assert ("ten", "number", 10.0) in shown
    third = next(t for t in tokens if t.text == "3")
    assert third.ordinal and next(t for t in tokens if t.text == "200,000").money
