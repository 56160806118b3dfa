"""The user's namespace as the notebook faces see it: which DataFrame a request means, and
answer code rewritten to run in that namespace without rebinding any of the user's names.

Shared by the magics and the sidebar's comm (both work on the kernel's own variables).
"""

from __future__ import annotations

import difflib
import io
import tokenize
from typing import Any

import pandas as pd

from .errors import DataLoadError

__all__ = ["find_frame", "renamed", "standalone_code"]


def find_frame(name: str | None, namespace: dict[str, Any]) -> tuple[str, pd.DataFrame]:
    """The DataFrame called ``name``, or the only DataFrame in the namespace."""
    frames = {k: v for k, v in namespace.items()
              if isinstance(v, pd.DataFrame) and not k.startswith("_")}
    if name is None:
        if len(frames) == 1:
            return next(iter(frames.items()))
        if not frames:
            raise DataLoadError("There is no DataFrame in this notebook yet. Create one first, "
                                "e.g. df = analyst_magics.load('sales.csv') or "
                                "df = analyst_magics.sample_data().")
        raise DataLoadError(f"Several DataFrames are defined ({', '.join(sorted(frames))}); "
                            f'name one: %ask {sorted(frames)[0]} "your question"')
    value = namespace.get(name)
    if isinstance(value, pd.DataFrame):
        return name, value
    if name in namespace:
        kind = type(value).__name__
        raise DataLoadError(f"{name!r} is not a pandas DataFrame (it is a {kind}).")
    close = difflib.get_close_matches(name, list(frames), n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise DataLoadError(f"No DataFrame called {name!r} in this notebook.{hint} "
                        f"DataFrames: {', '.join(sorted(frames)) or 'none'}.")


def standalone_code(code: str, frame: str, namespace: dict[str, Any] | None = None) -> str:
    """The answer's code as a cell that runs on its own in the user's kernel and shows its
    result: ``df`` is renamed to the frame that was asked about, and each name the code assigns
    that ``namespace`` already holds (``data``, ``result``…) gets a free name instead, so the
    cell never rebinds a variable of the user's."""
    code, shown = code.rstrip(), "result"
    taken = set(namespace or ()) | {frame}
    for name in sorted(_assigned(code) & taken):
        free = next(f"{name}_{i}" for i in range(1, len(taken) + 2) if f"{name}_{i}" not in taken)
        code, taken = renamed(code, name, free), taken | {free}
        shown = free if name == "result" else shown
    return f"{renamed(code, 'df', frame)}\n{shown}\n"


def _assigned(code: str) -> set[str]:
    """Names that ``code`` binds at its top level (assignments, loops, imports)."""
    import ast

    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
    return names


def renamed(code: str, old: str, new: str) -> str:
    """``code`` with every use of the name ``old`` (not in strings or attributes) as ``new``."""
    if old == new:
        return code
    lines = code.splitlines(keepends=True)
    spots = []
    previous = None
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.NAME and token.string == old and previous != ".":
            spots.append(token.start)
        previous = token.string
    for row, col in reversed(spots):
        line = lines[row - 1]
        lines[row - 1] = line[:col] + new + line[col + len(old):]
    return "".join(lines)
