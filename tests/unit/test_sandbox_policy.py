"""The policy layer on its own: compile-time refusals and run-time guards, in-process."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from analyst_magics.errors import SandboxError
from analyst_magics.nlq.sandbox import guards
from analyst_magics.nlq.sandbox.facades import namespace
from analyst_magics.nlq.sandbox.policy import compile_analysis


def _exec(code: str, frame: pd.DataFrame) -> Any:
    """Compile and run under the guards in this process (no isolation layer)."""
    guards.REFUSALS.clear()
    scope = namespace({"df": frame.copy()})
    try:
        exec(compile_analysis(code), scope)
    except SandboxError:
        raise
    except Exception:
        if not guards.REFUSALS:
            raise
    if guards.REFUSALS:
        raise SandboxError(guards.REFUSALS[0], kind="policy")
    return scope.get("result")


@pytest.fixture
def sales() -> pd.DataFrame:
    return pd.DataFrame({"region": ["N", "S", "N", "W"], "sales": [1.0, 2.0, 3.0, None],
                         "units": [1, 2, 3, 4],
                         "when": pd.date_range("2024-01-01", periods=4, freq="D")})


@pytest.mark.parametrize(("code", "words"), [
    ("x = ().__class__", "attribute access to '__class__' is not allowed: names starting with "
                         "'_' are private"),
    ("import os", "importing 'os' is not allowed"),
    ("from subprocess import run", "importing 'subprocess' is not allowed"),
    ("class A:\n    pass", "defining classes is not allowed"),
    ("@print\ndef f():\n    pass", "decorators are not allowed"),
    ("def g():\n    yield 1", "generators ('yield') are not allowed"),
    ("eval('1')", "eval() is not allowed"),
    ("exec('1')", "exec() is not allowed"),
    ("_write_ = 1", "the name '_write_' is not allowed"),
    ("x = 1\ndef f():\n    global x", "'global' statements are not allowed"),
])
def test_compile_refusal_names_the_construct(code: str, words: str) -> None:
    with pytest.raises(SandboxError) as err:
        compile_analysis(code)
    assert err.value.kind == "policy"
    assert words in str(err.value)
    assert str(err.value).startswith("Line ")


@pytest.mark.parametrize(("code", "words"), [
    ("getattr(df, '__class__')", "Attribute access to '__class__' is not allowed: names "
                                 "starting with '_' are private."),
    ("df.to_csv('x.csv')", "'to_csv' of a DataFrame object is not allowed; reading or writing"),
    ("pd.read_csv('x.csv')", "'pd.read_csv' is not available in analysis code"),
    ("pd.io.common.os", "'pd.io' is not available"),
    ("np.f2py", "'np.f2py' is not available"),
    ("df.agg('to_pickle', path='x')", "agg('to_pickle') is not allowed: only reducer names"),
    ("df.groupby('region').agg({'sales': ['sum', 'to_json']})", "agg('to_json') is not allowed"),
    ("df.pivot_table(index='region', values='sales', aggfunc='to_csv')", "pivot_table('to_csv')"),
    ("df.query('@pd')", "Local variables ('@name') in query() strings are not allowed"),
    ("df.eval('units + 1', engine='python')", "eval() with engine= is not allowed"),
    ("df.query('__import__(1)')", "Calling functions in a query() string is not allowed"),
    ("df.query('units.__class__')", "Name '__class__' is not allowed"),
    ("'{0.x}'.format(df)", "Attribute 'format' is not allowed"),
    ("pd.read_csv = len", "Changing 'pd' is not allowed"),
    ("pd.DataFrame.sum = len", "Changing 'DataFrame' is not allowed"),
    ("df.foo = 1", "Setting '.foo' on a DataFrame object is not allowed"),
    ("df.style", "styling is not available"),
    ("pd.DataFrame.to_pickle", "Class attribute 'DataFrame.to_pickle' is not allowed"),
    ("try:\n    df.to_pickle('x')\nexcept Exception:\n    pass", "'to_pickle'"),
    ("f = lambda: 1\nf.x = 2", "Changing a function object is not allowed"),
])
def test_runtime_guard_refusal(code: str, words: str, sales: pd.DataFrame) -> None:
    with pytest.raises(SandboxError) as err:
        _exec(code, sales)
    assert err.value.kind == "policy"
    assert words in str(err.value)


@pytest.mark.parametrize(("code", "expected"), [
    ("result = df.groupby('region')['sales'].agg('sum').to_dict()", {"N": 4.0, "S": 2.0,
                                                                      "W": 0.0}),
    ("result = df.groupby('region')['units'].agg(['mean', 'max']).shape", (3, 2)),
    ("result = df.groupby('region')['units'].transform('mean').tolist()", [2.0, 2.0, 2.0, 4.0]),
    ("result = df[df['units'] > 1].sort_values('units', ascending=False)['units'].tolist()",
     [4, 3, 2]),
    ("result = df['region'].str.lower().str.startswith('n').sum()", 2),
    ("result = df['when'].dt.day_name().iloc[0]", "Monday"),
    ("result = df['region'].value_counts().to_dict()", {"N": 2, "S": 1, "W": 1}),
    ("result = df.describe().loc['count', 'units']", 4.0),
    ("result = df.pivot_table(index='region', values='units', aggfunc='sum')['units'].sum()", 10),
    ("o = pd.DataFrame({'region': ['N'], 'k': [9]})\nresult = len(df.merge(o, on='region'))", 2),
    ("result = np.where(df['units'] > 2, 'hi', 'lo').tolist()", ["lo", "lo", "hi", "hi"]),
    ("result = round(float(np.sqrt(np.log(np.e ** 4))), 6)", 2.0),
    ("result = pd.to_numeric(pd.Series(['1', '2'])).sum()", 3),
    ("result = pd.to_datetime(pd.Series(['2024-02-03'])).dt.month.tolist()", [2]),
    ("result = pd.cut(df['units'], bins=[0, 2, 4], labels=['a', 'b']).tolist()",
     ["a", "a", "b", "b"]),
    ("result = pd.qcut(df['units'], 2, labels=False).tolist()", [0, 0, 1, 1]),
    ("result = {k: v * 2 for k, v in zip(['a', 'b'], range(2))}", {"a": 0, "b": 2}),
    ("total = 0\nfor i, u in enumerate(df['units']):\n    total += u * i\nresult = total", 20),
    ("c = {}\nfor r in df['region']:\n    c[r] = c.get(r, 0) + 1\nc['N'] += 10\nresult = c",
     {"N": 12, "S": 1, "W": 1}),
    ("result = sorted(set(df['region']), reverse=True)", ["W", "S", "N"]),
    ("result = (min(df['units']), max(df['units']), abs(-2), len(tuple(range(3))))", (1, 4, 2, 3)),
    ("import pandas as pd\nimport numpy as np\nresult = int(np.sum(df['units']))", 10),
    ("from collections import Counter\nresult = Counter(df['region']).most_common(1)",
     [("N", 2)]),
    ("result = df.query(\"region == 'N' and units > 1\")['units'].tolist()", [3]),
    ("df['double'] = df['units'] * 2\nresult = df['double'].sum()", 20),
    ("df.loc[df['units'] > 3, 'units'] = 0\nresult = df['units'].sum()", 6),
    ("result = df.sales.sum()", 6.0),
    ("result = (hasattr(df['region'], 'cat'), hasattr(df['region'], 'str'))", (False, True)),
    ("result = getattr(df['region'], 'cat', None)", None),
    ("result = f\"{df['units'].sum():,.1f}\"", "10.0"),
])
def test_benign_code_is_allowed(code: str, expected: Any, sales: pd.DataFrame) -> None:
    result = _exec(code, sales)
    assert result == expected


def test_refusal_sticks_even_when_caught(sales: pd.DataFrame) -> None:
    code = "try:\n    x = pd.io\nexcept Exception:\n    x = None\nresult = 1"
    with pytest.raises(SandboxError, match="'pd.io' is not available"):
        _exec(code, sales)


def test_code_must_be_short_text() -> None:
    with pytest.raises(SandboxError, match="limit is 20,000"):
        compile_analysis("x = 1\n" * 5000)
    with pytest.raises(SandboxError, match="must be a string"):
        compile_analysis(b"x = 1")  # type: ignore[arg-type]
