"""What an experiment reads from the workspace: posts with their figures and authors, the posts
of each arm, and a market x week panel for cadence and market tests.

A post's figures follow the one rule of `socialroi.measure.posts` (the newest lifetime snapshot,
else the daily rows summed), so an experiment counts what the report counts.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from socialroi.experiments.design import METRICS, Spec, matches
from socialroi.measure.posts import post_figures

POST_COLUMNS = [
    "post_id", "platform", "account_id", "author", "kind", "market", "format", "caption", "url",
    "local_date", "impressions", "shown", "engagements", "link_clicks",
]  # fmt: skip


def post_frame(ws) -> pd.DataFrame:
    """Every post with its account's kind and market and its figures (0 where none)."""
    return ws.memo(("experiments.posts",), lambda: _post_frame(ws))


def _post_frame(ws) -> pd.DataFrame:
    posts, accounts = ws.table("posts"), ws.table("accounts")
    acc = accounts.select(
        _aid=accounts.account_id,
        author=accounts.handle.coalesce(accounts.name, accounts.account_id),
        kind=accounts.kind,
        market=accounts.market,
    )
    t = posts.left_join(acc, posts.account_id == acc._aid)
    fig = post_figures(ws.table("post_metrics")).rename(_fpid="post_id")
    t = t.left_join(fig, t.post_id == fig._fpid)
    df = t.select(
        "post_id", "platform", "account_id", "author", "kind", "market", "format", "caption",
        "url", "local_date", "impressions", "shown", "engagements", "link_clicks",
    ).execute()  # fmt: skip
    for c in ("impressions", "shown", "engagements", "link_clicks"):
        df[c] = pd.to_numeric(df[c], errors="coerce").fillna(0).astype("float64")
    df["local_date"] = pd.to_datetime(df.local_date).dt.date
    return df[POST_COLUMNS].sort_values("post_id", ignore_index=True)


def in_window(posts: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    keep = matches(posts, spec.population)
    if spec.design in ("post", "author"):
        if spec.start:
            keep &= posts.local_date >= dt.date.fromisoformat(spec.start)
        if spec.end:
            keep &= posts.local_date <= dt.date.fromisoformat(spec.end)
    return posts[keep]


def arm_posts(posts: pd.DataFrame, spec: Spec, units: list[tuple] | None = None) -> pd.DataFrame:
    """The posts of each arm (a post in two arms is dropped: its arm is ambiguous), `arm` set.
    Assigned units that are post ids join the arm they were dealt."""
    pool = in_window(posts, spec)
    arm = pd.Series(None, index=pool.index, dtype="object")
    hits = pd.Series(0, index=pool.index)
    for name, sels in spec.arms.items():
        m = matches(pool, sels) if sels else pd.Series(False, index=pool.index)
        arm[m] = name
        hits += m.astype(int)
    dealt = {u: a for u, a, _ in units or []}
    by_id = pool.post_id.map(dealt)
    arm = by_id.where(by_id.notna(), arm)
    hits = hits.where(by_id.isna(), 1)
    out = pool.assign(arm=arm)[(hits == 1) & arm.notna()]
    return out.reset_index(drop=True)


def weekly_panel(posts: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    """unit (market), period (Monday of the week), y (the metric's count summed), posts; every
    market x week of the window present, zeros where nothing was posted."""
    pool = in_window(posts, spec)
    count, _ = METRICS[spec.metric]
    week = pd.to_datetime(pool.local_date)
    week = (week - pd.to_timedelta(week.dt.day_of_week, unit="D")).dt.date
    g = pool.assign(period=week).groupby(["market", "period"])
    df = g.agg(y=(count, "sum"), posts=("post_id", "count")).reset_index()
    if df.empty:
        return pd.DataFrame(columns=["unit", "period", "y", "posts"])
    full = pd.MultiIndex.from_product(
        [sorted(df.market.unique()), sorted(df.period.unique())], names=["market", "period"]
    )
    df = df.set_index(["market", "period"]).reindex(full, fill_value=0).reset_index()
    return df.rename(columns={"market": "unit"})
