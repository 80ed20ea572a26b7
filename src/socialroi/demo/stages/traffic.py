"""Stage 6, traffic: the web sessions — each one's channel, day and market — grouped into
visitor journeys.

In: the random generator, the scale, the season, the social accounts, the posts and their
daily link clicks, the ads and their daily link clicks. Out: `Sessions` — parallel arrays, one
entry per session, sorted by visitor and time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from socialroi.demo import brand as B
from socialroi.demo.channels import N_SOCIAL
from socialroi.demo.scale import Scale
from socialroi.demo.stages.ads import Ads
from socialroi.demo.stages.organic import PostDaily
from socialroi.demo.stages.paid import AdDaily, AdDays
from socialroi.demo.stages.posts import Posts
from socialroi.demo.timeline import hour_profile

MARKETS = list(B.MARKETS)  # a session's `mk` indexes this


@dataclass(frozen=True)
class Sessions:
    ch: np.ndarray  # channel (index into channels.CHANNELS)
    day: np.ndarray  # local day index
    mk: np.ndarray  # market (index into MARKETS)
    acc: np.ndarray  # social account it came from, or -1
    post: np.ndarray  # post it came from, or -1
    ad: np.ndarray  # ad it came from, or -1
    adrow: np.ndarray  # ad_daily row it came from, or -1
    visitor: np.ndarray  # visitor (journey) index
    pos: np.ndarray  # position in the visitor's journey
    local_secs: np.ndarray  # local seconds since START, strictly increasing per visitor
    first: np.ndarray  # the visitor's first session
    last: np.ndarray  # the visitor's last session
    n_visitors: int

    def __len__(self) -> int:
        return len(self.ch)


def draw_sessions(
    rng: np.random.Generator,
    sc: Scale,
    season: np.ndarray,
    social: pd.DataFrame,
    posts: Posts,
    post_daily: PostDaily,
    ads: Ads,
    ad_days: AdDays,
    ad_daily: AdDaily,
) -> dict[str, np.ndarray]:
    """Session counts, channels, countries and days, by source (organic, paid, other)."""
    acc = social
    mk_w = np.array([m.weight for m in B.MARKETS.values()])
    mk_w = mk_w / mk_w.sum()
    # organic social sessions come from the posts' link clicks
    n_org = rng.binomial(post_daily.link_clicks, 0.8)
    o_post = np.repeat(post_daily.post, n_org)
    o_day = np.repeat(posts.day[post_daily.post] + post_daily.offset, n_org)
    o_acc = posts.account[o_post]
    # paid social sessions from the ads' link clicks
    n_paid = rng.binomial(ad_daily.link_clicks, 0.85)
    p_row = np.repeat(np.arange(len(ad_days.ad)), n_paid)
    p_ad = ad_days.ad[p_row]
    p_day = ad_days.day[p_row]
    acc_index = {(p, h): i for i, (p, h) in enumerate(zip(acc.platform, acc.handle))}
    ad_acc = np.array([acc_index[(p, h)] for p, h in zip(ads.table.platform, ads.table.handle)])
    p_acc = ad_acc[p_ad]
    # other channels: by market, day (season, weekday)
    others = list(B.OTHER_CHANNELS)
    n_other = int(sc.sessions * (1 - B.SOCIAL_SHARE))
    day_w = season / season.sum()
    x_day = rng.choice(B.DAYS, n_other, p=day_w)
    x_ch = rng.choice(len(others), n_other, p=[v[0] for v in B.OTHER_CHANNELS.values()])
    x_mk = rng.choice(len(MARKETS), n_other, p=mk_w)
    # social sessions' countries: the account's market (90%), else any market
    acc_mk = np.array([MARKETS.index(m) if m in MARKETS else -1 for m in acc.market])
    s_acc = np.concatenate([o_acc, p_acc])
    s_mk = acc_mk[s_acc]
    spill = (s_mk < 0) | (rng.random(len(s_acc)) < 0.1)
    s_mk = np.where(spill, rng.choice(len(MARKETS), len(s_acc), p=mk_w), s_mk)
    plat_idx = {p: i for i, p in enumerate(B.PLATFORMS)}
    acc_pl = np.array([plat_idx[p] for p in acc.platform])
    s_ch = acc_pl[s_acc] * 2 + np.concatenate([np.zeros(len(o_acc), int), np.ones(len(p_acc), int)])
    none_o, none_x = np.full(len(o_post), -1), np.full(n_other, -1)
    return dict(
        ch=np.concatenate([s_ch, N_SOCIAL + x_ch]).astype(np.int16),
        day=np.concatenate([o_day, p_day, x_day]).astype(np.int32),
        mk=np.concatenate([s_mk, x_mk]).astype(np.int8),
        acc=np.concatenate([s_acc, none_x]).astype(np.int32),
        post=np.concatenate([o_post, np.full(len(p_ad) + n_other, -1)]).astype(np.int32),
        ad=np.concatenate([none_o, p_ad, none_x]).astype(np.int32),
        adrow=np.concatenate([none_o, p_row, none_x]).astype(np.int64),
    )


def journeys(rng: np.random.Generator, drawn: dict[str, np.ndarray]) -> Sessions:
    """Group sessions into visitors: within a market, sessions close in (jittered) time."""
    s = dict(drawn)
    n = len(s["ch"])
    tod = rng.choice(24 * 60, n, p=np.repeat(hour_profile(), 60) / 60) * 60 + rng.integers(0, 60, n)
    key = s["day"] + rng.normal(0, 4.0, n)
    order = np.lexsort((key, s["mk"]))
    lengths = 1 + rng.geometric(0.6, n) - 1  # mean ~1.67 sessions per visitor
    lengths = lengths[: np.searchsorted(np.cumsum(lengths), n) + 1]
    visitor_of_pos = np.repeat(np.arange(len(lengths)), lengths)[:n]
    visitor = np.empty(n, np.int64)
    # a journey never crosses markets: split where the market changes
    mk_sorted = s["mk"][order]
    vs = visitor_of_pos
    new = np.r_[True, (vs[1:] != vs[:-1]) | (mk_sorted[1:] != mk_sorted[:-1])]
    visitor[order] = np.cumsum(new) - 1
    # sort all session arrays by (visitor, time)
    t = s["day"].astype(np.int64) * 86400 + tod
    o2 = np.lexsort((t, visitor))
    s = {k: v[o2] for k, v in s.items()}
    visitor, t = visitor[o2], t[o2]
    pos = np.arange(n) - np.searchsorted(visitor, visitor, side="left")
    return Sessions(
        **s,
        visitor=visitor,
        pos=pos,
        local_secs=t + pos,  # strictly increasing within a visitor
        first=np.r_[True, visitor[1:] != visitor[:-1]],
        last=np.r_[visitor[1:] != visitor[:-1], True],
        n_visitors=int(visitor.max()) + 1 if n else 0,
    )
