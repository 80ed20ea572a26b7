"""What every /api/v1 answer looks like: Pydantic models, so the OpenAPI document states each
field and a generated client gets typed objects.

Conventions, the same in every model:
- money is in the answer's `currency` (the workspace's base currency, ISO 4217); a ledger line
  keeps its own `amount` + `currency` beside `amount_base`;
- dates and times are ISO 8601 strings (`2026-07-01`, `2026-07-01T00:00:00.000`, with `Z`
  when the instant is UTC);
- shares, rates and percentages are fractions (0.123 = 12.3 %); a change of a rate is in
  percentage points (`delta_unit: "pp"`), of an amount or count relative (`"relative"`).

Table rows name their known columns; the metric columns a profile adds are further members
(numbers or null), so a profile with more metrics adds fields, never breaks a client.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from socialroi.deliver.web.api_types import (
    CURRENCY_PATTERN,
    DATE_PATTERN,
    AllocationRule,
    AttributionModel,
    Compare,
    CostCategory,
    DeltaUnit,
    Market,
    MetricUnit,
    Platform,
    Role,
    ShareKind,
)

Cell = float | int | str | bool | None
CURRENCY = Field(
    pattern=CURRENCY_PATTERN,
    description="ISO 4217 code of every amount in this answer (the workspace's base currency).",
)


class Row(BaseModel):
    """A table row: its named columns, plus any further (metric) columns."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Cell]  # type: ignore[assignment]


# -- the filters an answer was computed for --------------------------------------------------
class AppliedFilters(BaseModel):
    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, str]  # type: ignore[assignment]

    period: str = Field(description="The period as asked (or the default).")
    compare: Compare
    platforms: list[Platform]
    markets: list[Market]
    profile: str
    model: AttributionModel | None = Field(description="null: the profile's model.")


class AsOf(BaseModel):
    data_version: str = Field(description="A short name of the data version the figures are of.")
    computed_at: str = Field(description="When they were computed (ISO 8601, UTC).")
    current: bool = Field(
        description="False while newer data is being computed: these are the last good figures."
    )


class ViewAnswer(BaseModel):
    view: str = Field(description="The dashboard view the figures come from.")
    filters: AppliedFilters
    currency: str = CURRENCY
    notes: list[str] = Field(description="Why something is missing, in plain sentences.")
    as_of: AsOf | None = Field(None, description="Which data the figures are of.")


# -- overview ---------------------------------------------------------------------------------
class Headline(BaseModel):
    metric: str
    label: str
    unit: MetricUnit
    direction: str = Field(description="`up` or `down`: which way is better.")
    definition: str
    value: float | None
    previous: float | None = Field(description="The value in the comparison period.")
    delta: float | None = Field(description="The change, in `delta_unit`.")
    delta_unit: DeltaUnit


class Insight(BaseModel):
    kind: str
    sentence: str
    strength: float


class OverviewData(BaseModel):
    headline: list[Headline]
    currency: str = CURRENCY
    model: str | None
    compare_period: str | None = Field(description="The comparison period's label.")
    insights: list[Insight]
    campaigns: list[str] = Field(
        [], description="The campaigns with spend, posts or visits in the period (their keys)."
    )
    campaign: str | None = Field(None, description="The campaign filtered on, if any.")


class PlatformRow(Row):
    platform: str | None = None


class PeriodRow(Row):
    period: str | None = None


class OverviewTables(BaseModel):
    model_config = ConfigDict(extra="allow")
    by_platform: list[PlatformRow] = []
    trend: list[PeriodRow] = []


class Overview(ViewAnswer):
    data: OverviewData
    tables: OverviewTables


# -- metrics (platform x market) --------------------------------------------------------------
class MetricInfo(BaseModel):
    name: str
    label: str
    unit: str
    direction: str | None = None
    definition: str | None = None


class MetricsData(BaseModel):
    metric: MetricInfo


class MetricsTables(BaseModel):
    model_config = ConfigDict(extra="allow")
    platform_market: list[Row] = []
    matrix: list[PlatformRow] = []
    by_platform: list[PlatformRow] = []
    campaigns: list[Row] = Field([], description="With `platform_drill`: its campaigns.")
    posts: list[Row] = Field([], description="With `platform_drill`: its top 100 posts.")


class Metrics(ViewAnswer):
    data: MetricsData
    tables: MetricsTables


# -- attribution ------------------------------------------------------------------------------
class AttributionData(BaseModel):
    model_config = ConfigDict(extra="allow")
    model: str | None = None
    granularity: str | None = None
    lookback: int | None = Field(None, description="Lookback window in days.")
    kinds: list[str] = []
    distance_to_truth: dict[str, float | None] = {}
    models: list[str] = []


class AttributionTables(BaseModel):
    model_config = ConfigDict(extra="allow")
    comparison: list[Row] = Field([], description="Credit share per unit under each model.")
    model: list[Row] = []


class Attribution(ViewAnswer):
    data: AttributionData
    tables: AttributionTables


# -- content ----------------------------------------------------------------------------------
class PostRow(Row):
    post_id: str
    platform: str | None = None
    account: str | None = None
    market: str | None = None
    published_at: str | None = Field(None, description="ISO 8601 instant (UTC).")
    local_date: str | None = Field(None, description="ISO 8601 date in the account's zone.")
    format: str | None = None
    caption: str | None = None
    url: str | None = None


class ContentData(BaseModel):
    posts_total: int | None = None


class ContentTables(BaseModel):
    model_config = ConfigDict(extra="allow")
    posts: list[PostRow] = Field([], description="The top 300 by engagements (all: /posts).")
    publishing: list[Row] = []
    formats: list[Row] = []


class Content(ViewAnswer):
    data: ContentData
    tables: ContentTables


# -- costs ------------------------------------------------------------------------------------
class LedgerLine(Row):
    cost_id: str
    period_start: str | None = Field(None, description="ISO 8601 date.")
    period_end: str | None = Field(None, description="ISO 8601 date.")
    category: str | None = None
    amount: float | None = Field(None, description="In the line's own `currency`.")
    currency: str | None = Field(None, description="ISO 4217 code of `amount`.")
    amount_base: float | None = Field(None, description="In the answer's currency.")
    amount_in_period_base: float | None = Field(None, description="The part in the period.")


class CostsData(BaseModel):
    total: float | None = Field(None, description="Allocated true cost, in `currency`.")
    nonsocial: float | None = Field(
        None,
        description="Of `total`, the cost on paid platforms that are not social (Google Ads "
        "search and shopping campaigns, platform `search`), in `currency`: ROI and the overview "
        "leave it out of the true cost.",
    )
    currency: str = CURRENCY


class CostsTables(BaseModel):
    model_config = ConfigDict(extra="allow")
    ledger: list[LedgerLine] = []
    allocations: list[Row] = []
    by_platform_category: list[Row] = []


class Costs(ViewAnswer):
    data: CostsData
    tables: CostsTables


# -- CLV --------------------------------------------------------------------------------------
class ClvData(BaseModel):
    clv_column: str = Field(description="`predicted_clv`, or `historical_clv` when too few "
                            "repeat buyers allow a prediction.")  # fmt: skip
    currency: str = CURRENCY


class ClvTables(BaseModel):
    model_config = ConfigDict(extra="allow")
    by_platform: list[PlatformRow] = []
    platform_market: list[PlatformRow] = []


class Clv(ViewAnswer):
    data: ClvData
    tables: ClvTables


# -- imports ----------------------------------------------------------------------------------
class Batch(Row):
    batch_id: int
    file_name: str | None = None
    source: str | None = None
    report: str | None = None
    status: str | None = Field(None, description="loaded, superseded, failed, ...")
    rows_read: int | None = None
    rows_loaded: int | None = None
    rows_skipped: int | None = None
    period_start: str | None = Field(None, description="ISO 8601.")
    period_end: str | None = Field(None, description="ISO 8601.")
    imported_at: str | None = Field(None, description="ISO 8601 instant.")


class ImportsTables(BaseModel):
    model_config = ConfigDict(extra="allow")
    imports: list[Batch] = Field([], description="The latest 500 batches (all: /imports/history).")
    findings: list[Row] = []
    sources: list[Row] = []
    coverage: list[Row] = []
    period_findings: list[Row] = []


class Imports(ViewAnswer):
    data: dict[str, Any]
    tables: ImportsTables


class Finding(Row):
    batch_id: int | None = None
    finding_no: int | None = None
    kind: str
    message: str | None = None


class BatchTables(BaseModel):
    batch: list[Batch]
    findings: list[Finding]


class BatchDetail(BaseModel):
    view: str
    data: dict[str, Any]
    notes: list[str]
    tables: BatchTables


# -- pages of growing lists -------------------------------------------------------------------
class Page(BaseModel):
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )
    limit: int


class PostsPage(Page):
    items: list[PostRow]
    currency: str = CURRENCY


class BatchesPage(Page):
    items: list[Batch]


class FindingsPage(Page):
    items: list[Finding]


class LedgerPage(Page):
    items: list[LedgerLine]
    currency: str = CURRENCY


class AuditEntry(BaseModel):
    at: str = Field(description="ISO 8601 instant.")
    actor: str
    action: str
    target: str | None
    details: str | None = Field(description="JSON text of what changed.")


class AuditPage(Page):
    items: list[AuditEntry]


# -- changes and administration ---------------------------------------------------------------
class Me(BaseModel):
    username: str
    role: Role
    via: str = Field(description="`session` or `token`.")


class FileResult(BaseModel):
    file: str
    status: str = Field(description="loaded, unchanged, updated, skipped, failed ...")
    batch_id: int | None
    source: str | None
    report: str | None
    rows_loaded: int | None
    findings: int | list[Any] | dict[str, Any] | None
    message: str


class UploadOutcome(BaseModel):
    results: list[FileResult]
    error: str | None = Field(description="null when every file was imported.")


class CostSaved(BaseModel):
    cost_id: str


class Deleted(BaseModel):
    deleted: str


class Revoked(BaseModel):
    revoked: str


class ReportState(BaseModel):
    key: str
    state: str = Field(description="`building` or `done`.")
    status: str = Field(description="This state's URL, to poll.")
    step: str | None = None
    progress: float | None = Field(None, ge=0, le=1, description="0-1.")
    seconds: float | None = None
    error: str | None = None
    files: dict[str, str] | None = Field(None, description="Format -> download path, once done.")


class ShareLink(BaseModel):
    url: str


class ShareLinkInfo(BaseModel):
    link_id: str
    created_by: str
    kind: ShareKind
    query: str
    created_at: str = Field(description="ISO 8601 instant.")
    expires_at: str = Field(description="ISO 8601 instant.")
    revoked: bool
    live: bool


class Profile(BaseModel):
    name: str
    label: str
    kinds: list[str]
    headline: list[str]
    model: str
    lookback_days: int
    custom: bool
    format: str | None
    text: str | None


class ProfileSaved(BaseModel):
    name: str


class User(BaseModel):
    user_id: int
    username: str
    role: Role
    active: bool
    read_only: bool


class Token(BaseModel):
    token_id: int
    name: str | None
    username: str
    role: Role
    created_at: str | None = Field(description="ISO 8601 instant.")
    last_used_at: str | None = Field(description="ISO 8601 instant.")
    revoked: bool | None
    expires_at: str | None = Field(description="ISO 8601 instant.")
    read_only: bool


class Connection(BaseModel):
    source: str = Field(description="The connector (meta, ga4, shopify, hubspot, ...).")
    title: str = Field(description="The platform's name.")
    account: str = Field(description="The account as connected (act_..., ig:..., a portal).")
    streams: list[str] = Field(description="Streams synced for this account so far.")
    synced_until: str | None = Field(description="Last day held (ISO date), None: none yet.")
    last_sync: str | None = Field(description="ISO 8601 instant of the last sync, good or not.")
    last_good_sync: str | None = Field(description="When a stream of it last landed.")
    next_sync: str | None = Field(description="The next scheduled sync; None: none planned.")
    rows: int = Field(
        description="Rows the last good sync of each of its streams landed (inserted + "
        "updated; fact rows, else all)."
    )
    token_expires: str | None = Field(description="The access token's expiry; None: never.")
    grant_lapses: str | None = Field(
        description="When the grant stops working unless someone connects again (the refresh "
        "token's end when known, else the access token's); None: no known end."
    )
    lapsing: bool = Field(description="The grant lapses within 7 days.")
    renew: str = Field(
        description="The command that renews the grant; it names the account where each "
        "account consents for itself (LinkedIn members: `--account member:...`)."
    )
    health: str = Field(description="ok, failed or expired.")
    last_error: str | None = Field(description="The last error in plain words (no secrets).")


class SyncState(BaseModel):
    state: str = Field(description="syncing, done or failed.")
    sources: list[str] = Field(description="The connections it syncs (empty: every one).")
    queued: list[str] = Field(
        description="Connections asked for while it ran that it did not cover: it syncs them "
        "when its own are done."
    )
    step: str = Field(description="The stream under way.")
    done: int
    total: int
    progress: float = Field(ge=0, le=1)
    seconds: float
    new: int
    changed: int
    unchanged: int
    failed: list[str] = Field(description="Streams that failed (source/stream account).")
    error: str


class SyncStarted(SyncState):
    """A sync started (or joined) by `POST /api/v1/connections/sync`."""

    joined: bool = Field(
        description="True: a sync was running already and this is its state (what it did not "
        "cover of the request is in its `queued`)."
    )
    status: str = Field(description="Where to poll its state (`sync` of the connections list).")


class Connections(BaseModel):
    items: list[Connection]
    sync: SyncState | None = Field(
        description="The sync last started from the dashboard or the API."
    )


# -- request bodies ---------------------------------------------------------------------------
class CostLineIn(BaseModel):
    """A ledger line to add (no `cost_id`) or change (its `cost_id`)."""

    model_config = ConfigDict(extra="forbid")

    cost_id: str | None = Field(None, max_length=200)
    period_start: str = Field(description="ISO 8601 date.", pattern=DATE_PATTERN)
    period_end: str = Field(
        description="ISO 8601 date, on or after the start.", pattern=DATE_PATTERN
    )
    category: CostCategory  # type: ignore[valid-type]
    amount: float = Field(
        description="In `currency`.", json_schema_extra={"minimum": -1e12, "maximum": 1e12}
    )
    currency: str | None = Field(None, pattern=CURRENCY_PATTERN)
    platform: Platform | None = None
    market: Market | None = None
    campaign: str | None = Field(None, max_length=500)
    allocation: AllocationRule | None = None  # type: ignore[valid-type]
    description: str | None = Field(None, max_length=500)

    @field_validator("amount")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v) or abs(v) > 1e12:  # the words the dashboard shows
            raise ValueError(
                "the amount must be a finite number between -1,000,000,000,000 and "
                "1,000,000,000,000 (in the line's currency)"
            )
        return v


class ShareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ShareKind
    query: str = Field("", max_length=2000, description="The filters as a URL query.")
    days: float = Field(
        7,
        description="How long the link works: 1-90 days.",
        json_schema_extra={"minimum": 1, "maximum": 90},
    )

    @field_validator("days")
    @classmethod
    def _lifetime(cls, v: float) -> float:
        if not 1 <= v <= 90:
            raise ValueError("a share link lasts 1 to 90 days")
        return v


class SyncIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str | None = Field(
        None,
        min_length=1,
        max_length=40,
        pattern=r"^[a-z][a-z0-9_]*$",
        description="Only this connection (a source name as `socialroi connections` lists "
        "it); none: every connection.",
    )


class ProfileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: str = Field("toml", pattern=r"^(toml|yaml|yml|TOML|YAML|YML)$")
    text: str = Field(min_length=1, max_length=20_000, description="The profile (docs/roi.md).")


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=12, max_length=4096)
    role: Role = Role("viewer")  # type: ignore[call-arg]
