"""Base measures: the sums every metric in the catalogue is a formula over.

`base_measures()` returns one row per cell — platform x market x campaign x period bucket,
at the grouping asked for — with additive measures summed and the non-additive ones
(influenced conversions, followers, the engaged cohort) counted afresh at that grouping,
plus the same for the whole selection (the totals row).

Where each measure comes from:

- **cost** (`ad_spend`, `true_cost`): `socialroi.measure.costs.allocate.allocate` — ad spend from
  the ad reports plus ledger lines allocated by their rules; unallocated cost stays on a row whose
  platform and market are `(unallocated)`.
- **attributed outcomes** (`conversions`, `revenue`, `new_customers`, `leads`, `mqls`,
  `sqls`, `won`, `won_revenue`, `opportunities`, `pipeline`): each conversion kind of the
  profile is attributed on its own journeys (a lead's journey is not cut short by the
  contact's earlier conversions of other kinds) with the profile's model, then placed in
  the platform of the credited touch, the market of the conversion and the period of the
  conversion's local date. Credit to non-social channels (search, e-mail, direct) and
  conversions with no recorded touch go to `nonsocial_*` measures on platform `other`:
  social's metrics never count them, and `revenue + nonsocial_purchase_revenue` adds up to
  every conversion's value.
- **sourced** (`sourced_revenue`, `sourced_won_revenue`): the same with first touch.
- **influenced** (`influenced_*`): each conversion counts once for every platform with a
  touch in its journey, and once in the total.
- **content** (`posts`, `impressions` — views where a platform reports no impressions —,
  `reach`, `engagements`, `earned_media_value`): posts published in the period, with their
  latest lifetime snapshot (or their daily rows summed when the platform exports no
  snapshot); market and campaign from the post's account and campaign.
- **audience** (`followers`, `followers_start`, `follower_change`): each account's last and
  first follower count in the bucket, summed over accounts.
- **lifetime value** (`clv_customers`, `clv_revenue`, `clv_predicted`, `engaged_*`):
  `socialroi.measure.clv.workspace.customer_clv`, by acquisition platform and market.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import pandas as pd

from socialroi.errors import SocialroiError
from socialroi.journeys.conversions import unique_conversions
from socialroi.journeys.touches import JourneySettings, journey_touches
from socialroi.measure.attribution.workspace import touch_credits
from socialroi.measure.clv.workspace import CLVError, customer_clv
from socialroi.measure.costs.allocate import allocate
from socialroi.measure.profiles import Profile
from socialroi.model.periods import Period
from socialroi.sources.base import PLATFORMS

DIMENSIONS = ("platform", "market", "campaign")
GRAINS = ("week", "month", "quarter", "year")
OTHER = "other"
UNALLOCATED = "(unallocated)"
NONE = "(none)"

# measures every table has, even when their source has no rows in the period
ALWAYS = (
    "ad_spend", "true_cost", "unallocated_cost", "posts", "impressions", "reach",
    "engagements", "earned_media_value", "conversions", "revenue",
)  # fmt: skip
KIND_MEASURES = {  # kind -> (count measure, value measure)
    "purchase": ("purchases", "purchase_revenue"),
    "signup": ("signups", None),
    "lead": ("leads", None),
    "mql": ("mqls", None),
    "sql": ("sqls", None),
    "opportunity": ("opportunities", "pipeline"),
    "won": ("won", "won_revenue"),
}


@dataclass(frozen=True)
class Selection:
    period: Period
    by: tuple[str, ...] = ("platform",)
    grain: str | None = None
    platforms: tuple[str, ...] | None = None
    markets: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        for d in self.by:
            if d not in DIMENSIONS:
                raise SocialroiError(
                    f"cannot break down by {d!r}; valid: {', '.join(DIMENSIONS)} "
                    "(and --grain for periods)"
                )
        if self.grain is not None and self.grain not in GRAINS:
            raise SocialroiError(f"unknown grain {self.grain!r}; valid: {', '.join(GRAINS)}")

    @property
    def keys(self) -> list[str]:
        return [*self.by, *(["period"] if self.grain else [])]


def bucket(days: pd.Series, grain: str | None, period: Period) -> pd.Series:
    """Label of the period bucket each date falls in: 2026-07, 2026-Q3, 2026, 2026-W27."""
    if grain is None:
        return pd.Series(period.label, index=days.index, dtype=object)
    d = pd.to_datetime(days)
    if grain == "month":
        return d.dt.strftime("%Y-%m")
    if grain == "quarter":
        return d.dt.year.astype(str) + "-Q" + d.dt.quarter.astype(str)
    if grain == "year":
        return d.dt.year.astype(str)
    iso = d.dt.isocalendar()
    return iso.year.astype(str) + "-W" + iso.week.astype(int).map("{:02d}".format)


def platform_of(unit: pd.Series) -> pd.Series:
    return unit.where(unit.isin(PLATFORMS), OTHER)


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
        camp = _touch_campaigns(tp, touches.touch_id) if "campaign" in sel.by else None
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


def _touch_campaigns(tp, touch_ids: pd.Series) -> pd.DataFrame:
    ids = list(pd.unique(touch_ids))
    if not ids:
        return pd.DataFrame(columns=["touch_id", "campaign"])
    t = tp.filter(tp.touch_id.isin(ids)).select("touch_id", "campaign").execute()
    t["campaign"] = campaign_key(t.campaign)
    return t


def campaign_key(utm: pd.Series) -> pd.Series:
    """Campaigns meet on their UTM name, lower-cased and trimmed: `Q3-Sale_US` in a link
    is the `q3-sale_us` of the ad platform's campaign."""
    key = utm.astype("string").str.strip().str.lower()
    return key.where(key.notna() & (key != ""), NONE).astype(object)


def _campaign_keys_by_name(ws) -> dict[str, str]:
    """Ad platform campaign (and ad group) name or id -> its UTM key, where the campaign
    states one; names without one keep their own name as the key."""
    c = ws.table("campaigns").select("campaign_id", "utm_campaign", "name").execute()
    out = {}
    for cid, utm, name in zip(c.campaign_id, c.utm_campaign, c.name):
        if isinstance(utm, str) and utm.strip():
            key = utm.strip().lower()
            out[cid] = key
            if isinstance(name, str):
                out.setdefault(name, key)
    return out


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


# -- the table --------------------------------------------------------------------------------
def base_measures(
    ws, sel: Selection, profile: Profile, model: str
) -> tuple[pd.DataFrame, dict[str, float]]:
    """(cells, totals): measures per cell of the selection, and for the whole selection."""
    parts = []  # additive frames with sel.keys columns
    cr, inf, conv = ws.memo(
        ("attributed", sel.period, "campaign" in sel.by, profile.kinds, profile.lookback_days,
         profile.primary_kind, model),
        lambda: attributed(ws, sel, profile, model),
    )  # fmt: skip
    cr = _filter(cr, sel)
    inf = _filter(inf, sel)
    cr["period"] = bucket(cr.day, sel.grain, sel.period) if len(cr) else []
    inf["period"] = bucket(inf.day, sel.grain, sel.period) if len(inf) else []
    for kind in profile.kinds:
        count, value = KIND_MEASURES[kind]
        k = cr[cr.kind == kind]
        m = {count: k.credit}
        if value:
            m[value] = k.credit * k.value
        if kind == "purchase":
            m["new_customers"] = k.credit * k.first_purchase.astype(float)
            m["sourced_revenue"] = k.sourced_credit * k.value
        if kind == "won":
            m["sourced_won_revenue"] = k.sourced_credit * k.value
        if kind == profile.primary_kind:
            m["conversions"] = k.credit
            m["revenue"] = k.credit * k.value
        # credit to search, e-mail, direct... is not social's return: kept apart, so every
        # metric speaks of social while the table still reconciles to all conversions
        other = (k.platform == OTHER).to_numpy()
        m = {n: v.where(~other, 0.0) for n, v in m.items()}
        m[f"nonsocial_{count}"] = k.credit.where(other, 0.0)
        if value:
            m[f"nonsocial_{value}"] = (k.credit * k.value).where(other, 0.0)
        parts.append(_sum(k, sel, m))
    parts.append(_costs(ws, sel, profile))
    content = _content(ws, sel, profile)
    parts.append(content)
    audience_cells, audience_total = _audience(ws, sel)
    parts.append(audience_cells)
    clv_cells, clv_total, clv_customers = _clv(ws, sel, conv, inf)
    parts.append(clv_cells)

    keys = sel.keys
    names = {c for p in parts if p is not None for c in p.columns if c not in keys}
    parts = [p for p in parts if p is not None and len(p)]
    if parts:
        cells = pd.concat(parts, ignore_index=True)
        for k in keys:
            cells[k] = cells[k].fillna(NONE).astype(str)
        cells = cells.groupby(keys, as_index=False).sum(numeric_only=True)
    else:
        cells = pd.DataFrame(columns=keys)

    inf_cells, inf_total = _influenced(inf, sel)
    if len(inf_cells):
        cells = cells.merge(inf_cells, on=keys, how="outer")
    eng_cells, eng_total = _engaged(clv_customers, conv, inf, sel)
    if len(eng_cells):
        cells = cells.merge(eng_cells, on=keys, how="outer")
    names |= set(ALWAYS)
    for missing in names - set(cells.columns):  # a measure with no rows is zero, not absent
        cells[missing] = 0.0
    num = cells.columns.difference(keys)
    cells[num] = cells[num].astype(float).fillna(0.0)
    cells["attributed_return"] = _return(cells, profile)

    totals = {c: float(cells[c].sum()) for c in num}
    for non_additive in (audience_total, inf_total, eng_total, clv_total):
        totals.update(non_additive)
    totals["attributed_return"] = float(_return(pd.DataFrame([totals]), profile).iloc[0])
    cells = cells.sort_values(keys).reset_index(drop=True)
    return cells, totals


def _return(df: pd.DataFrame, profile: Profile) -> pd.Series:
    col = {"revenue": "revenue", "won_revenue": "won_revenue"}.get(profile.returns)
    if col is None:
        col = "earned_media_value"
    return df[col] if col in df else pd.Series(0.0, index=df.index)


def _filter(df: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    if sel.platforms and "platform" in df:
        df = df[df.platform.isin(sel.platforms)]
    if sel.markets and "market" in df:
        df = df[df.market.isin(sel.markets)]
    return df.copy()


def _sum(df: pd.DataFrame, sel: Selection, measures: dict[str, pd.Series]) -> pd.DataFrame:
    out = df[sel.keys].copy() if len(df) else pd.DataFrame(columns=sel.keys)
    for name, values in measures.items():
        out[name] = values.astype(float).to_numpy() if len(df) else []
    return out


def _influenced(inf: pd.DataFrame, sel: Selection) -> tuple[pd.DataFrame, dict[str, float]]:
    """Each conversion once per cell it was touched from, and once in the total."""
    names = {
        "purchase": ("influenced_conversions", "influenced_revenue"),
        "opportunity": ("influenced_opportunities", "influenced_pipeline"),
        "won": ("influenced_won", "influenced_won_revenue"),
    }
    cells, totals = pd.DataFrame(columns=sel.keys), {}
    for kind, (n_col, v_col) in names.items():
        k = inf[inf.kind == kind] if len(inf) else inf
        if not len(k):
            continue
        per_cell = k.drop_duplicates([*sel.keys, "conversion_id"])
        g = per_cell.groupby(sel.keys, as_index=False)
        agg = g.agg(**{n_col: ("conversion_id", "size"), v_col: ("value", "sum")})
        once = k.drop_duplicates("conversion_id")
        totals[n_col], totals[v_col] = float(len(once)), float(once.value.sum())
        cells = agg if cells.empty else cells.merge(agg, on=sel.keys, how="outer")
    return cells, totals


def _costs(ws, sel: Selection, profile: Profile) -> pd.DataFrame:
    alloc = ws.memo(
        ("allocate", sel.period, sel.grain), lambda: allocate(ws, sel.period, sel.grain)
    )
    if alloc.empty:
        return None
    alloc = alloc.copy()
    for c in ("platform", "market"):
        alloc[c] = alloc[c].where(alloc[c].notna(), UNALLOCATED)
    if "campaign" in sel.by:
        keys = _campaign_keys_by_name(ws)
        alloc["campaign"] = [keys.get(c, c) if isinstance(c, str) else NONE for c in alloc.campaign]
    else:
        alloc["campaign"] = NONE
    if sel.platforms:
        alloc = alloc[alloc.platform.isin(sel.platforms)]
    if sel.markets:
        alloc = alloc[alloc.market.isin(sel.markets)]
    if sel.grain is None:
        alloc["period"] = sel.period.label
    in_scope = alloc.category.isin(profile.cost_categories)
    return _sum(
        alloc,
        sel,
        {
            "ad_spend": alloc.amount_base.where(alloc.category == "ad_spend", 0.0),
            "true_cost": alloc.amount_base.where(in_scope, 0.0),
            "unallocated_cost": alloc.amount_base.where(alloc.rule == "unallocated", 0.0),
        },
    )


def _posts(ws, sel: Selection) -> pd.DataFrame:
    p = sel.period
    posts = ws.table("posts")
    accounts = ws.table("accounts").select("account_id", _market="market")
    posts = posts.filter(
        (posts.local_date.cast("date") >= p.start) & (posts.local_date.cast("date") <= p.end)
    )
    posts = posts.left_join(accounts, posts.account_id == accounts.account_id)
    pm = ws.table("post_metrics")
    eng = (
        pm.likes.fill_null(0) + pm.comments.fill_null(0) + pm.shares.fill_null(0)
        + pm.saves.fill_null(0)
    )  # fmt: skip
    # TikTok and YouTube report views where the others report impressions: a view is the
    # post shown, so it stands in when a platform gives no impressions
    pm = pm.mutate(
        _eng=pm.engagements.fill_null(eng).cast("float64"),
        _imp=pm.impressions.fill_null(pm.views),
    )
    life = pm.filter(pm.grain == "lifetime")
    w = ibis.window(group_by=life.post_id, order_by=[life.metric_date.desc(), life.as_of.desc()])
    life = life.mutate(_r=ibis.row_number().over(w))
    life = life.filter(life._r == 0).select(
        _lp=life.post_id, _i=life._imp, _reach=life.reach, _e=life._eng
    )
    daily = pm.filter(pm.grain != "lifetime")
    daily = daily.group_by(_dp=daily.post_id).agg(
        _di=daily._imp.sum(), _dreach=daily.reach.sum(), _de=daily._eng.sum()
    )
    joined = posts.left_join(life, posts.post_id == life._lp)
    joined = joined.left_join(daily, joined.post_id == daily._dp)
    out = joined.select(
        platform=joined.platform,
        market=joined._market,
        campaign_id=joined.campaign_id,
        day=joined.local_date.cast("date"),
        impressions=joined._i.fill_null(joined._di).fill_null(0).cast("float64"),
        reach=joined._reach.fill_null(joined._dreach).fill_null(0).cast("float64"),
        engagements=joined._e.fill_null(joined._de).fill_null(0.0),
    ).execute()
    return out


def _campaign_names(ws) -> dict[str, str]:
    c = ws.table("campaigns").select("campaign_id", "utm_campaign", "name").execute()
    return {
        cid: (utm.strip().lower() if isinstance(utm, str) and utm.strip() else name)
        for cid, utm, name in zip(c.campaign_id, c.utm_campaign, c.name)
    }


def _content(ws, sel: Selection, profile: Profile) -> pd.DataFrame:
    posts = _posts(ws, sel)
    if posts.empty:
        return None
    posts["market"] = posts.market.fillna(NONE)
    posts = _filter(posts, sel)
    names = _campaign_names(ws) if "campaign" in sel.by else {}
    posts["campaign"] = posts.campaign_id.map(names).fillna(NONE) if names else NONE
    posts["period"] = bucket(posts.day, sel.grain, sel.period)
    cpm = posts.platform.map(profile.cpm).fillna(0.0)
    return _sum(
        posts,
        sel,
        {
            "posts": pd.Series(1.0, index=posts.index),
            "impressions": posts.impressions,
            "reach": posts.reach,
            "engagements": posts.engagements,
            "earned_media_value": posts.impressions * cpm / 1000.0,
        },
    )


def _audience(ws, sel: Selection) -> tuple[pd.DataFrame, dict[str, float]]:
    p = sel.period
    am = ws.table("account_metrics")
    acc = ws.table("accounts").select("account_id", _market="market")
    am = am.filter(am.followers.notnull() & (am.metric_date >= p.start) & (am.metric_date <= p.end))
    am = am.left_join(acc, am.account_id == acc.account_id)
    df = am.select(
        "account_id", "platform", market=am._market, day=am.metric_date,
        followers=am.followers.cast("float64"),
    ).execute()  # fmt: skip
    if df.empty:
        return None, {}
    df["market"] = df.market.fillna(NONE)
    df = _filter(df, sel)
    df["campaign"] = NONE
    df = df.sort_values(["account_id", "day"])

    def ends(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        g = frame.groupby([*keys, "account_id"], sort=False).followers
        per = pd.DataFrame({"followers": g.last(), "followers_start": g.first()}).reset_index()
        per = per.groupby(keys, as_index=False)[["followers", "followers_start"]].sum()
        per["follower_change"] = per.followers - per.followers_start
        return per

    df["period"] = bucket(df.day, sel.grain, sel.period)
    cells = ends(df, sel.keys)
    df["_all"] = "all"
    tot = ends(df, ["_all"])
    totals = {c: float(tot[c].sum()) for c in ("followers", "followers_start", "follower_change")}
    return cells, totals


def _clv(ws, sel: Selection, conv: pd.DataFrame, inf: pd.DataFrame):
    def customers():
        try:
            return customer_clv(ws, sel.period)
        except CLVError:  # too little history to fit: historical CLV still counts
            try:
                return customer_clv(ws, sel.period, predict=False)
            except CLVError:
                return None

    cust = ws.memo(("customer_clv", sel.period), customers)
    if cust is None:
        return None, {}, None
    if cust is None or cust.empty:
        return None, {}, None
    p = sel.period
    first = pd.to_datetime(cust.first_purchase).dt.date
    cust = cust[(first >= p.start) & (first <= p.end)].copy()
    cust["platform"] = platform_of(cust.acquisition_platform.fillna(OTHER))
    cust["market"] = cust.acquisition_market.fillna(NONE)
    cust["campaign"] = NONE
    cust = _filter(cust, sel)
    cust["period"] = bucket(pd.to_datetime(cust.first_purchase), sel.grain, p)
    pred = cust.predicted_clv if "predicted_clv" in cust else pd.Series(0.0, index=cust.index)
    cells = _sum(
        cust,
        sel,
        {
            "clv_customers": pd.Series(1.0, index=cust.index),
            "clv_revenue": cust.historical_clv.astype(float),
            "clv_predicted": pred.astype(float).fillna(0.0),
        },
    )
    return cells, {}, cust


def _engaged(cust, conv: pd.DataFrame, inf: pd.DataFrame, sel: Selection):
    """Customers acquired in the period whose first purchase followed a touch from the row."""
    purchases = inf[inf.kind == "purchase"]
    if cust is None or cust.empty or purchases.empty:
        return pd.DataFrame(), {}
    firsts = conv[conv.first_purchase]
    who = firsts.customer_id.fillna(firsts.user_id).fillna(firsts.email_hash)
    first_of = pd.DataFrame({"customer_id": who, "first_conversion_id": firsts.conversion_id})
    cust = cust[["customer_id", "historical_clv"]].merge(first_of, on="customer_id")
    touched = purchases.merge(cust, left_on="conversion_id", right_on="first_conversion_id")
    per_cell = touched.drop_duplicates([*sel.keys, "conversion_id"])
    cells = per_cell.groupby(sel.keys, as_index=False).agg(
        engaged_customers=("conversion_id", "size"), engaged_clv_revenue=("historical_clv", "sum")
    )
    once = touched.drop_duplicates("conversion_id")
    totals = {
        "engaged_customers": float(len(once)),
        "engaged_clv_revenue": float(once.historical_clv.sum()),
    }
    return cells, totals
