"""The bundled sample: a retail orders table, messy on purpose and with findings planted.

Generated, not shipped: the same ``seed`` always gives the same table, in milliseconds,
with one vectorized NumPy draw per column. The constants below are the planted effects;
tests of cleaning and insights read them instead of repeating numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import AnalystError

__all__ = [
    "DUPLICATE_SHARE",
    "OUTLIER_SHARE",
    "OUTLIER_UNITS",
    "PREMIUM_REGION",
    "REGION_PREMIUM",
    "TREND_GROWTH",
    "sample_data",
]

MAX_ROWS = 10_000_000
#: Share of rows that exactly repeat another row (the same order exported twice).
DUPLICATE_SHARE = 0.015
#: Share of rows with mistyped units: Electronics orders of OUTLIER_UNITS units (genuine
#: orders have fewer than 25), so their revenue also exceeds every genuine one.
OUTLIER_SHARE = 0.001
OUTLIER_UNITS = 120
#: Growth of the unit price from the first day to the last (units grow by half as much).
TREND_GROWTH = 0.6
#: The region whose prices (and so revenue) are higher, and by what factor.
PREMIUM_REGION = "West"
REGION_PREMIUM = 1.7

START, DAYS = pd.Timestamp("2023-01-01"), 731
REGIONS = ["North", "South", "East", PREMIUM_REGION]
CHANNELS = ["Online", "Store", "Partner"]
#: category -> median unit price in dollars at the start
CATEGORIES = {"Electronics": 420.0, "Furniture": 260.0, "Sports": 85.0, "Clothing": 45.0,
              "Toys": 30.0, "Grocery": 12.0}
DISCOUNTS = np.array([0, 5, 10, 15, 20])
FIRST_NAMES = np.array(["ana", "ben", "chloe", "david", "emma", "farid", "grace", "hugo",
                        "ines", "jack", "kofi", "lena", "marco", "nina", "omar", "priya"])
LAST_NAMES = np.array(["smith", "garcia", "chen", "muller", "rossi", "kowalski", "silva",
                       "novak", "khan", "dubois", "jensen", "tanaka"])


def sample_data(*, rows: int = 5000, seed: int = 7) -> pd.DataFrame:
    """A retail orders table for demos and tests, messy like a real export.

    Columns (names as exported): ``Order ID``, ``Order Date`` (text: ISO mostly, some
    ``01/31/2023`` and ``Jan 31, 2023``), ``Region`` and ``Product Category`` (about 3% of
    values padded with spaces), ``Sales Channel``, ``Units``, ``Unit Price`` (text like
    ``"$1,234.50"``, about 1% ``"n/a"`` or empty), ``Discount`` (text like ``"15%"``),
    ``Revenue`` (units x price x (1 - discount)), ``Customer Email`` (fake
    ``name@example.com`` addresses, for PII masking), ``Returned?`` (``Yes``/``No``, mixed
    case) and ``Rating`` (1-5, about 15% missing).

    Planted, for cleaning and insights to find (constants of this module):

    - exact duplicate rows: ``round(rows * DUPLICATE_SHARE)`` of them, each right after
      its original;
    - gross outliers: ``round(rows * OUTLIER_SHARE)`` Electronics orders (never duplicated),
      evenly spread over time, of ``OUTLIER_UNITS`` (120) units, so their units and revenue
      exceed every genuine order's;
    - an upward trend: unit prices grow by ``TREND_GROWTH`` (60%) and units by half that
      over the two years 2023-2024: mean revenue per order roughly doubles from the first
      day to the last (about +65% from the first quarter to the last);
    - a segment difference: ``PREMIUM_REGION`` ("West") prices are ``REGION_PREMIUM`` times
      the others', so its mean revenue is about 1.7 times theirs.

    Parameters
    ----------
    rows : number of rows, duplicates included (1 to 10,000,000).
    seed : seed of the random generator; the same seed gives the same table.

    >>> df = sample_data(rows=1000)
    >>> df.shape, df.attrs["name"], int(df.duplicated().sum())
    ((1000, 12), 'sample_orders', 15)
    """
    if isinstance(rows, bool) or not isinstance(rows, int | np.integer) \
            or not 1 <= rows <= MAX_ROWS:
        raise AnalystError(f"sample_data() needs rows as a whole number from 1 to {MAX_ROWS:,}; "
                           f"got {rows!r}. Try sample_data(rows=5000).")
    rng = np.random.default_rng(seed)
    n_dup = round(rows * DUPLICATE_SHARE)
    outliers = _spaced(rows - n_dup, round(rows * OUTLIER_SHARE))
    orders = _orders(rng, rows - n_dup, outliers)
    genuine = np.setdiff1d(np.arange(len(orders)), outliers)  # so outliers stay countable
    repeats = np.sort(rng.choice(genuine, size=min(n_dup, len(genuine)), replace=False))
    frame = pd.concat([orders, orders.iloc[repeats]]).sort_index(kind="stable")
    frame = frame.reset_index(drop=True)
    frame.attrs["name"] = "sample_orders"
    return frame


def _orders(rng: np.random.Generator, n: int, outliers: np.ndarray) -> pd.DataFrame:
    """``n`` distinct orders, in date order, with mistyped units at positions ``outliers``."""
    days = np.sort(rng.integers(0, DAYS, size=n))
    time = days / (DAYS - 1)  # 0 on the first day, 1 on the last
    region = rng.choice(len(REGIONS), size=n, p=[0.3, 0.25, 0.25, 0.2])
    category = rng.choice(len(CATEGORIES), size=n, p=[0.15, 0.1, 0.2, 0.25, 0.15, 0.15])
    category[outliers] = 0  # Electronics: the dearest, so the revenue is extreme too
    base = np.array(list(CATEGORIES.values()))[category]
    premium = np.where(region == REGIONS.index(PREMIUM_REGION), REGION_PREMIUM, 1.0)
    price = np.round(base * premium * (1 + TREND_GROWTH * time) * rng.lognormal(0, 0.25, n), 2)
    units = 1 + rng.poisson(3 * (1 + TREND_GROWTH / 2 * time))
    units[outliers] = OUTLIER_UNITS
    discount = rng.choice(DISCOUNTS, size=n, p=[0.5, 0.2, 0.15, 0.1, 0.05])
    returned = rng.random(n) < 0.07
    rating = np.clip(np.round(rng.normal(4.1 - 1.6 * returned, 0.9)), 1, 5)
    return pd.DataFrame({
        "Order ID": pd.Series(100_001 + np.arange(n)).astype(str).radd("ORD-"),
        "Order Date": _date_texts(rng, START + pd.to_timedelta(days, unit="D")),
        "Region": _padded(rng, _labels(REGIONS, region)),
        "Sales Channel": _labels(CHANNELS, rng.choice(len(CHANNELS), size=n, p=[0.45, 0.4, 0.15])),
        "Product Category": _padded(rng, _labels(list(CATEGORIES), category)),
        "Units": units,
        "Unit Price": _money_texts(rng, price),
        "Discount": pd.Series(discount).astype(str) + "%",
        "Revenue": np.round(units * price * (1 - discount / 100), 2),
        "Customer Email": _emails(rng, n),
        "Returned?": _yes_no(rng, returned),
        "Rating": np.where(rng.random(n) < 0.15, np.nan, rating),
    })


def _labels(names: list[str], codes: np.ndarray) -> pd.Series:
    """Text labels from integer codes (through a categorical: no per-row string work)."""
    return pd.Series(pd.Categorical.from_codes(codes, names)).astype(str)


def _spaced(n: int, count: int) -> np.ndarray:
    """``count`` positions evenly spread over ``n`` date-sorted rows: outliers fake no trend."""
    return ((np.arange(count) + 0.5) * n / max(count, 1)).astype(int)


def _date_texts(rng: np.random.Generator, dates: pd.DatetimeIndex) -> pd.Series:
    """Dates as text: 80% ISO, 12% US month-first, 8% "Jan 31, 2023", as merged exports do."""
    style = rng.choice(3, size=len(dates), p=[0.8, 0.12, 0.08])
    text = pd.Series(dates.strftime("%Y-%m-%d"))
    for code, fmt in ((1, "%m/%d/%Y"), (2, "%b %d, %Y")):
        mask = style == code
        text[mask] = dates[mask].strftime(fmt)
    return text


def _padded(rng: np.random.Generator, text: pd.Series) -> pd.Series:
    """About 3% of the values with a stray leading or trailing space, as typed by hand."""
    pad = rng.choice(3, size=len(text), p=[0.97, 0.015, 0.015])
    return text.mask(pad == 1, " " + text).mask(pad == 2, text + "  ")


def _money_texts(rng: np.random.Generator, dollars: np.ndarray) -> pd.Series:
    """``"$1,234.50"``: thousands separators and cents; ~1% written "n/a" or left empty."""
    cents = np.round(dollars * 100).astype(np.int64)
    whole, frac = pd.Series(cents // 100), pd.Series(cents % 100).astype(str).str.zfill(2)
    thousands = (whole // 1000).astype(str)
    below = (whole % 1000).astype(str)
    grouped = (thousands + "," + below.str.zfill(3)).where(whole >= 1000, below)
    text = "$" + grouped + "." + frac
    gap = rng.random(len(dollars))
    return text.mask(gap < 0.005, "n/a").mask((gap >= 0.005) & (gap < 0.01), "")


def _emails(rng: np.random.Generator, n: int) -> pd.Series:
    """A pool of repeat customers, ``first.last42@example.com``."""
    pool = len(FIRST_NAMES) * len(LAST_NAMES) * 4
    first = pd.Series(FIRST_NAMES[rng.integers(0, len(FIRST_NAMES), pool)])
    last = pd.Series(LAST_NAMES[rng.integers(0, len(LAST_NAMES), pool)])
    emails = first + "." + last + pd.Series(rng.integers(1, 100, pool)).astype(str)
    return (emails + "@example.com").iloc[rng.integers(0, pool, n)].reset_index(drop=True)


def _yes_no(rng: np.random.Generator, flags: np.ndarray) -> pd.Series:
    """``Yes``/``No``, with about 5% in lower or upper case."""
    words = pd.Series(np.where(flags, "Yes", "No"))
    case = rng.choice(3, size=len(flags), p=[0.95, 0.025, 0.025])
    return words.where(case == 0, words.str.lower().where(case == 1, words.str.upper()))
