"""What a measure is asked for: the period, the breakdown (platform, market, campaign), the
period grain and the filters; and how cells are filtered, bucketed and summed."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from socialroi.errors import SocialroiError
from socialroi.model.periods import Period
from socialroi.sources.base import PLATFORMS

DIMENSIONS = ("platform", "market", "campaign")


GRAINS = ("week", "month", "quarter", "year")


OTHER = "other"


# paid platforms that are not social: their cost is kept apart like credit to non-social channels
# (Google Ads search and shopping campaigns land as platform `search`)
NONSOCIAL_PAID = ("search",)


def social_cost(alloc: pd.DataFrame) -> pd.Series:
    """Which allocated cost lines are social's: all but those of non-social paid platforms."""
    return ~alloc.platform.isin(NONSOCIAL_PAID)


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
    if d.empty:  # no rows (a filter left none): no labels, and no arithmetic on empty dtypes
        return pd.Series([], index=days.index, dtype=object)
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


def campaign_key(utm: pd.Series) -> pd.Series:
    """Campaigns meet on their UTM name, lower-cased and trimmed: `Q3-Sale_US` in a link
    is the `q3-sale_us` of the ad platform's campaign."""
    key = utm.astype("string").str.strip().str.lower()
    return key.where(key.notna() & (key != ""), NONE).astype(object)


def filter_cells(df: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    if sel.platforms and "platform" in df:
        df = df[df.platform.isin(sel.platforms)]
    if sel.markets and "market" in df:
        df = df[df.market.isin(sel.markets)]
    return df.copy()


def sum_cells(df: pd.DataFrame, sel: Selection, measures: dict[str, pd.Series]) -> pd.DataFrame:
    out = df[sel.keys].copy() if len(df) else pd.DataFrame(columns=sel.keys)
    for name, values in measures.items():
        out[name] = values.astype(float).to_numpy() if len(df) else []
    return out
