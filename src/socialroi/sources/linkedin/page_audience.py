"""LinkedIn Page analytics followers export (`New followers` per day) and visitors export
(`Visitor metrics`: page views per day); their demographic sheets are ignored."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from socialroi.sources.base import Context, InputFile, account_id, report
from socialroi.sources.kit.headers import HeaderMap, find_sheet, norm
from socialroi.sources.kit.sniff import Sniff
from socialroi.sources.kit.table import table_from_rows
from socialroi.sources.linkedin.common import (
    P,
    file_parts,
    no_sheet,
    page_account,
    page_handle,
    report_aliases,
    required_dates,
    sheet_names,
    workbook,
)

# -- followers export ----------------------------------------------------------------------


def _detect_followers(s: Sniff) -> float:
    if s.kind != "spreadsheet" or not s.sheets:
        return 0.0
    a = report_aliases("page_followers")
    f = find_sheet(s.sheets, sheet_names("new_followers"), a, ["date", "organic"])
    if f is None:
        return 0.0
    hm = HeaderMap(s.sheets[f[0]][f[1]], a)
    named = norm(f[0]) in {norm(n) for n in sheet_names("new_followers")}
    strong = "sponsored" in hm and ("follows" in hm or "auto_invited" in hm)
    return 0.95 if named and strong else (0.8 if strong else 0.0)


@report(P, "page_followers", "LinkedIn Page analytics followers export", detect=_detect_followers)
def parse_followers(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    _, export_day = file_parts(file)
    return followers_frames(ctx, page_handle(file, ctx), workbook(file, ctx), export_day)


def followers_frames(
    ctx: Context, handle: str, sheets: dict[str, list[list[Any]]], export_day: dt.date | None
) -> dict[str, pd.DataFrame]:
    """The staging frames of a followers workbook's `New followers` sheet (a file's, or the
    follower statistics of the API laid out in its columns)."""
    a = report_aliases("page_followers")
    f = find_sheet(sheets, sheet_names("new_followers"), a, ["date", "organic"])
    if f is None:
        f = find_sheet(sheets, sheet_names("new_followers"), a, ["date", "follows"])
    if f is None:
        raise no_sheet(ctx, sheets, "followers export", "New followers")
    name, h = f
    t = table_from_rows(
        ctx, sheets[name], a, [], what=f"sheet {name!r}", where=f"sheet {name!r}", header_index=h
    )
    days = required_dates(ctx, t, "date", period_end=export_day)
    if t.has("follows"):
        follows = t.numbers(ctx, "follows")
    else:  # no total column: add the parts the sheet has
        follows = None
        for part in ("sponsored", "organic", "auto_invited"):
            if t.has(part):
                s = t.numbers(ctx, part).fillna(0)
                follows = s if follows is None else follows + s
    frame = pd.DataFrame(
        {"account_id": account_id(P, handle), "platform": P, "metric_date": days},
        index=range(len(days)),
    )
    frame["follows"] = follows
    return {"accounts": pd.DataFrame([page_account(ctx, handle)]), "account_metrics": frame}


# -- visitors export -----------------------------------------------------------------------


def _detect_visitors(s: Sniff) -> float:
    if s.kind != "spreadsheet" or not s.sheets:
        return 0.0
    a = report_aliases("page_visitors")
    for need in (["date", "profile_views"], ["date", "overview_views"]):
        f = find_sheet(s.sheets, sheet_names("visitor_metrics"), a, need)
        if f:
            named = norm(f[0]) in {norm(n) for n in sheet_names("visitor_metrics")}
            return 0.95 if named else 0.85
    return 0.0


@report(P, "page_visitors", "LinkedIn Page analytics visitors export", detect=_detect_visitors)
def parse_visitors(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    _, export_day = file_parts(file)
    return visitors_frames(ctx, page_handle(file, ctx), workbook(file, ctx), export_day)


def visitors_frames(
    ctx: Context, handle: str, sheets: dict[str, list[list[Any]]], export_day: dt.date | None
) -> dict[str, pd.DataFrame]:
    """The staging frames of a visitors workbook's `Visitor metrics` sheet (a file's, or the
    page statistics of the API laid out in its columns)."""
    a = report_aliases("page_visitors")
    f = find_sheet(sheets, sheet_names("visitor_metrics"), a, ["date", "profile_views"])
    f = f or find_sheet(sheets, sheet_names("visitor_metrics"), a, ["date", "overview_views"])
    if f is None:
        raise no_sheet(ctx, sheets, "visitors export", "Visitor metrics")
    name, h = f
    t = table_from_rows(
        ctx, sheets[name], a, [], what=f"sheet {name!r}", where=f"sheet {name!r}", header_index=h
    )
    days = required_dates(ctx, t, "date", period_end=export_day)
    frame = pd.DataFrame(
        {"account_id": account_id(P, handle), "platform": P, "metric_date": days},
        index=range(len(days)),
    )
    frame["profile_views"] = t.numbers(
        ctx, "profile_views" if t.has("profile_views") else "overview_views"
    )
    return {"accounts": pd.DataFrame([page_account(ctx, handle)]), "account_metrics": frame}
