"""%ask and %%analyze through a real IPython shell."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell

import analyst_magics as am
from analyst_magics.models import Analysis, Answer, AnswerKind


@pytest.fixture
def sales(shell: InteractiveShell) -> pd.DataFrame:
    frame = am.sample_data(rows=400)
    shell.user_ns["sales"] = frame
    return frame


def test_ask_returns_an_answer_with_its_code(shell: InteractiveShell, sales: pd.DataFrame) -> None:
    before = sales.copy()
    answer = shell.run_line_magic("ask", 'sales "how many rows are there?"')
    assert isinstance(answer, Answer)
    assert answer.kind == AnswerKind.NUMBER and answer.value == len(sales)
    assert "len(df)" in answer.code
    pd.testing.assert_frame_equal(sales, before)  # never mutated


def test_ask_without_a_name_takes_the_only_frame(shell: InteractiveShell,
                                                 sales: pd.DataFrame) -> None:
    answer = shell.run_line_magic("ask", "average Revenue by Region")
    assert answer.kind == AnswerKind.TABLE
    assert set(answer.value.index) == set(sales["Region"].str.strip().unique())


def test_ask_output_and_insert(shell: InteractiveShell, sales: pd.DataFrame) -> None:
    answer = shell.run_line_magic("ask", 'sales "average Revenue by Region" --insert -o ans')
    assert shell.user_ns["ans"] is answer
    inserted = shell.rl_next_input
    assert "df" not in re.findall(r"\w+", inserted) and "sales.copy()" in inserted
    ns = {"sales": sales}
    exec(inserted, ns)  # the inserted cell runs on its own and gives the same answer
    pd.testing.assert_series_equal(ns["result"], answer.value)


def test_mime_bundle_has_html_and_text(shell: InteractiveShell, sales: pd.DataFrame) -> None:
    answer = shell.run_line_magic("ask", 'sales "average Revenue by Region"')
    bundle = answer._repr_mimebundle_()
    assert "<table" in bundle["text/html"] and "<details>" in bundle["text/html"]
    assert "average Revenue by Region" in bundle["text/plain"]
    assert "groupby" in bundle["text/plain"]


@pytest.mark.parametrize(("line", "message"), [
    ('nosuch "how many rows"', "No DataFrame called 'nosuch'"),
    ('sales "q" --engine gpt', "invalid choice: 'gpt'"),
])
def test_errors_are_one_line_messages(shell: InteractiveShell, sales: pd.DataFrame, line: str,
                                      message: str, capsys: pytest.CaptureFixture[str]) -> None:
    shell.user_ns["other"] = sales.head()
    assert shell.run_line_magic("ask", line) is None
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(("line", "where"), [
    ('%ask sales "q" --engine gpt --debug', "parse_ask"),
    ('%ask nosuch "how many rows" --debug', "find_frame"),
])
def test_debug_shows_the_traceback(shell: InteractiveShell, sales: pd.DataFrame, line: str,
                                   where: str, capsys: pytest.CaptureFixture[str]) -> None:
    shell.user_ns["other"] = sales.head()
    shell.run_cell(line)  # as a notebook cell runs it, with IPython's own error display
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and where in err
    assert "DataLoadError" in err or "invalid choice" in err


def test_unanswerable_question_is_an_error_answer(shell: InteractiveShell,
                                                  sales: pd.DataFrame) -> None:
    answer = shell.run_line_magic("ask", 'sales "what is the meaning of life?"')
    assert answer.kind == AnswerKind.ERROR and answer.message and not answer.code


def test_analyze_cell(shell: InteractiveShell, sales: pd.DataFrame,
                      capsys: pytest.CaptureFixture[str]) -> None:
    result = shell.run_cell_magic("analyze", "sales", "how many rows are there?\n\n"
                                  "# not a question\naverage Revenue by Region\n")
    assert isinstance(result, Analysis)
    assert [a.question for a in result.answers] == ["how many rows are there?",
                                                    "average Revenue by Region"]
    assert result.insights and result.cleaning is not None
    assert "100% done" in capsys.readouterr().err  # text progress outside a kernel


def test_analyze_questions_only(shell: InteractiveShell, sales: pd.DataFrame) -> None:
    answers = shell.run_cell_magic("analyze", "sales --questions-only", "how many rows are there?")
    assert [a.value for a in answers] == [len(sales)]
