"""Code and chart suggestions are found in the shapes real models reply in."""

from __future__ import annotations

import pytest

from analyst_magics.nlq.llm.extract import extract_chart, extract_code

CODE = "result = df.groupby('region')['sales'].sum()"


@pytest.mark.parametrize("reply", [
    f"```python\n{CODE}\n```",
    f"Sure! Here is the code:\n\n```py\n{CODE}\n```\nIt sums sales per region.",
    f"```Python3\n{CODE}\n```",
    f"```\n{CODE}\n```",
    f"~~~python\n{CODE}\n~~~",
    f"   ```python\n   {CODE}\n   ```",
    f"```python\n{CODE}\n",  # cut before the closing fence
    f"<think>Maybe ```python\nresult = 0\n```?</think>\n```python\n{CODE}\n```",
    f"```python {CODE}```",
    f"```python\n>>> {CODE}\n```",
    CODE,
    f"The code is:\n{CODE}\nThis groups by region.",
], ids=["python", "py-with-prose", "label-case", "unlabelled", "tilde", "indented", "unclosed",
        "think-section", "inline", "console", "bare", "bare-with-prose"])
def test_code_is_found(reply: str) -> None:
    assert extract_code(reply) == CODE


def test_multi_line_unfenced_code_is_kept_whole() -> None:
    reply = "Answer:\nresult = (df\n    .groupby('a')\n    .size())\nThat is all."
    assert extract_code(reply) == "result = (df\n    .groupby('a')\n    .size())"


def test_several_python_blocks_are_joined_in_order() -> None:
    reply = ("Step 1:\n```python\ntotals = df.sum()\n```\nthen\n```python\nresult = totals\n```"
             "\n```json\n{\"kind\": \"bar\"}\n```")
    assert extract_code(reply) == "totals = df.sum()\n\nresult = totals"


def test_an_unlabelled_output_block_does_not_hide_the_python_block() -> None:
    reply = f"```python\n{CODE}\n```\nOutput:\n```\nregion\nnorth  12\n```"
    assert extract_code(reply) == CODE


@pytest.mark.parametrize("reply", [
    "I'm sorry, but I can't help with that.",
    "",
    "The average is 42.",
    "```sql\nSELECT region, SUM(sales) FROM t GROUP BY region\n```",
    "print(66666666 + 7777777777777)",
])
def test_replies_without_code(reply: str) -> None:
    assert extract_code(reply) is None


def test_chart_suggestion() -> None:
    spec = {"kind": "bar", "x": "region", "y": "sales", "title": "Sales"}
    reply = f"```python\n{CODE}\n```\n```json\n{{\"kind\": \"bar\", \"x\": \"region\", " \
            "\"y\": \"sales\", \"title\": \"Sales\"}\n```"
    assert extract_chart(reply) == (spec, None)
    assert extract_chart(f"```python\n{CODE}\n```") == (None, None)
    assert extract_chart("```\n{\"kind\": \"line\"}\n```") == ({"kind": "line"}, None)


@pytest.mark.parametrize(("block", "problem"), [
    ("{kind: bar}", "not valid JSON"),
    ("[\"bar\"]", "JSON list, not an object"),
])
def test_unusable_chart_suggestion_says_why(block: str, problem: str) -> None:
    spec, why = extract_chart(f"```json\n{block}\n```")
    assert spec is None and problem in why
