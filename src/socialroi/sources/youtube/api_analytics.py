"""YouTube Analytics API v2: the channel's figures by day, read as Studio's Totals.csv.

Written from Google's references (developers.google.com/youtube/analytics):
- `reports.query` (…/analytics/reference/reports/query): `GET https://youtubeanalytics.
  googleapis.com/v2/reports` with `ids=channel==UC…`, `startDate`, `endDate` (YYYY-MM-DD),
  `metrics`, `dimensions=day`, `sort=day`; the answer (`youtubeAnalytics#resultTable`) has
  `columnHeaders[{name, columnType, dataType}]` and `rows` (lists in the order of the
  headers; absent when there is no data); a day appears only once every requested metric is
  available for it (usually two to three days later);
- channel reports and metrics (…/analytics/channel_reports, …/analytics/metrics): `views`,
  `estimatedMinutesWatched`, `likes`, `comments`, `shares`, `subscribersGained`,
  `subscribersLost` for the dimension `day`; days are Pacific Time, as in Studio.

The rows are laid out as Studio's Totals.csv (Date, Views, Watch time (hours), Likes,
Comments added, Shares, Subscribers gained, Subscribers lost, Subscribers — the net change)
and read by the export's parser: `account_metrics` rows of the channel by day.

Traffic sources by day (`dimensions=day,insightTrafficSourceType`) are another stream,
`traffic_sources` (`api_traffic`), landing in their own table (`view_sources`).
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from socialroi.sources.api import Fetcher, Stream, Window, dig
from socialroi.sources.base import Context
from socialroi.sources.kit.table import table_from_rows
from socialroi.sources.youtube import exports
from socialroi.sources.youtube.api_data import account_frame, bad, channel_id

ANALYTICS = "https://youtubeanalytics.googleapis.com/v2/reports"
METRICS = ("views", "estimatedMinutesWatched", "likes", "comments", "shares",
           "subscribersGained", "subscribersLost")  # fmt: skip
_HEADER = ["Date", "Views", "Watch time (hours)", "Likes", "Comments added", "Shares",
           "Subscribers gained", "Subscribers lost", "Subscribers"]  # fmt: skip
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def fetch_days(f: Fetcher, stream: Stream, account: str, window: Window) -> list[Any]:
    """One report of the window: a row per day (the API pages nothing for `day`)."""
    return query(f, account, window, ("day",), METRICS)


def query(
    f: Fetcher, account: str, window: Window, dimensions: tuple[str, ...], metrics: tuple[str, ...]
) -> list[list[Any]]:
    """The rows of one `reports.query` of the channel over the window, sorted by day, after
    checking that the columns are the dimensions and metrics asked, in that order."""
    cid = channel_id(f, account)
    body = f.get(
        ANALYTICS,
        {"ids": f"channel=={cid}", "startDate": window.since.isoformat(),
         "endDate": window.until.isoformat(), "metrics": ",".join(metrics),
         "dimensions": ",".join(dimensions), "sort": "day"},
        page="reports.query",
    )  # fmt: skip
    f.pages_read += 1
    heads = dig(body, "columnHeaders")
    if not isinstance(heads, list):
        raise bad("reports.query has no columnHeaders")
    names = [h.get("name") if isinstance(h, dict) else None for h in heads]
    if names != [*dimensions, *metrics]:
        raise bad(f"reports.query's columns are {names}, not {[*dimensions, *metrics]} as asked")
    rows = body.get("rows", [])
    if not isinstance(rows, list) or not all(
        isinstance(r, list) and len(r) == len(names) for r in rows
    ):
        raise bad(f"reports.query's rows are not lists of {len(names)} values")
    return rows


def number(ctx: Context, v: Any, i: int, field: str, *, whole: bool = True) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or v != v or abs(v) > 1e15:
        raise ctx.fail("a metric is not a number", row=i, column=field, value=v)
    if whole and v != int(v):
        raise ctx.fail("a count is not a whole number", row=i, column=field, value=v)
    return float(v)


def days_staged(records: list[Any], ctx: Context, account: str) -> dict[str, pd.DataFrame]:
    if not records:
        return {}
    rows: list[list[str]] = [_HEADER]
    for i, r in enumerate(records, start=1):
        day = r[0]
        if not isinstance(day, str) or not DAY.match(day):
            raise ctx.fail("a day is not YYYY-MM-DD", row=i, column="day", value=day)
        views, minutes, likes, comments, shares, gained, lost = (
            number(ctx, v, i, m, whole=m != "estimatedMinutesWatched")
            for v, m in zip(r[1:], METRICS, strict=True)
        )
        counts = (views, likes, comments, shares, gained, lost, gained - lost)
        rows.append([day, *(f"{c:.0f}" for c in counts[:1]), repr(minutes / 60),
                     *(f"{c:.0f}" for c in counts[1:])])  # fmt: skip
    t = table_from_rows(ctx, rows, exports.A, [], "reports.query", header_index=0)
    accounts = account_frame(ctx, account)
    return {"accounts": accounts, **exports.totals_data(ctx, t, accounts["account_id"][0], None)}
