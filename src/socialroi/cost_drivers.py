"""What cost allocation spreads money by, per day: ad spend, posts published, team hours and
the active platform x market cells. Read once per `socialroi.costs.allocate` call as Ibis
expressions over the workspace tables (small daily aggregates), then sliced in pandas.

Ad spend is de-duplicated: when `ad_metrics` holds the same campaign-day at several levels
(a campaign report and an ad report of one account), only the most specific level counts
(ad > ad group > campaign). Rows that cover several days (non-daily reports) are spread
evenly over their days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import ibis
import numpy as np
import pandas as pd

DAY = "datetime64[D]"


@dataclass
class Drivers:
    spend: pd.DataFrame  # day, cost_id, platform, market, campaign_id, campaign, spend
    posts: pd.DataFrame  # day, platform, market, campaign_id, posts
    hours: pd.DataFrame  # day, team, platform, market, hours
    active: pd.DataFrame  # day, platform, market (one row per active cell-day)
    campaigns: pd.DataFrame  # campaign_id, platform, market, name, native_id, utm_campaign
    _scope: dict = field(default_factory=dict)

    # -- scope -------------------------------------------------------------------------------
    def campaign_scope(self, campaign: str | None) -> tuple[set | None, set | None, set | None]:
        """(campaign ids, their platforms, their markets) a ledger `campaign` names, matched on
        id, native id, name or utm_campaign (case-insensitive). (None, None, None) for none."""
        if campaign is None:
            return None, None, None
        if campaign not in self._scope:
            c = self.campaigns
            key = campaign.strip().lower()
            hit = c[
                (c.campaign_id.str.lower() == key)
                | (c.native_id.fillna("").str.lower() == key)
                | (c.name.fillna("").str.strip().str.lower() == key)
                | (c.utm_campaign.fillna("").str.lower() == key)
            ]
            plats = set(hit.platform.dropna()) or None
            marks = set(hit.market.dropna()) or None
            self._scope[campaign] = (set(hit.campaign_id), plats, marks)
        return self._scope[campaign]

    # -- slices ------------------------------------------------------------------------------
    @staticmethod
    def _window(df: pd.DataFrame, w0: dt.date, w1: dt.date, plats, marks) -> pd.DataFrame:
        m = (df.day >= np.datetime64(w0)) & (df.day <= np.datetime64(w1))
        if plats is not None:
            m &= df.platform.isin(plats)
        if marks is not None:
            m &= df.market.isin(marks)
        return df[m]

    def spend_in(self, w0, w1, plats, marks, camp_ids) -> float:
        df = self._window(self.spend, w0, w1, plats, marks)
        if camp_ids is not None:
            df = df[df.campaign_id.isin(camp_ids)]
        return float(df.spend.sum())

    def spend_cells(self, w0, w1, plats, marks, camp_ids) -> pd.DataFrame:
        df = self._window(self.spend, w0, w1, plats, marks)
        if camp_ids is not None:
            df = df[df.campaign_id.isin(camp_ids)]
        df = df[df.market.notna()]
        g = df.groupby(["platform", "market", "campaign"], dropna=False).spend.sum()
        return g.rename("w").reset_index().query("w > 0")

    def post_cells(self, w0, w1, plats, marks, camp_ids) -> pd.DataFrame:
        df = self._window(self.posts, w0, w1, plats, marks)
        if camp_ids is not None:
            df = df[df.campaign_id.isin(camp_ids)]
        df = df[df.market.notna()]
        return df.groupby(["platform", "market"]).posts.sum().rename("w").reset_index()

    def hour_cells(self, w0, w1, plats, marks, team: str | None = None) -> pd.DataFrame:
        df = self._window(self.hours, w0, w1, plats, marks)
        if team is not None:
            df = df[df.team.str.strip().str.lower() == team.strip().lower()]
        return df.groupby(["platform", "market"]).hours.sum().rename("w").reset_index()

    def active_in(self, w0, w1, plats, marks) -> pd.DataFrame:
        df = self._window(self.active, w0, w1, plats, marks)
        return df[["platform", "market"]].drop_duplicates().reset_index(drop=True)


def _days(s: pd.Series) -> np.ndarray:
    return pd.to_datetime(s).to_numpy().astype(DAY)


def _spread(df: pd.DataFrame, start: dt.date, end: dt.date, value: str) -> pd.DataFrame:
    """Rows with `first`..`last` days -> one row per day inside start..end, value split evenly
    over all the row's days."""
    first, last = _days(df["first"]), _days(df["last"])
    n = (last - first).astype(int) + 1
    rep = df.loc[df.index.repeat(n)].reset_index(drop=True)
    offs = np.concatenate([np.arange(k) for k in n]) if len(n) else np.array([], dtype=int)
    rep["day"] = np.repeat(first, n) + offs.astype("timedelta64[D]")
    rep[value] = rep[value] / np.repeat(n, n)
    keep = (rep.day >= np.datetime64(start)) & (rep.day <= np.datetime64(end))
    return rep[keep].drop(columns=["first", "last"]).reset_index(drop=True)


def load_drivers(ws, start: dt.date, end: dt.date) -> Drivers:
    acc = ws.table("accounts").select("account_id", acc_market="market")
    camps = ws.table("campaigns")

    # ad spend, most specific level per campaign-day
    am = ws.table("ad_metrics")
    am = am.filter((am.metric_date <= end) & (am.period_end >= start) & am.spend_base.notnull())
    am = am.mutate(
        _level=ibis.cases((am.ad_id.notnull(), 3), (am.ad_group_id.notnull(), 2), else_=1)
    )
    am = am.mutate(
        _top=am._level.max().over(
            group_by=[am.account_id, am.campaign_id, am.metric_date, am.period_end]
        )
    )
    am = am.filter(am._level == am._top)
    names = camps.select("campaign_id", campaign_name="name")
    am = am.left_join(acc, "account_id").left_join(names, "campaign_id")
    spend = (
        am.group_by(
            first=am.metric_date,
            last=am.period_end,
            platform=am.platform,
            market=am.market.coalesce(am.acc_market),
            account_id=am.account_id,
            campaign_id=am.campaign_id,
            campaign=am.campaign_name.coalesce(am.campaign_id),
        )
        .agg(spend=am.spend_base.sum())
        .to_pandas()
    )
    spend = _spread(spend, start, end, "spend")
    spend["cost_id"] = "ad_data:" + spend.campaign_id.fillna("account:" + spend.account_id)

    # posts published, by the account's market
    po = ws.table("posts")
    po = po.mutate(day=po.local_date.coalesce(po.published_at.date()))
    po = po.filter((po.day >= start) & (po.day <= end)).left_join(acc, "account_id")
    posts = (
        po.group_by(
            day=po.day, platform=po.platform, market=po.acc_market, campaign_id=po.campaign_id
        )
        .agg(posts=po.count())
        .to_pandas()
    )
    posts["day"] = _days(posts.day)

    # team hours
    ts = ws.table("time_split")
    ts = ts.filter((ts.period_start <= end) & (ts.period_end >= start))
    hours = ts.select(
        first=ts.period_start, last=ts.period_end, team=ts.team, platform=ts.platform,
        market=ts.market, hours=ts.hours,
    ).to_pandas()  # fmt: skip
    hours = _spread(hours, start, end, "hours")

    # followers: accounts with a follower count that day
    mt = ws.table("account_metrics")
    mt = mt.filter((mt.metric_date >= start) & (mt.metric_date <= end) & (mt.followers > 0))
    mt = mt.left_join(acc, "account_id")
    followed = (
        mt.select(day=mt.metric_date, platform=mt.platform, market=mt.acc_market)
        .distinct()
        .to_pandas()
    )
    followed["day"] = _days(followed.day)
    active = pd.concat(
        [
            posts[["day", "platform", "market"]],
            spend.loc[spend.spend > 0, ["day", "platform", "market"]],
            followed,
        ],
        ignore_index=True,
    )
    active = active[active.market.notna() & active.platform.notna()].drop_duplicates()
    campaigns = camps.filter(camps.level == "campaign").select(
        "campaign_id", "platform", "market", "name", "native_id", "utm_campaign"
    )
    return Drivers(spend, posts, hours, active, campaigns.to_pandas())
