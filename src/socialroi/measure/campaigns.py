"""Campaigns joined: an ad platform's campaign (where the spend is) and the UTM campaign of
the links it ran (where the revenue is) meet on one key.

The key of an ad campaign is, in this order:

1. the team's own mapping (`socialroi campaigns map NAME UTM`), kept in the workspace;
2. the UTM campaign the ad report states for it (Meta's URL parameters, for example);
3. its own name.

Names and UTM values are compared case-folded and trimmed (`Q3-Sale_US` in a link is the
`q3-sale_us` of the ad platform). A link tagged with the campaign's *id* (the platforms'
`{{campaign.id}}` macros) meets the campaign too. What does not match keeps its own row, so
unmatched spend and unmatched revenue are both shown, never dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import numpy as np
import pandas as pd

from socialroi.errors import SocialroiError

SETTING = "campaign_map"
NONE = "(none)"


def fold(text: object) -> str:
    """The form names meet in: trimmed, case-folded, inner spaces single."""
    return " ".join(str(text).split()).casefold()


def campaign_map(ws) -> dict[str, str]:
    """The team's mapping: folded ad campaign name (or id) -> folded UTM campaign."""
    raw = ws.store.setting(SETTING)
    return json.loads(raw) if raw else {}


def map_campaign(ws, name: str, utm: str) -> None:
    """Say that the ad campaign `name` (or id) ran links tagged `utm`."""
    if not fold(name) or not fold(utm):
        raise SocialroiError("a campaign mapping needs the ad campaign's name and a UTM campaign")
    if len(name) > 500 or len(utm) > 500:
        raise SocialroiError("a campaign name or UTM campaign is at most 500 characters")
    mapping = campaign_map(ws)
    mapping[fold(name)] = fold(utm)
    ws.store.set_setting(SETTING, json.dumps(mapping, sort_keys=True, ensure_ascii=False))


def unmap_campaign(ws, name: str) -> None:
    mapping = campaign_map(ws)
    if mapping.pop(fold(name), None) is None:
        raise SocialroiError(
            f"no mapping for the campaign {name!r}; see `socialroi campaigns list`"
        )
    ws.store.set_setting(SETTING, json.dumps(mapping, sort_keys=True, ensure_ascii=False))


def campaign_keys(ws) -> dict[str, str]:
    """Ad campaign name, id and native id -> the key its spend and revenue meet on."""
    c = ws.table("campaigns").select("campaign_id", "utm_campaign", "name").execute()
    mapping = campaign_map(ws)
    out: dict[str, str] = {}
    for cid, utm, name in zip(c.campaign_id, c.utm_campaign, c.name):
        key = None
        for label in (name, cid, _native(cid)):
            if isinstance(label, str) and fold(label) in mapping:
                key = mapping[fold(label)]
                break
        if key is None and isinstance(utm, str) and utm.strip():
            key = fold(utm)
        if key is None:
            key = name if isinstance(name, str) and name.strip() else cid
        for label in (cid, name):
            if isinstance(label, str):
                out.setdefault(label, key)
    for label, key in mapping.items():  # names only the mapping knows (an id in a UTM, say)
        out.setdefault(label, key)
    return out


def touch_keys(utm: pd.Series, keys: dict[str, str]) -> pd.Series:
    """A link's UTM campaign as a campaign key: folded, and the campaign's key when the link
    carries a campaign's id or a mapped name."""
    by_native = {fold(_native(k)): v for k, v in keys.items() if isinstance(k, str)}
    folded = {fold(k): v for k, v in keys.items() if isinstance(k, str)}

    def one(v: object) -> str:
        if not isinstance(v, str) or not v.strip():
            return NONE
        f = fold(v)
        return folded.get(f) or by_native.get(f) or f

    codes, uniques = pd.factorize(utm)  # each distinct value once (millions of touches)
    named = np.array([*(one(v) for v in uniques), NONE], dtype=object)
    return pd.Series(named[codes], index=utm.index, dtype=object)


def _native(campaign_id: object) -> str:
    """`meta:120211…` -> `120211…` (ids are stored with their platform's prefix)."""
    text = str(campaign_id)
    return text.split(":", 1)[1] if ":" in text else text


_WORD = re.compile(r"[a-z0-9]+")


def _words(name: str) -> set[str]:
    """A name's words, plus runs of two and three written together ("back to school" is
    also "backtoschool", as UTM values tend to write it)."""
    w = _WORD.findall(fold(name))
    runs = {"".join(w[i : i + n]) for n in (2, 3) for i in range(len(w) - n + 1)}
    return set(w) | runs


def suggest(ws, min_score: float = 0.6) -> pd.DataFrame:
    """Ad campaigns with spend and no revenue partner, each with the UTM campaign whose words
    overlap its own the most (a proposal for `campaigns map`, never applied by itself)."""
    keys = campaign_keys(ws)
    utms = ws.table("touchpoints").select("campaign").distinct().execute().campaign
    utm_keys = {fold(u) for u in utms.dropna() if str(u).strip()}
    spend_names = ws.table("campaigns").select("name").distinct().execute().name.dropna().tolist()
    rows = []
    for name in spend_names:
        if keys.get(name) in utm_keys:
            continue
        words = _words(name)
        best, score = None, 0.0
        for u in utm_keys:
            uw = set(_WORD.findall(u))
            if not uw:
                continue
            s = len(words & uw) / len(uw)
            if s > score:
                best, score = u, s
        if best is not None and score >= min_score:
            rows.append({"campaign": name, "utm_campaign": best, "score": round(score, 2)})
    return pd.DataFrame(rows, columns=["campaign", "utm_campaign", "score"])


def unmatched(ws) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What does not meet yet, largest first: ad campaigns no link's UTM campaign reaches
    (their spend meets no revenue: campaign, platform, spend in the base currency) and UTM
    campaigns no ad campaign claims (visits with no spend: utm_campaign, visits). The page
    and `campaigns suggest` show them so the team can map them."""
    keys = campaign_keys(ws)
    t = ws.table("touchpoints")
    links = t.group_by("campaign").agg(visits=t.count()).execute()
    links = links[links.campaign.notna() & (links.campaign.astype(str).str.strip() != "")]
    links = links.assign(key=touch_keys(links.campaign, keys))
    reached = set(links.key)
    a = ws.table("ad_metrics")
    spend = a.group_by("campaign_id").agg(spend=a.spend_base.sum()).execute()
    c = ws.table("campaigns").select("campaign_id", "platform", "name").execute()
    ads = c.merge(spend, on="campaign_id", how="inner")
    ads = ads[ads.spend.fillna(0) > 0]
    ads = ads[ads.name.map(lambda n: keys.get(n, n) not in reached).astype(bool)]  # empty too
    ads = ads.rename(columns={"name": "campaign"})[["campaign", "platform", "spend"]]
    claimed = set(keys.values())
    utms = links[~links.key.isin(claimed)].assign(utm_campaign=links.campaign.map(fold))
    utms = utms.groupby("utm_campaign", as_index=False).visits.sum()
    return (
        ads.sort_values("spend", ascending=False).reset_index(drop=True),
        utms.sort_values("visits", ascending=False).reset_index(drop=True),
    )


def campaigns_in(ws, period, lookback_days: int = 90) -> list[str]:
    """The campaign keys with spend or posts in the period (`period`: a parsed Period), or
    visits in it or the `lookback_days` before (journeys reach back), for a campaign filter
    to choose from; remembered until those tables change."""

    def names() -> list[str]:
        keys = campaign_keys(ws)
        p_start, p_end = period.start, period.end
        am = ws.table("ad_metrics")
        am = am.filter((am.metric_date >= p_start) & (am.metric_date <= p_end))
        ids = am.select("campaign_id").distinct().execute().campaign_id
        posts = ws.table("posts")
        day = posts.local_date.cast("date")
        posts = posts.filter((day >= p_start) & (day <= p_end) & posts.campaign_id.notnull())
        ids = pd.concat([ids, posts.select("campaign_id").distinct().execute().campaign_id])
        tp = ws.table("touchpoints")
        tday = tp.occurred_at.cast("date")
        since = p_start - dt.timedelta(days=lookback_days)
        utm = tp.filter((tday >= since) & (tday <= p_end)).select("campaign").distinct()
        found = {keys[c] for c in ids.dropna() if c in keys}
        found |= set(touch_keys(utm.execute().campaign, keys))
        return sorted(found - {NONE})

    reads = ("ad_metrics", "posts", "touchpoints", "campaigns")
    return ws.memo(("campaigns.in", period, lookback_days), names, reads=reads)
