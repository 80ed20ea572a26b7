"""Pinterest Analytics exports and Pinterest Ads Manager reports (docs/sources/pinterest.md).

- `pins`: Analytics > Overview > Top Pins > Export: one row per Pin with its figures for the
  chosen date range, stored as a snapshot (grain `lifetime`) as of the range's last day.
- `overview`: Analytics > Overview > Export: one row per day for the whole profile.
- `ads`: Ads Manager > Reporting > Export: campaign / ad group / ad x day, spend in the ad
  account's currency.

Pinterest counts days in UTC. The organic exports do not name the account: `--account` or a
folder `@handle`.
"""

from __future__ import annotations

import re

import pandas as pd

from socialroi.model.aliases import aliases
from socialroi.sources.base import Context, InputFile, account_id, prefixed, report
from socialroi.sources.kit.accounts import account_row, timezone_of
from socialroi.sources.kit.ads import detect_ads, parse_ads
from socialroi.sources.kit.dates import file_period
from socialroi.sources.kit.sniff import Sniff
from socialroi.sources.kit.social import header_of, ids_from_links
from socialroi.sources.kit.stamps import local_date_of, resolve_years, stamps, to_utc_stamps
from socialroi.sources.kit.table import Table, read_table

P = "pinterest"
PIN_TZ = "UTC"
_PIN_URL = re.compile(r"/pin/(\d+)")
FORMATS = {
    "standard": "image", "image": "image", "imagen": "image", "图片": "image", "标准": "image",
    "video": "video", "vídeo": "video", "视频": "video",
    "carousel": "carousel", "carrusel": "carousel", "轮播": "carousel",
    "idea": "carousel", "idea pin": "carousel", "collage": "image",
}  # fmt: skip


def _al(name: str) -> dict[str, list[str]]:
    return aliases(P, name)


PIN_FIELDS = ["impressions", "engagements", "clicks", "link_clicks", "saves", "video_views"]


def _detect_pins(s: Sniff) -> float:
    hm = header_of(s, _al("pins"), ["native_id", "impressions"])
    return 0.9 if hm is not None and ("clicks" in hm or "saves" in hm) else 0.0


@report(P, "pins", "Pinterest Analytics Top Pins export", detect=_detect_pins)
def parse_pins(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    what = "Pinterest Top Pins export"
    table = read_table(
        file,
        ctx,
        _al("pins"),
        ["native_id", "impressions"],
        what,
        placeholders=True,
        number_fields=PIN_FIELDS,
    )
    return pins_from_table(file, ctx, table)


def pins_from_table(file: InputFile, ctx: Context, table: Table) -> dict[str, pd.DataFrame]:
    """The staged rows of a Top Pins table: the export's, or the API's Pins and their analytics
    laid out in its columns (`pinterest.api`), so both mean the same."""
    rns = table.row_numbers
    handle = ctx.account_handle(P)
    acct = account_id(P, handle)
    urls = table.text("url")
    natives, mangled = ids_from_links(ctx, table, "native_id", urls, _PIN_URL)
    period = file_period(file, table.above)
    if table.has("published"):
        st = stamps(ctx, table, "published", required=False)
        pub = resolve_years(ctx, table, "published", st, period, daily=False)
    else:
        st, pub = [None] * len(natives), [None] * len(natives)
    tz = timezone_of(ctx, PIN_TZ, acct)
    published = to_utc_stamps(st, pub, PIN_TZ)
    local = [local_date_of(ts, d, tz, PIN_TZ) for ts, d in zip(published, pub)]
    if not period:
        raise ctx.fail(
            "this Top Pins export does not say which date range its figures cover",
            row=table.header_row,
            expected="the date range in the file name or in the banner above the header",
            hint="Keep Pinterest's file name (it carries the dates) when saving the export.",
        )
    as_of = period[-1]
    formats = []
    for raw in table.text("format"):
        formats.append(FORMATS.get(raw.casefold(), "other") if raw else "pin")
    post_ids = [prefixed(P, n) for n in natives]
    posts = pd.DataFrame(
        {
            "post_id": post_ids,
            "platform": P,
            "account_id": acct,
            "native_id": natives,
            "published_at": pd.Series(published, dtype="object"),
            "local_date": pd.Series(local, dtype="object"),
            "format": formats,
            "caption": table.text("caption"),
            "url": [u or f"https://www.pinterest.com/pin/{n}/" for u, n in zip(urls, natives)],
            "id_mangled": mangled,
        }
    )
    # A Pin without a creation date is dated by the range start (its figures' first day).
    metric_dates = [d or period[0] for d in local]
    metrics = pd.DataFrame(
        {
            "post_id": post_ids,
            "platform": P,
            "account_id": acct,
            "grain": "lifetime",
            "metric_date": pd.Series(metric_dates, dtype="object"),
            "as_of": as_of,
        }
    )
    for f in PIN_FIELDS:
        if table.has(f):
            metrics[f] = table.numbers(ctx, f).to_numpy()
    dup = posts["post_id"].duplicated()
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        raise ctx.fail(
            "the same Pin appears twice",
            row=rns[i],
            column=table.column("native_id"),
            value=natives[i],
            expected="one row per Pin",
        )
    return {
        "accounts": pd.DataFrame([account_row(ctx, P, handle)]),
        "posts": posts,
        "post_metrics": metrics,
    }


OVERVIEW_FIELDS = [
    "impressions", "engagements", "reach", "profile_views", "follows", "pin_clicks",
    "outbound_clicks", "saves",
]  # fmt: skip
# Pinterest's names for account_metrics columns.
OVERVIEW_COLUMNS = {"pin_clicks": "clicks", "outbound_clicks": "link_clicks"}


def _detect_overview(s: Sniff) -> float:
    hm = header_of(s, _al("overview"), ["metric_date", "impressions"])
    if hm is None or header_of(s, _al("ads"), ["campaign_name"]) is not None:
        return 0.0  # an ads report by day has a Date and Impressions too
    return 0.9 if ("pin_clicks" in hm or "outbound_clicks" in hm) else 0.0


@report(P, "overview", "Pinterest Analytics Overview export (daily)", detect=_detect_overview)
def parse_overview(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    table = read_table(
        file,
        ctx,
        _al("overview"),
        ["metric_date", "impressions"],
        "Pinterest Overview export",
        placeholders=True,
        number_fields=OVERVIEW_FIELDS,
    )
    return overview_from_table(file, ctx, table)


def overview_from_table(file: InputFile, ctx: Context, table: Table) -> dict[str, pd.DataFrame]:
    """The staged rows of an Overview table: the export's, or the API's account analytics."""
    handle = ctx.account_handle(P)
    days = stamps(ctx, table, "metric_date")
    dates = resolve_years(
        ctx, table, "metric_date", days, file_period(file, table.above), daily=True
    )
    df = pd.DataFrame(
        {
            "account_id": account_id(P, handle),
            "platform": P,
            "metric_date": pd.Series(dates, dtype="object"),
        }
    )
    for f in OVERVIEW_FIELDS:
        if table.has(f):
            df[OVERVIEW_COLUMNS.get(f, f)] = table.numbers(ctx, f).to_numpy()
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


ADS_WHAT = "Pinterest Ads Manager report"
# Columns only Pinterest Ads Manager writes.
ADS_SIGNATURE = [
    "Spend in account currency", "Paid impressions", "Outbound clicks", "Pin clicks",
    "Promoted Pin ID", "Paid outbound clicks", "Gasto en la moneda de la cuenta",
    "Clics salientes", "以账户币种计的花费", "出站点击次数",
]  # fmt: skip


def _detect_ads(s: Sniff) -> float:
    return detect_ads(s, _al("ads"), ADS_SIGNATURE)


@report(P, "ads", "Pinterest Ads Manager report", detect=_detect_ads)
def parse_ads_report(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    return parse_ads(file, ctx, P, _al("ads"), ADS_WHAT)
