"""The demo brand's world: what "really happened", before it is written as native exports.

The generator (`socialroi.demo.generate`) fills a `DemoWorld`; one writer per source
(`socialroi.demo.writers.<source>.write(world, out)`) renders its part as the files that
platform, shop or CRM would let a user download — quirks included — and the demo then imports
those files through the real importers. Every frame below is a pandas DataFrame with exactly
the columns listed; timestamps are tz-aware UTC, dates are `datetime.date` in the account's
(or store's) time zone, money is in the row's `currency`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

COLUMNS: dict[str, tuple[str, ...]] = {
    # One row per social, ads, shop or CRM account. `language` is the export language the
    # account's team uses (en, es or zh): writers localise that account's headers with it.
    "accounts": (
        "account_id", "platform", "handle", "native_id", "name", "market", "currency",
        "timezone", "kind", "language",
    ),
    # Organic posts. `native_id` is the platform's id (text). `handle` names the account.
    "posts": (
        "platform", "handle", "native_id", "published_at", "local_date", "format", "caption",
        "url", "promoted", "campaign_native_id",
    ),
    # Post x day organic figures (zeros where a platform does not count a metric).
    "post_daily": (
        "platform", "handle", "native_id", "date", "impressions", "reach", "views", "likes",
        "comments", "shares", "saves", "clicks", "link_clicks", "video_views", "watch_seconds",
        "follows",
    ),
    # Account x day figures. `followers` is the end-of-day count.
    "account_daily": (
        "platform", "handle", "date", "followers", "follows", "unfollows", "impressions",
        "reach", "views", "profile_views", "likes", "comments", "shares", "unique_viewers",
        "new_viewers",
    ),
    # Paid structure: one row per ad, with its ad group and campaign.
    "ads": (
        "platform", "handle", "account_native_id", "campaign_native_id", "campaign_name",
        "objective", "ad_group_native_id", "ad_group_name", "ad_native_id", "ad_name",
        "market", "currency", "utm_campaign",
    ),
    # Ad x day delivery. `conversions`/`conversion_value` are what the platform claims.
    "ad_daily": (
        "platform", "ad_native_id", "date", "currency", "spend", "impressions", "reach",
        "clicks", "link_clicks", "video_views", "conversions", "conversion_value",
    ),
    # Web sessions (GA4). `click_id_type` is fbclid, ttclid, ... or None. `email` is set
    # when the visitor is a known customer or contact (signed in / identified).
    "sessions": (
        "session_id", "visitor_id", "user_id", "email", "started_at", "local_date", "source",
        "medium", "campaign", "content", "term", "click_id_type", "click_id", "referrer",
        "landing_page", "country", "pageviews", "engaged",
    ),
    # Shop orders (Shopify). `visitor_id`/`session_id` link to the web session that bought.
    "orders": (
        "order_id", "order_name", "customer_id", "email", "created_at", "local_date",
        "currency", "subtotal", "shipping", "taxes", "total", "country", "landing_site",
        "referring_site", "visitor_id", "session_id", "lineitem_name", "lineitem_quantity",
        "lineitem_price",
    ),
    # CRM contacts (HubSpot). Stage dates are None when not reached.
    "contacts": (
        "contact_id", "email", "first_name", "last_name", "company", "country", "created_at",
        "lifecycle_stage", "lead_date", "mql_date", "sql_date", "opportunity_date",
        "customer_date", "original_source", "original_source_drill_down_1", "utm_source",
        "utm_medium", "utm_campaign", "visitor_id",
    ),
    # CRM deals (HubSpot) — B2B wholesale line.
    "deals": (
        "deal_id", "deal_name", "contact_id", "company", "pipeline", "stage", "created_at",
        "close_date", "amount", "currency", "country", "is_won", "is_closed",
    ),
    # Salesforce opportunities (the B2B line's enterprise region uses Salesforce).
    "opportunities": (
        "opportunity_id", "opportunity_name", "account_name", "owner", "stage", "amount",
        "currency", "probability", "created_date", "close_date", "lead_source", "type",
        "is_won", "is_closed", "country",
    ),
    # GA4 report rows: date x source/medium/campaign x country aggregates.
    "ga4_daily": (
        "date", "source", "medium", "campaign", "country", "sessions", "users",
        "engaged_sessions", "key_events", "revenue",
    ),
    # Costs ledger lines (socialroi's documented ledger format).
    "costs": (
        "id", "period", "period_end", "category", "amount", "currency", "platform", "market",
        "campaign", "allocation", "description",
    ),
    # The central content team's hours per month x platform x market (socialroi's
    # documented time-split format); drives the `hours_share` salaries.
    "time_split": ("team", "period", "platform", "market", "hours"),
}  # fmt: skip


@dataclass
class DemoWorld:
    seed: int
    scale: str
    start: dt.date  # first day of the demo year
    end: dt.date  # last day
    base_currency: str = "USD"
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    # The generator's true incremental effect of each channel (platform x paid/organic) on
    # conversions, saved as ground_truth.json beside the exports for attribution scoring.
    truth: dict = field(default_factory=dict)
    # The experiments the brand ran (`stages.experiments.Planted`): specs, units, planted truth.
    experiments: Any = None

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    def check(self) -> None:
        """Every frame has exactly its documented columns."""
        for name, cols in COLUMNS.items():
            if name not in self.frames:
                raise ValueError(f"demo world lacks frame {name!r}")
            got = tuple(self.frames[name].columns)
            if got != cols:
                raise ValueError(f"demo frame {name!r} columns {got} != {cols}")
