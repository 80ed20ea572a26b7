"""The API's closed sets as enums and its open sets as patterns: what a request may say, in
the OpenAPI document as well as on the server (FastAPI checks every declared parameter before
a route runs; a value outside its set is a 400 problem naming the field and its valid values).

Each enum is built from the registry that owns the names (platforms from the ledger's rules,
markets from ISO 3166, models from attribution, metrics from the catalogue), so a name added
there is added here; removing one is a breaking change the OpenAPI snapshot test catches.
"""

from __future__ import annotations

from enum import StrEnum

from socialroi.deliver.web.auth import SHARE_KINDS
from socialroi.deliver.web.routes.costs import CATEGORIES, RULES
from socialroi.deliver.web.routes.reports import FORMATS
from socialroi.measure.attribution.workspace import COMPARE_ORDER
from socialroi.model.metrics import METRICS
from socialroi.model.periods import COMPARISONS
from socialroi.sources.base import PLATFORMS
from socialroi.sources.kit.countries import COUNTRY_NAMES, iso_names
from socialroi.store.web import ROLES


def _enum(name: str, values, doc: str) -> type[StrEnum]:
    made = StrEnum(name, {v: v for v in values})  # type: ignore[misc]
    made.__doc__ = doc
    return made


# Social platforms plus the shop, the CRM and web analytics (the ledger's valid scopes).
Platform = _enum("Platform", (*PLATFORMS, "shop", "crm", "web"), "A platform.")
Market = _enum(
    "Market",
    sorted(set(iso_names()) | set(COUNTRY_NAMES)),
    "A market: an ISO 3166-1 alpha-2 country code.",
)
Compare = _enum(
    "Compare",
    (*COMPARISONS, "none"),
    "What the period is compared with: the period just before, a year before, or nothing.",
)
AttributionModel = _enum("AttributionModel", COMPARE_ORDER, "An attribution model.")
Granularity = _enum(
    "Granularity",
    ("platform", "platform_paid", "channel", "campaign", "market"),
    "What attribution credits: platforms (organic and paid together or apart), channels, "
    "campaigns or markets.",
)
MetricName = _enum("MetricName", list(METRICS), "A metric of the catalogue (docs/metrics.md).")
ReportFormat = _enum("ReportFormat", FORMATS, "A report file's format.")
Role = _enum("Role", ROLES, "A user's role: viewer < analyst < admin.")
ShareKind = _enum("ShareKind", SHARE_KINDS, "What a share link opens: one view, or the report.")
CostCategory = _enum("CostCategory", CATEGORIES, "A costs ledger category (docs/costs.md).")
AllocationRule = _enum(
    "AllocationRule", [r for r in RULES if r], "How a ledger line is spread (docs/costs.md)."
)
ProfileFormat = _enum("ProfileFormat", ("toml", "yaml", "yml"), "A profile text's language.")
DeltaUnit = _enum(
    "DeltaUnit",
    ("relative", "pp"),
    "How a change is said: `pp` is a difference in percentage points of a rate (0.036 = "
    "+3.6 pt), `relative` a relative change of an amount or count (-0.072 = -7.2 %).",
)
MetricUnit = _enum(
    "MetricUnit",
    ("currency", "count", "people", "percent", "ratio"),
    "A metric's unit: `currency` amounts are in the answer's `currency`; `percent` values "
    "are fractions (0.123 = 12.3 %); `ratio` values are plain multiples (ROAS 3.1).",
)

# The views whose tables download as CSV (the API's names, then the view computed for each).
CSV_VIEWS = {
    "overview": "overview", "metrics": "explore", "attribution": "attribution",
    "content": "content", "costs": "costs", "clv": "clv", "imports": "data",
}  # fmt: skip
View = _enum("View", CSV_VIEWS, "A view of the dashboard and the API.")
TABLES = (
    "by_platform", "trend", "platform_market", "matrix", "campaigns", "posts", "comparison",
    "model", "publishing", "formats", "ledger", "allocations", "by_platform_category",
    "imports", "findings", "sources", "coverage", "period_findings",
)  # fmt: skip
Table = _enum("Table", TABLES, "A table of a view (each view has some of them).")

# -- open sets: patterns and bounds ---------------------------------------------------------
_Y = r"20\d\d"


def _date(year: str, leap: str) -> str:
    return (
        rf"(?:{year}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-"
        rf"(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))|{leap}-02-29)"
    )


_DATE = _date(_Y, r"20(?:0[048]|[2468][048]|[13579][26])")
# A day of 1900-2099 that exists (a ledger line's dates).
DATE_PATTERN = (
    "^"
    + _date(
        r"(?:19|20)\d\d",
        r"(?:19(?:0[48]|[2468][048]|[13579][26])|20(?:0[048]|[2468][048]|[13579][26]))",
    )
    + "$"
)
PERIOD_PATTERN = (
    rf"^(?:{_DATE}\.\.{_DATE}|{_DATE}|{_Y}-?W(?:0?[1-9]|[1-4]\d|5[0-3])|{_Y}-(?:0?[1-9]|1[0-2])"
    rf"|{_Y}-?Q[1-4]|{_Y})$"
)
PERIOD_DOC = (
    "A quarter (2026-Q3), month (2026-07), ISO week (2026-W05), year (2026), day (2026-07-15) "
    "or range of days (2026-07-01..2026-09-30), in 2000-2099. A range must not end before "
    "it starts and a week must exist (2026-W53 does, 2025-W53 does not): a period the "
    "pattern allows but the calendar does not is a 422 problem. Default: the quarter of the "
    "latest data."
)
PROFILE_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"
PROFILE_DOC = (
    "An ROI profile: a built-in one (`dtc`, `b2b`, `brand`) or one of this workspace's "
    "custom profiles (GET /api/v1/profiles lists them; the document is the same for every "
    "workspace, so custom names are a pattern, not an enum). A well-formed name the "
    "workspace does not know is a 422 problem (`unknown_name`) listing the valid ones. "
    "Default: the workspace's default profile."
)
CURRENCY_PATTERN = r"^[A-Z]{3}$"
REPORT_KEY_PATTERN = r"^[0-9a-f]{24}$"
LINK_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
COST_ID_PATTERN = r"^[^\x00-\x1f/]{1,200}$"
BATCH_ID_MAX = 2**63 - 1
LOOKBACK_MIN, LOOKBACK_MAX = 1, 365
PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX = 100, 1000
