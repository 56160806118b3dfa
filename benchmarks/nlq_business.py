"""Accuracy and precision of ``ask`` (offline rules) on six messy business tables.

    python benchmarks/nlq_business.py                  # the default seed
    python benchmarks/nlq_business.py --seed 7 -v      # another draw, every question shown
    python benchmarks/nlq_business.py --only O1,T8 -v --out /tmp/nlq_business.jsonl

86 questions an analyst would ask of orders, HR, web sessions, SaaS subscriptions, support
tickets and a monthly finance summary (``nlq_business_tables.py`` builds them, with the mess
real exports carry: dates as text in two formats, money as text, blanks, a repeated row, a
Total row). Each gold answer is hand-written pandas on the clean twin of the table; the engine
gets the messy export. 15 questions cannot be answered from their table (a column that is not
there, or no subject at all) and must be declined.

Precision is correct / answered: a wrong answer is worse than "I cannot answer that", so both
figures count. A gold is computed on the clean table with and without its repeated row, and an
answer matching either counts; numbers match within 0.01 or 1%.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nlq_business_tables import SEED, Pair, build  # noqa: E402  (the six tables)

P = pd.Period
Gold = Callable[[pd.DataFrame], Any]


def ym(s: pd.Series) -> pd.Series:
    return s.dt.to_period("M")


def q_(s: pd.Series) -> pd.Series:
    return s.dt.to_period("Q")


def pct_change(a: float, b: float) -> float:
    return (b - a) / a * 100


def iqr_outliers(s: pd.Series) -> int:
    s = s.dropna()
    q1, q3 = s.quantile(0.25), s.quantile(0.75)
    i = q3 - q1
    return int(((s < q1 - 1.5 * i) | (s > q3 + 1.5 * i)).sum())


# --------------------------------------------------------------------------- the questions


@dataclass
class Question:
    """One question. ``gold(clean) -> value``; ``kind`` decides how an answer is compared:
    num | label | month | weekday | bool | list | series | None (must decline). Options:
    ``scale="either"`` accepts a fraction or a percent; ``unit`` reads a Timedelta answer in
    hours, days or minutes; ``sign_free`` accepts the negated number; ``alt`` is a second
    accepted gold; ``idx`` (str | month | year) normalises a series' index; ``subset_ok``
    allows extra groups."""

    id: str
    table: str
    cat: str
    text: str
    gold: Gold | None
    kind: str | None
    note: str = ""
    opt: dict[str, Any] = field(default_factory=dict)


QUESTIONS: list[Question] = []


def q(qid: str, table: str, cat: str, text: str, gold: Gold | None = None,
      kind: str | None = None, note: str = "", **opt: Any) -> None:
    QUESTIONS.append(Question(qid, table, cat, text, gold, kind, note, opt))


# ---------------- (a) orders ----------------
q("O1", "orders", "date_period", "What was our total revenue in March 2024?",
  lambda o: o.loc[ym(o.order_date) == P("2024-03"), "amount"].sum(), "num",
  note="sum amount_usd for orders dated 2024-03")
q("O2", "orders", "date_period", "How many orders did we get in Q3 2023?",
  lambda o: int((q_(o.order_date) == P("2023Q3")).sum()), "num")
q("O3", "orders", "date_period",
  "How much revenue did we book between 1 Feb 2024 and 15 April 2024?",
  lambda o: o.loc[o.order_date.between("2024-02-01", "2024-04-15"), "amount"].sum(), "num",
  note="inclusive on both ends")
q("O4", "orders", "date_period", "How many orders were placed on weekends?",
  lambda o: int((o.order_date.dt.dayofweek >= 5).sum()), "num")
q("O5", "orders", "date_period", "Show me revenue per month",
  lambda o: o.groupby(ym(o.order_date))["amount"].sum(), "series", idx="month")
q("O6", "orders", "superlative", "Which month had the most orders?",
  lambda o: ym(o.order_date).value_counts().idxmax(), "month")
q("O7", "orders", "growth", "By what percent did revenue grow from Q1 2023 to Q1 2024?",
  lambda o: pct_change(o.loc[q_(o.order_date) == P("2023Q1"), "amount"].sum(),
                       o.loc[q_(o.order_date) == P("2024Q1"), "amount"].sum()), "num")
q("O8", "orders", "rate_ratio", "What is our return rate?",
  lambda o: o.returned.mean(), "num", scale="either", note="share of orders returned")
q("O9", "orders", "rate_ratio", "What is the average revenue per customer?",
  lambda o: o.amount.sum() / o.customer_id.nunique(), "num",
  note="total revenue / unique customers")
q("O10", "orders", "duration", "On average, how many days does it take to ship an order?",
  lambda o: (o.ship_date - o.order_date).dt.days.mean(), "num", unit="days",
  note="mean(Ship Date - Order Date) over shipped orders")
q("O11", "orders", "group_compare",
  "How much higher is the average order amount on Web than on Marketplace?",
  lambda o: (o.loc[o.channel == "Web", "amount"].mean()
             - o.loc[o.channel == "Marketplace", "amount"].mean()),
  "num")
q("O12", "orders", "group_compare",
  "Do returned orders have a higher average order value than orders that were not returned?",
  lambda o: bool(o.loc[o.returned, "amount"].mean() > o.loc[~o.returned, "amount"].mean()),
  "bool")
q("O13", "orders", "topk", "Who are our top 3 customers by total spend?",
  lambda o: list(o.groupby("customer_id").amount.sum().nlargest(3).index), "list")
q("O14", "orders", "superlative",
  "Which product category is the cheapest on average by unit price?",
  lambda o: o.groupby("category").unit_price.mean().idxmin(), "label")
q("O15", "orders", "outlier", "How many order amounts are outliers using the 1.5 IQR rule?",
  lambda o: iqr_outliers(o.amount), "num")
q("O16", "orders", "blank", "How many orders are missing a discount value?",
  lambda o: int(o.discount.isna().sum()), "num", note="blank Discount cells (0% is a value)")

# ---------------- (b) HR ----------------
q("H1", "hr", "group_compare", "What's the average salary in Engineering?",
  lambda h: h.loc[h.department == "Engineering", "salary"].mean(), "num")
q("H2", "hr", "group_compare",
  "Do remote employees earn more than non-remote employees on average?",
  lambda h: bool(h.loc[h.remote, "salary"].mean() > h.loc[~h.remote, "salary"].mean()), "bool")
q("H3", "hr", "group_compare",
  "What's the difference in average salary between Senior and Junior staff?",
  lambda h: (h.loc[h.level == "Senior", "salary"].mean()
             - h.loc[h.level == "Junior", "salary"].mean()),
  "num", sign_free=True)
q("H4", "hr", "date_period", "How many people were hired in 2021?",
  lambda h: int((h.hire_date.dt.year == 2021).sum()), "num")
q("H5", "hr", "superlative", "Which department has the highest attrition rate?",
  lambda h: h.groupby("department")["left"].mean().idxmax(), "label")
q("H6", "hr", "rate_ratio", "What is our attrition rate in percent?",
  lambda h: h["left"].mean() * 100, "num")
q("H7", "hr", "topk", "Who are the 4 highest-paid employees?",
  lambda h: list(h.nlargest(4, "salary").name), "list")
q("H8", "hr", "blank", "How many employees have no performance rating?",
  lambda h: int(h.rating.isna().sum()), "num")
q("H9", "hr", "correlation",
  "Is there a correlation between age and salary? Give me the coefficient.",
  lambda h: h.age.corr(h.salary), "num")
q("H10", "hr", "date_period", "How many employees were hired each year?",
  lambda h: h.hire_date.dt.year.value_counts().sort_index(), "series", idx="year")
q("H11", "hr", "date_period", "How many employees were hired on a Monday?",
  lambda h: int((h.hire_date.dt.dayofweek == 0).sum()), "num")

# ---------------- (c) web sessions ----------------
q("W1", "web", "rate_ratio", "What's the overall conversion rate?",
  lambda w: w.converted.mean(), "num", scale="either")
q("W2", "web", "rate_ratio", "Conversion rate by traffic source",
  lambda w: w.groupby("source").converted.mean(), "series", idx="str", scale="either")
q("W3", "web", "superlative", "Which traffic source converts best?",
  lambda w: w.groupby("source").converted.mean().idxmax(), "label")
q("W4", "web", "duration", "What is the average session duration in minutes?",
  lambda w: w.duration_s.mean() / 60, "num", unit="minutes")
q("W5", "web", "rate_ratio", "What's the bounce rate on mobile, in percent?",
  lambda w: w.loc[w.device == "Mobile", "bounced"].mean() * 100, "num")
q("W6", "web", "superlative", "Which day of the week gets the most sessions?",
  lambda w: w.start.dt.day_name().value_counts().idxmax(), "weekday")
q("W7", "web", "group_compare",
  "Do weekend sessions have more pageviews on average than weekday sessions?",
  lambda w: bool(w.loc[w.start.dt.dayofweek >= 5, "pages"].mean()
                 > w.loc[w.start.dt.dayofweek < 5, "pages"].mean()),
  "bool")
q("W8", "web", "rate_ratio", "What's the revenue per session for Paid Search traffic?",
  lambda w: (w.loc[w.source == "Paid Search", "revenue"].sum()
             / (w.source == "Paid Search").sum()), "num")
q("W9", "web", "growth",
  "By what percent did the number of sessions change from January to June 2024?",
  lambda w: pct_change((ym(w.start) == P("2024-01")).sum(), (ym(w.start) == P("2024-06")).sum()),
  "num")
q("W10", "web", "distinct", "How many different countries do our visitors come from?",
  lambda w: int(w.country.nunique()), "num")
q("W11", "web", "share", "What share of sessions come from new users?",
  lambda w: w.new_user.mean(), "num", scale="either")
q("W12", "web", "duration", "How long was the longest session, in minutes?",
  lambda w: w.duration_s.max() / 60, "num", unit="minutes")
q("W13", "web", "count_cond", "How many sessions lasted longer than 10 minutes?",
  lambda w: int((w.duration_s > 600).sum()), "num")
q("W14", "web", "outlier",
  "How many sessions have pageviews more than 3 standard deviations above the mean?",
  lambda w: int((w.pages > w.pages.mean() + 3 * w.pages.std()).sum()), "num")

# ---------------- (d) SaaS subscriptions ----------------
q("S1", "subs", "rate_ratio", "What is the churn rate in percent?",
  lambda s: s.churned.mean() * 100, "num")
q("S2", "subs", "count_cond", "What is the total MRR from customers who haven't churned?",
  lambda s: s.loc[~s.churned, "mrr"].sum(), "num")
q("S3", "subs", "superlative", "Which plan earns the most revenue per seat?",
  lambda s: (s.groupby("plan").mrr.sum() / s.groupby("plan").seats.sum()).idxmax(), "label",
  note="sum MRR / sum seats per plan (mean of per-account ratio gives the same plan)")
q("S4", "subs", "date_period", "How many subscriptions started in Q2 2023?",
  lambda s: int((q_(s.start) == P("2023Q2")).sum()), "num")
q("S5", "subs", "duration", "What is the average onboarding time in days?",
  lambda s: s.onboard_days.mean(), "num", unit="days")
q("S6", "subs", "share", "What percentage of total MRR comes from EMEA?",
  lambda s: s.loc[s.region == "EMEA", "mrr"].sum() / s.mrr.sum() * 100, "num")
q("S7", "subs", "duration",
  "For churned accounts, what's the average number of days between the start date and the "
  "cancel date?",
  lambda s: (s.cancel - s.start).dt.days[s.churned].mean(), "num", unit="days")
q("S8", "subs", "group_compare",
  "Do annual-billing customers churn less than monthly-billing customers?",
  lambda s: bool(s.loc[s.billing == "Annual", "churned"].mean()
                 < s.loc[s.billing == "Monthly", "churned"].mean()),
  "bool")
q("S9", "subs", "blank", "How many accounts did not give an NPS score?",
  lambda s: int(s.nps.isna().sum()), "num", note="blank NPS; 0 is a real score")
q("S10", "subs", "blank", "How many accounts gave an NPS score of 0?",
  lambda s: int((s.nps == 0).sum()), "num")
q("S11", "subs", "topk", "Which 5 companies pay the highest MRR?",
  lambda s: list(s.nlargest(5, "mrr").company), "list")
q("S12", "subs", "superlative", "Which month had the most cancellations?",
  lambda s: ym(s.cancel.dropna()).value_counts().idxmax(), "month")

# ---------------- (e) support tickets ----------------
q("T1", "tickets", "duration", "What is the average resolution time in hours?",
  lambda t: ((t.resolved - t.opened).dt.total_seconds() / 3600).mean(), "num", unit="hours",
  note="mean(Resolved At - Opened At) over resolved tickets")
q("T2", "tickets", "superlative", "Which agent has the worst average CSAT?",
  lambda t: t.groupby("agent").csat.mean().idxmin(), "label")
q("T3", "tickets", "count_cond", "How many urgent tickets are still open?",
  lambda t: int(((t.priority == "Urgent") & t.resolved.isna()).sum()), "num",
  note="Resolved At blank")
q("T4", "tickets", "rate_ratio",
  "What's the SLA breach rate for High priority tickets, in percent?",
  lambda t: t.loc[t.priority == "High", "breached"].mean() * 100, "num")
q("T5", "tickets", "duration", "What's the average handle time for chat tickets in minutes?",
  lambda t: t.loc[t.channel == "Chat", "handle_s"].mean() / 60, "num", unit="minutes")
q("T6", "tickets", "superlative", "What is the busiest day of the week for new tickets?",
  lambda t: t.opened.dt.day_name().value_counts().idxmax(), "weekday")
q("T7", "tickets", "blank", "What percentage of tickets have no CSAT score?",
  lambda t: t.csat.isna().mean() * 100, "num")
q("T8", "tickets", "group_compare", "Is CSAT lower on tickets that breached the SLA?",
  lambda t: bool(t.loc[t.breached, "csat"].mean() < t.loc[~t.breached, "csat"].mean()), "bool")
q("T9", "tickets", "superlative", "Which issue type takes the longest to resolve on average?",
  lambda t: (t.resolved - t.opened).groupby(t.issue).mean().idxmax(), "label")
q("T10", "tickets", "date_period", "How many tickets were opened per month?",
  lambda t: ym(t.opened).value_counts().sort_index(), "series", idx="month")

# ---------------- (f) finance monthly summary (with a Total row in the export) ----------------
q("F1", "finance", "superlative", "Which month had the highest revenue?",
  lambda f: f.set_index("month").revenue.idxmax(), "month", note="must not be the Total row")
q("F2", "finance", "rate_ratio", "What was our average monthly revenue?",
  lambda f: f.revenue.mean(), "num", note="mean of the 12 months, excluding Total")
q("F3", "finance", "date_period", "What was total revenue in Q2?",
  lambda f: f.loc[f.month.isin(pd.period_range("2023-04", "2023-06", freq="M")),
                  "revenue"].sum(), "num")
q("F4", "finance", "growth", "How much did revenue grow from January to December, in percent?",
  lambda f: pct_change(f.revenue.iloc[0], f.revenue.iloc[-1]), "num")
q("F5", "finance", "count_cond", "How many months had a net loss?",
  lambda f: int((f.net < 0).sum()), "num")
q("F6", "finance", "share", "What was the average monthly gross margin?",
  lambda f: f.gm_pct.mean(), "num", scale="either",
  alt=lambda f: (f.revenue.sum() - f.cogs.sum()) / f.revenue.sum() * 100,
  note="mean of monthly GM% (overall GM% also accepted)")
q("F7", "finance", "superlative", "Which month had the lowest net income?",
  lambda f: f.set_index("month").net.idxmin(), "month")
q("F8", "finance", "growth", "By how many people did headcount grow from January to December?",
  lambda f: f.headcount.iloc[-1] - f.headcount.iloc[0], "num")

# ---------------- must decline ----------------
for _qid, _table, _text in [
    ("D1", "orders", "What's the average revenue by browser?"),
    ("D2", "orders", "What is the profit margin for each category?"),
    ("D3", "orders", "How many orders were delivered late?"),
    ("D4", "hr", "What's the average salary by gender?"),
    ("D5", "hr", "How many employees were promoted last year?"),
    ("D6", "web", "What's the average page load time by browser?"),
    ("D7", "web", "Which landing page has the highest bounce rate?"),
    ("D8", "subs", "What's the customer acquisition cost by marketing channel?"),
    ("D9", "subs", "Which sales rep closed the most MRR?"),
    ("D10", "tickets", "Which product generates the most tickets?"),
    ("D11", "tickets", "What's the average first response time?"),
    ("D12", "finance", "How much did we spend on marketing in March?"),
    ("D13", "orders", "What's the average?"),
    ("D14", "tickets", "Which one is the best?"),
    ("D15", "subs", "How did it change?"),
]:
    q(_qid, _table, "must_decline", _text, None, None)

MUST_DECLINE = "must_decline"


# --------------------------------------------------------------------------- comparison


def close(a: Any, b: Any) -> bool:
    """Within 0.01 or 1% of the gold ``b``, so rounding in an answer does not fail it."""
    try:
        a, b = float(a), float(b)
    except Exception:
        return False
    if math.isnan(a) or math.isnan(b):
        return False
    return abs(a - b) <= 0.01 or abs(a - b) <= 0.01 * abs(b)


def to_num(v: Any, unit: str | None = None) -> float | None:
    """A number out of an answer: a one-element container, a Timedelta in ``unit``, or text
    such as ``$1,234.50`` or ``12%``; booleans are not numbers."""
    if isinstance(v, (pd.Series, pd.Index, list, tuple, np.ndarray)) and len(v) == 1:
        v = list(v)[0] if not isinstance(v, pd.Series) else v.iloc[0]
    if isinstance(v, pd.DataFrame) and v.size == 1:
        v = v.iloc[0, 0]
    if isinstance(v, dict) and len(v) == 1:
        v = list(v.values())[0]
    if isinstance(v, (pd.Timedelta, np.timedelta64)):
        sec = pd.Timedelta(v).total_seconds()
        return {"hours": sec / 3600, "days": sec / 86400, "minutes": sec / 60, None: None}[unit]
    if isinstance(v, (bool, np.bool_)):
        return None
    if isinstance(v, (int, float, np.integer, np.floating)):
        return float(v)
    if isinstance(v, str):
        m = re.fullmatch(r"\s*[-+]?[$€]?\s*-?[\d,]*\.?\d+\s*%?\s*", v)
        if m:
            try:
                return float(re.sub(r"[^\d.\-]", "", v))
            except ValueError:
                return None
    return None


def num_ok(got: Any, gold: Any, opt: dict[str, Any]) -> bool:
    cands = [gold] + ([opt["alt_val"]] if "alt_val" in opt else [])
    ok_vals = []
    for g in cands:
        ok_vals.append(g)
        if opt.get("scale") == "either":
            ok_vals += [g * 100, g / 100]
        if opt.get("sign_free"):
            ok_vals.append(-g)
    x = to_num(got, opt.get("unit"))
    return x is not None and any(close(x, g) for g in ok_vals)


def norm_label(x: Any) -> str:
    return str(x).strip().lower()


def to_period(x: Any) -> pd.Period | None:
    if isinstance(x, pd.Period):
        return x.asfreq("M")
    if isinstance(x, (pd.Timestamp, np.datetime64)):
        return pd.Timestamp(x).to_period("M")
    if isinstance(x, str):
        try:
            return pd.Period(x, freq="M")
        except Exception:
            try:
                return pd.Timestamp(x).to_period("M")
            except Exception:
                return None
    return None


def scalar_candidates(v: Any) -> list[Any]:
    """Things that could be 'the label' in an answer: a bare value, or the one row of a
    one-row result (its label or a value); a longer result has no single label."""
    if isinstance(v, (list, tuple)) and len(v) in (1, 2):
        return [v[0]]
    if isinstance(v, pd.Series) and len(v) == 1:
        return [v.index[0], v.iloc[0]]
    if isinstance(v, pd.DataFrame) and len(v) == 1:
        return [v.index[0]] + list(v.iloc[0].values)
    if isinstance(v, dict) and len(v) == 1:
        return list(v.keys())
    if isinstance(v, (pd.Series, pd.DataFrame, dict)) or (
            isinstance(v, (list, tuple)) and len(v) > 2):
        return []
    return [v]


def label_ok(got: Any, gold: Any) -> bool:
    return any(norm_label(c) == norm_label(gold) for c in scalar_candidates(got))


def month_ok(got: Any, gold: Any) -> bool:
    return any(to_period(c) == gold for c in scalar_candidates(got))


def weekday_ok(got: Any, gold: str) -> bool:
    g = gold.lower()
    for c in scalar_candidates(got):
        s = norm_label(c)
        if s == g or s == g[:3]:
            return True
    return False


def bool_ok(got: Any, gold: bool) -> bool:
    v = got
    if isinstance(v, (pd.Series, list)) and len(v) == 1:
        v = list(v)[0]
    if isinstance(v, (bool, np.bool_)):
        return bool(v) == gold
    if isinstance(v, str):
        s = v.strip().lower()
        yes = s.startswith(("yes", "true"))
        no = s.startswith(("no", "false"))
        return (yes and gold) or (no and not gold)
    return False


def label_sets(v: Any) -> list[list[str]]:
    """Every list of labels an answer offers: its items, or a table's index or any column."""
    sets = []
    if isinstance(v, (list, tuple, np.ndarray, pd.Index)):
        sets.append([norm_label(x) for x in v])
    elif isinstance(v, pd.Series):
        sets.append([norm_label(x) for x in v.index])
        sets.append([norm_label(x) for x in v.values])
    elif isinstance(v, pd.DataFrame):
        sets.append([norm_label(x) for x in v.index])
        for c in v.columns:
            sets.append([norm_label(x) for x in v[c].values])
    return sets


def list_ok(got: Any, gold: list[Any]) -> bool:
    g = sorted(norm_label(x) for x in gold)
    return any(sorted(s) == g for s in label_sets(got))


def norm_index(ix: Any, how: str) -> list[Any]:
    out: list[Any] = []
    for x in ix:
        if how == "month":
            out.append(to_period(x))
        elif how == "year":
            if isinstance(x, (pd.Period, pd.Timestamp)):
                out.append(int(x.year))
            else:
                try:
                    out.append(int(float(str(x)[:4])))
                except Exception:
                    out.append(None)
        else:
            out.append(norm_label(x))
    return out


def series_candidates(v: Any) -> list[pd.Series]:
    """Every label -> number series an answer offers: itself, or a table's numeric columns,
    indexed by the table's index or by any other column."""
    c = []
    if isinstance(v, pd.Series):
        c.append(v)
    elif isinstance(v, pd.DataFrame):
        num = [k for k in v.columns
               if pd.api.types.is_numeric_dtype(v[k]) and not pd.api.types.is_bool_dtype(v[k])]
        oth = [k for k in v.columns if k not in num]
        for k in num:
            c.append(v[k])
            for o in oth:
                c.append(pd.Series(v[k].values, index=v[o].values))
    elif isinstance(v, dict):
        c.append(pd.Series(v))
    return c


def series_ok(got: Any, gold: pd.Series, opt: dict[str, Any]) -> bool:
    how = opt.get("idx", "str")
    gd = dict(zip(norm_index(gold.index, how), gold.values, strict=True))
    scales = [1, 100, 0.01] if opt.get("scale") == "either" else [1]
    for s in series_candidates(got):
        try:
            sd = dict(zip(norm_index(s.index, how), pd.to_numeric(s.values, errors="coerce"),
                          strict=True))
        except Exception:
            continue
        sd = {k: v for k, v in sd.items()
              if not (isinstance(v, float) and math.isnan(v)) or k in gd}
        keys_ok = set(gd) <= set(sd) if opt.get("subset_ok") else set(gd) == set(sd)
        if not keys_ok:
            continue
        for sc in scales:
            if all(close(sd[k], gv * sc) for k, gv in gd.items()):
                return True
    return False


def _matches(kind: str, got: Any, gold: Any, opt: dict[str, Any]) -> bool:
    if kind == "num":
        return num_ok(got, gold, opt)
    if kind == "label":
        return label_ok(got, gold)
    if kind == "month":
        return month_ok(got, gold)
    if kind == "weekday":
        return weekday_ok(got, gold)
    if kind == "bool":
        return bool_ok(got, gold)
    if kind == "list":
        return list_ok(got, gold)
    if kind == "series":
        return series_ok(got, gold, opt)
    raise KeyError(kind)


def grade(item: Question, got: Any, golds: list[tuple[Any, Any]]) -> bool:
    """Right if the answer matches any of the golds (with and without the repeated row)."""
    assert item.kind is not None
    for gold, alt in golds:
        opt = dict(item.opt)
        if alt is not None:
            opt["alt_val"] = alt
        if _matches(item.kind, got, gold, opt):
            return True
    return False


def short(v: Any, n: int = 300) -> str:
    if isinstance(v, pd.DataFrame):
        s = v.head(8).to_string()
    elif isinstance(v, pd.Series):
        s = v.head(14).to_string()
    else:
        s = repr(v)
    s = s.replace("\n", " | ")
    return s if len(s) <= n else s[:n] + "…"


# --------------------------------------------------------------------------- the run


def run_one(item: Question, tables: dict[str, Pair]) -> dict[str, Any]:
    """Ask one question of its messy table and grade the answer against the clean twin.

    Verdicts: correct | wrong | declined (answerable questions); declined_ok | answered_wrongly
    (must-decline). A crash of ``ask`` counts as a decline, with its message kept."""
    from analyst_magics.nlq.engine import ask

    messy, clean = tables[item.table]
    golds = []
    if item.gold is not None:
        for c in (clean, clean.drop_duplicates()):
            g = item.gold(c)
            alt = item.opt["alt"](c) if "alt" in item.opt else None
            golds.append((g, alt))
    rec: dict[str, Any] = {"id": item.id, "table": item.table, "cat": item.cat, "q": item.text,
                           "note": item.note, "gold": short(golds[0][0]) if golds else None}
    answer = None
    try:
        answer = ask(messy.copy(), item.text, engine="rules")
        kind = answer.kind.value
        rec.update(engine_kind=kind, value=short(answer.value), code=(answer.code or "")[:600],
                   message=(answer.message or "")[:400])
    except Exception as e:
        kind = "error"
        rec.update(engine_kind="crash", value=None, code="",
                   message="CRASH: "
                   + "".join(traceback.format_exception_only(type(e), e))[:300])
    if item.kind is None:
        rec["verdict"] = "declined_ok" if kind == "error" else "answered_wrongly"
    elif kind == "error":
        rec["verdict"] = "declined"
    else:
        assert answer is not None
        try:
            rec["verdict"] = "correct" if grade(item, answer.value, golds) else "wrong"
        except Exception as e:
            rec["verdict"] = "wrong"
            rec["grade_error"] = repr(e)
    rec["answered"] = rec["engine_kind"] not in ("error", "crash")
    return rec


def _line(label: str, rows: list[dict[str, Any]]) -> None:
    answerable = sum(r["cat"] != MUST_DECLINE for r in rows)
    answered = sum(r["answered"] for r in rows)
    correct = sum(r["verdict"] == "correct" for r in rows)
    accuracy = f"{correct / answerable:.3f}" if answerable else "-"
    precision = f"{correct / answered:.3f}" if answered else "-"
    print(f"{label:<20}{len(rows):>7}{answered:>10}{correct:>9}{answered - correct:>7}"
          f"{accuracy:>10}{precision:>11}")


def _ratio(a: int, b: int) -> str:
    return f"{a}/{b} = {a / b:.1%}" if b else f"{a}/{b}"


def report(results: list[dict[str, Any]]) -> None:
    """Per category, then overall: accuracy is correct / answerable, precision is correct /
    answered; a must-decline question that gets an answer counts as answered and wrong."""
    ans = [r for r in results if r["cat"] != MUST_DECLINE]
    dec = [r for r in results if r["cat"] == MUST_DECLINE]
    print(f"{'':<20}{'total':>7}{'answered':>10}{'correct':>9}{'wrong':>7}"
          f"{'accuracy':>10}{'precision':>11}")
    cats: dict[str, list[dict[str, Any]]] = {}
    for r in ans:
        cats.setdefault(r["cat"], []).append(r)
    for cat, rows in sorted(cats.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        _line(cat, rows)
    if dec:
        _line(MUST_DECLINE, dec)
    _line("ALL answerable", ans)
    _line("ALL", results)

    correct = sum(r["verdict"] == "correct" for r in ans)
    answered = sum(r["answered"] for r in ans)
    answered_all = answered + sum(r["answered"] for r in dec)
    print()
    print(f"accuracy  (correct / answerable) = {_ratio(correct, len(ans))}")
    print(f"precision (correct / answered)   = {_ratio(correct, answered)}")
    print(f"precision counting must-decline answers = {_ratio(correct, answered_all)}")
    print(f"answerable: {len(ans)}, correct {correct}, "
          f"wrong {sum(r['verdict'] == 'wrong' for r in ans)}, "
          f"declined {sum(r['verdict'] == 'declined' for r in ans)}")
    print(f"must-decline: {len(dec)}, answered {sum(r['answered'] for r in dec)}, "
          f"declined {sum(r['verdict'] == 'declined_ok' for r in dec)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED, help=f"table seed (default {SEED})")
    parser.add_argument("--only", help="only these question ids, comma-separated (O1,T8)")
    parser.add_argument("--out", type=Path, help="write one JSON line per question here")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="show every question with its verdict")
    args = parser.parse_args(argv)

    items = QUESTIONS
    if args.only:
        wanted = {s.strip() for s in args.only.split(",") if s.strip()}
        unknown = wanted - {item.id for item in QUESTIONS}
        if unknown:
            print(f"error: no question {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        items = [item for item in QUESTIONS if item.id in wanted]

    warnings.filterwarnings("ignore")   # pandas' parse warnings on the messy exports
    tables = build(args.seed)
    print(f"seed={args.seed}  questions={len(items)}  engine=rules", flush=True)
    results = []
    for item in items:
        rec = run_one(item, tables)
        results.append(rec)
        if args.verbose:
            print(f"{rec['id']:4s} {rec['verdict']:16s} {item.text[:70]}", flush=True)
            if rec["verdict"] in ("wrong", "answered_wrongly"):
                print(f"      gold: {rec['gold']} | got: {rec['value']}")
    if args.verbose:
        print()
    report(results)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("w", encoding="utf-8") as fh:
            for rec in results:
                fh.write(json.dumps(rec, default=str) + "\n")
        print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
