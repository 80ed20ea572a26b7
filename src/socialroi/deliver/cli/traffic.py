"""`socialroi traffic-sources`: where a channel's views came from in a period (YouTube's
traffic sources: Browse features, Suggested videos, YouTube search, External, ...)."""

from __future__ import annotations

import click

from socialroi.deliver.cli.common import (
    console,
    emit,
    format_option,
    open_workspace,
    workspace_option,
)
from socialroi.deliver.cli.roi import split


@click.command("traffic-sources")
@workspace_option
@click.option("--period", required=True, help="2026-Q3, 2026-07, 2026, 2026-W05 or A..B.")
@click.option("--platforms", help="Only these platforms (comma-separated).")
@click.option("--accounts", help="Only these accounts (comma-separated, e.g. youtube:voltiqtech).")
@format_option
def traffic_sources(workspace, period, platforms, accounts, fmt) -> None:
    """Where each channel's views came from: views, share and watch time per traffic source."""
    from socialroi.measure.view_sources import view_sources  # deferred: start-up time

    with open_workspace(workspace) as ws:
        res = view_sources(ws, period, platforms=split(platforms) or None,
                           accounts=split(accounts) or None)  # fmt: skip
    title = f"Views by traffic source, {res.period.label}"
    if fmt != "table":
        emit(res.table, fmt, title, period=res.period.label)
        return
    if res.table.empty:
        console.print(
            f"No views by traffic source in {res.period.label}. Import YouTube Studio's Traffic "
            "source export, or run `socialroi sync youtube` (stream traffic_sources)."
        )
        return
    console.width = max(console.width, 120)
    emit(_readable(res.table), "table", title)
    for r in res.coverage.itertuples():
        if r.channel_views and r.source_views != r.channel_views:
            console.print(
                f"{r.account_id}: its sources hold {r.source_views:,} of the channel's "
                f"{r.channel_views:,} views on the {r.days} day(s) both cover "
                f"({r.source_views / r.channel_views:.0%}). A Studio export holds only the "
                "sources ticked in its chart; a sync holds them all."
            )


def _readable(df):
    import pandas as pd  # deferred: start-up time

    out = pd.DataFrame({
        "account": df["account_id"],
        "traffic source": df["source_name"],
        "code": df["source_type"],
        "views": df["views"].map(lambda v: f"{v:,}"),
        "share": df["share"].map(lambda v: "" if pd.isna(v) else f"{v:.1%}"),
        "watch hours": df["watch_hours"].map(lambda v: "" if pd.isna(v) else f"{v:,.1f}"),
        "min / view": df["minutes_per_view"].map(lambda v: "" if pd.isna(v) else f"{v:.2f}"),
        "days": df["days"],
    })  # fmt: skip
    if df["watch_hours"].isna().all():  # a Studio export: views only
        out = out.drop(columns=["watch hours", "min / view"])
    return out
