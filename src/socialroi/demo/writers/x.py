"""Render the demo world's X accounts as X analytics exports and X Ads reports.

Per organic account (`out/x/@handle/`): the account analytics content export
(`account_analytics_content_<from>_<to>.csv`, one row per post, one of them with its id
mangled by Excel to `1.87654E+18`) and the daily overview (`account_overview_analytics.csv`,
re-saved by Excel as UTF-16 with a `sep=,` line). Per ads account: an X Ads report by day
(semicolons and decimal commas for Spanish-speaking teams).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from socialroi.demo.world import DemoWorld
from socialroi.demo.writers.tiktok import (
    ads_by_account,
    ads_rows,
    folder,
    header,
    lang_of,
    n,
    organic_handles,
    post_totals,
    rows_for,
    span,
    write_csv,
)

P = "x"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def x_date(d: dt.date, lang: str) -> str:
    if lang == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    if lang == "es":
        return d.isoformat()
    return f"{DAYS[d.weekday()]}, {MONTHS[d.month - 1]} {d.day:02d}, {d.year}"


def write(world: DemoWorld, out: Path) -> list[Path]:
    paths: list[Path] = []
    for handle in organic_handles(world, P):
        lang = lang_of(world, P, handle)
        d = folder(out, P, handle)
        posts = post_totals(world, P, handle)
        if len(posts):
            name = f"account_analytics_content_{world.start:%Y-%m-%d}_{world.end:%Y-%m-%d}.csv"
            paths.append(_content(d / name, posts, lang))
        days = rows_for(world["account_daily"], P, handle).sort_values("date")
        if len(days):
            paths.append(_overview(d / "account_overview_analytics.csv", days, lang))
    for handle, rows in ads_by_account(world, P).items():
        lang = lang_of(world, P, handle)
        start, end = span(rows["date"])
        table = ads_rows(P, rows, lang, money_text=True)
        path = folder(out, P, handle) / f"x_ads_campaigns_{start:%Y%m%d}-{end:%Y%m%d}.csv"
        paths.append(write_csv(path, table, delimiter=";" if lang == "es" else ","))
    return paths


POST_FIELDS = [
    "native_id", "published", "caption", "url", "impressions", "likes", "engagements", "saves",
    "follows", "comments", "shares", "link_clicks",
]  # fmt: skip


def _content(path: Path, posts: pd.DataFrame, lang: str) -> Path:
    rows = [[header(P, "post_activity", f, lang) for f in POST_FIELDS]]
    for i, (_, r) in enumerate(posts.sort_values("published_at", ascending=False).iterrows()):
        nid = str(r["native_id"])
        shown = f"{int(nid[0])}.{nid[1:6]}E+{len(nid) - 1}" if i == 0 and len(nid) > 15 else nid
        engagements = n(r["likes"]) + n(r["comments"]) + n(r["shares"]) + n(r["saves"])
        engagements += n(r["clicks"]) + n(r["follows"])
        rows.append(
            [
                shown,
                x_date(r["local_date"], lang),
                r["caption"],
                r["url"] or f"https://x.com/i/status/{nid}",
                n(r["impressions"]),
                n(r["likes"]),
                engagements,
                n(r["saves"]),
                n(r["follows"]),
                n(r["comments"]),
                n(r["shares"]),
                n(r["link_clicks"]),
            ]
        )
    return write_csv(path, rows)


DAILY_FIELDS = [
    "metric_date", "impressions", "likes", "engagements", "follows", "unfollows", "comments",
    "shares", "profile_views", "views",
]  # fmt: skip


def _overview(path: Path, days: pd.DataFrame, lang: str) -> Path:
    rows = [[header(P, "account_daily", f, lang) for f in DAILY_FIELDS]]
    for _, r in days.iterrows():
        rows.append(
            [
                x_date(r["date"], lang),
                n(r["impressions"]),
                n(r["likes"]),
                n(r["likes"]) + n(r["comments"]) + n(r["shares"]),
                n(r["follows"]),
                n(r["unfollows"]),
                n(r["comments"]),
                n(r["shares"]),
                n(r["profile_views"]),
                n(r["views"]),
            ]
        )
    return write_csv(path, rows, encoding="utf-16", sep_line=True)
