"""The Google Ads API as a connector: campaign, ad group and ad delivery per day through GAQL.

Written from Google's references (Google Ads API v26, REST interface):
- `GoogleAdsService.SearchStream`, `POST /v26/customers/{customer_id}/googleAds:searchStream`
  with a JSON body `{"query": GAQL}` (developers.google.com/google-ads/api/rest/common/search
  and .../reference/rpc/v26/SearchGoogleAdsStreamResponse): the answer is one JSON array of
  result batches, each `{"results": [GoogleAdsRow...], "fieldMask", "requestId"}`; fields
  come back in lowerCamelCase (`adGroupAd`, `costMicros`), int64 values (ids, costMicros,
  impressions, clicks) as JSON strings, doubles (conversions) as numbers;
- call structure (.../api/docs/concepts/call-structure): `Authorization: Bearer`,
  `developer-token` on every call, `login-customer-id` (digits, no dashes) when the user
  reaches the account through a manager account;
- resources and fields (.../fields/v26/ad_group_ad, /campaign, /customer, /metrics,
  /segments): `customer.currency_code`, `customer.time_zone`, `customer.descriptive_name`,
  `campaign.advertising_channel_type`, `segments.date` (the account's time zone),
  `metrics.cost_micros` (the account currency, millionths), `metrics.impressions`,
  `metrics.clicks`, `metrics.video_trueview_views` (v22 renamed `video_views`),
  `metrics.conversions`, `metrics.conversions_value`;
- errors (.../api/docs/best-practices/error-types, QuotaErrorEnum): a JSON `{"error": {"code",
  "message", "status", "details": [GoogleAdsFailure {"errors": [{"errorCode", "message"}]}]}}`;
  `RESOURCE_EXHAUSTED` (429) is retried by the sync's HTTP layer, also when a streamed answer
  ends with such an error object after some batches (the stream broke off): the query is asked
  again whole, a part is never stored. Partial failures (`partial_failure`) exist only for
  mutate calls, which this read-only connector never makes;
- Google OAuth 2.0 for installed / web server apps (developers.google.com/identity/protocols/
  oauth2): consent at accounts.google.com with `access_type=offline`, tokens from
  `https://oauth2.googleapis.com/token`; scope `https://www.googleapis.com/auth/adwords`.

The rows are laid out in the columns of the web interface's report download and read by the
same code as the downloaded file (`exports.from_table`): Video campaigns are YouTube's paid
delivery, every other campaign type the Paid Search channel's platform `search`.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from socialroi.errors import SocialroiError
from socialroi.model.aliases import aliases
from socialroi.sources.api import Connector, Fetcher, Stream, Window, dig, register_connector
from socialroi.sources.base import Context, InputFile
from socialroi.sources.google_ads import exports
from socialroi.sources.kit.cells import api_text
from socialroi.sources.kit.google import TOKEN_HOSTS, google_auth
from socialroi.sources.kit.table import table_from_rows

SOURCE = exports.SOURCE
VERSION = "v26"
_ACCOUNT = re.compile(r"^(\d{3}-?\d{3}-?\d{4})(?:@(\d{3}-?\d{3}-?\d{4}))?$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_METRICS = (
    "metrics.cost_micros, metrics.impressions, metrics.clicks, metrics.video_trueview_views, "
    "metrics.conversions, metrics.conversions_value"
)
CUSTOMER_QUERY = (
    "SELECT customer.id, customer.descriptive_name, customer.currency_code, customer.time_zone "
    "FROM customer"
)
# Ad level: every ad of a campaign that has ads, per day.
AD_QUERY = (
    "SELECT campaign.id, campaign.name, campaign.advertising_channel_type, ad_group.id, "
    "ad_group.name, ad_group_ad.ad.id, ad_group_ad.ad.name, segments.date, "
    f"{_METRICS} FROM ad_group_ad WHERE segments.date BETWEEN '{{since}}' AND '{{until}}'"
)
# Campaign level: kept only for campaign-days no ad row covers (Performance Max has asset
# groups, not ads), so a campaign's spend is counted once.
CAMPAIGN_QUERY = (
    "SELECT campaign.id, campaign.name, campaign.advertising_channel_type, segments.date, "
    f"{_METRICS} FROM campaign WHERE segments.date BETWEEN '{{since}}' AND '{{until}}'"
)
# The report download's column (English header) for each field the parser reads.
COLUMNS = (
    "date", "account_id", "account_name", "campaign_id", "campaign_name", "campaign_type",
    "ad_group_id", "ad_group_name", "ad_id", "ad_name", "currency", "spend", "impressions",
    "clicks", "video_views", "conversions", "conversion_value",
)  # fmt: skip


def dashed(customer: str) -> str:
    """A customer id as the web interface writes it: 123-456-7890."""
    d = customer.replace("-", "")
    return f"{d[:3]}-{d[3:6]}-{d[6:]}"


def _account(value: str) -> tuple[tuple[str, ...], str]:
    """`123-456-7890` (an account the user reaches directly) or `123-456-7890@987-654-3210`
    (through that manager account, sent as `login-customer-id`): the stream, and the native
    id (digits, `customer@manager`)."""
    m = _ACCOUNT.match(value.strip())
    if not m:
        raise SocialroiError(
            f"{value!r} is not a Google Ads account this connector reads; expected the "
            "customer id (123-456-7890), or customer@manager (123-456-7890@987-654-3210) for "
            "an account reached through a manager account"
        )
    native = m.group(1).replace("-", "")
    if m.group(2):
        native += "@" + m.group(2).replace("-", "")
    return ("ad_metrics",), native


def _stream_rows(f: Fetcher, stream: Stream, customer: str, query: str, what: str) -> list:
    """The rows of one searchStream call: the batches' results, in order. (An answer that
    ends in an error object broke off: the sync's HTTP layer retries a quota error and fails
    on any other, so no partial answer reaches here.)"""
    path = f"/{VERSION}/customers/{customer}/googleAds:searchStream"
    got = f.post(path, page=what, json={"query": query})
    if not isinstance(got, list):
        raise SocialroiError(f"the {what} answer is not a JSON array of result batches")
    rows: list[Any] = []
    for n, batch in enumerate(got, start=1):
        results = batch.get("results", []) if isinstance(batch, dict) else None
        if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
            raise SocialroiError(f"batch {n} of the {what} answer has no results list")
        if "error" in batch:
            raise SocialroiError(f"batch {n} of the {what} answer is an error")
        rows += results
    f.pages_read += len(got)
    return rows


def fetch_ad_metrics(
    f: Fetcher, stream: Stream, account: str, window: Window
) -> list[dict[str, Any]]:
    """The customer's facts, its ads' rows, then its campaigns' rows no ad row covers."""
    customer, _, manager = account.partition("@")
    if manager:
        f.headers["login-customer-id"] = manager
    days = {"since": window.since.isoformat(), "until": window.until.isoformat()}
    facts = _stream_rows(f, stream, customer, CUSTOMER_QUERY, "customer")
    head = facts[0].get("customer") if facts else None
    if not isinstance(head, dict) or not str(head.get("id", "")).isdigit():
        raise SocialroiError("the customer query named no customer")
    ads = _stream_rows(f, stream, customer, AD_QUERY.format(**days), "ad rows")
    camps = _stream_rows(f, stream, customer, CAMPAIGN_QUERY.format(**days), "campaign rows")
    covered = {(dig(r, "campaign.id"), dig(r, "segments.date")) for r in ads}
    rest = [r for r in camps if (dig(r, "campaign.id"), dig(r, "segments.date")) not in covered]
    return [{"customer": head}, *ads, *rest]


def _number(ctx: Context, v: Any, i: int, field: str, *, scale: float = 1.0) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float | str):
        raise ctx.fail("a metric is not a number", row=i, column=field, value=v)
    try:
        x = float(v)
    except ValueError:
        raise ctx.fail("a metric is not a number", row=i, column=field, value=v) from None
    if x != x or x in (float("inf"), float("-inf")) or x < 0:
        raise ctx.fail("a metric is not a finite, non-negative number", row=i, column=field,
                       value=v)  # fmt: skip
    return x / scale


def _id(ctx: Context, v: Any, i: int, field: str) -> str | None:
    if v is None:
        return None
    s = str(v)
    if isinstance(v, bool) or not s.isdigit() or len(s) > 25:
        raise ctx.fail("an id is not a number", row=i, column=field, value=v)
    return s


def report_rows(records: list[dict[str, Any]], ctx: Context) -> list[list[Any]]:
    """The rows as the report download's table (header first)."""
    al = aliases(SOURCE, exports.REPORT)
    head = records[0]["customer"]
    customer = dashed(str(head["id"]))
    currency = head.get("currencyCode")
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
        raise ctx.fail("the customer has no currency code", column="customer.currencyCode",
                       value=currency, expected="an ISO 4217 code such as USD")  # fmt: skip
    name = head.get("descriptiveName")
    rows: list[list[Any]] = [[al[c][0] for c in COLUMNS]]
    for i, rec in enumerate(records[1:], start=1):
        day = dig(rec, "segments.date")
        if not isinstance(day, str) or not _DAY.match(day):
            raise ctx.fail("a row has no segments.date day", row=i, column="segments.date",
                           value=day)  # fmt: skip
        m = rec.get("metrics") or {}
        if not isinstance(m, dict):
            raise ctx.fail("a row's metrics is not an object", row=i, column="metrics", value=m)
        if _id(ctx, dig(rec, "campaign.id"), i, "campaign.id") is None:
            raise ctx.fail("a row names no campaign", row=i, column="campaign.id")
        kind = dig(rec, "campaign.advertisingChannelType")
        rows.append(
            [day, customer, api_text(name), _id(ctx, dig(rec, "campaign.id"), i, "campaign.id"),
             api_text(dig(rec, "campaign.name")), api_text(kind),
             _id(ctx, dig(rec, "adGroup.id"), i, "adGroup.id"),
             api_text(dig(rec, "adGroup.name")),
             _id(ctx, dig(rec, "adGroupAd.ad.id"), i, "adGroupAd.ad.id"),
             api_text(dig(rec, "adGroupAd.ad.name")), currency,
             _number(ctx, m.get("costMicros", 0), i, "metrics.costMicros", scale=1e6),
             _number(ctx, m.get("impressions", 0), i, "metrics.impressions"),
             _number(ctx, m.get("clicks", 0), i, "metrics.clicks"),
             _number(ctx, m.get("videoTrueviewViews", 0), i, "metrics.videoTrueviewViews"),
             _number(ctx, m.get("conversions", 0), i, "metrics.conversions"),
             _number(ctx, m.get("conversionsValue", 0), i, "metrics.conversionsValue")]
        )  # fmt: skip
    return rows


def ad_metrics_staged(
    records: list[dict[str, Any]], ctx: Context, account: str
) -> dict[str, pd.DataFrame]:
    if len(records) < 2:
        return {}
    tz = records[0]["customer"].get("timeZone")
    if isinstance(tz, str) and tz:
        ctx.options.timezone = tz
    rows = report_rows(records, ctx)
    t = table_from_rows(
        ctx, rows, aliases(SOURCE, exports.REPORT), ["spend"], "Google Ads API rows",
        header_index=0, placeholders=True,
    )  # fmt: skip
    return exports.from_table(InputFile(ctx.file.name, b""), ctx, t)


AD_METRICS = Stream(
    SOURCE,
    "ad_metrics",
    "GAQL searchStream (ad, else campaign x day: cost, impressions, clicks, conversions)",
    f"/{VERSION}/customers/{{account}}/googleAds:searchStream",
    ad_metrics_staged,
    paging="none",
    lag_days=30,  # conversions are credited to the click's day for the conversion window
    window_days=31,
    history_days=90,
    replaces={"ad_metrics": "metric_date"},
    fetch=fetch_ad_metrics,
)

CONNECTOR = register_connector(
    Connector(
        SOURCE,
        "Google Ads (Google Ads API: YouTube and search campaigns)",
        "https://googleads.googleapis.com",
        google_auth(
            "https://www.googleapis.com/auth/adwords",
            app_headers={"developer-token": "SOCIALROI_GOOGLE_ADS_DEVELOPER_TOKEN"},
        ),
        (AD_METRICS,),
        "a customer id (123-456-7890), or customer@manager (123-456-7890@987-654-3210)",
        _account,
        api_version=VERSION,
        docs="https://developers.google.com/google-ads/api/rest/overview",
        hosts=TOKEN_HOSTS,
    )
)
