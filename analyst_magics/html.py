"""Render results through the package's Jinja templates (``*.html.j2`` are autoescaped)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from .formatting import cell, date_labels, day_text, percent, whole_days

__all__ = ["render"]


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("analyst_magics", "templates"),
        autoescape=select_autoescape(("html.j2", "html"), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = cell
    env.filters["labels"] = date_labels
    env.filters["percent"] = percent
    env.filters["day"] = day_text
    env.filters["whole_days"] = whole_days
    return env


def render(template: str, **context: Any) -> str:
    """Render ``template``; in HTML templates every value is escaped unless marked safe."""
    return _environment().get_template(template).render(**context)

