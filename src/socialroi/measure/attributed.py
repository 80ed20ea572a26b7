"""Attributed outcomes per conversion kind of a profile: credit per (conversion, touch) with
the profile's model, placed in the platform and campaign of the credited touch, plus the
influenced conversions (every platform with a touch in the journey)."""

from __future__ import annotations

import pandas as pd

from socialroi.journeys.conversions import unique_conversions
from socialroi.journeys.touches import JourneySettings, journey_touches
from socialroi.measure.attribution.workspace import touch_credits
from socialroi.measure.campaigns import campaign_keys, touch_keys
from socialroi.measure.profiles import Profile
from socialroi.measure.selection import (
    NONE,
    OTHER,
    Selection,
    platform_of,
)

# the tables `attributed` reads (the channel rules and campaign map are settings every memo
# version carries): an import of posts or costs leaves its remembered result current
READS = ("touchpoints", "conversions", "campaigns")


# -- attribution ------------------------------------------------------------------------------
def attributed(ws, sel: Selection, profile: Profile, model: str) -> tuple[pd.DataFrame, ...]:
    """(credited, influenced): credited rows (kind, platform, market, campaign, day,
    conversion_id, credit, value, sourced_credit, sourced_value, first_purchase) and
    influenced pairs (kind, conversion_id, platform, market, campaign, day, value)."""

    # counted once, then kept in the backend for the journeys of every kind (compiling the
    # de-duplication into each journey query would repeat it a dozen times)
    unique = unique_conversions(ws.table("conversions")).cache()
    p = sel.period
    cv = unique
    cv = cv.filter(
        cv.kind.isin(list(profile.kinds))
        & (cv.local_date.cast("date") >= p.start)
        & (cv.local_date.cast("date") <= p.end)
    )
    conv = cv.select(
        "conversion_id", "kind", "market", "customer_id", "user_id", "email_hash",
        "occurred_at", day=cv.local_date.cast("date"), value=cv.value_base.fill_null(0.0),
    ).execute()  # fmt: skip
    conv["market"] = conv.market.fillna(NONE)
    conv["first_purchase"] = _first_purchase_flags(unique, conv)

    credited, influenced = [], []
    tp = ws.table("touchpoints")
    for kind in profile.kinds:
        settings = JourneySettings(
            lookback_days=profile.lookback_days, kinds=(kind,), by=("platform",),
            transform="exposure", include_null=False,
        )  # fmt: skip
        touches = journey_touches(tp, unique, p, settings).execute()
        touches = touches[touches.converted]
        model_cr = touch_credits(ws, model, p, settings, touches=touches)
        first_cr = touch_credits(ws, "first_click", p, settings, touches=touches)
        camp = _touch_campaigns(tp, touches, campaign_keys(ws)) if sel.by_campaign else None
        for frame, col in ((model_cr, "credit"), (first_cr, "sourced_credit")):
            f = frame[["conversion_id", "touch_id", "unit", "credit"]].rename(
                columns={"credit": col}
            )
            credited.append(f.assign(kind=kind))
        pairs = touches[["conversion_id", "touch_id", "key"]].rename(columns={"key": "unit"})
        pairs = pairs.assign(kind=kind)
        if camp is not None:
            pairs = pairs.merge(camp, on="touch_id", how="left")
        influenced.append(pairs)
        if camp is not None:
            credited[-1] = credited[-1].merge(camp, on="touch_id", how="left")
            credited[-2] = credited[-2].merge(camp, on="touch_id", how="left")

    cr = pd.concat(credited, ignore_index=True) if credited else pd.DataFrame()
    if cr.empty:
        cr = pd.DataFrame(columns=["conversion_id", "touch_id", "unit", "kind"])
    for c in ("credit", "sourced_credit"):
        cr[c] = cr.get(c, pd.Series(0.0, index=cr.index)).fillna(0.0)
    if "campaign" not in cr:
        cr["campaign"] = None
    cr = cr.groupby(["kind", "conversion_id", "unit", "campaign"], dropna=False, as_index=False)[
        ["credit", "sourced_credit"]
    ].sum()
    # conversions no journey reached (no recorded touch) go to `other` in full
    covered = cr.groupby("conversion_id").credit.sum()
    missing = conv[~conv.conversion_id.isin(covered[covered > 0].index)]
    cr = pd.concat(
        [
            cr,
            pd.DataFrame(
                {
                    "kind": missing.kind,
                    "conversion_id": missing.conversion_id,
                    "unit": OTHER,
                    "campaign": None,
                    "credit": 1.0,
                    "sourced_credit": 1.0,
                }
            ),  # fmt: skip
        ],
        ignore_index=True,
    )
    cr = cr.merge(
        conv[["conversion_id", "market", "day", "value", "first_purchase"]], on="conversion_id"
    )
    cr["platform"] = platform_of(cr.unit)
    inf = pd.concat(influenced, ignore_index=True) if influenced else pd.DataFrame()
    if inf.empty:
        inf = pd.DataFrame(columns=["conversion_id", "unit", "kind", "campaign"])
    if "campaign" not in inf:
        inf["campaign"] = None
    inf = inf.merge(conv[["conversion_id", "market", "day", "value"]], on="conversion_id")
    inf = inf.assign(platform=platform_of(inf.unit))
    inf = inf[inf.platform != OTHER]
    return cr, inf, conv


def _touch_campaigns(tp, touches: pd.DataFrame, keys: dict[str, str]) -> pd.DataFrame:
    """The campaign key of each touch: the touchpoints of the journeys' time span read once
    (a list of a million ids in a query's IN would take minutes), kept where they are used."""
    ids = pd.Series(pd.unique(touches.touch_id), name="touch_id")
    if ids.empty:
        return pd.DataFrame(columns=["touch_id", "campaign"])
    first, last = touches.occurred_at.min(), touches.occurred_at.max()
    span = tp.filter((tp.occurred_at >= first) & (tp.occurred_at <= last))
    t = span.select("touch_id", "campaign").execute()
    t = t[t.touch_id.isin(ids)].drop_duplicates("touch_id").reset_index(drop=True)
    t["campaign"] = touch_keys(t.campaign, keys)
    return t


def _first_purchase_flags(unique, conv: pd.DataFrame) -> pd.Series:
    """True for a purchase that is its customer's first purchase ever in the workspace."""
    purchases = conv.kind == "purchase"
    if not purchases.any():
        return pd.Series(False, index=conv.index)
    allcv = unique.filter(unique.kind == "purchase")
    who = allcv.customer_id.fill_null(allcv.user_id).fill_null(allcv.email_hash)
    first = (
        allcv.filter(who.notnull())
        .mutate(_who=who)
        .group_by("_who")
        .agg(_first=allcv.occurred_at.min())
        .execute()
    )
    firsts = dict(zip(first._who, first._first))
    key = conv.customer_id.fillna(conv.user_id).fillna(conv.email_hash)
    at = key.map(firsts)
    return purchases & (key.isna() | (pd.to_datetime(at, utc=True) >= conv.occurred_at))
