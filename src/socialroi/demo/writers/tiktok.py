"""Render the demo world's TikTok accounts as TikTok Studio downloads and Ads Manager reports.

Per organic account (`out/tiktok/@handle/`): Overview, FollowerHistory, Viewers and Content
CSVs named like TikTok's downloads (`Overview_<from>_<to>.csv`), headers in the account's
language and dates without a year ("January 8", "8 de enero", "1月8日"), as TikTok writes them.
Per ads account: an Ads Manager .xlsx by day with a `Total of N results` row at the bottom.

The helpers at the top are shared by the X and Pinterest writers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook

from socialroi.demo.world import DemoWorld
from socialroi.demo.writers._files import save_workbook
from socialroi.model.aliases import ALIASES
from socialroi.sources import load_all

P = "tiktok"
MONTHS_EN = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
MONTHS_ES = [
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
    "octubre", "noviembre", "diciembre",
]  # fmt: skip


# -- shared helpers ------------------------------------------------------------------------


def header(source: str, report: str, field: str, lang: str) -> str:
    """The export's header for a field in a language: the first registered alias."""

    load_all()
    by_lang = ALIASES[(source, report)][field]
    return (by_lang.get(lang) or by_lang["en"])[0]


def lang_of(world: DemoWorld, platform: str, handle: str) -> str:
    acc = world["accounts"]
    hit = acc[(acc["platform"] == platform) & (_bare(acc["handle"]) == _bare1(handle))]
    lang = hit["language"].iloc[0] if len(hit) else "en"
    return lang if lang in ("en", "es", "zh") else "en"


def _bare1(h: Any) -> str:
    return str(h).strip().lstrip("@").lower()


def _bare(s: pd.Series) -> pd.Series:
    return s.astype(str).str.strip().str.lstrip("@").str.lower()


def rows_for(frame: pd.DataFrame, platform: str, handle: str | None = None) -> pd.DataFrame:
    f = frame[frame["platform"] == platform]
    if handle is not None and "handle" in f:
        f = f[_bare(f["handle"]) == _bare1(handle)]
    return f


def organic_handles(world: DemoWorld, platform: str) -> list[str]:
    acc = world["accounts"]
    acc = acc[(acc["platform"] == platform) & (acc["kind"].fillna("") != "ads")]
    return [str(h).strip().lstrip("@") for h in acc["handle"]]


def folder(out: Path, platform: str, handle: str) -> Path:
    d = out / platform / f"@{str(handle).strip().lstrip('@')}"
    d.mkdir(parents=True, exist_ok=True)
    return d


def write_csv(
    path: Path,
    rows: Sequence[Sequence[Any]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
    sep_line: bool = False,
    quote_all: bool = False,
) -> Path:
    buf = io.StringIO()
    if sep_line:
        buf.write(f"sep={delimiter}\r\n")
    w = csv.writer(
        buf,
        delimiter=delimiter,
        lineterminator="\r\n" if sep_line else "\n",
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    )
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    data = buf.getvalue()
    if encoding == "utf-16":
        path.write_bytes(b"\xff\xfe" + data.encode("utf-16-le"))
    else:
        path.write_bytes(data.encode(encoding))
    return path


def n(v: Any) -> int:
    return 0 if v is None or pd.isna(v) else int(round(float(v)))


def grouped(v: int, lang: str) -> str:
    """1234 as the export's language writes it: 1,234 (en), 1.234 (es), 1234 (zh)."""
    if lang == "en":
        return f"{v:,}"
    if lang == "es":
        return f"{v:,}".replace(",", ".")
    return str(v)


def money(v: float, lang: str) -> str:
    s = f"{float(v):.2f}"
    return s.replace(".", ",") if lang == "es" else s


def month_day(d: dt.date, lang: str) -> str:
    if lang == "es":
        return f"{d.day} de {MONTHS_ES[d.month - 1]}"
    if lang == "zh":
        return f"{d.month}月{d.day}日"
    return f"{MONTHS_EN[d.month - 1]} {d.day}"


def span(dates: pd.Series) -> tuple[dt.date, dt.date]:
    return min(dates), max(dates)


def post_totals(world: DemoWorld, platform: str, handle: str) -> pd.DataFrame:
    """Each post with its figures summed over the world's days (the export's snapshot)."""
    posts = rows_for(world["posts"], platform, handle)
    daily = rows_for(world["post_daily"], platform, handle)
    metrics = [
        c
        for c in daily.columns
        if c not in ("platform", "handle", "native_id", "date") and c in daily
    ]
    sums = daily.groupby("native_id")[metrics].sum().reset_index()
    return posts.merge(sums, on="native_id", how="left").fillna({m: 0 for m in metrics})


def ads_by_account(world: DemoWorld, platform: str) -> dict[str, pd.DataFrame]:
    """Ad x day rows joined with their ad, campaign and ad group, per account handle."""
    ads = world["ads"][world["ads"]["platform"] == platform]
    daily = world["ad_daily"][world["ad_daily"]["platform"] == platform]
    if ads.empty or daily.empty:
        return {}
    joined = daily.drop(columns=["platform"]).merge(
        ads.drop(columns=["currency"]), on="ad_native_id", how="inner"
    )
    joined = joined.sort_values(
        ["date", "campaign_native_id", "ad_group_native_id", "ad_native_id"]
    )
    return {str(h).strip().lstrip("@"): g for h, g in joined.groupby("handle")}


def write_xlsx(path: Path, sheet: str, rows: Sequence[Sequence[Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(list(r))
    return save_workbook(wb, path)


# -- TikTok --------------------------------------------------------------------------------


def write(world: DemoWorld, out: Path) -> list[Path]:
    paths: list[Path] = []
    for handle in organic_handles(world, P):
        lang = lang_of(world, P, handle)
        d = folder(out, P, handle)
        days = rows_for(world["account_daily"], P, handle).sort_values("date")
        if len(days):
            start, end = span(days["date"])
            stem = f"{start:%Y-%m-%d}_{end:%Y-%m-%d}"
            paths.append(_overview(d / f"Overview_{stem}.csv", days, lang))
            paths.append(_followers(d / f"FollowerHistory_{stem}.csv", days, lang))
            paths.append(_viewers(d / f"Viewers_{stem}.csv", days, lang))
        posts = post_totals(world, P, handle)
        if len(posts):
            end = world.end
            start = min(world.start, *posts["local_date"])
            paths.append(
                _content(d / f"Content_{start:%Y-%m-%d}_{end:%Y-%m-%d}.csv", posts, lang, handle)
            )
    for handle, rows in ads_by_account(world, P).items():
        lang = lang_of(world, P, handle)
        start, end = span(rows["date"])
        path = folder(out, P, handle) / f"TikTok_Ads_Manager_{start:%Y%m%d}_{end:%Y%m%d}.xlsx"
        paths.append(_ads(path, rows, lang))
    return paths


def _h(report: str, field: str, lang: str) -> str:
    return header(P, report, field, lang)


def _overview(path: Path, days: pd.DataFrame, lang: str) -> Path:
    fields = ["views", "profile_views", "likes", "comments", "shares"]
    rows = [
        [_h("studio_overview", "metric_date", lang)]
        + [_h("studio_overview", f, lang) for f in fields]
    ]
    for _, r in days.iterrows():
        rows.append([month_day(r["date"], lang)] + [grouped(n(r[f]), lang) for f in fields])
    return write_csv(path, rows, quote_all=True)


def _followers(path: Path, days: pd.DataFrame, lang: str) -> Path:
    rows = [
        [_h("studio_followers", f, lang) for f in ("metric_date", "followers", "follower_change")]
    ]
    prev = None
    for _, r in days.iterrows():
        change = n(r["follows"]) - n(r["unfollows"]) if prev is None else n(r["followers"]) - prev
        prev = n(r["followers"])
        rows.append([month_day(r["date"], lang), n(r["followers"]), change])
    return write_csv(path, rows, quote_all=True)


def _viewers(path: Path, days: pd.DataFrame, lang: str) -> Path:
    fields = ("metric_date", "unique_viewers", "new_viewers", "returning_viewers")
    rows = [[_h("studio_viewers", f, lang) for f in fields]]
    for _, r in days.iterrows():
        total, new = n(r["unique_viewers"]), n(r["new_viewers"])
        rows.append([month_day(r["date"], lang), total, new, max(total - new, 0)])
    return write_csv(path, rows, quote_all=True)


def _content(path: Path, posts: pd.DataFrame, lang: str, handle: str) -> Path:
    fields = ["caption", "url", "published", "likes", "comments", "shares", "views", "saves"]
    rows = [[_h("studio_content", f, lang) for f in fields]]
    for _, r in posts.sort_values("published_at", ascending=False).iterrows():
        url = r["url"] or f"https://www.tiktok.com/@{handle}/video/{r['native_id']}"
        ts = pd.Timestamp(r["published_at"]).tz_convert("UTC")
        rows.append(
            [
                r["caption"],
                url,
                ts.strftime("%Y-%m-%d %H:%M:%S"),
                n(r["likes"]),
                n(r["comments"]),
                n(r["shares"]),
                n(r["views"]),
                n(r["saves"]),
            ]
        )
    return write_csv(path, rows)


ADS_FIELDS = [
    "date", "campaign_name", "campaign_id", "objective", "ad_group_name", "ad_group_id",
    "ad_name", "ad_id", "currency", "spend", "impressions", "reach", "clicks", "link_clicks",
    "video_views", "conversions", "conversion_value",
]  # fmt: skip


def ads_rows(source: str, rows: pd.DataFrame, lang: str, *, money_text: bool) -> list[list]:
    """Header + one row per ad and day, in the ads report's columns (shared with X, Pinterest)."""
    out: list[list[Any]] = [[header(source, "ads", f, lang) for f in ADS_FIELDS]]
    for _, r in rows.iterrows():
        spend = round(float(r["spend"]), 2)
        value = round(float(r["conversion_value"]), 2)
        out.append(
            [
                r["date"].isoformat(),
                r["campaign_name"],
                str(r["campaign_native_id"]),
                r["objective"],
                r["ad_group_name"],
                str(r["ad_group_native_id"]),
                r["ad_name"],
                str(r["ad_native_id"]),
                r["currency"],
                money(spend, lang) if money_text else spend,
                n(r["impressions"]),
                n(r["reach"]),
                n(r["clicks"]),
                n(r["link_clicks"]),
                n(r["video_views"]),
                n(r["conversions"]),
                money(value, lang) if money_text else value,
            ]
        )
    return out


def _ads(path: Path, rows: pd.DataFrame, lang: str) -> Path:
    table = ads_rows(P, rows, lang, money_text=False)
    total = {"en": "Total of {} results", "es": "Total de {} resultados", "zh": "总计"}[lang]
    table.append([total.format(len(rows))] + [""] * 8 + [round(float(rows["spend"].sum()), 2)])
    return write_xlsx(path, "Sheet1", table)
