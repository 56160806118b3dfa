"""ask(): answers, their code, routing, refusals, and robustness over data shapes."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyst_magics.config import get_settings
from analyst_magics.errors import DataLoadError, QuestionError
from analyst_magics.models import AnswerKind
from analyst_magics.nlq.engine import ask


@pytest.fixture(scope="module")
def sales() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = 240
    return pd.DataFrame({
        "order_date": pd.date_range("2023-01-01", periods=n, freq="D"),
        "region": rng.choice(["North", "South", "East", "West"], n),
        "channel": rng.choice(["Online", "Store"], n),
        "units": rng.integers(1, 20, n),
        "unit_price": [f"${v:,.2f}" for v in rng.gamma(2.0, 300.0, n)],
        "revenue": rng.gamma(2.0, 500.0, n).round(2),
        "returned": rng.choice(["Yes", "No"], n, p=[0.1, 0.9]),
    })


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.delenv("ANALYST_LLM_BASE_URL", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


FORBIDDEN = re.compile(r"\bimport\b|\._|__|\bread_|\.to_(csv|pickle|parquet|excel|json|sql|hdf|"
                       r"feather|clipboard|html|latex|markdown|stata|xml|orc)\b|\bopen\(")


def plain_run(code: str, df: pd.DataFrame) -> Any:
    namespace: dict[str, Any] = {"df": df, "pd": pd, "np": np}
    exec(code, namespace)
    return namespace["result"]


def assert_same(answer_value: Any, value: Any) -> None:
    """The answer's value is what the shown code gives under plain pandas."""
    if isinstance(value, pd.DataFrame):
        pd.testing.assert_frame_equal(answer_value, value, check_freq=False)
    elif isinstance(value, pd.Series):
        pd.testing.assert_series_equal(answer_value, value, check_freq=False)
    elif isinstance(value, (list, np.ndarray, pd.Index)):
        assert list(answer_value) == [v.item() if hasattr(v, "item") else v for v in value]
    elif isinstance(value, (float, np.floating)):
        assert answer_value == pytest.approx(float(value), nan_ok=True)
    elif isinstance(value, pd.Timestamp):
        assert pd.Timestamp(answer_value) == value
    else:
        assert answer_value == (value.item() if hasattr(value, "item") else value)


QUESTIONS = [
    "total revenue", "average revenue by region", "average unit price", "monthly revenue",
    "how many orders were returned", "which region has the highest revenue",
    "top 3 regions by total revenue", "what percentage of orders were returned",
    "correlation between units and revenue", "how many outliers in revenue",
    "distribution of channel", "how many orders have more than 10 units in the West",
    "is the average revenue above 500", "unique channels", "median units per channel",
    "which channel sold the most units", "show orders with revenue above 3000",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_code_shown_is_the_code_that_ran(sales: pd.DataFrame, question: str) -> None:
    before = sales.copy()
    answer = ask(sales, question, engine="rules")
    assert answer.kind != AnswerKind.ERROR, answer.message
    assert answer.engine == "rules" and answer.code.strip()
    assert not FORBIDDEN.search(answer.code), answer.code
    assert_same(answer.value, plain_run(answer.code, sales))
    pd.testing.assert_frame_equal(sales, before)
    assert answer.to_json()  # strict JSON whatever the value


def test_answer_fields(sales: pd.DataFrame) -> None:
    total = ask(sales, "total revenue")
    assert total.kind == AnswerKind.NUMBER and isinstance(total.value, float)
    assert total.value == pytest.approx(sales["revenue"].sum())
    assert "Understood: the total of" in total.message

    grouped = ask(sales, "average revenue by region")
    assert grouped.kind == AnswerKind.TABLE and grouped.chart is not None
    assert grouped.chart.kind.value == "bar" and len(grouped.chart.data) == 4

    trend = ask(sales, "monthly revenue")
    assert trend.chart is not None and trend.chart.kind.value == "line"

    flag = ask(sales, "were any orders returned in the North?")
    assert flag.kind == AnswerKind.BOOLEAN and flag.value is True

    price = ask(sales, "average unit price")
    assert any("numbers written as text in 'unit_price'" in w for w in price.warnings)


@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_empty_questions_get_a_clear_error(sales: pd.DataFrame, question: str) -> None:
    answer = ask(sales, question)
    assert answer.kind == AnswerKind.ERROR and answer.engine == "none"
    assert "The question is empty" in answer.message and "for example" in answer.message


def test_long_questions_get_a_clear_error(sales: pd.DataFrame) -> None:
    limit = get_settings().max_question_chars
    answer = ask(sales, "average revenue " * (limit // 8))
    assert answer.kind == AnswerKind.ERROR
    assert f"the limit is {limit:,} (ANALYST_MAX_QUESTION_CHARS)" in answer.message


@pytest.mark.parametrize("question", [
    "What is the meaning of life?", "average salary", "how many unicorns visited Mars",
    "qwerty asdf", "which coach has the most wins",
])
def test_unanswerable_questions_are_refused_not_invented(sales: pd.DataFrame,
                                                         question: str) -> None:
    answer = ask(sales, question)
    assert answer.kind == AnswerKind.ERROR and answer.value is None
    assert "Cannot answer this offline" in answer.message
    assert "Understood:" in answer.message and "Questions that work look like" in answer.message
    assert "ANALYST_LLM_BASE_URL" in answer.message


def test_a_refusal_names_what_was_understood(sales: pd.DataFrame) -> None:
    answer = ask(sales, "what about the revenue and the weather")
    assert answer.kind == AnswerKind.ERROR
    assert "column 'revenue'" in answer.message


def test_llm_engine_without_a_model_says_how_to_configure(sales: pd.DataFrame) -> None:
    answer = ask(sales, "total revenue", engine="llm")
    assert answer.kind == AnswerKind.ERROR and answer.engine == "none"
    assert "ANALYST_LLM_BASE_URL" in answer.message and "engine='rules'" in answer.message


def test_auto_keeps_confident_readings_offline_even_with_a_model(
        sales: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALYST_LLM_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens
    get_settings.cache_clear()
    answer = ask(sales, "total revenue")
    assert answer.engine == "rules" and answer.kind == AnswerKind.NUMBER
    assert answer.sent == []  # no prompt left the machine


def test_bad_arguments_raise(sales: pd.DataFrame) -> None:
    with pytest.raises(QuestionError, match="engine must be one of auto, rules, llm"):
        ask(sales, "total revenue", engine="magic")
    with pytest.raises(QuestionError, match="takes the question as a string, got int"):
        ask(sales, 42)  # type: ignore[arg-type]
    with pytest.raises(DataLoadError, match=r"ask\(\) takes a pandas DataFrame, got list"):
        ask([1, 2], "total")  # type: ignore[arg-type]


GENERIC = ["how many rows are there", "how many missing values are there",
           "describe the data", "what is the average of the first column"]


def test_every_data_shape(frame: pd.DataFrame) -> None:
    before = frame.copy()
    for question in GENERIC:
        answer = ask(frame, question, engine="rules")
        if answer.kind != AnswerKind.ERROR:
            assert_same(answer.value, plain_run(answer.code, frame))
        else:
            assert "Cannot answer" in answer.message or "No value" in answer.message
    pd.testing.assert_frame_equal(frame, before)


WORDS = ["how", "many", "average", "total", "by", "top", "3", "which", "has", "the", "most",
         "is", "there", "any", "above", "10", "percentage", "missing", "unique", "revenue",
         "region", "North", "units", "correlation", "between", "and", "not", "returned", "?"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=9))
def test_word_salad_never_raises(sales: pd.DataFrame, words: list[str]) -> None:
    answer = ask(sales, " ".join(words), engine="rules")
    if answer.kind != AnswerKind.ERROR:
        assert_same(answer.value, plain_run(answer.code, sales))


@pytest.mark.parametrize("question, month_counts", [
    ("how many tickets were opened per month?", {1: 2, 2: 1, 3: 3}),
    ("number of tickets by month", {1: 2, 2: 1, 3: 3}),
])
def test_dates_written_two_ways_are_read_as_the_profile_reads_them(
        question: str, month_counts: dict[int, int]) -> None:
    """Dotted dates are day-first: "05.03.2024" is in March, whatever a per-value guess says."""
    tickets = pd.DataFrame({"opened": ["05.03.2024 09:30", "2024-01-23 11:59", "14.03.2024 10:00",
                                       "02.01.2024 08:15", "2024-02-04 10:18", "2024-03-11 09:06"],
                            "priority": ["high", "low", "low", "high", "low", "high"]})
    answer = ask(tickets, question, engine="rules")
    assert answer.kind == AnswerKind.TABLE, answer.message
    counts = {stamp.month: int(n) for stamp, n in answer.value.items() if n}
    assert counts == month_counts
    assert '"%d.%m.%Y %H:%M"' in answer.code


def test_a_month_named_in_the_question_counts_that_month_only() -> None:
    orders = pd.DataFrame({"date": ["05.03.2024", "2024-03-20", "03.05.2024", "2024-01-02"],
                           "total": [10.0, 20.0, 30.0, 40.0]})
    assert ask(orders, "how many orders in March 2024?", engine="rules").value == 2


@pytest.mark.parametrize("question, expected", [
    ("show the first 5 rows", lambda df: df.head(5)),
    ("show me the last ten records", lambda df: df.tail(10)),
    ("display the top 2 entries of the table", lambda df: df.head(2)),
    ("what are the first rows?", lambda df: df.head(5)),
])
def test_rows_by_position(sales: pd.DataFrame, question: str, expected: Any) -> None:
    answer = ask(sales, question, engine="rules")
    assert answer.kind == AnswerKind.TABLE, answer.message
    pd.testing.assert_frame_equal(answer.value, expected(sales), check_dtype=False)


def test_rows_by_position_keep_their_conditions(sales: pd.DataFrame) -> None:
    region = str(sales["region"].iloc[0])
    answer = ask(sales, f"first 3 rows where region is {region}", engine="rules")
    assert len(answer.value) == 3 and set(answer.value["region"]) == {region}


@pytest.mark.parametrize("question", ["show the first 2.5 rows", "last 0 rows"])
def test_impossible_row_counts_are_refused(sales: pd.DataFrame, question: str) -> None:
    assert ask(sales, question, engine="rules").kind == AnswerKind.ERROR


def test_revenue_names_an_amount_column() -> None:
    orders = pd.DataFrame({"Region": ["N", "S", "N", "S"], "amount_usd": [10.0, 20.0, 5.0, 1.0],
                           "Qty": [1, 2, 3, 4]})
    answer = ask(orders, "total revenue by region", engine="rules")
    assert answer.value.to_dict() == {"S": 21.0, "N": 15.0}


def test_each_year_asks_for_one_count_per_year() -> None:
    staff = pd.DataFrame({"Hire Date": pd.to_datetime(["2020-01-05", "2020-06-01", "2021-03-03"]),
                          "Dept": ["A", "B", "A"]})
    answer = ask(staff, "how many employees were hired each year?", engine="rules")
    assert answer.kind == AnswerKind.TABLE, answer.message
    assert list(answer.value) == [2, 1]


@pytest.mark.parametrize("question", ["What is the average revenue per customer?",
                                      "mean amount per customer"])
def test_an_average_per_entity_is_a_rate(question: str) -> None:
    """"Per" and an id column: the mean over customers of each one's total, one number."""
    orders = pd.DataFrame({"Customer ID": ["C1", "C1", "C2", "C3"],
                           "amount_usd": [10.0, 30.0, 5.0, 15.0]})
    answer = ask(orders, question, engine="rules")
    assert answer.kind == AnswerKind.NUMBER, answer.message
    assert answer.value == pytest.approx((40 + 5 + 15) / 3)


def test_by_an_entity_and_per_a_category_stay_tables() -> None:
    orders = pd.DataFrame({"Customer ID": ["C1", "C1", "C2", "C3"], "Region": list("NNSS"),
                           "amount_usd": [10.0, 30.0, 5.0, 15.0]})
    assert ask(orders, "average revenue by customer", engine="rules").kind == AnswerKind.TABLE
    assert ask(orders, "average revenue per region", engine="rules").kind == AnswerKind.TABLE
