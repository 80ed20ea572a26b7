"""Render the demo world's LinkedIn Pages as Page analytics workbooks and Campaign Manager CSVs.

Per brand Page (`out/linkedin/@handle/`), as LinkedIn names its downloads:

- `<handle>_content_<epoch-ms>.xls`: `Metrics` (organic and sponsored figures per day) and
  `All posts` (each post's figures since publication, a description row above the header);
- `<handle>_followers_<epoch-ms>.xlsx`: `New followers` per day plus demographic sheets;
- `<handle>_visitors_<epoch-ms>.xls`: `Visitor metrics` per day plus demographic sheets;
- `campaign_performance_report.csv`: Campaign Manager's daily campaign report, UTF-16 and
  tab-separated with its banner lines, when the Page ran ads.

Headers (and sheet names) are in the account's language; dates are MM/DD/YYYY as LinkedIn
writes them. Employee profiles have a different (member) export and are not rendered.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import xlwt
from openpyxl import Workbook

from socialroi.demo.world import DemoWorld
from socialroi.demo.writers._files import save_workbook
from socialroi.model.aliases import ALIASES
from socialroi.sources import load_all

P = "linkedin"

_SHEET_NAMES = {
    "en": ("Location", "Job function", "Seniority", "Industry", "Company size"),
    "es": (
        "Ubicación", "Función laboral", "Nivel de responsabilidad", "Sector",
        "Tamaño de la empresa",
    ),
    "zh": ("地区", "职能", "职位级别", "行业", "公司规模"),
}  # fmt: skip
_DEMO_VALUES = (
    ("Shenzhen", "Berlin", "New York"),
    ("Engineering", "Sales", "Purchasing"),
    ("Senior", "Entry", "Director"),
    ("Consumer Electronics", "Retail", "Wholesale"),
    ("51-200", "201-500", "1001-5000"),
)
_NOTE = {
    "en": "All posts: the performance of each post since it was published; figures are estimates.",
    "es": "Todas las publicaciones: el rendimiento de cada publicación desde que se publicó.",
    "zh": "所有动态：每条动态自发布以来的表现，数据为估算值。",
}
_POST_TYPE = {
    "en": ("Organic", "Sponsored"),
    "es": ("Orgánico", "Patrocinado"),
    "zh": ("自然", "赞助"),
}
_CONTENT_TYPE = {
    "en": {"image": "Image", "video": "Video", "document": "Document", "text": "Text"},
    "es": {"image": "Imagen", "video": "Vídeo", "document": "Documento", "text": "Texto"},
    "zh": {"image": "图片", "video": "视频", "document": "文档", "text": "文本"},
}
_AUDIENCE = {"en": "All followers", "es": "Todos los seguidores", "zh": "所有关注者"}
_BANNER = {
    "en": ("Campaign Performance Report (in UTC)", "Report Start", "Report End"),
    "es": (
        "Informe de rendimiento de la campaña (en UTC)", "Inicio del informe", "Fin del informe",
    ),
    "zh": ("广告系列效果报告（UTC）", "报告开始日期", "报告结束日期"),
}  # fmt: skip
_DEFAULT_GROUP = {
    "en": "Default Campaign Group",
    "es": "Grupo de campañas predeterminado",
    "zh": "默认广告系列组",
}
_OBJECTIVES = {
    "LEAD_GENERATION": "Lead generation",
    "WEBSITE_VISITS": "Website visits",
    "BRAND_AWARENESS": "Brand awareness",
    "VIDEO_VIEWS": "Video views",
    "ENGAGEMENT": "Engagement",
}


# -- small helpers -------------------------------------------------------------------------


def _h(report: str, field: str, lang: str) -> str:
    """The header LinkedIn writes for a field in a language (the first registered name)."""

    load_all()
    by_lang = ALIASES[(P, report)][field]
    return (by_lang.get(lang) or by_lang["en"])[0]


def _bare(h: Any) -> str:
    return str(h).strip().lstrip("@").lower()


def _n(v: Any) -> int:
    return 0 if v is None or pd.isna(v) else int(round(float(v)))


def _mdy(d: dt.date) -> str:
    return f"{d.month:02d}/{d.day:02d}/{d.year}"


def _grouped(v: int, lang: str) -> str:
    if lang == "en":
        return f"{v:,}"
    if lang == "es":
        return f"{v:,}".replace(",", ".")
    return str(v)


def _money(v: float, lang: str) -> str:
    s = f"{float(v):,.2f}"
    if lang == "es":
        return s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return s if lang == "en" else f"{float(v):.2f}"


def _rate(num: float, den: float) -> float:
    return round(num / den, 4) if den else 0.0


def _write_xls(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        ws = wb.add_sheet(name[:31])
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is not None and v != "":
                    ws.write(r, c, v)
    wb.save(str(path))
    return path


def _write_xlsx(path: Path, sheets: dict[str, list[list[Any]]], when: dt.datetime) -> Path:
    """An .xlsx with fixed timestamps inside, so the same world gives the same bytes."""

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name[:31])
        for row in rows:
            ws.append([None if v == "" else v for v in row])
    return save_workbook(wb, path, when)


def _write_utf16_tsv(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\r\n")
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    path.write_bytes(b"\xff\xfe" + buf.getvalue().encode("utf-16-le"))
    return path


def _demographics(lang: str, label: str) -> dict[str, list[list[Any]]]:
    sheets = {}
    for name, values in zip(_SHEET_NAMES[lang], _DEMO_VALUES):
        sheets[name] = [[name, label], *[[v, 100 - 17 * i] for i, v in enumerate(values)]]
    return sheets


# -- the writer ----------------------------------------------------------------------------


def write(world: DemoWorld, out: Path) -> list[Path]:
    load_all()
    accounts = world["accounts"]
    pages = accounts[(accounts["platform"] == P) & (accounts["kind"].fillna("brand") != "employee")]
    exported = dt.datetime.combine(world.end + dt.timedelta(days=1), dt.time(6, 0), dt.UTC)
    ms = int(exported.timestamp() * 1000)
    paths: list[Path] = []
    for _, acc in pages.iterrows():
        handle = _bare(acc["handle"])
        lang = acc["language"] if acc["language"] in ("en", "es", "zh") else "en"
        folder = out / P / f"@{str(acc['handle']).strip().lstrip('@')}"  # the handle's own case
        folder.mkdir(parents=True, exist_ok=True)
        days = _rows(world["account_daily"], handle).sort_values("date")
        posts = _rows(world["posts"], handle)
        post_daily = _rows(world["post_daily"], handle)
        ads = _ad_rows(world, handle)
        if len(days) or len(posts):
            paths.append(
                _content(
                    folder / f"{handle}_content_{ms}.xls", lang, days, posts, post_daily, ads, world
                )
            )
        if len(days):
            paths.append(_followers(folder / f"{handle}_followers_{ms}.xlsx", lang, days, exported))
            paths.append(_visitors(folder / f"{handle}_visitors_{ms}.xls", lang, days))
        if len(ads):
            paths.append(
                _campaigns(folder / "campaign_performance_report.csv", lang, acc, ads, world)
            )
    return paths


def _rows(frame: pd.DataFrame, handle: str) -> pd.DataFrame:
    f = frame[frame["platform"] == P]
    return f[f["handle"].map(_bare) == handle]


def _ad_rows(world: DemoWorld, handle: str) -> pd.DataFrame:
    ads = _rows(world["ads"], handle)
    daily = world["ad_daily"][world["ad_daily"]["platform"] == P]
    if ads.empty or daily.empty:
        return pd.DataFrame()
    return daily.drop(columns=["platform"]).merge(
        ads.drop(columns=["currency"]), on="ad_native_id", how="inner"
    )


def _content(
    path: Path,
    lang: str,
    days: pd.DataFrame,
    posts: pd.DataFrame,
    post_daily: pd.DataFrame,
    ads: pd.DataFrame,
    world: DemoWorld,
) -> Path:
    m = "page_content"
    header = [
        _h(m, "date", lang), _h(m, "impressions", lang), _h(m, "impressions_sponsored", lang),
        _h(m, "impressions_total", lang), _h(m, "reach", lang), _h(m, "clicks", lang),
        _h(m, "likes", lang), _h(m, "comments", lang), _h(m, "shares", lang),
        _h(m, "engagement_rate", lang),
    ]  # fmt: skip
    clicks = post_daily.groupby("date")["clicks"].sum() if len(post_daily) else pd.Series()
    sponsored = ads.groupby("date")["impressions"].sum() if len(ads) else pd.Series()
    metrics: list[list[Any]] = [header]
    for _, d in days.iterrows():
        imp, spo = _n(d["impressions"]), _n(sponsored.get(d["date"], 0))
        c = _n(clicks.get(d["date"], 0))
        eng = c + _n(d["likes"]) + _n(d["comments"]) + _n(d["shares"])
        metrics.append(
            [
                _mdy(d["date"]), imp, spo, imp + spo, _n(d["reach"]), c, _n(d["likes"]),
                _n(d["comments"]), _n(d["shares"]), _rate(eng, imp),
            ]
        )  # fmt: skip

    a = "page_content_posts"
    fields = [
        "caption", "url", "post_type", "campaign_name", "posted_by", "created", "audience",
        "impressions", "video_views", "clicks", "likes", "comments", "shares", "follows",
        "engagement_rate", "content_type",
    ]  # fmt: skip
    sums = (
        post_daily.groupby("native_id")[
            ["impressions", "video_views", "clicks", "likes", "comments", "shares", "follows"]
        ].sum()
        if len(post_daily)
        else pd.DataFrame()
    )
    names = {}
    if len(world["ads"]):
        la = world["ads"][world["ads"]["platform"] == P]
        names = dict(zip(la["campaign_native_id"], la["campaign_name"]))
    table: list[list[Any]] = [[_NOTE[lang]], [_h(a, f, lang) for f in fields]]
    organic, sponsored_label = _POST_TYPE[lang]
    for _, p in posts.sort_values(["local_date", "native_id"]).iterrows():
        s = sums.loc[p["native_id"]] if p["native_id"] in sums.index else None
        fig = {k: (_n(s[k]) if s is not None else 0) for k in sums.columns} if len(sums) else {}
        imp = fig.get("impressions", 0)
        eng = sum(fig.get(k, 0) for k in ("clicks", "likes", "comments", "shares"))
        promoted = bool(p["promoted"]) if not pd.isna(p["promoted"]) else False
        fmt = str(p["format"])
        table.append(
            [
                p["caption"],
                p["url"],
                sponsored_label if promoted else organic,
                names.get(p["campaign_native_id"], "") if promoted else "",
                str(p["handle"]),
                _mdy(p["local_date"]),
                _AUDIENCE[lang],
                imp,
                fig.get("video_views", 0) if fmt == "video" else "",
                fig.get("clicks", 0),
                fig.get("likes", 0),
                fig.get("comments", 0),
                fig.get("shares", 0),
                fig.get("follows", 0),
                _rate(eng, imp),
                _CONTENT_TYPE[lang].get(fmt, fmt.capitalize()),
            ]
        )
    sheets = {
        ALIASES[(P, "sheets")]["metrics"][lang][0]: metrics,
        ALIASES[(P, "sheets")]["all_posts"][lang][0]: table,
    }
    return _write_xls(path, sheets)


def _followers(path: Path, lang: str, days: pd.DataFrame, when: dt.datetime) -> Path:
    f = "page_followers"
    header = [_h(f, x, lang) for x in ("date", "sponsored", "organic", "auto_invited", "follows")]
    rows: list[list[Any]] = [header]
    for _, d in days.iterrows():
        follows = _n(d["follows"])
        rows.append([_mdy(d["date"]), 0, follows, 0, follows])
    sheets = {ALIASES[(P, "sheets")]["new_followers"][lang][0]: rows}
    sheets.update(_demographics(lang, _h(f, "follows", lang)))
    return _write_xlsx(path, sheets, when.replace(tzinfo=None))


def _visitors(path: Path, lang: str, days: pd.DataFrame) -> Path:
    # English header names carry the section x metric x device grid LinkedIn writes.
    sections = ("Overview", "Life", "Jobs", "Total")
    header = ["Date"] + [
        f"{s} {w} ({dev})"
        for s in sections
        for w in ("page views", "unique visitors")
        for dev in ("desktop", "mobile", "total")
    ]
    v = "page_visitors"
    localized = {
        "Date": _h(v, "date", lang),
        "Overview page views (total)": _h(v, "overview_views", lang),
        "Total page views (total)": _h(v, "profile_views", lang),
        "Total unique visitors (total)": _h(v, "unique_visitors", lang),
    }
    rows: list[list[Any]] = [[localized.get(x, x) for x in header]]
    for _, d in days.iterrows():
        views = _n(d["profile_views"])
        desk = views * 3 // 5
        uniq = (views * 4 + 4) // 5
        ud = uniq * 3 // 5
        overview = [desk, views - desk, views, ud, uniq - ud, uniq]
        zero = [0] * 6
        rows.append([_mdy(d["date"]), *overview, *zero, *zero, *overview])
    sheets = {ALIASES[(P, "sheets")]["visitor_metrics"][lang][0]: rows}
    sheets.update(_demographics(lang, _h(v, "profile_views", lang)))
    return _write_xls(path, sheets)


def _campaigns(path: Path, lang: str, acc: pd.Series, ads: pd.DataFrame, world: DemoWorld) -> Path:
    c = "campaign_manager"
    fields = [
        "date", "account_name", "campaign_group_name", "campaign_name", "campaign_id",
        "campaign_type", "objective", "spend", "currency", "impressions", "clicks", "ctr",
        "link_clicks", "platform_conversions", "platform_conversion_value", "leads",
        "video_views",
    ]  # fmt: skip
    title, start_label, end_label = _BANNER[lang]
    first, last = min(ads["date"]), max(ads["date"])
    rows: list[list[Any]] = [
        [title],
        [f"{start_label}: {first.month}/{first.day}/{first.year}, 12:00 AM"],
        [f"{end_label}: {last.month}/{last.day}/{last.year}, 11:59 PM"],
        [_h(c, f, lang) for f in fields],
    ]
    sums = ["spend", "impressions", "clicks", "link_clicks", "video_views", "conversions"]
    g = (
        ads.groupby(["date", "campaign_native_id", "campaign_name", "objective", "currency"])[
            [*sums, "conversion_value"]
        ]
        .sum()
        .reset_index()
        .sort_values(["date", "campaign_native_id"])
    )
    for _, r in g.iterrows():
        imp, clicks = _n(r["impressions"]), _n(r["clicks"])
        conv = float(r["conversions"])
        rows.append(
            [
                f"{r['date'].month}/{r['date'].day}/{r['date'].year}",
                acc["name"],
                _DEFAULT_GROUP[lang],
                r["campaign_name"],
                str(r["campaign_native_id"]),
                "Sponsored Content",
                _OBJECTIVES.get(str(r["objective"]), str(r["objective"])),
                _money(round(float(r["spend"]), 2), lang),
                r["currency"],
                _grouped(imp, lang),
                _grouped(clicks, lang),
                f"{_rate(clicks, imp) * 100:.2f}%".replace(".", "," if lang == "es" else "."),
                _grouped(_n(r["link_clicks"]), lang),
                (f"{conv:g}").replace(".", "," if lang == "es" else "."),
                _money(round(float(r["conversion_value"]), 2), lang),
                0,
                _grouped(_n(r["video_views"]), lang),
            ]
        )
    return _write_utf16_tsv(path, rows)
