"""Stage 12, costs: the brand's true costs ledger (salaries, tools, agencies, community
management, analytics, creative production) and the HQ content studio's time split.

In: the random generator, the scale, the ads (a third of the campaigns paid for creative
production), the posts and the accounts (where the studio's hours went). Out: the `costs` and
`time_split` frames.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from socialroi.demo import brand as B
from socialroi.demo.scale import Scale
from socialroi.demo.world import COLUMNS

SALARY_USD = {
    "US": 7200,
    "DE": 5600,
    "FR": 5200,
    "GB": 5400,
    "MX": 2300,
    "BR": 2100,
    "SG": 5000,
    "TH": 1700,
}
QUARTERS = ("2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3")


def months() -> list[dt.date]:
    """The first day of each month of the demo year."""
    return [d.date() for d in pd.date_range(B.START, B.END, freq="MS")]


def make_costs(rng: np.random.Generator, sc: Scale, ads: pd.DataFrame) -> pd.DataFrame:
    """The costs ledger. `ads` is the ads table (with its campaigns' `_start`/`_end` days)."""
    # The ledger is written for a brand with about 2M web sessions a year; smaller and
    # larger demos scale it, so every scale earns and spends in believable proportion.
    cost_factor = sc.sessions / B.LEDGER_SESSIONS
    lines = []

    def add(
        period,
        category,
        amount,
        currency,
        platform=None,
        market=None,
        campaign=None,
        allocation=None,
        description=None,
        period_end=None,
    ):
        lines.append(
            dict(
                id=f"C-{len(lines) + 1:05d}",
                period=period,
                period_end=period_end,
                category=category,
                amount=round(float(amount) * cost_factor, 2),
                currency=currency,
                platform=platform,
                market=market,
                campaign=campaign,
                allocation=allocation,
                description=description,
            )
        )

    for m in months():
        ym = f"{m:%Y-%m}"
        for code, usd in SALARY_USD.items():
            cur = B.MARKETS[code].currency
            add(
                ym,
                "salaries",
                usd / B.USD_PER[cur],
                cur,
                market=code,
                allocation="posts_share",
                description=f"Social media manager {code}",
            )
        add(
            ym,
            "salaries",
            86_000,
            "CNY",
            allocation="hours_share",
            description="Shenzhen HQ content studio (4 FTE)",
        )
        add(
            ym,
            "salaries",
            6_100,
            "GBP",
            platform="linkedin",
            allocation="direct",
            description="B2B social lead, wholesale (LinkedIn)",
        )
        add(ym, "tools", 499, "USD", allocation="even", description="PostPilot scheduler")
        add(ym, "tools", 129, "EUR", allocation="even", description="Listenly social listening")
        add(
            ym,
            "community_management",
            38_000,
            "MXN",
            market="MX",
            allocation="posts_share",
            description="Comunidad Viva S.A. de C.V. — community management MX",
        )
        add(
            ym,
            "community_management",
            45_000,
            "THB",
            market="TH",
            platform="tiktok",
            allocation="direct",
            description="Siam Social Co. — TikTok community TH",
        )
        add(
            ym,
            "agency",
            9_500,
            "GBP",
            allocation="ad_spend_share",
            description="Brightwave Media Ltd — paid social retainer",
        )
    for q in QUARTERS:
        add(
            q,
            "analytics_platform",
            3_600,
            "USD",
            allocation="even",
            description="Metricly analytics suite (quarterly)",
        )
    camps = ads.drop_duplicates("campaign_native_id")
    pick = camps[rng.random(len(camps)) < 0.35]
    for c in pick.rename(columns={"_start": "start", "_end": "end"}).itertuples():
        s = B.START + dt.timedelta(days=int(c.start))
        e = B.START + dt.timedelta(days=int(c.end))
        add(
            s.isoformat(),
            "creative_production",
            rng.uniform(800, 6000) / B.USD_PER[c.currency],
            c.currency,
            platform=c.platform,
            market=c.market,
            campaign=c.campaign_name,
            allocation="direct",
            description=f"UGC creators and edits — {c.utm_campaign}",
            period_end=e,
        )
    return pd.DataFrame(lines)


def time_split(posts: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """The Shenzhen studio's hours per month, platform and market (its salaries are
    allocated by them: `hours_share`). 4 FTE x 160 h, spent where content is made:
    a video takes three hours, a carousel two, anything else one. No randomness, so the
    rest of the world does not change."""
    acc = accounts[["platform", "handle", "market"]]
    p = posts[["platform", "handle", "local_date", "format"]].merge(
        acc, on=["platform", "handle"], how="left"
    )
    p["effort"] = np.select(
        [p.format.isin(("video", "reel", "short", "live")), p.format == "carousel"],
        [3.0, 2.0],
        1.0,
    )
    p["month"] = [f"{d:%Y-%m}" for d in p.local_date]
    rows = []
    for m in months():
        ym = f"{m:%Y-%m}"
        cell = p[p.month == ym].groupby(["platform", "market"]).effort.sum()
        if cell.sum() <= 0:
            continue
        hours = (cell / cell.sum() * 640 * 2).round() / 2
        for (platform, market), h in hours.items():
            if h > 0:
                rows.append(
                    dict(
                        team="Shenzhen HQ content studio",
                        period=ym,
                        platform=platform,
                        market=market,
                        hours=float(h),
                    )
                )
    return pd.DataFrame(rows, columns=list(COLUMNS["time_split"]))
