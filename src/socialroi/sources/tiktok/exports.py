"""TikTok Studio analytics downloads and TikTok Ads Manager reports (docs/sources/tiktok.md).

TikTok Studio (Analytics > Download data, CSV or XLSX) writes one file per tab: Overview,
FollowerHistory, Viewers and Content. They do not name the account (`--account` or a folder
`@handle`; Content links name it too), count days in UTC, and write dates without a year
("January 8", "8 de enero", "1月8日"): the year comes from the dates in the file name (TikTok
names downloads `Overview_2025-08-28_...`), from `--year`, or the import stops and asks.
"""

from __future__ import annotations

import re

import pandas as pd

from socialroi.model.aliases import aliases
from socialroi.sources.base import Context, InputFile, account_id, prefixed, report, unsupported
from socialroi.sources.kit.accounts import account_row, given_handle, timezone_of
from socialroi.sources.kit.ads import detect_ads, parse_ads
from socialroi.sources.kit.dates import file_period, parse_date
from socialroi.sources.kit.sniff import Sniff
from socialroi.sources.kit.social import handle_from_urls, header_of, sniff_score
from socialroi.sources.kit.stamps import local_date_of, resolve_years, stamps, to_utc_stamps
from socialroi.sources.kit.table import Table, read_table

P = "tiktok"
STUDIO_TZ = "UTC"  # TikTok Studio counts days and shows post times in UTC


def _al(name: str) -> dict[str, list[str]]:
    return aliases(P, name)


def _daily(
    file: InputFile, ctx: Context, name: str, required: list[str], fields: list[str], what: str
) -> dict[str, pd.DataFrame]:
    table = read_table(
        file, ctx, _al(name), required, what, number_fields=fields, placeholders=True
    )
    return daily_frames(ctx, table, fields, file_period(file, table.above))


def daily_frames(ctx: Context, table: Table, fields: list[str], period: list) -> dict:
    """`accounts` and `account_metrics` of a table of days (a Studio download, or the
    Accounts API's daily metrics laid out in its columns by `sources.tiktok.api`)."""
    handle = ctx.account_handle(P)
    days = stamps(ctx, table, "metric_date")
    dates = resolve_years(ctx, table, "metric_date", days, period, daily=True)
    df = pd.DataFrame(
        {
            "account_id": account_id(P, handle),
            "platform": P,
            "metric_date": pd.Series(dates, dtype="object"),
        }
    )
    for f in fields:
        if table.has(f):
            df[f] = table.numbers(ctx, f).to_numpy()
    dup = df.duplicated("metric_date", keep=False)
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][1])
        raise ctx.fail(
            "the same day appears twice",
            row=table.row_numbers[i],
            column=table.column("metric_date"),
            value=table.cells("metric_date")[i],
            expected="one row per day",
        )
    return {"accounts": pd.DataFrame([account_row(ctx, P, handle)]), "account_metrics": df}


OVERVIEW_FIELDS = [
    "views", "profile_views", "likes", "comments", "shares", "follows", "unfollows", "reach",
]  # fmt: skip


def _studio_score(s: Sniff, name: str, required: list[str]) -> float:
    """TikTok Studio files are narrow: most of their header cells must be known to us (X's
    overview also has Date, Video views and Profile visits, among many other columns)."""
    hm = header_of(s, _al(name), required)
    if hm is None:
        return 0.0
    cells_ = [h for h in hm.header if h.strip()]
    return 0.9 if len(hm.index) >= 0.75 * len(cells_) else 0.0


def _detect_overview(s: Sniff) -> float:
    return _studio_score(s, "studio_overview", ["metric_date", "views", "profile_views"])


@report(P, "studio_overview", "TikTok Studio Overview download", detect=_detect_overview)
def parse_overview(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    return _daily(
        file,
        ctx,
        "studio_overview",
        ["metric_date", "views"],
        OVERVIEW_FIELDS,
        "TikTok Studio Overview download",
    )


def _detect_followers(s: Sniff) -> float:
    return _studio_score(s, "studio_followers", ["metric_date", "followers", "follower_change"])


@report(P, "studio_followers", "TikTok Studio FollowerHistory download", detect=_detect_followers)
def parse_followers(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    return _daily(
        file,
        ctx,
        "studio_followers",
        ["metric_date", "followers"],
        ["followers", "follower_change"],
        "TikTok Studio FollowerHistory download",
    )


def _detect_viewers(s: Sniff) -> float:
    return _studio_score(s, "studio_viewers", ["metric_date", "unique_viewers", "new_viewers"])


@report(P, "studio_viewers", "TikTok Studio Viewers download", detect=_detect_viewers)
def parse_viewers(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    return _daily(
        file,
        ctx,
        "studio_viewers",
        ["metric_date", "unique_viewers"],
        ["unique_viewers", "new_viewers"],
        "TikTok Studio Viewers download",
    )


def _detect_follower_activity(s: Sniff) -> float:
    """FollowerActivity.csv (Date, Hour, Active followers) of the Followers download."""
    return 0.9 if s.match(["Date", "Hour", "Active followers"]) == 1.0 else 0.0


unsupported(
    P,
    "TikTok Studio FollowerActivity download (active followers by hour)",
    detect=_detect_follower_activity,
    instead="FollowerHistory.csv from the same Followers download (followers by day)",
)


CONTENT_FIELDS = ["views", "likes", "comments", "shares", "saves", "reach"]
_VIDEO_ID = re.compile(r"/(?:video|photo)/(\d+)")


def _detect_content(s: Sniff) -> float:
    return sniff_score(s, _al("studio_content"), ["url", "published", "views"])


@report(P, "studio_content", "TikTok Studio Content download", detect=_detect_content)
def parse_content(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    what = "TikTok Studio Content download"
    table = read_table(
        file,
        ctx,
        _al("studio_content"),
        ["url", "views"],
        what,
        placeholders=True,
        number_fields=CONTENT_FIELDS,
    )
    return content_frames(ctx, table, file_period(file, table.above) or _export_day(table))


def content_frames(ctx: Context, table: Table, period: list) -> dict[str, pd.DataFrame]:
    """`accounts`, `posts` and lifetime `post_metrics` of a table of videos (a Studio Content
    download, or the Accounts API's video list laid out in its columns); `period`: the days
    the figures are as of (their last day dates the snapshot)."""
    rns = table.row_numbers
    urls = table.text("url")
    handle = given_handle(ctx) or handle_from_urls(urls) or ctx.account_handle(P)
    acct = account_id(P, handle)
    given_ids = table.text("native_id")
    natives: list[str] = []
    for i, (u, rn) in enumerate(zip(urls, rns)):
        m = _VIDEO_ID.search(u or "")
        nid = m[1] if m else given_ids[i]
        if not nid:
            raise ctx.fail(
                "a video has no link with a video id",
                row=rn,
                column=table.column("url"),
                value=u,
                expected="a link like https://www.tiktok.com/@handle/video/7311...",
            )
        natives.append(nid)
    if table.has("published"):
        st = stamps(ctx, table, "published", required=False)
        pub_dates = resolve_years(ctx, table, "published", st, period, daily=False)
    else:
        st, pub_dates = [None] * len(natives), [None] * len(natives)
    tz = timezone_of(ctx, STUDIO_TZ, acct)
    published = to_utc_stamps(st, pub_dates, STUDIO_TZ)
    local = [local_date_of(ts, d, tz, STUDIO_TZ) for ts, d in zip(published, pub_dates)]
    as_of = period[-1] if period else max((d for d in local if d), default=None)
    if as_of is None:
        raise ctx.fail(
            "cannot tell which day this content snapshot is from",
            row=table.header_row,
            expected="a Post time column or dates in the file name",
        )
    for i, d in enumerate(local):
        if d is None:
            raise ctx.fail(
                "a video has no post time, so its lifetime figures cannot be dated",
                row=rns[i],
                column=table.column("published") if table.has("published") else None,
                expected="a post time in every row",
            )
    post_ids = [prefixed(P, n) for n in natives]
    posts = pd.DataFrame(
        {
            "post_id": post_ids,
            "platform": P,
            "account_id": acct,
            "native_id": natives,
            "published_at": pd.Series(published, dtype="object"),
            "local_date": pd.Series(local, dtype="object"),
            "format": "video",
            "caption": table.text("caption"),
            "url": urls,
            "id_mangled": False,
        }
    )
    metrics = pd.DataFrame(
        {
            "post_id": post_ids,
            "platform": P,
            "account_id": acct,
            "grain": "lifetime",
            "metric_date": pd.Series(local, dtype="object"),
            "as_of": as_of,
        }
    )
    for f in CONTENT_FIELDS:
        if table.has(f):
            metrics[f] = table.numbers(ctx, f).to_numpy()
    if posts["post_id"].duplicated().any():
        i = int(posts["post_id"].duplicated().to_numpy().nonzero()[0][0])
        raise ctx.fail(
            "the same video appears twice",
            row=rns[i],
            column=table.column("url"),
            value=urls[i],
            expected="one row per video",
        )
    return {
        "accounts": pd.DataFrame([account_row(ctx, P, handle)]),
        "posts": posts,
        "post_metrics": metrics,
    }


def _export_day(table) -> list:
    """The download's leading `Time` column holds the day it was made, on every row: the
    anchor for post times without a year (each takes the latest year not after it)."""
    if not table.has("export_time"):
        return []
    days = []
    for raw in table.cells("export_time"):
        try:
            d = parse_date(raw)
        except ValueError:  # a Time without a year tells nothing about the year
            continue
        if d is not None:
            days.append(d)
    return [max(days)] if days else []


# Columns only TikTok Ads Manager writes (in any of the three languages).
ADS_SIGNATURE = [
    "Clicks (destination)", "CPC (destination)", "CTR (destination)", "By Day", "Cost",
    "Clics (destino)", "Por día", "Costo", "点击量（目标页面）", "按天", "推广系列名称",
    "推广系列ID",
]  # fmt: skip


def _detect_ads(s: Sniff) -> float:
    return detect_ads(s, _al("ads"), ADS_SIGNATURE)


@report(P, "ads", "TikTok Ads Manager report", detect=_detect_ads)
def parse_ads_report(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    return parse_ads(file, ctx, P, _al("ads"), "TikTok Ads Manager report")
