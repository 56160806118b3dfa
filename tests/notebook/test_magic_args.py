from __future__ import annotations

import pandas as pd
import pytest

from analyst_magics.errors import AnalystError, DataLoadError
from analyst_magics.magics import parse_analyze, parse_ask
from analyst_magics.namespace import find_frame, standalone_code

NS = {"sales": pd.DataFrame({"a": [1]}), "n": 3}


@pytest.mark.parametrize(("line", "frame", "question"), [
    ('sales "average a"', "sales", "average a"),
    ('"average a"', None, "average a"),
    ("sales average of a", "sales", "average of a"),
    ("average of a", None, "average of a"),
    ('n "is n a frame"', "n", "is n a frame"),  # a name before a quoted question: the frame
    ("n is n a frame", None, "n is n a frame"),  # unquoted, a word that is no frame: the question
])
def test_ask_finds_frame_and_question(line: str, frame: str | None, question: str) -> None:
    args = parse_ask(line, NS)
    assert (args.frame, args.question) == (frame, question)
    assert args.engine == "auto" and not args.insert and args.output is None


def test_ask_flags() -> None:
    args = parse_ask('sales "top 5 a" --engine rules --insert -o ans --debug', NS)
    assert (args.engine, args.insert, args.output, args.debug) == ("rules", True, "ans", True)


@pytest.mark.parametrize(("line", "message"), [
    ('sales "q" --engine gpt', "invalid choice: 'gpt'"),
    ('sales "q" --bogus', "unrecognized arguments: --bogus"),
    ("", "the following arguments are required"),
    ('sales "unclosed', "double quotes"),
])
def test_ask_bad_arguments_are_readable_errors(line: str, message: str) -> None:
    with pytest.raises(AnalystError, match=message):
        parse_ask(line, NS)


def test_analyze_arguments_and_questions() -> None:
    args = parse_analyze("sales --report html,pdf --no-clean",
                         "how many rows?\n\n# a comment\n  top 3 a  \n")
    assert args.frame == "sales" and args.report == ("html", "pdf") and args.clean is False
    assert args.questions == ["how many rows?", "top 3 a"]
    with pytest.raises(AnalystError, match="unknown report format docx"):
        parse_analyze("sales --report docx", "")


def test_find_frame() -> None:
    assert find_frame(None, NS)[0] == "sales"
    assert find_frame("sales", NS)[1] is NS["sales"]
    with pytest.raises(DataLoadError, match="Did you mean 'sales'"):
        find_frame("sale", NS)
    with pytest.raises(DataLoadError, match=r"'n' is not a pandas DataFrame \(it is a int\)"):
        find_frame("n", NS)
    with pytest.raises(DataLoadError, match="no DataFrame in this notebook yet"):
        find_frame(None, {"x": 1})
    several = {"a": pd.DataFrame(), "b": pd.DataFrame(), "_hidden": pd.DataFrame()}
    with pytest.raises(DataLoadError, match=r"Several DataFrames are defined \(a, b\)"):
        find_frame(None, several)


def test_standalone_code_binds_the_frame() -> None:
    code = standalone_code("result = df['a'].sum()", "sales")
    ns = {"sales": NS["sales"]}
    exec(code, ns)
    assert ns["result"] == 1


def test_inserted_code_leaves_the_users_df_alone() -> None:
    code = standalone_code("kept = df[df['a'] > 0]  # df holds 'df' rows\n"
                           "result = kept.df if hasattr(kept, 'df') else len(kept)", "sales")
    assert "sales[sales['a'] > 0]  # df holds 'df' rows" in code and "kept.df" in code
    user_df = pd.DataFrame({"a": [-1, -2]})
    ns = {"sales": NS["sales"], "df": user_df}
    exec(code, ns)
    assert ns["df"] is user_df and ns["result"] == 1


def test_a_misspelt_frame_name_is_named_in_the_error() -> None:
    namespace = {"orders": pd.DataFrame({"a": [1]}), "other": pd.DataFrame({"b": [2]})}
    args = parse_ask('ordrs "how many rows"', namespace)
    assert args.frame == "ordrs" and args.question == "how many rows"
    with pytest.raises(DataLoadError, match="No DataFrame called 'ordrs'.*Did you mean 'orders'"):
        find_frame(args.frame, namespace)


@pytest.mark.parametrize("frame", ["sales", "data", "result"])
def test_inserted_code_rebinds_none_of_the_users_names(frame: str) -> None:
    """The code assigns ``data`` and ``result``; a notebook that has them (or whose frame is
    called so) keeps them, and the cell still shows the answer."""
    code = standalone_code("data = df.copy()\nresult = int(data['a'].sum())", frame,
                           {"data": "mine", "result": "also mine", frame: NS["sales"]})
    user = {"data": "mine", "result": "also mine", frame: NS["sales"]}
    namespace = dict(user)
    *body, shown = code.strip().splitlines()
    exec("\n".join(body), namespace)
    assert {name: namespace[name] for name in user} == user
    assert eval(shown, namespace) == int(NS["sales"]["a"].sum())
