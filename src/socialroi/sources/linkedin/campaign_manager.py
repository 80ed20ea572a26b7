"""LinkedIn Campaign Manager performance report: UTF-16, tab-separated, banner lines
(`Campaign Performance Report (in UTC)`, `Report Start: ...`) above the header; daily or
monthly rows per campaign or creative."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

import pandas as pd

from socialroi.sources.base import Context, InputFile, account_id, prefixed, report
from socialroi.sources.kit.cells import ids
from socialroi.sources.kit.dates import parse_date
from socialroi.sources.kit.headers import HeaderMap, norm
from socialroi.sources.kit.sniff import Sniff
from socialroi.sources.kit.table import Table, table_from_rows
from socialroi.sources.kit.tabular import read_rows
from socialroi.sources.linkedin.common import (
    P,
    page_account,
    report_aliases,
    required_dates,
)

# -- Campaign Manager performance report ---------------------------------------------------

_BANNER_TITLE = re.compile(
    r"performance report|informe de rendimiento|效果报告|campaign manager", re.IGNORECASE
)
_START = re.compile(
    r"(?:report start|inicio del informe|fecha de inicio del informe|报告开始日期|报告开始)"
    r"\s*[:：]\s*([^,，\t]+)",
    re.IGNORECASE,
)
_END = re.compile(
    r"(?:report end|fin del informe|fecha de finalización del informe|报告结束日期|报告结束)"
    r"\s*[:：]\s*([^,，\t]+)",
    re.IGNORECASE,
)
_CM_IDS = ("campaign_id", "ad_id")


def _cm_header(rows: list[list[Any]]) -> int | None:
    a = report_aliases("campaign_manager")
    for i, row in enumerate(rows[:30]):
        hm = HeaderMap(row, a)
        if ("spend" in hm or "impressions" in hm) and any(f in hm for f in _CM_IDS):
            return i
        if "spend" in hm and "campaign_name" in hm and "campaign_group_name" in hm:
            return i
    return None


def _detect_campaign_manager(s: Sniff) -> float:
    if s.kind != "text" or not s.rows:
        return 0.0
    h = _cm_header(s.rows)
    if h is None:
        return 0.0
    hm = HeaderMap(s.rows[h], report_aliases("campaign_manager"))
    banner = " ".join(" ".join(r) for r in s.rows[:h])
    date_name = norm(hm.found_as.get("date", ""))
    specific = "(in utc)" in date_name or "(en utc)" in date_name or "utc" in date_name
    if _BANNER_TITLE.search(banner) or specific:
        return 0.95
    if "campaign_group_name" in hm or "campaign_type" in hm:
        return 0.8
    return 0.55


def _banner_period(ctx: Context, banner: str) -> tuple[dt.date | None, dt.date | None]:
    def one(rx: re.Pattern[str]) -> dt.date | None:
        m = rx.search(banner)
        if not m:
            return None
        try:
            return parse_date(m[1].strip(), order="MDY")
        except ValueError:
            return None

    return one(_START), one(_END)


def _month_end(d: dt.date) -> dt.date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _periods(
    days: list[dt.date], start: dt.date | None, end: dt.date | None
) -> list[dt.date] | None:
    """Period ends for a monthly breakdown, or None when the rows are daily."""
    if not days or start is None or end is None or (end - start).days < 27:
        return None
    if any(d.day != 1 for d in days):
        return None
    distinct = sorted(set(days))
    gaps_monthly = all((b - a).days >= 28 for a, b in zip(distinct, distinct[1:]))
    if not gaps_monthly or (len(distinct) == 1 and distinct[0] != start):
        return None
    return [min(_month_end(d), end) for d in days]


@report(
    P,
    "campaign_manager",
    "LinkedIn Campaign Manager performance report",
    detect=_detect_campaign_manager,
)
def parse_campaign_manager(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    rows = read_rows(file)
    return from_rows(file, ctx, rows.rows, rows.first_row)


def from_rows(
    file: InputFile, ctx: Context, rows: list[list[Any]], first_row: int = 1
) -> dict[str, pd.DataFrame]:
    """The staging frames of a performance report's rows (banner lines, header, data): the
    file's rows, or the Ads Reporting API's records laid out in its columns."""
    a = report_aliases("campaign_manager")
    h = _cm_header(rows)
    if h is None:
        raise ctx.fail(
            "no header row of a Campaign Manager report was found",
            row=first_row,
            value=", ".join(map(str, rows[0]))[:200] if rows else "",
            expected="a header with Campaign ID and Total Spent or Impressions",
        )
    hm = HeaderMap(rows[h], a)
    if not any(f in hm for f in _CM_IDS):
        raise ctx.fail(
            "this Campaign Manager report has no Campaign ID or Creative ID column",
            row=h + first_row,
            value=", ".join(str(x) for x in rows[h] if x)[:200],
            expected="the Campaign or Ad performance report with its ID columns",
        )
    banner = " , ".join(" ".join(map(str, r)) for r in rows[:h])
    rep_start, rep_end = _banner_period(ctx, banner)
    t = table_from_rows(ctx, rows, a, [], what="the report", header_index=h, first_row=first_row)
    n = len(t.rows)
    if t.has("date"):
        days = required_dates(ctx, t, "date", period_end=rep_end)
        if t.has("end_date"):
            ends = required_dates(ctx, t, "end_date", period_end=rep_end)
        else:
            ends = _periods(days, rep_start, rep_end) or list(days)
    elif rep_start and rep_end:
        days, ends = [rep_start] * n, [rep_end] * n
    else:
        raise ctx.fail(
            "this report has neither a date column nor a 'Report Start/End' banner",
            row=h + first_row,
            column="Start Date (in UTC)",
            expected="a daily or monthly report, or the banner LinkedIn writes above the header",
        )

    def id_col(field: str) -> list[str | None]:
        if not t.has(field):
            return [None] * n
        return ids(ctx, t.cells(field), t.row_numbers, t.column(field))[0].tolist()

    camp_native, ad_native = id_col("campaign_id"), id_col("ad_id")
    acct_native = id_col("account_native_id")
    acct_names = t.text("account_name")

    currencies = _currencies(ctx, t, hm)
    handles = _ad_account_handles(ctx, file, acct_native, acct_names)

    camp_ids = [prefixed(P, f"campaign:{c}") if c else None for c in camp_native]
    ad_ids = [prefixed(P, f"ad:{x}") if x else None for x in ad_native]
    for i, rn in enumerate(t.row_numbers):
        if camp_ids[i] is None and ad_ids[i] is None:
            raise ctx.fail(
                "a row names no campaign or ad id",
                row=rn,
                column=t.column("campaign_id" if t.has("campaign_id") else "ad_id"),
                expected="the campaign's numeric id",
            )
    aids = [account_id(P, h_) for h_ in handles]
    frame = pd.DataFrame(
        {
            "entity_id": [ad or c for ad, c in zip(ad_ids, camp_ids)],
            "platform": P,
            "account_id": aids,
            "campaign_id": camp_ids,
            "ad_id": ad_ids,
            "metric_date": days,
            "period_end": ends,
            "market": ctx.options.market.upper() if ctx.options.market else None,
            "currency": currencies,
        },
        index=range(n),
    )
    for col, integer in (
        ("spend", False),
        ("impressions", True),
        ("reach", True),
        ("clicks", True),
        ("link_clicks", True),
        ("video_views", True),
        ("platform_conversions", False),
        ("platform_conversion_value", False),
    ):
        s = t.numbers(ctx, col, integer=integer)
        if s is not None:
            frame[col] = s

    objectives = t.text("objective")
    camp_names, ad_names = t.text("campaign_name"), t.text("ad_name")
    campaigns: dict[str, dict[str, Any]] = {}
    for i in range(n):
        if camp_ids[i]:
            campaigns[camp_ids[i]] = {
                "campaign_id": camp_ids[i],
                "platform": P,
                "account_id": aids[i],
                "level": "campaign",
                "native_id": camp_native[i],
                "name": camp_names[i],
                "objective": objectives[i],
                "market": frame.at[i, "market"],
            }
        if ad_ids[i]:
            campaigns[ad_ids[i]] = {
                "campaign_id": ad_ids[i],
                "platform": P,
                "account_id": aids[i],
                "level": "ad",
                "native_id": ad_native[i],
                "parent_id": camp_ids[i],
                "name": ad_names[i],
                "market": frame.at[i, "market"],
            }
    given = ctx.options.account or file.folder_hint
    accounts: dict[str, dict[str, Any]] = {}
    for i in range(n):
        row = page_account(
            ctx,
            handles[i],
            native_id=acct_native[i],
            name=acct_names[i],
            currency=currencies[i],
        )
        if handles[i] != given:  # keyed by the report's Account ID or name: not a handle
            row["handle"] = None
        accounts[aids[i]] = row
    return {
        "accounts": pd.DataFrame(list(accounts.values())),
        "campaigns": pd.DataFrame(list(campaigns.values())),
        "ad_metrics": frame,
    }


def _currencies(ctx: Context, t: Table, hm: HeaderMap) -> list[str]:
    from_header = hm.currencies.get("spend")
    fallback = from_header or (ctx.options.currency.upper() if ctx.options.currency else None)
    out = []
    for cur, rn in zip(t.text("currency"), t.row_numbers):
        c = (cur or fallback or "").upper()
        if not re.fullmatch(r"[A-Z]{3}", c):
            raise ctx.fail(
                "the spend of this row has no currency" if not c else "not a currency code",
                row=rn,
                column=t.column("currency") if t.has("currency") else t.column("spend"),
                value=cur,
                expected="an ISO 4217 code such as USD",
                hint="Pass --currency XXX for reports without a Currency column.",
            )
        out.append(c)
    return out


def _ad_account_handles(
    ctx: Context, file: InputFile, natives: list[str | None], names: list[str | None]
) -> list[str]:
    """The ad account of each row: --account or a folder @handle when the report is about
    one account; else the Account ID, else the Account Name the report gives."""
    named = {x or y for x, y in zip(natives, names) if x or y}
    given = ctx.options.account or file.folder_hint
    if given and len(named) <= 1:
        return [given] * len(natives)
    out = []
    for x, y in zip(natives, names):
        key = x or y
        if key is None:
            key = ctx.account_handle(P)
        out.append(key)
    return out
