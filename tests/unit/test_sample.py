"""The bundled sample: deterministic, messy as documented, with its planted findings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyst_magics import sample
from analyst_magics.data_utils import (
    new_column_names,
    parse_boolean,
    parse_numeric,
    try_parse_date,
)
from analyst_magics.errors import AnalystError
from analyst_magics.sample import sample_data

SEEDS = [7, 0, 1, 2]


@pytest.fixture(scope="module", params=SEEDS, ids=lambda s: f"seed{s}")
def orders(request: pytest.FixtureRequest) -> pd.DataFrame:
    return sample_data(seed=request.param)


@pytest.fixture(scope="module")
def typed(orders: pd.DataFrame) -> pd.DataFrame:
    """The sample read with the package's own parsers, as cleaning would."""
    return pd.DataFrame({
        "date": try_parse_date(orders["Order Date"]),
        "region": orders["Region"].str.strip(),
        "units": orders["Units"],
        "price": parse_numeric(orders["Unit Price"]),
        "discount": parse_numeric(orders["Discount"]),
        "revenue": orders["Revenue"],
        "returned": parse_boolean(orders["Returned?"]),
    })


def test_same_seed_same_table_other_seed_other_table() -> None:
    pd.testing.assert_frame_equal(sample_data(), sample_data())
    assert not sample_data(seed=1).equals(sample_data(seed=2))
    assert sample_data().attrs == {"name": "sample_orders"}


def test_shape_and_messy_names() -> None:
    df = sample_data(rows=1234)
    assert df.shape == (1234, 12) and isinstance(df.index, pd.RangeIndex)
    assert "Order Date" in df and "Unit Price" in df and "Returned?" in df
    assert new_column_names(df.columns)[:3] == ["order_id", "order_date", "region"]
    assert len(set(new_column_names(df.columns))) == 12


@pytest.mark.parametrize("rows", [1, 2, 10, 67])
def test_tiny_tables_work(rows: int) -> None:
    df = sample_data(rows=rows)
    assert len(df) == rows
    assert df.duplicated().sum() == round(rows * sample.DUPLICATE_SHARE)


@pytest.mark.parametrize("rows", [0, -5, 2.5, True, "100", None, 10**9])
def test_bad_rows_are_refused_readably(rows: object) -> None:
    with pytest.raises(AnalystError, match=r"sample_data\(\) needs rows as a whole number from 1"):
        sample_data(rows=rows)  # type: ignore[arg-type]


def test_text_columns_are_messy_but_parseable(orders: pd.DataFrame, typed: pd.DataFrame) -> None:
    assert orders["Unit Price"].str.startswith("$").mean() > 0.98
    assert orders["Unit Price"].str.contains(",", regex=False).any()  # thousands separators
    assert 0.005 < typed["price"].isna().mean() < 0.02  # "n/a" and empty cells
    assert set(typed["discount"].round(2)) == {0.0, 0.05, 0.1, 0.15, 0.2}
    assert typed["date"].notna().all() and typed["returned"].notna().all()
    assert typed["date"].between("2023-01-01", "2024-12-31").all()
    styles = orders["Order Date"].str.extract(r"^(\d{4}-)|^(\d\d/)|^([A-Z][a-z]{2} )").notna()
    assert (styles.sum(axis=1) == 1).all()  # each date in exactly one of three styles
    assert 0.7 < styles[0].mean() < 0.9 and styles[1].mean() > 0.05 and styles[2].mean() > 0.03


def test_revenue_is_units_times_price_less_discount(typed: pd.DataFrame) -> None:
    known = typed.dropna(subset=["price"])
    expected = known["units"] * known["price"] * (1 - known["discount"])
    np.testing.assert_allclose(known["revenue"], expected, atol=0.006)


def test_categories_padding_emails_ratings(orders: pd.DataFrame) -> None:
    padded = (orders["Region"] != orders["Region"].str.strip()).mean()
    assert 0.01 < padded < 0.06
    assert set(orders["Region"].str.strip()) == set(sample.REGIONS)
    assert orders["Customer Email"].str.fullmatch(r"[a-z]+\.[a-z]+\d{1,2}@example\.com").all()
    assert orders["Customer Email"].nunique() < len(orders) / 3  # repeat customers
    assert 0.1 < orders["Rating"].isna().mean() < 0.2
    assert set(orders["Rating"].dropna()) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    answers = set(orders["Returned?"])
    assert {"Yes", "No"} <= answers and answers - {"Yes", "No"}  # some other casing too


def test_planted_duplicates(orders: pd.DataFrame) -> None:
    repeated = orders.duplicated()
    assert repeated.sum() == round(len(orders) * sample.DUPLICATE_SHARE)
    assert orders["Order ID"][~repeated].is_unique
    assert orders[repeated].reset_index(drop=True).equals(
        orders.shift(1)[repeated].reset_index(drop=True).astype(orders.dtypes.to_dict()))


def test_planted_outliers(orders: pd.DataFrame) -> None:
    outlier = orders["Units"] == sample.OUTLIER_UNITS
    assert outlier.sum() == round(len(orders) * sample.OUTLIER_SHARE)
    genuine = orders[~outlier]
    assert genuine["Units"].max() < 25
    assert orders.loc[outlier, "Revenue"].min() > 1.5 * genuine["Revenue"].max()
    assert (orders.loc[outlier, "Product Category"].str.strip() == "Electronics").all()


def test_planted_trend(typed: pd.DataFrame) -> None:
    monthly = typed.groupby(typed["date"].dt.to_period("M"))["revenue"].median()
    slope, _ = np.polyfit(np.arange(len(monthly)), monthly.to_numpy(), 1)
    assert slope > 0 and monthly.iloc[-3:].mean() > 1.4 * monthly.iloc[:3].mean()
    assert typed["date"].rank().corr(typed["revenue"].rank()) > 0.1


def test_planted_segment_difference(typed: pd.DataFrame) -> None:
    by_region = typed.groupby("region")["revenue"].median()
    others = by_region.drop(sample.PREMIUM_REGION)
    assert by_region[sample.PREMIUM_REGION] > 1.4 * others.max()
    assert others.max() < 1.25 * others.min()  # the other regions are alike
