"""YouTube as a connector: Data API (channel, videos), Analytics API (channel by day, and by
traffic source and day) and
Reporting API (videos by day), each read as the Studio export's table of the same figures.

- `videos` (`api_data`): the uploads with their lifetime views, likes and comments, as
  Table data.csv — a snapshot stream (read whole every sync);
- `channel_days` (`api_analytics`): the channel's views, likes, comments, shares and
  subscribers gained / lost by day, as Totals.csv;
- `traffic_sources` (`api_traffic`): the channel's views and watch time by traffic source and
  day, as the Chart data of Studio's Traffic source export;
- `video_days` (`api_reporting`): per video and day, from the `channel_basic_a2` bulk
  reports of a reporting job created at `connect` (`Connector.on_connect`), as Chart data.csv.

Google OAuth 2.0 for web server apps (`kit.google.google_auth`; developers.google.com/
identity/protocols/oauth2/web-server): consent at accounts.google.com with
`access_type=offline` and `prompt=consent` (so Google returns a refresh token even on a
repeated consent), tokens from `https://oauth2.googleapis.com/token` (another host than the
APIs: `Connector.hosts`); access tokens last an hour; Google does not rotate the refresh
token. Scopes
`youtube.readonly` (Data API; the Analytics API also asks for it) and
`yt-analytics.readonly` (Analytics and Reporting APIs).
"""

from __future__ import annotations

from socialroi.sources.api import Connector, Stream, register_connector
from socialroi.sources.kit.google import TOKEN_HOSTS, google_auth
from socialroi.sources.youtube import api_analytics, api_data, api_reporting, api_traffic

SOURCE = api_data.SOURCE

VIDEOS = Stream(
    SOURCE,
    "videos",
    "Data API uploads (playlistItems) and videos.list statistics (lifetime per video)",
    f"{api_data.DATA}/playlistItems",
    api_data.videos_staged,
    paging="token",
    records="items",
    next_token="nextPageToken",  # noqa: S106 - a field name
    token_param="pageToken",  # noqa: S106 - a parameter name
    page_size=("maxResults", api_data.IDS_PER_CALL),
    dated=False,
    fetch=api_data.fetch_videos,
)

CHANNEL_DAYS = Stream(
    SOURCE,
    "channel_days",
    "Analytics API reports.query (channel x day: views, likes, comments, shares, subscribers)",
    api_analytics.ANALYTICS,
    api_analytics.days_staged,
    paging="none",
    lag_days=3,  # a day's figures appear and settle over two to three days
    window_days=366,
    history_days=90,
    max_history_days=10 * 366,
    replaces={"account_metrics": "metric_date"},
    fetch=api_analytics.fetch_days,
)

TRAFFIC_SOURCES = Stream(
    SOURCE,
    "traffic_sources",
    "Analytics API reports.query (channel x day x traffic source: views, minutes watched)",
    api_analytics.ANALYTICS,
    api_traffic.sources_staged,
    paging="none",
    lag_days=3,  # as channel_days: a day appears and settles over two to three days
    window_days=366,
    history_days=90,
    max_history_days=10 * 366,
    replaces={"view_sources": "metric_date"},
    fetch=api_traffic.fetch_sources,
)

VIDEO_DAYS = Stream(
    SOURCE,
    "video_days",
    "Reporting API channel_basic_a2 reports (video x day), by the day they were created",
    f"{api_reporting.REPORTING}/jobs",
    api_reporting.reports_staged,
    paging="none",
    lag_days=1,  # the window's days are creation days: start on the day the last sync stopped
    window_days=10 * 366,  # never cut: a report's creation day is read by exactly one piece
    history_days=60,  # reports are kept 60 days (asking for older ones finds none)
    fetch=api_reporting.fetch_reports,
)

CONNECTOR = register_connector(
    Connector(
        SOURCE,
        "YouTube (Data API, Analytics API, Reporting API)",
        "https://www.googleapis.com",
        google_auth(
            "https://www.googleapis.com/auth/youtube.readonly",
            "https://www.googleapis.com/auth/yt-analytics.readonly",
        ),
        (VIDEOS, CHANNEL_DAYS, TRAFFIC_SOURCES, VIDEO_DAYS),
        "the channel's @handle or its UC… channel id",
        api_data.account,
        api_version="v3",
        docs="https://developers.google.com/youtube/v3/docs",
        hosts=(
            *TOKEN_HOSTS,
            r"youtubeanalytics\.googleapis\.com",
            r"youtubereporting\.googleapis\.com",
        ),
        on_connect=api_reporting.on_connect,
    )
)
