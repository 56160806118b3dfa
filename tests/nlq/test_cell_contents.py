"""What cells hold, beyond one value each: lists of items ("Tokyo, Japan"), group numbers
(1, 1, 2, 2 …), years of events ("First elected"), placeholders ("—"). Each answer is checked
against pandas written by hand on the same table."""

from __future__ import annotations

import pandas as pd
import pytest
from nlq_asking import answer, declined, value


@pytest.fixture(scope="module")
def meets() -> pd.DataFrame:
    """Athletics meets: the venue is "city, country", the events a list."""
    return pd.DataFrame({
        "Year": [2003, 2005, 2005, 2006, 2007, 2008, 2009, 2010, 2011],
        "Competition": ["Youth Cup", "Island Games", "Junior Open", "U23 Cup", "Island Games",
                        "World Cup", "Island Games", "Grand Prix", "World Cup"],
        "Venue": ["Sherbrooke, Canada", "Havana, Cuba", "Windsor, Canada", "Santo Domingo, "
                  "Dominican Republic", "Havana, Cuba", "Berlin, Germany", "Camaguey, Cuba",
                  "Ottawa, Canada", "Daegu, South Korea"],
        "Events": ["Hammer", "Hammer, Discus", "Hammer", "Discus and Shot", "Hammer, Shot",
                   "Hammer", "Discus", "Hammer, Discus, Shot", "Shot"],
        "Position": [7, 1, 1, 2, 2, 5, 1, 3, 4],
    })


@pytest.fixture(scope="module")
def films() -> pd.DataFrame:
    """Films and their casts, one cell listing several actors."""
    return pd.DataFrame({
        "Title": ["Night Run", "Blue Harbour", "The Long Road", "Paper Moon II", "Cold Front",
                  "Open Water"],
        "Cast": ["Ana Ruiz, Tom Hale and Kim Lo", "Tom Hale", "Kim Lo, Ana Ruiz",
                 "Ben Ode", "Tom Hale, Ben Ode", "Ana Ruiz"],
        "Gross": [120, 95, 80, 60, 45, 30],
    })


def _items(df: pd.DataFrame, column: str, item: str) -> pd.Series:
    """Rows whose cell lists ``item``, written by hand."""
    return df[column].str.split(r",|\band\b").apply(lambda parts: item in
                                                   [p.strip() for p in parts])


@pytest.mark.parametrize("question", [
    "how many meets were held in cuba?",
    "number of meets in Cuba",
    "how many times did she compete in cuba",
])
def test_an_item_of_a_listing_cell_is_a_condition(meets: pd.DataFrame, question: str) -> None:
    assert value(meets, question) == int(_items(meets, "Venue", "Cuba").sum())


@pytest.mark.parametrize(("question", "item"), [
    ("how many films star Tom Hale?", "Tom Hale"),
    ("how many films did ana ruiz appear in", "Ana Ruiz"),
    ("total gross of films with Kim Lo", "Kim Lo"),
])
def test_items_in_another_table(films: pd.DataFrame, question: str, item: str) -> None:
    rows = _items(films, "Cast", item)
    expected = films.loc[rows, "Gross"].sum() if "gross" in question else rows.sum()
    assert value(films, question) == expected


def test_the_code_shows_a_whole_word_match(films: pd.DataFrame) -> None:
    got = answer(films, "how many films star Tom Hale?")
    assert "str.contains(" in got.code and "Tom Hale" in got.code
    assert "mentions 'Tom Hale'" in got.message


def test_an_item_that_is_part_of_a_longer_one_is_not_taken_for_it(
        meets: pd.DataFrame) -> None:
    """"Korea" is a word of ``South Korea``, not an item: no condition is invented, and the
    reading that would count every meet is declined rather than answered."""
    declined(meets, "how many meets were held in korea?")
    got = declined(meets, "how many hammer events were held in korea?")
    assert "korea" in got.message, got.message


@pytest.mark.parametrize("question", [
    "how many meets were held in the republic?",
    "how many meets took place in domingo?",
])
def test_an_unread_word_of_the_cells_declines(meets: pd.DataFrame, question: str) -> None:
    declined(meets, question)


@pytest.fixture(scope="module")
def seats() -> pd.DataFrame:
    """Members of a parliament: two per constituency, numbered 1, 1, 2, 2 …"""
    return pd.DataFrame({
        "Constituency": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
        "Member": [f"M{i}" for i in range(10)],
        "Party": ["Red", "Blue", "Red", "Red", "Green", "Blue", "Red", "Blue", "Blue", "Red"],
        "First elected": [1949, 1953, 1943, 1937, 1954, 1946, 1945, 1951, 1949, 1955],
        "Votes": [5200, 4100, 6100, 3000, 2500, 4800, 5100, 3900, 4700, 4400],
    })


@pytest.mark.parametrize("question", [
    "what is the total number of constituencies?",
    "how many constituencies are there",
    "number of constituencies",
])
def test_group_numbers_are_counted_not_added(seats: pd.DataFrame, question: str) -> None:
    assert value(seats, question) == seats["Constituency"].nunique()


@pytest.mark.parametrize(("question", "party"), [
    ("what is the number of red party members elected?", "Red"),
    ("how many blue members were elected", "Blue"),
])
def test_years_of_events_are_not_added_up(seats: pd.DataFrame, question: str,
                                          party: str) -> None:
    assert value(seats, question) == int((seats["Party"] == party).sum())


def test_measures_are_still_added(seats: pd.DataFrame) -> None:
    assert value(seats, "total votes of the red party") == seats.loc[
        seats["Party"] == "Red", "Votes"].sum()


def test_a_placeholder_cell_is_no_answer() -> None:
    df = pd.DataFrame({"Home Team": ["Lions", "—", "Lions", "Bears", "—", "—"],
                       "Score": ["28–47", "–", "34–18", "6–24", "–", "–"]})
    got = answer(df, "which home team appears the most?")
    assert got.kind.value == "error" or got.value == "Lions"


def test_a_phrase_before_the_question_does_not_hide_what_it_asks(meets: pd.DataFrame) -> None:
    """"In 2005, how many …" still asks for a count: a table is no answer."""
    got = answer(meets, "in the 2005 season, how many competitions per venue?")
    assert got.kind.value in ("table", "error")
    got = answer(meets, "in the island games, what was the number of events won by venue?")
    assert got.kind.value != "number"


def test_both_options_are_no_choice() -> None:
    ships = pd.DataFrame({"Ship": ["Northampton", "Houston", "Chester"],
                          "Launched": ["5 September 1929", "7 September 1929",
                                       "3 July 1929"]})
    got = answer(ships, "which ship was launched later: the northampton or the houston?")
    assert got.kind.value == "error" or got.value in ("Houston", ["Houston"])


@pytest.mark.parametrize(("question", "column", "by", "smallest"), [
    ("Who are the authors of the top 3 most viewed posts?", "author", "views", False),
    ("What are the shares of the 2 least viewed posts?", "shares", "views", True),
    ("what are the languages of the 3 most shared posts", "language", "shares", False),
])
def test_a_column_named_before_a_ranking_is_the_answer(question: str, column: str, by: str,
                                                       smallest: bool) -> None:
    posts = pd.DataFrame({"author": ["ana", "ben", "cy", "dee", "eve", "fay"],
                          "language": ["es", "en", "es", "fr", "en", "es"],
                          "views": [5, 40, 12, 33, 0, 21],
                          "shares": [1, 9, 4, 2, 7, 0]})
    pick = posts.nsmallest if smallest else posts.nlargest
    k = int(next(w for w in question.split() if w.isdigit()))
    expected = pick(k, by)[column].tolist()
    got = value(posts, question)
    shown = got[column].tolist() if isinstance(got, pd.DataFrame) else got
    assert shown == expected


@pytest.mark.parametrize(("question", "smallest"), [
    ("what was her best position", True),
    ("what was her worst position", False),
    ("what is the best position in germany", True),
])
def test_the_best_rank_is_the_smallest_number(meets: pd.DataFrame, question: str,
                                              smallest: bool) -> None:
    rows = meets[meets["Venue"].str.contains("Germany")] if "germany" in question else meets
    assert value(meets, question) == (rows["Position"].min() if smallest
                                      else rows["Position"].max())


@pytest.mark.parametrize(("question", "column", "smallest"), [
    ("which driver had the best lap time?", "Lap time", True),
    ("who had the worst lap time", "Lap time", False),
    ("which country has the worst mortality rate?", "Mortality rate", False),
    ("which country has the best mortality rate", "Mortality rate", True),
    ("which country has the best literacy rate", "Literacy rate", False),
])
def test_less_is_better_for_some_measures(question: str, column: str, smallest: bool) -> None:
    """"Best" is the smallest of a time or a mortality, the largest of a literacy rate."""
    df = pd.DataFrame({"Driver": ["Ana", "Ben", "Cy", "Dee"],
                       "Country": ["Avalon", "Borduria", "Caledonia", "Dorne"],
                       "Lap time": [81.2, 79.9, 83.4, 80.5],
                       "Mortality rate": [4.1, 9.3, 2.2, 6.0],
                       "Literacy rate": [91.0, 78.5, 99.1, 85.2]})
    label = "Driver" if "lap" in question else "Country"
    row = df[column].idxmin() if smallest else df[column].idxmax()
    assert value(df, question) == df.loc[row, label]
