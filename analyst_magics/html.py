"""Render results through the package's Jinja templates (``*.html.j2`` are autoescaped)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

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
    env.filters["number"] = _format_number
    return env


def render(template: str, **context: Any) -> str:
    """Render ``template``; in HTML templates every value is escaped unless marked safe."""
    return _environment().get_template(template).render(**context)


def _format_number(value: Any, digits: int = 4) -> str:
    """Numbers for people: thousands separators, a few significant digits."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != value:  # NaN
            return "–"
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:,.{digits}g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)
