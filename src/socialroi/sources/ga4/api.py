"""Google Analytics 4 as a connector: the Data API's `runReport`, read as the report download.

Written from Google's references:
- Data API v1beta, `POST /v1beta/properties/{property}:runReport`
  (developers.google.com/analytics/devguides/reporting/data/v1/rest/v1beta/properties/
  runReport): a JSON body with `dateRanges` (`startDate`, `endDate` as YYYY-MM-DD),
  `dimensions` and `metrics` (`{"name"}`), `limit` (at most 250,000 rows a request),
  `offset`, `orderBys`; the answer (`RunReportResponse`) has `dimensionHeaders`,
  `metricHeaders`, `rows` (`dimensionValues` / `metricValues`, each `{"value": "..."}`,
  numbers as strings), `rowCount` (rows of the whole report, whatever the page) and
  `metadata` (`ResponseMetaData`: `currencyCode` and `timeZone` of the property,
  `samplingMetadatas`, `dataLossFromOtherRow`, `subjectToThresholding`);
- API dimensions and metrics (…/data/v1/api-schema): `date` (YYYYMMDD), `sessionSource`,
  `sessionMedium`, `sessionCampaignName`, `sessionDefaultChannelGroup`, `country`;
  `sessions`, `engagedSessions`, `keyEvents`, `totalRevenue`;
- quotas (…/data/v1/quotas): an exhausted quota answers 429 `RESOURCE_EXHAUSTED`, retried by
  the sync's HTTP layer;
- Google OAuth 2.0 for web server apps (developers.google.com/identity/protocols/oauth2/
  web-server): consent at accounts.google.com with `access_type=offline`, tokens from
  `https://oauth2.googleapis.com/token`; access tokens last an hour, the refresh token is
  not rotated; scope `analytics.readonly`.

The rows are laid out as the Traffic acquisition report download (Date, Session source,
Session medium, Session campaign, Session default channel group, Country, Sessions,
Engaged sessions, Key events, Total revenue) and read by the same code as the downloaded
file (`exports.traffic_rows`): same keys, same `(not set)` handling, same country names to
markets, revenue in the property's currency (which the API says and the file does not).
Sampling, thresholding and the `(other)` row are findings of the batch.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import pandas as pd

from socialroi.errors import SocialroiError, SyncFailed
from socialroi.model.aliases import aliases
from socialroi.sources.api import Connector, Fetcher, Stream, Window, register_connector
from socialroi.sources.base import Context
from socialroi.sources.ga4.exports import Block, traffic_rows
from socialroi.sources.kit.figures import figure
from socialroi.sources.kit.google import TOKEN_HOSTS, google_auth
from socialroi.sources.kit.headers import HeaderMap

SOURCE = "ga4"
VERSION = "v1beta"
API_MAX_ROWS = 250_000  # the most rows runReport returns for one request
# Rows asked per request: about 300 bytes of JSON a row, so a page stays well under the sync's
# 64 MB response bound (250,000 rows would not).
PAGE_ROWS = 100_000
MAX_PAGES = 10_000
# API name -> the column of the report download it is read as
DIMENSIONS = (
    ("date", "Date"),
    ("sessionSource", "Session source"),
    ("sessionMedium", "Session medium"),
    ("sessionCampaignName", "Session campaign"),
    ("sessionDefaultChannelGroup", "Session default channel group"),
    ("country", "Country"),
)
METRICS = (
    ("sessions", "Sessions"),
    ("engagedSessions", "Engaged sessions"),
    ("keyEvents", "Key events"),
    ("totalRevenue", "Total revenue"),
)
HEADER = [label for _, label in DIMENSIONS + METRICS]
OTHER = "(other)"
_PROPERTY = re.compile(r"^(?:properties/)?(\d{1,20})$")


def _check(cond: bool, stream: Stream, where: str, problem: str) -> None:
    if not cond:
        raise SyncFailed(
            stream.source, stream.name, where, problem,
            hint="The API answered with a different shape than its reference documents.",
        )  # fmt: skip


def _values(row: Any, key: str, n: int) -> list[Any] | None:
    got = row.get(key) if isinstance(row, dict) else None
    if not isinstance(got, list) or len(got) != n:
        return None
    out = []
    for v in got:
        if not isinstance(v, dict):
            return None
        out.append(v.get("value"))
    return out


def fetch_report(f: Fetcher, stream: Stream, account: str, window: Window) -> list[Any]:
    """The report of one window, page by page (`offset` until `rowCount` rows are read).

    Records: one dict per window (`{"metadata": ...}`: currency, time zone, sampling), then
    one list per row in the order of `HEADER`. Rows are kept as lists of shared (interned)
    strings, so a million-row backfill holds about a tenth of what the JSON objects would."""
    body: dict[str, Any] = {
        "dateRanges": [
            {"startDate": window.since.isoformat(), "endDate": window.until.isoformat()}
        ],
        "dimensions": [{"name": d} for d, _ in DIMENSIONS],
        "metrics": [{"name": m} for m, _ in METRICS],
        "orderBys": [{"dimension": {"dimensionName": "date"}}],
        "limit": min(API_MAX_ROWS, int(stream.params.get("limit", PAGE_ROWS))),
        "keepEmptyRows": False,
    }
    path = stream.url_path(account)
    head: dict[str, Any] = {"metadata": {}, "window": str(window)}
    out: list[Any] = [head]
    offset, n, total = 0, 0, None
    dims, mets = [d for d, _ in DIMENSIONS], [m for m, _ in METRICS]
    while True:
        n += 1
        page = f"page {n}"
        where = f"account {account}, {window}, {page}"
        got = f.post(path, page=page, json={**body, "offset": offset})
        f.pages_read += 1
        _check(isinstance(got, dict), stream, where, "the page is not a JSON object")
        if n == 1:
            head["metadata"] = got.get("metadata") if isinstance(got.get("metadata"), dict) else {}
            hd = [h.get("name") for h in got.get("dimensionHeaders") or [] if isinstance(h, dict)]
            hm = [h.get("name") for h in got.get("metricHeaders") or [] if isinstance(h, dict)]
            _check(
                not got.get("rows") or (hd == dims and hm == mets), stream, where,
                f"the report's columns are {hd + hm}, not the {dims + mets} asked for",
            )  # fmt: skip
        rows = got.get("rows", [])
        _check(isinstance(rows, list), stream, where, "the page's 'rows' is not a list of rows")
        count = got.get("rowCount", 0 if not rows else None)
        _check(isinstance(count, int) and count >= 0, stream, where, "the page has no rowCount")
        total = count if total is None else total
        for i, row in enumerate(rows, start=1):
            d, m = (
                _values(row, "dimensionValues", len(dims)),
                _values(row, "metricValues", len(mets)),
            )
            if d is None or m is None or not all(isinstance(v, str) for v in d + m):
                raise SyncFailed(
                    stream.source, stream.name, f"{where}, row {i}",
                    "a row is not dimensionValues / metricValues of {\"value\": text}",
                )  # fmt: skip
            out.append([sys.intern(v) for v in d] + [sys.intern(v) for v in m])
        offset += len(rows)
        if not rows or offset >= total:
            return out
        if n >= MAX_PAGES:
            raise SyncFailed(stream.source, stream.name, where, "the report never ended")


def _number(ctx: Context, v: str, i: int, column: str) -> float:
    x = figure(ctx, v, i, column)
    if x is None:
        raise ctx.fail("a metric is empty", row=i, column=column, value=v)
    return x


def report_staged(records: list[Any], ctx: Context, account: str) -> dict[str, pd.DataFrame]:
    """The rows as the report download's table, read by `exports.traffic_rows`."""
    heads = [r for r in records if isinstance(r, dict)]
    rows = [r for r in records if isinstance(r, list)]
    if not rows:
        return {}
    currency = next(
        (h["metadata"].get("currencyCode") for h in heads if h["metadata"].get("currencyCode")),
        None,
    )
    if isinstance(currency, str) and re.fullmatch(r"[A-Za-z]{3}", currency):
        ctx.options.currency = currency.upper()
    _findings(ctx, heads, rows, account)
    width = len(DIMENSIONS)
    body = []
    for i, r in enumerate(rows, start=1):
        metrics = [_number(ctx, v, i, METRICS[k][0]) for k, v in enumerate(r[width:])]
        body.append((i, [*r[:width], *metrics]))
    table = Block(0, HEADER, body)
    hm = HeaderMap(HEADER, aliases(SOURCE, "report"))
    return {"traffic_daily": traffic_rows(ctx, table, hm, None, None)}


def _findings(ctx: Context, heads: list[dict], rows: list[list], account: str) -> None:
    for h in heads:
        meta, window = h["metadata"], h.get("window", "")
        for s in meta.get("samplingMetadatas") or []:
            read, space = s.get("samplesReadCount"), s.get("samplingSpaceSize")
            share = (
                f" ({float(read) / float(space):.1%} of events)"
                if str(read).isdigit() and str(space).isdigit() and int(space)
                else ""
            )
            ctx.finding(
                "sampled",
                f"GA4 sampled the report of properties/{account} for {window}: {read} of "
                f"{space} events read{share}; its figures are estimates",
                value=window,
            )
        if meta.get("subjectToThresholding"):
            ctx.finding(
                "thresholded",
                f"GA4 withheld rows of properties/{account} for {window} below its privacy "
                "thresholds (Google signals); totals may be lower than in GA4's own reports",
                value=window,
            )
        if meta.get("dataLossFromOtherRow"):
            ctx.finding(
                "other_row",
                f"GA4 rolled rare dimension combinations of properties/{account} for {window} "
                "into an (other) row (high cardinality); those sessions have no source",
                value=window,
            )
    other = sum(1 for r in rows if OTHER in r[1 : len(DIMENSIONS)])
    if other:
        ctx.finding(
            "other_rows",
            f"{other} row(s) are GA4's (other) bucket: stored with source '(other)'",
            value=OTHER,
            rows=other,
        )


def _account(value: str) -> tuple[tuple[str, ...], str]:
    m = _PROPERTY.match(value.strip())
    if m:
        return ("traffic",), m.group(1)
    raise SocialroiError(
        f"{value!r} is not a GA4 property; expected its property id (Admin > Property "
        "details), e.g. 123456789 or properties/123456789"
    )


TRAFFIC = Stream(
    SOURCE,
    "traffic",
    "Data API runReport (date x session source / medium / campaign / channel group x country)",
    f"/{VERSION}/properties/{{account}}:runReport",
    report_staged,
    params={"limit": PAGE_ROWS},
    lag_days=3,  # GA4 settles a day's data over about 72 hours
    window_days=92,
    history_days=90,
    # aggregated reports are not cut by the property's data retention (that limits
    # explorations): --since and --full may reach back to the property's first day
    max_history_days=10 * 366,
    fetch=fetch_report,
)

CONNECTOR = register_connector(
    Connector(
        SOURCE,
        "Google Analytics 4 (Data API)",
        "https://analyticsdata.googleapis.com",
        google_auth("https://www.googleapis.com/auth/analytics.readonly"),
        (TRAFFIC,),
        "a GA4 property id (123456789 or properties/123456789)",
        _account,
        api_version=VERSION,
        docs="https://developers.google.com/analytics/devguides/reporting/data/v1/rest",
        hosts=TOKEN_HOSTS,
    )
)
