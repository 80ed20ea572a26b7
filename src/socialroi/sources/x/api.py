"""X API v2: the account's posts with their metrics, kept as dated snapshots.

Written from X's API reference (docs.x.com / developer.x.com, read through the `search` tool):
"GET /2/users/:id/tweets" (parameters `start_time`, `end_time` — RFC 3339, UTC, inclusive to
the second — `max_results` 5..100, `pagination_token`, `exclude`, `tweet.fields`,
`expansions`, `media.fields`; the 3,200 most recent posts only), "Pagination"
(`meta.next_token` sent back as `pagination_token`; the last page has none), "Metrics"
(public metrics `retweet_count`, `reply_count`, `like_count`, `quote_count`,
`bookmark_count`, `impression_count`; non-public `impression_count`, `url_link_clicks`,
`user_profile_clicks`; organic the same as seen outside promotion; "non-public, organic and
promoted metrics are only available for posts created within the last 30 days": for older
posts the API leaves these objects out and lists a "Field Authorization Error" per post in
`errors`), "GET /2/users/:id" (`username`), and "OAuth 2.0 Authorization Code Flow with
PKCE" (consent at `https://x.com/i/oauth2/authorize`, token at `POST /2/oauth2/token`, scopes
`tweet.read users.read offline.access`; access tokens last two hours, a refresh token is
issued with `offline.access` and rotates: each refresh voids the one used).

Snapshots. Each sync lands (a) the export's frames — `posts` and one `lifetime` row of
`post_metrics` per post, as of the window's last day, exactly as the content export
(`account_analytics_content_<from>_<to>.csv`) would — and (b) a `snapshot` row of
`post_metrics` per post dated that day with what the API answered (key post, `snapshot`, day:
a re-sync the same day changes nothing; every row names its batch). A post's figures are its
newest lifetime row, a figure it lacks taken from its newest snapshot that has it
(`measure.posts.post_figures`): a post read on day 3, 20 and 40 shows the day-40 likes,
reposts, replies, bookmarks and impressions (public, still updating) and the day-20 URL
clicks (its last read while it was younger than 30 days); clicks after day 30 are lost.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd

from socialroi.errors import SocialroiError
from socialroi.model.aliases import aliases
from socialroi.sources.api import Auth, Connector, Fetcher, Stream, Window, register_connector
from socialroi.sources.base import Context, InputFile, Staged
from socialroi.sources.kit.figures import figure
from socialroi.sources.kit.table import table_from_rows
from socialroi.sources.x import api_ads
from socialroi.sources.x.exports import POST_FIELDS, P, posts_from_table

TWEET_FIELDS = "created_at,text,public_metrics,non_public_metrics,organic_metrics,attachments"
PAGE_SIZE = 100  # max_results: 5..100
MAX_PAGES = 1_000  # 3,200 posts at most: 32 pages of 100; a loop would never end otherwise
_USER_ID = re.compile(r"\d{1,20}")
# The export's columns the API fills (first English header of each alias): the same table the
# file parser reads, so ids, days and metric meanings are the file's.
COLUMNS = ("native_id", "published", "caption", "url", "impressions", "likes", "saves",
           "shares", "comments", "link_clicks", "video_views")  # fmt: skip


def _window(w: Window) -> dict[str, str]:
    """The window as `start_time` / `end_time` (UTC, inclusive). An end still to come is left
    out (X refuses an `end_time` that is not at least 10 seconds past): up to now, then."""
    out = {"start_time": f"{w.since.isoformat()}T00:00:00Z"}
    end = dt.datetime.combine(w.until, dt.time(23, 59, 59), dt.UTC)
    if end < dt.datetime.now(dt.UTC) - dt.timedelta(seconds=30):
        out["end_time"] = end.strftime("%Y-%m-%dT%H:%M:%SZ")
    return out


def _count(ctx: Context, value: Any, i: int, field: str) -> int | None:
    """A metric of a post: a figure (`kit.figures`) that is a whole number >= 0."""
    got = figure(ctx, value, i, field)
    if got is None:
        return None
    if got < 0 or got != int(got):
        raise ctx.fail("a metric is not a count", row=i, column=field, value=value,
                       expected="a whole number >= 0")  # fmt: skip
    return int(got)


def _api_errors(body: dict[str, Any], page: str) -> None:
    """A page's `errors`: per-post "Field Authorization Error"s for the metrics of posts past
    30 days are expected (their objects are simply absent); any other error without data is
    the answer's failure."""
    errors = body.get("errors") or []
    if not isinstance(errors, list):
        raise SocialroiError(f"{page}: 'errors' is not a list")
    if "data" not in body and errors:
        first = errors[0] if isinstance(errors[0], dict) else {}
        raise SocialroiError(f"{page}: X answered {str(first.get('title') or 'an error')[:80]}: "
                             f"{str(first.get('detail') or '')[:200]}")  # fmt: skip


def fetch_posts(f: Fetcher, stream: Stream, account: str, window: Window) -> list[dict]:
    """Every page of the user's posts created in the window, each carrying the author's
    username, the views of its videos (from `includes.media`) and the window."""
    user = f.get(f"/2/users/{account}", {"user.fields": "username"}, page="user lookup")
    data = user.get("data") if isinstance(user, dict) else None
    username = data.get("username") if isinstance(data, dict) else None
    if not isinstance(username, str) or not re.fullmatch(r"[A-Za-z0-9_]{1,50}", username):
        raise SocialroiError(f"the user lookup of {account} named no username")
    query = {**stream.request_params(window), stream.page_size[0]: stream.page_size[1]}
    out: list[dict] = []
    seen: set[str] = set()
    for n in range(1, MAX_PAGES + 1):
        page = f"page {n}"
        body = f.get(stream.url_path(account), query, page=page)
        if not isinstance(body, dict):
            raise SocialroiError(f"{page} is not a JSON object")
        _api_errors(body, page)
        posts = body.get("data", [])
        meta = body.get("meta")
        if not isinstance(posts, list) or not isinstance(meta, dict):
            raise SocialroiError(f"{page} has no 'data' list and 'meta' object")
        views = _video_views(body.get("includes"))
        for p in posts:
            if not isinstance(p, dict):
                raise SocialroiError(f"{page} has a post that is not an object")
            keys = (p.get("attachments") or {}).get("media_keys") or []
            got = [views[k] for k in keys if k in views]
            span = [window.since.isoformat(), window.until.isoformat()]
            out.append({**p, "_user": username, "_video_views": sum(got) if got else None,
                        "_window": span})  # fmt: skip
        f.pages_read += 1
        token = meta.get("next_token")
        if not token:
            return out
        if not isinstance(token, str) or token in seen:
            raise SocialroiError(f"{page}: meta.next_token is not a new page token")
        seen.add(token)
        query = {**query, stream.token_param: token}
    raise SocialroiError(f"more than {MAX_PAGES} pages of posts")


def _video_views(includes: Any) -> dict[str, int]:
    media = includes.get("media") if isinstance(includes, dict) else None
    out: dict[str, int] = {}
    for m in media if isinstance(media, list) else []:
        if not isinstance(m, dict) or m.get("type") not in ("video", "animated_gif"):
            continue
        v = (m.get("public_metrics") or {}).get("view_count")
        if isinstance(v, int) and not isinstance(v, bool) and v >= 0:
            out[str(m.get("media_key"))] = v
    return out


def _stamp(ctx: Context, value: Any, i: int) -> str:
    """`created_at` (`2026-03-01T14:05:09.000Z`) as the legacy export writes its times."""
    try:
        when = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise ctx.fail("a post has no creation time", row=i, column="created_at", value=value,
                       expected="an ISO 8601 time in UTC")  # fmt: skip
    return when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M +0000")


def _row(ctx: Context, p: dict[str, Any], i: int) -> tuple[list[Any], bool | None]:
    """One post in the export's columns, and whether it was promoted (None: unknown)."""
    pid = p.get("id")
    if not isinstance(pid, str) or not pid.isdigit():
        raise ctx.fail("a post has no id", row=i, column="id", value=pid, expected="digits")
    pub = p.get("public_metrics")
    if not isinstance(pub, dict):
        raise ctx.fail("a post has no public_metrics", row=i, column="public_metrics",
                       value=pub, expected="an object")  # fmt: skip
    private = p.get("non_public_metrics") or {}
    organic = p.get("organic_metrics") or {}
    if not isinstance(private, dict) or not isinstance(organic, dict):
        raise ctx.fail("a post's metrics are not objects", row=i, column="non_public_metrics")

    def c(obj: dict, key: str, name: str) -> int | None:
        return _count(ctx, obj.get(key), i, name)

    shown = c(pub, "impression_count", "public_metrics.impression_count")
    if shown is None:
        shown = c(private, "impression_count", "non_public_metrics.impression_count")
    paid = None
    total = c(private, "impression_count", "non_public_metrics.impression_count")
    unpaid = c(organic, "impression_count", "organic_metrics.impression_count")
    if total is not None and unpaid is not None:
        paid = total > unpaid
    text = p.get("text")
    row = [pid, _stamp(ctx, p.get("created_at"), i), text if isinstance(text, str) else "",
           f"https://x.com/{p['_user']}/status/{pid}", shown,
           c(pub, "like_count", "public_metrics.like_count"),
           c(pub, "bookmark_count", "public_metrics.bookmark_count"),
           c(pub, "retweet_count", "public_metrics.retweet_count"),
           c(pub, "reply_count", "public_metrics.reply_count"),
           c(private, "url_link_clicks", "non_public_metrics.url_link_clicks"),
           p.get("_video_views")]  # fmt: skip
    return ["" if v is None else v for v in row], paid


def posts_staged(records: list[dict[str, Any]], ctx: Context, account: str) -> Staged:
    """The content export's frames, plus a dated `snapshot` row per post (see the module)."""
    if not records:
        return {}
    since, until = records[0]["_window"]
    al = aliases(P, "post_activity")
    rows, promoted = [], []
    for i, p in enumerate(records, 1):
        if not isinstance(p, dict):
            raise ctx.fail("a post is not an object", row=i)
        row, paid = _row(ctx, p, i)
        rows.append(row)
        promoted.append(paid)
    header = [al[f][0] for f in COLUMNS]
    table = table_from_rows(ctx, [header, *rows], al, ["native_id", "impressions"],
                            "X API posts", header_index=0, placeholders=True,
                            number_fields=POST_FIELDS)  # fmt: skip
    # Named as X names the content export: the figures are as of the window's last day.
    out = posts_from_table(InputFile(f"account_analytics_content_{since}_{until}.csv", b""),
                           ctx, table)  # fmt: skip
    out["posts"]["promoted"] = pd.Series(promoted, dtype="object")  # None keeps a known flag
    life = out["post_metrics"]
    snap = life.assign(grain="snapshot", metric_date=life["as_of"])
    out["post_metrics"] = pd.concat([life, snap], ignore_index=True)
    return out


def _account(value: str) -> tuple[tuple[str, ...], str]:
    v = value.strip()
    if _USER_ID.fullmatch(v):
        return ("posts",), v
    raise SocialroiError(
        f"{value!r} is not an X user id; expected the account's numeric id (digits, e.g. "
        "2244994945: `GET /2/users/me` or the account's data export names it), not its @handle"
    )


POSTS = Stream(
    P, "posts", "X API v2 posts with public, non-public and organic metrics",
    "/2/users/{account}/tweets", posts_staged,
    params={"tweet.fields": TWEET_FIELDS, "exclude": "retweets",
            "expansions": "attachments.media_keys", "media.fields": "type,public_metrics"},
    paging="token", records="data", page_size=("max_results", PAGE_SIZE),
    next_token="meta.next_token", token_param="pagination_token",  # noqa: S106 - a name
    # every post is re-read for 90 days: its private metrics until they stop at 30 days
    # (its last snapshot while young is at most one sync old), its public ones a while longer
    lag_days=90, window_days=3660, history_days=365,
    window_params=_window, fetch=fetch_posts,
)  # fmt: skip

CONNECTOR = register_connector(
    Connector(
        P,
        "X (API v2: posts and their metrics)",
        "https://api.x.com",
        Auth(
            "oauth2",
            authorize_url="https://x.com/i/oauth2/authorize",
            token_path="/2/oauth2/token",  # noqa: S106 - a path
            scopes=("tweet.read", "users.read", "offline.access"),
            refresh="refresh_token",
        ),
        (POSTS,),
        "the X account's numeric user id",
        _account,
        docs="https://docs.x.com/x-api/posts/get-posts-by-user-id",
    )
)

ADS_CONNECTOR = api_ads.CONNECTOR  # the Ads API: OAuth 1.0a, another grant, another connection
