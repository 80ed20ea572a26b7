"""Facebook Pages and Instagram through the Graph API: posts, their insights, account insights.

Written from Meta's references (Graph API v25.0):
- Instagram User, `GET /{ig-user-id}?fields=username,name`; Instagram Media,
  `GET /{ig-user-id}/media?fields=...,insights.metric(...)` (field expansion of the media
  insights edge; `since`/`until` as Unix times) — media insights `views` (which replaced
  `impressions` and `plays` in 2025), `reach`, `likes`, `comments`, `shares`, `saved`;
- Instagram Account Insights, `GET /{ig-user-id}/insights`: `reach` and `follower_count`
  (new followers per day) as `period=day` time series, whose `values` carry `end_time` (the
  end of the day); `views` and `profile_views` only as `metric_type=total_value`, read one
  day per call;
- Page, `GET /{page-id}?fields=name,access_token` (the Page token the Page's edges need);
  Page Feed, `GET /{page-id}/published_posts?fields=...` with `insights.metric(post_media_view,
  post_total_media_view_unique, post_clicks)` (the 2025 `views` metrics that replaced
  `post_impressions*`), `reactions.summary(total_count)`, `comments.summary(total_count)`,
  `shares`;
- Page Insights, `GET /{page-id}/insights?period=day`: `page_media_view` (views, which replaced
  `page_impressions` on 15 Nov 2025), `page_total_media_view_unique` (reach),
  `page_daily_follows_unique`, `page_daily_unfollows_unique`, `page_views_total`.

Posts and media are laid out in the Business Suite post export's columns and read by its
parser (`posts.from_table`): Meta's Views land in `impressions` as the file importer stores
them, publish times in the account's clock, lifetime figures as of the window's last day.
Account insights become the `account_metrics` rows the per-metric Insights exports give.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from socialroi.errors import SocialroiError
from socialroi.model.aliases import aliases
from socialroi.sources.api import Fetcher, Stream, Window
from socialroi.sources.base import Context, InputFile, account_id
from socialroi.sources.kit.accounts import account_facts
from socialroi.sources.kit.figures import figure
from socialroi.sources.kit.table import table_from_rows
from socialroi.sources.meta import posts
from socialroi.sources.meta.common import DEFAULT_TZ, SOURCE, account_row

VERSION = "v25.0"
IG_MEDIA_METRICS = ("views", "reach", "likes", "comments", "shares", "saved")
IG_SERIES = {"reach": "reach", "follower_count": "follows"}  # API metric -> canonical
IG_TOTALS = {"views": "impressions", "profile_views": "profile_views"}
PAGE_METRICS = {
    "page_media_view": "impressions",  # Meta's Views, stored where the file import puts it
    "page_total_media_view_unique": "reach",
    "page_daily_follows_unique": "follows",
    "page_daily_unfollows_unique": "unfollows",
    "page_views_total": "profile_views",
}
POST_METRICS = {"post_media_view": "Views", "post_total_media_view_unique": "Reach",
                "post_clicks": "Total clicks"}  # fmt: skip
IG_TYPES = {("REELS", None): "IG reel", ("STORY", None): "IG story",
            ("FEED", "CAROUSEL_ALBUM"): "IG carousel", ("FEED", "VIDEO"): "IG video",
            ("FEED", "IMAGE"): "IG image"}  # fmt: skip
FB_TYPES = {"added_photos": "Photos", "added_video": "Videos", "shared_story": "Links",
            "mobile_status_update": "Text", "created_note": "Text"}  # fmt: skip
_TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\+0000|Z|\+00:00)$")


# -- shared --------------------------------------------------------------------------------
def _unix(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def _when(ctx: Context, value: Any, i: int, key: str) -> dt.datetime:
    if not isinstance(value, str) or not _TS.match(value):
        raise ctx.fail("a time is not an ISO 8601 UTC time", row=i, column=key, value=value,
                       expected="a time such as 2026-03-01T14:05:00+0000")  # fmt: skip
    return dt.datetime.fromisoformat(value.replace("+0000", "+00:00").replace("Z", "+00:00"))


def _tz(ctx: Context, aid: str) -> str:
    """The time zone the file importer reads this account's times in (the accounts register,
    else Meta's default): the same rule, so the API's UTC times land on the same days."""
    return ctx.options.timezone or account_facts(ctx, aid).get("timezone") or DEFAULT_TZ


def _count(ctx: Context, value: Any, i: int, key: str) -> int | None:
    f = figure(ctx, value, i, key)
    return None if f is None else int(round(f))


def _expanded(ctx: Context, rec: dict[str, Any], i: int, key: str) -> dict[str, Any]:
    """Metrics of a field-expanded `insights` edge: {"data": [{"name", "values": [{"value"}]}]}"""
    got = rec.get(key)
    if got is None:
        return {}
    data = got.get("data") if isinstance(got, dict) else None
    if not isinstance(data, list):
        raise ctx.fail(f"{key} is not an insights list", row=i, column=key, value=got)
    out = {}
    for m in data:
        vals = m.get("values") if isinstance(m, dict) else None
        if not isinstance(vals, list) or not vals or not isinstance(vals[-1], dict):
            raise ctx.fail(f"{key} has a metric without values", row=i, column=key, value=m)
        out[str(m.get("name"))] = _count(ctx, vals[-1].get("value"), i, f"{key}.{m.get('name')}")
    return out


def _summary(rec: dict[str, Any], key: str) -> Any:
    got = rec.get(key)
    if isinstance(got, dict):
        if "summary" in got and isinstance(got["summary"], dict):
            return got["summary"].get("total_count")
        return got.get("count")
    return None


def _post_table(ctx: Context, fields: list[str], rows: list[list[Any]], window: Window, who: str):
    al = aliases(SOURCE, posts.REPORT)
    header = [al[f][0] for f in fields]
    t = table_from_rows(ctx, [header, *rows], al, ["native_id", "published_at"],
                        "Graph API posts", header_index=0)  # fmt: skip
    # Named as Business Suite names its export: the figures are as of the window's last day.
    name = f"{window.since.isoformat()}_{window.until.isoformat()}_{who}.csv"
    return posts.from_table(InputFile(name, b""), ctx, t)


def _window_of(records: list[dict[str, Any]]) -> Window:
    w = records[0].get("_window") if records else None
    if not (isinstance(w, list) and len(w) == 2):
        raise TypeError("window")
    return Window(dt.date.fromisoformat(w[0]), dt.date.fromisoformat(w[1]))


# -- Instagram -----------------------------------------------------------------------------
IG_POST_FIELDS = ["native_id", "account_native_id", "handle", "account_name", "caption",
                  "published_at", "url", "format", "metric_date", "impressions", "reach",
                  "likes", "comments", "shares", "saves"]  # fmt: skip


def _paged(f: Fetcher, stream: Stream, account: str, window: Window, key: str, node: Any) -> list:
    """Every page of an edge for the objects published in the window, each record carrying
    the node it belongs to (`key`) and the window."""
    params = {**stream.params, "since": _unix(window.since),
              "until": _unix(window.until + dt.timedelta(days=1))}  # fmt: skip
    out: list[dict] = []
    for page in f.pages(stream, stream.url_path(account), params):
        out += page
    for r in out:
        r[key] = node
        r["_window"] = [window.since.isoformat(), window.until.isoformat()]
    return out


def fetch_ig_media(f: Fetcher, stream: Stream, account: str, window: Window) -> list[dict]:
    user = f.get(f"/{VERSION}/{account}", {"fields": "id,username,name"}, page="account")
    return _paged(f, stream, account, window, "_user", user)


def ig_media_staged(records: list[dict[str, Any]], ctx: Context, account: str) -> dict:
    if not records:
        return {}
    window = _window_of(records)
    user = records[0].get("_user") or {}
    handle = str(user.get("username") or account)
    aid = account_id("instagram", handle)
    tz = ZoneInfo(_tz(ctx, aid))
    rows = []
    for i, r in enumerate(records, start=1):
        at = _when(ctx, r.get("timestamp"), i, "timestamp").astimezone(tz)
        ins = _expanded(ctx, r, i, "insights")
        kind = IG_TYPES.get((r.get("media_product_type"), None)) or IG_TYPES.get(
            (r.get("media_product_type"), r.get("media_type")), "IG image"
        )
        rows.append(
            [str(r["id"]), str(user.get("id") or account), handle, user.get("name"),
             r.get("caption"), at.strftime("%Y-%m-%d %H:%M:%S"), r.get("permalink"), kind,
             "Lifetime", ins.get("views"), ins.get("reach"),
             ins.get("likes", _count(ctx, r.get("like_count"), i, "like_count")),
             ins.get("comments", _count(ctx, r.get("comments_count"), i, "comments_count")),
             ins.get("shares"), ins.get("saved")]
        )  # fmt: skip
    return _post_table(ctx, IG_POST_FIELDS, rows, window, account)


def fetch_ig_account(f: Fetcher, stream: Stream, account: str, window: Window) -> list[dict]:
    user = f.get(f"/{VERSION}/{account}", {"fields": "id,username,name"}, page="account")
    out: list[dict] = []
    base = {"period": "day", "since": _unix(window.since),
            "until": _unix(window.until + dt.timedelta(days=1))}  # fmt: skip
    body = f.get(stream.url_path(account), {**base, "metric": ",".join(IG_SERIES)},
                 page="time series")  # fmt: skip
    for m in _metric_list(f, body, "time series"):
        for v in m.get("values") or []:
            out.append(
                {"metric": m.get("name"), "end_time": v.get("end_time"), "value": v.get("value")}
            )
    day = window.since
    while day <= window.until:
        body = f.get(
            stream.url_path(account),
            {"metric": ",".join(IG_TOTALS), "metric_type": "total_value", "period": "day",
             "since": _unix(day), "until": _unix(day + dt.timedelta(days=1))},
            page=f"totals of {day}",
        )  # fmt: skip
        for m in _metric_list(f, body, f"totals of {day}"):
            tv = m.get("total_value")
            out.append({"metric": m.get("name"), "day": day.isoformat(),
                        "value": tv.get("value") if isinstance(tv, dict) else tv})  # fmt: skip
        day += dt.timedelta(days=1)
    for r in out:
        r["_user"] = user
    return out


def _metric_list(_f: Fetcher, body: Any, page: str) -> list[dict[str, Any]]:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list) or not all(isinstance(m, dict) for m in data):
        raise SocialroiError(f"{page}: the insights page has no 'data' list of metrics")
    return data


def ig_account_staged(records: list[dict[str, Any]], ctx: Context, account: str) -> dict:
    if not records:
        return {}
    user = records[0].get("_user") or {}
    handle = str(user.get("username") or account)
    aid = account_id("instagram", handle)
    names = {**IG_SERIES, **IG_TOTALS}
    native = str(user.get("id") or account)
    return _account_frames(
        ctx, records, aid, "instagram", handle, names, native=native, name=user.get("name")
    )


def _account_frames(ctx, records, aid, platform, handle, names, *, native, name) -> dict:
    tz = ZoneInfo(_tz(ctx, aid))
    days: dict[dt.date, dict[str, Any]] = {}
    for i, r in enumerate(records, start=1):
        field = names.get(str(r.get("metric")))
        if field is None:
            raise ctx.fail("an insights metric this stream did not ask for", row=i,
                           column="name", value=r.get("metric"))  # fmt: skip
        if r.get("end_time") is not None:
            # a day's value ends at the next midnight of the account's clock
            day = (
                _when(ctx, r["end_time"], i, "end_time").astimezone(tz) - dt.timedelta(hours=12)
            ).date()
        else:
            day = dt.date.fromisoformat(str(r.get("day")))
        row = days.setdefault(day, {"account_id": aid, "platform": platform, "metric_date": day})
        row[field] = _count(ctx, r.get("value"), i, "value")
    frame = pd.DataFrame(sorted(days.values(), key=lambda d: d["metric_date"]))
    acc = account_row(ctx, aid, platform, handle, native_id=native, name=name)
    return {"accounts": pd.DataFrame([acc]), "account_metrics": frame}


# -- Facebook Pages ------------------------------------------------------------------------
FB_POST_FIELDS = ["native_id", "page_id", "page_name", "caption", "published_at", "url",
                  "format", "metric_date", "impressions", "reach", "likes", "comments",
                  "shares", "clicks"]  # fmt: skip


def _page_token(f: Fetcher, account: str) -> dict[str, Any]:
    page = f.get(f"/{VERSION}/{account}", {"fields": "id,name,access_token"}, page="page")
    token = page.get("access_token") if isinstance(page, dict) else None
    if isinstance(token, str) and token and not any(c.isspace() for c in token):
        f.headers["Authorization"] = f"Bearer {token}"
    return {"id": page.get("id"), "name": page.get("name")} if isinstance(page, dict) else {}


def fetch_page_posts(f: Fetcher, stream: Stream, account: str, window: Window) -> list[dict]:
    return _paged(f, stream, account, window, "_page", _page_token(f, account))


def page_posts_staged(records: list[dict[str, Any]], ctx: Context, account: str) -> dict:
    if not records:
        return {}
    window = _window_of(records)
    page = records[0].get("_page") or {}
    page_id = str(page.get("id") or account)
    tz = ZoneInfo(_tz(ctx, account_id("facebook", page_id)))
    rows = []
    for i, r in enumerate(records, start=1):
        at = _when(ctx, r.get("created_time"), i, "created_time").astimezone(tz)
        ins = _expanded(ctx, r, i, "insights")
        native = str(r.get("id", "")).split("_")[-1]  # `{page-id}_{post-id}`: the export's is bare
        rows.append(
            [native, page_id, page.get("name"), r.get("message"), at.strftime("%Y-%m-%d %H:%M:%S"),
             r.get("permalink_url"), FB_TYPES.get(str(r.get("status_type")), "Photos"),
             "Lifetime", ins.get("post_media_view"), ins.get("post_total_media_view_unique"),
             _count(ctx, _summary(r, "reactions"), i, "reactions"),
             _count(ctx, _summary(r, "comments"), i, "comments"),
             _count(ctx, _summary(r, "shares"), i, "shares"), ins.get("post_clicks")]
        )  # fmt: skip
    return _post_table(ctx, FB_POST_FIELDS, rows, window, page_id)


def fetch_page_insights(f: Fetcher, stream: Stream, account: str, window: Window) -> list[dict]:
    page = _page_token(f, account)
    params = {"metric": ",".join(PAGE_METRICS), "period": "day", "since": _unix(window.since),
              "until": _unix(window.until + dt.timedelta(days=1))}  # fmt: skip
    body = f.get(stream.url_path(account), params, page="page 1")
    out = []
    for m in _metric_list(f, body, "page 1"):
        for v in m.get("values") or []:
            out.append({"metric": m.get("name"), "end_time": v.get("end_time"),
                        "value": v.get("value"), "_page": page})  # fmt: skip
    return out


def page_insights_staged(records: list[dict[str, Any]], ctx: Context, account: str) -> dict:
    if not records:
        return {}
    page = records[0].get("_page") or {}
    page_id = str(page.get("id") or account)
    aid = account_id("facebook", page_id)
    return _account_frames(ctx, records, aid, "facebook", page_id, PAGE_METRICS,
                           native=page_id, name=page.get("name"))  # fmt: skip


# -- the streams ---------------------------------------------------------------------------
def _organic(name, title, path, staged, fetch, params=None, window_days=30) -> Stream:
    return Stream(SOURCE, name, title, path, staged, params=params or {}, lag_days=28,
                  window_days=window_days, history_days=90, max_history_days=2 * 365,
                  fetch=fetch)  # fmt: skip


IG_MEDIA = _organic(
    "ig_media", "Instagram media with lifetime insights (posts, reels, stories)",
    f"/{VERSION}/{{account}}/media", ig_media_staged, fetch_ig_media,
    {"fields": "id,caption,media_type,media_product_type,permalink,timestamp,like_count,"
               f"comments_count,insights.metric({','.join(IG_MEDIA_METRICS)})"},
    window_days=90,
)  # fmt: skip
IG_ACCOUNT = _organic(
    "ig_account", "Instagram account insights per day (reach, views, profile visits, follows)",
    f"/{VERSION}/{{account}}/insights", ig_account_staged, fetch_ig_account,
)  # fmt: skip
PAGE_POSTS = _organic(
    "page_posts", "Facebook Page posts with lifetime insights",
    f"/{VERSION}/{{account}}/published_posts", page_posts_staged, fetch_page_posts,
    {"fields": "id,message,created_time,permalink_url,status_type,shares,"
               "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),"
               f"insights.metric({','.join(POST_METRICS)})"},
    window_days=90,
)  # fmt: skip
PAGE_INSIGHTS = _organic(
    "page_insights", "Facebook Page insights per day (views, reach, follows, visits)",
    f"/{VERSION}/{{account}}/insights", page_insights_staged, fetch_page_insights,
    window_days=90,
)  # fmt: skip
