"""The metric catalogue: every metric socialroi shows, defined once.

A metric is a formula over *base measures* (the additive sums `socialroi.measure.measures`
computes per platform x market x campaign x period). Ratios are computed from the sums of
their numerator and denominator at whatever level a table shows — never as an average of
per-row ratios. The CLI, the report, the dashboard and `docs/metrics.md` all read this
registry; `register_metric()` adds a custom one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from socialroi.errors import SocialroiError, UnknownName

UNITS = ("currency", "count", "people", "percent", "ratio")
AGGREGATIONS = {
    "additive": "sums across platforms, markets and periods",
    "ratio_of_sums": "numerator and denominator are summed first, then divided",
    "share_of_total": "the row's sum divided by the sum over every row shown",
    "non_additive": "computed afresh at each level from the underlying events (people or "
    "conversions are counted once, so rows do not add up to the total)",
}
DIRECTIONS = ("up", "down", "none")

Measures = Mapping[str, float]


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    unit: str
    aggregation: str
    direction: str
    definition: str
    formula: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    compute: Callable[[Measures], float] | None = None
    requires: tuple[str, ...] = ()  # undefined (NaN) unless these measures are non-zero

    def value(self, m: Measures, totals: Measures | None = None) -> float:
        """The metric from summed base measures (`totals`: the sums over every row shown,
        for share metrics)."""
        if any(not _get(m, r) for r in self.requires):
            return float("nan")
        if self.compute is not None:
            return _clean(self.compute(m))
        num = sum(_get(m, n) for n in self.numerator)
        if self.aggregation == "share_of_total":
            tot = sum(_get(totals or m, n) for n in self.numerator)
            return _div(num, tot)
        if not self.denominator:
            return _clean(num)
        return _div(num, sum(_get(m, n) for n in self.denominator))

    @property
    def measures(self) -> tuple[str, ...]:
        return self.numerator + self.denominator


def _get(m: Measures, name: str) -> float:
    v = m.get(name, 0.0)
    return 0.0 if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def _clean(v: float) -> float:
    return float("nan") if v is None or math.isinf(v) else float(v)


def _div(a: float, b: float) -> float:
    return a / b if b else float("nan")


METRICS: dict[str, Metric] = {}


def register_metric(metric: Metric) -> Metric:
    """Add (or replace) a metric; checks its unit, aggregation and direction."""
    for field, valid in (
        ("unit", UNITS),
        ("aggregation", tuple(AGGREGATIONS)),
        ("direction", DIRECTIONS),
    ):
        if getattr(metric, field) not in valid:
            raise SocialroiError(
                f"metric {metric.name!r}: {field} {getattr(metric, field)!r} is not one of "
                + ", ".join(valid)
            )
    METRICS[metric.name] = metric
    return metric


def metric(name: str) -> Metric:
    try:
        return METRICS[name]
    except KeyError:
        raise UnknownName("metric", name, sorted(METRICS)) from None


def _m(name, label, unit, agg, direction, definition, formula, num, den=(), compute=None,
       requires=()):  # fmt: skip
    return register_metric(
        Metric(name, label, unit, agg, direction, definition, formula, num, den, compute, requires)
    )


def _ratio(a: str, b: str) -> Callable[[Measures], float]:
    return lambda m: _div(_get(m, a), _get(m, b))


# -- cost -------------------------------------------------------------------------------------
_m(
    "spend",
    "Ad spend",
    "currency",
    "additive",
    "none",
    "Money paid to the platforms for ads, from their ad reports.",
    "sum(ad spend)",
    ("ad_spend",),
)
_m(
    "true_cost",
    "True cost",
    "currency",
    "additive",
    "none",
    "Ad spend plus every allocated ledger cost in the profile's cost scope (salaries, tools, "
    "community management, analytics, creative, agency).",
    "ad spend + allocated ledger costs",
    ("true_cost",),
)
_m(
    "budget_share",
    "Share of budget",
    "percent",
    "share_of_total",
    "none",
    "This row's share of the true cost of every row shown.",
    "true cost / total true cost",
    ("true_cost",),
)
# -- outcomes ---------------------------------------------------------------------------------
_m(
    "conversions",
    "Attributed conversions",
    "count",
    "additive",
    "up",
    "Conversions of the profile's kinds credited to the row by the attribution model.",
    "sum(credited conversions)",
    ("conversions",),
)
_m(
    "revenue",
    "Attributed revenue",
    "currency",
    "additive",
    "up",
    "Conversion value credited to the row by the attribution model.",
    "sum(credited conversion value)",
    ("revenue",),
)
_m(
    "contribution_share",
    "Share of contribution",
    "percent",
    "share_of_total",
    "up",
    "This row's share of the attributed return (revenue, or won revenue for B2B) of every "
    "row shown.",
    "attributed return / total attributed return",
    ("attributed_return",),
)
_m(
    "influenced_revenue",
    "Influenced revenue",
    "currency",
    "non_additive",
    "up",
    "Value of conversions with at least one touch from the row's platform within the "
    "lookback; a conversion counts fully for every platform that touched it, so this is "
    "never added to sourced or attributed revenue.",
    "sum(value of conversions with a touch from the row)",
    ("influenced_revenue",),
)
_m(
    "influenced_conversions",
    "Influenced conversions",
    "count",
    "non_additive",
    "up",
    "Conversions with at least one touch from the row's platform within the lookback.",
    "count(conversions with a touch from the row)",
    ("influenced_conversions",),
)
_m(
    "sourced_revenue",
    "Sourced revenue",
    "currency",
    "additive",
    "up",
    "Value of conversions whose journey started with a touch from the row (first touch).",
    "sum(value credited by first touch)",
    ("sourced_revenue",),
)
_m(
    "new_customers",
    "New customers",
    "people",
    "additive",
    "up",
    "First purchases ever of a customer, credited to the row by the attribution model.",
    "sum(credited first purchases)",
    ("new_customers",),
)
_m(
    "aov",
    "Average order value",
    "currency",
    "ratio_of_sums",
    "up",
    "Attributed revenue per attributed purchase.",
    "attributed revenue / attributed conversions",
    ("revenue",),
    ("conversions",),
)
_m(
    "nonsocial_revenue",
    "Revenue credited to other channels",
    "currency",
    "additive",
    "none",
    "Purchase value the model credits to search, e-mail, direct and other non-social "
    "channels (and purchases with no recorded touch); with attributed revenue it adds up to "
    "every purchase.",
    "sum(credited purchase value outside social)",
    ("nonsocial_purchase_revenue",),
)
_m(
    "nonsocial_cost",
    "Cost on other channels",
    "currency",
    "additive",
    "none",
    "Cost of non-social paid channels (Google Ads search and shopping campaigns) in the cost "
    "categories of the profile: kept out of social's true cost, as the revenue credited to "
    "those channels is kept out of social's return.",
    "sum(cost on non-social paid platforms)",
    ("nonsocial_cost",),
)
# -- efficiency -------------------------------------------------------------------------------
_m(
    "cpa",
    "CPA",
    "currency",
    "ratio_of_sums",
    "down",
    "Media cost per attributed conversion: ad spend divided by conversions credited.",
    "ad spend / attributed conversions",
    ("ad_spend",),
    ("conversions",),
    requires=("ad_spend",),  # organic-only platforms have no media cost per conversion
)
_m(
    "cac",
    "CAC",
    "currency",
    "ratio_of_sums",
    "down",
    "True cost per new customer credited to the row.",
    "true cost / attributed new customers",
    ("true_cost",),
    ("new_customers",),
)
_m(
    "cpm",
    "CPM",
    "currency",
    "ratio_of_sums",
    "down",
    "Ad spend per thousand paid impressions.",
    "ad spend / paid impressions x 1000",
    ("ad_spend",),
    ("ad_impressions",),
    compute=lambda m: _div(_get(m, "ad_spend") * 1000.0, _get(m, "ad_impressions")),
)
_m(
    "cpc",
    "CPC (link)",
    "currency",
    "ratio_of_sums",
    "down",
    "Ad spend per click to the destination (all clicks where a platform reports no link clicks).",
    "ad spend / link clicks",
    ("ad_spend",),
    ("ad_link_clicks",),
)
_m(
    "ctr",
    "CTR (link)",
    "percent",
    "ratio_of_sums",
    "up",
    "Link clicks per paid impression.",
    "link clicks / paid impressions",
    ("ad_link_clicks",),
    ("ad_impressions",),
)
_m(
    "roas",
    "ROAS",
    "ratio",
    "ratio_of_sums",
    "up",
    "Attributed revenue per unit of ad spend.",
    "attributed revenue / ad spend",
    ("revenue",),
    ("ad_spend",),
)
_m(
    "roi",
    "ROI",
    "percent",
    "ratio_of_sums",
    "up",
    "Attributed return minus true cost, over true cost: 0 % breaks even.",
    "(attributed return - true cost) / true cost",
    ("attributed_return", "true_cost"),
    ("true_cost",),
    compute=lambda m: _div(
        _get(m, "attributed_return") - _get(m, "true_cost"), _get(m, "true_cost")
    ),
)
_m(
    "earned_media_value",
    "Earned media value",
    "currency",
    "additive",
    "up",
    "What the organic impressions would have cost as ads, at the profile's CPM per platform.",
    "organic impressions x CPM / 1000",
    ("earned_media_value",),
)
# -- engagement -------------------------------------------------------------------------------
_m(
    "impressions",
    "Organic impressions",
    "count",
    "additive",
    "up",
    "Times the account's posts were shown (organic and boosted, as the platform reports).",
    "sum(post impressions)",
    ("impressions",),
)
_m(
    "reach",
    "Reach",
    "people",
    "non_additive",
    "up",
    "People reached, summed over posts (the platforms do not export reach de-duplicated "
    "across posts, so a person reached by two posts counts twice).",
    "sum(post reach)",
    ("reach",),
)
_m(
    "engagements",
    "Engagements",
    "count",
    "additive",
    "up",
    "Likes, comments, shares and saves on the posts.",
    "sum(likes + comments + shares + saves)",
    ("engagements",),
)
_m(
    "posts",
    "Posts published",
    "count",
    "additive",
    "none",
    "Posts published in the period.",
    "count(posts)",
    ("posts",),
)
_m(
    "engagement_rate_impressions",
    "Engagement rate by impressions",
    "percent",
    "ratio_of_sums",
    "up",
    "Engagements per impression of the posts.",
    "engagements / impressions",
    ("engagements",),
    ("impressions",),
)
_m(
    "engagement_rate_reach",
    "Engagement rate by reach",
    "percent",
    "ratio_of_sums",
    "up",
    "Engagements per person reached, summed over posts.",
    "engagements / reach",
    ("engagements",),
    ("reach",),
)
_m(
    "engagement_rate_followers",
    "Engagement rate by followers",
    "percent",
    "ratio_of_sums",
    "up",
    "Engagements over the followers at the end of the period.",
    "engagements / followers",
    ("engagements",),
    ("followers",),
)
_m(
    "engagement_to_conversion",
    "Engagement-to-conversion rate",
    "percent",
    "ratio_of_sums",
    "up",
    "Attributed conversions per engagement on the row's posts.",
    "attributed conversions / engagements",
    ("conversions",),
    ("engagements",),
)
_m(
    "followers",
    "Followers",
    "people",
    "non_additive",
    "up",
    "Followers at the end of the period (the last reported count of each account).",
    "sum over accounts of last follower count",
    ("followers",),
)
_m(
    "follower_growth",
    "Follower growth",
    "percent",
    "ratio_of_sums",
    "up",
    "Net followers gained in the period over the followers at its start.",
    "(followers at end - followers at start) / followers at start",
    ("follower_change",),
    ("followers_start",),
)
# -- B2B funnel -------------------------------------------------------------------------------
_m(
    "leads",
    "Leads",
    "count",
    "additive",
    "up",
    "Leads credited to the row.",
    "sum(credited leads)",
    ("leads",),
)
_m(
    "qualified_leads",
    "Qualified leads (MQL)",
    "count",
    "additive",
    "up",
    "Marketing-qualified leads credited to the row.",
    "sum(credited MQLs)",
    ("mqls",),
)
_m(
    "sqls",
    "Sales-qualified leads",
    "count",
    "additive",
    "up",
    "Sales-qualified leads credited to the row.",
    "sum(credited SQLs)",
    ("sqls",),
)
_m(
    "won_deals",
    "Won deals",
    "count",
    "additive",
    "up",
    "Deals won, credited to the row.",
    "sum(credited won deals)",
    ("won",),
)
_m(
    "cost_per_lead",
    "Cost per lead",
    "currency",
    "ratio_of_sums",
    "down",
    "True cost per credited lead.",
    "true cost / leads",
    ("true_cost",),
    ("leads",),
)
_m(
    "cost_per_mql",
    "Cost per MQL",
    "currency",
    "ratio_of_sums",
    "down",
    "True cost per credited marketing-qualified lead.",
    "true cost / MQLs",
    ("true_cost",),
    ("mqls",),
)
_m(
    "cost_per_sql",
    "Cost per SQL",
    "currency",
    "ratio_of_sums",
    "down",
    "True cost per credited sales-qualified lead.",
    "true cost / SQLs",
    ("true_cost",),
    ("sqls",),
)
_m(
    "lead_to_mql",
    "Lead to MQL rate",
    "percent",
    "ratio_of_sums",
    "up",
    "Credited MQLs per credited lead.",
    "MQLs / leads",
    ("mqls",),
    ("leads",),
)
_m(
    "mql_to_sql",
    "MQL to SQL rate",
    "percent",
    "ratio_of_sums",
    "up",
    "Credited SQLs per credited MQL.",
    "SQLs / MQLs",
    ("sqls",),
    ("mqls",),
)
_m(
    "sql_to_won",
    "SQL to won rate",
    "percent",
    "ratio_of_sums",
    "up",
    "Credited won deals per credited SQL.",
    "won deals / SQLs",
    ("won",),
    ("sqls",),
)
_m(
    "pipeline_influenced",
    "Pipeline influenced",
    "currency",
    "non_additive",
    "up",
    "Value of opportunities with at least one touch from the row's platform in the lookback.",
    "sum(value of opportunities touched by the row)",
    ("influenced_pipeline",),
)
_m(
    "won_revenue",
    "Won revenue (attributed)",
    "currency",
    "additive",
    "up",
    "Value of won deals credited to the row by the attribution model.",
    "sum(credited won value)",
    ("won_revenue",),
)
_m(
    "won_revenue_sourced",
    "Won revenue sourced",
    "currency",
    "additive",
    "up",
    "Value of won deals whose journey started with a touch from the row (first touch).",
    "sum(won value credited by first touch)",
    ("sourced_won_revenue",),
)
_m(
    "won_revenue_influenced",
    "Won revenue influenced",
    "currency",
    "non_additive",
    "up",
    "Value of won deals with at least one touch from the row's platform in the lookback.",
    "sum(value of won deals touched by the row)",
    ("influenced_won_revenue",),
)
# -- lifetime value ---------------------------------------------------------------------------
_m(
    "clv",
    "CLV (historical)",
    "currency",
    "ratio_of_sums",
    "up",
    "Revenue to date per customer acquired in the period, by acquisition platform and market.",
    "revenue to date of acquired customers / acquired customers",
    ("clv_revenue",),
    ("clv_customers",),
)
_m(
    "predicted_clv",
    "CLV (predicted)",
    "currency",
    "ratio_of_sums",
    "up",
    "Discounted expected revenue per acquired customer (BG/NBD and Gamma-Gamma) over the horizon.",
    "predicted CLV of acquired customers / acquired customers",
    ("clv_predicted",),
    ("clv_customers",),
)
_m(
    "clv_cac",
    "CLV:CAC",
    "ratio",
    "ratio_of_sums",
    "up",
    "Historical CLV per acquired customer over the true cost of acquiring a customer; above "
    "3 is the usual target.",
    "(CLV revenue / acquired customers) / (true cost / new customers)",
    ("clv_revenue", "new_customers"),
    ("clv_customers", "true_cost"),
    compute=lambda m: _div(
        _ratio("clv_revenue", "clv_customers")(m), _ratio("true_cost", "new_customers")(m)
    ),
)
_m("engaged_cohort_clv", "Engaged-cohort CLV", "currency", "non_additive", "up",
   "Revenue to date per customer acquired in the period whose first purchase followed a "
   "touch from the row's platform.",
   "revenue to date of touched customers / touched customers",
   ("engaged_clv_revenue",), ("engaged_customers",),
   compute=_ratio("engaged_clv_revenue", "engaged_customers"))  # fmt: skip
