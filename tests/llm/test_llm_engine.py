"""The LLM engine against a real local OpenAI-protocol server: answers, repair, cache, charts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from analyst_magics.nlq.execute import chart_for
from analyst_magics.nlq.llm import ask_llm

TOTALS = "result = df.groupby('region')['sales'].sum()"


@pytest.fixture
def sales() -> pd.DataFrame:
    return pd.DataFrame({"region": ["north", "south", "north", "east", "south"],
                         "sales": [10.0, 4.0, 6.0, 1.0, 2.0]})


def test_the_models_code_answers(fake_model: Any, code_reply: Callable[..., str],
                                 sales: pd.DataFrame) -> None:
    fake_model.replies = [code_reply(TOTALS)]
    answer = ask_llm(sales, "total sales by region")
    assert (answer.engine, answer.kind.value) == ("llm", "table")
    expected = sales.groupby("region")["sales"].sum()
    assert isinstance(answer.value, pd.Series)
    pd.testing.assert_series_equal(answer.value, expected, check_names=False)
    assert answer.code == TOTALS
    request = fake_model.requests[0]
    assert request["path"].endswith("/chat/completions")
    assert request["body"]["temperature"] == 0 and request["body"]["model"] == "test-model"
    assert request["headers"]["authorization"] == "Bearer sk-test-secret-key"
    assert answer.sent == [{"url": fake_model.url, "model": "test-model",
                            "messages": request["body"]["messages"]}]
    assert "sk-test-secret-key" not in answer.to_json()


def test_a_failing_code_is_repaired_once_with_the_error(fake_model: Any,
                                                        code_reply: Callable[..., str],
                                                        sales: pd.DataFrame) -> None:
    seen: list[dict[str, Any]] = []

    def repaired(body: dict[str, Any]) -> str:
        seen.append(body)
        return code_reply("result = df['sales'].sum()")

    fake_model.replies = [code_reply("result = df['salez'].sum()"), repaired]
    answer = ask_llm(sales, "total sales")
    assert answer.value == pytest.approx(23.0) and answer.kind.value == "number"
    messages = seen[0]["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert "df['salez']" in messages[2]["content"]
    assert "salez" in messages[3]["content"] and "failed" in messages[3]["content"]
    assert answer.code == "result = df['sales'].sum()"
    assert [s["messages"] for s in answer.sent] == [r["body"]["messages"]
                                                   for r in fake_model.requests]


def test_code_that_fails_twice_is_shown_with_the_error(fake_model: Any,
                                                       code_reply: Callable[..., str],
                                                       sales: pd.DataFrame) -> None:
    fake_model.replies = [code_reply("result = df['salez'].sum()"),
                          code_reply("result = df['sale'].sum()")]
    answer = ask_llm(sales, "total sales")
    assert answer.kind.value == "error"
    assert answer.message.startswith("The model's code failed twice: ")
    assert "'sale'" in answer.message and "Here is the code" in answer.message
    assert answer.code == "result = df['sale'].sum()"
    assert len(answer.sent) == 2


def test_refused_code_is_sent_back_and_a_second_refusal_is_an_error(
        fake_model: Any, code_reply: Callable[..., str], sales: pd.DataFrame) -> None:
    fake_model.replies = [code_reply("import os\nresult = os.getcwd()")] * 2
    answer = ask_llm(sales, "where am I")
    assert answer.kind.value == "error" and "importing 'os' is not allowed" in answer.message
    assert "importing 'os'" in fake_model.prompts()[1]


@pytest.mark.parametrize("reply", ["I'm sorry, but I can't help with that.", ""])
def test_a_reply_without_code_is_a_clear_error(fake_model: Any, sales: pd.DataFrame,
                                               reply: str) -> None:
    fake_model.replies = [reply]
    answer = ask_llm(sales, "tell me a joke")
    assert answer.kind.value == "error" and answer.engine == "llm"
    assert answer.message.startswith("The model did not write code for this question")
    assert ("can't help with that" in answer.message) if reply else ("empty" in answer.message)
    assert answer.value is None and answer.code == ""


def test_the_models_cannot_answer_is_an_error_answer(fake_model: Any,
                                                     code_reply: Callable[..., str],
                                                     sales: pd.DataFrame) -> None:
    fake_model.replies = [code_reply('result = "Cannot answer: there is no profit column."')]
    answer = ask_llm(sales, "what is the profit")
    assert answer.kind.value == "error"
    assert "there is no profit column" in answer.message


def test_second_ask_is_answered_from_the_cache(fake_model: Any, code_reply: Callable[..., str],
                                               sales: pd.DataFrame) -> None:
    fake_model.replies = [code_reply(TOTALS), code_reply(TOTALS), code_reply(TOTALS)]
    first = ask_llm(sales, "total sales by region")
    again = ask_llm(sales.copy(), "total sales by region")
    assert len(fake_model.requests) == 1
    assert again.value.equals(first.value) and again.code == first.code
    assert any("cache" in w for w in again.warnings)
    again.value.iloc[0] = -1.0  # the cache hands out copies
    assert ask_llm(sales, "total sales by region").value.iloc[0] != -1.0
    ask_llm(sales, "total sales by region", privacy="schema")  # another prompt: asked again
    changed = sales.assign(sales=sales["sales"] * 2)
    ask_llm(changed, "total sales by region")  # other data: asked again
    assert len(fake_model.requests) == 3


def test_retries_on_429_and_500_then_succeeds(fake_model: Any, code_reply: Callable[..., str],
                                              sales: pd.DataFrame) -> None:
    limited = {"error": {"message": "Rate limit reached", "type": "requests"}}
    fake_model.replies = [(429, limited, {"retry-after-ms": "20"}),
                          (500, {"error": {"message": "upstream overloaded"}}),
                          code_reply(TOTALS)]
    answer = ask_llm(sales, "total sales by region")
    assert answer.kind.value == "table"
    assert len(fake_model.requests) == 3
    assert len(answer.sent) == 1  # one prompt, delivered on the third attempt


def test_a_chart_suggestion_becomes_a_chart(fake_model: Any, code_reply: Callable[..., str],
                                            sales: pd.DataFrame) -> None:
    chart = {"kind": "bar", "x": "region", "y": "sales", "title": "Sales by region"}
    fake_model.replies = [code_reply(TOTALS, chart=chart)]
    answer = ask_llm(sales, "total sales by region")
    assert answer.chart is not None and answer.chart.kind.value == "bar"
    assert answer.chart.title == "Sales by region"
    assert {r["region"]: r["sales"] for r in answer.chart.data} == {
        "east": 1.0, "north": 16.0, "south": 6.0}
    assert not answer.warnings


@pytest.mark.parametrize(("chart", "problem"), [
    ({"kind": "pie", "x": "region", "y": "sales"}, "is not one of bar, line"),
    ({"kind": "bar", "x": "country", "y": "sales"}, "country is not a column of the result"),
    ({"kind": "histogram", "x": "region", "y": None}, "cannot be drawn"),
])
def test_an_invalid_chart_suggestion_is_dropped_with_a_warning(
        fake_model: Any, code_reply: Callable[..., str], sales: pd.DataFrame,
        chart: dict[str, Any], problem: str) -> None:
    fake_model.replies = [code_reply(TOTALS, chart=chart)]
    answer = ask_llm(sales, "total sales by region")
    assert answer.kind.value == "table"
    assert answer.chart == chart_for(answer.value, "total sales by region")  # the default
    assert any(problem in w and "chart suggestion was dropped" in w for w in answer.warnings), \
        answer.warnings


def test_a_chart_suggestion_for_a_number_is_dropped(fake_model: Any,
                                                    code_reply: Callable[..., str],
                                                    sales: pd.DataFrame) -> None:
    fake_model.replies = [code_reply("result = df['sales'].sum()",
                                     chart={"kind": "bar", "x": None, "y": None})]
    answer = ask_llm(sales, "total sales")
    assert any("not a table to draw" in w for w in answer.warnings)


def test_masked_column_names_still_work(fake_model: Any, code_reply: Callable[..., str]) -> None:
    frame = pd.DataFrame({"ann.lee@example.com": [1.0, 2.0, 4.0], "team": ["a", "b", "a"]})
    fake_model.replies = [code_reply("result = df['<EMAIL_ADDRESS>'].sum()")]
    answer = ask_llm(frame, "sum of the first column")
    assert answer.value == pytest.approx(7.0)
    assert "ann.lee@example.com" not in fake_model.prompts()[0]
    assert "<EMAIL_ADDRESS>" in fake_model.prompts()[0]
    assert answer.code.splitlines() == [
        "df = df.rename(columns={'ann.lee@example.com': '<EMAIL_ADDRESS>'})  "
        "# the column names the model was shown",
        "result = df['<EMAIL_ADDRESS>'].sum()"]
    assert list(frame.columns) == ["ann.lee@example.com", "team"]  # input untouched


def test_one_info_line_per_request_and_never_the_key(fake_model: Any,
                                                     code_reply: Callable[..., str],
                                                     sales: pd.DataFrame,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    fake_model.replies = [code_reply("result = df['salez'].sum()"),
                          code_reply("result = df['sales'].sum()")]
    with caplog.at_level(logging.DEBUG):
        ask_llm(sales, "total sales")
    ours = [r for r in caplog.records
            if r.name == "analyst_magics.llm" and r.levelno == logging.INFO]
    assert len(ours) == 2 and all(fake_model.url in r.getMessage() for r in ours)
    assert all("sk-test-secret-key" not in r.getMessage() for r in caplog.records)


def test_a_model_that_rejects_temperature_zero_is_asked_with_its_default(
        fake_model: Any, code_reply: Callable[..., str], sales: pd.DataFrame) -> None:
    refusal = {"error": {"message": "Unsupported value: 'temperature' does not support 0 with "
                                    "this model. Only the default (1) value is supported.",
                         "type": "invalid_request_error", "param": "temperature"}}
    fake_model.replies = [(400, refusal), code_reply(TOTALS)]
    answer = ask_llm(sales, "total sales by region")
    assert answer.kind.value == "table"
    assert "temperature" in fake_model.requests[0]["body"]
    assert "temperature" not in fake_model.requests[1]["body"]


def test_every_data_shape(fake_model: Any, code_reply: Callable[..., str],
                          frame: pd.DataFrame) -> None:
    fake_model.replies = [code_reply("result = int(df.shape[0] * 1000 + df.shape[1])")]
    answer = ask_llm(frame, "rows and columns")
    assert answer.value == len(frame) * 1000 + frame.shape[1]
