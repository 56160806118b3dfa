"""Questions that write a column's name as the table spells it (``unit_price``,
``is_outlier``), and values that do not say which column they belong to."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from nlq_asking import declined, value


@pytest.fixture(scope="module")
def measures() -> pd.DataFrame:
    rng = np.random.default_rng(8)
    frame = pd.DataFrame({f"measure_{i:02d}_total": rng.gamma(2, 10, 80) for i in range(3)})
    frame["label_0"] = rng.choice(["alpha", "beta"], 80)
    frame["is_outlier"] = rng.random(80) < 0.1
    frame["was_refunded"] = rng.random(80) < 0.3
    return frame


@pytest.mark.parametrize("question", [
    "average measure_01_total by label_0", "mean of measure_01_total for each label_0",
    "what is the average measure 01 total by label 0"])
def test_snake_case_names_as_written(measures: pd.DataFrame, question: str) -> None:
    expected = measures.groupby("label_0")["measure_01_total"].mean()
    got = value(measures, question)
    assert np.allclose(pd.Series(got).sort_index().to_numpy(), expected.sort_index().to_numpy())


@pytest.mark.parametrize("question", [
    "how many rows have is_outlier true", "how many rows where is_outlier is true",
    "how many rows are flagged as is outlier"])
def test_a_cue_word_inside_a_named_column_is_the_column(measures: pd.DataFrame,
                                                        question: str) -> None:
    assert value(measures, question) == int(measures["is_outlier"].sum())


def test_a_cue_word_inside_a_named_column_on_the_orders_table(clean_orders: pd.DataFrame
                                                                ) -> None:
    flagged = clean_orders.assign(is_outlier=np.arange(len(clean_orders)) % 7 == 0)
    assert value(flagged, "count the rows with is_outlier true") == int(
        flagged["is_outlier"].sum())


@pytest.mark.parametrize("question", ["how many rows are true", "how many true values",
                                      "count the rows that are yes"])
def test_a_value_of_two_flags_names_neither(measures: pd.DataFrame, question: str) -> None:
    declined(measures.assign(is_outlier=measures["is_outlier"].map({True: "yes", False: "no"}),
                             was_refunded=measures["was_refunded"].map({True: "yes",
                                                                        False: "no"}))
             if "yes" in question else measures, question)
