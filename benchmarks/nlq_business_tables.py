"""Six messy business tables, as an analyst gets them after ``pd.read_csv`` on an export, each
with a clean twin that holds the true typed values row by row.

``build(seed)`` returns ``{name: (messy, clean)}``; one seeded generator feeds every builder in
turn, so a seed always gives the same six tables. The messy frame is written to CSV and read
back, so its dtypes are exactly what ``read_csv`` infers. The mess is the kind real exports
carry, and each kind is there so that answering right needs parsing or cleaning first:

- ``orders`` (360 orders + 1 repeated row): Order Date as text in two formats (``03/14/2024``
  and ``2024-03-14``); Ship Date blank when not shipped; Unit Price and ``amount_usd`` as money
  text (``$1,234.56``), four amounts blank; Discount as ``15%`` text, blank in 8% of rows (a
  blank is not 0%); Returned as Yes/No.
- ``hr`` (150 employees): Hire Date in two formats (``05-Mar-2019`` and ISO); salary as
  ``€72.500`` (a dot for thousands, which reads like a decimal point); Bonus as ``12%``;
  Remote? as Y/N; Perf Rating blank for 10%; Left Company as Yes/No.
- ``web`` (600 sessions): Session Start in two formats (``03/14/2024 02:05 PM`` and ISO);
  Session Duration as ``H:MM:SS`` text; Bounce Y/N and Converted Yes/No; Country blank for 3%.
- ``subs`` (250 accounts): MRR as money text; Start Date in two formats (``Mar 05, 2023`` and
  ISO); Cancel Date blank while active; Onboarding Time as ``12 days``; NPS blank for 15%, where
  0 is a real score.
- ``tickets`` (400 tickets + 1 repeated row): Opened At in two formats (``14.03.2024 09:30`` and
  ISO); Resolved At blank while open; CSAT blank for 25%; Handle Time as ``H:MM:SS``; SLA
  Breached as Y/N.
- ``finance`` (12 months + a Total row): Month as ``Jan 2023`` text; money in whole dollars as
  text (negative as ``-$12,345``); Headcount blank on the Total row; Gross Margin as ``41.2%``.
  The Total row must stay out of every per-month answer.

The repeated rows are kept in the clean twin too; gold answers are computed on it both with and
without duplicates, and either is accepted.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

SEED = 20240611

Pair = tuple[pd.DataFrame, pd.DataFrame]


def _money_usd(x: float) -> str:
    if pd.isna(x):
        return ""
    s = f"${abs(x):,.2f}"
    return "-" + s if x < 0 else s


def _money_usd0(x: float) -> str:
    if pd.isna(x):
        return ""
    s = f"${abs(x):,.0f}"
    return "-" + s if x < 0 else s


def _eur(x: float) -> str:
    return "€" + f"{int(round(x)):,}".replace(",", ".")


def _hms(sec: float) -> str:
    sec = int(round(sec))
    return f"{sec // 3600}:{(sec % 3600) // 60:02d}:{sec % 60:02d}"


def _rand_dates(rng: np.random.Generator, n: int, start: str, end: str) -> pd.DatetimeIndex:
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    days = rng.integers(0, (e - s).days + 1, n)
    return pd.to_datetime(s) + pd.to_timedelta(days, unit="D")


def _roundtrip(messy: pd.DataFrame) -> pd.DataFrame:
    """Through CSV and back, so the messy frame has the dtypes ``read_csv`` gives an analyst."""
    buf = io.StringIO()
    messy.to_csv(buf, index=False)
    buf.seek(0)
    return pd.read_csv(buf)


def _repeat_row(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    """Row ``k`` twice in a row, as an export that wrote one record twice."""
    return pd.concat([frame.iloc[:k + 1], frame.iloc[[k]], frame.iloc[k + 1:]], ignore_index=True)


def orders(rng: np.random.Generator) -> Pair:
    n = 360
    od = _rand_dates(rng, n, "2023-01-01", "2024-06-30")
    ship_gap = rng.integers(1, 8, n)
    sd = od + pd.to_timedelta(ship_gap, unit="D")
    unshipped = rng.random(n) < 0.05
    sd = pd.Series(sd).where(~unshipped, pd.NaT)
    cust_pool = [f"C{i:04d}" for i in range(1, 121)]
    w = np.ones(120)
    w[[4, 17, 63]] = [9, 7, 5]   # a few VIPs
    cust = rng.choice(cust_pool, n, p=w / w.sum())
    cats = ["Electronics", "Home", "Apparel", "Toys", "Grocery"]
    cat = rng.choice(cats, n, p=[0.22, 0.22, 0.24, 0.14, 0.18])
    lo = {"Electronics": 80, "Home": 20, "Apparel": 10, "Toys": 5, "Grocery": 2}
    hi = {"Electronics": 900, "Home": 300, "Apparel": 120, "Toys": 80, "Grocery": 40}
    price = np.array([round(rng.uniform(lo[c], hi[c]), 2) for c in cat])
    qty = rng.choice(np.arange(1, 9), n, p=[.3, .22, .15, .1, .08, .06, .05, .04])
    disc = rng.choice([0, 0.05, 0.1, 0.15, 0.2], n, p=[.45, .2, .2, .1, .05]).astype(float)
    disc_blank = rng.random(n) < 0.08
    disc_clean = np.where(disc_blank, np.nan, disc)
    total = np.round(qty * price * (1 - np.where(disc_blank, 0, disc)), 2)
    total = total.astype(float)
    total[rng.choice(n, 4, replace=False)] = np.nan
    region = rng.choice(["North", "South", "East", "West"], n, p=[.3, .2, .25, .25])
    chan = rng.choice(["Web", "Mobile App", "Marketplace"], n, p=[.5, .3, .2])
    ret_p = np.where(cat == "Apparel", 0.25, 0.08)
    returned = rng.random(n) < ret_p
    ids = [f"ORD-{10001 + i}" for i in range(n)]

    clean = pd.DataFrame({
        "order_id": ids, "order_date": od, "ship_date": sd.values,
        "customer_id": cust, "region": region, "category": cat, "channel": chan,
        "qty": qty, "unit_price": price, "discount": disc_clean,
        "amount": total, "returned": returned,
    })
    fmt_us = rng.random(n) < 0.4
    messy = pd.DataFrame({
        "Order ID": ids,
        "Order Date": [d.strftime("%m/%d/%Y") if u else d.strftime("%Y-%m-%d")
                       for d, u in zip(od, fmt_us, strict=True)],
        "Ship Date": [("" if pd.isna(d) else d.strftime("%Y-%m-%d")) for d in sd],
        "Customer ID": cust, "Region": region, "Category": cat,
        "Sales Channel": chan, "Qty": qty,
        "Unit Price": [_money_usd(p) for p in price],
        "Discount": ["" if b else f"{int(round(d * 100))}%"
                     for d, b in zip(disc, disc_blank, strict=True)],
        "amount_usd": [_money_usd(t) for t in total],
        "Returned": np.where(returned, "Yes", "No"),
    })
    k = 137
    return _roundtrip(_repeat_row(messy, k)), _repeat_row(clean, k)


FIRST = ["Anna", "Ben", "Clara", "David", "Eva", "Felix", "Greta", "Hugo", "Ines", "Jonas",
         "Karla", "Lukas", "Mia", "Nico", "Olga", "Paul", "Quinn", "Rosa", "Sven", "Tara",
         "Uwe", "Vera", "Wim", "Xenia", "Yusuf", "Zoe", "Marco", "Lena", "Omar", "Sofia"]
LAST = ["Schmidt", "Garcia", "Martin", "de Vries", "Rossi", "Muller", "Lopez", "Bernard",
        "Jansen", "Weber", "Fernandez", "Dubois", "Bakker", "Wagner", "Moreau", "Costa"]


def hr(rng: np.random.Generator) -> Pair:
    n = 150
    combos = [(first, last) for first in FIRST for last in LAST]
    idx = rng.choice(len(combos), n, replace=False)
    names = [f"{combos[i][0]} {combos[i][1]}" for i in idx]
    depts = ["Engineering", "Sales", "Marketing", "Finance", "HR", "Support"]
    dept = rng.choice(depts, n, p=[.3, .2, .12, .12, .08, .18])
    levels = ["Junior", "Mid", "Senior", "Lead"]
    level = rng.choice(levels, n, p=[.3, .35, .25, .1])
    base = {"Junior": 40000, "Mid": 55000, "Senior": 72000, "Lead": 90000}
    mult = {"Engineering": 1.15, "Sales": 1.0, "Marketing": 0.95, "Finance": 1.05,
            "HR": 0.9, "Support": 0.85}
    sal = np.array([base[lvl] * mult[d] * rng.normal(1, 0.08)
                    for lvl, d in zip(level, dept, strict=True)])
    sal = np.round(sal / 500) * 500
    remote = rng.random(n) < 0.35
    sal = sal + np.where(remote, -1500, 0)
    hire = _rand_dates(rng, n, "2015-01-01", "2024-06-30")
    bonus = rng.integers(0, 16, n)
    loc = rng.choice(["Berlin", "Madrid", "Paris", "Amsterdam"], n, p=[.4, .25, .2, .15])
    rating = rng.integers(1, 6, n).astype(float)
    rating[rng.random(n) < 0.1] = np.nan
    left_p = np.where(dept == "Support", 0.35, np.where(dept == "Sales", 0.18, 0.08))
    left = rng.random(n) < left_p
    age_base = {"Junior": 26, "Mid": 32, "Senior": 39, "Lead": 45}
    age = np.array([int(np.clip(age_base[lvl] + rng.normal(0, 5), 21, 64)) for lvl in level])
    ids = [f"E{i:03d}" for i in range(1, n + 1)]
    clean = pd.DataFrame({"emp_id": ids, "name": names, "department": dept, "level": level,
                          "hire_date": hire, "salary": sal, "bonus_pct": bonus.astype(float),
                          "remote": remote, "office": loc, "rating": rating, "left": left,
                          "age": age})
    fmt2 = rng.random(n) < 0.45
    messy = pd.DataFrame({
        "Emp #": ids, "Full Name": names, "Dept": dept, "Level": level,
        "Hire Date": [d.strftime("%d-%b-%Y") if f else d.strftime("%Y-%m-%d")
                      for d, f in zip(hire, fmt2, strict=True)],
        "Salary (EUR)": [_eur(s) for s in sal],
        "Bonus": [f"{b}%" for b in bonus],
        "Remote?": np.where(remote, "Y", "N"),
        "Office": loc, "Perf Rating": rating,
        "Left Company": np.where(left, "Yes", "No"),
        "Age": age,
    })
    return _roundtrip(messy), clean


def web(rng: np.random.Generator) -> Pair:
    n = 600
    days = _rand_dates(rng, 3000, "2024-01-01", "2024-06-30")
    wk = days.day_of_week < 5
    keep = np.where(wk, rng.random(3000) < 0.30, rng.random(3000) < 0.16)
    days = days[keep][:n]
    assert len(days) == n
    secs = rng.integers(6 * 3600, 23 * 3600, n) // 60 * 60
    start = days + pd.to_timedelta(secs, unit="s")
    srcs = ["Organic", "Paid Search", "Social", "Email", "Direct"]
    src = rng.choice(srcs, n, p=[.3, .22, .2, .1, .18])
    conv_p = {"Organic": .07, "Paid Search": .10, "Social": .03, "Email": .20, "Direct": .08}
    dev = rng.choice(["Desktop", "Mobile", "Tablet"], n, p=[.5, .4, .1])
    b_p = {"Desktop": .3, "Mobile": .5, "Tablet": .4}
    bounced = rng.random(n) < np.array([b_p[d] for d in dev])
    pages = np.where(bounced, 1, 2 + rng.poisson(3, n))
    dur = np.where(bounced, rng.integers(2, 31, n),
                   (pages * rng.uniform(20, 110, n)).astype(int))
    conv = (~bounced) & (rng.random(n) < np.array([conv_p[s] for s in src]) / 0.6)
    rev = np.where(conv, np.round(rng.uniform(20, 300, n), 2), 0.0)
    countries = ["US", "UK", "DE", "FR", "CA", "IN", "BR"]
    ctry = rng.choice(countries, n, p=[.35, .15, .14, .1, .1, .1, .06]).astype(object)
    ctry[rng.random(n) < 0.03] = np.nan
    new = rng.random(n) < 0.6
    ids = [f"S{i:05d}" for i in range(1, n + 1)]
    clean = pd.DataFrame({"session_id": ids, "start": start, "source": src, "device": dev,
                          "country": ctry, "pages": pages, "duration_s": dur.astype(float),
                          "bounced": bounced, "converted": conv, "revenue": rev,
                          "new_user": new})
    fmt2 = rng.random(n) < 0.5
    messy = pd.DataFrame({
        "Session ID": ids,
        "Session Start": [d.strftime("%m/%d/%Y %I:%M %p") if f
                          else d.strftime("%Y-%m-%d %H:%M:%S")
                          for d, f in zip(start, fmt2, strict=True)],
        "Traffic Source": src, "Device Type": dev, "Country": ctry, "Pageviews": pages,
        "Session Duration": [_hms(s) for s in dur],
        "Bounce": np.where(bounced, "Y", "N"),
        "Converted": np.where(conv, "Yes", "No"),
        "Order Value": rev,
        "New User": np.where(new, "Yes", "No"),
    })
    return _roundtrip(messy), clean


PFX = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell",
       "Cyberdyne", "Soylent", "Vandelay", "Pied Piper", "Aperture", "Gringotts", "Oscorp"]
SFX = ["Labs", "Inc", "GmbH", "Ltd", "Systems", "Group", "Partners", "Digital",
       "Analytics", "Foods", "Health", "Logistics", "Media", "Retail", "Energy", "Capital"]


def subs(rng: np.random.Generator) -> Pair:
    n = 250
    combos = [f"{p} {s}" for p in PFX for s in SFX]
    comp = list(rng.choice(combos, n, replace=False))
    plan = rng.choice(["Starter", "Pro", "Enterprise"], n, p=[.5, .35, .15])
    seats = np.array([rng.integers(1, 11) if p == "Starter" else
                      rng.integers(5, 51) if p == "Pro" else rng.integers(30, 301) for p in plan])
    per_seat = {"Starter": 15, "Pro": 29, "Enterprise": 45}
    billing = rng.choice(["Monthly", "Annual"], n, p=[.6, .4])
    mrr = np.round(np.array([s * per_seat[p] for s, p in zip(seats, plan, strict=True)]) *
                   np.where(billing == "Annual", 0.85, 1.0) * rng.uniform(0.95, 1.05, n), 2)
    start = _rand_dates(rng, n, "2022-01-01", "2024-03-31")
    churn_p = np.where(billing == "Monthly", 0.32, 0.12) * np.where(plan == "Enterprise", 0.6, 1)
    churned = rng.random(n) < churn_p
    life = rng.integers(30, 600, n)
    cancel = start + pd.to_timedelta(life, unit="D")
    cancel = pd.Series(cancel).where(cancel <= pd.Timestamp("2024-06-30"),
                                     pd.Timestamp("2024-06-30"))
    cancel = cancel.where(churned, pd.NaT)
    region = rng.choice(["AMER", "EMEA", "APAC"], n, p=[.5, .3, .2])
    onboard = rng.integers(1, 46, n)
    nps = rng.choice(np.arange(11), n, p=[.06, .03, .03, .04, .05, .07, .1, .14, .18, .15, .15])
    nps = nps.astype(float)
    nps[rng.random(n) < 0.15] = np.nan
    ids = [f"A-{5000 + i}" for i in range(n)]
    clean = pd.DataFrame({"account_id": ids, "company": comp, "plan": plan, "mrr": mrr,
                          "seats": seats, "start": start, "cancel": cancel.values,
                          "churned": churned, "region": region, "billing": billing,
                          "onboard_days": onboard.astype(float), "nps": nps})
    fmt2 = rng.random(n) < 0.5
    messy = pd.DataFrame({
        "Account ID": ids, "Company": comp, "Plan": plan,
        "MRR": [_money_usd(m) for m in mrr], "Seats": seats,
        "Start Date": [d.strftime("%b %d, %Y") if f else d.strftime("%Y-%m-%d")
                       for d, f in zip(start, fmt2, strict=True)],
        "Cancel Date": ["" if pd.isna(d) else d.strftime("%Y-%m-%d") for d in cancel],
        "Churned": np.where(churned, "Yes", "No"),
        "Region": region, "Billing Cycle": billing,
        "Onboarding Time": [f"{d} day" if d == 1 else f"{d} days" for d in onboard],
        "NPS": nps,
    })
    return _roundtrip(messy), clean


def tickets(rng: np.random.Generator) -> Pair:
    n = 400
    days = _rand_dates(rng, n, "2024-01-01", "2024-04-30")
    opened = days + pd.to_timedelta(rng.integers(7 * 60, 20 * 60, n), unit="min")
    pri = rng.choice(["Low", "Medium", "High", "Urgent"], n, p=[.3, .4, .2, .1])
    cat = rng.choice(["Billing", "Technical", "Account", "Shipping"], n, p=[.3, .3, .2, .2])
    scale = {"Low": 40, "Medium": 22, "High": 9, "Urgent": 3}
    cmult = {"Billing": 0.8, "Technical": 1.8, "Account": 0.9, "Shipping": 1.0}
    hours = np.array([rng.exponential(scale[p]) * cmult[c] + 0.25
                      for p, c in zip(pri, cat, strict=True)])
    res = opened + pd.to_timedelta(np.round(hours * 60), unit="min")
    unres = rng.random(n) < 0.08
    res = pd.Series(res).where(~unres, pd.NaT)
    chan = rng.choice(["Email", "Chat", "Phone"], n, p=[.45, .35, .2])
    agents = ["Alice", "Bob", "Chen", "Dana", "Emeka", "Farah", "Goran", "Hana"]
    ag = rng.choice(agents, n)
    amean = dict(zip(agents, [4.3, 3.9, 4.1, 2.9, 3.7, 4.5, 3.5, 4.0], strict=True))
    csat = np.array([np.clip(round(rng.normal(amean[a], 0.8)), 1, 5) for a in ag]).astype(float)
    thr = {"Low": 48, "Medium": 24, "High": 12, "Urgent": 4}
    breach = np.array([(not u) and h > thr[p] for u, h, p in zip(unres, hours, pri, strict=True)])
    csat = csat - np.where(breach, 0.6, 0)
    csat = np.clip(np.round(csat), 1, 5)
    csat[rng.random(n) < 0.25] = np.nan
    hlo = {"Email": (180, 900), "Chat": (300, 1200), "Phone": (480, 1800)}
    handle = np.array([rng.integers(*hlo[c]) for c in chan]).astype(float)
    ids = [f"T-{20000 + i}" for i in range(n)]
    clean = pd.DataFrame({"ticket_id": ids, "opened": opened, "resolved": res.values,
                          "priority": pri, "channel": chan, "agent": ag, "issue": cat,
                          "csat": csat, "handle_s": handle, "breached": breach})
    fmt2 = rng.random(n) < 0.4
    messy = pd.DataFrame({
        "Ticket #": ids,
        "Opened At": [d.strftime("%d.%m.%Y %H:%M") if f else d.strftime("%Y-%m-%d %H:%M")
                      for d, f in zip(opened, fmt2, strict=True)],
        "Resolved At": ["" if pd.isna(d) else d.strftime("%Y-%m-%d %H:%M") for d in res],
        "Priority": pri, "Channel": chan, "Assigned Agent": ag, "Issue Type": cat,
        "CSAT": csat, "Handle Time": [_hms(s) for s in handle],
        "SLA Breached": np.where(breach, "Y", "N"),
    })
    k = 251
    return _roundtrip(_repeat_row(messy, k)), _repeat_row(clean, k)


def finance(rng: np.random.Generator) -> Pair:
    months = pd.period_range("2023-01", "2023-12", freq="M")
    season = np.array([0.85, 0.8, 0.95, 1.0, 1.05, 1.02, 0.9, 0.88, 1.05, 1.1, 1.25, 1.4])
    rev = np.round(1_000_000 * season * np.linspace(1, 1.2, 12) * rng.uniform(0.95, 1.05, 12))
    cogs = np.round(rev * rng.uniform(0.55, 0.63, 12))
    opex = np.round(rng.uniform(330_000, 420_000, 12))
    net = rev - cogs - opex
    head = np.round(np.linspace(40, 58, 12) + rng.normal(0, 1, 12)).astype(int)
    gm = np.round((rev - cogs) / rev * 100, 1)
    clean = pd.DataFrame({"month": months, "revenue": rev, "cogs": cogs, "opex": opex,
                          "net": net, "headcount": head, "gm_pct": gm})
    tot_gm = round((rev.sum() - cogs.sum()) / rev.sum() * 100, 1)
    messy = pd.DataFrame({
        "Month": [m.strftime("%b %Y") for m in months] + ["Total"],
        "Revenue": [_money_usd0(x) for x in rev] + [_money_usd0(rev.sum())],
        "COGS": [_money_usd0(x) for x in cogs] + [_money_usd0(cogs.sum())],
        "Operating Expenses": [_money_usd0(x) for x in opex] + [_money_usd0(opex.sum())],
        "Net Income": [_money_usd0(x) for x in net] + [_money_usd0(net.sum())],
        "Headcount": list(head) + [np.nan],
        "Gross Margin": [f"{g}%" for g in gm] + [f"{tot_gm}%"],
    })
    return _roundtrip(messy), clean


def build(seed: int = SEED) -> dict[str, Pair]:
    """All six tables from one generator, built in a fixed order (the order is part of the
    seed's meaning: each builder draws from where the previous one stopped)."""
    rng = np.random.default_rng(seed)
    return {"orders": orders(rng), "hr": hr(rng), "web": web(rng), "subs": subs(rng),
            "tickets": tickets(rng), "finance": finance(rng)}


if __name__ == "__main__":
    for name, (messy, clean) in build().items():
        print("=" * 20, name, messy.shape, clean.shape)
        print(messy.head(4).to_string())
        print(messy.dtypes.to_dict())
