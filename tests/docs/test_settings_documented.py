"""Every setting is documented where a user looks: each ``ANALYST_*`` variable in
``.env.example`` and in the README's table, each server trait in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyst_magics.config import AnalystSettings

ROOT = Path(__file__).resolve().parents[2]
VARIABLES = [f"ANALYST_{name.upper()}" for name in AnalystSettings.model_fields]


@pytest.mark.parametrize("variable", VARIABLES)
def test_each_variable_is_documented(variable: str) -> None:
    assert variable in (ROOT / ".env.example").read_text(), f"{variable} not in .env.example"
    table = (ROOT / "README.md").read_text().split("## Configuration", 1)[1]
    assert f"| `{variable}` |" in table, f"{variable} not in the README's configuration table"


def test_each_server_trait_is_named_in_the_readme() -> None:
    from server_ext import AnalystExtension
    from server_ext.app import SETTINGS_TRAITS

    readme = (ROOT / "README.md").read_text()
    # traits that override an ANALYST_* variable are documented with the variables
    own = set(AnalystExtension.class_own_traits(config=True)) - set(SETTINGS_TRAITS)
    missing = [name for name in sorted(own) if f"`{name}`" not in readme and
               f"c.AnalystExtension.{name}" not in readme]
    assert not missing, missing
