"""What cost allocation spreads money by, per day: ad spend, posts published, team hours and
the active platform x market cells. Read once per
`socialroi.measure.costs.allocate.allocate` call as Ibis expressions over the workspace
tables (small daily aggregates), then kept as cumulative sums per cell,
so any window of days costs one subtraction.

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
Cell = tuple  # (platform, market, campaign or None, weight)


class Daily:
    """A daily driver as cumulative sums per cell: the sum over any window of days is one
    subtraction per cell, however many ledger lines and buckets ask."""

    def __init__(self, df: pd.DataFrame, keys: list[str], value: str, start: dt.date, end: dt.date):
        self.start = start
        days = (end - start).days + 1
        df = df[(df.day >= np.datetime64(start)) & (df.day <= np.datetime64(end))]
        grouped = df.groupby(keys, dropna=False, sort=True)
        self.cells = grouped.size().reset_index()[keys]
        mat = np.zeros((len(self.cells), days))
        if len(df):
            off = (df.day.to_numpy().astype(DAY) - np.datetime64(start, "D")).astype(int)
            np.add.at(mat, (grouped.ngroup().to_numpy(), off), df[value].to_numpy(float))
        self.cum = np.concatenate([np.zeros((len(self.cells), 1)), mat.cumsum(axis=1)], axis=1)
        self.col = {k: self.cells[k].to_numpy(object) for k in keys}

    def window(self, w0: dt.date, w1: dt.date, *, weights: bool = True) -> np.ndarray:
        a, b = (w0 - self.start).days, (w1 - self.start).days + 1
        got = self.cum[:, b] - self.cum[:, a]
        # As weights, to the millionth: hours spread over days (30 h / 31 days) add back to
        # 30, not 29.999999999, so equal drivers split equally.
        return np.round(got, 6) if weights else got

    def mask(self, **allowed: set | None) -> np.ndarray:
        m = np.ones(len(self.cells), bool)
        for k, vals in allowed.items():
            if vals is not None:
                m &= np.isin(self.col[k], list(vals))
        return m


def _cells(platform, market, campaign, w, m) -> list[Cell]:
    """Positive cells, summed by (platform, market, campaign), sorted."""
    acc: dict[tuple, float] = {}
    for i in np.flatnonzero(m & (w > 0)):
        c = campaign[i] if campaign is not None else None
        key = (platform[i], market[i], None if c is None or c != c else c)
        acc[key] = acc.get(key, 0.0) + float(w[i])
    return [(*k, v) for k, v in sorted(acc.items(), key=lambda kv: _sort_key(kv[0]))]


def _sort_key(k: tuple) -> tuple:
    return tuple("" if v is None or v != v else str(v) for v in k)


def _known(values: np.ndarray) -> np.ndarray:
    return np.array([v is not None and v == v for v in values], bool)


@dataclass
class Drivers:
    spend: Daily  # cost_id, platform, market, campaign_id, campaign -> spend
    posts: Daily  # platform, market, campaign_id -> posts published
    hours: Daily  # team, platform, market -> hours
    active: Daily  # platform, market -> 1 on each day the cell is active
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

    # -- slices: positive cells inside a scope over a window of days --------------------------
    def spend_in(self, w0, w1, plats, marks, camp_ids) -> float:
        d = self.spend
        m = d.mask(platform=plats, market=marks, campaign_id=camp_ids)
        return float(d.window(w0, w1)[m].sum())

    def spend_cells(self, w0, w1, plats, marks, camp_ids) -> list[Cell]:
        d = self.spend
        m = d.mask(platform=plats, market=marks, campaign_id=camp_ids) & _known(d.col["market"])
        return _cells(d.col["platform"], d.col["market"], d.col["campaign"], d.window(w0, w1), m)

    def post_cells(self, w0, w1, plats, marks, camp_ids) -> list[Cell]:
        d = self.posts
        m = d.mask(platform=plats, market=marks, campaign_id=camp_ids) & _known(d.col["market"])
        return _cells(d.col["platform"], d.col["market"], None, d.window(w0, w1), m)

    def hour_cells(self, w0, w1, plats, marks, team: str | None = None) -> list[Cell]:
        d = self.hours
        m = d.mask(platform=plats, market=marks)
        if team is not None:
            m &= np.array([str(t).strip().lower() == team.strip().lower() for t in d.col["team"]])
        return _cells(d.col["platform"], d.col["market"], None, d.window(w0, w1), m)

    def active_in(self, w0, w1, plats, marks) -> list[Cell]:
        d = self.active
        m = d.mask(platform=plats, market=marks)
        w = (d.window(w0, w1) > 0).astype(float)
        return _cells(d.col["platform"], d.col["market"], None, w, m)


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
    active["one"] = 1.0
    campaigns = camps.filter(camps.level == "campaign").select(
        "campaign_id", "platform", "market", "name", "native_id", "utm_campaign"
    )
    return Drivers(
        Daily(spend, ["cost_id", "platform", "market", "campaign_id", "campaign"], "spend",
              start, end),
        Daily(posts, ["platform", "market", "campaign_id"], "posts", start, end),
        Daily(hours, ["team", "platform", "market"], "hours", start, end),
        Daily(active, ["platform", "market"], "one", start, end),
        campaigns.to_pandas(),
    )  # fmt: skip
