"""One number and date style for reports, cards and the command line."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analyst_magics.formatting import cell, date_labels, date_text, number, percent


@pytest.mark.parametrize(("value", "text"), [
    (38221.5, "38,222"), (6441, "6,441"), (np.int64(12), "12"), (12.345, "12.3"),
    (0.04567, "0.0457"), (4.567e-05, "4.57e-05"), (-1234.5, "-1,234"), (2.0, "2"),
    (float("nan"), "n/a"), (float("inf"), "infinity"), (3.2e17, "3.20e+17"),
])
def test_numbers_read_the_same_wherever_they_appear(value: float, text: str) -> None:
    assert number(value) == text


def test_large_numbers_never_switch_to_exponents() -> None:
    # A column of values from 6,000 to 40,000 reads in one style, not '3.822e+04' beside '6,441'.
    texts = [cell(v) for v in (6441.0, 38220.5, 999.95, 1000.4)]
    assert texts == ["6,441", "38,220", "1,000", "1,000"] and all("e" not in t for t in texts)


@pytest.mark.parametrize(("fraction", "text"), [(0.381, "38%"), (0.042, "4.2%"), (0.0004, "< 0.1%"),
                                                (0.0, "0%")])
def test_percentages(fraction: float, text: str) -> None:
    assert percent(fraction) == text


def test_dates_as_readers_write_them() -> None:
    assert date_text(pd.Timestamp("2024-03-05")) == "2024-03-05"
    assert date_text(dt.datetime(2024, 3, 5, 14, 30)) == "2024-03-05 14:30"
    assert cell("2024-01-01T00:00:00") == "2024-01-01"
    assert cell(None) == "–" and cell(float("nan")) == "–" and cell("north") == "north"


@pytest.mark.parametrize(("values", "labels"), [
    (["2024-01-01T00:00:00", "2024-02-01T00:00:00"], ["Jan 2024", "Feb 2024"]),
    (list(pd.date_range("2021-01-01", periods=3, freq="YS")), ["2021", "2022", "2023"]),
    ([pd.Timestamp("2024-03-05"), pd.Timestamp("2024-03-06")], ["2024-03-05", "2024-03-06"]),
    (["north", "south"], ["north", "south"]),
    ([1.5, 2000.25], ["1.5", "2,000"]),
])
def test_axis_and_index_labels(values: list, labels: list[str]) -> None:
    assert date_labels(values) == labels
