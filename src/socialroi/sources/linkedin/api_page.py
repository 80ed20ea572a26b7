"""A LinkedIn organisation Page through the Community Management API: daily Page statistics and
the Page's posts with their lifetime statistics.

Written from LinkedIn's references (learn.microsoft.com/linkedin/marketing/community-management):
- "Organization Lookup API": `GET /rest/organizations/{id}` -> `id`, `localizedName`,
  `vanityName` (the Page's public name, the one its analytics exports are named after);
- "Organization Share Statistics": `GET /rest/organizationalEntityShareStatistics?q=
  organizationalEntity&organizationalEntity={org urn}&timeIntervals=(timeRange:(start,end),
  timeGranularityType:DAY)` -> one element a day: `timeRange {start, end}` (epoch ms) and
  `totalShareStatistics {impressionCount, uniqueImpressionsCount, clickCount, likeCount,
  commentCount, shareCount, engagement}`; organic activity only, the last 12 months only.
  Without `timeIntervals` but with `shares=List(...)` / `ugcPosts=List(...)` it gives each
  post's lifetime statistics (elements keyed by `share` or `ugcPost`);
- "Organization Follower Statistics": `GET /rest/organizationalEntityFollowerStatistics`, the
  same time-bound query -> `followerGains {organicFollowerGain, paidFollowerGain}` a day;
- "Organization Page Statistics": `GET /rest/organizationPageStatistics?q=organization&
  organization={org urn}&timeIntervals=...` -> `totalPageStatistics.views.allPageViews.
  pageViews` a day;
- "Posts API": `GET /rest/posts?q=author&author={urn}&sortBy=CREATED` with `start`/`count`
  -> `id` (`urn:li:share:…` / `urn:li:ugcPost:…`), `commentary`, `content` (`media.id` an
  image, video or document urn; `multiImage`, `article`, `poll`), `publishedAt`, `createdAt`
  (epoch ms), `lifecycleState`, `adContext` (sponsored "dark" posts: `isDsc`).

The days become the rows of the Page analytics workbooks' `Metrics`, `New followers` and
`Visitor metrics` sheets and the posts the rows of `All posts`, read by the same parsers
(`page_content.content_frames`, `page_audience.*_frames`): same account (`linkedin:<Page>`),
same post ids, UTC days, lifetime figures as of the window's last day.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd

from socialroi.errors import SocialroiError
from socialroi.sources.api import Fetcher, Stream, Window
from socialroi.sources.base import Context
from socialroi.sources.linkedin import page_audience, page_content
from socialroi.sources.linkedin.api_restli import (
    count,
    day_of,
    elements,
    enc,
    get,
    paged,
    restli_list,
    time_intervals,
    urn,
)
from socialroi.sources.linkedin.common import P, page_account

BATCH = 20  # post urns per lifetime-statistics call (keeps the URL short)
METRICS_HEADER = ["Date", "Impressions (organic)", "Unique impressions (organic)",
                  "Clicks (organic)", "Reactions (organic)", "Comments (organic)",
                  "Reposts (organic)"]  # fmt: skip
SHARE_FIELDS = ("impressionCount", "uniqueImpressionsCount", "clickCount", "likeCount",
                "commentCount", "shareCount")  # fmt: skip
POSTS_HEADER = ["Post title", "Post link", "Post type", "Content Type", "Created date",
                "Impressions", "Clicks", "Likes", "Comments", "Reposts"]  # fmt: skip
POST_FIELDS = ("impressionCount", "clickCount", "likeCount", "commentCount", "shareCount")
_VANITY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,99}$")
_POST_URN = re.compile(r"^urn:li:(share|ugcPost):(\d{1,25})$")
_MEDIA = {"image": "Image", "video": "Video", "document": "Document"}


# -- Page statistics -----------------------------------------------------------------------
def fetch_page_statistics(
    f: Fetcher, stream: Stream, account: str, window: Window
) -> list[dict[str, Any]]:
    org = urn("organization", account)
    out = [{"_kind": "organization", **_organization(f, account)}]
    spans = {"timeIntervals": time_intervals(window)}
    for kind, path, key in (
        ("share", "/rest/organizationalEntityShareStatistics", "organizationalEntity"),
        ("follower", "/rest/organizationalEntityFollowerStatistics", "organizationalEntity"),
        ("page", "/rest/organizationPageStatistics", "organization"),
    ):
        body = get(f, path, {"q": key, key: enc(org), **spans}, page=f"{kind} statistics")
        f.pages_read += 1
        out += [{"_kind": kind, **e} for e in elements(body, f"{kind} statistics")]
    return out


def _organization(f: Fetcher, account: str) -> dict[str, Any]:
    got = get(f, f"/rest/organizations/{account}", {}, page="organization")
    if not isinstance(got, dict):
        raise SocialroiError("the organization lookup answered with something else")
    return got


def page_handle(ctx: Context, org: dict[str, Any], native: str) -> str:
    """The Page's handle: its vanity name (as the export files are named), else its id."""
    vanity = org.get("vanityName")
    if isinstance(vanity, str) and _VANITY.match(vanity):
        return vanity.lower()
    return native


def page_statistics_staged(
    records: list[dict[str, Any]], ctx: Context, account: str
) -> dict[str, pd.DataFrame]:
    org = next((r for r in records if r["_kind"] == "organization"), {})
    handle = page_handle(ctx, org, account)
    name = org.get("localizedName") if isinstance(org.get("localizedName"), str) else None
    rows: dict[str, list[list[Any]]] = {"share": [], "follower": [], "page": []}
    for i, r in enumerate(records, start=1):
        if r["_kind"] == "organization":
            continue
        day = _day(ctx, r, i)
        if r["_kind"] == "share":
            s = _part(ctx, r, i, "totalShareStatistics")
            rows["share"].append([day, *(count(ctx, s.get(k), i, k) for k in SHARE_FIELDS)])
        elif r["_kind"] == "follower":
            g = _part(ctx, r, i, "followerGains")
            paid = count(ctx, g.get("paidFollowerGain"), i, "paidFollowerGain")
            organic = count(ctx, g.get("organicFollowerGain"), i, "organicFollowerGain")
            rows["follower"].append([day, paid, organic])
        else:
            views = _part(ctx, _part(ctx, r, i, "totalPageStatistics"), i, "views")
            allv = _part(ctx, views, i, "allPageViews")
            rows["page"].append([day, count(ctx, allv.get("pageViews"), i, "pageViews")])
    acct = {"native_id": account, "name": name, "kind": "brand"}
    out = {"accounts": pd.DataFrame([page_account(ctx, handle, **acct)])}
    parts = []
    if rows["share"]:
        sheets = {"Metrics": [METRICS_HEADER, *rows["share"]]}
        parts.append(
            page_content.content_frames(ctx, handle, sheets, None, **acct)["account_metrics"]
        )
    if rows["follower"]:
        sheet = [["Date", "Sponsored followers", "Organic followers"], *rows["follower"]]
        parts.append(page_audience.followers_frames(ctx, handle, {"New followers": sheet},
                                                    None)["account_metrics"])  # fmt: skip
    if rows["page"]:
        sheet = [["Date", "Total page views (total)"], *rows["page"]]
        parts.append(page_audience.visitors_frames(ctx, handle, {"Visitor metrics": sheet},
                                                   None)["account_metrics"])  # fmt: skip
    frames = [p for p in parts if p is not None and len(p)]
    if frames:
        keys = ["account_id", "platform", "metric_date"]
        merged = frames[0]
        for nxt in frames[1:]:
            merged = merged.merge(nxt, on=keys, how="outer")
        out["account_metrics"] = merged.sort_values("metric_date", ignore_index=True)
    return out


def _day(ctx: Context, r: dict[str, Any], i: int) -> dt.date:
    span = r.get("timeRange")
    start = day_of(span.get("start")) if isinstance(span, dict) else None
    if start is None:
        raise ctx.fail("a day has no timeRange.start", row=i, column="timeRange", value=span)
    if span.get("end") != span["start"] + 86_400_000:
        raise ctx.fail("a record covers more than one day", row=i, column="timeRange",
                       value=span, expected="timeGranularityType DAY")  # fmt: skip
    return start


def _part(ctx: Context, r: dict[str, Any], i: int, key: str) -> dict[str, Any]:
    got = r.get(key)
    if got is None:
        return {}
    if not isinstance(got, dict):
        raise ctx.fail(f"{key} is not an object", row=i, column=key, value=got)
    return got


# -- posts ---------------------------------------------------------------------------------
def author_posts(f: Fetcher, author: str, window: Window, what: str) -> list[dict[str, Any]]:
    """The author's published posts of the window, newest first until one is older."""
    out: list[dict[str, Any]] = []
    params = {"q": "author", "author": author, "sortBy": "CREATED"}
    for page in paged(f, "/rest/posts", params, what):
        for post in page:
            day = day_of(post.get("publishedAt") or post.get("createdAt"))
            if day is not None and day < window.since:
                return out
            if day is not None and day > window.until:
                continue
            if post.get("lifecycleState", "PUBLISHED") == "PUBLISHED":
                out.append(post)
    return out


def fetch_page_posts(
    f: Fetcher, stream: Stream, account: str, window: Window
) -> list[dict[str, Any]]:
    org = _organization(f, account)
    posts = author_posts(f, urn("organization", account), window, "posts")
    stats: dict[str, dict[str, Any]] = {}
    for kind, key in (("share", "shares"), ("ugcPost", "ugcPosts")):
        ids = [p["id"] for p in posts if str(p.get("id", "")).startswith(f"urn:li:{kind}:")]
        for n in range(0, len(ids), BATCH):
            body = get(f, "/rest/organizationalEntityShareStatistics",
                       {"q": "organizationalEntity", "organizationalEntity":
                        enc(urn("organization", account)), key: restli_list(ids[n:n + BATCH])},
                       page=f"post statistics {n // BATCH + 1}")  # fmt: skip
            f.pages_read += 1
            for e in elements(body, "post statistics"):
                if isinstance(e.get(kind), str):
                    stats[e[kind]] = e.get("totalShareStatistics")
    for p in posts:
        p["_stats"] = stats.get(p.get("id"))
        p["_as_of"] = window.until.isoformat()
    return [{"_kind": "organization", "_as_of": window.until.isoformat(), **org}, *posts]


def post_rows(ctx: Context, posts: list[tuple[int, dict[str, Any]]], figures) -> list[list[Any]]:
    """The posts as rows of the `All posts` sheet (header first). `figures(i, post)` gives
    (impressions, clicks, likes, comments, reposts)."""
    rows: list[list[Any]] = [POSTS_HEADER]
    for i, p in posts:
        m = _POST_URN.match(str(p.get("id")))
        if not m:
            raise ctx.fail(
                "a post has no share or ugcPost urn",
                row=i,
                column="id",
                value=p.get("id"),
                expected="urn:li:share:<id> or urn:li:ugcPost:<id>",
            )
        day = day_of(p.get("publishedAt") or p.get("createdAt"))
        if day is None:
            raise ctx.fail("a post has no publishedAt time", row=i, column="publishedAt",
                           value=p.get("publishedAt"), expected="epoch milliseconds")  # fmt: skip
        text = p.get("commentary")
        ad = p.get("adContext")
        sponsored = isinstance(ad, dict) and ad.get("isDsc") is True
        rows.append([text if isinstance(text, str) else None,
                     f"https://www.linkedin.com/feed/update/{p['id']}/",
                     "Sponsored" if sponsored else "Organic", _content_type(p.get("content")),
                     day, *figures(i, p)])  # fmt: skip
    return rows


def _content_type(content: Any) -> str:
    if not isinstance(content, dict) or not content:
        return "Text"
    if "article" in content:
        return "Article"
    if "poll" in content:
        return "Poll"
    if "multiImage" in content:
        return "Image"
    media = content.get("media")
    mid = media.get("id") if isinstance(media, dict) else None
    kind = str(mid).split(":")[2] if isinstance(mid, str) and mid.count(":") >= 3 else ""
    return _MEDIA.get(kind, "Other")


def page_posts_staged(
    records: list[dict[str, Any]], ctx: Context, account: str
) -> dict[str, pd.DataFrame]:
    org = next((r for r in records if r.get("_kind") == "organization"), {})
    handle = page_handle(ctx, org, account)
    name = org.get("localizedName") if isinstance(org.get("localizedName"), str) else None
    posts = [(i, r) for i, r in enumerate(records, start=1) if r.get("_kind") != "organization"]

    def figures(i: int, p: dict[str, Any]) -> list[int | None]:
        s = _part(ctx, p, i, "_stats")
        return [count(ctx, s.get(k), i, k) for k in POST_FIELDS]

    as_of = dt.date.fromisoformat(org.get("_as_of") or dt.date.today().isoformat())
    sheets = {"All posts": post_rows(ctx, posts, figures)} if posts else {}
    if not sheets:
        return {"accounts": pd.DataFrame([page_account(ctx, handle, native_id=account,
                                                        name=name, kind="brand")])}  # fmt: skip
    return page_content.content_frames(ctx, handle, sheets, as_of, native_id=account, name=name,
                                       kind="brand")  # fmt: skip


def _stream(name: str, title: str, path: str, staged, fetch, **kw: Any) -> Stream:
    return Stream(P, name, title, path, staged, fetch=fetch, **kw)


PAGE_STATISTICS = _stream(
    "page_statistics",
    "Page statistics per day (organic impressions, reach, clicks, reactions, new followers, "
    "page views)",
    "/rest/organizationalEntityShareStatistics", page_statistics_staged, fetch_page_statistics,
    lag_days=3, window_days=90, history_days=90, max_history_days=365,
    replaces={"account_metrics": "metric_date"},
)  # fmt: skip
PAGE_POSTS = _stream(
    "page_posts", "Page posts with lifetime statistics (organic)", "/rest/posts",
    page_posts_staged, fetch_page_posts,
    lag_days=28, window_days=366, history_days=90, max_history_days=365,
)  # fmt: skip
