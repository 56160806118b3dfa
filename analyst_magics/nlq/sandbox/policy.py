"""The policy layer: compile analysis code with RestrictedPython and a stricter transformer.

On top of RestrictedPython 9 (no names or attributes starting with ``_``, no ``exec``/``eval``,
guarded attribute/item/iteration/write), analysis code may not define classes, use
decorators (they call functions without an ``ast.Call`` node), write generators (their frames
lead back to the interpreter) or import anything but the façades. ``x[k] += v`` is allowed
and rewritten through the guards. Refusals are reported in words a user understands.

>>> code = compile_analysis("result = df['sales'].sum()")
>>> try:
...     compile_analysis("x = ().__class__")
... except SandboxError as exc:
...     print(exc.kind, exc)
policy Line 1: attribute access to '__class__' is not allowed: names starting with '_' are private.
"""

from __future__ import annotations

import ast
import re
from types import CodeType
from typing import Any

from RestrictedPython import compile_restricted_exec
from RestrictedPython.transformer import IOPERATOR_TO_STR, RestrictingNodeTransformer

from ...errors import SandboxError
from .allowlist import IMPORTABLE

__all__ = ["FILENAME", "MAX_CODE_CHARS", "compile_analysis"]

#: The file name analysis code gets in tracebacks (used to report line numbers).
FILENAME = "<analysis>"
#: Longest accepted code; generated answers are a few lines.
MAX_CODE_CHARS = 20_000

_NOT_ALLOWED = {
    "ClassDef": "defining classes is not allowed",
    "Yield": "generators ('yield') are not allowed",
    "YieldFrom": "generators ('yield from') are not allowed",
    "Global": "'global' statements are not allowed",
    "Nonlocal": "'nonlocal' statements are not allowed",
    "AsyncFunctionDef": "async functions are not allowed",
    "Await": "'await' is not allowed",
    "TryStar": "'except*' is not allowed",
}


class AnalysisPolicy(RestrictingNodeTransformer):
    """RestrictedPython's transformer with the extra rules of analysis code."""

    def refuse(self, node: ast.AST, message: str) -> None:
        self.error(node, message)

    def generic_visit(self, node: ast.AST) -> ast.AST:  # type: ignore[override]
        self.refuse(node, f"{type(node).__name__} is not supported in analysis code")
        return node

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        if node.attr.startswith("_"):
            self.refuse(node, f"attribute access to {node.attr!r} is not allowed: names "
                              "starting with '_' are private")
            return node
        return super().visit_Attribute(node)

    def check_name(self, node: Any, name: str | None,
                   allow_magic_methods: bool = False) -> None:
        if name is not None and name.startswith("_") and name != "_":
            self.refuse(node, f"the name {name!r} is not allowed: names starting with '_' are "
                              "private")
            return
        super().check_name(node, name, allow_magic_methods=False)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> Any:
        if node.decorator_list:
            self.refuse(node, "decorators are not allowed")
        return super().visit_FunctionDef(node)

    def visit_Import(self, node: ast.Import) -> Any:
        for alias in node.names:
            self._check_module(node, alias.name)
        return super().visit_Import(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> Any:
        self._check_module(node, "." * node.level + (node.module or ""))
        return super().visit_ImportFrom(node)

    def _check_module(self, node: ast.AST, module: str) -> None:
        if module not in IMPORTABLE:
            self.refuse(node, f"importing {module!r} is not allowed: pandas is available as pd "
                              f"and NumPy as np (importable: {', '.join(sorted(IMPORTABLE))})")

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        """An f-string field is formatted from ``_field_(value)`` (``texts.field``)."""
        visited = super().visit_FormattedValue(node)
        if isinstance(visited, ast.FormattedValue):
            visited.value = _call("_field_", [visited.value], visited.value)
        return visited

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        """``a % b`` is ``_modulo_(a, b)`` (``texts.safe_modulo``): it may format text."""
        visited = super().visit_BinOp(node)
        if not isinstance(visited, ast.BinOp) or not isinstance(visited.op, ast.Mod):
            return visited
        return _call("_modulo_", [visited.left, visited.right], visited)

    def visit_Call(self, node: ast.Call) -> Any:
        """``str(x)`` is ``_str_(x)`` (``texts.safe_str``); ``str`` itself stays the type."""
        visited = super().visit_Call(node)
        if (isinstance(visited, ast.Call) and isinstance(visited.func, ast.Name)
                and visited.func.id == "str" and len(visited.args) == 1
                and not visited.keywords and not isinstance(visited.args[0], ast.Starred)):
            visited.func = ast.fix_missing_locations(
                ast.copy_location(ast.Name("_str_", ast.Load()), visited.func))
        return visited

    def visit_AugAssign(self, node: ast.AugAssign) -> Any:
        if not isinstance(node.target, ast.Subscript):
            return super().visit_AugAssign(node)
        return self._augmented_item(node)

    def _augmented_item(self, node: ast.AugAssign) -> list[ast.stmt]:
        """``x[k] op= v`` as ``t = x; i = k; _write_(t)[i] = _inplacevar_(op, t[i], v)``."""
        target = node.target
        assert isinstance(target, ast.Subscript)
        holder, index = self.gen_tmp_name(), self.gen_tmp_name()
        value, key, operand = (self.visit(part) for part in (target.value, target.slice,
                                                              node.value))

        def name(identifier: str, store: bool = False) -> ast.Name:
            return ast.Name(identifier, ast.Store() if store else ast.Load())

        def call(function: str, *args: ast.expr) -> ast.Call:
            return ast.Call(name(function), list(args), [])

        statements: list[ast.stmt] = [
            ast.Assign([name(holder, store=True)], value),
            ast.Assign([name(index, store=True)], key),
            ast.Assign([ast.Subscript(call("_write_", name(holder)), name(index), ast.Store())],
                       call("_inplacevar_", ast.Constant(IOPERATOR_TO_STR[type(node.op)]),
                            call("_getitem_", name(holder), name(index)), operand)),
        ]
        for statement in statements:
            ast.copy_location(statement, node)
            ast.fix_missing_locations(statement)
        return statements


def _call(function: str, args: list[ast.expr], like: ast.AST) -> ast.Call:
    """``function(*args)`` placed where ``like`` was (the sandbox's own helper names)."""
    call = ast.Call(ast.Name(function, ast.Load()), args, [])
    return ast.fix_missing_locations(ast.copy_location(call, like))


for _node, _reason in _NOT_ALLOWED.items():
    def _visit(self: AnalysisPolicy, node: ast.AST, _reason: str = _reason) -> ast.AST:
        self.refuse(node, _reason)
        return node
    setattr(AnalysisPolicy, f"visit_{_node}", _visit)


_LINE = re.compile(r"^Line (\d+): ")
_RESTRICTED_WORDS = (
    (re.compile(r'"(\w+)" is a restricted name, that is forbidden to access in '
                r"RestrictedPython\."), r"access to '\1' is not allowed (interpreter internals)"),
    (re.compile(r"Eval calls are not allowed\."), "eval() is not allowed"),
    (re.compile(r"Exec calls are not allowed\."), "exec() is not allowed"),
    (re.compile(r'"(\w+)" is a reserved name\.'), r"'\1' is not allowed"),
    (re.compile(r"Augmented assignment of attributes is not allowed\."),
     "'obj.attr += value' is not allowed; write obj.attr = obj.attr + value"),
)


def _in_user_words(error: str) -> str:
    for pattern, words in _RESTRICTED_WORDS:
        error = pattern.sub(words, error)
    return error.rstrip(".")


def compile_analysis(code: str) -> CodeType:
    """Compile analysis code under the policy, or raise ``SandboxError(kind="policy")``.

    The message names each refused construct and its line, e.g. ``Line 1: attribute access
    to '__class__' is not allowed: names starting with '_' are private.``
    """
    if not isinstance(code, str):
        raise SandboxError(f"Analysis code must be a string, got {type(code).__name__}.",
                           kind="policy")
    if len(code) > MAX_CODE_CHARS:
        raise SandboxError(f"Analysis code is {len(code):,} characters long; the limit is "
                           f"{MAX_CODE_CHARS:,}.", kind="policy")
    try:
        result = compile_restricted_exec(code, filename=FILENAME, policy=AnalysisPolicy)
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, absurd nesting
        raise SandboxError(f"Analysis code cannot be compiled: {exc}.", kind="policy") from None
    if result.errors:
        messages = [_in_user_words(error) for error in result.errors]
        raise SandboxError(". ".join(dict.fromkeys(messages)) + ".", kind="policy")
    assert result.code is not None  # compiled whenever there is no error
    return result.code
