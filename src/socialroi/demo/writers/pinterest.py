"""Render the demo world's Pinterest accounts as Pinterest Analytics exports and Ads reports.

Per organic account (`out/pinterest/@handle/`): the Top Pins export (one Pin's id mangled by
Excel, recoverable from its Pin link) and the daily Overview export, re-saved as UTF-16 with a
`sep=,` line and a banner naming the date range above the header. Per ads account: an Ads
Manager report by day with spend in the account currency and a `Total` row.
"""

from __future__ import annotations

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

P = "pinterest"
FORMAT_NAMES = {"image": "Standard", "video": "Video", "carousel": "Carousel", "pin": "Standard"}
BANNER = {"en": "Date range", "es": "Intervalo de fechas", "zh": "日期范围"}


def write(world: DemoWorld, out: Path) -> list[Path]:
    paths: list[Path] = []
    for handle in organic_handles(world, P):
        lang = lang_of(world, P, handle)
        d = folder(out, P, handle)
        stem = f"{world.start:%Y-%m-%d}_{world.end:%Y-%m-%d}"
        pins = post_totals(world, P, handle)
        if len(pins):
            paths.append(_pins(d / f"pinterest_top_pins_{stem}.csv", pins, lang))
        days = rows_for(world["account_daily"], P, handle).sort_values("date")
        if len(days):
            daily = rows_for(world["post_daily"], P, handle)
            paths.append(_overview(d / f"pinterest_overview_{stem}.csv", days, daily, lang))
    for handle, rows in ads_by_account(world, P).items():
        lang = lang_of(world, P, handle)
        start, end = span(rows["date"])
        table = ads_rows(P, rows, lang, money_text=True)
        total = {"en": "Total", "es": "Total", "zh": "总计"}[lang]
        table.append([total] + [""] * (len(table[0]) - 1))
        path = folder(out, P, handle) / f"pinterest_ads_report_{start:%Y-%m-%d}_{end:%Y-%m-%d}.csv"
        paths.append(write_csv(path, table, delimiter=";" if lang == "es" else ","))
    return paths


PIN_FIELDS = [
    "native_id", "caption", "url", "published", "format", "impressions", "engagements",
    "clicks", "link_clicks", "saves", "video_views",
]  # fmt: skip


def engagements(r: pd.Series) -> int:
    return n(r["clicks"]) + n(r["link_clicks"]) + n(r["saves"])


def _pins(path: Path, pins: pd.DataFrame, lang: str) -> Path:
    rows = [[header(P, "pins", f, lang) for f in PIN_FIELDS]]
    for i, (_, r) in enumerate(pins.sort_values("impressions", ascending=False).iterrows()):
        nid = str(r["native_id"])
        shown = f"{nid[0]}.{nid[1:6]}E+{len(nid) - 1}" if i == 0 and len(nid) > 15 else nid
        rows.append(
            [
                shown,
                r["caption"],
                r["url"] or f"https://www.pinterest.com/pin/{nid}/",
                pd.Timestamp(r["published_at"]).tz_convert("UTC").strftime("%Y-%m-%d %H:%M"),
                FORMAT_NAMES.get(r["format"], "Standard"),
                n(r["impressions"]),
                engagements(r),
                n(r["clicks"]),
                n(r["link_clicks"]),
                n(r["saves"]),
                n(r["video_views"]),
            ]
        )
    return write_csv(path, rows)


OVERVIEW_FIELDS = [
    "metric_date", "impressions", "engagements", "pin_clicks", "outbound_clicks", "saves",
    "reach", "profile_views", "follows",
]  # fmt: skip


def _overview(path: Path, days: pd.DataFrame, pin_days: pd.DataFrame, lang: str) -> Path:
    per_day = pin_days.groupby("date")[["clicks", "link_clicks", "saves"]].sum()
    start, end = span(days["date"])
    rows: list[list] = [[f"{BANNER[lang]}: {start:%Y-%m-%d} - {end:%Y-%m-%d}"], []]
    rows.append([header(P, "overview", f, lang) for f in OVERVIEW_FIELDS])
    for _, r in days.iterrows():
        p = per_day.loc[r["date"]] if r["date"] in per_day.index else None
        clicks = n(p["clicks"]) if p is not None else 0
        out = n(p["link_clicks"]) if p is not None else 0
        saves = n(p["saves"]) if p is not None else 0
        rows.append(
            [
                r["date"].isoformat(),
                n(r["impressions"]),
                clicks + out + saves,
                clicks,
                out,
                saves,
                n(r["reach"]),
                n(r["profile_views"]),
                n(r["follows"]),
            ]
        )
    return write_csv(path, rows, encoding="utf-16", sep_line=True)
