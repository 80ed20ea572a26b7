"""Stage 5, paid delivery: what each ad spends day by day, and the ad x day figures the ad
platforms report.

In: the random generator, the scale, the ads and the season. Out: `AdDays` (one entry per ad x
flight day: its spend in USD, CPM and link click rate, calibrated so paid social brings its
share of the target sessions) and `AdDaily` (the `ad_daily` frame, its claimed conversions
still zero — `measured.claim_conversions` fills them once the outcomes are known — and the
true link clicks web sessions come from).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from socialroi.demo import brand as B
from socialroi.demo.scale import Scale
from socialroi.demo.stages.ads import Ads
from socialroi.demo.timeline import DATES


@dataclass(frozen=True)
class AdDays:
    ad: np.ndarray  # each ad-day's row in the ads table
    day: np.ndarray  # its day index
    spend_usd: np.ndarray
    cpm: np.ndarray  # USD per 1000 impressions on its platform
    pctr: np.ndarray  # link clicks per impression on its platform
    platform: np.ndarray


@dataclass(frozen=True)
class AdDaily:
    frame: pd.DataFrame  # the `ad_daily` frame (no claimed conversions yet)
    link_clicks: np.ndarray  # each row's link clicks


def plan_paid(rng: np.random.Generator, sc: Scale, ads: Ads, season: np.ndarray) -> AdDays:
    """Spend per ad-day in USD, scaled so the paid link clicks meet the paid sessions target."""
    t = ads.table
    lens = (t._end - t._start + 1).to_numpy()
    ad_i = np.repeat(np.arange(len(t)), lens)
    offs = np.arange(len(ad_i)) - np.repeat(np.cumsum(lens) - lens, lens)
    day = t._start.to_numpy()[ad_i] + offs
    spend = t._size.to_numpy()[ad_i] * season[day]
    spend *= rng.lognormal(0, 0.3, len(spend))
    apl = t.platform.to_numpy()[ad_i]
    cpm = np.array([B.PLATFORMS[p].cpm for p in apl])
    pctr = np.array([B.PLATFORMS[p].pctr for p in apl])
    sess = spend / cpm * 1000 * pctr * 0.85
    target = sc.sessions * B.SOCIAL_SHARE
    m_paid = target * B.PAID_SHARE_OF_SOCIAL / max(sess.sum(), 1e-9)
    return AdDays(ad=ad_i, day=day, spend_usd=spend * m_paid, cpm=cpm, pctr=pctr, platform=apl)


def ad_daily(rng: np.random.Generator, plan: AdDays, ads: Ads) -> AdDaily:
    ai = plan.ad
    cur = ads.table.currency.to_numpy()[ai]
    usd_per = np.array([B.USD_PER[c] for c in cur])
    imp = rng.poisson(plan.spend_usd / plan.cpm * 1000)
    link = rng.binomial(imp, np.minimum(plan.pctr, 1.0))
    clicks = link + rng.binomial(imp, 0.004)
    reach = np.round(imp * rng.uniform(0.6, 0.85, len(ai))).astype(np.int64)
    video = np.isin(plan.platform, ("tiktok", "youtube", "instagram", "facebook"))
    vv = np.where(video, rng.binomial(imp, 0.3), 0)
    frame = pd.DataFrame(
        dict(
            platform=plan.platform,
            ad_native_id=ads.table.ad_native_id.to_numpy()[ai],
            date=DATES[plan.day],
            currency=cur,
            spend=np.round(plan.spend_usd / usd_per, 2),
            impressions=imp,
            reach=reach,
            clicks=clicks,
            link_clicks=link,
            video_views=vv,
            conversions=np.zeros(len(ai), np.int64),
            conversion_value=np.zeros(len(ai)),
        )
    )
    return AdDaily(frame=frame, link_clicks=link)
