"""Last stage, experiments: three tests the demo brand ran, with their effects planted.

Drawn from a generator of its own (`default_rng([seed, 16])`) after every other stage, and
only appended: the brand's other posts, figures, sessions and orders are unchanged. The planted
posts bring no web sessions (their link clicks are counted by the platform only).

1. **employee-advocacy** (author test, X): twelve employees and the three brand X accounts
   share the same #VoltiqVoices posts from April to June 2026. An employee's post earns
   `ADVOCACY_RATIO` x the brand's engagements per impression on average over employees (each
   employee with a spread of their own around it, mean 1), on a smaller reach.
2. **cadence** (market test, Instagram): every market's Instagram account posts the #VoltiqTips
   series twice a week all year; from `CADENCE_START` the treated market (drawn with the
   recorded seed) posts four times a week. Per-post engagement falls to `FATIGUE` of before,
   so its weekly engagements rise by 2 x FATIGUE - 1 = `CADENCE_EFFECT`.
3. **caption-question** (post test, Facebook, a planted null): question captions (#VoltiqAsk)
   against statements (#VoltiqTell), dealt to planned slots stratified by market; both earn
   the same link clicks per impression.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from socialroi.demo import brand as B
from socialroi.demo.stages.organic import UNCOUNTED
from socialroi.demo.stages.posts import _yt_id
from socialroi.demo.timeline import DATES, to_utc
from socialroi.experiments.design import Spec, assign
from socialroi.experiments.registry import pick_treated

ADVOCACY_RATIO = 1.8
EMPLOYEES = 12
ADVOCACY_POSTS = 8  # per employee; the brand accounts share as many in all
CADENCE_START = dt.date(2026, 4, 6)  # a Monday
FATIGUE = 0.8
CADENCE_EFFECT = 2 * FATIGUE - 1
NULL_SLOTS = 96
EMPLOYEE_NAMES = (
    "Ana Ruiz", "Ben Carter", "Chloe Martin", "Diego López", "Emma Wright", "Felix Braun",
    "Grace Tan", "Hugo Petit", "Isla Murphy", "Jonas Keller", "Kai Nakamura", "Lucía Gómez",
)  # fmt: skip


@dataclass
class Planted:
    accounts: pd.DataFrame
    posts: pd.DataFrame
    post_daily: pd.DataFrame
    specs: list[Spec] = field(default_factory=list)
    units: dict[str, pd.DataFrame] = field(default_factory=dict)  # experiment -> units frame
    truth: dict = field(default_factory=dict)


def plant(seed: int, post_days: int, accounts: pd.DataFrame, season: np.ndarray) -> Planted:
    rng = np.random.default_rng([seed, 16])
    emp = _employees(rng)
    acc = pd.concat([accounts, emp], ignore_index=True)
    posts, truth, specs, units = [], {}, [], {}
    # 1. employee advocacy on X
    brand_x = acc[(acc.platform == "x") & (acc.kind == "brand")]
    days = _days(dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    n_emp = EMPLOYEES * ADVOCACY_POSTS
    who = np.concatenate([np.repeat(acc.index.to_numpy()[-EMPLOYEES:], ADVOCACY_POSTS),
                          rng.choice(brand_x.index.to_numpy(), n_emp)])  # fmt: skip
    is_emp = np.arange(len(who)) < n_emp
    # each employee has a spread of their own around the planted ratio (mean 1); the brand's
    # accounts, run by one team with the same posts, share the brand's one rate
    author_mult = dict(zip(acc.index, np.exp(rng.normal(-0.02, 0.2, len(acc))), strict=True))
    spread = np.where(is_emp, [author_mult[i] for i in who], 1.0)
    mult = spread * np.where(is_emp, ADVOCACY_RATIO, 1.0)
    reach = np.where(is_emp, 1200.0, 3000.0)
    text = "Behind the scenes at Voltiq #VoltiqVoices"
    day = rng.choice(days, len(who))
    posts.append(_posts(rng, acc, who, day, "text", text, reach, 0.03 * mult, 0.004 * mult))
    truth["employee-advocacy"] = {"metric": "engagement_rate", "planted_lift": ADVOCACY_RATIO - 1}
    specs.append(Spec(
        name="employee-advocacy", design="author", metric="engagement_rate",
        question="Do posts shared by employees earn more engagement per impression than the "
                 "same posts on the brand's X accounts?",
        arms={"brand page": ["tag:#VoltiqVoices", "kind:brand"],
              "employees": ["tag:#VoltiqVoices", "kind:employee"]},
        start="2026-04-01", end="2026-06-30", population=["platform:x"], cluster="author",
        looks=4, seed=seed,
    ))  # fmt: skip
    # 2. cadence in one market on Instagram
    ig = acc[(acc.platform == "instagram") & (acc.kind == "brand")]
    treated = pick_treated(sorted(ig.market.unique()), seed)
    level = dict(zip(ig.index, rng.lognormal(0, 0.4, len(ig)), strict=True))
    week_shock = np.exp(rng.normal(0, 0.12, B.DAYS // 7 + 2))
    who, day, rate = [], [], []
    for i, row in ig.iterrows():
        for w in range(B.DAYS // 7):
            monday = w * 7 + (7 - B.START.weekday()) % 7
            after = row.market == treated and DATES[min(monday, B.DAYS - 1)] >= CADENCE_START
            for slot in (0, 1, 3, 5) if after else (1, 4):
                if monday + slot < B.DAYS:
                    who.append(i)
                    day.append(monday + slot)
                    rate.append(0.05 * (FATIGUE if after else 1.0))
    day = np.array(day)
    reach = np.array([level[i] for i in who]) * 4000 * week_shock[day // 7]
    posts.append(_posts(rng, acc, np.array(who), day, "image", "Voltiq tip of the week #VoltiqTips",
                        reach, np.array(rate), 0.002))  # fmt: skip
    truth["cadence"] = {"metric": "engagements", "treated": treated,
                        "planted_lift": CADENCE_EFFECT}  # fmt: skip
    specs.append(Spec(
        name="cadence", design="cadence", metric="engagements",
        question=f"Does posting the tips series four times a week instead of twice raise weekly "
                 f"engagement in {treated}?",
        arms={"twice a week": [], "four times a week": []}, treated=treated,
        start=CADENCE_START.isoformat(), population=["tag:#VoltiqTips", "platform:instagram"],
        seed=seed,
    ))  # fmt: skip
    # 3. a planted null on Facebook: question vs statement captions
    fb = acc[(acc.platform == "facebook") & (acc.kind == "brand")].reset_index()
    slots = pd.DataFrame(
        {
            "unit": [f"slot-{k:03d}" for k in range(NULL_SLOTS)],
            "market": fb.market.to_numpy()[np.arange(NULL_SLOTS) % len(fb)],
        }
    )
    spec = Spec(
        name="caption-question", design="post", metric="link_click_rate",
        question="Do question captions earn more link clicks per impression than statements?",
        arms={"statement": ["tag:#VoltiqTell"], "question": ["tag:#VoltiqAsk"]},
        start="2026-05-01", end="2026-08-31", population=["platform:facebook"],
        strata=["market"], seed=seed,
    )  # fmt: skip
    dealt = assign(slots, list(spec.arms), seed, ["market"]).merge(slots, on="unit")
    who = fb["index"].to_numpy()[np.arange(NULL_SLOTS) % len(fb)][dealt.index.to_numpy()]
    caption = np.where(dealt.arm == "question", "Which Voltiq gadget would you take? #VoltiqAsk",
                       "The Voltiq gadget for every trip. #VoltiqTell")  # fmt: skip
    days = _days(dt.date(2026, 5, 1), dt.date(2026, 8, 31))
    noise = np.exp(rng.normal(-0.01125, 0.15, NULL_SLOTS))
    posts.append(_posts(rng, acc, who, rng.choice(days, NULL_SLOTS), "link", caption,
                        np.full(NULL_SLOTS, 3000.0), 0.02 * noise, 0.006 * noise))  # fmt: skip
    truth["caption-question"] = {"metric": "link_click_rate", "planted_lift": 0.0}
    specs.append(spec)
    units["caption-question"] = slots
    frame = pd.concat([p[0] for p in posts], ignore_index=True)
    daily = _daily(rng, frame, pd.concat([p[1] for p in posts], ignore_index=True), post_days,
                   season)  # fmt: skip
    return Planted(emp, frame, daily, specs, units, truth)


def _days(first: dt.date, last: dt.date) -> np.ndarray:
    return np.arange((first - B.START).days, (last - B.START).days + 1)


def _employees(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    nid = 1_700_000_000 + np.cumsum(rng.integers(1, 10**6, EMPLOYEES))
    for k, name in enumerate(EMPLOYEE_NAMES[:EMPLOYEES]):
        m = ("US", "GB")[k % 2]
        handle = "".join(c for c in name.title() if c.isascii() and c.isalpha()) + "_Voltiq"
        rows.append(dict(
            account_id=f"x:{handle.lower()}", platform="x", handle=handle, native_id=str(nid[k]),
            name=f"{name} (Voltiq)", market=m, currency=B.MARKETS[m].currency,
            timezone=B.MARKETS[m].timezone, kind="employee", language="en",
        ))  # fmt: skip
    return pd.DataFrame(rows)


def _posts(rng, acc, who, day, fmt, caption, reach, rate, ctr):
    """Posts (the `posts` frame) and, per post, (expected impressions, engagement rate, CTR)."""
    n = len(who)
    day = np.asarray(day)
    secs = 10 * 3600 + rng.integers(0, 3600 * 8, n)
    tz = acc.timezone.to_numpy()[who]
    platform = acc.platform.to_numpy()[who]
    handle = acc.handle.to_numpy()[who]
    big = 9_100_000_000_000_000_000 + np.cumsum(rng.integers(1, 10**9, n)).astype(np.uint64)
    native, url = [], []
    for i in range(n):
        p, h, b = platform[i], handle[i], int(big[i])
        if p == "x":
            native.append(str(b - 7_000_000_000_000_000_000))
            url.append(f"https://x.com/{h}/status/{native[-1]}")
        elif p == "facebook":
            native.append(f"{acc.native_id.to_numpy()[who[i]]}_{b % 10**15}")
            url.append(f"https://www.facebook.com/{h}/posts/{b % 10**15}")
        else:
            native.append(str(118_000_000_000_000_000 + b % 10**16))
            url.append(f"https://www.instagram.com/p/{_yt_id(b)[:10]}/")
    frame = pd.DataFrame(dict(
        platform=platform, handle=handle, native_id=native,
        published_at=pd.to_datetime(to_utc(day, secs, tz)).tz_localize("UTC"),
        local_date=DATES[day], format=fmt, caption=caption, url=url,
        promoted=np.zeros(n, bool), campaign_native_id=None,
    ))  # fmt: skip
    figures = pd.DataFrame(dict(day=day, reach=np.asarray(reach, float) * np.ones(n),
                                rate=np.asarray(rate, float) * np.ones(n),
                                ctr=np.asarray(ctr, float) * np.ones(n)))  # fmt: skip
    return frame, figures


def _daily(rng, posts: pd.DataFrame, fig: pd.DataFrame, post_days: int, season) -> pd.DataFrame:
    pi = np.repeat(np.arange(len(posts)), post_days)
    k = np.tile(np.arange(post_days), len(posts))
    d = fig.day.to_numpy()[pi] + k
    pi, k, d = pi[d < B.DAYS], k[d < B.DAYS], d[d < B.DAYS]
    pl = posts.platform.to_numpy()[pi]
    decay = np.array([B.PLATFORMS[p].decay for p in pl])
    share = decay**k * (1 - decay) / (1 - decay**post_days)
    imp = rng.poisson(fig.reach.to_numpy()[pi] * share * season[d])
    eng = rng.binomial(imp, np.minimum(fig.rate.to_numpy()[pi], 1))
    likes, comments, shares, saves = rng.multinomial(eng, [0.7, 0.1, 0.1, 0.1]).T \
        if len(eng) else (eng,) * 4  # fmt: skip
    link = rng.binomial(imp, fig.ctr.to_numpy()[pi])
    df = pd.DataFrame(dict(
        platform=pl, handle=posts.handle.to_numpy()[pi], native_id=posts.native_id.to_numpy()[pi],
        date=DATES[d], impressions=imp, reach=np.round(imp * 0.8).astype(np.int64),
        views=np.where(np.isin(pl, ("instagram", "facebook")), imp, 0), likes=likes,
        comments=comments, shares=shares, saves=saves, clicks=link, link_clicks=link,
        video_views=0, watch_seconds=0.0, follows=0,
    ))  # fmt: skip
    for p, cols in UNCOUNTED.items():
        m = pl == p
        for c in cols:
            df.loc[m, c] = 0
    return df
