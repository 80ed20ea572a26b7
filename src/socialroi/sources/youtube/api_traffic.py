"""YouTube Analytics API v2: the channel's views by traffic source and day, read as the Chart
data of Studio's Traffic source export.

Written from Google's references (developers.google.com/youtube/analytics):
- `reports.query` (…/analytics/reference/reports/query): `GET https://youtubeanalytics.
  googleapis.com/v2/reports` with `ids=channel==UC…`, `startDate`, `endDate`, `metrics`,
  `dimensions=day,insightTrafficSourceType`, `sort=day`; the answer (`youtubeAnalytics#
  resultTable`) has `columnHeaders[{name, columnType, dataType}]` in the order asked and
  `rows` (absent when there is no data). No page is cut: `maxResults` / `startIndex` are
  optional and unset, and a channel has at most a few dozen sources a day;
- channel reports, "Traffic sources" (…/analytics/channel_reports): the dimension
  `insightTrafficSourceType` with the optional `day`, and the metrics `views` and
  `estimatedMinutesWatched` (…/analytics/metrics);
- dimensions, "Traffic sources" (…/analytics/dimensions): the values (`ADVERTISING`,
  `EXT_URL`, `NO_LINK_OTHER`, `RELATED_VIDEO`, `SUBSCRIBER`, `YT_SEARCH`, …); days are Pacific
  Time, as in Studio.

The rows are laid out as Studio's Chart data.csv of that export (Date, Traffic source, Views,
Watch time (hours)), the source under Studio's name, and read by its parser (`traffic`):
`view_sources` rows of the channel by day and source. A code YouTube adds later is kept as it
is, its name the code.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from socialroi.sources.api import Fetcher, Stream, Window
from socialroi.sources.base import Context
from socialroi.sources.kit.table import table_from_rows
from socialroi.sources.youtube import exports, traffic
from socialroi.sources.youtube.api_analytics import DAY, number, query
from socialroi.sources.youtube.api_data import account_frame

METRICS = ("views", "estimatedMinutesWatched")
DIMENSIONS = ("day", "insightTrafficSourceType")
_HEADER = ["Date", "Traffic source", "Views", "Watch time (hours)"]


def fetch_sources(f: Fetcher, stream: Stream, account: str, window: Window) -> list[Any]:
    """One report of the window: a row per day and traffic source."""
    return query(f, account, window, DIMENSIONS, METRICS)


def sources_staged(records: list[Any], ctx: Context, account: str) -> dict[str, pd.DataFrame]:
    if not records:
        return {}
    rows: list[list[str]] = [_HEADER]
    for i, (day, code, views, minutes) in enumerate(records, start=1):
        if not isinstance(day, str) or not DAY.match(day):
            raise ctx.fail("a day is not YYYY-MM-DD", row=i, column="day", value=day)
        if not isinstance(code, str) or not traffic.CODE.match(code):
            raise ctx.fail("a traffic source is not a code such as YT_SEARCH", row=i,
                           column="insightTrafficSourceType", value=code)  # fmt: skip
        v = number(ctx, views, i, "views")
        m = number(ctx, minutes, i, "estimatedMinutesWatched", whole=False)
        rows.append([day, traffic.source_name(code), f"{v:.0f}", repr(m / 60)])
    t = table_from_rows(ctx, rows, exports.A, [], "reports.query", header_index=0)
    accounts = account_frame(ctx, account)
    return {"accounts": accounts, **traffic.chart_rows(ctx, t, accounts["account_id"][0], None)}
