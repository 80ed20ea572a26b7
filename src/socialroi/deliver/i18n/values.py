"""Codes that appear as table cells, named for people: data-quality finding kinds, the data
model's tables, sources, import states, experiment designs and metrics. English here; other
languages in the catalogue under the context given by `CONTEXTS` (`finding kind`, ...).
Report and dashboard both show a cell through `Formatter.value(column, code)`.
"""

from __future__ import annotations

FINDING_KINDS: dict[str, str] = {
    "ambiguous_date_order": "Ambiguous day/month order",
    "as_of_assumed": "Snapshot date assumed",
    "assumed_timezone": "Time zone assumed",
    "assumed_utc": "UTC assumed",
    "breakdown_summed": "Breakdown rows summed",
    "campaign_objectives_differ": "Campaign with more than one objective",
    "cancelled_order": "Cancelled order",
    "channel_group_only": "Channel group only",
    "deal_without_dates": "Deal without dates",
    "duplicate_order": "Duplicate order",
    "duplicate_transaction": "Duplicate transaction",
    "fx_rate_stale": "Exchange rate from an earlier day",
    "ids_from_names": "Ids made from names",
    "ignored_table": "Extra table in the file ignored",
    "implausible_value": "Implausible value",
    "mangled_id": "Id mangled by a spreadsheet",
    "merged_duplicate_rows": "Duplicate rows merged",
    "metric_not_stored": "Metric not stored",
    "no_customer": "Order without a customer",
    "no_opportunity_id": "Opportunity without an id",
    "no_platform_breakdown": "No platform breakdown",
    "no_publish_time": "No publishing time",
    "no_session_id": "No session id",
    "no_stage_columns": "No stage columns",
    "no_stage_dates": "No stage dates",
    "other_row": "Rare combinations rolled into (other)",
    "other_rows": "Rows in GA4's (other) bucket",
    "period_total": "Period total row",
    "purchase_without_transaction_id": "Purchase without a transaction id",
    "refunded_order": "Refunded order",
    "revenue_without_currency": "Revenue without a currency",
    "sampled": "Sampled report",
    "skipped_footer": "Footer lines left out",
    "skipped_total_row": "Total rows left out",
    "snapshot_date_assumed": "Snapshot date assumed",
    "superseded_by_sync": "Rows already held by a sync",
    "suppressed_value": "Suppressed value (<5)",
    "thresholded": "Rows withheld below privacy thresholds",
    "tiktok_shop_order": "TikTok Shop order",
    "traffic_period_totals": "Traffic source totals without days",
    "traffic_source_not_charted": "Traffic source missing from the chart",
    "unknown_country": "Unknown country",
    "unknown_deal_stage": "Unknown deal stage",
    "unknown_traffic_source": "Unknown traffic source",
    "unmapped_channel": "Visit matching no channel rule",
    "won_without_amount": "Won deal without an amount",
}
TABLE_NAMES: dict[str, str] = {
    "accounts": "Accounts", "campaigns": "Campaigns", "posts": "Posts",
    "post_metrics": "Post metrics", "account_metrics": "Account metrics",
    "ad_metrics": "Ad metrics", "touchpoints": "Visits", "conversions": "Conversions",
    "traffic_daily": "Daily web traffic", "view_sources": "Views by traffic source",
    "costs": "Costs", "time_split": "Time split",
    "fx_rates": "Exchange rates", "import_batches": "Imports", "dq_findings": "Findings",
}  # fmt: skip
# Sources are products, written as their makers write them; the ledger is ours.
SOURCE_NAMES: dict[str, str] = {
    "ga4": "GA4", "shopify": "Shopify", "hubspot": "HubSpot", "salesforce": "Salesforce",
    "meta": "Meta", "tiktok": "TikTok", "linkedin": "LinkedIn", "pinterest": "Pinterest",
    "x": "X", "youtube": "YouTube", "instagram": "Instagram", "facebook": "Facebook",
    "google_ads": "Google Ads",
}  # fmt: skip
OUR_SOURCES: dict[str, str] = {
    "ledger": "Costs ledger", "demo": "Demo", "web": "Dashboard", "manual": "Entered by hand",
}  # fmt: skip
STATUSES: dict[str, str] = {"loaded": "loaded", "superseded": "superseded", "failed": "failed"}
DESIGNS: dict[str, str] = {
    "post": "Posts assigned", "author": "Authors assigned", "cadence": "Cadence",
    "market": "Market test",
}  # fmt: skip
EXPERIMENT_METRICS: dict[str, str] = {
    "engagement_rate": "Engagement rate", "link_click_rate": "Link-click rate",
    "engagements": "Engagements", "link_clicks": "Link clicks",
}  # fmt: skip

# What the platform column holds besides the seven platforms (web analytics, shop, CRM).
OTHER_PLATFORMS: dict[str, str] = {
    "web": "Website", "shop": "Shop", "crm": "CRM", "other": "Other", "email": "Email",
    "search": "Search", "direct": "Direct", "(no touch)": "(no touch)", "(direct)": "(direct)",
    "(unknown)": "(unknown)",
}  # fmt: skip

# column -> (context in the catalogue, code -> English)
VOCABULARIES: dict[str, tuple[str, dict[str, str]]] = {
    "kind": ("finding kind", FINDING_KINDS),
    "table": ("table name", TABLE_NAMES),
    "source": ("source name", OUR_SOURCES),
    "status": ("import status", STATUSES),
    "design": ("experiment design", DESIGNS),
    "metric": ("experiment metric", EXPERIMENT_METRICS),
    "platform": ("platform name", OTHER_PLATFORMS),
}


def english(column: str, code: str) -> tuple[str | None, str] | None:
    """(context, English) of a code in a column, or None when it is not one of ours."""
    if column == "source" and code in SOURCE_NAMES:
        return None, SOURCE_NAMES[code]  # a product's name, the same in every language
    got = VOCABULARIES.get(column)
    if got and code in got[1]:
        return got[0], got[1][code]
    return None


def phrases() -> list[tuple[str, str]]:
    """(context, English) of every code's name, for the catalogue's template."""
    return [(ctx, text) for ctx, words in VOCABULARIES.values() for text in words.values()]
