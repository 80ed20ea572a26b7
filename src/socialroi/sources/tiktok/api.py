"""TikTok's API for Business as connectors: business-account insights (`tiktok`) and Ads
reporting (`tiktok_ads`, in `sources.tiktok.api_ads`).

Written from TikTok's API for Business references (v1.3, business-api.tiktok.com/portal/docs):
- "Get profile data of a TikTok account", `GET /open_api/v1.3/business/get/` (doc 1762228399168514):
  `business_id` (the `open_id` of the token answer), `fields` (a JSON list), `start_date` /
  `end_date` (UTC days, at most 60 days back); daily figures in `data.metrics[]` (`date`,
  `video_views`, `unique_video_views`, `profile_views`, `likes`, `comments`, `shares`,
  `followers_count`, `daily_total_followers`, `daily_new_followers`, `daily_lost_followers`),
  the handle in `data.username`; figures arrive 24-48 hours late;
- "Get video list of a TikTok account", `GET /open_api/v1.3/business/video/list/`:
  `business_id`, `fields`, `max_count` (1-20), `cursor`; `data.videos[]` with `item_id`,
  `create_time` (Unix seconds), `caption`, `share_url`, lifetime `video_views`, `likes`,
  `comments`, `shares`, `favorites`, `reach`; `data.cursor` and `data.has_more`;
- TikTok account authorization, `POST /open_api/v1.3/tt_user/oauth2/token/` and
  `/tt_user/oauth2/refresh_token/` (JSON bodies with `client_id`, `client_secret`,
  `grant_type`, `auth_code` or `refresh_token`): the access token lasts 24 hours, the refresh
  token a year, and every refresh answers with a NEW refresh token (the old one stops working);
- the response envelope of every endpoint (`code`, `message`, `request_id`, `data`) and the
  return codes appendix: `code` 0 is success; a non-zero `code` is an error even with HTTP 200;
  40100 means the app sent requests too frequently (retried after a pause, like a 429); the
  401xx authentication codes mean the token (or refresh token) is refused; 5xxxx are TikTok's
  own errors (retried).

The records are laid out in the columns of the TikTok Studio downloads and read by the same
code as the files (`exports.daily_frames`, `exports.content_frames`): the account is
`tiktok:<handle>`, days are UTC days as in TikTok Studio, and video figures are lifetime
snapshots as of the sync's last day, like a Content download.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from socialroi.errors import SocialroiError
from socialroi.model.aliases import aliases
from socialroi.sources.api import Auth, Connector, Fetcher, Stream, Window, register_connector
from socialroi.sources.base import Context
from socialroi.sources.kit.figures import figure
from socialroi.sources.kit.table import table_from_rows
from socialroi.sources.tiktok import api_ads
from socialroi.sources.tiktok.api_envelope import envelope
from socialroi.sources.tiktok.exports import P, content_frames, daily_frames

VERSION = "v1.3"
BASE_URL = "https://business-api.tiktok.com"
LOOKBACK_DAYS = 60  # business/get answers at most 60 days back
PAGE_SIZE = 20  # business/video/list: max_count 1-20
ACCOUNT_FIELDS = (
    "username", "followers_count", "video_views", "unique_video_views", "profile_views",
    "likes", "comments", "shares", "daily_total_followers", "daily_new_followers",
    "daily_lost_followers",
)  # fmt: skip
# Studio column (field of the Overview / FollowerHistory aliases) of each daily API metric.
DAILY_COLUMNS = {
    "video_views": "views", "profile_views": "profile_views", "likes": "likes",
    "comments": "comments", "shares": "shares", "daily_new_followers": "follows",
    "daily_lost_followers": "unfollows", "unique_video_views": "reach",
    "followers_count": "followers", "daily_total_followers": "follower_change",
}  # fmt: skip
VIDEO_FIELDS = (
    "item_id", "create_time", "caption", "share_url", "video_views", "likes", "comments",
    "shares", "favorites", "reach",
)  # fmt: skip
VIDEO_COLUMNS = {
    "video_views": "views", "likes": "likes", "comments": "comments", "shares": "shares",
    "favorites": "saves", "reach": "reach",
}  # fmt: skip
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SHARE_URL = re.compile(r"^https://(www\.|m\.)?tiktok\.com/@[A-Za-z0-9_.]{1,64}/video/\d+")
_BUSINESS_ID = re.compile(r"^[A-Za-z0-9_.\-]{1,128}$")


def _count(ctx: Context, rec: dict[str, Any], i: int, key: str) -> int | None:
    got = figure(ctx, rec.get(key), i, key)
    return None if got is None else int(round(got))


def _handle(ctx: Context, records: list[dict[str, Any]]) -> None:
    """The account's handle (`data.username`), carried on every record by the fetch."""
    name = records[0].get("_username")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.]{1,64}", name):
        raise ctx.fail(
            "the account has no usable username",
            column="username",
            value=name,
            expected="the TikTok handle (the user.info.username scope)",
        )
    ctx.options.account = f"@{name}"


def account_staged(records: list[dict[str, Any]], ctx: Context, account: str) -> dict:
    """business/get daily metrics as the Studio Overview + FollowerHistory columns."""
    if not records:
        return {}
    _handle(ctx, records)
    al = {**aliases(P, "studio_overview"), **aliases(P, "studio_followers")}
    fields = list(dict.fromkeys(DAILY_COLUMNS.values()))
    rows: list[list[Any]] = [[al["metric_date"][0], *(al[f][0] for f in fields)]]
    for i, rec in enumerate(records, start=1):
        day = rec.get("date")
        if not isinstance(day, str) or not _DAY.match(day):
            raise ctx.fail("a day has no date", row=i, column="date", value=day,
                           expected="YYYY-MM-DD")  # fmt: skip
        by_field = {f: _count(ctx, rec, i, k) for k, f in DAILY_COLUMNS.items()}
        rows.append([day, *(by_field[f] for f in fields)])
    table = table_from_rows(ctx, rows, al, ["metric_date"], "Accounts API daily metrics",
                            header_index=0, first_row=0, number_fields=fields)  # fmt: skip
    return daily_frames(ctx, table, fields, [])


def videos_staged(records: list[dict[str, Any]], ctx: Context, account: str) -> dict:
    """business/video/list videos as the Studio Content download's columns."""
    if not records:
        return {}
    _handle(ctx, records)
    as_of = records[0].get("_as_of")
    if not isinstance(as_of, str) or not _DAY.match(as_of):
        raise TypeError("as_of")
    al = aliases(P, "studio_content")
    fields = ["native_id", "url", "published", "caption", *VIDEO_COLUMNS.values()]
    rows: list[list[Any]] = [[al[f][0] for f in fields]]
    for i, rec in enumerate(records, start=1):
        vid = rec.get("item_id")
        if not isinstance(vid, str | int) or not re.fullmatch(r"\d{1,30}", str(vid)):
            raise ctx.fail("a video has no item_id", row=i, column="item_id", value=vid)
        when = _count(ctx, rec, i, "create_time")
        if when is None:
            raise ctx.fail("a video has no create_time", row=i, column="create_time")
        posted = dt.datetime.fromtimestamp(when, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        url = rec.get("share_url")
        caption = rec.get("caption")
        if url is not None and not isinstance(url, str):
            raise ctx.fail("share_url is not a link", row=i, column="share_url", value=url)
        if caption is not None and not isinstance(caption, str):
            raise ctx.fail("caption is not text", row=i, column="caption", value=caption)
        if not url or not _SHARE_URL.match(url) or not re.search(rf"/video/{vid}\b", url):
            # the Content download links every video; a share link that is not TikTok's
            # link to this video (a short link, another host) becomes the canonical one
            url = f"https://www.tiktok.com/{ctx.options.account}/video/{vid}"
        figures = [_count(ctx, rec, i, k) for k in VIDEO_COLUMNS]
        rows.append([str(vid), url, posted, caption, *figures])
    table = table_from_rows(ctx, rows, al, ["url", "views"], "Accounts API video list",
                            header_index=0, first_row=0,
                            number_fields=list(VIDEO_COLUMNS.values()))  # fmt: skip
    return content_frames(ctx, table, [dt.date.fromisoformat(as_of)])


def _profile(f: Fetcher, account: str, fields: tuple[str, ...], window: Window | None) -> dict:
    params: dict[str, Any] = {"business_id": account, "fields": json.dumps(list(fields))}
    if window is not None:
        params |= {"start_date": window.since.isoformat(), "end_date": window.until.isoformat()}
    body = f.get(f"/open_api/{VERSION}/business/get/", params, page="profile")
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise SocialroiError("tiktok: business/get answered without its data object")
    return data


def fetch_account(f: Fetcher, stream: Stream, account: str, window: Window) -> list[dict]:
    data = _profile(f, account, ACCOUNT_FIELDS, window)
    f.pages_read += 1
    metrics = data.get("metrics")
    if metrics is None:
        return []
    if not isinstance(metrics, list) or not all(isinstance(m, dict) for m in metrics):
        raise SocialroiError("tiktok: business/get's metrics is not a list of days")
    for m in metrics:
        m["_username"] = data.get("username")
    return metrics


def fetch_videos(f: Fetcher, stream: Stream, account: str, window: Window) -> list[dict]:
    """The account's handle, then every video page by page (the figures are lifetime)."""
    name = _profile(f, account, ("username",), None).get("username")
    params = {"business_id": account, "fields": json.dumps(list(VIDEO_FIELDS))}
    out: list[dict] = []
    for page in f.pages(stream, stream.url_path(account), params):
        out += page
    for v in out:
        v["_username"], v["_as_of"] = name, window.until.isoformat()
    return out


def _account(value: str) -> tuple[tuple[str, ...], str]:
    v = value.strip()
    if not _BUSINESS_ID.match(v):
        raise SocialroiError(
            f"{value!r} is not a TikTok business id; expected the open_id TikTok returned when "
            "the account authorised your app (letters, digits, '-', '_', '.')"
        )
    return (), v


ACCOUNT = Stream(
    P,
    "account",
    "Accounts API daily profile metrics (account x day)",
    f"/open_api/{VERSION}/business/get/",
    account_staged,
    paging="none",
    lag_days=3,  # figures arrive 24-48 hours late and settle
    window_days=30,
    history_days=LOOKBACK_DAYS,
    max_history_days=LOOKBACK_DAYS,
    fetch=fetch_account,
)

VIDEOS = Stream(
    P,
    "videos",
    "Accounts API video list (lifetime figures per video)",
    f"/open_api/{VERSION}/business/video/list/",
    videos_staged,
    paging="token",
    records="data.videos",
    page_size=("max_count", PAGE_SIZE),
    next_token="data.cursor",  # noqa: S106 - a dotted path
    token_param="cursor",  # noqa: S106 - a parameter name
    has_more="data.has_more",
    dated=False,
    fetch=fetch_videos,
)

CONNECTOR = register_connector(
    Connector(
        P,
        "TikTok (API for Business: business account and video insights)",
        BASE_URL,
        Auth(
            "oauth2",
            authorize_url="https://www.tiktok.com/v2/auth/authorize/",
            token_path=f"/open_api/{VERSION}/tt_user/oauth2/token/",
            refresh_path=f"/open_api/{VERSION}/tt_user/oauth2/refresh_token/",
            scopes=(
                "user.info.basic",
                "user.info.username",
                "user.info.stats",
                "user.insights",
                "video.list",
                "video.insights",
            ),  # fmt: skip
            refresh="refresh_token",
            scope_separator=",",
            header="Access-Token",
            scheme="",
            token_body="json",  # noqa: S106 - a body format
            token_data="data",  # noqa: S106 - a dotted path
            code_param="auth_code",
            client_param="client_key",
        ),
        (ACCOUNT, VIDEOS),
        "the TikTok account's business id (the open_id of its authorisation)",
        _account,
        api_version=VERSION,
        docs="https://business-api.tiktok.com/portal/docs?id=1762228399168514",
        envelope=envelope,
    )
)

ADS_CONNECTOR = api_ads.CONNECTOR  # the Marketing API: another grant, another connection
