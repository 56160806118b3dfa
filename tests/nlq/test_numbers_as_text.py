"""Numbers exported as text: dollar amounts with comma thousands, euro amounts with dot
thousands and comma decimals, numbers beside blank cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from nlq_asking import value


@pytest.fixture
def payroll() -> pd.DataFrame:
    return pd.DataFrame({
        "Team": ["Ops", "Ops", "Web", "Web", "Data"],
        "Salary (EUR)": ["€52.000", "€61.500", "€1.200.000", "€45.000", ""],
        "Bonus rate": ["12,5", "3,25", "7", "10,0", "1.000,00"],
        "Budget": ["$1,200.50", "$3.50", "$10", "$2,000", "$0.25"],
    })


def test_euro_amounts_with_dot_thousands(payroll: pd.DataFrame) -> None:
    assert np.isclose(value(payroll, "average salary"), np.mean([52000, 61500, 1200000, 45000]))
    assert value(payroll, "which team has the highest total salary?") == "Web"


def test_comma_decimals(payroll: pd.DataFrame) -> None:
    assert np.isclose(value(payroll, "total bonus rate"), 12.5 + 3.25 + 7 + 10 + 1000)


def test_dollar_amounts_keep_their_decimals(payroll: pd.DataFrame) -> None:
    assert np.isclose(value(payroll, "what is the total budget?"), 1200.5 + 3.5 + 10 + 2000 + 0.25)
