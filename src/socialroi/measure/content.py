"""Content performance: one row per post published in a period, and publishing volume against
engagement per platform. Used by the executive report and the dashboard.

A post's figures follow the one rule in `socialroi.measure.posts` (the newest lifetime
snapshot, else the sum of daily rows; the platform's engagements, else reactions; views
where a platform gives no impressions), the same rule the base measures use.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pandas as pd

from socialroi.measure.posts import post_figures
from socialroi.model.periods import Period, parse_period

POST_COLUMNS = [
    "post_id", "platform", "account", "market", "published_at", "local_date", "format", "caption",
    "url", "impressions", "reach", "engagements", "engagement_rate_impressions", "link_clicks",
    "views",
]  # fmt: skip


def posts_expr(ws, period: str | Period, platforms=None, markets=None) -> ir.Table:
    p = parse_period(period)
    posts, accounts = ws.table("posts"), ws.table("accounts")
    posts = posts.filter(posts.local_date.between(p.start, p.end))
    if platforms:
        posts = posts.filter(posts.platform.isin(list(platforms)))
    acc = accounts.select(
        _aid=accounts.account_id,
        account=accounts.handle.coalesce(accounts.name, accounts.account_id),
        market=accounts.market,
    )
    t = posts.left_join(acc, posts.account_id == acc._aid)
    if markets:
        t = t.filter(t.market.isin(list(markets)))
    fig = post_figures(ws.table("post_metrics")).rename(_fpid="post_id")
    t = t.left_join(fig, t.post_id == fig._fpid)
    engagements = t.engagements.fill_null(0)  # a post with no figures engaged no one
    shown = t.shown
    return t.select(
        "post_id",
        "platform",
        "account",
        "market",
        "published_at",
        "local_date",
        "format",
        "caption",
        "url",
        impressions=t.impressions,
        reach=t.reach,
        engagements=engagements,
        engagement_rate_impressions=ibis.ifelse(
            shown > 0, engagements.cast("float64") / shown, ibis.null("float64")
        ),
        link_clicks=t.link_clicks,
        views=t.views,
    )


def posts_table(ws, period: str | Period, platforms=None, markets=None) -> pd.DataFrame:
    """Posts published in the period (account's local date) with their figures. `local_date`
    is the publish date in the account's time zone (some exports give only the date)."""
    df = posts_expr(ws, period, platforms, markets).execute()
    for c in POST_COLUMNS[9:]:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    return df[POST_COLUMNS].sort_values(["published_at", "post_id"]).reset_index(drop=True)


def publishing_vs_engagement(
    ws, period: str | Period, platforms=None, markets=None
) -> pd.DataFrame:
    """Per platform: posts published, engagements, engagements per post, impressions and the
    engagement rate on impressions (sum of engagements / sum of impressions or views)."""
    t = posts_expr(ws, period, platforms, markets)
    shown = t.impressions.coalesce(t.views)
    g = t.group_by("platform").agg(
        posts=t.count(),
        engagements=t.engagements.sum(),
        impressions=shown.sum(),
    )
    df = g.execute()
    if df.empty:
        return pd.DataFrame(
            columns=[
                "platform",
                "posts",
                "engagements",
                "engagements_per_post",
                "impressions",
                "engagement_rate_impressions",
            ]  # fmt: skip
        )
    df["engagements"] = df.engagements.fillna(0).astype("int64")
    df["engagements_per_post"] = df.engagements / df.posts
    imp = df.impressions.astype("float64")
    df["engagement_rate_impressions"] = (df.engagements / imp).where(imp > 0)
    cols = ["platform", "posts", "engagements", "engagements_per_post", "impressions",
            "engagement_rate_impressions"]  # fmt: skip
    return df[cols].sort_values("posts", ascending=False).reset_index(drop=True)


def formats_table(ws, period: str | Period, platforms=None, markets=None) -> pd.DataFrame:
    """Per platform x format: posts, engagements, engagements per post, engagement rate."""
    posts = posts_table(ws, period, platforms, markets)
    if posts.empty:
        return pd.DataFrame(
            columns=[
                "platform",
                "format",
                "posts",
                "engagements",
                "engagements_per_post",
                "engagement_rate_impressions",
            ]  # fmt: skip
        )
    posts = posts.assign(
        format=posts.format.fillna("other"),
        _shown=posts.impressions.fillna(posts.views).astype("float64"),
    )
    g = posts.groupby(["platform", "format"], as_index=False).agg(
        posts=("post_id", "size"), engagements=("engagements", "sum"), _shown=("_shown", "sum")
    )
    g["engagements_per_post"] = g.engagements / g.posts
    g["engagement_rate_impressions"] = (g.engagements / g._shown).where(g._shown > 0)
    return g.drop(columns="_shown").sort_values(["platform", "posts"], ascending=[True, False])


ACCOUNT_COLUMNS = [
    "platform", "account", "market", "followers", "follower_growth", "posts", "reach", "views",
    "engagements", "engagement_rate_impressions",
]  # fmt: skip


def accounts_table(ws, period: str | Period, platforms=None, markets=None) -> pd.DataFrame:
    """Per account (brand page, employee, creator): followers at the end of the period and
    their growth over it, posts published, their reach, views and engagements, and the
    engagement rate on what was shown. Reach is summed over posts (not unique people)."""
    p = parse_period(period)
    posts = posts_table(ws, p, platforms, markets)
    acc = ws.table("accounts").select(
        "account_id", "platform", "market",
        account=ws.table("accounts").handle.coalesce(
            ws.table("accounts").name, ws.table("accounts").account_id
        ),
    ).execute()  # fmt: skip
    am = ws.table("account_metrics")
    am = am.filter(am.followers.notnull() & am.metric_date.between(p.start, p.end))
    fol = am.select("account_id", "metric_date", "followers").execute()
    fol = fol.sort_values(["account_id", "metric_date"])
    ends = fol.groupby("account_id").followers.agg(["first", "last"]).reset_index()
    acc = acc.merge(ends, on="account_id", how="left")
    acc["followers"] = acc["last"].astype("float64")
    first = acc["first"].astype("float64")
    acc["follower_growth"] = ((acc["last"] - first) / first).where(first > 0)
    if platforms:
        acc = acc[acc.platform.isin(list(platforms))]
    if markets:
        acc = acc[acc.market.isin(list(markets))]
    shown = posts.impressions.fillna(posts.views)
    g = (
        posts.assign(_shown=shown)
        .groupby(["platform", "account"], as_index=False)
        .agg(
            posts=("post_id", "size"), reach=("reach", _known_sum), views=("views", _known_sum),
            engagements=("engagements", "sum"), _shown=("_shown", "sum"),
        )
    )  # fmt: skip
    out = acc.merge(g, on=["platform", "account"], how="outer")
    out = out[out.posts.fillna(0).gt(0) | out.followers.notna()]
    out["posts"] = out.posts.fillna(0).astype("int64")
    out["engagement_rate_impressions"] = (out.engagements / out._shown).where(out._shown > 0)
    order = ["platform", "followers"]
    return out[ACCOUNT_COLUMNS].sort_values(order, ascending=[True, False]).reset_index(drop=True)


def _known_sum(s: pd.Series) -> float:
    """The sum, or nothing when the platform reported none (TikTok gives no reach)."""
    return s.sum(min_count=1)
