"""``df.query()`` and ``df.eval()`` strings, read and evaluated by the sandbox, never by pandas.

pandas evaluates these strings with an expression engine of its own that resolves names,
attributes, calls and ``@`` locals. A check that reads the string one way while pandas reads
it another is a hole (a backtick inside a string literal, an expression nested in another),
so the sandbox never hands the string to pandas. It tokenises it with pandas' own tokenizer
(backticked names cleaned exactly as pandas cleans them), parses the tokens with ``ast`` and
evaluates a small grammar itself: column and index names, literals, comparisons (chained,
``in``/``not in``, ``==`` against a list), boolean and arithmetic operators, pandas' math
functions (``sqrt(x)``), and a few column methods (``name.str.contains('a')``,
``x.isin([1, 2])``, ``when.dt.year``). ``&`` and ``|`` bind like ``and``/``or``, as in
pandas. Anything else is refused as policy, so nothing in the string can reach an object
the grammar does not name.

>>> import pandas as pd
>>> frame = pd.DataFrame({"a": [1, 2, 3], "b b": [3, 2, 1]})
>>> query(frame, "a > 1 & `b b` < 3")["a"].tolist()
[2, 3]
>>> evaluate(frame, "c = a * 2\\nd = c + 1")["d"].tolist()
[3, 5, 7]
"""

from __future__ import annotations

import ast
import operator
import tokenize
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
import pandas as pd
from pandas.core.computation.parsing import (
    clean_backtick_quoted_toks,
    clean_column_name,
    tokenize_string,
)

from .refusals import refuse

__all__ = ["evaluate", "query"]

_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge}
_ARITHMETIC: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow, ast.BitAnd: operator.and_, ast.BitOr: operator.or_,
    ast.BitXor: operator.xor}
#: The functions pandas' expression engine knows (``pandas.core.computation.ops.MATHOPS``).
_FUNCTIONS = {name: getattr(np, name) for name in (
    "sin", "cos", "tan", "exp", "log", "expm1", "log1p", "sqrt", "sinh", "cosh", "tanh",
    "arcsin", "arccos", "arctan", "arccosh", "arcsinh", "arctanh", "abs", "log10", "floor",
    "ceil", "arctan2")}
_ACCESSORS = frozenset({"str", "dt"})
#: Column methods a string may call, by the kind of object they are called on.
_METHODS = {
    "column": frozenset({"isin", "isna", "isnull", "notna", "notnull", "between", "abs",
                         "round"}),
    "str": frozenset({"contains", "startswith", "endswith", "match", "fullmatch", "lower",
                      "upper", "len", "strip", "lstrip", "rstrip", "isdigit", "isalpha",
                      "isalnum", "isnumeric", "isspace", "islower", "isupper"}),
    "dt": frozenset(),
}
#: Fields read without a call (``when.dt.year``).
_FIELDS = {"dt": frozenset({"year", "month", "day", "hour", "minute", "second", "dayofweek",
                            "day_of_week", "weekday", "dayofyear", "day_of_year", "quarter",
                            "date", "is_month_start", "is_month_end", "is_year_start",
                            "is_year_end", "days_in_month"})}
_LITERALS = (int, float, complex, str, bool, type(None))


def query(frame: pd.DataFrame, expr: Any, *, inplace: bool = False,
          **kwargs: Any) -> pd.DataFrame | None:
    """``frame.query(expr)``: the rows where the condition holds."""
    tree = _parse(expr, "query", kwargs)
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        refuse("query() takes one condition, not statements or assignments.")
    mask = _Evaluator(frame, "query").value(tree.body[0].value)
    if not isinstance(mask, (pd.Series, np.ndarray, pd.Index)):
        raise ValueError(f"query() needs a condition on the columns, got the constant {mask!r}.")
    rows = frame.loc[mask]
    if not inplace:
        return rows
    frame._update_inplace(rows)  # noqa: SLF001 - what pandas' own query(inplace=True) does
    return None


def evaluate(frame: pd.DataFrame, expr: Any, *, inplace: bool = False, **kwargs: Any) -> Any:
    """``frame.eval(expr)``: a value, or (for ``name = ...`` lines) the frame with new columns."""
    tree = _parse(expr, "eval", kwargs)
    evaluator = _Evaluator(frame, "eval")
    statements = tree.body
    if len(statements) == 1 and isinstance(statements[0], ast.Expr):
        return evaluator.value(statements[0].value)
    target = frame if inplace else frame.copy()
    evaluator.frame = target
    for statement in statements:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)):
            refuse("eval() strings of several lines must assign one column per line "
                   "('c = a + b').")
        name = statement.targets[0].id
        _check_identifier(name, "eval")
        target[evaluator.label(name)] = evaluator.value(statement.value)
    return None if inplace else target


def _parse(expr: Any, method: str, kwargs: dict[str, Any]) -> ast.Module:
    """The string as pandas tokenises it (cleaned backtick names, ``&``/``|`` as
    ``and``/``or``), parsed as Python statements; ``@`` locals are refused."""
    if kwargs:
        refuse(f"{method}() with {', '.join(f'{k}=' for k in sorted(kwargs))} is not allowed "
               "in analysis code.")
    if not isinstance(expr, str):
        refuse(f"{method}() needs the expression as a string.")
    tokens = []
    for token in _tokens(expr, method):
        kind, text = clean_backtick_quoted_toks(token)
        if kind == tokenize.OP and text == "@":
            refuse(f"Local variables ('@name') in {method}() strings are not allowed: write the "
                   "value into the string, or use a boolean mask such as df[df['x'] > value].")
        if kind == tokenize.OP and text in ("&", "|"):
            kind, text = tokenize.NAME, "and" if text == "&" else "or"
        tokens.append((kind, text))
    source = tokenize.untokenize(tokens)
    try:
        return ast.parse(source.strip())
    except SyntaxError as exc:  # what cannot be read is not evaluated
        refuse(f"The {method}() string cannot be read ({exc.msg}); write a condition such as "
               "\"region == 'North' and sales > 100\".")


def _tokens(expr: str, method: str) -> list[tuple[int, str]]:
    try:
        return list(tokenize_string(expr))
    except (SyntaxError, tokenize.TokenError) as exc:
        refuse(f"The {method}() string cannot be read ({exc}).")


def _check_identifier(name: str, method: str) -> None:
    if name.startswith("_"):
        refuse(f"Name {name!r} is not allowed in a {method}() string.")


class _Evaluator:
    """Evaluates the grammar of query/eval strings over one frame's columns."""

    def __init__(self, frame: pd.DataFrame, method: str) -> None:
        self.frame, self.method = frame, method

    def label(self, name: str) -> Hashable:
        """The column label a (cleaned) name refers to, or the name itself."""
        for column in self.frame.columns:
            if clean_column_name(column) == name:
                return column
        return name

    def value(self, node: ast.AST) -> Any:
        handler = getattr(self, f"_{type(node).__name__}", None)
        if handler is None:
            refuse(f"{self.method}() strings may only compare and combine columns; "
                   f"{type(node).__name__} is not allowed.")
        return handler(node)

    def _Name(self, node: ast.Name) -> Any:  # noqa: N802 - named after the ast node
        _check_identifier(node.id, self.method)
        label = self.label(node.id)
        if label in self.frame.columns:
            return self.frame[label]
        index = self.frame.index
        if node.id in index.names:
            return pd.Series(index.get_level_values(node.id), index=index)
        if node.id == "index":
            return pd.Series(index, index=index)
        raise pd.errors.UndefinedVariableError(node.id)

    def _Constant(self, node: ast.Constant) -> Any:  # noqa: N802
        if not isinstance(node.value, _LITERALS):
            refuse(f"{type(node.value).__name__} literals are not allowed in {self.method}() "
                   "strings.")
        return node.value

    def _List(self, node: ast.List | ast.Tuple) -> list[Any]:  # noqa: N802
        return [self.value(item) for item in node.elts]

    _Tuple = _List

    def _UnaryOp(self, node: ast.UnaryOp) -> Any:  # noqa: N802
        operand = self.value(node.operand)
        if isinstance(node.op, (ast.Not, ast.Invert)):
            return ~operand if _is_vector(operand) else not operand
        return -operand if isinstance(node.op, ast.USub) else +operand

    def _BinOp(self, node: ast.BinOp) -> Any:  # noqa: N802
        function = _ARITHMETIC.get(type(node.op))
        if function is None:
            refuse(f"The operator {type(node.op).__name__} is not allowed in {self.method}() "
                   "strings.")
        return function(self.value(node.left), self.value(node.right))

    def _BoolOp(self, node: ast.BoolOp) -> Any:  # noqa: N802
        values = [self.value(item) for item in node.values]
        combined = values[0]
        for value in values[1:]:
            if _is_vector(combined) or _is_vector(value):
                combined = combined & value if isinstance(node.op, ast.And) else combined | value
            else:
                combined = (combined and value) if isinstance(node.op, ast.And) \
                    else (combined or value)
        return combined

    def _Compare(self, node: ast.Compare) -> Any:  # noqa: N802
        left, outcome = self.value(node.left), None
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.value(right_node)
            step = _compare(op, left, right)
            outcome = step if outcome is None else outcome & step
            left = right
        return outcome

    def _Attribute(self, node: ast.Attribute) -> Any:  # noqa: N802
        _check_identifier(node.attr, self.method)
        owner = self.value(node.value)
        kind = _kind(owner)
        if kind == "column" and node.attr in _ACCESSORS:
            return getattr(owner, node.attr)
        if node.attr in _FIELDS.get(kind, ()):
            return getattr(owner, node.attr)
        refuse(f"{self.method}() strings cannot read {node.attr!r} here; they may use "
               "column.str.<method>(...), column.dt.<field> and a few column methods.")

    def _Call(self, node: ast.Call) -> Any:  # noqa: N802
        function = self._callee(node.func)
        if any(keyword.arg is None for keyword in node.keywords):
            refuse(f"'**' is not allowed in {self.method}() strings.")
        if node.keywords and isinstance(node.func, ast.Name):
            refuse(f"Keyword arguments of {node.func.id}() are not allowed in {self.method}() "
                   "strings.")
        args = [self.value(arg) for arg in node.args]
        kwargs = {str(keyword.arg): self.value(keyword.value) for keyword in node.keywords}
        return function(*args, **kwargs)

    def _callee(self, func: ast.expr) -> Callable[..., Any]:
        """The function a call names, checked before any argument is evaluated."""
        if isinstance(func, ast.Name) and func.id in _FUNCTIONS:
            return _FUNCTIONS[func.id]
        if isinstance(func, ast.Attribute):
            _check_identifier(func.attr, self.method)
            if func.attr not in set().union(*_METHODS.values()):
                refuse(f"Method {func.attr!r} is not allowed in a {self.method}() string.")
            owner = self.value(func.value)
            if func.attr in _METHODS.get(_kind(owner), ()):
                return getattr(owner, func.attr)
            refuse(f"Method {func.attr!r} is not allowed in a {self.method}() string.")
        refuse(f"Calling functions in a {self.method}() string is not allowed, except "
               f"{', '.join(sorted(_FUNCTIONS))}; use column methods such as "
               "name.str.startswith('N').")


def _is_vector(value: Any) -> bool:
    return isinstance(value, (pd.Series, pd.Index, np.ndarray))


def _kind(value: Any) -> str:
    """Which methods apply: a column's, its .str accessor's, its .dt accessor's, or none."""
    if isinstance(value, (pd.Series, pd.Index)):
        return "column"
    name = type(value).__name__
    if name == "StringMethods":
        return "str"
    if name.endswith("Properties"):  # DatetimeProperties, TimedeltaProperties...
        return "dt"
    return ""


def _compare(op: ast.cmpop, left: Any, right: Any) -> Any:
    """One comparison, with pandas' meaning of ``in`` and of ``==`` against a list."""
    negate = isinstance(op, (ast.NotIn, ast.NotEq))
    if isinstance(op, (ast.In, ast.NotIn)) or (
            isinstance(op, (ast.Eq, ast.NotEq)) and isinstance(right, list)):
        member = _isin(left, right)
        return (~member if _is_vector(member) else not member) if negate else member
    function = _COMPARE.get(type(op))
    if function is None:
        refuse(f"The comparison {type(op).__name__} is not allowed in query/eval strings.")
    return function(left, right)


def _isin(left: Any, right: Any) -> Any:
    values = right if isinstance(right, (list, pd.Series, pd.Index, np.ndarray)) else [right]
    if isinstance(left, (pd.Series, pd.Index)):
        return left.isin(values)
    if isinstance(right, (pd.Series, pd.Index)):
        return right.isin([left])
    return left in values
