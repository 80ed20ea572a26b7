"""Where a channel's views came from in a period: `view_sources` summed per account and
traffic source, each source's share of the account's views, watch time, and how much of the
channel's own daily views (`account_metrics`) the sources cover.

The coverage says what the figures rest on: a Studio Traffic source export holds day rows only
for the sources ticked in its chart, so its sources can cover less than the channel's views;
a sync holds them all.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import pandas as pd

from socialroi.model.periods import Period, parse_period

COLUMNS = [
    "platform", "account_id", "source_type", "source_name", "views", "share", "watch_hours",
    "minutes_per_view", "days",
]  # fmt: skip


@dataclass
class ViewSources:
    period: Period
    table: pd.DataFrame  # COLUMNS, by account then views (most first)
    coverage: pd.DataFrame  # account_id, source_views, channel_views (same days), days


def view_sources(ws, period: str | Period, platforms=None, accounts=None) -> ViewSources:
    p = parse_period(period)
    t = ws.table("view_sources")
    t = t.filter(t.metric_date.between(p.start, p.end))
    if platforms:
        t = t.filter(t.platform.isin(list(platforms)))
    if accounts:
        t = t.filter(t.account_id.isin(list(accounts)))
    g = t.group_by("platform", "account_id", "source_type").agg(
        source_name=t.source_name.max(),
        views=t.views.sum(),
        watch_seconds=t.watch_seconds.sum(),
        days=t.metric_date.nunique(),
    )
    df = g.execute()
    if df.empty:
        return ViewSources(p, pd.DataFrame(columns=COLUMNS), pd.DataFrame())
    total = df.groupby("account_id")["views"].transform("sum")
    df["share"] = (df["views"] / total.where(total > 0)).astype("float64")
    df["watch_hours"] = df["watch_seconds"] / 3600.0
    df["minutes_per_view"] = (df["watch_seconds"] / 60.0) / df["views"].where(df["views"] > 0)
    df = df.sort_values(["platform", "account_id", "views", "source_type"],
                        ascending=[True, True, False, True])  # fmt: skip
    return ViewSources(p, df[COLUMNS].reset_index(drop=True), _coverage(ws, t))


def _coverage(ws, t: ibis.Table) -> pd.DataFrame:
    """Per account: views of its sources and the channel's views on the days both hold."""
    per_day = t.group_by("account_id", "metric_date").agg(source_views=t.views.sum())
    am = ws.table("account_metrics")
    am = am.filter(am.views.notnull()).select(
        _aid=am.account_id, _day=am.metric_date, channel_views=am.views
    )
    j = per_day.join(am, (per_day.account_id == am._aid) & (per_day.metric_date == am._day))
    out = j.group_by("account_id").agg(
        source_views=j.source_views.sum(), channel_views=j.channel_views.sum(),
        days=j.metric_date.nunique(),
    )  # fmt: skip
    return out.execute()
