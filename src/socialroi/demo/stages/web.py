"""Stage 8, web: what the website sees of each session — its ids, UTM tags, click ids,
referrer, landing page, country, time, page views and engagement.

In: the random generator, the sessions, which visitors are wholesale (they land on the
wholesale page) and the ads (their utm_campaign and ids tag paid sessions). Out: `Web` — the
session strings as Arrow columns, and each session's UTC start, unix time, day in the web
property's time zone, page views and engagement.

Vectorised with pyarrow; the strings are built in chunks of `CHUNK` sessions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from socialroi.demo import brand as B
from socialroi.demo.channels import CHANNELS, N_SOCIAL, SOCIAL
from socialroi.demo.draws import product_p
from socialroi.demo.stages.ads import Ads
from socialroi.demo.stages.traffic import MARKETS, Sessions
from socialroi.demo.timeline import local_days, to_utc

CHUNK = 2_000_000
STRING_COLUMNS = (
    "session_id", "visitor_id", "source", "medium", "campaign", "content", "term",
    "click_id_type", "click_id", "referrer", "landing_page", "country",
)  # fmt: skip


@dataclass(frozen=True)
class Web:
    columns: dict[str, pa.ChunkedArray]  # STRING_COLUMNS, one entry per session
    utc: np.ndarray  # start, naive UTC datetime64[ns]
    unix: np.ndarray  # start, unix seconds
    local_day: np.ndarray  # day index in the web property's time zone (may fall outside)
    pageviews: np.ndarray
    engaged: np.ndarray


def web_sessions(rng: np.random.Generator, s: Sessions, b2b: np.ndarray, ads: Ads) -> Web:
    n = len(s)
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
        m = s.ch == c
        w = np.array([v[5] for v in vocab[start[c] : start[c + 1]]], float)
        var[m] = start[c] + rng.choice(len(w), m.sum(), p=w / w.sum())
    v_src = pa.array([v[0] for v in vocab], pa.string())
    v_med = pa.array([v[1] for v in vocab], pa.string())
    v_ref = pa.array([v[2] for v in vocab], pa.string())
    v_cid = pa.array([v[3] for v in vocab], pa.string())
    v_utm = np.array([v[4] for v in vocab])
    # campaigns: the ad's utm_campaign in three spellings; email/search/organic values
    n_ads = len(ads.table)
    utm = ads.table.utm_campaign.to_numpy()
    camp_vocab = np.concatenate([utm, np.char.upper(utm.astype(str)), [u.title() for u in utm]])
    camp_vocab = (
        list(camp_vocab)
        + ["linkinbio", "evergreen", "brand_search"]
        + [f"newsletter_{d:%Y_%m}" for d in pd.date_range(B.START, B.END, freq="MS")]
    )
    ca = np.full(n, -1, np.int64)
    paid_ad = s.ad >= 0
    ca[paid_ad] = s.ad[paid_ad] + n_ads * rng.choice(3, paid_ad.sum(), p=[0.7, 0.1, 0.2])
    ch = s.ch
    org = (ch < N_SOCIAL) & ~paid_ad
    ca[org] = np.where(rng.random(org.sum()) < 0.6, 3 * n_ads, 3 * n_ads + 1)
    ca[ch == N_SOCIAL + 2] = 3 * n_ads + 2
    em = ch == N_SOCIAL + 3
    month = np.array([(B.START + dt.timedelta(days=int(d))).month for d in range(B.DAYS)])
    month_idx = (month - 10) % 12
    ca[em] = 3 * n_ads + 3 + month_idx[s.day[em]]
    has_utm = v_utm[var]
    ca[~has_utm] = -1
    v_camp = pa.array(camp_vocab, pa.string())
    # landing pages: product pages in the market's locale, or the wholesale page
    loc = [B.MARKETS[m].locale for m in MARKETS]
    paths = (
        [f"/{lo}/products/{p.slug}" for lo in loc for p in B.PRODUCTS]
        + [f"/{lo}" for lo in loc]
        + ["/pages/wholesale"]
    )
    prod = rng.choice(len(B.PRODUCTS), n, p=product_p())
    path_i = s.mk.astype(np.int64) * len(B.PRODUCTS) + prod
    home = rng.random(n) < 0.25
    path_i[home] = len(loc) * len(B.PRODUCTS) + s.mk[home]
    wholesale = b2b[s.visitor] & (rng.random(n) < 0.6)
    path_i[wholesale] = len(paths) - 1
    v_path = pa.array([B.SITE + p for p in paths], pa.string())
    # ids: visitors (GA client ids) and sessions; click ids
    n_vis = s.n_visitors
    vis_num = 100_000_000 + rng.permutation(n_vis).astype(np.int64) * max(
        1, 899_999_999 // max(n_vis, 1)
    )
    first_ts = np.flatnonzero(s.first)
    tz_mk = np.array([B.MARKETS[m].timezone for m in MARKETS])
    utc = to_utc(s.local_secs // 86400, s.local_secs % 86400, tz_mk[s.mk])
    unix = utc.astype("datetime64[s]").astype(np.int64)
    click_num = rng.integers(10**15, 10**16, n, dtype=np.int64)
    web_local = local_days(unix, B.WEB_TZ)
    pageviews = 1 + rng.geometric(0.4, n) - 1 + np.where(wholesale, 2, 0)
    engaged = (pageviews > 1) | (rng.random(n) < 0.3)
    countries = pa.array(MARKETS, pa.string())
    chunks: dict[str, list] = {k: [] for k in STRING_COLUMNS}
    v_first_unix = unix[first_ts]
    ad_ids = ads.table.ad_native_id.to_numpy()
    null = pa.scalar(None, pa.string())
    for lo in range(0, n, CHUNK):
        sl = slice(lo, min(n, lo + CHUNK))
        vv = s.visitor[sl]
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
        camp = pc.if_else(cmask, null, v_camp.take(pa.array(np.maximum(ca[sl], 0))))
        ads_sl = s.ad[sl]
        content = pa.array(np.where(ads_sl >= 0, ad_ids[np.maximum(ads_sl, 0)], None), pa.string())
        utm_on = pa.array(has_utm[sl])
        content = pc.if_else(utm_on, content, null)
        term = pc.if_else(pa.array(ch[sl] == N_SOCIAL + 2), pa.scalar("voltiq"), null)
        term = pc.if_else(utm_on, term, null)
        cid = pc.if_else(pc.is_null(cid_t), null, pa.array(click_num[sl]).cast(pa.string()))
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
            ("country", countries.take(pa.array(s.mk[sl]))),
        ):
            chunks[k].append(v)
    return Web(
        columns={k: pa.chunked_array(v, pa.string()) for k, v in chunks.items()},
        utc=utc,
        unix=unix,
        local_day=web_local,
        pageviews=pageviews,
        engaged=engaged,
    )


def _join_skip(parts: list, sep: str) -> pa.Array:
    """Join string arrays with `sep`, skipping nulls (a null when every part is null)."""
    filled = [pc.fill_null(p, "") for p in parts]
    out = pc.binary_join_element_wise(*filled, sep)
    out = pc.utf8_trim(pc.replace_substring_regex(out, f"[{sep}]{{2,}}", sep), sep)
    return pc.if_else(pc.equal(out, ""), pa.scalar(None, pa.string()), out)
