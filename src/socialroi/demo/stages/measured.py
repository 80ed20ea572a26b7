"""Stage 11, measurement: what the measuring tools report about the outcomes — the ad
platforms' claimed conversions, and GA4's report rows and session table.

In: the random generator (claims only), the `ad_daily` frame, the sessions, the web sessions,
the orders, the outcomes' leads and the CRM. Out: the `ad_daily` frame with its claims, the
`ga4_daily` frame and the `sessions` frame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from socialroi.demo import brand as B
from socialroi.demo.stages.crm import Crm
from socialroi.demo.stages.orders import Orders
from socialroi.demo.stages.traffic import Sessions
from socialroi.demo.stages.web import Web
from socialroi.demo.timeline import DATES

# The session frame's string columns after the ids and times, in order.
TAGS = (
    "source", "medium", "campaign", "content", "term", "click_id_type", "click_id", "referrer",
    "landing_page",
)  # fmt: skip


def claim_conversions(
    rng: np.random.Generator,
    ad_daily: pd.DataFrame,
    s: Sessions,
    orders: Orders,
    lead: np.ndarray,
) -> pd.DataFrame:
    """Platform-claimed conversions: any converting journey with a click from the ad in
    the 7 days before, plus view-through claims — more than the truth, as in life."""
    conv = np.zeros(s.n_visitors, bool)
    conv[orders.visitor] = True
    v_val = np.zeros(s.n_visitors)
    v_val[orders.visitor] = orders.total_usd
    led = np.zeros(s.n_visitors, bool)
    led[lead] = True
    paid = s.adrow >= 0
    vis = s.visitor[paid]
    hit = conv[vis] | led[vis]
    rows = s.adrow[paid][hit]
    counts = np.bincount(rows, minlength=len(ad_daily))
    value = np.bincount(rows, weights=v_val[vis][hit], minlength=len(ad_daily))
    vt = rng.poisson(counts * 0.6 + ad_daily.impressions.to_numpy() * 2e-5)
    usd_per = np.array([B.USD_PER[c] for c in ad_daily.currency])
    avg = np.where(counts > 0, value / np.maximum(counts, 1), 60.0)
    out = ad_daily.copy()
    out["conversions"] = counts + vt
    out["conversion_value"] = np.round((value + vt * avg) / usd_per, 2)
    return out


def ga4(s: Sessions, web: Web, orders: Orders, crm: Crm) -> tuple[pd.DataFrame, pd.DataFrame]:
    """GA4's daily report rows (date x source/medium/campaign x country) and the session
    frame, both in the property's local dates; key events are orders and web leads."""
    n = len(s)
    key_events = np.zeros(n, np.int64)
    revenue = np.zeros(n)
    np.add.at(key_events, orders.session, 1)
    np.add.at(revenue, orders.session, orders.total_usd)
    np.add.at(key_events, crm.lead_session, 1)
    st = web.columns
    ok = (web.local_day >= 0) & (web.local_day < B.DAYS)
    df = pd.DataFrame(
        {
            "d": web.local_day,
            "source": st["source"].to_pandas().fillna("(not set)"),
            "medium": st["medium"].to_pandas().fillna("(not set)"),
            "campaign": st["campaign"].to_pandas().fillna("(not set)"),
            "country": st["country"].to_pandas(),
            "v": s.visitor,
            "engaged": web.engaged,
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
    agg.insert(0, "date", DATES[agg.pop("d").to_numpy()])
    agg["revenue"] = agg.revenue.round(2)
    # the session frame itself; known buyers and leads carry their id and e-mail
    user_id = np.full(n, None, object)
    email = np.full(n, None, object)
    user_id[orders.session] = orders.customer
    email[orders.session] = orders.email
    contacts = crm.contacts
    known = contacts.visitor_id.notna().to_numpy()
    # contacts were re-sorted by date: match each lead session by visitor id
    lead_email = dict(zip(contacts.visitor_id[known], contacts.email[known]))
    vids = st["visitor_id"].take(pa.array(crm.lead_session)).to_pylist()
    email[crm.lead_session] = [lead_email.get(v) for v in vids]
    frame = pd.DataFrame(
        {
            "session_id": st["session_id"].to_pandas(),
            "visitor_id": st["visitor_id"].to_pandas(),
            "user_id": user_id,
            "email": email,
            "started_at": pd.to_datetime(web.utc).tz_localize("UTC"),
            "local_date": DATES[np.clip(web.local_day, 0, B.DAYS - 1)],
        }
    )
    for k in TAGS:
        frame[k] = st[k].to_pandas()
    frame["country"] = st["country"].to_pandas()
    frame["pageviews"] = web.pageviews.astype(np.int64)
    frame["engaged"] = web.engaged
    frame = frame[ok].reset_index(drop=True)
    sessions = frame.iloc[np.argsort(web.unix[ok], kind="stable")].reset_index(drop=True)
    return agg, sessions
