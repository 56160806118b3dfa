"""Messy business exports, as analysts receive them, for the question engine's tests.

Each table has the faults of real exports: dates written as text in two formats, money and
percentages as text, blank cells, a repeated row, a ``Total`` row at the bottom. The tests
compare the engine's answers with pandas written by hand on the clean values (``clean_*``),
never with numbers copied from a run. How the tests ask is in ``nlq_asking.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

# ----------------------------------------------------------------------------- orders


def _orders_clean() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 240
    dates = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 730, n), unit="D")
    return pd.DataFrame({
        "Order ID": [f"SO-{10000 + i}" for i in range(n)],
        "Order Date": dates,
        "Customer": rng.choice([f"C{i:03d}" for i in range(60)], n),
        "Gender": rng.choice(["Male", "Female"], n),
        "Region": rng.choice(["North", "South", "East", "West"], n),
        "Product": rng.choice(["Desk", "Chair", "Lamp", "Shelf", "Monitor"], n),
        "Quantity": rng.integers(1, 9, n),
        "Revenue": np.round(rng.gamma(2.0, 150.0, n), 2),
        "Discount": rng.choice([0, 5, 10, 15], n),
        "Status": rng.choice(["Shipped", "Shipped", "Shipped", "Returned", "Cancelled"], n),
    })


DUPLICATED = 5  # the export repeats this order's row


@pytest.fixture(scope="session")
def clean_orders() -> pd.DataFrame:
    """The orders as they should be read: real dates and numbers, the repeated row kept (the
    engine does not drop rows behind the user's back), no Total row."""
    df = _orders_clean()
    return pd.concat([df, df.iloc[[DUPLICATED]]], ignore_index=True)


@pytest.fixture(scope="session")
def orders() -> pd.DataFrame:
    """The same orders exported badly: text dates in two formats, "$1,234.50" revenue,
    "10%" discounts, a repeated row, and a Total row."""
    df = _orders_clean()
    text = df.copy()
    iso = df["Order Date"].dt.strftime("%Y-%m-%d")
    us = df["Order Date"].dt.strftime("%m/%d/%Y")
    text["Order Date"] = np.where(np.arange(len(df)) % 3 == 0, us, iso)
    text["Revenue"] = df["Revenue"].map(lambda v: f"${v:,.2f}")
    text["Discount"] = df["Discount"].map(lambda v: f"{v}%")
    total = {c: "" for c in text.columns}
    total.update({"Order ID": "Total", "Quantity": int(df["Quantity"].sum()),
                  "Revenue": f"${df['Revenue'].sum():,.2f}"})
    return pd.concat([text, text.iloc[[DUPLICATED]], pd.DataFrame([total])], ignore_index=True)


# ----------------------------------------------------------------------------- staff


@pytest.fixture(scope="session")
def clean_staff() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 120
    hired = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 3000, n), unit="D")
    left = rng.random(n) < 0.2
    score = rng.integers(1, 6, n).astype(float)
    score[rng.random(n) < 0.15] = np.nan
    return pd.DataFrame({
        "Employee": [f"E{i:04d}" for i in range(n)],
        "Department": rng.choice(["Sales", "Engineering", "Support", "Finance"], n),
        "Gender": rng.choice(["M", "F"], n),
        "Age": rng.integers(22, 64, n),
        "Hire Date": hired,
        "Salary": np.round(rng.normal(52000, 9000, n), -2),
        "Satisfaction": score,
        "Left": np.where(left, "Yes", "No"),
    })


@pytest.fixture(scope="session")
def staff(clean_staff: pd.DataFrame) -> pd.DataFrame:
    """Salaries as "€52,300", hire dates as "05 March 2019", blank satisfaction scores."""
    df = clean_staff.copy()
    df["Salary"] = clean_staff["Salary"].map(lambda v: f"€{v:,.0f}")
    df["Hire Date"] = clean_staff["Hire Date"].dt.strftime("%d %B %Y")
    df["Satisfaction"] = clean_staff["Satisfaction"].map(lambda v: "" if pd.isna(v) else int(v))
    return df


# ----------------------------------------------------------------------------- web sessions


@pytest.fixture(scope="session")
def clean_sessions() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 300
    start = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 90 * 24 * 3600, n),
                                                         unit="s")
    seconds = rng.integers(20, 3000, n)
    return pd.DataFrame({
        "Session": np.arange(1, n + 1),
        "Started": start,
        "Ended": start + pd.to_timedelta(seconds, unit="s"),
        "Device": rng.choice(["Desktop", "Mobile", "Tablet"], n),
        "Country": rng.choice(["France", "Germany", "Spain", "Italy"], n),
        "Pages": rng.integers(1, 20, n),
        "Converted": rng.random(n) < 0.12,
        "Seconds": seconds,
    })


@pytest.fixture(scope="session")
def sessions(clean_sessions: pd.DataFrame) -> pd.DataFrame:
    """Timestamps as text, the duration as "h:mm:ss" text, conversions as 0/1."""
    df = clean_sessions.drop(columns="Seconds")
    df["Started"] = clean_sessions["Started"].dt.strftime("%Y-%m-%d %H:%M:%S")
    df["Ended"] = clean_sessions["Ended"].dt.strftime("%Y-%m-%d %H:%M:%S")
    df["Duration"] = clean_sessions["Seconds"].map(
        lambda s: f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}")
    df["Converted"] = clean_sessions["Converted"].astype(int)
    return df
