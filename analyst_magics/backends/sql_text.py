"""Names and strings written into SQL text, for the statements that take no parameters."""

from __future__ import annotations

__all__ = ["literal", "quote"]


def quote(name: str) -> str:
    """``name`` as an identifier, whatever characters it holds."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """``text`` as a string literal."""
    return "'" + text.replace("'", "''") + "'"
