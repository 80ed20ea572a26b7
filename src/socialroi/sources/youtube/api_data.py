"""YouTube Data API v3: the channel and its videos, read as Studio's Table data.csv.

Written from Google's references (developers.google.com/youtube/v3/docs):
- `channels.list` (…/docs/channels/list): `GET /youtube/v3/channels?part=id,snippet,
  contentDetails` with `id=UC…`, `forHandle=@handle` or `mine=true`; the answer's `items[]`
  are channel resources (`id`, `snippet.title`, `snippet.customUrl` — the `@handle` —,
  `snippet.country`, `contentDetails.relatedPlaylists.uploads`, the playlist of every
  upload). 1 quota unit;
- `playlistItems.list` (…/docs/playlistItems/list): `GET /youtube/v3/playlistItems?part=
  contentDetails&playlistId=UU…&maxResults=50`, paged by `pageToken` / `nextPageToken`;
  `items[].contentDetails.videoId`. 1 unit a page;
- `videos.list` (…/docs/videos/list): `GET /youtube/v3/videos?part=snippet,statistics,
  liveStreamingDetails&id=a,b,…` (at most 50 ids a call); `snippet.publishedAt` (RFC 3339,
  UTC), `snippet.title`, `snippet.liveBroadcastContent`, `statistics.viewCount`, `likeCount`,
  `commentCount` (unsigned longs sent as strings; `likeCount` is absent when the owner hides
  it). 1 unit a call;
- quota (…/youtube/v3/determine_quota_cost): 10,000 units a day per project by default; a
  sync of N videos costs 1 + 2 x ceil(N / 50) units (200 units for 5,000 videos). An
  exhausted quota is HTTP 403 with `errors[].reason` `quotaExceeded`; `rateLimitExceeded`
  is retried by the sync's HTTP layer.

Videos are laid out as Studio's Table data.csv (Content, Video title, Video publish time,
Views, Likes, Comments added) and read by the export's parser: the same post ids, the
lifetime grain, publish days in Pacific Time (Studio's clock). The API tells neither Shorts
from videos nor impressions, watch time or subscribers per video (the file does): a synced
post keeps the format a file gave it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from socialroi.errors import SocialroiError
from socialroi.sources.api import Fetcher, Stream, Window, dig
from socialroi.sources.base import Context
from socialroi.sources.kit.accounts import account_row
from socialroi.sources.kit.table import table_from_rows
from socialroi.sources.youtube import exports

SOURCE = "youtube"
DATA = "/youtube/v3"
IDS_PER_CALL = 50  # videos.list takes at most 50 ids
_HANDLE = re.compile(r"^@[A-Za-z0-9._-]{3,30}$")
_CHANNEL = re.compile(r"^UC[A-Za-z0-9_-]{22}$")
_VIDEO = re.compile(r"^[A-Za-z0-9_-]{11}$")


def account(value: str) -> tuple[tuple[str, ...], str]:
    """`--account`: the channel's `@handle` (as a Studio export folder names it) or its id."""
    v = value.strip()
    if _HANDLE.match(v) or _CHANNEL.match(v):
        return (), v
    raise SocialroiError(
        f"{value!r} is not a YouTube channel; expected its @handle (e.g. @voltiqtech) or its "
        "channel id (UC followed by 22 characters, Studio > Settings > Channel > Advanced)"
    )


def bad(problem: str) -> SocialroiError:
    return SocialroiError(
        f"{problem}; the API answered with a different shape than its reference documents"
    )


def channel(f: Fetcher, account: str, *, mine: bool = False) -> dict[str, Any]:
    """The channel resource of `account` (`mine`: the channel of the token)."""
    params: dict[str, Any] = {"part": "id,snippet,contentDetails"}
    if mine:
        params["mine"] = "true"
    elif account.startswith("@"):
        params["forHandle"] = account
    else:
        params["id"] = account
    body = f.get(f"{DATA}/channels", params, page="channels.list")
    items = dig(body, "items")
    if items is None or items == []:
        raise SocialroiError(
            f"YouTube knows no channel {'of this token' if mine else account}; check --account "
            "(the @handle or UC… id) and that the Google account owns the channel"
        )
    if not isinstance(items, list) or not isinstance(items[0], dict):
        raise bad("channels.list's 'items' is not a list of channels")
    got = items[0]
    if not isinstance(got.get("id"), str) or not _CHANNEL.match(got["id"]):
        raise bad("the channel has no id of the form UC…")
    return got


def channel_id(f: Fetcher, account: str) -> str:
    return account if _CHANNEL.match(account) else channel(f, account)["id"]


def fetch_videos(f: Fetcher, stream: Stream, account: str, window: Window) -> list[dict]:
    """The channel, then every upload (playlistItems of the uploads playlist, page by page),
    then their statistics (videos.list, 50 at a time)."""
    ch = channel(f, account)
    uploads = dig(ch, "contentDetails.relatedPlaylists.uploads")
    if not isinstance(uploads, str) or not uploads:
        raise bad("the channel names no uploads playlist")
    ids: list[str] = []
    params = {"part": "contentDetails", "playlistId": uploads}
    for page in f.pages(stream, f"{DATA}/playlistItems", params):
        for item in page:
            vid = dig(item, "contentDetails.videoId")
            if not isinstance(vid, str) or not _VIDEO.match(vid):
                raise bad(f"a playlist item has no video id ({str(vid)[:40]!r})")
            ids.append(vid)
    ids = list(dict.fromkeys(ids))
    out: list[dict] = [{"channel": ch, "as_of": window.until.isoformat()}]
    for n, start in enumerate(range(0, len(ids), IDS_PER_CALL), start=1):
        part = ids[start : start + IDS_PER_CALL]
        body = f.get(
            f"{DATA}/videos",
            {"part": "snippet,statistics,liveStreamingDetails", "id": ",".join(part),
             "maxResults": IDS_PER_CALL},
            page=f"videos.list {n}",
        )  # fmt: skip
        f.pages_read += 1
        items = dig(body, "items")
        if not isinstance(items, list) or not all(isinstance(v, dict) for v in items):
            raise bad(f"videos.list {n}: 'items' is not a list of videos")
        out += items
    return out


_TABLE_HEADER = ["Content", "Video title", "Video publish time", "Views", "Likes",
                 "Comments added"]  # fmt: skip


def _count(ctx: Context, v: Any, i: int, field: str) -> str:
    if v is None:
        return ""
    if isinstance(v, bool) or not re.fullmatch(r"\d{1,19}", str(v)):
        raise ctx.fail("a count is not a whole number", row=i, column=field, value=v)
    return str(v)


def _published(ctx: Context, v: Any, i: int) -> str:
    """`publishedAt` (UTC) as Studio writes a publish time: Pacific Time."""
    try:
        t = dt.datetime.fromisoformat(str(v).replace("Z", "+00:00"))
    except ValueError:
        raise ctx.fail("publishedAt is not a time", row=i, column="snippet.publishedAt",
                       value=v, expected="an RFC 3339 time") from None  # fmt: skip
    if t.tzinfo is None:
        raise ctx.fail("publishedAt has no UTC offset", row=i, column="snippet.publishedAt",
                       value=v)  # fmt: skip
    return t.astimezone(ZoneInfo(exports.STUDIO_TZ)).strftime("%Y-%m-%d %H:%M:%S")


def videos_staged(records: list[dict], ctx: Context, account: str) -> dict[str, pd.DataFrame]:
    head = records[0] if records and "channel" in records[0] else None
    if head is None:
        raise ctx.fail("the sync read no channel")
    ch, as_of = head["channel"], dt.date.fromisoformat(head["as_of"])
    accounts = account_frame(ctx, account, native_id=ch["id"], name=_text(dig(ch, "snippet.title")))
    out: dict[str, pd.DataFrame] = {"accounts": accounts}
    videos = records[1:]
    if not videos:
        return out
    rows: list[list[str]] = [_TABLE_HEADER]
    live = []
    for i, v in enumerate(videos, start=1):
        vid = v.get("id")
        if not isinstance(vid, str) or not _VIDEO.match(vid):
            raise ctx.fail("a video has no 11-character id", row=i, column="id", value=vid)
        stats = v.get("statistics") if isinstance(v.get("statistics"), dict) else {}
        rows.append([
            vid, _text(dig(v, "snippet.title")) or "",
            _published(ctx, dig(v, "snippet.publishedAt"), i),
            _count(ctx, stats.get("viewCount"), i, "statistics.viewCount"),
            _count(ctx, stats.get("likeCount"), i, "statistics.likeCount"),
            _count(ctx, stats.get("commentCount"), i, "statistics.commentCount"),
        ])  # fmt: skip
        live.append(
            "live" if v.get("liveStreamingDetails") or dig(v, "snippet.liveBroadcastContent")
            in ("live", "upcoming") else None
        )  # fmt: skip
    t = table_from_rows(ctx, rows, exports.A, [], "videos.list", header_index=0)
    got = exports.table_data(ctx, t, accounts["account_id"][0], as_of)
    posts = got["posts"]
    if any(live):  # the API knows live streams; Shorts it does not tell from videos
        posts["format"] = live
    else:
        posts = posts.drop(columns=["format"])
    out.update(posts=posts, post_metrics=got["post_metrics"])
    return out


def account_frame(ctx: Context, account: str, **known: Any) -> pd.DataFrame:
    """The channel's `accounts` row with only what this stream knows (a stream that does not
    know the name must not blank the name another stream stored)."""
    row = account_row(ctx, exports.P, account, **known)
    return pd.DataFrame([{k: v for k, v in row.items() if v is not None}])


def _text(v: Any) -> str | None:
    return v if isinstance(v, str) else None
