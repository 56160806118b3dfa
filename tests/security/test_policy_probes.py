"""Probes for each class of policy hole, several spellings each, under each layer.

Every refused probe must end as a *policy* refusal both under the policy alone (in this
process) and through the whole sandbox; every benign twin must still give its answer.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from analyst_magics.errors import SandboxError

# Class 1: query()/eval() strings reach nothing beyond comparisons, arithmetic and columns.
EXPRESSION_ATTACKS = [
    # a backtick inside a string literal must not hide what follows
    "result = df.query(\"region == '`' or units.__class__ or '`'\")",
    "result = df.query(\"region == '`' + __import__('os').getcwd() + '`'\")",
    "result = df.query('`unit price` > 1 and \"`\" == \"`\" or units.values.tofile(\"x\")')",
    # a string nested in another is never evaluated by pandas
    "result = df.query(\"units.pipe(len) > 0\")",
    "result = df.query(\"region.str.contains('N').eval('1')\")",
    "result = df.eval(\"units.__class__.__mro__\")",
    "result = df.eval(\"x = 1\\ny = units.__class__\")",  # across lines
    "result = df.query(\"units > 0\\nand index.map(len)\")",
    "result = df.query('@pd')",
    "result = df.eval('@np.load(\"x\")')",
    "result = df.query('(lambda: 1)() == 1')",
    "result = df.query('[u for u in units] == 1')",
    "result = df.query(\"f'{units}' == 'x'\")",
    "result = df.query('units[0] > 1')",
    "result = df.query('(u := units) > 1')",
    "result = df.query('units > 1', local_dict={'units': 1})",
    "result = df.query('units > 1', engine='python')",
    "result = df.eval('units + 1', resolvers=[{}])",
    "result = df.query(['units > 1'])",
    "result = df['units'].to_frame().query('sqrt(units).real > 0')",
    "result = df.query('sqrt(units, out=units) > 0')",
    "result = df.query(\"region.str.cat.__doc__\")",
]

EXPRESSION_BENIGN = [
    ("result = df.query(\"region == 'N' and units > 1\")['units'].tolist()", [3]),
    ("result = df.query('`unit price` > 2 & units < 4')['units'].tolist()", [1, 3]),
    ("result = df.query(\"region in ['N', 'S']\")['units'].tolist()", [1, 2, 3]),
    ("result = df.query(\"region not in ('N',)\")['units'].tolist()", [2, 4]),
    ("result = df.query(\"region == ['S', 'W']\")['units'].tolist()", [2, 4]),
    ("result = df.query(\"region.str.startswith('N')\")['units'].tolist()", [1, 3]),
    ("result = df.query(\"code != '`'\")['units'].tolist()", [1, 2, 3, 4]),
    ("result = df.query('`code` == \"a`b\"')['units'].tolist()", [1]),
    ("result = df.query('when.dt.month == 2')['units'].tolist()", [3, 4]),
    ("result = df.query('1 < units <= 3')['units'].tolist()", [2, 3]),
    ("result = df.query('not (units > 1) or index == 3')['units'].tolist()", [1, 4]),
    ("result = df.query('~(units % 2 == 0)')['units'].tolist()", [1, 3]),
    ("result = df.query('sqrt(units) >= 2')['units'].tolist()", [4]),
    ("result = df.eval('units * `unit price`').tolist()", [2.5, 2.0, 12.0, 12.0]),
    ("result = df.eval('total = units * 2\\nhalf = total / 4')['half'].tolist()",
     [0.5, 1.0, 1.5, 2.0]),
    ("df.eval('big = units > 2', inplace=True)\nresult = df['big'].sum()", 2),
    ("df.query('units > 2', inplace=True)\nresult = len(df)", 2),
]

# Class 2: no array over raw memory, no object dtype from memory, no unchecked codes.
MEMORY_ATTACKS = [
    "result = np.ndarray((4,), dtype='O', buffer=b'\\0' * 32)",
    "result = np.ndarray(shape=(1,), dtype='i8', buffer=df['units'].to_numpy(), offset=4096)",
    "a = df['units'].to_numpy()\nresult = np.ndarray((8,), 'i8', a, 0, (-8,)).tolist()",
    "result = np.ndarray([2])",
    "result = df['units'].to_numpy().view('O')",
    "result = df['units'].to_numpy().view(dtype=[('a', 'O')])",
    "result = pd.Categorical.from_codes([5, 7], categories=['a'], validate=False).tolist()",
    "result = pd.Categorical.from_codes([9], ['a'], None, None, False).tolist()",
    "result = pd.Series(pd.Categorical.from_codes(codes=[9], categories=['a'], validate=0))",
    "result = pd.MultiIndex(levels=[['a']], codes=[[7]], verify_integrity=False).tolist()",
    "result = pd.MultiIndex([['a']], [[7]], None, None, False, None, False).tolist()",
    "result = df['units'].to_numpy().byteswap(inplace=True)",
    # the writable array behind a read-only view: codes pandas indexes without bounds checks
    "cat = pd.Categorical.from_codes([0], ['a', 'b'])\nw = cat.codes.base\nw[0] = 120\n"
    "result = list(cat)",
    "idx = pd.MultiIndex.from_arrays([['a'], [1]])\nw = idx.codes[0].base\nw[0] = 9",
    "result = df['units'].to_numpy().T.base",
    # pandas' own view(dtype) is its private array (a Categorical's codes, an Index's data)
    "c = pd.Categorical(['a', 'b'])\nv = c.view('int8')\nv[0] = 50\nresult = list(c)",
    "s = pd.Series(pd.Categorical(['a', 'b']))\nresult = s.array.view('int8')",
    "result = pd.CategoricalIndex(['a', 'b']).array.view('int8')",
    "result = pd.DatetimeIndex(['2024-01-01']).view('i8')",
    "result = pd.DatetimeIndex(['2024-01-01']).asi8",
]

MEMORY_BENIGN = [
    ("result = isinstance(df['units'].to_numpy(), np.ndarray)", True),
    ("result = isinstance(df, (pd.Series, pd.DataFrame))", True),
    ("result = isinstance(df.index, pd.MultiIndex)", False),
    ("result = pd.Categorical.from_codes([0, 1], categories=['a', 'b']).tolist()", ["a", "b"]),
    ("result = pd.MultiIndex.from_arrays([['a', 'b'], [1, 2]]).nlevels", 2),
    ("result = pd.MultiIndex(levels=[['a']], codes=[[0]]).tolist()", [("a",)]),
    ("result = df['units'].to_numpy().view('u8').tolist()", [1, 2, 3, 4]),
    ("result = np.array(['a', 'b'], dtype='O').tolist()", ["a", "b"]),
    ("result = pd.concat([df, df], ignore_index=True).shape[0]", 8),
    ("result = df.merge(df, on='region', validate='many_to_many').shape[0]", 6),
    # an array pandas checked is its own copy: writing the caller's array changes nothing
    ("a = np.array([0, 1], dtype='int8')\nc = pd.Categorical.from_codes(a, ['x', 'y'])\n"
     "a[0] = 120\nresult = np.asarray(c).tolist()", ["x", "y"]),
    ("a = np.array([0, 1], dtype='int8')\nm = pd.MultiIndex(levels=[['x', 'y']], codes=[a])\n"
     "a[1] = 100\nresult = m.tolist()", [("x",), ("y",)]),
    ("a = np.zeros(2, dtype='int8')\nc = pd.Categorical.from_codes(pd.Series(a, copy=False), "
     "['x', 'y'])\na[0] = 120\nresult = list(c)", ["x", "x"]),
    ("a = np.zeros(2, dtype='int8')\nm = pd.MultiIndex(levels=[['x', 'y']], "
     "codes=[pd.Index(a, copy=False)])\na[1] = 100\nresult = m.tolist()", [("x",), ("x",)]),
    ("result = np.arange(3).view('u8').tolist()", [0, 1, 2]),
]

# Class 3: names given to agg/apply/transform/pipe in any container are reducers only.
DISPATCH_ATTACKS = [
    "result = df.agg(np.array(['to_pickle']), path=OUT)",
    "result = df.agg(np.array([['sum', 'to_pickle']]), path=OUT)",
    "result = df.agg(pd.Index(['to_pickle']), path=OUT)",
    "result = df.apply(pd.Series(['to_csv']), path_or_buf=OUT)",
    "result = df['units'].agg(pd.array(['to_pickle']), path=OUT)",
    "result = df.groupby('region').agg({'units': np.array(['sum', 'to_json'])})",
    "result = df.transform(pd.Series({'units': 'to_dict'}))",
    "result = df.agg({'units': {'to_dict'}})",
    "result = df.agg(iter(['to_dict']))",
    "result = df.groupby('region')['units'].agg(out=np.array(['to_dict']))",
    "result = df.groupby('region')['units'].agg(out=pd.NamedAgg('units', 'to_dict'))",
    "result = df.apply(func='to_pickle', path=OUT)",
    "result = df.groupby('region').apply('to_pickle', OUT)",
    "result = df.pipe(np.array(['to_dict']))",
    "result = df.pipe('to_dict')",
    "result = df['units'].rolling(2).agg(pd.Index(['sum', 'to_dict']))",
    "result = df.pivot_table(index='region', values='units', aggfunc=np.array(['to_dict']))",
    "result = pd.crosstab(df['region'], df['units'], values=df['units'], "
    "aggfunc=pd.Series(['to_dict']))",
]

DISPATCH_BENIGN = [
    ("result = df[['units']].agg(['sum', 'max'])['units'].tolist()", [10, 4]),
    ("result = df['units'].agg(np.array(['sum', 'min'])).tolist()", [10, 1]),
    ("result = df.groupby('region').agg(total=('units', 'sum'))['total'].tolist()", [4, 2, 4]),
    ("result = df.groupby('region')['units'].agg(top='max').iloc[:, 0].tolist()", [3, 2, 4]),
    ("result = df.groupby('region')['units'].transform('mean').tolist()", [2.0, 2.0, 2.0, 4.0]),
    ("result = df['units'].apply(lambda u: u * 2).tolist()", [2, 4, 6, 8]),
    ("result = df.pipe(len)", 4),
    ("result = df.pipe((lambda frame, n: len(frame) + n, 'frame'), n=1)", 5),
    ("result = df.agg({'units': ['sum'], 'unit price': ['max']}).shape", (2, 2)),
]

# Class 4: time zones are IANA names, never paths.
ZONE_ATTACKS = [
    "result = pd.Timestamp('2024-01-01', tz='dateutil//etc/passwd')",
    "result = df['when'].dt.tz_localize('dateutil/../../../../etc/hostname')",
    "result = df['when'].astype('datetime64[ns, dateutil//etc/hosts]')",
    "result = pd.date_range('2024-01-01', periods=2, tz='dateutil//root/.ssh/id_rsa')",
    "result = pd.DatetimeTZDtype(tz='dateutil//etc/shadow')",
    "result = pd.Timestamp.now('dateutil//proc/self/environ')",
    "result = df['when'].dt.tz_localize('UTC').dt.tz_convert('dateutil/../../etc/passwd')",
    "try:\n    pd.Timestamp('2024', tz='dateutil//etc/passwd')\nexcept Exception:\n    pass\n"
    "result = 1",
]

ZONE_BENIGN = [
    ("result = str(pd.Timestamp('2024-01-01', tz='dateutil/Europe/Paris').tz).endswith("
     "\"Europe/Paris')\")", True),
    ("result = str(pd.Timestamp('2024-01-01', tz='Europe/Paris').tz)", "Europe/Paris"),
    ("result = df['when'].dt.tz_localize('UTC').dt.hour.tolist()", [0, 0, 0, 0]),
    ("result = pd.date_range('2024-01-01', periods=2, tz='dateutil/UTC').size", 2),
]


# Class 2 too: text made from objects carries no memory address to aim a read at.
TEXT_OF_OBJECTS = [
    "repr(f)", "str(f)", "f'{f}'", "f'{f!r:>30}'", "'%s' % (f,)", "format(f)",
    "str(df.groupby('region'))", "repr([f, iter([1])])", "f'{df.groupby(\"region\")}'",
    "[print(f), printed][1]",
]


@pytest.mark.parametrize("expression", TEXT_OF_OBJECTS)
def test_text_of_objects_has_no_address(expression: str, layers: Any,
                                        probe_frame: pd.DataFrame) -> None:
    text = layers(f"f = lambda: 0\nresult = {expression}", probe_frame)
    assert isinstance(text, str) and "0x…" in text
    assert not re.search(r"0x[0-9a-f]{6,}", text)


def test_inplace_formatting_has_no_address_either(layers: Any, probe_frame: pd.DataFrame) -> None:
    text = layers("f = lambda: 0\ntext = '%s'\ntext %= (f,)\nresult = text", probe_frame)
    assert not re.search(r"0x[0-9a-f]{6,}", text)


@pytest.mark.parametrize("code", ["f = lambda: 0\nresult = hash(f)",
                                  "result = hash((1, iter([])))"])
def test_hash_of_an_object_is_refused(code: str, layers: Any, probe_frame: pd.DataFrame) -> None:
    with pytest.raises(SandboxError) as err:
        layers(code, probe_frame)
    assert err.value.kind == "policy"


def _materialise(code: str, out: Path) -> str:
    return code.replace("OUT", repr(str(out)))


@pytest.mark.parametrize("code", EXPRESSION_ATTACKS + MEMORY_ATTACKS + DISPATCH_ATTACKS
                         + ZONE_ATTACKS)
def test_policy_refuses(code: str, layers: Any, probe_frame: pd.DataFrame,
                        tmp_path: Path) -> None:
    out = tmp_path / "written"
    with pytest.raises(SandboxError) as err:
        layers(_materialise(code, out), probe_frame)
    assert err.value.kind == "policy", str(err.value)
    assert not out.exists()


@pytest.mark.parametrize(("code", "expected"), EXPRESSION_BENIGN + MEMORY_BENIGN
                         + DISPATCH_BENIGN + ZONE_BENIGN)
def test_benign_twin_answers(code: str, expected: Any, layers: Any,
                             probe_frame: pd.DataFrame) -> None:
    assert layers(code, probe_frame) == expected


@pytest.mark.parametrize("code", [
    "result = df.query(\"region == 'N'\")",
    "result = df.eval('units * 2')",
])
def test_expressions_match_pandas(code: str, policy_only: Any,
                                  probe_frame: pd.DataFrame) -> None:
    """The sandbox's reading of a query/eval string gives what pandas' own gives."""
    scope = {"df": probe_frame.copy(), "pd": pd}
    exec(code, scope)  # noqa: S102 - trusted test code, plain pandas
    expected = scope["result"]
    actual = policy_only(code, probe_frame)
    if isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(actual, expected)
    else:
        pd.testing.assert_series_equal(actual, expected, check_names=False)
