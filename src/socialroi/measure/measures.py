"""Base measures: the sums every metric in the catalogue is a formula over.

`base_measures()` returns one row per cell — platform x market x campaign x period bucket,
at the grouping asked for — with additive measures summed and the non-additive ones
(influenced conversions, followers, the engaged cohort) counted afresh at that grouping,
plus the same for the whole selection (the totals row).

Where each measure comes from:

- **cost** (`ad_spend`, `true_cost`): `socialroi.measure.costs.allocate.allocate` — ad spend from
  the ad reports plus ledger lines allocated by their rules; unallocated cost stays on a row whose
  platform and market are `(unallocated)`. Cost on non-social paid platforms (Google Ads search
  campaigns, platform `search`) is not social's: `nonsocial_cost` on platform `other`, beside
  the credit to non-social channels, and its delivery is left out of CPM, CPC and CTR.
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

from dataclasses import replace

import pandas as pd

from socialroi.measure.attributed import READS as ATTRIBUTED_READS
from socialroi.measure.attributed import attributed
from socialroi.measure.campaigns import campaign_keys
from socialroi.measure.cells import count_afresh, reduce_attributed, signatures, spot_cells
from socialroi.measure.clv.workspace import READS as CLV_READS
from socialroi.measure.clv.workspace import CLVError, customer_clv
from socialroi.measure.costs.allocate import READS as ALLOCATE_READS
from socialroi.measure.costs.allocate import allocate
from socialroi.measure.posts import post_figures
from socialroi.measure.profiles import Profile
from socialroi.measure.selection import (
    ALWAYS,
    KIND_MEASURES,
    NONE,
    NONSOCIAL_PAID,
    OTHER,
    UNALLOCATED,
    Selection,
    bucket,
    filter_cells,
    platform_of,
    social_cost,
    sum_cells,
)
from socialroi.model.schema import TABLES

# What the measures read: every table of the data model (the settings are in every version).
READS = tuple(n for n, spec in TABLES.items() if spec.kind != "system") + ("fx_rates",)


# -- the table --------------------------------------------------------------------------------
def base_measures(
    ws, sel: Selection, profile: Profile, model: str
) -> tuple[pd.DataFrame, dict[str, float]]:
    """(cells, totals): measures per cell of the selection, and for the whole selection.

    Remembered in memory while the data stays the same: an overview asks for the same
    selection under several views (its comparison, its insights), and the dashboard's
    server keeps the preset periods' selections from its warm-up, so a change of comparison
    or a return to an earlier filter costs nothing. Its parts are kept in the workspace
    (below); the regrouping is cheap, so the cells are not written to the file."""
    return ws.memo(
        ("base_measures", sel, repr(profile), model),
        lambda: _measure_cells(ws, sel, profile, model),
        reads=READS,
        keep=False,
    )


def _measure_cells(
    ws, sel: Selection, profile: Profile, model: str
) -> tuple[pd.DataFrame, dict[str, float]]:
    parts = []  # additive frames with sel.keys columns
    cr, inf_groups, inf_members = _attributed(ws, sel, profile, model)
    cr = filter_cells(cr, sel)
    cr["period"] = bucket(cr.day, sel.grain, sel.period) if len(cr) else []
    for kind in profile.kinds:
        count, value = KIND_MEASURES[kind]
        k = cr[cr.kind == kind]  # summed per day cell (socialroi.measure.cells)
        m = {count: k.credit}
        if value:
            m[value] = k.credit_value
        if kind == "purchase":
            m["new_customers"] = k.credit_first
            m["sourced_revenue"] = k.sourced_value
        if kind == "won":
            m["sourced_won_revenue"] = k.sourced_value
        if kind == profile.primary_kind:
            m["conversions"] = k.credit
            m["revenue"] = k.credit_value
        # credit to search, e-mail, direct... is not social's return: kept apart, so every
        # metric speaks of social while the table still reconciles to all conversions
        other = (k.platform == OTHER).to_numpy()
        m = {n: v.where(~other, 0.0) for n, v in m.items()}
        m[f"nonsocial_{count}"] = k.credit.where(other, 0.0)
        if value:
            m[f"nonsocial_{value}"] = k.credit_value.where(other, 0.0)
        parts.append(sum_cells(k, sel, m))
    parts.append(_costs(ws, sel, profile))
    parts.append(_ads(ws, sel))
    content = _content(ws, sel, profile)
    parts.append(content)
    audience_cells, audience_total = _audience(ws, sel)
    parts.append(audience_cells)
    clv_cells, customers = _clv(ws, sel)
    parts.append(clv_cells)
    inf_cells, inf_total = _influenced(inf_groups, inf_members, sel)
    touched = customers > 0 and "influenced_conversions" in inf_total  # a purchase in the filters
    eng_cells, eng_total = _engaged(ws, sel, profile, model) if touched else (pd.DataFrame(), {})

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

    if len(inf_cells):
        cells = cells.merge(inf_cells, on=keys, how="outer")
    if len(eng_cells):
        cells = cells.merge(eng_cells, on=keys, how="outer")
    names |= set(ALWAYS)
    for missing in names - set(cells.columns):  # a measure with no rows is zero, not absent
        cells[missing] = 0.0
    num = cells.columns.difference(keys)
    cells[num] = cells[num].astype(float).fillna(0.0)
    cells["attributed_return"] = _return(cells, profile)

    totals = {c: float(cells[c].sum()) for c in num}
    for non_additive in (audience_total, inf_total, eng_total):
        totals.update(non_additive)
    totals["attributed_return"] = float(_return(pd.DataFrame([totals]), profile).iloc[0])
    cells = cells.sort_values(keys).reset_index(drop=True)
    return cells, totals


def _return(df: pd.DataFrame, profile: Profile) -> pd.Series:
    col = {"revenue": "revenue", "won_revenue": "won_revenue"}.get(profile.returns)
    if col is None:
        col = "earned_media_value"
    return df[col] if col in df else pd.Series(0.0, index=df.index)


def _attributed(ws, sel: Selection, profile: Profile, model: str):
    """(credited day cells, influenced groups and members: `socialroi.measure.cells`), kept
    apart from the per-conversion rows they are summed from, so a change of filter reads only
    the sums."""
    key = (sel.period, sel.by_campaign, profile.kinds, profile.lookback_days,
           profile.primary_kind, model)  # fmt: skip

    def sums():
        cr, inf, _ = _attributed_rows(ws, sel, profile, model, key)
        groups, members = signatures(inf, ["kind", "market", "day"], ["value"], sel.by_campaign)
        return cr, groups, members

    return ws.memo(("attributed.sums", *key), sums, reads=ATTRIBUTED_READS)


def _attributed_rows(ws, sel: Selection, profile: Profile, model: str, key: tuple):
    return ws.memo(
        ("attributed.cells", *key),
        lambda: reduce_attributed(*attributed(ws, sel, profile, model)),
        reads=ATTRIBUTED_READS,
    )


INFLUENCED = {
    "purchase": ("influenced_conversions", "influenced_revenue"),
    "opportunity": ("influenced_opportunities", "influenced_pipeline"),
    "won": ("influenced_won", "influenced_won_revenue"),
}


def _influenced(groups: pd.DataFrame, members: pd.DataFrame, sel: Selection):
    """Each conversion once per cell it was touched from, and once in the total."""
    cells, totals = pd.DataFrame(columns=sel.keys), {}
    groups = filter_cells(groups, sel)
    for kind, (n_col, v_col) in INFLUENCED.items():
        agg, tot = count_afresh(groups[groups.kind == kind], members, sel,
                                {n_col: "n", v_col: "value"})  # fmt: skip
        if not tot:
            continue
        totals.update(tot)
        cells = agg if cells.empty else cells.merge(agg, on=sel.keys, how="outer")
    return cells, totals


def _costs(ws, sel: Selection, profile: Profile) -> pd.DataFrame:
    alloc = ws.memo(
        ("allocate", sel.period, sel.grain),
        lambda: allocate(ws, sel.period, sel.grain),
        reads=ALLOCATE_READS,
    )
    if alloc.empty:
        return None
    alloc = alloc.copy()
    for c in ("platform", "market"):
        alloc[c] = alloc[c].where(alloc[c].notna(), UNALLOCATED)
    # search campaigns' spend is not social's cost: kept apart on `other`, beside the credit
    # to non-social channels, so social's ROI neither pays for search nor misses its return
    alloc["platform"] = alloc.platform.where(social_cost(alloc), OTHER)
    if sel.by_campaign:
        keys = campaign_keys(ws)
        alloc["campaign"] = [keys.get(c, c) if isinstance(c, str) else NONE for c in alloc.campaign]
    else:
        alloc["campaign"] = NONE
    if sel.platforms:
        alloc = alloc[alloc.platform.isin(sel.platforms)]
    if sel.markets:
        alloc = alloc[alloc.market.isin(sel.markets)]
    if sel.campaigns:
        alloc = alloc[alloc.campaign.isin(sel.campaigns)]
    if sel.grain is None:
        alloc["period"] = sel.period.label
    in_scope = alloc.category.isin(profile.cost_categories)
    social = ~alloc.platform.eq(OTHER)
    return sum_cells(
        alloc,
        sel,
        {
            "ad_spend": alloc.amount_base.where(social & (alloc.category == "ad_spend"), 0.0),
            "true_cost": alloc.amount_base.where(social & in_scope, 0.0),
            "unallocated_cost": alloc.amount_base.where(alloc.rule == "unallocated", 0.0),
            "nonsocial_cost": alloc.amount_base.where(~social & in_scope, 0.0),
        },
    )


def _ads(ws, sel: Selection) -> pd.DataFrame | None:
    """Paid delivery from the ad reports: impressions and link clicks (all clicks where a
    platform reports no link clicks), per cell, for CPM, CPC and CTR."""
    df = ws.memo(
        ("ads.cells", sel.period),
        lambda: spot_cells(_ad_rows(ws, sel.period), ["ad_impressions", "ad_link_clicks"]),
        reads=("ad_metrics",),
    )
    df = df[~df.platform.isin(NONSOCIAL_PAID)]  # search delivery: not social's CPM or CPC
    if df.empty:
        return None
    df["market"] = df.market.fillna(NONE)
    keys = campaign_keys(ws) if sel.by_campaign else {}
    df["campaign"] = df.campaign_id.map(keys).fillna(NONE) if keys else NONE
    df = filter_cells(df, sel)
    df["period"] = bucket(df.day, sel.grain, sel.period)
    return sum_cells(
        df, sel, {"ad_impressions": df.ad_impressions, "ad_link_clicks": df.ad_link_clicks}
    )


def _ad_rows(ws, p) -> pd.DataFrame:
    am = ws.table("ad_metrics")
    am = am.filter((am.metric_date >= p.start) & (am.metric_date <= p.end))
    return am.select(
        "platform", "market", "campaign_id", day=am.metric_date,
        ad_impressions=am.impressions.fill_null(0).cast("float64"),
        ad_link_clicks=am.link_clicks.fill_null(am.clicks).fill_null(0).cast("float64"),
    ).execute()  # fmt: skip


def _posts(ws, sel: Selection) -> pd.DataFrame:
    """Posts published in the period with their figures, market and campaign."""
    return ws.memo(
        ("posts.cells", sel.period),
        lambda: spot_cells(_post_rows(ws, sel.period), _POST_SUMS, count="posts"),
        reads=("posts", "accounts", "post_metrics"),
    )


_POST_SUMS = ["impressions", "reach", "engagements"]


def _post_rows(ws, p) -> pd.DataFrame:
    posts = ws.table("posts")
    accounts = ws.table("accounts").select("account_id", _market="market")
    posts = posts.filter(
        (posts.local_date.cast("date") >= p.start) & (posts.local_date.cast("date") <= p.end)
    )
    posts = posts.left_join(accounts, posts.account_id == accounts.account_id)
    fig = post_figures(ws.table("post_metrics")).rename(_fpid="post_id")
    joined = posts.left_join(fig, posts.post_id == fig._fpid)
    out = joined.select(
        platform=joined.platform,
        market=joined._market,
        campaign_id=joined.campaign_id,
        day=joined.local_date.cast("date"),
        impressions=joined.shown.fill_null(0).cast("float64"),
        reach=joined.reach.fill_null(0).cast("float64"),
        engagements=joined.engagements.fill_null(0).cast("float64"),
    ).execute()
    return out


def _content(ws, sel: Selection, profile: Profile) -> pd.DataFrame:
    posts = _posts(ws, sel)
    if posts.empty:
        return None
    posts["market"] = posts.market.fillna(NONE)
    names = campaign_keys(ws) if sel.by_campaign else {}
    posts["campaign"] = posts.campaign_id.map(names).fillna(NONE) if names else NONE
    posts = filter_cells(posts, sel)
    posts["period"] = bucket(posts.day, sel.grain, sel.period)
    # astype: a filter that leaves no post must not leave an (empty) text column to multiply
    cpm = posts.platform.map(profile.cpm).fillna(0.0).astype(float)
    return sum_cells(
        posts,
        sel,
        {
            "posts": posts.posts,
            "impressions": posts.impressions,
            "reach": posts.reach,
            "engagements": posts.engagements,
            "earned_media_value": posts.impressions * cpm / 1000.0,
        },
    )


def _audience(ws, sel: Selection) -> tuple[pd.DataFrame, dict[str, float]]:
    df = ws.memo(
        ("followers", sel.period),
        lambda: _follower_rows(ws, sel.period),
        reads=("account_metrics", "accounts"),
    )
    if df.empty:
        return None, {}
    df["market"] = df.market.fillna(NONE)
    df["campaign"] = NONE  # an account's followers are not tied to a campaign
    df = filter_cells(df, sel)
    df = df.sort_values(["account_id", "day"])

    def ends(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        g = frame.groupby([*keys, "account_id"], sort=False).followers
        per = pd.DataFrame({"followers": g.last(), "followers_start": g.first()}).reset_index()
        per = per.groupby(keys, as_index=False)[["followers", "followers_start"]].sum()
        per["follower_change"] = per.followers - per.followers_start
        return per

    df["period"] = bucket(df.day, sel.grain, sel.period)
    df["_all"] = "all"
    tot = ends(df, ["_all"])
    cells = ends(df, sel.keys) if sel.keys else tot.drop(columns="_all")  # totals only
    totals = {c: float(tot[c].sum()) for c in ("followers", "followers_start", "follower_change")}
    return cells, totals


def _follower_rows(ws, p) -> pd.DataFrame:
    am = ws.table("account_metrics")
    acc = ws.table("accounts").select("account_id", _market="market")
    am = am.filter(am.followers.notnull() & (am.metric_date >= p.start) & (am.metric_date <= p.end))
    am = am.left_join(acc, am.account_id == acc.account_id)
    return am.select(
        "account_id", "platform", market=am._market, day=am.metric_date,
        followers=am.followers.cast("float64"),
    ).execute()  # fmt: skip


def _customers(ws, p) -> pd.DataFrame | None:
    """Customers acquired in the period, with their acquisition platform and market."""

    def customers():
        try:
            return customer_clv(ws, p)
        except CLVError:  # too little history to fit: historical CLV still counts
            try:
                return customer_clv(ws, p, predict=False)
            except CLVError:
                return None

    cust = ws.memo(("customer_clv", p), customers, reads=CLV_READS)
    if cust is None or cust.empty:
        return None
    first = pd.to_datetime(cust.first_purchase).dt.date
    cust = cust[(first >= p.start) & (first <= p.end)].copy()
    cust["platform"] = platform_of(cust.acquisition_platform.fillna(OTHER))
    cust["market"] = cust.acquisition_market.fillna(NONE)
    cust["campaign"] = NONE
    return cust


def _clv(ws, sel: Selection) -> tuple[pd.DataFrame | None, float]:
    """Customers acquired in the period summed per acquisition platform x market x day of
    their first purchase; and how many are within the filters."""
    p = sel.period

    def summed():
        cust = _customers(ws, p)
        if cust is None:
            return None
        cust = cust.assign(
            day=pd.to_datetime(cust.first_purchase).dt.date,
            clv_customers=1.0,
            clv_revenue=cust.historical_clv.astype(float),
            clv_predicted=(
                cust.predicted_clv.astype(float).fillna(0.0) if "predicted_clv" in cust else 0.0
            ),
        )
        return spot_cells(cust, ["clv_customers", "clv_revenue", "clv_predicted"],
                          keys=["platform", "market", "campaign", "day"])  # fmt: skip

    cust = ws.memo(("clv.cells", p), summed, reads=CLV_READS)
    if cust is None:
        return None, 0.0
    cust = filter_cells(cust, sel)
    cust["period"] = bucket(cust.day, sel.grain, p)
    cells = sum_cells(
        cust,
        sel,
        {c: cust[c] for c in ("clv_customers", "clv_revenue", "clv_predicted")},
    )
    return cells, float(cust.clv_customers.sum())


def _engaged(ws, sel: Selection, profile: Profile, model: str):
    """Customers acquired in the period whose first purchase followed a touch from the row:
    the period's first purchases touched within the selection, on both sides (the touch's
    platform, campaign and market, the customer's acquisition platform and market)."""
    key = (sel.period, sel.by_campaign, profile.kinds, profile.lookback_days,
           profile.primary_kind, model)  # fmt: skip

    def sums():
        _, inf, conv = _attributed_rows(ws, sel, profile, model, key)
        touched = _touched_first_purchases(_customers(ws, sel.period), conv, inf)
        fixed = ["market", "day", "_acq_platform", "_acq_market"]
        return signatures(touched, fixed, ["historical_clv"], sel.by_campaign)

    groups, members = ws.memo(
        ("engaged.sums", *key), sums, reads=tuple(sorted({*ATTRIBUTED_READS, *CLV_READS}))
    )
    groups = filter_cells(groups, sel)  # the touch's market
    acquired = filter_cells(  # the customer's acquisition platform and market
        groups[["_acq_platform", "_acq_market"]].set_axis(["platform", "market"], axis=1),
        replace(sel, campaigns=None),
    )
    groups = groups.loc[acquired.index]
    names = {"engaged_customers": "n", "engaged_clv_revenue": "historical_clv"}
    cells, totals = count_afresh(groups, members, sel, names)
    if not totals:  # within the filters, no such customer: zeros, as the rows would say
        totals = dict.fromkeys(names, 0.0)
    return cells, totals


def _touched_first_purchases(
    cust: pd.DataFrame | None, conv: pd.DataFrame, inf: pd.DataFrame
) -> pd.DataFrame:
    """Every purchase touch pair (influenced rows, unfiltered) of a first purchase by a customer
    acquired in the period, with the customer's CLV and acquisition platform and market."""
    purchases = inf[inf.kind == "purchase"]
    if cust is None or purchases.empty:
        return pd.DataFrame(columns=[*inf.columns, "historical_clv", "_acq_platform",
                                     "_acq_market"])  # fmt: skip
    firsts = conv  # first purchases only (socialroi.measure.cells)
    who = firsts.customer_id.fillna(firsts.user_id).fillna(firsts.email_hash)
    first_of = pd.DataFrame({"customer_id": who, "first_conversion_id": firsts.conversion_id})
    acquired = cust[["customer_id", "historical_clv", "platform", "market"]].rename(
        columns={"platform": "_acq_platform", "market": "_acq_market"}
    )
    cust = acquired.merge(first_of, on="customer_id")
    return purchases.merge(cust, left_on="conversion_id", right_on="first_conversion_id")
