"""Stage 3, ads: each brand account's quarterly campaigns, their ad groups and ads; and which
posts were promoted by a campaign.

In: the random generator, the scale, the social accounts (and, for the promotion, the posts).
Out: `Ads` — one row per ad with its flight (first and last day) and its size — and a `Posts`
whose frame has `promoted` / `campaign_native_id` set.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from socialroi.demo import brand as B
from socialroi.demo.draws import ids, product_p
from socialroi.demo.scale import Scale
from socialroi.demo.stages.posts import Posts

OBJECTIVES = {
    "linkedin": ("LEAD_GENERATION", "WEBSITE_VISITS"),
    "youtube": ("VIDEO_VIEWS", "SALES"),
    "pinterest": ("CONSIDERATION", "CONVERSIONS"),
}
THEMES = (
    ("q4-holiday", "Holiday"),
    ("q1-newyear", "New Year"),
    ("q2-spring", "Spring Launch"),
    ("q3-backtoschool", "Back to School"),
)
THEME_NAMES = {
    "es": {
        "Holiday": "Buen Fin y Navidad",
        "New Year": "Año Nuevo",
        "Spring Launch": "Lanzamiento Primavera",
        "Back to School": "Regreso a Clases",
    },
    "zh": {
        "Holiday": "双十二",
        "New Year": "新春",
        "Spring Launch": "春季新品",
        "Back to School": "开学季",
    },
}


@dataclass(frozen=True)
class Ads:
    # One row per ad: the `ads` frame's columns plus `_start`/`_end` (its campaign's first and
    # last day index) and `_size` (its spend multiplier).
    table: pd.DataFrame
    # One row per campaign: platform, handle, cn (campaign native id), s and e (first and last
    # day; `e` may run past the year).
    campaigns: pd.DataFrame


def make_ads(rng: np.random.Generator, sc: Scale, social: pd.DataFrame) -> Ads:
    acc = social[social.kind == "brand"]
    rows, camp_rows = [], []
    cid = iter(ids(rng, 4 * sc.campaigns_per_quarter * len(acc) * 64, 1_700_000_000_000, 10**6))
    act = ids(rng, len(acc), 100_000_000_000_000, 10**9)
    for j, a in enumerate(acc.itertuples()):
        mk = a.market if a.market != "CN" else "GLOBAL"
        acct_native = (
            f"act_{act[j]}" if a.platform in ("instagram", "facebook") else str(act[j] % 10**10)
        )
        for q in range(4):
            for c in range(sc.campaigns_per_quarter):
                slug, theme = THEMES[q]
                prod = B.PRODUCTS[int(rng.choice(len(B.PRODUCTS), p=product_p()))]
                start = q * 91 + int(rng.integers(0, 50))
                length = int(rng.integers(21, 46))
                objective = OBJECTIVES.get(a.platform, ("CONVERSIONS", "TRAFFIC"))[c % 2]
                theme = THEME_NAMES.get(a.language, {}).get(theme, theme)
                utm = f"{slug}_{prod.slug}_{mk.lower()}" + (f"_{c + 1}" if c else "")
                cname = f"{mk} | {theme} | {prod.name.removeprefix('Voltiq ')} | {objective}"
                cn = str(next(cid))
                camp_rows.append((a.platform, a.handle, cn, start, start + length - 1))
                for g in range(sc.ad_groups):
                    gn = str(next(cid))
                    audience = ("18-34 Tech", "25-44 Lifestyle", "Lookalike 1%")[g % 3]
                    if a.platform == "linkedin":
                        audience = ("Retail buyers", "Electronics distributors")[g % 2]
                    for k in range(sc.ads):
                        creative = ("UGC video", "Studio image", "Carousel")[k % 3]
                        rows.append(
                            dict(
                                platform=a.platform,
                                handle=a.handle,
                                account_native_id=acct_native,
                                campaign_native_id=cn,
                                campaign_name=cname,
                                objective=objective,
                                ad_group_native_id=gn,
                                ad_group_name=f"{mk} {audience}",
                                ad_native_id=str(next(cid)),
                                ad_name=f"{prod.slug} - {creative} {k + 1}",
                                market=a.market,
                                currency=a.currency,
                                utm_campaign=utm,
                                _start=start,
                                _end=min(start + length - 1, B.DAYS - 1),
                                _size=float(rng.lognormal(0, 0.4)),
                            )
                        )
    campaigns = pd.DataFrame(camp_rows, columns=["platform", "handle", "cn", "s", "e"])
    return Ads(table=pd.DataFrame(rows), campaigns=campaigns)


def promote_posts(rng: np.random.Generator, posts: Posts, ads: Ads) -> Posts:
    """A tenth of the posts, those published while their account ran a campaign, become
    promoted by it."""
    frame = posts.frame.copy()
    promoted = rng.random(len(frame)) < 0.1
    by_acc = {k: g for k, g in ads.campaigns.groupby(["platform", "handle"], sort=True)}
    cids = []
    for i in np.flatnonzero(promoted):
        g = by_acc.get((frame.platform.iat[i], frame.handle.iat[i]))
        d = posts.day[i]
        hit = None if g is None else g[(g.s <= d) & (g.e >= d)]
        cids.append((i, None if hit is None or hit.empty else hit.cn.iat[0]))
    for i, c in cids:
        if c is not None:
            frame.iat[i, frame.columns.get_loc("promoted")] = True
            frame.iat[i, frame.columns.get_loc("campaign_native_id")] = c
    return replace(posts, frame=frame)
