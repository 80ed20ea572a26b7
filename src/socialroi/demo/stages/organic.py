"""Stage 4, organic reach: how many people each post reaches day by day, and the post x day and
account x day figures the platforms report.

In: the scale, the social accounts, the posts, the season and the random generator.
Out: `OrganicReach` (expected impressions at multiplier 1, and the multiplier that gives
organic social its share of the target sessions), `PostDaily` (the `post_daily` frame and the
true link clicks web sessions come from) and the `account_daily` frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from socialroi.demo import brand as B
from socialroi.demo.scale import Scale
from socialroi.demo.stages.posts import Posts
from socialroi.demo.timeline import DATES

# What each platform does not count is zero in its exports.
UNCOUNTED = {
    "tiktok": ("clicks", "link_clicks"),
    "instagram": ("clicks",),
    "x": ("reach", "watch_seconds", "views"),
    "pinterest": ("likes", "comments", "shares", "reach", "views"),
    "youtube": ("clicks", "link_clicks", "saves", "reach"),
    "linkedin": ("link_clicks", "saves", "watch_seconds", "views"),
}


@dataclass(frozen=True)
class OrganicReach:
    impressions: np.ndarray  # expected impressions per post x day since publishing, at 1
    multiplier: float  # scales reach so organic social brings its share of the sessions


@dataclass(frozen=True)
class PostDaily:
    frame: pd.DataFrame  # the `post_daily` frame
    link_clicks: np.ndarray  # each row's true link clicks (before the platform's zeroing)
    post: np.ndarray  # each row's post index
    offset: np.ndarray  # each row's days since publishing


def plan_organic(sc: Scale, social: pd.DataFrame, posts: Posts, season: np.ndarray) -> OrganicReach:
    """Expected link clicks of every post-day at multiplier 1, and the multiplier."""
    k = np.arange(sc.post_days)
    pl = social.platform.to_numpy()[posts.account]
    decay = np.array([B.PLATFORMS[p].decay for p in pl])
    reach = np.array([B.PLATFORMS[p].reach for p in pl])
    ctr = np.array([B.PLATFORMS[p].ctr for p in pl])
    days = posts.day[:, None] + k[None, :]
    valid = days < B.DAYS
    imp = (reach * posts.size)[:, None] * decay[:, None] ** k[None, :]
    imp *= season[np.minimum(days, B.DAYS - 1)]
    impressions = np.where(valid, imp, 0.0)
    lc = impressions * ctr[:, None] * 0.8
    target = sc.sessions * B.SOCIAL_SHARE
    multiplier = target * (1 - B.PAID_SHARE_OF_SOCIAL) / max(lc.sum(), 1e-9)
    return OrganicReach(impressions=impressions, multiplier=multiplier)


def post_daily(rng: np.random.Generator, reach: OrganicReach, posts: Posts) -> PostDaily:
    frame = posts.frame
    pi, k = np.nonzero(reach.impressions > 0)
    lam = reach.impressions[pi, k] * reach.multiplier / 1.0
    pl = frame.platform.to_numpy()[pi]
    ctr = np.array([B.PLATFORMS[p].ctr for p in pl])
    imp = rng.poisson(lam / 1.0)
    link = rng.binomial(imp, np.minimum(ctr, 1.0))
    fmt = frame.format.to_numpy()[pi]
    video = np.isin(fmt, ("video", "reel", "short"))

    def rate(r: float) -> np.ndarray:
        return rng.binomial(imp, r)

    likes, comments, shares, saves = rate(0.04), rate(0.004), rate(0.006), rate(0.005)
    clicks = link + rate(0.01)
    vviews = np.where(video, rate(0.45), 0)
    watch = np.round(vviews * rng.gamma(2.0, 6.0, len(pi)), 1)
    follows = rate(0.002)
    reach_ = np.round(imp * rng.uniform(0.65, 0.9, len(pi))).astype(np.int64)
    views = np.where(np.isin(pl, ("tiktok", "instagram", "facebook")), imp, 0)
    views = np.where(pl == "youtube", vviews, views)
    df = pd.DataFrame(
        dict(
            platform=pl,
            handle=frame.handle.to_numpy()[pi],
            native_id=frame.native_id.to_numpy()[pi],
            date=DATES[posts.day[pi] + k],
            impressions=imp,
            reach=reach_,
            views=views,
            likes=likes,
            comments=comments,
            shares=shares,
            saves=saves,
            clicks=clicks,
            link_clicks=link,
            video_views=vviews,
            watch_seconds=watch,
            follows=follows,
        )
    )
    for p, cols in UNCOUNTED.items():
        m = (pl == p).astype(bool)
        for c in cols:
            df.loc[m, c] = 0
    return PostDaily(frame=df, link_clicks=link, post=pi, offset=k)


def account_daily(
    rng: np.random.Generator,
    social: pd.DataFrame,
    post_daily: pd.DataFrame,
    multiplier: float,
    season: np.ndarray,
) -> pd.DataFrame:
    """Account x day figures: the posts' figures summed, plus profile-level activity."""
    acc = social
    pdl = post_daily
    key = pd.MultiIndex.from_arrays([pdl.platform, pdl.handle, pdl.date])
    agg = (
        pdl[["impressions", "views", "likes", "comments", "shares", "follows"]]
        .set_index(key)
        .groupby(level=[0, 1, 2])
        .sum()
    )
    grid = pd.MultiIndex.from_product([range(len(acc)), range(B.DAYS)], names=["a", "d"]).to_frame(
        index=False
    )
    a, d = grid.a.to_numpy(), grid.d.to_numpy()
    gkey = pd.MultiIndex.from_arrays(
        [acc.platform.to_numpy()[a], acc.handle.to_numpy()[a], DATES[d]]
    )
    got = agg.reindex(gkey, fill_value=0)
    n = len(grid)
    base = (acc["size"].to_numpy()[a] * 40 * multiplier * season[d]).clip(0.5)
    follows = got.follows.to_numpy() + rng.poisson(base * 0.05)
    unfollows = rng.poisson(follows * 0.25 + 0.2)
    impressions = got.impressions.to_numpy() + rng.poisson(base)
    start = np.round(acc["size"].to_numpy() * 20_000 + 500).astype(np.int64)
    net = (follows - unfollows).reshape(len(acc), B.DAYS).cumsum(axis=1)
    followers = (start[:, None] + net).clip(0).ravel()
    pl = acc.platform.to_numpy()[a]
    views = got.views.to_numpy()
    vid = np.isin(pl, ("tiktok", "youtube"))
    uniq = np.where(vid, np.round(views * 0.55), 0).astype(np.int64)
    return pd.DataFrame(
        dict(
            platform=pl,
            handle=acc.handle.to_numpy()[a],
            date=DATES[d],
            followers=followers,
            follows=follows,
            unfollows=unfollows,
            impressions=impressions,
            reach=np.round(impressions * rng.uniform(0.5, 0.7, n)).astype(np.int64),
            views=views,
            profile_views=rng.binomial(impressions, 0.015),
            likes=got.likes.to_numpy(),
            comments=got.comments.to_numpy(),
            shares=got.shares.to_numpy(),
            unique_viewers=uniq,
            new_viewers=np.round(uniq * 0.6).astype(np.int64),
        )
    )
