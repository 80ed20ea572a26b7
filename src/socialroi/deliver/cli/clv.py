"""`socialroi clv`: customer lifetime value by acquisition platform and market."""

from __future__ import annotations

import click

from socialroi.deliver.cli.common import (
    console,
    emit,
    err,
    format_option,
    open_workspace,
    workspace_option,
)
from socialroi.errors import SocialroiError, UnknownName


def _dimensions(text: str) -> tuple[str, ...]:
    from socialroi.measure.clv.workspace import DIMENSIONS  # deferred: start-up time

    dims = tuple(d.strip().lower() for d in text.split(",") if d.strip())
    for d in dims:
        if d not in DIMENSIONS:
            raise UnknownName("CLV dimension", d, list(DIMENSIONS))
    if len(set(dims)) != len(dims):
        raise SocialroiError(f"--by names a dimension twice: {text!r}")
    return dims


@click.command("clv")
@workspace_option
@click.option("--period", required=True, help="Acquisition period: 2026-Q3, 2026-07, 2026...")
@click.option(
    "--by",
    default="platform,market",
    show_default=True,
    help="Group customers by acquisition platform and/or market ('' for one total row).",
)
@click.option(
    "--horizon", default=12, show_default=True, type=int, help="Predictive horizon in months."
)
@click.option(
    "--discount",
    default=0.10,
    show_default=True,
    type=float,
    help="Annual discount rate for predicted value (0.10 = 10 %).",
)
@click.option(
    "--lookback",
    default=30,
    show_default=True,
    type=int,
    help="Days before the first purchase searched for the acquiring touch.",
)
@click.option("--customers", is_flag=True, help="One row per customer instead of groups.")
@click.option(
    "--historical-only", is_flag=True, help="Revenue to date only; fit no predictive model."
)
@format_option
def clv_command(
    workspace, period, by, horizon, discount, lookback, customers, historical_only, fmt
):
    """Customer lifetime value of the customers acquired in a period.

    A customer is acquired on their first purchase ever in the workspace. Historical CLV is
    their revenue up to the period end; predicted CLV is the discounted revenue the BG/NBD
    and Gamma-Gamma models expect over the next --horizon months, fitted on every customer's
    history up to the period end. Means are per customer (total value / customers).
    """

    import pandas as pd  # deferred: start-up time

    from socialroi.measure.clv.workspace import clv_by, customer_clv  # deferred: start-up time
    from socialroi.model.periods import parse_period  # deferred: start-up time

    p = parse_period(period)
    dims = _dimensions(by)
    if lookback <= 0:
        raise SocialroiError(f"--lookback is a positive number of days; got {lookback}")
    options = dict(predict=not historical_only, lookback_days=lookback)
    with open_workspace(workspace) as ws:
        if customers:
            table = customer_clv(ws, p, horizon, discount, **options)
        else:
            table = clv_by(ws, p, dims, horizon, discount, **options)
    attrs = table.attrs
    meta = {
        "period": p.label,
        "currency": attrs.get("currency"),
        "horizon_months": horizon,
        "annual_discount": discount,
        "time_unit": attrs.get("time_unit"),
        "bgnbd": attrs.get("bgnbd"),
        "gamma_gamma": attrs.get("gamma_gamma"),
        "notes": attrs.get("notes", []),
    }
    if not customers:
        meta["totals"] = attrs.get("totals")
    if fmt == "table" and not customers and dims:
        total = {dims[0]: "Total", **attrs["totals"]}
        table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    if historical_only and fmt == "table":
        table = table.drop(
            columns=[c for c in ("expected_purchases", "p_alive", "predicted_clv") if c in table]
        )
    title = (
        f"CLV of customers acquired in {p.label} ({attrs.get('currency')}; predicted over "
        f"{horizon} months at {discount:.1%} a year)"
    )
    if historical_only:
        title = f"Historical CLV of customers acquired in {p.label} ({attrs.get('currency')})"
    emit(table, fmt, title, **meta)
    if fmt == "table":
        if meta["bgnbd"]:
            b, g = meta["bgnbd"], meta["gamma_gamma"]
            console.print(
                f"BG/NBD (days): r={b['r']:.4g} alpha={b['alpha']:.4g} a={b['a']:.4g} "
                f"b={b['b']:.4g}; Gamma-Gamma: p={g['p']:.4g} q={g['q']:.4g} v={g['v']:.4g}; "
                f"fitted on {attrs['customers_fitted']:,} customers "
                f"({attrs['repeat_customers']:,} repeat)."
            )
        for note in meta["notes"]:
            err.print(f"note: {note}")


COMMANDS = [clv_command]
