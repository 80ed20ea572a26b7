"""`socialroi costs`: the true cost of a period, allocated to platform, market and campaign."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from socialroi.deliver.cli.common import (
    console,
    emit,
    err,
    format_option,
    open_workspace,
    workspace_option,
)
from socialroi.errors import SocialroiError

if TYPE_CHECKING:
    import pandas as pd

DIMENSIONS = ("platform", "market", "campaign", "category", "rule", "cost_id")


def _dims(by: str) -> list[str]:
    dims = [b.strip() for b in by.split(",") if b.strip()]
    bad = [d for d in dims if d not in DIMENSIONS]
    if bad or not dims:
        raise SocialroiError(
            f"cannot group costs by {', '.join(bad) or 'nothing'}; use one or more of "
            + ", ".join(DIMENSIONS)
            + " joined by commas"
        )
    return dims


def by_dimensions(alloc: pd.DataFrame, dims: list[str], grain: str | None) -> pd.DataFrame:
    """Allocated amounts summed by `dims` (and period when a grain is set), largest first."""
    keys = (["period"] if grain else []) + dims
    df = alloc.copy()
    un = df.rule == "unallocated"
    for c in ("platform", "market"):
        df[c] = df[c].astype(object).where(~un, "(unallocated)")
    g = df.groupby(keys, dropna=False, sort=False).amount_base.sum().reset_index()
    total = float(g.amount_base.sum())
    g["share"] = g.amount_base / total if total else 0.0
    if grain:
        g = g.sort_values(["period", "amount_base"], ascending=[True, False], kind="stable")
    else:
        g = g.sort_values("amount_base", ascending=False, kind="stable")
    return g.reset_index(drop=True)


def total_line(t: dict[str, float], currency: str) -> str:
    line = (
        f"ledger {t['ledger']:,.2f} + ad spend {t['ad_spend']:,.2f} = allocated "
        f"{t['allocated']:,.2f} + unallocated {t['unallocated']:,.2f} {currency}"
    )
    if t.get("nonsocial"):  # the same words as `roi`'s line for it
        line += (
            f"; of the allocated cost, {t['nonsocial']:,.2f} {currency} is on search campaigns "
            "(Google Ads), which is not social's: ROI leaves it out of the true cost"
        )
    return line


@click.command("costs")
@workspace_option
@click.option("--period", required=True, help="2026-Q3, 2026-07, 2026, 2026-W05 or A..B.")
@click.option(
    "--by",
    default="platform,market",
    show_default=True,
    help="Group by platform, market, campaign, category, rule or cost_id (comma-separated).",
)
@click.option("--ledger", "show_ledger", is_flag=True, help="List the ledger lines instead.")
@click.option(
    "--grain",
    type=click.Choice(["week", "month", "quarter", "year"]),
    help="Also split by calendar week, month, quarter or year.",
)
@format_option
def costs(workspace, period, by, show_ledger, grain, fmt) -> None:
    """The true cost of a period: the costs ledger plus ad spend, allocated to platform,
    market and campaign by the rules in docs/costs.md. Costs no rule can place are shown as
    unallocated, never dropped."""

    from socialroi.measure.costs.allocate import allocate, ledger, totals  # deferred: start-up time
    from socialroi.model.periods import parse_period  # deferred: start-up time

    p = parse_period(period)
    dims = _dims(by)
    with open_workspace(workspace) as ws:
        cur = ws.base_currency
        alloc = allocate(ws, p, grain=grain)
        lines = ledger(ws, p) if show_ledger else None
    t = totals(alloc)
    line = total_line(t, cur)
    if lines is not None:
        df, title = lines, f"Costs ledger, {p.label} (amount in period in {cur})"
        if fmt == "table":
            df = compact_ledger(df)
    else:
        df = by_dimensions(alloc, dims, grain)
        if fmt == "table":
            df["share"] = [f"{v:.1%}" for v in df.share]
        df = df.rename(columns={"amount_base": f"amount_{cur.lower()}"})
        title = f"True cost by {', '.join(dims)}, {p.label} ({cur})"
    emit(df, fmt, title, period=p.label, currency=cur, totals=t)
    if fmt == "table":
        console.print(line, markup=False, soft_wrap=True)
    elif fmt == "csv":  # stdout stays a clean CSV
        err.print(line, markup=False, soft_wrap=True)


def compact_ledger(df: pd.DataFrame) -> pd.DataFrame:
    """The ledger for a terminal: scope in one column, the long columns left out."""

    import pandas as pd  # deferred: start-up time

    def scope(r) -> str:
        parts = [str(v) for v in (r.platform, r.market, r.campaign) if isinstance(v, str) and v]
        return " / ".join(parts) or "-"

    return pd.DataFrame(
        {
            "cost_id": df.cost_id,
            "from": df.period_start,
            "to": df.period_end,
            "category": df.category,
            "amount": [f"{a:,.2f} {c}" for a, c in zip(df.amount, df.currency)],
            "scope": [scope(r) for r in df.itertuples()],
            "rule": df.allocation.fillna("-"),
            "description": df.description.fillna(""),
            "in_period": df.amount_in_period_base,
        }
    )


COMMANDS = [costs]
