"""What generated SQL may be: one read-only query over the tables it was given.

The first of two locks (the second is the database's own configuration, ``duckdb_engine``):
the query is parsed with sqlglot, not matched as text, so the check sees what the engine will
run. It refuses, wherever they appear in the tree: a second statement, anything that is not a
query (DDL, DML, ``COPY``, ``ATTACH``, ``INSTALL``, ``LOAD``, ``SET``, ``PRAGMA``, ...), a table
that is not one of the given names or a name the query defines itself (``WITH``), so no file
path, URL or table function as a source, and functions the parser does not know, since an
unknown name is where a database hides its file and system functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from ..errors import SandboxError

__all__ = ["SQLPolicyError", "check_query"]

#: Statements (and parts of them) that change or reach out of the database: never in a query.
_STATEMENTS: tuple[type, ...] = (
    exp.DDL, exp.DML, exp.Command, exp.Copy, exp.Attach, exp.Detach, exp.Install, exp.Set,
    exp.Pragma, exp.Use, exp.Describe, exp.Transaction, exp.Commit, exp.Rollback, exp.Export,
    exp.LoadData, exp.Into, exp.Lock, exp.Grant, exp.Revoke, exp.Execute, exp.Summarize,
    exp.Show, exp.Analyze, exp.Refresh, exp.Cache, exp.TruncateTable, exp.Declare,
)
#: Functions the parser models that read or write files.
_FILE_FUNCTIONS: tuple[type, ...] = (exp.ReadCSV, exp.ReadParquet, exp.ToFile)


class SQLPolicyError(SandboxError):
    """Generated SQL that is not one read-only query over the registered tables."""

    def __init__(self, message: str) -> None:
        super().__init__(message, kind="policy")


def check_query(sql: str, tables: Iterable[str], *, dialect: str = "duckdb") -> str:
    """``sql`` as the engine should run it, or :class:`SQLPolicyError` saying what is refused.

    ``tables`` are the names the query may read (matched without regard to case).
    """
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except ParseError as exc:
        raise SQLPolicyError(f"The generated SQL does not parse: {exc}") from None
    if len(statements) != 1:
        raise SQLPolicyError(f"Only one SQL statement may run; this has {len(statements)}.")
    query = statements[0]
    if not isinstance(query, exp.Query):
        raise SQLPolicyError(f"Only a query (SELECT) may run, not {_describe(query)}.")
    allowed = {name.lower() for name in tables}
    defined = {cte.alias_or_name.lower() for cte in query.find_all(exp.CTE)}
    for node in query.walk():
        if isinstance(node, _STATEMENTS):
            raise SQLPolicyError(f"The query contains {_describe(node)}, which may not run.")
        if isinstance(node, (*_FILE_FUNCTIONS, exp.Anonymous)):
            raise SQLPolicyError(f"The function {_function_name(node)}() may not be called in "
                                 "generated SQL.")
        if isinstance(node, exp.Table):
            _check_table(node, allowed, defined)
    return query.sql(dialect=dialect)


def _check_table(table: exp.Table, allowed: set[str], defined: set[str]) -> None:
    if not isinstance(table.this, exp.Identifier):
        raise SQLPolicyError(f"The query reads from {table.this.sql()}; it may read only the "
                             f"table{'s' if len(allowed) > 1 else ''} {_names(allowed)}.")
    if table.args.get("db") or table.args.get("catalog"):
        raise SQLPolicyError(f"The query names {table.sql()}, in another schema or database; "
                             f"it may read only {_names(allowed)}.")
    if table.name.lower() not in allowed | defined:
        raise SQLPolicyError(f"The query reads {table.name!r}, which is not a registered "
                             f"table; it may read only {_names(allowed)}.")


def _describe(node: Any) -> str:
    if isinstance(node, exp.Command):
        return str(node.this).upper()
    return type(node).__name__.upper()


def _function_name(node: Any) -> str:
    return node.name if isinstance(node, exp.Anonymous) else type(node).__name__.lower()


def _names(names: set[str]) -> str:
    return ", ".join(sorted(names)) or "(none)"
