"""Canonical tables of a socialroi workspace, defined once.

Every table is a `TableSpec`: its grain, its natural key (what an overlapping re-import
replaces) and its columns with type, unit and meaning. The Ibis schema, the DuckDB DDL and
`docs/data-model.md` are all derived from these specs; `tests/model/test_data_model_doc.py` fails
when the doc and the code disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ibis
import ibis.expr.schema as sch

from socialroi.errors import UnknownName

SCHEMA_VERSION = 5


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # an Ibis type string: string, int64, float64, boolean, date, timestamp('UTC')
    unit: str
    meaning: str


@dataclass(frozen=True)
class TableSpec:
    name: str
    kind: str  # dimension, fact or system
    grain: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    about: str
    # For snapshot rows: when a re-import carries the same key, the row with the newer value
    # of this column wins (an older export imported later does not overwrite a newer one).
    newer_wins: str | None = None
    indexes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def ibis_schema(self) -> sch.Schema:
        return ibis.schema({c.name: c.dtype for c in self.columns})

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def C(name: str, dtype: str, unit: str, meaning: str) -> Column:  # noqa: N802 - table-like
    return Column(name, dtype, unit, meaning)


TS = "timestamp('UTC')"
BATCH = C("batch_id", "int64", "id", "The import batch that brought (or last updated) this row.")
PLATFORM = C(
    "platform",
    "string",
    "code",
    "tiktok, instagram, facebook, x, pinterest, youtube, linkedin (or web, shop, crm; search "
    "for Google Ads outside YouTube).",
)
ACCOUNT = C("account_id", "string", "id", "Account as `platform:handle-or-native-id`.")
CURRENCY = C("currency", "string", "ISO 4217", "Currency of the original amounts on this row.")

_ENGAGEMENT = (
    C("impressions", "int64", "count", "Times the content was shown (TikTok/X: views)."),
    C("reach", "int64", "people", "Unique accounts reached; not additive across rows."),
    C("views", "int64", "count", "Plays or views as the platform counts them."),
    C("likes", "int64", "count", "Likes / reactions."),
    C("comments", "int64", "count", "Comments and replies."),
    C("shares", "int64", "count", "Shares, reposts and retweets."),
    C("saves", "int64", "count", "Saves, bookmarks and pin saves."),
    C("clicks", "int64", "count", "All clicks on the content as the platform counts them."),
    C("link_clicks", "int64", "count", "Clicks that left the platform (outbound, URL clicks)."),
    C("video_views", "int64", "count", "Video views by the platform's own threshold."),
    C("watch_seconds", "float64", "seconds", "Total watch time."),
    C("follows", "int64", "count", "Follows gained from this content."),
    C("engagements", "int64", "count", "Engagements as the platform reports them (raw)."),
)

TABLES: dict[str, TableSpec] = {}


def _add(spec: TableSpec) -> None:
    TABLES[spec.name] = spec


_add(
    TableSpec(
        "accounts",
        "dimension",
        "one row per social, ads, shop or CRM account",
        ("account_id",),
        (
            ACCOUNT,
            PLATFORM,
            C("native_id", "string", "id", "The platform's own id of the account, if known."),
            C("handle", "string", "text", "Public handle, e.g. @voltiq.us."),
            C("name", "string", "text", "Display name."),
            C("market", "string", "ISO 3166", "Country or region the account serves."),
            C("currency", "string", "ISO 4217", "Currency the account reports money in."),
            C("timezone", "string", "IANA tz", "Time zone of the account's daily figures."),
            C("kind", "string", "code", "brand, employee, creator, ads, shop or crm."),
            BATCH,
        ),
        "Who published or paid. Accounts are created by the first import that names them.",
    )
)
_add(
    TableSpec(
        "campaigns",
        "dimension",
        "one row per paid campaign, ad group or ad",
        ("campaign_id",),
        (
            C("campaign_id", "string", "id", "`platform:level:native-id`."),
            PLATFORM,
            ACCOUNT,
            C("level", "string", "code", "campaign, ad_group or ad."),
            C("native_id", "string", "id", "The ads platform's own id."),
            C("parent_id", "string", "id", "campaign_id of the level above (null for campaigns)."),
            C("name", "string", "text", "Name as typed in the ads manager (untrusted text)."),
            C("objective", "string", "text", "Objective, when the export carries it."),
            C("market", "string", "ISO 3166", "Market, from the account or the name."),
            C("utm_campaign", "string", "text", "utm_campaign value that links web visits."),
            BATCH,
        ),
        "Paid structure. Names keep the exact text typed in the ads manager.",
    )
)
_add(
    TableSpec(
        "posts",
        "dimension",
        "one row per organic or promoted post, video, pin or tweet",
        ("post_id",),
        (
            C("post_id", "string", "id", "`platform:native-id`."),
            PLATFORM,
            ACCOUNT,
            C("native_id", "string", "id", "The platform's own id as exported (text)."),
            C("published_at", TS, "UTC", "Publish time in UTC."),
            C("local_date", "date", "date", "Publish date in the account's time zone."),
            C(
                "format",
                "string",
                "code",
                "video, image, carousel, text, story, reel, short, live, pin, link, other.",
            ),  # noqa: E501
            C("caption", "string", "text", "Caption or title (untrusted text)."),
            C("url", "string", "URL", "Permalink."),
            C("promoted", "boolean", "flag", "True when the post was boosted or used as an ad."),
            C("campaign_id", "string", "id", "Campaign that promoted it, when known."),
            C("id_mangled", "boolean", "flag", "The id arrived in scientific notation (Excel)."),
            BATCH,
        ),
        "Content. An id mangled by Excel (`1.22158E+17`) is kept as text and flagged.",
    )
)
_add(
    TableSpec(
        "post_metrics",
        "fact",
        "post x day, or post x lifetime snapshot (grain = lifetime)",
        ("post_id", "grain", "metric_date"),
        (
            C("post_id", "string", "id", "The post (see posts)."),
            PLATFORM,
            ACCOUNT,
            C(
                "grain",
                "string",
                "code",
                "`day` for daily figures, `lifetime` for a snapshot, `snapshot` for one dated "
                "read of the figures (X API: what a sync read that day; never summed).",
            ),
            C(
                "metric_date",
                "date",
                "date",
                "Day of the figures (local); publish date for lifetime; day read for snapshot.",
            ),  # noqa: E501
            C("as_of", "date", "date", "Last day the export covers; the newer snapshot wins."),
            *_ENGAGEMENT,
            BATCH,
        ),
        "Organic performance. Lifetime snapshots of the same post replace each other.",
        newer_wins="as_of",
    )
)
_add(
    TableSpec(
        "account_metrics",
        "fact",
        "account x day",
        ("account_id", "metric_date"),
        (
            ACCOUNT,
            PLATFORM,
            C("metric_date", "date", "date", "Day in the account's time zone."),
            C("followers", "int64", "people", "Followers at the end of the day; not additive."),
            C("follower_change", "int64", "people", "Net follower change that day."),
            C("follows", "int64", "people", "New follows that day."),
            C("unfollows", "int64", "people", "Unfollows that day."),
            C("impressions", "int64", "count", "Impressions of all content that day."),
            C("reach", "int64", "people", "Unique accounts reached that day; not additive."),
            C("views", "int64", "count", "Video or content views that day."),
            C("profile_views", "int64", "count", "Profile or page visits that day."),
            C("clicks", "int64", "count", "Clicks on content that day (pin clicks, post clicks)."),
            C("link_clicks", "int64", "count", "Outbound clicks that day."),
            C("saves", "int64", "count", "Saves that day."),
            C("likes", "int64", "count", "Likes that day."),
            C("comments", "int64", "count", "Comments that day."),
            C("shares", "int64", "count", "Shares that day."),
            C("engagements", "int64", "count", "Engagements as the platform reports them."),
            C("unique_viewers", "int64", "people", "Unique viewers that day; not additive."),
            C("new_viewers", "int64", "people", "First-time viewers that day."),
            BATCH,
        ),
        "Account-level daily figures. Columns a platform does not export stay null.",
    )
)
_add(
    TableSpec(
        "ad_metrics",
        "fact",
        "ad (or ad group, or campaign) x day, or x reporting period when not daily",
        ("entity_id", "metric_date", "period_end"),
        (
            C(
                "entity_id",
                "string",
                "id",
                "Most specific campaign_id on the row (ad > group > campaign).",
            ),  # noqa: E501
            PLATFORM,
            ACCOUNT,
            C("campaign_id", "string", "id", "Campaign (level campaign)."),
            C("ad_group_id", "string", "id", "Ad group / ad set, if the export has one."),
            C("ad_id", "string", "id", "Ad, if the export has one."),
            C("metric_date", "date", "date", "Day (or first day of the reporting period)."),
            C("period_end", "date", "date", "Last day covered; equals metric_date for daily rows."),  # noqa: E501
            C("market", "string", "ISO 3166", "Market of the account or campaign."),
            CURRENCY,
            C("spend", "float64", "currency", "Amount spent, in `currency`."),
            C("spend_base", "float64", "base currency", "Spend in the workspace base currency."),  # noqa: E501
            C("impressions", "int64", "count", "Paid impressions."),
            C("reach", "int64", "people", "Unique people reached; not additive."),
            C("clicks", "int64", "count", "All clicks."),
            C("link_clicks", "int64", "count", "Clicks to the destination URL."),
            C("video_views", "int64", "count", "Video views by the platform's threshold."),
            C(
                "platform_conversions",
                "float64",
                "count",
                "Conversions the platform claims. Never summed across platforms.",
            ),  # noqa: E501
            C("platform_conversion_value", "float64", "currency", "Value the platform claims."),
            C(
                "platform_conversion_value_base",
                "float64",
                "base currency",
                "That value in base currency.",
            ),  # noqa: E501
            BATCH,
        ),
        "Paid delivery and cost. Platform-claimed conversions are kept for comparison only.",
    )
)
_add(
    TableSpec(
        "touchpoints",
        "fact",
        "one visit (session) or click",
        ("touch_id",),
        (
            C("touch_id", "string", "id", "`origin:native-id`, stable across re-imports."),
            C("occurred_at", TS, "UTC", "Start of the visit in UTC."),
            C("local_date", "date", "date", "Date in the property's time zone."),
            C("visitor_id", "string", "id", "Anonymous visitor (GA4 user_pseudo_id, cookie)."),
            C("user_id", "string", "id", "Signed-in user or customer id."),
            C("email_hash", "string", "sha256", "SHA-256 of the lower-cased e-mail."),
            C("session_id", "string", "id", "Session id within the visitor."),
            C("source", "string", "text", "utm_source / GA4 source, URL-decoded, lower-case."),
            C("medium", "string", "text", "utm_medium, URL-decoded, lower-case."),
            C("campaign", "string", "text", "utm_campaign, URL-decoded."),
            C("content", "string", "text", "utm_content."),
            C("term", "string", "text", "utm_term."),
            C(
                "click_id_type",
                "string",
                "code",
                "fbclid, ttclid, li_fat_id, twclid, epik, gclid, ...",
            ),  # noqa: E501
            C("click_id", "string", "id", "Click id value."),
            C("referrer", "string", "URL", "Referring URL."),
            C("landing_page", "string", "URL", "First page of the visit."),
            C("market", "string", "ISO 3166", "Country of the visit or the store."),
            C(
                "channel",
                "string",
                "code",
                "Channel from the channel rules (Organic Social, Paid Social, Direct, ...).",
            ),  # noqa: E501
            C("channel_platform", "string", "code", "Social platform of the touch, or null."),
            C("paid", "boolean", "flag", "True for paid traffic."),
            C("rule", "string", "code", "Name of the channel rule that matched (or `unmapped`)."),
            C("origin", "string", "code", "ga4_event, shopify_landing, hubspot_source, ..."),
            BATCH,
        ),
        "The journey's raw material. Channel fields are derived by the channel rules.",
        indexes=("visitor_id",),
    )
)
_add(
    TableSpec(
        "conversions",
        "fact",
        "one conversion event: a purchase, signup, lead or CRM stage reached",
        ("conversion_id",),
        (
            C("conversion_id", "string", "id", "`origin:native-id:kind`."),
            C("kind", "string", "code", "purchase, signup, lead, mql, sql, opportunity, won."),
            C("occurred_at", TS, "UTC", "When it happened, in UTC."),
            C("local_date", "date", "date", "Date in the store's or CRM's time zone."),
            C("visitor_id", "string", "id", "Web visitor, when known (GA4)."),
            C("user_id", "string", "id", "Customer or contact id in the shop or CRM."),
            C("email_hash", "string", "sha256", "SHA-256 of the lower-cased e-mail."),
            C("customer_id", "string", "id", "Customer for CLV (shop customer, CRM company)."),
            C("order_id", "string", "id", "Order, deal or opportunity id."),
            C("value", "float64", "currency", "Value in `currency` (order total, deal amount)."),
            CURRENCY,
            C("value_base", "float64", "base currency", "Value in the workspace base currency."),
            C("market", "string", "ISO 3166", "Market of the sale or contact."),
            C("is_new_customer", "boolean", "flag", "First purchase of this customer."),
            C(
                "source",
                "string",
                "text",
                "Self-reported first source (utm_source, original source).",
            ),  # noqa: E501
            C("medium", "string", "text", "Self-reported medium."),
            C("campaign", "string", "text", "Self-reported campaign."),
            C("referrer", "string", "URL", "Referring site."),
            C("landing_page", "string", "URL", "Landing site."),
            C("channel", "string", "code", "Channel of the self-reported source."),
            C("channel_platform", "string", "code", "Platform of the self-reported source."),
            C("paid", "boolean", "flag", "Self-reported source was paid."),
            C("origin", "string", "code", "shopify, hubspot, salesforce, ga4."),
            BATCH,
        ),
        "Outcomes. Value converts at the ECB rate of the conversion's date.",
    )
)
_add(
    TableSpec(
        "traffic_daily",
        "fact",
        "day x source/medium/campaign as a web analytics report aggregates it",
        ("origin", "metric_date", "source", "medium", "campaign", "market"),
        (
            C("origin", "string", "code", "Which report: ga4_report."),
            C("metric_date", "date", "date", "Day in the property's time zone."),
            C("source", "string", "text", "Session source, lower-case."),
            C("medium", "string", "text", "Session medium, lower-case."),
            C("campaign", "string", "text", "Session campaign ('' when none)."),
            C("market", "string", "ISO 3166", "Country ('' when the report has none)."),
            C("sessions", "int64", "count", "Sessions."),
            C("users", "int64", "people", "Users; not additive."),
            C("engaged_sessions", "int64", "count", "Engaged sessions."),
            C("key_events", "float64", "count", "Key events (formerly conversions)."),
            C("revenue", "float64", "currency", "Revenue in `currency`."),
            CURRENCY,
            C("revenue_base", "float64", "base currency", "Revenue in base currency."),
            C("channel", "string", "code", "Channel from the channel rules."),
            C("channel_platform", "string", "code", "Social platform, or null."),
            C("paid", "boolean", "flag", "Paid traffic."),
            BATCH,
        ),
        "Aggregated web analytics when only report downloads (not events) are available.",
    )
)
_add(
    TableSpec(
        "view_sources",
        "fact",
        "account x day x traffic source: where a channel's views came from",
        ("account_id", "metric_date", "source_type"),
        (
            ACCOUNT,
            PLATFORM,
            C("metric_date", "date", "date", "Day in the account's time zone (YouTube: Pacific)."),
            C(
                "source_type",
                "string",
                "code",
                "The traffic source as the platform names it (YouTube's insightTrafficSourceType: "
                "YT_SEARCH, RELATED_VIDEO, SUBSCRIBER, EXT_URL, PLAYLIST, NOTIFICATION, ...).",
            ),
            C("source_name", "string", "text", "Its readable name (YouTube Studio's, in English)."),
            C("views", "int64", "count", "Views that came from this source that day."),
            C(
                "watch_seconds",
                "float64",
                "seconds",
                "Watch time of those views, in seconds as everywhere in the model (YouTube: "
                "estimatedMinutesWatched x 60); null when the export carries views only.",
            ),
            BATCH,
        ),
        "Views by traffic source, kept apart from `traffic_daily` (web sessions): a view on "
        "YouTube is not a visit to the shop, and mixing them would distort sessions and "
        "attribution. A sync holds every source, so they sum to the channel's views that day; "
        "a Studio export holds the sources ticked in its chart.",
    )
)
_add(
    TableSpec(
        "costs",
        "fact",
        "one ledger line: an amount for a period, category and optional scope",
        ("cost_id",),
        (
            C("cost_id", "string", "id", "The ledger's id, or a hash of the line."),
            C("period_start", "date", "date", "First day the cost covers."),
            C("period_end", "date", "date", "Last day the cost covers."),
            C(
                "category",
                "string",
                "code",
                "ad_spend, salaries, tools, community_management, analytics_platform, creative_production, agency, other.",
            ),  # noqa: E501
            C("amount", "float64", "currency", "Amount in `currency`."),
            CURRENCY,
            C(
                "amount_base",
                "float64",
                "base currency",
                "Amount in base currency (rate of period_end).",
            ),  # noqa: E501
            C("platform", "string", "code", "Scope: platform, or null for all."),
            C("market", "string", "ISO 3166", "Scope: market, or null for all."),
            C("campaign", "string", "text", "Scope: campaign name or id, or null."),
            C(
                "allocation",
                "string",
                "code",
                "direct, ad_spend_share, posts_share, hours_share, even, or null.",
            ),  # noqa: E501
            C("description", "string", "text", "Free text from the ledger."),
            BATCH,
            C(
                "team",
                "string",
                "text",
                "For `hours_share`: whose hours in the time split (null: every team's).",
            ),
        ),
        "The true cost of social beyond ad spend, as the team records it.",
    )
)
_add(
    TableSpec(
        "time_split",
        "fact",
        "team (or person) x platform x market x period: hours worked",
        ("team", "period_start", "period_end", "platform", "market"),
        (
            C("team", "string", "text", "Team or person, as the time-split file names it."),
            C("period_start", "date", "date", "First day the hours cover."),
            C("period_end", "date", "date", "Last day the hours cover."),
            PLATFORM,
            C("market", "string", "ISO 3166", "Market the hours were spent on."),
            C("hours", "float64", "hours", "Hours worked on that platform and market."),
            BATCH,
        ),
        "How a team splits its time; drives the `hours_share` cost allocation rule.",
    )
)
_add(
    TableSpec(
        "fx_rates",
        "system",
        "currency x day",
        ("currency", "rate_date"),
        (
            C("currency", "string", "ISO 4217", "Currency."),
            C("rate_date", "date", "date", "Day the rate applies to."),
            C("per_eur", "float64", "units per EUR", "Units of the currency for one euro."),
            C(
                "source",
                "string",
                "code",
                "`user` (an override); ECB rates are computed, not stored.",
            ),  # noqa: E501
        ),
        "User overrides of the ECB reference rates. Overrides win over ECB for that day.",
    )
)
_add(
    TableSpec(
        "import_batches",
        "system",
        "one import of one file",
        ("batch_id",),
        (
            C("batch_id", "int64", "id", "Sequential id."),
            C("file_name", "string", "text", "File (or zip member) name as given."),
            C("file_hash", "string", "sha256", "SHA-256 of the file's bytes."),
            C(
                "context",
                "string",
                "text",
                "What else shaped the import: file name, @handle folder, options. Same bytes and context = already imported.",
            ),
            C("source", "string", "code", "Source: tiktok, meta, x, ..., ga4, shopify, costs."),
            C("report", "string", "code", "Report kind within the source."),
            C(
                "status",
                "string",
                "code",
                "`loaded`, `superseded` by a forced re-read of the same file, or `undone` (`socialroi undo`: its rows removed). Failed imports store nothing.",
            ),
            C("rows_read", "int64", "count", "Data rows in the file."),
            C("rows_loaded", "int64", "count", "Rows written to canonical tables."),
            C(
                "rows_skipped",
                "int64",
                "count",
                "Rows left out (total rows, blanks); see findings.",
            ),  # noqa: E501
            C("tables", "string", "text", "Tables written, with row counts."),
            C("period_start", "date", "date", "First date in the file."),
            C("period_end", "date", "date", "Last date in the file."),
            C("imported_at", TS, "UTC", "When the import finished."),
        ),
        "Lineage: every fact row's batch_id points here.",
    )
)
_add(
    TableSpec(
        "dq_findings",
        "system",
        "one data-quality finding (possibly counting many rows)",
        ("batch_id", "finding_no"),
        (
            C("batch_id", "int64", "id", "Import batch."),
            C("finding_no", "int64", "id", "Number within the batch."),
            C("file_name", "string", "text", "File."),
            C(
                "kind",
                "string",
                "code",
                "skipped_total_row, suppressed_value, mangled_id, unmapped_channel, ...",
            ),  # noqa: E501
            C("row_number", "int64", "row", "First row concerned (1-based, as in a spreadsheet)."),
            C("column", "string", "text", "Column concerned."),
            C("value", "string", "text", "Example value."),
            C("rows", "int64", "count", "How many rows this finding covers."),
            C("message", "string", "text", "What was seen and what socialroi did."),
        ),
        "Nothing a user imported is silently dropped: what cannot be used is counted here.",
    )
)

_add(
    TableSpec(
        "connections",
        "system",
        "one connected API source (its secrets live outside the workspace)",
        ("source",),
        (
            C("source", "string", "code", "Source with an API connector: meta, ga4, ..."),
            C(
                "accounts",
                "string",
                "text",
                "Accounts read, comma-separated (act_..., Page ids, ...).",
            ),  # noqa: E501
            C(
                "credential_ref",
                "string",
                "id",
                "Reference of the tokens in the user's credentials file or OS keyring; never a token.",
            ),  # noqa: E501
            C("token_expires_at", TS, "UTC", "When the access token expires (null: does not)."),
            C("connected_at", TS, "UTC", "When the connection was made."),
            C("last_sync_at", TS, "UTC", "When a sync last finished."),
            C(
                "health",
                "string",
                "code",
                "ok, failed (last sync had failed streams) or expired (connect again).",
            ),  # noqa: E501
            C("last_error", "string", "text", "The last sync's first error, without secrets."),
        ),
        "What `socialroi connections` lists. Disconnecting deletes the row and the tokens.",
    )
)
_add(
    TableSpec(
        "sync_cursors",
        "system",
        "connection x account x stream",
        ("source", "account", "stream"),
        (
            C("source", "string", "code", "Source."),
            C("account", "string", "id", "Account as given to --account."),
            C("stream", "string", "code", "Stream of the source's connector, e.g. ad_insights."),
            C(
                "synced_until",
                "date",
                "date",
                "Last day synced (the next sync starts its lag window before it).",
            ),  # noqa: E501
            C("synced_at", TS, "UTC", "When the stream last synced."),
            C(
                "rows",
                "int64",
                "count",
                "Rows its last landing wrote (inserted + updated; fact rows, else all).",
            ),  # noqa: E501
            C(
                "batch_id",
                "int64",
                "id",
                "The last batch that changed rows (null: nothing changed yet).",
            ),  # noqa: E501
        ),
        "The incremental state of each stream, committed in the same transaction as its batch.",
    )
)

FACT_TABLES = [n for n, t in TABLES.items() if t.kind != "system"]


def table_spec(name: str) -> TableSpec:
    if name not in TABLES:
        raise UnknownName("table", name, list(TABLES))
    return TABLES[name]
