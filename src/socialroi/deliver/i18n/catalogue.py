"""The report's and the dashboard's own phrases, keyed, in English.

The report names its phrases by key (`fmt.t("take_roi", ...)`); the English is here and every
other language's text is in the one catalogue, `model/locale/<lang>.po`, under the key as its
context (`msgctxt "take_roi"`). `make i18n` writes every phrase into `messages.pot` and each
language's file; a test fails when a language lacks one or changes its `{fields}`.

A phrase may still be written the old way, `{"en": ..., "zh-CN": ...}` (a branch written
before the catalogue moved): `make i18n` moves its translations into the PO files, and a test
fails until it has.

Number, money, percentage and date formats are in `formats.py` (Babel, per locale).
"""

# ruff: noqa: E501 - phrases stay on one line each, as a translator reads them

from __future__ import annotations

from socialroi.deliver.i18n.formats import LANGS, Formatter, formatter, register_phrases

__all__ = ["LANGS", "MESSAGES", "Formatter", "english", "formatter", "message_keys"]

MESSAGES: dict[str, str | dict[str, str]] = {
    "title": "Social media ROI report",
    "period": "Period",
    "compared_with": "compared with",
    "profile": "Profile",
    "model": "Attribution model",
    "currency": "Currency",
    "generated": "Generated",
    "markets": "Markets",
    "platforms": "Platforms",
    "all": "all",
    "contents": "Contents",
    "page_footer": "Page {page} of {pages}",
    "not_available": "Not available for this workspace yet: {what}.",
    "no_data": "No data for this period.",
    # sections
    "summary": "Executive summary",
    "roi": "ROI by platform and market",
    "attribution": "Attribution",
    "funnel": "B2B funnel",
    "clv": "Customer lifetime value",
    "content": "Content",
    "costs": "Costs",
    "quality": "Data quality",
    "methodology": "Methodology",
    # column headers and labels
    "metric": "Metric",
    "value": "Value",
    "previous": "Previous",
    "change": "Change",
    "insights": "What stands out",
    "platform": "Platform",
    "market": "Market",
    "share_budget": "Share of budget",
    "share_contribution": "Share of contribution",
    "unit": "Credited to",
    "conversions": "Conversions",
    "conversions_under": "Conversions ({model})",
    "model_caption": "Attribution model: {model}",
    "conv_share": "Share",
    "revenue": "Revenue",
    "vs_last_click": "vs last click (points)",
    "stage": "Stage",
    "count": "Count",
    "cost_per": "Cost per stage",
    "conversion_rate": "From previous stage",
    "customers": "New customers",
    "historical_clv": "Historical CLV",
    "predicted_clv": "Predicted CLV (12 months)",
    "cac": "CAC",
    "clv_cac": "CLV:CAC",
    "accounts": "Performance by account",
    "account": "Account",
    "followers": "Followers",
    "follower_growth": "Follower growth",
    "reach": "Reach (sum over posts)",
    "views": "Views",
    "top_posts": "Top posts",
    "bottom_posts": "Bottom posts",
    "formats": "Formats",
    "publishing": "Publishing volume and engagement",
    "post": "Post",
    "published": "Published",
    "format": "Format",
    "posts": "Posts",
    "impressions": "Impressions",
    "engagements": "Engagements",
    "engagements_per_post": "Engagements per post",
    "engagement_rate": "Engagement rate",
    "category": "Category",
    "rule": "Allocated by",
    "amount": "Amount",
    "share": "Share",
    "coverage": "Coverage per source and market",
    "table": "Table",
    "source": "Source",
    "first_day": "First day",
    "last_day": "Last day",
    "missing_days": "Missing days",
    "rows": "Rows",
    "findings": "Rows left out or flagged, and why",
    "kind": "Kind",
    "example": "Example",
    "unmapped": "Unmapped UTMs",
    "medium": "Medium",
    "campaign": "Campaign",
    "touches": "Visits",
    "fx": "Exchange rates used",
    "rate": "Rate to base",
    "min_rate": "Lowest",
    "max_rate": "Highest",
    "overrides": "Days overridden",
    "definition": "Definition",
    "formula": "Formula",
    "files": "Files",
    "skipped": "Rows skipped",
    "read": "Rows read",
    "report_kind": "Report",
    "none_found": "None.",
    "unallocated": "not allocated",
    "none_market": "(no market)",
    "none_platform": "(no platform)",
    "sourced_pipeline": "Sourced pipeline",
    "influenced_pipeline": "Influenced pipeline",
    "attribution_models": "Credit under each model",
    "method_notes": "How the figures are made",
    "more_rows": "The {shown} rows that matter most of {total}; the Excel file has every row.",
    "all_rows_in_xlsx": "All {total} series have a row for every day of the period; the Excel file lists them.",
    "cat_ad_spend": "Ad spend",
    "cat_salaries": "Salaries",
    "cat_tools": "Tools",
    "cat_community_management": "Community management",
    "cat_analytics_platform": "Analytics platform",
    "cat_creative_production": "Creative production",
    "cat_agency": "Agency",
    "cat_other": "Other",
    "rule_ad_data": "Ad platform data",
    "rule_direct": "Direct (its own scope)",
    "rule_ad_spend_share": "Share of ad spend",
    "rule_posts_share": "Share of posts",
    "rule_hours_share": "Share of team hours",
    "rule_even": "Evenly",
    "rule_unallocated": "Not allocated",
    "pt": "pt",
    "by_platform": "By platform",
    "by_cell": "By platform and market",
    "by_category": "By category",
    "by_rule": "How it was allocated",
    "headline": "Headline metrics",
    # take-away sentences
    "money_title": "Revenue, true cost and ROI",
    "money_total_revenue": "Total revenue (every channel)",
    "money_social_revenue": "Revenue attributed to social",
    "money_social_share": "Social's share of revenue",
    "money_true_cost": "True cost of social",
    "money_cost_title": "True cost by category",
    "money_roi_target": "ROI target (profile)",
    "money_roi_gap": "ROI against target",
    "moves_title": "Recommended budget moves",
    "moves_column": "Move",
    "move": "Move {amount} from {giver} (ROI {giver_roi}) to {taker} (ROI {taker_roi}): about {effect} more return, if both keep returning what they return on average today.",
    "paid": "Paid performance by campaign",
    "paid_table": "The {n} campaigns with the most spend (of {total})",
    "take_paid": "{share} of the {spend} ad spend went to campaigns that also brought revenue; {best} returned the most per unit of spend (ROAS {roas}).",
    "take_summary": "{metric} was {value} in {period}, {delta} against {cperiod}.",
    "take_summary_plain": "{metric} was {value} in {period}.",
    "take_roi": "{platform} brings {contribution} of the contribution on {budget} of the budget; the best return on true cost is {cell} (ROI {roi}).",
    "take_attribution": "Under {model}, {top} earns the most credit ({share}); last click under-credits {under}.",
    "take_attribution_even": "Under {model}, {top} earns the most credit ({share}); last click gives social platforms about the same credit.",
    "take_funnel": "{leads} leads became {won} won deals; a sales-qualified lead cost {cost_sql}, and social influenced {influenced} of pipeline.",
    "take_clv_hist": "Customers acquired through {platform} have so far returned {ratio} their acquisition cost (historical CLV {clv} against CAC {cac}).",
    "take_clv_plain": "{customers} new customers were acquired; they have spent {clv} each on average so far.",
    "take_content": "{platform} earns the most engagement per post ({per_post}); {most} publishes the most ({posts} posts).",
    "take_costs": "The true cost was {total}, of which ad spend is {ad_share}; {unallocated} could not be allocated to a platform.",
    "take_quality": "{complete} of {series} daily source and market series are complete for the period; {skipped} rows were left out or flagged at import.",
    "take_method": "Every figure above follows the definitions below; money is in {currency} at the ECB reference rate of each day.",
    "note_attr_markets": "Attribution covers journeys in every market; the market filter applies to the other sections.",
    "note_profile": "Profile: {profile} ({name}). {description}",
    "list_sep": ", ",
    "note_model": "Attribution model: {model}; lookback {days} days; conversions: {kinds}.",
    "note_rank": "Ranked by {metric}; rates only for posts shown at least {min} times.",
    # the experiments section (issue 16)
    "experiments": "Experiments",
    "experiment": "Experiment",
    "design": "Design",
    "arm": "Arm",
    "units": "Units",
    "arm_rate": "Rate (or weekly mean before)",
    "effect": "Effect",
    "effect_low": "95% low",
    "effect_high": "95% high",
    "p_value": "p-value",
    "prob_better": "P(B better)",
    "verdict": "Verdict",
    "needed": "Needed for a conclusive answer",
    "revenue_month": "Revenue / month",
    "take_experiments": "{conclusive} of {total} experiments gave a conclusive answer; {best}.",
    "note_experiments": "Verdicts are in English. Rates: Poisson GLM with a log-impressions offset and robust or author-clustered errors; cadence and market tests: difference-in-differences, with synthetic control and placebos beside it (docs/experiments.md).",
}


def english(key: str) -> str | None:
    """A phrase's English (None for an unknown key)."""
    entry = MESSAGES.get(key)
    if isinstance(entry, dict):
        return entry.get("en")
    return entry


def message_keys() -> list[str]:
    return list(MESSAGES)


register_phrases(english)
