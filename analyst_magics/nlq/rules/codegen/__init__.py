"""Pandas code for an intent: plain, readable lines a user can paste into a notebook.

The code reads the DataFrame ``df`` and assigns ``result``. It uses no imports, no private
attributes and no I/O, so the sandbox runs it unchanged and the code shown is the code that ran.
Preparation comes first and only when needed: numbers written as text are cleaned, dates written
as text are parsed, derived columns are added (all on a copy), summary rows are left out, and
the rows the question filters on are selected.
"""

from __future__ import annotations

from ..intents import Intent, IntentKind
from ..schema import Schema
from . import reductions, statistics
from .code import Code, column_ref, filter_rows, literal, prepare

__all__ = ["Code", "write_code", "literal", "column_ref"]

#: intents whose writer applies the conditions itself
_OWN_FILTER = frozenset({IntentKind.SHARE, IntentKind.CHECK, IntentKind.COUNT, IntentKind.EXISTS})
_WRITERS = {**reductions.WRITERS, **statistics.WRITERS}


def write_code(intent: Intent, schema: Schema) -> Code:
    """The pandas code that answers ``intent`` over a frame described by ``schema``."""
    code = Code(schema=schema, intent=intent)
    prepare(code)
    if intent.kind not in _OWN_FILTER:
        filter_rows(code, intent.conditions)
    _WRITERS[intent.kind](code)
    return code
