"""X analytics exports and X Ads reports (docs/sources/x.md).

- `post_activity`: one row per post with lifetime figures. The current account analytics
  export (`account_analytics_content_<from>_<to>.csv`: Post id, Date, Post text, Post Link,
  Impressions, ...) and the legacy tweet activity export
  (`tweet_activity_metrics_<handle>_<from>_<to>_<lang>.csv`: Tweet id, ..., time in UTC
  like `2021-08-31 19:53 +0000`) are one report: the same facts under renamed headers.
- `account_daily`: one row per day: `account_overview_analytics.csv` (Date like
  `Mon, Jan 06, 2025`) and the legacy `daily_tweet_activity_metrics_<handle>_...csv`.
- `ads`: X Ads Manager campaign / ad group / ad x day reports with spend.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from socialroi.model.aliases import aliases
from socialroi.sources.base import Context, InputFile, account_id, prefixed, report
from socialroi.sources.kit.accounts import account_row, given_handle, timezone_of
from socialroi.sources.kit.ads import detect_ads, parse_ads
from socialroi.sources.kit.dates import file_period
from socialroi.sources.kit.sniff import Sniff
from socialroi.sources.kit.social import handle_from_urls, header_of, ids_from_links
from socialroi.sources.kit.stamps import local_date_of, resolve_years, stamps, to_utc_stamps
from socialroi.sources.kit.table import Table, read_table

P = "x"
X_TZ = "UTC"  # legacy exports write times with +0000; the new ones count days in UTC
_LEGACY_NAME = re.compile(
    r"tweet_activity_metrics_(?P<handle>[A-Za-z0-9_]+)_(?P<start>\d{8})_(?P<end>\d{8})",
    re.IGNORECASE,
)
_STATUS = re.compile(r"/status(?:es)?/(\d+)")


def _al(name: str) -> dict[str, list[str]]:
    return aliases(P, name)


def _legacy_name(file: InputFile) -> tuple[str | None, list[dt.date]]:
    """Handle and period from a legacy export's name; its end date is exclusive."""
    m = _LEGACY_NAME.search(file.name)
    if not m:
        return None, []
    try:
        start = dt.datetime.strptime(m["start"], "%Y%m%d").date()
        end = dt.datetime.strptime(m["end"], "%Y%m%d").date() - dt.timedelta(days=1)
    except ValueError:  # a day that does not exist: the period is read from the file
        return None, []
    return m["handle"], [start, max(start, end)]


def _period(file: InputFile, table: Table) -> list[dt.date]:
    _, legacy = _legacy_name(file)
    return legacy or file_period(file, table.above)


def _handle(ctx: Context, file: InputFile, urls: list[str | None] | None = None) -> str:
    legacy, _ = _legacy_name(file)
    return (
        given_handle(ctx)
        or legacy
        or (handle_from_urls(urls) if urls else None)
        or ctx.account_handle(P)
    )


# -- posts ---------------------------------------------------------------------------------

POST_FIELDS = [
    "impressions", "likes", "engagements", "saves", "shares", "comments", "follows",
    "link_clicks", "video_views",
]  # fmt: skip


def _detect_posts(s: Sniff) -> float:
    hm = header_of(s, _al("post_activity"), ["native_id", "impressions"])
    return 0.9 if hm is not None and ("url" in hm or "published" in hm) else 0.0


@report(
    P, "post_activity", "X post analytics export (content / tweet activity)", detect=_detect_posts
)
def parse_posts(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    table = read_table(
        file,
        ctx,
        _al("post_activity"),
        ["native_id", "impressions"],
        "X post analytics export",
        placeholders=True,
        number_fields=[*POST_FIELDS, "promoted_impressions"],
    )
    return posts_from_table(file, ctx, table)


def posts_from_table(file: InputFile, ctx: Context, table: Table) -> dict[str, pd.DataFrame]:
    """The staging frames of a post analytics table: the export's rows, or the X API's posts
    laid out in the export's columns (`sources/x/api.py`)."""
    what = "X post analytics export"
    rns = table.row_numbers
    urls = table.text("url")
    handle = _handle(ctx, file, urls)
    acct = account_id(P, handle)

    # ids: Excel turns 1432793754507923461 into 1.43279E+18; the post link still has it.
    natives, mangled = ids_from_links(ctx, table, "native_id", urls, _STATUS)

    period = _period(file, table)
    if table.has("published"):
        st = stamps(ctx, table, "published")
        pub_dates = resolve_years(ctx, table, "published", st, period, daily=False)
    else:
        raise ctx.fail(
            f"this {what} has no date column",
            row=table.header_row,
            expected="a Date (or time) column",
        )
    tz = timezone_of(ctx, X_TZ, acct)
    published = to_utc_stamps(st, pub_dates, X_TZ)
    local = [local_date_of(ts, d, tz, X_TZ) for ts, d in zip(published, pub_dates)]
    as_of = period[-1] if period else max(d for d in pub_dates if d)

    promoted = None
    if table.has("promoted_impressions"):
        pi = table.numbers(ctx, "promoted_impressions")
        promoted = [bool(v > 0) if not pd.isna(v) else False for v in pi]
    post_ids = [prefixed(P, n) for n in natives]
    posts = pd.DataFrame(
        {
            "post_id": post_ids,
            "platform": P,
            "account_id": acct,
            "native_id": natives,
            "published_at": pd.Series(published, dtype="object"),
            "local_date": pd.Series(local, dtype="object"),
            "caption": table.text("caption"),
            "url": urls,
            "id_mangled": mangled,
        }
    )
    if promoted is not None:
        posts["promoted"] = promoted
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
    for f in POST_FIELDS:
        if table.has(f):
            metrics[f] = table.numbers(ctx, f).to_numpy()
    dup = posts["post_id"].duplicated()
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        raise ctx.fail(
            "the same post appears twice",
            row=rns[i],
            column=table.column("native_id"),
            value=natives[i],
            expected="one row per post",
        )
    return {
        "accounts": pd.DataFrame([account_row(ctx, P, handle)]),
        "posts": posts,
        "post_metrics": metrics,
    }


# -- account days --------------------------------------------------------------------------

DAILY_FIELDS = [
    "impressions", "likes", "engagements", "shares", "comments", "follows", "unfollows",
    "profile_views", "views",
]  # fmt: skip


def _detect_daily(s: Sniff) -> float:
    al = _al("account_daily")
    hm = header_of(s, al, ["metric_date", "impressions", "engagements"])
    if hm is None or not ("shares" in hm or "comments" in hm or "posts_published" in hm):
        return 0.0
    # a post export also has a Date column: it is not daily when it has a post id
    posts = header_of(s, _al("post_activity"), ["native_id", "impressions"])
    return 0.0 if posts is not None else 0.9


@report(P, "account_daily", "X account overview export (daily)", detect=_detect_daily)
def parse_daily(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    what = "X account overview export"
    table = read_table(
        file,
        ctx,
        _al("account_daily"),
        ["metric_date", "impressions"],
        what,
        placeholders=True,
        number_fields=DAILY_FIELDS,
    )
    handle = _handle(ctx, file)
    days = stamps(ctx, table, "metric_date")
    dates = resolve_years(ctx, table, "metric_date", days, _period(file, table), daily=True)
    df = pd.DataFrame(
        {
            "account_id": account_id(P, handle),
            "platform": P,
            "metric_date": pd.Series(dates, dtype="object"),
        }
    )
    for f in DAILY_FIELDS:
        if table.has(f):
            df[f] = table.numbers(ctx, f).to_numpy()
    if "follows" in df and "unfollows" in df:
        df["follower_change"] = df["follows"] - df["unfollows"]
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


# -- ads -----------------------------------------------------------------------------------


# Columns only X Ads Manager writes.
ADS_SIGNATURE = [
    "Link clicks", "Billed charge", "Billed engagements", "Funding source name",
    "Clics en el enlace", "链接点击",
]  # fmt: skip


def _detect_ads(s: Sniff) -> float:
    return detect_ads(s, _al("ads"), ADS_SIGNATURE)


@report(P, "ads", "X Ads Manager report", detect=_detect_ads)
def parse_ads_report(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    return parse_ads(file, ctx, P, _al("ads"), "X Ads Manager report")
