"""Column headers as people read them, in their language, for the dashboard's tables and its
CSV and Excel downloads (the API's JSON keeps the column names as they are).

A metric's column is the metric's label (`roi` -> "ROI" / "投资回报率（ROI）"), its `_prev` and
`_delta` twins say so after it, an attribution model's column is the model's name, a market
code is the country; every other column is named here in English and translated in the
catalogue under the context `column`.
"""

from __future__ import annotations

from socialroi.model.metrics import METRICS
from socialroi.model.names import MODEL_NAMES

COLUMNS: dict[str, str] = {
    "platform": "Platform", "market": "Market", "campaign": "Campaign", "account": "Account",
    "period": "Period", "unit": "Credited to", "channel": "Channel", "format": "Format",
    "post_id": "Post id", "published_at": "Published", "local_date": "Local date",
    "caption": "Caption", "url": "Link", "impressions": "Impressions", "reach": "Reach",
    "engagements": "Engagements", "engagement_rate_impressions": "Engagement rate",
    "link_clicks": "Link clicks", "views": "Views", "posts": "Posts",
    "engagements_per_post": "Engagements per post", "value": "Value",
    "conversion_share": "Share of conversions", "value_share": "Share of value",
    "cost_id": "Cost id", "period_start": "From", "period_end": "To", "category": "Category",
    "amount": "Amount", "currency": "Currency", "amount_base": "Amount (base currency)",
    "allocation": "Allocation", "team": "Team", "description": "Description",
    "batch_id": "Import", "days_in_period": "Days in period",
    "amount_in_period_base": "In this period (base currency)", "rule": "Allocated by",
    "note": "Note", "customers": "Customers", "orders": "Orders",
    "historical_clv": "Historical CLV", "file_name": "File", "source": "Source",
    "report": "Report", "status": "Status", "rows_read": "Rows read",
    "rows_loaded": "Rows loaded", "rows_skipped": "Rows skipped", "tables": "Tables",
    "imported_at": "Imported", "kind": "Kind", "rows": "Rows", "findings": "Findings",
    "example": "Example", "files": "Files", "first_day": "First day", "last_day": "Last day",
    "last_import": "Last import", "table": "Table", "days_with_data": "Days with data",
    "days_in_period_data": "Days in period", "missing_days": "Missing days", "daily": "Daily",
    "file_hash": "File hash", "context": "Import settings", "finding_no": "Finding",
    "row_number": "Row", "column": "Column", "message": "Message", "experiment": "Experiment",
    "design": "Design", "metric": "Metric", "effect": "Effect", "low": "95% low",
    "high": "95% high", "p_value": "p-value", "prob_b_better": "P(B better)",
    "significant": "Significant", "arm": "Arm", "units": "Units", "count": "Count",
    "exposure": "Exposure", "rate": "Rate", "rate_after": "Rate after",
    "(none)": "(no market)", "platform_paid": "Platform, paid or organic", "cost": "Cost",
    "costs": "Costs", "spend_base": "Spend",
}  # fmt: skip
# Phrases around a metric's or model's own name.
SUFFIXES = {"prev": "{label} (previous)", "delta": "{label}: change",
            "shift": "{label} vs last click"}  # fmt: skip


def header(column: str, fmt) -> str:
    """The header of `column` for the reader of `fmt` (a `Formatter`)."""
    col = str(column)
    if col in METRICS and col not in COLUMNS:
        return fmt.metric_label(METRICS[col])
    if col in MODEL_NAMES["en"]:
        return fmt.model_label(col)
    for suffix, phrase in SUFFIXES.items():
        base = col.removesuffix("_" + suffix)
        if base != col and (base in METRICS or base in MODEL_NAMES["en"]):
            label = header(base, fmt)
            return fmt.word(phrase, "column").format(label=label)
    if col in COLUMNS:
        return fmt.word(COLUMNS[col], "column")
    if len(col) == 2 and col.isupper():
        return col  # a market code, as the table's rows write it
    return col.replace("_", " ")


def phrases() -> list[str]:
    """Every header phrase to translate (for the catalogue's template)."""
    return list(COLUMNS.values()) + list(SUFFIXES.values())
