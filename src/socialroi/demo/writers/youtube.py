"""Render the demo world's YouTube channels as YouTube Studio export zips.

Per channel (`out/youtube/@handle/`): `Content <start>_<end> <channel name>.zip`, what Studio's
Advanced mode > Export current view > CSV gives, holding

- `Table data.csv`: one row per video with its figures over the year, a `Total` row first;
- `Chart data.csv`: views per day per video;
- `Totals.csv`: the channel's views per day.

Member names, headers and publish dates are in the channel's language (`Jan 8, 2025`,
`8 ene 2025`, `2025年1月8日`); numbers carry thousands separators (`1,234`, `1.234`).
Studio's exports do not name the channel, so the folder `@handle` does. YouTube ads are
bought in Google Ads, whose exports are not rendered here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from socialroi.demo.world import DemoWorld
from socialroi.model.aliases import ALIASES
from socialroi.sources import load_all

P = "youtube"
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTHS_ES = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"]
PREFIX = {"en": "Content", "es": "Contenido", "zh": "内容"}
TOTAL = {"en": "Total", "es": "Total", "zh": "总计"}
TABLE_FIELDS = (
    "content", "title", "published", "duration", "views", "watch_hours", "subscribers",
    "impressions", "ctr", "likes", "comments", "shares",
)  # fmt: skip


def _h(field: str, lang: str) -> str:
    by_lang = ALIASES[(P, "table_data")][field]
    return (by_lang.get(lang) or by_lang["en"])[0]


def _member(kind: str, lang: str) -> str:
    by_lang = ALIASES[(P, "members")][kind]
    return (by_lang.get(lang) or by_lang["en"])[0]


def _bare(h: Any) -> str:
    return str(h).strip().lstrip("@").lower()


def _n(v: Any) -> int:
    return 0 if v is None or pd.isna(v) else int(round(float(v)))


def _day(d: dt.date, lang: str) -> str:
    if lang == "es":
        return f"{d.day} {MONTHS_ES[d.month - 1]} {d.year}"
    if lang == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{MONTHS_EN[d.month - 1]} {d.day}, {d.year}"


def _int(v: int, lang: str) -> str:
    if lang == "en":
        return f"{v:,}"
    if lang == "es":
        return f"{v:,}".replace(",", ".")
    return str(v)


def _dec(v: float, lang: str, places: int) -> str:
    s = f"{v:.{places}f}"  # fixed places: "12.345" alone would read as twelve thousand
    return s.replace(".", ",") if lang == "es" else s


def _csv(rows: list[list[Any]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return buf.getvalue().encode("utf-8")


def _duration(fmt: str, native_id: str) -> int:
    """A plausible length in seconds, stable per video (the world does not model it)."""
    seed = sum(ord(c) for c in native_id)
    return 15 + seed % 45 if fmt == "short" else 240 + seed % 900


def write(world: DemoWorld, out: Path) -> list[Path]:
    load_all()
    accounts = world["accounts"]
    channels = accounts[accounts["platform"] == P]
    stamp = (world.end + dt.timedelta(days=1)).timetuple()[:3] + (9, 0, 0)
    paths: list[Path] = []
    for _, acc in channels.iterrows():
        handle = _bare(acc["handle"])
        lang = acc["language"] if acc["language"] in ("en", "es", "zh") else "en"
        posts = _rows(world["posts"], handle)
        daily = _rows(world["post_daily"], handle)
        days = _rows(world["account_daily"], handle).sort_values("date")
        if posts.empty and days.empty:
            continue
        members = {
            _member("table", lang): _table(posts, daily, lang),
            _member("chart", lang): _chart(posts, daily, lang),
            _member("totals", lang): _totals(days, lang),
        }
        folder = out / P / f"@{str(acc['handle']).strip().lstrip('@')}"  # the handle's own case
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{PREFIX[lang]} {world.start:%Y-%m-%d}_{world.end:%Y-%m-%d} {acc['name']}.zip"
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for member, data in members.items():
                zf.writestr(zipfile.ZipInfo(member, stamp), data)
        path = folder / name.replace("/", "-")
        path.write_bytes(buf.getvalue())
        paths.append(path)
    return paths


def _rows(frame: pd.DataFrame, handle: str) -> pd.DataFrame:
    f = frame[frame["platform"] == P]
    return f[f["handle"].map(_bare) == handle]


_SUMS = ("views", "watch_seconds", "follows", "impressions", "likes", "comments", "shares")


def _table(posts: pd.DataFrame, daily: pd.DataFrame, lang: str) -> bytes:
    sums = daily.groupby("native_id")[list(_SUMS)].sum() if len(daily) else pd.DataFrame()
    rows = []
    for _, p in posts.sort_values(["local_date", "native_id"], ascending=False).iterrows():
        s = sums.loc[p["native_id"]] if p["native_id"] in sums.index else None
        f = {k: (float(s[k]) if s is not None else 0.0) for k in _SUMS}
        rows.append((p, f))
    # Studio sorts the table by views, most viewed first, below the Total row.
    rows.sort(key=lambda pf: -pf[1]["views"])
    tot = {k: sum(f[k] for _, f in rows) for k in _SUMS}

    def figures(f: dict[str, float]) -> list[str]:
        ctr = 100 * f["views"] / f["impressions"] if f["impressions"] else 0.0
        return [
            _int(_n(f["views"]), lang),
            _dec(f["watch_seconds"] / 3600, lang, 4),
            _int(_n(f["follows"]), lang),
            _int(_n(f["impressions"]), lang),
            _dec(ctr, lang, 2),
            _int(_n(f["likes"]), lang),
            _int(_n(f["comments"]), lang),
            _int(_n(f["shares"]), lang),
        ]

    out: list[list[Any]] = [[_h(x, lang) for x in TABLE_FIELDS]]
    out.append([TOTAL[lang], "", "", "", *figures(tot)])
    for p, f in rows:
        out.append(
            [
                p["native_id"],
                p["caption"],
                _day(p["local_date"], lang),
                _duration(str(p["format"]), str(p["native_id"])),
                *figures(f),
            ]
        )
    return _csv(out)


def _chart(posts: pd.DataFrame, daily: pd.DataFrame, lang: str) -> bytes:
    head = ["date", "content", "title", "published", "duration", "views"]
    out: list[list[Any]] = [[_h(x, lang) for x in head]]
    info = posts.set_index("native_id")
    for _, d in daily.sort_values(["date", "native_id"]).iterrows():
        if d["native_id"] not in info.index:
            continue
        p = info.loc[d["native_id"]]
        out.append(
            [
                f"{d['date']:%Y-%m-%d}",
                d["native_id"],
                p["caption"],
                _day(p["local_date"], lang),
                _duration(str(p["format"]), str(d["native_id"])),
                _int(_n(d["views"]), lang),
            ]
        )
    return _csv(out)


def _totals(days: pd.DataFrame, lang: str) -> bytes:
    out: list[list[Any]] = [[_h("date", lang), _h("views", lang)]]
    for _, d in days.iterrows():
        out.append([f"{d['date']:%Y-%m-%d}", _int(_n(d["views"]), lang)])
    return _csv(out)
