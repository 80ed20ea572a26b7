"""The true cost: the costs ledger and ad spend, allocated to platform, market and campaign.

`allocate(ws, "2026-Q3")` returns one row per (period bucket, cost line, cell): what each
ledger line and each campaign's ad spend cost each platform x market (x campaign). The rules
are documented in docs/costs.md:

- a ledger line counts for the days it overlaps the period (and each grain bucket);
- its scope (platform, market, campaign) restricts the cells it may go to;
- `direct` puts it on its scope, `ad_spend_share` / `posts_share` / `hours_share` spread it
  by ad spend, posts published or time-split hours in scope, `even` evenly over the active
  cells (platform x market with posts, ad spend or followers in the window);
- a line with no rule and no scope, or whose driver is zero, is `unallocated`, with the
  reason in `note` — never dropped.

Money is split in whole millionths of the base currency, and what does not divide evenly goes
to the largest share, so the allocations of every line sum back to it exactly.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from socialroi.errors import UnknownName
from socialroi.land.cost_edits import delete_cost, upsert_cost
from socialroi.measure.costs.drivers import Drivers, load_drivers
from socialroi.measure.selection import social_cost
from socialroi.model.periods import Period, parse_period

# the tables an allocation reads (ledger, drivers, exchange rates), for `Workspace.memo`
READS = (
    "costs", "ad_metrics", "accounts", "campaigns", "posts", "account_metrics", "time_split",
    "fx_rates",
)  # fmt: skip

__all__ = ["allocate", "buckets", "delete_cost", "ledger", "split_units", "totals", "upsert_cost"]

# Everything below works in integer micro-units of the base currency.
UNITS = 1_000_000
GRAINS = ("week", "month", "quarter", "year")
RULES = (
    "ad_data", "direct", "ad_spend_share", "posts_share", "hours_share", "even", "unallocated",
)  # fmt: skip
COLUMNS = (
    "period", "cost_id", "category", "description", "platform", "market", "campaign", "rule",
    "amount_base", "note",
)  # fmt: skip
LEDGER_COLUMNS = (
    "cost_id", "period_start", "period_end", "category", "amount", "currency", "amount_base",
    "platform", "market", "campaign", "allocation", "team", "description", "batch_id",
    "days_in_period", "amount_in_period_base",
)  # fmt: skip


@dataclass(frozen=True)
class Bucket:
    label: str
    start: dt.date
    end: dt.date


# -- exact splitting -------------------------------------------------------------------------


def to_units(amount: float) -> int:
    return int(round(amount * UNITS))


def split_units(total: int, weights: list[float]) -> list[int] | None:
    """Split `total` units in proportion to `weights` (>= 0); the remainder goes to the
    largest share, so the parts sum to `total` exactly. None when the weights are all zero."""
    w = np.asarray(weights, dtype=float)
    s = float(w.sum())
    if not len(w) or s <= 0 or not math.isfinite(s):
        return None
    sign = -1 if total < 0 else 1
    mag = abs(total)
    parts = [int(math.floor(mag * x / s)) for x in w]
    parts[int(np.argmax(w))] += mag - sum(parts)
    return [sign * p for p in parts]


def overlap(a0: dt.date, a1: dt.date, b0: dt.date, b1: dt.date) -> int:
    return max(0, (min(a1, b1) - max(a0, b0)).days + 1)


def period_units(amount_base: float, start: dt.date, end: dt.date, period: Period) -> int:
    """A line's units within `period`: its days inside over all its days (before / inside /
    after split exactly, so the same line gives the same amount at every grain)."""
    total = to_units(amount_base)
    before = overlap(start, end, dt.date.min, period.start - dt.timedelta(days=1))
    inside = overlap(start, end, period.start, period.end)
    after = overlap(start, end, period.end + dt.timedelta(days=1), dt.date.max)
    if inside == 0:
        return 0
    parts = split_units(total, [before, inside, after])
    return parts[1] if parts else 0


# -- period buckets --------------------------------------------------------------------------


def buckets(period: Period, grain: str | None) -> list[Bucket]:
    """The period cut at calendar weeks (ISO), months, quarters or years."""
    if grain is None:
        return [Bucket(period.label, period.start, period.end)]
    if grain not in GRAINS:
        raise UnknownName("grain", grain, list(GRAINS))
    out: list[Bucket] = []
    day = period.start
    while day <= period.end:
        if grain == "week":
            iso = day.isocalendar()
            label = f"{iso.year}-W{iso.week:02d}"
            end = day + dt.timedelta(days=6 - day.weekday())
        elif grain == "month":
            label = f"{day:%Y-%m}"
            end = _next_month(day, 1) - dt.timedelta(days=1)
        elif grain == "quarter":
            q = (day.month - 1) // 3 + 1
            label = f"{day.year}-Q{q}"
            end = _next_month(dt.date(day.year, q * 3 - 2, 1), 3) - dt.timedelta(days=1)
        else:
            label = f"{day.year}"
            end = dt.date(day.year, 12, 31)
        end = min(end, period.end)
        out.append(Bucket(label, day, end))
        day = end + dt.timedelta(days=1)
    return out


def _next_month(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


# -- the ledger ------------------------------------------------------------------------------


def ledger(ws, period: Period | str) -> pd.DataFrame:
    """The ledger lines that overlap the period, with their days and amount inside it."""
    p = parse_period(period)
    t = ws.table("costs")
    df = (
        t.filter((t.period_start <= p.end) & (t.period_end >= p.start))
        .order_by(["period_start", "cost_id"])
        .to_pandas()
    )
    for c in ("period_start", "period_end"):
        df[c] = pd.to_datetime(df[c]).dt.date
    df["days_in_period"] = [
        overlap(s, e, p.start, p.end) for s, e in zip(df.period_start, df.period_end)
    ]
    df["amount_in_period_base"] = [
        period_units(a, s, e, p) / UNITS if pd.notna(a) else 0.0
        for a, s, e in zip(df.amount_base, df.period_start, df.period_end)
    ]
    return df[list(LEDGER_COLUMNS)].reset_index(drop=True)


# -- allocation ------------------------------------------------------------------------------


def allocate(ws, period: Period | str, grain: str | None = None) -> pd.DataFrame:
    """Ad spend and every ledger line overlapping `period`, allocated to platform x market x
    campaign (one row per bucket, line and cell). Columns: see `COLUMNS`."""
    p = parse_period(period)
    parts = buckets(p, grain)
    drivers = load_drivers(ws, p.start, p.end)
    rows: list[dict] = []
    rows += _ad_data(drivers, parts)
    for line in ledger(ws, p).itertuples(index=False):
        if pd.isna(line.amount_base):  # no rate for its currency: shown, not dropped
            rows.append(
                {"period": parts[0].label, "cost_id": line.cost_id, "category": line.category,
                 "description": line.description, "platform": None, "market": None,
                 "campaign": None, "rule": "unallocated", "amount_base": 0.0,
                 "note": f"{line.amount} {line.currency} has no amount in the base currency"}
            )  # fmt: skip
            continue
        units = period_units(line.amount_base, line.period_start, line.period_end, p)
        windows = [(b, overlap(line.period_start, line.period_end, b.start, b.end)) for b in parts]
        windows = [(b, d) for b, d in windows if d]
        split = split_units(units, [d for _, d in windows]) or [0] * len(windows)
        for (b, _), u in zip(windows, split):
            w0, w1 = max(line.period_start, b.start), min(line.period_end, b.end)
            for cell in _allocate_line(line, u, w0, w1, drivers):
                rows.append({"period": b.label, **cell})
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    out["amount_base"] = out["amount_base"].astype(float)
    order = {b.label: i for i, b in enumerate(parts)}
    out = out.iloc[np.argsort(out.period.map(order).to_numpy(), kind="stable")]
    return out.reset_index(drop=True)


def _ad_data(d: Drivers, parts: list[Bucket]) -> list[dict]:
    rows = []
    sp = d.spend
    for b in parts:
        w = sp.window(b.start, b.end, weights=False)
        for i in np.flatnonzero(w != 0):
            rows.append(
                {
                    "period": b.label,
                    "cost_id": sp.col["cost_id"][i],
                    "category": "ad_spend",
                    "description": "Ad spend from the ads exports",
                    "platform": _none(sp.col["platform"][i]),
                    "market": _none(sp.col["market"][i]),
                    "campaign": _none(sp.col["campaign"][i]),
                    "rule": "ad_data",
                    "amount_base": float(w[i]),
                    "note": None,
                }
            )
    return rows


def _none(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else v


def _allocate_line(line, units: int, w0: dt.date, w1: dt.date, d: Drivers) -> list[dict]:
    base = {
        "cost_id": line.cost_id,
        "category": line.category,
        "description": line.description,
    }
    platform, market, campaign = _none(line.platform), _none(line.market), _none(line.campaign)
    team = _none(getattr(line, "team", None))
    scoped = any(v is not None for v in (platform, market, campaign))
    rule = _none(line.allocation) or ("direct" if scoped else None)
    camp_ids, camp_platforms, camp_markets = d.campaign_scope(campaign)
    plats = {platform} if platform else camp_platforms
    marks = {market} if market else camp_markets
    note = None
    if line.category == "ad_spend" and d.spend_in(w0, w1, plats, marks, camp_ids) > 0:
        note = "the ads exports also have spend in this scope: keep only spend they do not show"

    def unallocated(reason: str) -> list[dict]:
        return [
            {
                **base,
                "platform": None,
                "market": None,
                "campaign": None,
                "rule": "unallocated",
                "amount_base": units / UNITS,
                "note": reason,
            }
        ]

    if rule is None:
        return unallocated("no allocation rule and no scope")
    if rule == "direct" and not scoped:
        return unallocated("rule direct needs a platform, market or campaign to go to")
    if rule == "direct" and platform and market:
        cells = [(platform, market, None, 1.0)]
    elif rule in ("direct", "even"):
        cells = d.active_in(w0, w1, plats, marks)
    elif rule == "ad_spend_share":
        cells = d.spend_cells(w0, w1, plats, marks, camp_ids)
    elif rule == "posts_share":
        cells = d.post_cells(w0, w1, plats, marks, camp_ids)
    elif rule == "hours_share":
        cells = d.hour_cells(w0, w1, plats, marks, team)
    else:  # the parser only stores known rules; a hand-edited table may not
        return unallocated(f"unknown allocation rule {rule!r}")
    parts = split_units(units, [c[3] for c in cells])
    if parts is None:
        driver = {
            "direct": "no active platform x market inside the scope",
            "even": "no active platform x market inside the scope",
            "ad_spend_share": "no ad spend inside the scope",
            "posts_share": "no posts published inside the scope",
            "hours_share": "no time-split hours inside the scope"
            + (f" of team {team!r}" if team else ""),
        }[rule]
        return unallocated(f"{rule}: {driver} from {w0} to {w1}")
    out = []
    for (cp, cm, cc, _), u in zip(cells, parts):
        out.append(
            {
                **base,
                "platform": cp,
                "market": cm,
                "campaign": cc or campaign,
                "rule": rule,
                "amount_base": u / UNITS,
                "note": note,
            }
        )
    return out


def totals(alloc: pd.DataFrame) -> dict[str, float]:
    """Ledger, ad spend, allocated and unallocated sums of an `allocate` result, and
    `nonsocial`: the part of `allocated` on paid platforms that are not social (Google Ads
    search and shopping campaigns), which ROI keeps out of social's true cost."""
    ad = alloc.rule == "ad_data"
    un = alloc.rule == "unallocated"
    return {
        "ledger": float(alloc.amount_base[~ad].sum()),
        "ad_spend": float(alloc.amount_base[ad].sum()),
        "allocated": float(alloc.amount_base[~un].sum()),
        "unallocated": float(alloc.amount_base[un].sum()),
        "nonsocial": float(alloc.amount_base[~un & ~social_cost(alloc)].sum()),
    }
