"""LinkedIn Ads through the Marketing API's reporting: creative x day performance of an ad
account, in the account's currency.

Written from LinkedIn's references (learn.microsoft.com/linkedin/marketing/integrations/
ads-reporting and .../ads):
- "Ads Reporting" (`adAnalytics`, Analytics finder): `GET /rest/adAnalytics?q=analytics&
  pivot=CREATIVE&timeGranularity=DAILY&dateRange=(start:(year,month,day),end:(...))&
  accounts=List(urn%3Ali%3AsponsoredAccount%3A{id})&fields=...` -> `elements` with
  `pivotValues` (`urn:li:sponsoredCreative:{id}`), `dateRange`, `impressions`, `clicks`,
  `landingPageClicks`, `videoViews`, `externalWebsiteConversions`, `costInLocalCurrency` and
  `conversionValueInLocalCurrency` (decimal strings, the account's currency). The endpoint
  does not page: an answer holds at most 15,000 elements and at most 20 metrics a request;
- "Account Access" / "Ad Accounts": `GET /rest/adAccounts/{id}` -> `name`, `currency`;
- "Campaigns": `GET /rest/adAccounts/{id}/adCampaigns?q=search` -> `id`, `name`,
  `objectiveType`; "Creatives": `GET /rest/adAccounts/{id}/creatives?q=criteria` -> `id`
  (`urn:li:sponsoredCreative:…`), `campaign` (`urn:li:sponsoredCampaign:…`), `name`; both page
  with `pageSize` / `pageToken` and name the next page at `metadata.nextPageToken`.

The elements are laid out as the rows of Campaign Manager's *Ad performance* report (daily,
with Account ID, Campaign ID and Creative ID columns) and read by its parser
(`campaign_manager.from_rows`): the account is `linkedin:<ad account id>`, campaigns
`linkedin:campaign:<id>`, ads `linkedin:ad:<creative id>`, days in UTC (LinkedIn reports ad
days in UTC), spend in the account currency.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from socialroi.errors import SocialroiError
from socialroi.sources.api import Fetcher, Stream, Window
from socialroi.sources.base import Context, InputFile
from socialroi.sources.linkedin import campaign_manager
from socialroi.sources.linkedin.api_restli import (
    count,
    date_range,
    get,
    rest_headers,
    restli_list,
    urn,
)
from socialroi.sources.linkedin.common import P

MAX_ELEMENTS = 15_000  # adAnalytics answers at most this many elements, without paging
FIELDS = ("pivotValues", "dateRange", "impressions", "clicks", "landingPageClicks", "videoViews",
          "externalWebsiteConversions", "costInLocalCurrency",
          "conversionValueInLocalCurrency")  # fmt: skip
HEADER = ["Start Date (in UTC)", "Account ID", "Account Name", "Campaign ID", "Campaign Name",
          "Campaign Objective", "Creative ID", "Ad Name", "Currency", "Total Spent",
          "Impressions", "Clicks", "Clicks to Landing Page", "Video Views", "Conversions",
          "Total Conversion Value"]  # fmt: skip
# Campaign Manager's names of the objectives the API gives as enums.
OBJECTIVES = {
    "BRAND_AWARENESS": "Brand awareness", "WEBSITE_VISIT": "Website visits",
    "ENGAGEMENT": "Engagement", "VIDEO_VIEW": "Video views", "LEAD_GENERATION": "Lead generation",
    "WEBSITE_CONVERSION": "Website conversions", "JOB_APPLICANT": "Job applicants",
    "TALENT_LEAD": "Talent leads",
}  # fmt: skip
_ID = re.compile(r"^urn:li:(sponsoredCreative|sponsoredCampaign):(\d{1,25})$")


def _lookup(name: str, path: str) -> Stream:
    """A list the ad stream reads on the side (campaigns, creatives): token paging."""
    paging = {"next_token": "metadata.nextPageToken", "token_param": "pageToken"}  # not secrets
    return Stream(P, name, name, path, lambda r, c, a: {}, paging="token", records="elements",
                  page_size=("pageSize", 1000), **paging)  # fmt: skip


CAMPAIGNS = _lookup("campaigns", "/rest/adAccounts/{account}/adCampaigns")
CREATIVES = _lookup("creatives", "/rest/adAccounts/{account}/creatives")


def _listed(f: Fetcher, stream: Stream, account: str, q: str) -> list[dict[str, Any]]:
    f.headers.update(rest_headers())
    out: list[dict[str, Any]] = []
    for page in f.pages(stream, stream.url_path(account), {"q": q}):
        out += page
    return out


def fetch_ad_analytics(
    f: Fetcher, stream: Stream, account: str, window: Window
) -> list[dict[str, Any]]:
    """The account, its campaigns and creatives (names, the creative's campaign), then the
    creative x day analytics of the window."""
    acct = get(f, f"/rest/adAccounts/{account}", {}, page="ad account")
    if not isinstance(acct, dict):
        raise SocialroiError("the ad account lookup answered with something else")
    campaigns = {str(c.get("id")): c for c in _listed(f, CAMPAIGNS, account, "search")}
    creatives = {str(c.get("id")): c for c in _listed(f, CREATIVES, account, "criteria")}
    body = get(f, "/rest/adAnalytics", {
        "q": "analytics", "pivot": "CREATIVE", "timeGranularity": "DAILY",
        "dateRange": date_range(window),
        "accounts": restli_list([urn("sponsoredAccount", account)]),
        "fields": ",".join(FIELDS),
    }, page="analytics")  # fmt: skip
    f.pages_read += 1
    rows = body.get("elements") if isinstance(body, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise SocialroiError("the analytics answer has no list of objects at 'elements'")
    if len(rows) >= MAX_ELEMENTS:
        raise SocialroiError(
            f"LinkedIn answered {len(rows)} elements, its limit for one request: rows may be "
            "missing; sync shorter periods (--since/--until)"
        )
    facts = {"_account": acct, "_campaigns": campaigns, "_creatives": creatives}
    return [{**r, "_facts": facts} for r in rows]


def ad_analytics_staged(
    records: list[dict[str, Any]], ctx: Context, account: str
) -> dict[str, pd.DataFrame]:
    if not records:
        return {}
    facts = records[0]["_facts"]
    acct, camps, creas = facts["_account"], facts["_campaigns"], facts["_creatives"]
    currency = acct.get("currency")
    rows: list[list[Any]] = [HEADER]
    for i, r in enumerate(records, start=1):
        pivots = r.get("pivotValues")
        m = _ID.match(pivots[0]) if isinstance(pivots, list) and pivots else None
        if not m or m[1] != "sponsoredCreative":
            raise ctx.fail("an element names no creative", row=i, column="pivotValues",
                           value=pivots, expected="[urn:li:sponsoredCreative:<id>]")  # fmt: skip
        creative = creas.get(pivots[0]) or creas.get(m[2]) or {}
        cm = _ID.match(str(creative.get("campaign") or ""))
        camp_id = cm[2] if cm else None
        camp = camps.get(camp_id or "", {})
        objective = camp.get("objectiveType")
        rows.append([
            _day(ctx, r, i), account, acct.get("name"), camp_id, camp.get("name"),
            OBJECTIVES.get(objective, objective) if isinstance(objective, str) else None,
            m[2], creative.get("name"), currency,
            _money(ctx, r, i, "costInLocalCurrency"),
            count(ctx, r.get("impressions"), i, "impressions"),
            count(ctx, r.get("clicks"), i, "clicks"),
            count(ctx, r.get("landingPageClicks"), i, "landingPageClicks"),
            count(ctx, r.get("videoViews"), i, "videoViews"),
            _money(ctx, r, i, "externalWebsiteConversions"),
            _money(ctx, r, i, "conversionValueInLocalCurrency"),
        ])  # fmt: skip
    return campaign_manager.from_rows(InputFile(ctx.file.name, b""), ctx, rows)


def _day(ctx: Context, r: dict[str, Any], i: int) -> dt.date:
    span = r.get("dateRange")
    start = span.get("start") if isinstance(span, dict) else None
    end = span.get("end") if isinstance(span, dict) else None
    try:
        day = dt.date(int(start["year"]), int(start["month"]), int(start["day"]))
    except (TypeError, KeyError, ValueError, OverflowError):
        raise ctx.fail("an element has no dateRange.start day", row=i, column="dateRange",
                       value=span) from None  # fmt: skip
    if end is not None and end != start:
        raise ctx.fail("an element covers more than one day", row=i, column="dateRange",
                       value=span, expected="timeGranularity DAILY")  # fmt: skip
    return day


def _money(ctx: Context, r: dict[str, Any], i: int, key: str) -> str | None:
    """A decimal the API sends as a string (or number): kept as its text for the parser."""
    v = r.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, str | int | float):
        raise ctx.fail("an amount is not a number", row=i, column=key, value=v)
    try:
        d = Decimal(str(v))
    except InvalidOperation:
        raise ctx.fail("an amount is not a number", row=i, column=key, value=v) from None
    if not d.is_finite() or d < 0 or d > Decimal(10) ** 12:
        raise ctx.fail("an amount is out of range", row=i, column=key, value=v)
    return str(d)


AD_ANALYTICS = Stream(
    P,
    "ad_analytics",
    "Ads reporting per creative and day (spend, impressions, clicks, conversions)",
    "/rest/adAnalytics",
    ad_analytics_staged,
    fetch=fetch_ad_analytics,
    lag_days=30,  # conversions are credited up to 30 days after the click
    window_days=31,
    history_days=365,
    replaces={"ad_metrics": "metric_date"},
)
