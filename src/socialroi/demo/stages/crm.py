"""Stage 10, CRM: the wholesale leads as HubSpot contacts, their lifecycle, and the deals they
become — HubSpot deals, or Salesforce opportunities for enterprise Europe.

In: the random generator, the sessions, the outcomes (who became a lead, their first channel)
and the web sessions (a lead keeps its visit's UTM tags and visitor id). Out: `Crm` — the
`contacts`, `deals` and `opportunities` frames and each web lead's session.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from socialroi.demo import brand as B
from socialroi.demo.channels import CHANNELS, N_SOCIAL, SOCIAL
from socialroi.demo.draws import ascii_name, ids, pick_names
from socialroi.demo.stages.conversion import Outcomes
from socialroi.demo.stages.traffic import MARKETS, Sessions
from socialroi.demo.stages.web import Web

STAGES = ["lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer"]
HUBSPOT_NAMES = {
    "tiktok": "TikTok",
    "instagram": "Instagram",
    "facebook": "Facebook",
    "x": "Twitter",
    "pinterest": "Pinterest",
    "youtube": "YouTube",
    "linkedin": "LinkedIn",
}
HUBSPOT_SOURCES = {
    "direct": "DIRECT_TRAFFIC",
    "organic_search": "ORGANIC_SEARCH",
    "paid_search": "PAID_SEARCH",
    "email": "EMAIL_MARKETING",
    "referral": "REFERRALS",
    "junk": "OTHER_CAMPAIGNS",
}
HUBSPOT_DRILL_DOWNS = {
    "organic_search": "google",
    "paid_search": "google",
    "email": "newsletter",
    "referral": "gadgetreviews.example",
}
SF_PROBABILITY = {
    "Closed Won": 100,
    "Closed Lost": 0,
    "Qualification": 20,
    "Proposal/Price Quote": 50,
    "Negotiation/Review": 75,
}
SF_LEAD_SOURCE = {
    "SOCIAL_MEDIA": "Social Media",
    "PAID_SOCIAL": "Paid Social",
    "OFFLINE": "Trade Show",
    "ORGANIC_SEARCH": "Web",
    "PAID_SEARCH": "Advertisement",
    "EMAIL_MARKETING": "Email",
    "REFERRALS": "Partner Referral",
}


@dataclass(frozen=True)
class Crm:
    contacts: pd.DataFrame
    deals: pd.DataFrame  # HubSpot
    opportunities: pd.DataFrame  # Salesforce
    lead_session: np.ndarray  # each web lead's converting session


def make_crm(rng: np.random.Generator, s: Sessions, outcomes: Outcomes, web: Web) -> Crm:
    last_idx = np.flatnonzero(s.last)
    lead_v = np.flatnonzero(outcomes.lead)
    si = last_idx[lead_v]
    keep = s.day[si] < B.DAYS - 1
    lead_v, si = lead_v[keep], si[keep]
    n_web = len(si)
    n_off = int(round(n_web * 0.15))
    n = n_web + n_off
    created = np.concatenate(
        [
            web.utc[si] + (rng.integers(60, 900, n_web) * 1_000_000_000).astype("timedelta64[ns]"),
            (
                np.datetime64(B.START.isoformat())
                + rng.integers(0, B.DAYS - 1, n_off).astype("timedelta64[D]")
                + rng.integers(3600 * 8, 3600 * 18, n_off).astype("timedelta64[s]")
            ).astype("datetime64[ns]"),
        ]
    )
    mk = np.concatenate([s.mk[si], rng.choice(len(MARKETS), n_off)])
    code = np.array(MARKETS)[mk]
    lang = np.array([B.MARKETS[c].language for c in code])
    first = pick_names(rng, lang, B.FIRST_NAMES)
    last = pick_names(rng, lang, B.LAST_NAMES)
    words = rng.choice(B.COMPANY_WORDS, n)
    company = [f"{w} {B.COMPANY_SUFFIX[c]}" for w, c in zip(words, code)]
    cid = ids(rng, n, 50_000_000, 1000)
    email = [
        f"{ascii_name(f)}.{ascii_name(la)}@{ascii_name(w)}-{c}{int(i) % 1000}.example".lower()
        for f, la, w, c, i in zip(first, last, words, code, cid)
    ]
    # lifecycle: lead -> MQL -> SQL -> opportunity -> customer
    day = np.datetime64(B.END.isoformat()) + np.timedelta64(1, "D")
    reach = np.zeros(n, int)
    dates = [created]
    t = created
    for step, p in enumerate((0.6, 0.55, 0.6, 0.45), start=1):
        t = t + (rng.integers(1, 21, n) * 86_400_000_000_000).astype("timedelta64[ns]")
        ok = (reach == step - 1) & (rng.random(n) < p) & (t < day)
        reach[ok] = step
        dates.append(t)
    stage_date = [
        np.where(reach >= k, pd.to_datetime(dates[k]).tz_localize("UTC"), pd.NaT) for k in range(5)
    ]
    # sources: HubSpot's original source is the first touch; utm_* the converting visit
    fch = np.concatenate([outcomes.first_channel[lead_v], np.full(n_off, -1)])
    hs_source, drill = _hubspot_source(fch)
    at = pa.array(si)
    cols = web.columns
    for i in range(n_web, n):
        drill[i] = ("CES Las Vegas", "IFA Berlin", "Canton Fair")[i % 3]
    created_ts = pd.to_datetime(created).tz_localize("UTC")
    contacts = pd.DataFrame(
        dict(
            contact_id=cid.astype(str),
            email=email,
            first_name=first,
            last_name=last,
            company=company,
            country=code,
            created_at=created_ts,
            lifecycle_stage=np.array(STAGES)[reach],
            lead_date=_dates(stage_date[0]),
            mql_date=_dates(stage_date[1]),
            sql_date=_dates(stage_date[2]),
            opportunity_date=_dates(stage_date[3]),
            customer_date=_dates(stage_date[4]),
            original_source=hs_source,
            original_source_drill_down_1=drill,
            utm_source=cols["source"].take(at).to_pylist() + [None] * n_off,
            utm_medium=cols["medium"].take(at).to_pylist() + [None] * n_off,
            utm_campaign=cols["campaign"].take(at).to_pylist() + [None] * n_off,
            visitor_id=cols["visitor_id"].take(at).to_pylist() + [None] * n_off,
        )
    )
    order = np.argsort(created_ts.to_numpy(), kind="stable")
    contacts = contacts.iloc[order].reset_index(drop=True)
    reach, code = reach[order], code[order]
    opp_dt = pd.to_datetime(dates[3][order]).tz_localize("UTC")
    won_dt = pd.to_datetime(dates[4][order]).tz_localize("UTC")
    deals, opportunities = _pipeline(rng, contacts, reach, code, opp_dt, won_dt, day)
    return Crm(contacts=contacts, deals=deals, opportunities=opportunities, lead_session=si)


def _pipeline(
    rng: np.random.Generator,
    contacts: pd.DataFrame,
    reach: np.ndarray,
    code: np.ndarray,
    opp_dt: pd.DatetimeIndex,
    won_dt: pd.DatetimeIndex,
    day: np.datetime64,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Deals for the contacts that reached opportunity: HubSpot deals, and Salesforce
    opportunities for enterprise Europe."""
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
    close_date = np.array([pd.Timestamp(c).date() for c in close], object)
    hs = has_opp & ~enterprise
    open_hs = rng.choice(["qualifiedtobuy", "presentationscheduled", "contractsent"], len(code))
    hs_stage = np.where(is_won, "closedwon", np.where(closed_lost, "closedlost", open_hs))
    deal_ids = ids(rng, hs.sum(), 9_000_000_000, 10**5).astype(str)
    c_h = contacts[hs]
    deals = pd.DataFrame(
        dict(
            deal_id=deal_ids,
            deal_name=[f"{c} — wholesale order" for c in c_h.company],
            contact_id=c_h.contact_id.to_numpy(),
            company=c_h.company.to_numpy(),
            pipeline="Wholesale",
            stage=hs_stage[hs],
            created_at=opp_dt[hs],
            close_date=close_date[hs],
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
    open_sf = rng.choice(["Qualification", "Proposal/Price Quote", "Negotiation/Review"], k)
    sf_stage = np.where(is_won[sf], "Closed Won", np.where(closed_lost[sf], "Closed Lost", open_sf))
    sf_ids = [f"006Vq0000{int(i):09d}AAA"[:18] for i in ids(rng, k, 1_000_000, 1000)]
    opportunities = pd.DataFrame(
        dict(
            opportunity_id=sf_ids,
            opportunity_name=[f"{c} - Enterprise supply" for c in c_s.company],
            account_name=c_s.company.to_numpy(),
            owner=rng.choice(B.SALES_REPS, k) if k else np.array([], object),
            stage=sf_stage,
            amount=amount[sf],
            currency=cur[sf],
            probability=pd.Series(sf_stage).map(SF_PROBABILITY).to_numpy(dtype=float),
            created_date=[d.date() for d in opp_dt[sf]],
            close_date=close_date[sf],
            lead_source=[SF_LEAD_SOURCE.get(v, "Web") for v in c_s.original_source],
            type="New Business",
            is_won=is_won[sf],
            is_closed=is_closed[sf],
            country=code[sf],
        )
    )
    return deals, opportunities


def _dates(x) -> list:
    return [v.date() if not pd.isna(v) else None for v in x]


def _hubspot_source(first_ch: np.ndarray) -> tuple[list, list]:
    """HubSpot's original source and its first drill-down for each first channel (-1:
    offline)."""
    src, drill = [], []
    for c in first_ch:
        if c < 0:
            src.append("OFFLINE")
            drill.append(None)
        elif c < N_SOCIAL:
            p, paid = SOCIAL[c]
            src.append("PAID_SOCIAL" if paid else "SOCIAL_MEDIA")
            drill.append(HUBSPOT_NAMES[p])
        else:
            ch = CHANNELS[c]
            src.append(HUBSPOT_SOURCES[ch])
            drill.append(HUBSPOT_DRILL_DOWNS.get(ch))
    return src, drill
