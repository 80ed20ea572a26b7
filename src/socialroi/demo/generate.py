"""Generate the Voltiq demo world: one causally coherent year of social, web, shop and CRM data.

The causal chain, all drawn from one `numpy.random.Generator(seed)`:

1. posts reach people (impressions decaying day by day) and ad spend buys impressions; both
   produce link clicks, and link clicks become web sessions;
2. other channels (direct, search, email, referral, junk) add their own sessions by market,
   day and season;
3. sessions are grouped into visitor journeys that span days and channels (each market's
   sessions sorted by a jittered day, cut into journeys of geometric length);
4. each journey converts with a known logistic model: for a retail visitor
   `P(order) = sigmoid(a + season + sum of beta[c] over the distinct channels c touched)`, for
   a wholesale (B2B) visitor the same with the lead effects; the order or lead follows the
   journey's last session. Orders become Shopify orders, leads HubSpot contacts, deals and
   (enterprise Europe) Salesforce opportunities;
5. the truth: each channel's `beta` and its exact expected contribution, the expected
   conversions lost if that channel's effect were zero,
   `sum over journeys touching c of sigmoid(eta) - sigmoid(eta - beta[c])`, and its share.

Vectorised with numpy and pyarrow throughout (no per-session Python loops); the session
strings are built in chunks and held in pandas' Arrow-backed `str` columns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from socialroi.demo import brand as B
from socialroi.demo.world import COLUMNS, DemoWorld


@dataclass(frozen=True)
class Scale:
    sessions: int  # target number of web sessions
    posts_per_week: float  # per account
    campaigns_per_quarter: int  # per account
    ad_groups: int  # per campaign
    ads: int  # per ad group
    post_days: int  # days of daily figures per post


SCALES = {
    "tiny": Scale(3_000, 0.5, 1, 1, 1, 7),
    "small": Scale(20_000, 1.0, 1, 1, 2, 14),
    "medium": Scale(500_000, 3.0, 2, 2, 2, 21),
    "large": Scale(10_200_000, 5.0, 3, 2, 3, 28),  # target; >= 10M sessions come out
}
CHUNK = 2_000_000
SOCIAL = [(p, paid) for p in B.PLATFORMS for paid in (False, True)]
CHANNELS = [f"{p}_{'paid' if paid else 'organic'}" for p, paid in SOCIAL] + list(B.OTHER_CHANNELS)
N_SOCIAL = len(SOCIAL)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def generate(seed: int = 7, scale: str = "small") -> DemoWorld:
    """The demo world for `seed` at `scale` (tiny, small, medium or large). Deterministic."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; valid: {', '.join(SCALES)}")
    return _Generator(seed, scale).run()


class _Generator:
    def __init__(self, seed: int, scale: str) -> None:
        self.seed, self.scale_name, self.sc = seed, scale, SCALES[scale]
        self.rng = np.random.default_rng(seed)
        self.days = np.array([B.START + dt.timedelta(days=i) for i in range(B.DAYS)], dtype=object)
        self.season = _season()

    # -- helpers -------------------------------------------------------------------------
    def strings(self, arr: pa.Array | pa.ChunkedArray) -> pd.Series:
        """A pandas string column (pandas' default Arrow-backed `str` dtype)."""
        return arr.to_pandas()

    def ids(self, n: int, start: int, gap: int = 10_000) -> np.ndarray:
        """n unique, increasing integer ids."""
        return start + np.cumsum(self.rng.integers(1, gap, n, dtype=np.int64))

    # -- the pipeline --------------------------------------------------------------------
    def run(self) -> DemoWorld:
        world = DemoWorld(self.seed, self.scale_name, B.START, B.END)
        self.accounts()
        self.posts()
        self.ads()
        self.calibrate()
        self.post_daily()
        self.ad_daily()
        self.account_daily()
        self.sessions()
        self.journeys()
        self.convert()
        self.session_strings()
        self.orders()
        self.crm()
        self.ad_claims()
        self.ga4_daily()
        self.costs()
        self.frames["sessions"] = self.sessions_frame
        world.frames = {name: self.frames[name][list(cols)] for name, cols in COLUMNS.items()}
        world.truth = self.truth
        return world

    # -- accounts ------------------------------------------------------------------------
    def accounts(self) -> None:
        rows = []
        nid = self.ids(len(B.ACCOUNTS) + 8, 6_100_000_000, 10**7)
        for i, (platform, mk, handle) in enumerate(B.ACCOUNTS):
            m = B.HQ if mk == "HQ" else B.MARKETS[mk]
            suffix = {"HQ": "全球官方" if m.language == "zh" else "Global"}.get(mk, mk)
            if mk == "MX":
                suffix = "México"
            rows.append(
                dict(
                    account_id=f"{platform}:{handle.lower()}",
                    platform=platform,
                    handle=handle,
                    native_id=str(nid[i]),
                    name=f"Voltiq {suffix}",
                    market=m.code,
                    currency=m.currency,
                    timezone=m.timezone,
                    kind="brand",
                    language=m.language,
                )
            )
        p, _, h, name = B.EMPLOYEE
        rows.append(
            dict(
                account_id=f"{p}:{h}",
                platform=p,
                handle=h,
                native_id=str(nid[-8]),
                name=name,
                market="CN",
                currency="CNY",
                timezone=B.HQ.timezone,
                kind="employee",
                language="zh",
            )
        )
        for platform, handle, name, kind, tz in (
            ("shop", "voltiq-store", "Voltiq Store (Shopify)", "shop", B.WEB_TZ),
            ("web", "voltiq.example", "voltiq.example — GA4", "brand", B.WEB_TZ),
            ("crm", "voltiq-hubspot", "Voltiq Wholesale (HubSpot)", "crm", B.WEB_TZ),
            (
                "crm",
                "voltiq-salesforce",
                "Voltiq Enterprise EMEA (Salesforce)",
                "crm",
                "Europe/Berlin",
            ),
        ):
            rows.append(
                dict(
                    account_id=f"{platform}:{handle}",
                    platform=platform,
                    handle=handle,
                    native_id=str(nid[len(rows)]),
                    name=name,
                    market="CN" if kind != "crm" or "hub" in handle else "DE",
                    currency="USD" if "sales" not in handle else "EUR",
                    timezone=tz,
                    kind=kind,
                    language="en",
                )
            )
        acc = pd.DataFrame(rows)
        self.frames: dict[str, pd.DataFrame] = {"accounts": acc}
        self.social = acc[acc.platform.isin(B.PLATFORMS)].reset_index(drop=True)
        self.social["size"] = self.rng.lognormal(0, 0.5, len(self.social))
        self.social.loc[self.social.kind == "employee", "size"] = 0.4
        self.social["mk"] = [
            "HQ" if k == "CN" else k for k in self.social.market
        ]  # HQ accounts reach a global audience

    # -- posts ---------------------------------------------------------------------------
    def posts(self) -> None:
        rng, sc = self.rng, self.sc
        acc = self.social
        counts = rng.poisson(sc.posts_per_week * 52 * np.where(acc.kind == "employee", 0.5, 1.0))
        ai = np.repeat(np.arange(len(acc)), counts)
        n = len(ai)
        day = rng.integers(0, B.DAYS, n)
        hour = rng.choice(24, n, p=_hour_profile())
        secs = hour * 3600 + rng.integers(0, 3600, n)
        order = np.lexsort((secs, day))
        ai, day, secs = ai[order], day[order], secs[order]
        platform = acc.platform.to_numpy()[ai]
        tz = acc.timezone.to_numpy()[ai]
        published = _to_utc(day, secs, tz)
        fmt = np.empty(n, dtype=object)
        for p, spec in B.PLATFORMS.items():
            m = platform == p
            fmt[m] = rng.choice(spec.formats, m.sum())
        prod = rng.choice(len(B.PRODUCTS), n, p=_product_p())
        native = np.empty(n, dtype=object)
        url = np.empty(n, dtype=object)
        handle = acc.handle.to_numpy()[ai]
        acc_native = acc.native_id.to_numpy()[ai]
        big = self.ids(n, 7_300_000_000_000_000_000, 10**12)
        for i in range(n):  # posts are few (thousands): plain Python is fine here
            p, h = platform[i], handle[i]
            if p == "youtube":
                nat = _yt_id(int(big[i]))
                url[i] = f"https://www.youtube.com/watch?v={nat}"
            elif p == "facebook":
                nat = f"{acc_native[i]}_{int(big[i]) % 10**15}"
                url[i] = f"https://www.facebook.com/{h}/posts/{int(big[i]) % 10**15}"
            elif p == "instagram":
                nat = str(17_800_000_000_000_000 + int(big[i]) % 10**17)
                url[i] = f"https://www.instagram.com/p/{_yt_id(int(big[i]))[:10]}/"
            elif p == "tiktok":
                nat = str(int(big[i]))
                url[i] = f"https://www.tiktok.com/@{h}/video/{nat}"
            elif p == "x":
                nat = str(int(big[i]) - 5_400_000_000_000_000_000)
                url[i] = f"https://x.com/{h}/status/{nat}"
            elif p == "pinterest":
                nat = str(int(big[i]) % 10**18)
                url[i] = f"https://www.pinterest.com/pin/{nat}/"
            else:
                nat = str(int(big[i]))
                url[i] = f"https://www.linkedin.com/feed/update/urn:li:activity:{nat}/"
            native[i] = nat
        lang = acc.language.to_numpy()[ai]
        captions = [_caption(rng, lang[i], B.PRODUCTS[prod[i]], fmt[i]) for i in range(n)]
        self.post_ai, self.post_day, self.post_prod = ai, day, prod
        self.post_size = rng.lognormal(0, 0.8, n) * acc["size"].to_numpy()[ai]
        self.post_size *= np.where(np.isin(fmt, ("video", "reel", "short")), 1.5, 1.0)
        local_date = self.days[day]
        self.frames["posts"] = pd.DataFrame(
            dict(
                platform=platform,
                handle=handle,
                native_id=native,
                published_at=pd.to_datetime(published).tz_localize("UTC"),
                local_date=local_date,
                format=fmt,
                caption=captions,
                url=url,
                promoted=np.zeros(n, bool),
                campaign_native_id=None,
            )
        )

    # -- ads -----------------------------------------------------------------------------
    def ads(self) -> None:
        rng, sc = self.rng, self.sc
        acc = self.social[self.social.kind == "brand"]
        rows, camp_rows = [], []
        objectives = {
            "linkedin": ("LEAD_GENERATION", "WEBSITE_VISITS"),
            "youtube": ("VIDEO_VIEWS", "SALES"),
            "pinterest": ("CONSIDERATION", "CONVERSIONS"),
        }
        themes = (
            ("q4-holiday", "Holiday"),
            ("q1-newyear", "New Year"),
            ("q2-spring", "Spring Launch"),
            ("q3-backtoschool", "Back to School"),
        )
        cid = iter(self.ids(4 * sc.campaigns_per_quarter * len(acc) * 64, 1_700_000_000_000, 10**6))
        act = self.ids(len(acc), 100_000_000_000_000, 10**9)
        for j, a in enumerate(acc.itertuples()):
            mk = a.market if a.market != "CN" else "GLOBAL"
            acct_native = (
                f"act_{act[j]}" if a.platform in ("instagram", "facebook") else str(act[j] % 10**10)
            )
            for q in range(4):
                for c in range(sc.campaigns_per_quarter):
                    slug, theme = themes[q]
                    prod = B.PRODUCTS[int(rng.choice(len(B.PRODUCTS), p=_product_p()))]
                    start = q * 91 + int(rng.integers(0, 50))
                    length = int(rng.integers(21, 46))
                    objective = objectives.get(a.platform, ("CONVERSIONS", "TRAFFIC"))[c % 2]
                    if a.language == "es":
                        theme = {
                            "Holiday": "Buen Fin y Navidad",
                            "New Year": "Año Nuevo",
                            "Spring Launch": "Lanzamiento Primavera",
                            "Back to School": "Regreso a Clases",
                        }[theme]
                    elif a.language == "zh":
                        theme = {
                            "Holiday": "双十二",
                            "New Year": "新春",
                            "Spring Launch": "春季新品",
                            "Back to School": "开学季",
                        }[theme]
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
                                    ad_name=f"{prod.slug} - {('UGC video', 'Studio image', 'Carousel')[k % 3]} {k + 1}",  # noqa: E501
                                    market=a.market,
                                    currency=a.currency,
                                    utm_campaign=utm,
                                    _start=start,
                                    _end=min(start + length - 1, B.DAYS - 1),
                                    _size=float(rng.lognormal(0, 0.4)),
                                )
                            )
        ads = pd.DataFrame(rows)
        self.ads_df = ads
        self.frames["ads"] = ads[list(COLUMNS["ads"])].copy()
        # promoted posts: a tenth of the posts published while their account ran a campaign
        posts = self.frames["posts"]
        promoted = self.rng.random(len(posts)) < 0.1
        camp = pd.DataFrame(camp_rows, columns=["platform", "handle", "cn", "s", "e"])
        by_acc = {k: g for k, g in camp.groupby(["platform", "handle"], sort=True)}
        cids = []
        for i in np.flatnonzero(promoted):
            g = by_acc.get((posts.platform.iat[i], posts.handle.iat[i]))
            d = self.post_day[i]
            hit = None if g is None else g[(g.s <= d) & (g.e >= d)]
            cids.append((i, None if hit is None or hit.empty else hit.cn.iat[0]))
        for i, c in cids:
            if c is not None:
                posts.iat[i, posts.columns.get_loc("promoted")] = True
                posts.iat[i, posts.columns.get_loc("campaign_native_id")] = c

    # -- scale: how many sessions each unit of reach or spend buys -----------------------
    def calibrate(self) -> None:
        sc, rng = self.sc, self.rng
        acc = self.social
        # organic: expected link clicks of every post-day at multiplier 1
        k = np.arange(sc.post_days)
        pl = acc.platform.to_numpy()[self.post_ai]
        decay = np.array([B.PLATFORMS[p].decay for p in pl])
        reach = np.array([B.PLATFORMS[p].reach for p in pl])
        ctr = np.array([B.PLATFORMS[p].ctr for p in pl])
        days = self.post_day[:, None] + k[None, :]
        valid = days < B.DAYS
        imp = (reach * self.post_size)[:, None] * decay[:, None] ** k[None, :]
        imp *= self.season[np.minimum(days, B.DAYS - 1)]
        self.pd_imp = np.where(valid, imp, 0.0)
        lc = self.pd_imp * ctr[:, None] * 0.8
        target = sc.sessions * B.SOCIAL_SHARE
        self.m_org = target * (1 - B.PAID_SHARE_OF_SOCIAL) / max(lc.sum(), 1e-9)
        # paid: spend per ad-day in USD at multiplier 1
        ads = self.ads_df
        lens = (ads._end - ads._start + 1).to_numpy()
        self.ad_i = np.repeat(np.arange(len(ads)), lens)
        offs = np.arange(len(self.ad_i)) - np.repeat(np.cumsum(lens) - lens, lens)
        self.ad_day = ads._start.to_numpy()[self.ad_i] + offs
        spend = ads._size.to_numpy()[self.ad_i] * self.season[self.ad_day]
        spend *= rng.lognormal(0, 0.3, len(spend))
        apl = ads.platform.to_numpy()[self.ad_i]
        cpm = np.array([B.PLATFORMS[p].cpm for p in apl])
        pctr = np.array([B.PLATFORMS[p].pctr for p in apl])
        sess = spend / cpm * 1000 * pctr * 0.85
        m_paid = target * B.PAID_SHARE_OF_SOCIAL / max(sess.sum(), 1e-9)
        self.ad_spend_usd = spend * m_paid
        self.ad_cpm, self.ad_pctr, self.ad_pl = cpm, pctr, apl

    # -- organic daily figures -----------------------------------------------------------
    def post_daily(self) -> None:
        rng = self.rng
        posts = self.frames["posts"]
        pi, k = np.nonzero(self.pd_imp > 0)
        lam = self.pd_imp[pi, k] * self.m_org / 1.0
        pl = posts.platform.to_numpy()[pi]
        ctr = np.array([B.PLATFORMS[p].ctr for p in pl])
        imp = rng.poisson(lam / 1.0)
        link = rng.binomial(imp, np.minimum(ctr, 1.0))
        fmt = posts.format.to_numpy()[pi]
        video = np.isin(fmt, ("video", "reel", "short"))
        rate = lambda r: rng.binomial(imp, r)  # noqa: E731
        likes, comments, shares, saves = rate(0.04), rate(0.004), rate(0.006), rate(0.005)
        clicks = link + rate(0.01)
        vviews = np.where(video, rate(0.45), 0)
        watch = np.round(vviews * rng.gamma(2.0, 6.0, len(pi)), 1)
        follows = rate(0.002)
        reach = np.round(imp * rng.uniform(0.65, 0.9, len(pi))).astype(np.int64)
        views = np.where(np.isin(pl, ("tiktok", "instagram", "facebook")), imp, 0)
        views = np.where(pl == "youtube", vviews, views)
        df = pd.DataFrame(
            dict(
                platform=pl,
                handle=posts.handle.to_numpy()[pi],
                native_id=posts.native_id.to_numpy()[pi],
                date=self.days[self.post_day[pi] + k],
                impressions=imp,
                reach=reach,
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
        # what each platform does not count is zero in its exports
        zero = {
            "tiktok": ("clicks", "link_clicks"),
            "instagram": ("clicks",),
            "x": ("reach", "watch_seconds", "views"),
            "pinterest": ("likes", "comments", "shares", "reach", "views"),
            "youtube": ("clicks", "link_clicks", "saves", "reach"),
            "linkedin": ("link_clicks", "saves", "watch_seconds", "views"),
        }
        self.pd_true_link = link  # true link clicks (sessions come from these)
        self.pd_post, self.pd_k = pi, k
        for p, cols in zero.items():
            m = (pl == p).astype(bool)
            for c in cols:
                df.loc[m, c] = 0
        self.frames["post_daily"] = df
        del self.pd_imp

    def ad_daily(self) -> None:
        rng = self.rng
        ads = self.ads_df
        ai = self.ad_i
        cur = ads.currency.to_numpy()[ai]
        usd_per = np.array([B.USD_PER[c] for c in cur])
        imp = rng.poisson(self.ad_spend_usd / self.ad_cpm * 1000)
        link = rng.binomial(imp, np.minimum(self.ad_pctr, 1.0))
        clicks = link + rng.binomial(imp, 0.004)
        reach = np.round(imp * rng.uniform(0.6, 0.85, len(ai))).astype(np.int64)
        video = np.isin(self.ad_pl, ("tiktok", "youtube", "instagram", "facebook"))
        vv = np.where(video, rng.binomial(imp, 0.3), 0)
        self.ad_true_link = link
        self.frames["ad_daily"] = pd.DataFrame(
            dict(
                platform=self.ad_pl,
                ad_native_id=ads.ad_native_id.to_numpy()[ai],
                date=self.days[self.ad_day],
                currency=cur,
                spend=np.round(self.ad_spend_usd / usd_per, 2),
                impressions=imp,
                reach=reach,
                clicks=clicks,
                link_clicks=link,
                video_views=vv,
                conversions=np.zeros(len(ai), np.int64),
                conversion_value=np.zeros(len(ai)),
            )
        )

    def account_daily(self) -> None:
        rng = self.rng
        acc = self.social
        pdl = self.frames["post_daily"]
        key = pd.MultiIndex.from_arrays([pdl.platform, pdl.handle, pdl.date])
        agg = (
            pdl[["impressions", "views", "likes", "comments", "shares", "follows"]]
            .set_index(key)
            .groupby(level=[0, 1, 2])
            .sum()
        )
        grid = pd.MultiIndex.from_product(
            [range(len(acc)), range(B.DAYS)], names=["a", "d"]
        ).to_frame(index=False)
        a, d = grid.a.to_numpy(), grid.d.to_numpy()
        gkey = pd.MultiIndex.from_arrays(
            [acc.platform.to_numpy()[a], acc.handle.to_numpy()[a], self.days[d]]
        )
        got = agg.reindex(gkey, fill_value=0)
        n = len(grid)
        base = (acc["size"].to_numpy()[a] * 40 * self.m_org * self.season[d]).clip(0.5)
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
        self.frames["account_daily"] = pd.DataFrame(
            dict(
                platform=pl,
                handle=acc.handle.to_numpy()[a],
                date=self.days[d],
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

    # -- sessions: counts, channels, countries, times ------------------------------------
    def sessions(self) -> None:
        rng = self.rng
        acc = self.social
        mk_codes = list(B.MARKETS)
        mk_w = np.array([m.weight for m in B.MARKETS.values()])
        mk_w = mk_w / mk_w.sum()
        # organic social sessions come from the posts' link clicks
        posts = self.frames["posts"]
        n_org = rng.binomial(self.pd_true_link, 0.8)
        o_post = np.repeat(self.pd_post, n_org)
        o_day = np.repeat(self.post_day[self.pd_post] + self.pd_k, n_org)
        o_acc = self.post_ai[o_post]
        # paid social sessions from the ads' link clicks
        n_paid = rng.binomial(self.ad_true_link, 0.85)
        p_row = np.repeat(np.arange(len(self.ad_i)), n_paid)
        p_ad = self.ad_i[p_row]
        p_day = self.ad_day[p_row]
        acc_index = {(p, h): i for i, (p, h) in enumerate(zip(acc.platform, acc.handle))}
        ad_acc = np.array(
            [acc_index[(p, h)] for p, h in zip(self.ads_df.platform, self.ads_df.handle)]
        )
        p_acc = ad_acc[p_ad]
        # other channels: by market, day (season, weekday)
        others = list(B.OTHER_CHANNELS)
        n_other = int(self.sc.sessions * (1 - B.SOCIAL_SHARE))
        day_w = self.season / self.season.sum()
        x_day = rng.choice(B.DAYS, n_other, p=day_w)
        x_ch = rng.choice(len(others), n_other, p=[v[0] for v in B.OTHER_CHANNELS.values()])
        x_mk = rng.choice(len(mk_codes), n_other, p=mk_w)
        # social sessions' countries: the account's market (90%), else any market
        acc_mk = np.array([mk_codes.index(m) if m in mk_codes else -1 for m in acc.market])
        s_acc = np.concatenate([o_acc, p_acc])
        s_mk = acc_mk[s_acc]
        spill = (s_mk < 0) | (rng.random(len(s_acc)) < 0.1)
        s_mk = np.where(spill, rng.choice(len(mk_codes), len(s_acc), p=mk_w), s_mk)
        plat_idx = {p: i for i, p in enumerate(B.PLATFORMS)}
        acc_pl = np.array([plat_idx[p] for p in acc.platform])
        s_ch = acc_pl[s_acc] * 2 + np.concatenate(
            [np.zeros(len(o_acc), int), np.ones(len(p_acc), int)]
        )
        n_s = len(s_acc)
        self.s = dict(
            ch=np.concatenate([s_ch, N_SOCIAL + x_ch]).astype(np.int16),
            day=np.concatenate([o_day, p_day, x_day]).astype(np.int32),
            mk=np.concatenate([s_mk, x_mk]).astype(np.int8),
            acc=np.concatenate([s_acc, np.full(n_other, -1)]).astype(np.int32),
            post=np.concatenate([o_post, np.full(len(p_ad) + n_other, -1)]).astype(np.int32),
            ad=np.concatenate([np.full(len(o_post), -1), p_ad, np.full(n_other, -1)]).astype(
                np.int32
            ),
            adrow=np.concatenate([np.full(len(o_post), -1), p_row, np.full(n_other, -1)]).astype(
                np.int64
            ),
        )
        del n_s, posts
        self.mk_codes = mk_codes

    def journeys(self) -> None:
        """Group sessions into visitors: within a market, sessions close in (jittered) time."""
        rng, s = self.rng, self.s
        n = len(s["ch"])
        tod = rng.choice(24 * 60, n, p=np.repeat(_hour_profile(), 60) / 60) * 60 + rng.integers(
            0, 60, n
        )
        key = s["day"] + rng.normal(0, 4.0, n)
        order = np.lexsort((key, s["mk"]))
        lengths = 1 + rng.geometric(0.6, n) - 1  # mean ~1.67 sessions per visitor
        lengths = lengths[: np.searchsorted(np.cumsum(lengths), n) + 1]
        visitor_of_pos = np.repeat(np.arange(len(lengths)), lengths)[:n]
        visitor = np.empty(n, np.int64)
        visitor[order] = visitor_of_pos
        # a journey never crosses markets: split where the market changes
        mk_sorted = s["mk"][order]
        vs = visitor_of_pos
        new = np.r_[True, (vs[1:] != vs[:-1]) | (mk_sorted[1:] != mk_sorted[:-1])]
        visitor[order] = np.cumsum(new) - 1
        # sort all session arrays by (visitor, time)
        t = s["day"].astype(np.int64) * 86400 + tod
        o2 = np.lexsort((t, visitor))
        for k in s:
            s[k] = s[k][o2]
        visitor, t = visitor[o2], t[o2]
        pos = np.arange(n) - np.searchsorted(visitor, visitor, side="left")
        s["visitor"], s["pos"] = visitor, pos
        s["local_secs"] = t + pos  # strictly increasing within a visitor
        self.n_vis = int(visitor.max()) + 1 if n else 0
        first = np.r_[True, visitor[1:] != visitor[:-1]]
        last = np.r_[visitor[1:] != visitor[:-1], True]
        s["first"], s["last"] = first, last

    def convert(self) -> None:
        """The true model: which journeys convert, and each channel's exact contribution."""
        rng, s = self.rng, self.s
        V = self.n_vis
        touch = np.zeros((V, len(CHANNELS)), bool)
        touch[s["visitor"], s["ch"]] = True
        last_idx = np.flatnonzero(s["last"])
        vday = s["day"][last_idx]
        vmk = s["mk"][last_idx]
        beta_o = np.array(
            [B.PLATFORMS[p].b_paid if paid else B.PLATFORMS[p].b_org for p, paid in SOCIAL]
            + [v[1] for v in B.OTHER_CHANNELS.values()]
        )
        beta_l = np.array(
            [B.PLATFORMS[p].lead_paid if paid else B.PLATFORMS[p].lead_org for p, paid in SOCIAL]
            + [v[2] for v in B.OTHER_CHANNELS.values()]
        )
        li = [CHANNELS.index("linkedin_organic"), CHANNELS.index("linkedin_paid")]
        b2b = rng.random(V) < np.where(touch[:, li].any(axis=1), 0.35, 0.03)
        mk_alpha = np.array([0.0, 0.1, 0.0, 0.05, -0.2, -0.3, 0.1, -0.25])
        a_order, a_lead = -4.6, -2.6
        season = np.log(self.season[vday])
        eta_o = a_order + mk_alpha[vmk] + 0.5 * season + touch @ beta_o
        eta_l = a_lead + touch @ beta_l
        p_o, p_l = sigmoid(eta_o), sigmoid(eta_l)
        u = rng.random(V)
        self.v_order = (~b2b) & (u < p_o)
        self.v_lead = b2b & (u < p_l)
        self.v_b2b = b2b

        def contributions(eta, beta, who, touch=touch):
            out = {}
            for c, name in enumerate(CHANNELS):
                m = who & touch[:, c]
                out[name] = float((sigmoid(eta[m]) - sigmoid(eta[m] - beta[c])).sum())
            return out

        con_o = contributions(eta_o, beta_o, ~b2b)
        con_l = contributions(eta_l, beta_l, b2b)
        self.truth = _truth(
            self, con_o, con_l, beta_o, beta_l, float(p_o[~b2b].sum()), float(p_l[b2b].sum())
        )
        self.v_first_ch = s["ch"][np.flatnonzero(s["first"])]
        del touch

    # -- the session frame's strings -----------------------------------------------------
    def session_strings(self) -> None:
        rng, s = self.rng, self.s
        n = len(s["ch"])
        # channel variants: one flat vocabulary, a variant index per session
        vocab: list[B.V] = []
        start = []
        for p, paid in SOCIAL:
            start.append(len(vocab))
            vocab += (B.PAID_VARIANTS if paid else B.ORGANIC_VARIANTS)[p]
        for c in B.OTHER_CHANNELS:
            start.append(len(vocab))
            vocab += B.OTHER_VARIANTS[c]
        start.append(len(vocab))
        var = np.empty(n, np.int32)
        for c in range(len(CHANNELS)):
            m = s["ch"] == c
            w = np.array([v[5] for v in vocab[start[c] : start[c + 1]]], float)
            var[m] = start[c] + rng.choice(len(w), m.sum(), p=w / w.sum())
        v_src = pa.array([v[0] for v in vocab], pa.string())
        v_med = pa.array([v[1] for v in vocab], pa.string())
        v_ref = pa.array([v[2] for v in vocab], pa.string())
        v_cid = pa.array([v[3] for v in vocab], pa.string())
        v_utm = np.array([v[4] for v in vocab])
        # campaigns: the ad's utm_campaign in three spellings; email/search/organic values
        ads = self.ads_df
        utm = ads.utm_campaign.to_numpy()
        camp_vocab = np.concatenate([utm, np.char.upper(utm.astype(str)), [u.title() for u in utm]])
        camp_vocab = (
            list(camp_vocab)
            + ["linkinbio", "evergreen", "brand_search"]
            + [f"newsletter_{d:%Y_%m}" for d in pd.date_range(B.START, B.END, freq="MS")]
        )
        ca = np.full(n, -1, np.int64)
        paid_ad = s["ad"] >= 0
        ca[paid_ad] = s["ad"][paid_ad] + len(ads) * rng.choice(3, paid_ad.sum(), p=[0.7, 0.1, 0.2])
        ch = s["ch"]
        org = (ch < N_SOCIAL) & ~paid_ad
        ca[org] = np.where(rng.random(org.sum()) < 0.6, 3 * len(ads), 3 * len(ads) + 1)
        ca[ch == N_SOCIAL + 2] = 3 * len(ads) + 2
        em = ch == N_SOCIAL + 3
        month = np.array([(B.START + dt.timedelta(days=int(d))).month for d in range(B.DAYS)])
        month_idx = (month - 10) % 12
        ca[em] = 3 * len(ads) + 3 + month_idx[s["day"][em]]
        has_utm = v_utm[var]
        ca[~has_utm] = -1
        v_camp = pa.array(camp_vocab, pa.string())
        # landing pages: product pages in the market's locale, or the wholesale page
        loc = [B.MARKETS[m].locale for m in self.mk_codes]
        paths = (
            [f"/{lo}/products/{p.slug}" for lo in loc for p in B.PRODUCTS]
            + [f"/{lo}" for lo in loc]
            + ["/pages/wholesale"]
        )
        prod = rng.choice(len(B.PRODUCTS), n, p=_product_p())
        path_i = s["mk"].astype(np.int64) * len(B.PRODUCTS) + prod
        home = rng.random(n) < 0.25
        path_i[home] = len(loc) * len(B.PRODUCTS) + s["mk"][home]
        wholesale = self.v_b2b[s["visitor"]] & (rng.random(n) < 0.6)
        path_i[wholesale] = len(paths) - 1
        v_path = pa.array([B.SITE + p for p in paths], pa.string())
        # ids: visitors (GA client ids) and sessions; click ids
        vis_num = 100_000_000 + rng.permutation(self.n_vis).astype(np.int64) * max(
            1, 899_999_999 // max(self.n_vis, 1)
        )
        first_ts = np.flatnonzero(s["first"])
        tz_mk = np.array([B.MARKETS[m].timezone for m in self.mk_codes])
        self.s_utc = _to_utc(s["local_secs"] // 86400, s["local_secs"] % 86400, tz_mk[s["mk"]])
        unix = self.s_utc.astype("datetime64[s]").astype(np.int64)
        self.unix = unix
        click_num = rng.integers(10**15, 10**16, n, dtype=np.int64)
        web_local = _local_days(unix, B.WEB_TZ)
        pageviews = 1 + rng.geometric(0.4, n) - 1 + np.where(wholesale, 2, 0)
        engaged = (pageviews > 1) | (rng.random(n) < 0.3)
        countries = pa.array(self.mk_codes, pa.string())
        chunks: dict[str, list] = {
            k: []
            for k in (
                "session_id",
                "visitor_id",
                "source",
                "medium",
                "campaign",
                "content",
                "term",
                "click_id_type",
                "click_id",
                "referrer",
                "landing_page",
                "country",
            )
        }
        v_first_unix = unix[first_ts]
        for lo in range(0, n, CHUNK):
            hi = min(n, lo + CHUNK)
            sl = slice(lo, hi)
            vv = s["visitor"][sl]
            vid = pc.binary_join_element_wise(
                pa.array(vis_num[vv]).cast(pa.string()),
                pa.array(v_first_unix[vv]).cast(pa.string()),
                ".",
            )
            sid = pc.binary_join_element_wise(
                pa.array(vis_num[vv]).cast(pa.string()), pa.array(unix[sl]).cast(pa.string()), "-"
            )
            idx = pa.array(var[sl])
            src, med = v_src.take(idx), v_med.take(idx)
            ref, cid_t = v_ref.take(idx), v_cid.take(idx)
            cmask = pa.array(ca[sl] < 0)
            camp = pc.if_else(
                cmask, pa.scalar(None, pa.string()), v_camp.take(pa.array(np.maximum(ca[sl], 0)))
            )
            ads_sl = s["ad"][sl]
            content = pa.array(
                np.where(ads_sl >= 0, ads.ad_native_id.to_numpy()[np.maximum(ads_sl, 0)], None),
                pa.string(),
            )
            content = pc.if_else(pa.array(has_utm[sl]), content, pa.scalar(None, pa.string()))
            term = pc.if_else(
                pa.array(ch[sl] == N_SOCIAL + 2), pa.scalar("voltiq"), pa.scalar(None, pa.string())
            )
            term = pc.if_else(pa.array(has_utm[sl]), term, pa.scalar(None, pa.string()))
            cid = pc.if_else(
                pc.is_null(cid_t),
                pa.scalar(None, pa.string()),
                pa.array(click_num[sl]).cast(pa.string()),
            )
            utm_on = pa.array(has_utm[sl])
            q_src = pc.if_else(utm_on, pc.binary_join_element_wise("utm_source", src, "="), None)
            q_med = pc.if_else(utm_on, pc.binary_join_element_wise("utm_medium", med, "="), None)
            q_camp = pc.binary_join_element_wise("utm_campaign", camp, "=")
            q_cont = pc.binary_join_element_wise("utm_content", content, "=")
            q_cid = pc.binary_join_element_wise(cid_t, cid, "=")
            query = _join_skip([q_src, q_med, q_camp, q_cont, q_cid], "&")
            land = _join_skip([v_path.take(pa.array(path_i[sl])), query], "?")
            for k, v in (
                ("session_id", sid),
                ("visitor_id", vid),
                ("source", src),
                ("medium", med),
                ("campaign", camp),
                ("content", content),
                ("term", term),
                ("click_id_type", cid_t),
                ("click_id", cid),
                ("referrer", ref),
                ("landing_page", land),
                ("country", countries.take(pa.array(s["mk"][sl]))),
            ):
                chunks[k].append(v)
        cols = {k: pa.chunked_array(v, pa.string()) for k, v in chunks.items()}
        self.session_land = cols["landing_page"]
        self.session_ref = cols["referrer"]
        self.session_src, self.session_med, self.session_camp = (
            cols["source"],
            cols["medium"],
            cols["campaign"],
        )
        self.session_ids, self.visitor_ids = cols["session_id"], cols["visitor_id"]
        self.web_local = web_local
        self.pageviews, self.engaged = pageviews, engaged
        self.s_str = cols

    # -- orders --------------------------------------------------------------------------
    def orders(self) -> None:
        rng, s = self.rng, self.s
        last_idx = np.flatnonzero(s["last"])
        conv_v = np.flatnonzero(self.v_order)
        si = last_idx[conv_v]  # the converting session
        n = len(si)
        created = self.s_utc[si] + (rng.integers(120, 1500, n) * 1_000_000_000).astype(
            "timedelta64[ns]"
        )
        unix_c = created.astype("datetime64[s]").astype(np.int64)
        local = _local_days(unix_c, B.WEB_TZ)
        keep = local < B.DAYS
        si, created, local, conv_v, n = (
            si[keep],
            created[keep],
            local[keep],
            conv_v[keep],
            keep.sum(),
        )
        o = np.argsort(created, kind="stable")
        si, created, local, conv_v = si[o], created[o], local[o], conv_v[o]
        mk = s["mk"][si]
        code = np.array(self.mk_codes)[mk]
        cur = np.array([B.MARKETS[c].currency for c in code])
        prod = rng.choice(len(B.PRODUCTS), n, p=_product_p())
        qty = rng.choice([1, 2, 3], n, p=[0.84, 0.13, 0.03])
        price = np.array([B.local_price(B.PRODUCTS[p].usd, c) for p, c in zip(prod, cur)], float)
        subtotal = np.round(price * qty, 2)
        free_over = np.array([60 / B.USD_PER[c] for c in cur])
        ship_fee = np.array([B.local_price(6.0, c) if c != "EUR" else 4.95 for c in cur])
        shipping = np.where(subtotal >= free_over, 0.0, ship_fee)
        vat = np.array([B.MARKETS[c].vat for c in code])
        incl = np.array([B.MARKETS[c].tax_included for c in code])
        taxes = np.round(np.where(incl, subtotal - subtotal / (1 + vat), subtotal * vat), 2)
        total = np.round(subtotal + shipping + np.where(incl, 0, taxes), 2)
        order_id = self.ids(n, 5_600_000_000_000, 10**6)
        cust = self.ids(n, 7_100_000_000_000, 10**5)
        lang = np.array([B.MARKETS[c].language for c in code])
        first = np.array(_pick(rng, lang, B.FIRST_NAMES), object)
        last = np.array(_pick(rng, lang, B.LAST_NAMES), object)
        # returning customers: some orders come from someone who bought before in the same
        # market (orders are in time order, so the earlier buyer is already resolved)
        again = rng.random(n) < B.REPEAT_SHARE
        u = rng.random(n)
        for market in np.unique(code):
            idx = np.flatnonzero(code == market)
            for k in range(1, len(idx)):
                if again[idx[k]]:
                    i, j = idx[k], idx[int(u[idx[k]] * k)]
                    cust[i], first[i], last[i] = cust[j], first[j], last[j]
        email = [
            f"{_ascii(f)}.{_ascii(la)}{int(c) % 10_000}@mail.example".lower()
            for f, la, c in zip(first, last, cust)
        ]
        land = self.session_land.take(pa.array(si)).to_pylist()
        landing_site = [u.removeprefix(B.SITE) if u else None for u in land]
        self.order_si, self.order_total_usd = si, total * np.array([B.USD_PER[c] for c in cur])
        self.order_email, self.order_cust = np.array(email, object), cust.astype(str)
        self.order_v = conv_v
        self.order_local = local
        self.order_cur, self.order_total = cur, total
        self.frames["orders"] = pd.DataFrame(
            dict(
                order_id=order_id.astype(str),
                order_name=[f"#V{1001 + i}" for i in range(n)],
                customer_id=cust.astype(str),
                email=email,
                created_at=pd.to_datetime(created).tz_localize("UTC"),
                local_date=self.days[local],
                currency=cur,
                subtotal=subtotal,
                shipping=shipping,
                taxes=taxes,
                total=total,
                country=code,
                landing_site=landing_site,
                referring_site=self.session_ref.take(pa.array(si)).to_pylist(),
                visitor_id=self.visitor_ids.take(pa.array(si)).to_pylist(),
                session_id=self.session_ids.take(pa.array(si)).to_pylist(),
                lineitem_name=[B.PRODUCTS[p].name for p in prod],
                lineitem_quantity=qty,
                lineitem_price=price,
            )
        )

    # -- CRM: HubSpot contacts and deals, Salesforce opportunities -----------------------
    def crm(self) -> None:
        rng, s = self.rng, self.s
        last_idx = np.flatnonzero(s["last"])
        lead_v = np.flatnonzero(self.v_lead)
        si = last_idx[lead_v]
        keep = s["day"][si] < B.DAYS - 1
        lead_v, si = lead_v[keep], si[keep]
        n_web = len(si)
        n_off = int(round(n_web * 0.15))
        n = n_web + n_off
        created = np.concatenate(
            [
                self.s_utc[si]
                + (rng.integers(60, 900, n_web) * 1_000_000_000).astype("timedelta64[ns]"),
                (
                    np.datetime64(B.START.isoformat())
                    + rng.integers(0, B.DAYS - 1, n_off).astype("timedelta64[D]")
                    + rng.integers(3600 * 8, 3600 * 18, n_off).astype("timedelta64[s]")
                ).astype("datetime64[ns]"),
            ]
        )
        mk = np.concatenate([s["mk"][si], rng.choice(len(self.mk_codes), n_off)])
        code = np.array(self.mk_codes)[mk]
        lang = np.array([B.MARKETS[c].language for c in code])
        first = _pick(rng, lang, B.FIRST_NAMES)
        last = _pick(rng, lang, B.LAST_NAMES)
        words = rng.choice(B.COMPANY_WORDS, n)
        company = [f"{w} {B.COMPANY_SUFFIX[c]}" for w, c in zip(words, code)]
        cid = self.ids(n, 50_000_000, 1000)
        email = [
            f"{_ascii(f)}.{_ascii(la)}@{_ascii(w)}-{c}{int(i) % 1000}.example".lower()
            for f, la, w, c, i in zip(first, last, words, code, cid)
        ]
        # lifecycle: lead -> MQL -> SQL -> opportunity -> customer
        day = np.datetime64(B.END.isoformat()) + np.timedelta64(1, "D")
        stages = ["lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer"]
        reach = np.zeros(n, int)
        dates = [created]
        t = created
        for step, p in enumerate((0.6, 0.55, 0.6, 0.45), start=1):
            t = t + (rng.integers(1, 21, n) * 86_400_000_000_000).astype("timedelta64[ns]")
            ok = (reach == step - 1) & (rng.random(n) < p) & (t < day)
            reach[ok] = step
            dates.append(t)
        stage_date = [
            np.where(reach >= k, pd.to_datetime(dates[k]).tz_localize("UTC"), pd.NaT)
            for k in range(5)
        ]
        # sources: HubSpot's original source is the first touch; utm_* the converting visit
        fch = np.concatenate([self.v_first_ch[lead_v], np.full(n_off, -1)])
        hs_source, drill = _hubspot_source(fch)
        src = self.session_src.take(pa.array(si)).to_pylist() + [None] * n_off
        med = self.session_med.take(pa.array(si)).to_pylist() + [None] * n_off
        camp = self.session_camp.take(pa.array(si)).to_pylist() + [None] * n_off
        vis = self.visitor_ids.take(pa.array(si)).to_pylist() + [None] * n_off
        for i in range(n_web, n):
            drill[i] = ("CES Las Vegas", "IFA Berlin", "Canton Fair")[i % 3]
        created_ts = pd.to_datetime(created).tz_localize("UTC")

        def as_date(x):
            return [v.date() if not pd.isna(v) else None for v in x]

        contacts = pd.DataFrame(
            dict(
                contact_id=cid.astype(str),
                email=email,
                first_name=first,
                last_name=last,
                company=company,
                country=code,
                created_at=created_ts,
                lifecycle_stage=np.array(stages)[reach],
                lead_date=as_date(stage_date[0]),
                mql_date=as_date(stage_date[1]),
                sql_date=as_date(stage_date[2]),
                opportunity_date=as_date(stage_date[3]),
                customer_date=as_date(stage_date[4]),
                original_source=hs_source,
                original_source_drill_down_1=drill,
                utm_source=src,
                utm_medium=med,
                utm_campaign=camp,
                visitor_id=vis,
            )
        )
        order = np.argsort(created_ts.to_numpy(), kind="stable")
        contacts = contacts.iloc[order].reset_index(drop=True)
        reach, code = reach[order], code[order]
        opp_dt = pd.to_datetime(dates[3][order]).tz_localize("UTC")
        won_dt = pd.to_datetime(dates[4][order]).tz_localize("UTC")
        self.frames["contacts"] = contacts
        # deals for contacts that reached opportunity; enterprise Europe goes to Salesforce
        has_opp = reach >= 3
        enterprise = np.isin(code, ("DE", "FR", "GB")) & (rng.random(len(code)) < 0.4)
        cur = np.array([B.MARKETS[c].currency for c in code])
        usd_amt = np.round(rng.lognormal(np.log(15_000), 0.7, len(code)), -2)
        usd_amt = np.where(enterprise, usd_amt * 4, usd_amt)
        amount = np.round(usd_amt / np.array([B.USD_PER[c] for c in cur]), -1)
        lost = (reach == 3) & (rng.random(len(code)) < 0.55)
        close_lost = opp_dt + pd.to_timedelta(rng.integers(10, 60, len(code)), unit="D")
        closed_lost = lost & (close_lost < pd.Timestamp(day, tz="UTC"))
        is_won = reach == 4
        is_closed = is_won | closed_lost
        close = np.where(is_won, won_dt, close_lost)
        close_date = [pd.Timestamp(c).date() for c in close]
        hs = has_opp & ~enterprise
        hs_stage = np.where(
            is_won,
            "closedwon",
            np.where(
                closed_lost,
                "closedlost",
                rng.choice(["qualifiedtobuy", "presentationscheduled", "contractsent"], len(code)),
            ),
        )
        deal_ids = self.ids(hs.sum(), 9_000_000_000, 10**5).astype(str)
        c_h = contacts[hs]
        self.frames["deals"] = pd.DataFrame(
            dict(
                deal_id=deal_ids,
                deal_name=[f"{c} — wholesale order" for c in c_h.company],
                contact_id=c_h.contact_id.to_numpy(),
                company=c_h.company.to_numpy(),
                pipeline="Wholesale",
                stage=hs_stage[hs],
                created_at=opp_dt[hs],
                close_date=np.array(close_date, object)[hs],
                amount=amount[hs],
                currency=cur[hs],
                country=code[hs],
                is_won=is_won[hs],
                is_closed=is_closed[hs],
            )
        )
        sf = has_opp & enterprise
        c_s = contacts[sf]
        k = int(sf.sum())
        sf_stage = np.where(
            is_won[sf],
            "Closed Won",
            np.where(
                closed_lost[sf],
                "Closed Lost",
                rng.choice(["Qualification", "Proposal/Price Quote", "Negotiation/Review"], k),
            ),
        )
        prob = pd.Series(sf_stage).map(
            {
                "Closed Won": 100,
                "Closed Lost": 0,
                "Qualification": 20,
                "Proposal/Price Quote": 50,
                "Negotiation/Review": 75,
            }
        )
        lead_src = [
            {
                "SOCIAL_MEDIA": "Social Media",
                "PAID_SOCIAL": "Paid Social",
                "OFFLINE": "Trade Show",
                "ORGANIC_SEARCH": "Web",
                "PAID_SEARCH": "Advertisement",
                "EMAIL_MARKETING": "Email",
                "REFERRALS": "Partner Referral",
            }.get(v, "Web")
            for v in c_s.original_source
        ]
        sf_ids = [f"006Vq0000{int(i):09d}AAA"[:18] for i in self.ids(k, 1_000_000, 1000)]
        self.frames["opportunities"] = pd.DataFrame(
            dict(
                opportunity_id=sf_ids,
                opportunity_name=[f"{c} - Enterprise supply" for c in c_s.company],
                account_name=c_s.company.to_numpy(),
                owner=rng.choice(B.SALES_REPS, k) if k else np.array([], object),
                stage=sf_stage,
                amount=amount[sf],
                currency=cur[sf],
                probability=prob.to_numpy(dtype=float),
                created_date=[d.date() for d in opp_dt[sf]],
                close_date=np.array(close_date, object)[sf],
                lead_source=lead_src,
                type="New Business",
                is_won=is_won[sf],
                is_closed=is_closed[sf],
                country=code[sf],
            )
        )
        self.lead_si = si

    # -- what the ad platforms claim -----------------------------------------------------
    def ad_claims(self) -> None:
        """Platform-claimed conversions: any converting journey with a click from the ad in
        the 7 days before, plus view-through claims — more than the truth, as in life."""
        s = self.s
        conv = np.zeros(self.n_vis, bool)
        conv[self.order_v] = True
        v_val = np.zeros(self.n_vis)
        v_val[self.order_v] = self.order_total_usd
        lead = np.zeros(self.n_vis, bool)
        lead[self.v_lead] = True
        paid = s["adrow"] >= 0
        vis = s["visitor"][paid]
        hit = conv[vis] | lead[vis]
        rows = s["adrow"][paid][hit]
        ad_d = self.frames["ad_daily"]
        counts = np.bincount(rows, minlength=len(ad_d))
        value = np.bincount(rows, weights=v_val[vis][hit], minlength=len(ad_d))
        vt = self.rng.poisson(counts * 0.6 + ad_d.impressions.to_numpy() * 2e-5)
        usd_per = np.array([B.USD_PER[c] for c in ad_d.currency])
        avg = np.where(counts > 0, value / np.maximum(counts, 1), 60.0)
        ad_d["conversions"] = counts + vt
        ad_d["conversion_value"] = np.round((value + vt * avg) / usd_per, 2)

    def ga4_daily(self) -> None:
        s = self.s
        n = len(s["ch"])
        key_events = np.zeros(n, np.int64)
        revenue = np.zeros(n)
        np.add.at(key_events, self.order_si, 1)
        np.add.at(revenue, self.order_si, self.order_total_usd)
        np.add.at(key_events, self.lead_si, 1)
        st = self.s_str
        ok = (self.web_local >= 0) & (self.web_local < B.DAYS)
        df = pd.DataFrame(
            {
                "d": self.web_local,
                "source": st["source"].to_pandas().fillna("(not set)"),
                "medium": st["medium"].to_pandas().fillna("(not set)"),
                "campaign": st["campaign"].to_pandas().fillna("(not set)"),
                "country": st["country"].to_pandas(),
                "v": s["visitor"],
                "engaged": self.engaged,
                "key_events": key_events,
                "revenue": revenue,
            }
        )[ok]
        g = df.groupby(["d", "source", "medium", "campaign", "country"], sort=True)
        agg = g.agg(
            sessions=("v", "size"),
            users=("v", "nunique"),
            engaged_sessions=("engaged", "sum"),
            key_events=("key_events", "sum"),
            revenue=("revenue", "sum"),
        ).reset_index()
        agg.insert(0, "date", self.days[agg.pop("d").to_numpy()])
        agg["revenue"] = agg.revenue.round(2)
        self.frames["ga4_daily"] = agg
        # the session frame itself (the GA4 property's local dates)
        user_id = np.full(n, None, object)
        email = np.full(n, None, object)
        user_id[self.order_si] = self.order_cust
        email[self.order_si] = self.order_email
        contacts = self.frames["contacts"]
        web = contacts.visitor_id.notna().to_numpy()
        # contacts were re-sorted by date: match each lead session by visitor id
        lead_email = dict(zip(contacts.visitor_id[web], contacts.email[web]))
        vids = self.visitor_ids.take(pa.array(self.lead_si)).to_pylist()
        email[self.lead_si] = [lead_email.get(v) for v in vids]
        frame = pd.DataFrame(
            {
                "session_id": self.strings(st["session_id"]),
                "visitor_id": self.strings(st["visitor_id"]),
                "user_id": user_id,
                "email": email,
                "started_at": pd.to_datetime(self.s_utc).tz_localize("UTC"),
                "local_date": self.days[np.clip(self.web_local, 0, B.DAYS - 1)],
            }
        )
        for k in (
            "source",
            "medium",
            "campaign",
            "content",
            "term",
            "click_id_type",
            "click_id",
            "referrer",
            "landing_page",
        ):
            frame[k] = self.strings(st[k])
        frame["country"] = self.strings(st["country"])
        frame["pageviews"] = self.pageviews.astype(np.int64)
        frame["engaged"] = self.engaged
        frame = frame[ok].reset_index(drop=True)
        self.sessions_frame = frame.iloc[np.argsort(self.unix[ok], kind="stable")].reset_index(
            drop=True
        )

    # -- the true cost ledger ------------------------------------------------------------
    def costs(self) -> None:
        rng = self.rng
        # The ledger is written for a brand with about 2M web sessions a year; smaller and
        # larger demos scale it, so every scale earns and spends in believable proportion.
        cost_factor = self.sc.sessions / B.LEDGER_SESSIONS
        months = [d.date() for d in pd.date_range(B.START, B.END, freq="MS")]
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

        salary_usd = {
            "US": 7200,
            "DE": 5600,
            "FR": 5200,
            "GB": 5400,
            "MX": 2300,
            "BR": 2100,
            "SG": 5000,
            "TH": 1700,
        }
        for m in months:
            ym = f"{m:%Y-%m}"
            for code, usd in salary_usd.items():
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
        for q in ("2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"):
            add(
                q,
                "analytics_platform",
                3_600,
                "USD",
                allocation="even",
                description="Metricly analytics suite (quarterly)",
            )
        camps = self.ads_df.drop_duplicates("campaign_native_id")
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
        self.frames["costs"] = pd.DataFrame(lines)
        self.time_split(months)

    def time_split(self, months: list[dt.date]) -> None:
        """The Shenzhen studio's hours per month, platform and market (its salaries are
        allocated by them: `hours_share`). 4 FTE x 160 h, spent where content is made:
        a video takes three hours, a carousel two, anything else one. No randomness, so the
        rest of the world does not change."""
        posts = self.frames["posts"]
        acc = self.frames["accounts"][["platform", "handle", "market"]]
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
        for m in months:
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
        self.frames["time_split"] = pd.DataFrame(rows, columns=list(COLUMNS["time_split"]))


# -- module helpers ----------------------------------------------------------------------------


def _join_skip(parts: list, sep: str) -> pa.Array:
    """Join string arrays with `sep`, skipping nulls (a null when every part is null)."""
    filled = [pc.fill_null(p, "") for p in parts]
    out = pc.binary_join_element_wise(*filled, sep)
    out = pc.utf8_trim(pc.replace_substring_regex(out, f"[{sep}]{{2,}}", sep), sep)
    return pc.if_else(pc.equal(out, ""), pa.scalar(None, pa.string()), out)


def _season() -> np.ndarray:
    d = np.arange(B.DAYS)
    dates = pd.date_range(B.START, B.END, freq="D")
    bf = (pd.Timestamp("2025-11-28") - pd.Timestamp(B.START)).days
    xmas = (pd.Timestamp("2025-12-20") - pd.Timestamp(B.START)).days
    s1111 = (pd.Timestamp("2025-11-11") - pd.Timestamp(B.START)).days
    bts = (pd.Timestamp("2026-08-20") - pd.Timestamp(B.START)).days
    s = (
        1.0
        + 0.9 * np.exp(-((d - bf) ** 2) / (2 * 4**2))
        + 0.5 * np.exp(-((d - xmas) ** 2) / (2 * 8**2))
        + 0.4 * np.exp(-((d - s1111) ** 2) / 2)
        + 0.25 * np.exp(-((d - bts) ** 2) / (2 * 10**2))
    )
    s *= np.where(dates.day_of_week >= 5, 1.1, 1.0)
    s *= 1 - 0.12 * np.exp(-((dates.month.to_numpy() - 7) ** 2) / 2)  # summer dip
    return s


def _hour_profile() -> np.ndarray:
    h = np.arange(24)
    w = 0.2 + np.exp(-((h - 20.5) ** 2) / 8) + 0.6 * np.exp(-((h - 12.5) ** 2) / 4)
    return w / w.sum()


def _product_p() -> np.ndarray:
    w = np.array([p.weight for p in B.PRODUCTS])
    return w / w.sum()


def _to_utc(day: np.ndarray, secs: np.ndarray, tz: np.ndarray) -> np.ndarray:
    """Local (day index, seconds) in each row's zone -> UTC datetime64[ns] (naive)."""
    local = (
        np.datetime64(B.START.isoformat(), "s")
        + day.astype("timedelta64[D]")
        + secs.astype(np.int64).astype("timedelta64[s]")
    )
    out = np.empty(len(day), "datetime64[ns]")
    for z in np.unique(tz):
        m = tz == z
        idx = pd.DatetimeIndex(local[m].astype("datetime64[ns]"))
        utc = idx.tz_localize(z, ambiguous=np.zeros(m.sum(), bool), nonexistent="shift_forward")
        out[m] = utc.tz_convert("UTC").tz_localize(None).to_numpy()
    return out


def _local_days(unix: np.ndarray, tz: str) -> np.ndarray:
    """Day index (from START) of each unix time in zone `tz`."""
    idx = pd.to_datetime(unix, unit="s", utc=True).tz_convert(tz).tz_localize(None)
    return (idx.to_numpy().astype("datetime64[D]") - np.datetime64(B.START.isoformat())).astype(
        np.int64
    )


def _yt_id(n: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    out = []
    for _ in range(11):
        n, r = divmod(n, 64)
        out.append(alphabet[r])
    return "".join(out)


def _caption(rng: np.random.Generator, lang: str, prod: B.Product, fmt: str) -> str:
    short = prod.name.removeprefix("Voltiq ")
    if lang == "es":
        t = (
            "Conoce {p}: más energía, menos cables. ⚡ #Voltiq",
            "¿Ya probaste {p}? Envío gratis 🇲🇽",
            "{p} en acción 🎧 #tecnologia #Voltiq",
        )
    elif lang == "zh":
        t = ("全新{p}上市，续航更久 ⚡ #Voltiq", "{p}开箱测评 🎧", "深圳设计，全球发货：{p}")
    else:
        t = (
            "Meet {p}: more power, fewer cables ⚡ #Voltiq",
            "{p} unboxing 🎧 #tech #gadgets",
            "Why creators love {p} — link in bio",
            "Ready for the weekend with {p} 🔋",
        )
    return t[int(rng.integers(0, len(t)))].format(p=short)


def _pick(rng: np.random.Generator, lang: np.ndarray, names: dict) -> np.ndarray:
    out = np.empty(len(lang), object)
    for lg in ("en", "es"):
        m = lang == lg
        out[m] = rng.choice(names[lg], m.sum())
    m = ~np.isin(lang, ("en", "es"))
    out[m] = rng.choice(names["en"], m.sum())
    return out


def _ascii(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isascii() and c.isalnum())


def _hubspot_source(first_ch: np.ndarray) -> tuple[list, list]:
    src, drill = [], []
    names = {
        "tiktok": "TikTok",
        "instagram": "Instagram",
        "facebook": "Facebook",
        "x": "Twitter",
        "pinterest": "Pinterest",
        "youtube": "YouTube",
        "linkedin": "LinkedIn",
    }
    for c in first_ch:
        if c < 0:
            src.append("OFFLINE")
            drill.append(None)
        elif c < N_SOCIAL:
            p, paid = SOCIAL[c]
            src.append("PAID_SOCIAL" if paid else "SOCIAL_MEDIA")
            drill.append(names[p])
        else:
            ch = CHANNELS[c]
            src.append(
                {
                    "direct": "DIRECT_TRAFFIC",
                    "organic_search": "ORGANIC_SEARCH",
                    "paid_search": "PAID_SEARCH",
                    "email": "EMAIL_MARKETING",
                    "referral": "REFERRALS",
                    "junk": "OTHER_CAMPAIGNS",
                }[ch]
            )
            drill.append(
                {
                    "organic_search": "google",
                    "paid_search": "google",
                    "email": "newsletter",
                    "referral": "gadgetreviews.example",
                }.get(ch)
            )
    return src, drill


def _truth(g: _Generator, con_o, con_l, beta_o, beta_l, exp_orders, exp_leads) -> dict:
    def block(con: dict, beta: np.ndarray) -> dict:
        social = {k: v for k, v in con.items() if k in CHANNELS[:N_SOCIAL]}
        tot_s = sum(social.values()) or 1.0
        tot_a = sum(con.values()) or 1.0
        out = {}
        for i, name in enumerate(CHANNELS):
            entry = {
                "beta": float(beta[i]),
                "expected_conversions": round(con[name], 6),
                "share_of_all_channels": round(con[name] / tot_a, 9),
            }
            if i < N_SOCIAL:
                p, paid = SOCIAL[i]
                entry |= {"platform": p, "paid": paid, "share": round(con[name] / tot_s, 9)}
            out[name] = entry
        return out

    return {
        "brand": "Voltiq Electronics (fictional), Shenzhen",
        "seed": g.seed,
        "scale": g.scale_name,
        "period": [B.START.isoformat(), B.END.isoformat()],
        "model": (
            "Per visitor journey: P(order) = sigmoid(-4.6 + market + 0.5*log(season) + "
            "sum_c beta_order[c] * touched[c]) for retail visitors; P(lead) = sigmoid(-2.6 + "
            "sum_c beta_lead[c] * touched[c]) for wholesale visitors. A channel's contribution "
            "is the expected conversions removed when its beta is set to zero: sum over "
            "journeys touching it of sigmoid(eta) - sigmoid(eta - beta). `share` is that "
            "contribution over the sum of the 14 social channels' (platform x paid/organic); "
            "`share_of_all_channels` over all channels."
        ),
        "orders": {
            "expected": round(exp_orders, 6),
            "simulated": int(g.v_order.sum()),
            "channels": block(con_o, beta_o),
        },
        "leads": {
            "expected": round(exp_leads, 6),
            "simulated": int(g.v_lead.sum()),
            "channels": block(con_l, beta_l),
        },
        "sessions": int(len(g.s["ch"])),
        "visitors": g.n_vis,
    }
