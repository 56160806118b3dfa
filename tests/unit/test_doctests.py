"""The examples in the package's docstrings run and print what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import analyst_magics
import server_ext


def _modules() -> list[str]:
    names = []
    for package in (analyst_magics, server_ext):
        names.append(package.__name__)
        names += [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
                  if not m.name.endswith("__main__")]  # importing it runs the command line
    return sorted(names)


def test_the_examples_are_found() -> None:
    attempted = sum(doctest.testmod(importlib.import_module(n), report=False).attempted
                    for n in ("analyst_magics.formatting", "analyst_magics.report"))
    assert attempted >= 3


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    failed, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                                report=False)
    assert failed == 0, f"{failed} docstring example(s) of {name} failed (run python -m doctest)"
