"""Render the demo world's Instagram and Facebook frames as Meta's native exports.

For every Instagram / Facebook account of the world (headers in the account's `language`):

- `out/<platform>/@<handle>/<Mon-01-YYYY>_<Mon-DD-YYYY>_<id>.csv` — the Business Suite post
  export: one row per post with lifetime figures (the sum of `post_daily` over the world's
  days; Meta's Views, formerly Impressions, is rendered from `impressions`), publish times
  in the account's time zone, UTF-8 with a BOM and thousands separators in English files;
- `out/<platform>/@<handle>/<Metric>.csv` — one Business Suite Insights file per account
  metric (`account_daily`: reach, views, follows, unfollows, profile visits, viewers), UTF-16
  LE with a BOM, an Excel `sep=,` line and the metric's title line, as Meta writes them;
- `out/<platform>/@<handle>/<Name>-Ads-<start>-<end>.csv` — the Ads Manager report of the
  account's ads (`ads` + `ad_daily`): a daily breakdown with a Platform column, the currency
  in the spend header, decimal commas in Spanish files and the summary row at the bottom.

Publish times carry no zone (as in the real export): import with the accounts register (or
--timezone) so they convert to UTC correctly.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pandas as pd

from socialroi.demo.world import DemoWorld

META = ("instagram", "facebook")

POST_HEADERS = {
    "instagram": {
        "en": [
            "Post ID", "Account ID", "Account username", "Account name", "Description",
            "Duration (sec)", "Publish time", "Permalink", "Post type", "Data comment", "Date",
            "Views", "Reach", "Likes", "Shares", "Follows", "Comments", "Saves",
        ],
        "es": [
            "Identificador de la publicación", "Identificador de la cuenta",
            "Nombre de usuario de la cuenta", "Nombre de la cuenta", "Descripción",
            "Duración (s)", "Hora de publicación", "Enlace permanente", "Tipo de publicación",
            "Comentario sobre los datos", "Fecha", "Visualizaciones", "Alcance", "Me gusta",
            "Veces que se compartió", "Seguimientos", "Comentarios", "Veces que se guardó",
        ],
        "zh": [
            "帖子编号", "账户编号", "账户用户名", "账户名称", "描述", "时长（秒）", "发布时间",
            "永久链接", "帖子类型", "数据备注", "日期", "浏览次数", "覆盖人数", "赞", "分享次数",
            "关注次数", "评论数", "收藏次数",
        ],
    },
    "facebook": {
        "en": [
            "Post ID", "Page ID", "Page name", "Title", "Description", "Duration (sec)",
            "Publish time", "Permalink", "Post type", "Data comment", "Date", "Views", "Reach",
            "Reactions", "Comments", "Shares", "Total clicks", "Link clicks", "Seconds viewed",
        ],
        "es": [
            "Identificador de la publicación", "Identificador de la página",
            "Nombre de la página", "Título", "Descripción", "Duración (s)",
            "Hora de publicación", "Enlace permanente", "Tipo de publicación",
            "Comentario sobre los datos", "Fecha", "Visualizaciones", "Alcance", "Reacciones",
            "Comentarios", "Veces que se compartió", "Clics totales", "Clics en el enlace",
            "Segundos reproducidos",
        ],
        "zh": [
            "帖子编号", "公共主页编号", "公共主页名称", "标题", "描述", "时长（秒）", "发布时间",
            "永久链接", "帖子类型", "数据备注", "日期", "浏览次数", "覆盖人数", "心情", "评论数",
            "分享次数", "总点击量", "链接点击量", "观看秒数",
        ],
    },
}  # fmt: skip
LIFETIME = {"en": "Lifetime", "es": "De por vida", "zh": "终身"}
POST_TYPES = {
    "instagram": {"image": "IG image", "carousel": "IG carousel", "reel": "IG reel",
                  "video": "IG video", "story": "IG story", "live": "IG live"},
    "facebook": {"image": "Photos", "carousel": "Photos", "video": "Videos", "reel": "Reels",
                 "link": "Links", "text": "Text", "story": "Stories", "live": "Live"},
}  # fmt: skip
FB_TYPES_LOCAL = {
    "es": {"Photos": "Fotos", "Videos": "Vídeos", "Links": "Enlaces", "Text": "Texto",
           "Stories": "Historias", "Live": "En vivo"},
    "zh": {"Photos": "照片", "Videos": "视频", "Links": "链接", "Text": "文字",
           "Stories": "快拍", "Live": "直播"},
}  # fmt: skip

# account_daily column -> (title per language, platform prefix used by Meta in English)
METRICS = {
    "reach": {"en": "Reach", "es": "Alcance", "zh": "覆盖人数"},
    "impressions": {"en": "Views", "es": "Visualizaciones", "zh": "浏览次数"},
    "follows": {"en": "{P} follows", "es": "Seguimientos de {P}", "zh": "{P} 关注"},
    "unfollows": {"en": "{P} unfollows", "es": "Dejaron de seguir", "zh": "取消关注"},
    "profile_views": {
        "en": "{P} profile visits",
        "es": "Visitas al perfil de {P}",
        "zh": "{P} 主页访问量",
    },
    "unique_viewers": {"en": "Viewers", "es": "Espectadores", "zh": "观看者"},
}
FB_VISITS = {"en": "Facebook visits", "es": "Visitas a Facebook", "zh": "Facebook 访问量"}
METRIC_COLUMNS = {"en": ("Date", "Primary"), "es": ("Fecha", "Principal"), "zh": ("日期", "主要")}

ADS_HEADERS = {
    "en": [
        "Reporting starts", "Reporting ends", "Day", "Campaign name", "Campaign ID",
        "Ad set name", "Ad set ID", "Ad name", "Ad ID", "Platform", "Objective",
        "Result indicator", "Results", "Amount spent ({C})", "Impressions", "Reach",
        "Link clicks", "Clicks (all)", "ThruPlays", "Purchases", "Purchases conversion value",
        "URL parameters",
    ],
    "es": [
        "Inicio del informe", "Fin del informe", "Día", "Nombre de la campaña",
        "Identificador de la campaña", "Nombre del conjunto de anuncios",
        "Identificador del conjunto de anuncios", "Nombre del anuncio",
        "Identificador del anuncio", "Plataforma", "Objetivo", "Indicador de resultado",
        "Resultados", "Importe gastado ({C})", "Impresiones", "Alcance", "Clics en el enlace",
        "Clics (todos)", "ThruPlays", "Compras", "Valor de conversión de compras",
        "Parámetros de URL",
    ],
    "zh": [
        "报告开始日期", "报告结束日期", "单日", "广告系列名称", "广告系列编号", "广告组名称",
        "广告组编号", "广告名称", "广告编号", "平台", "目标", "成效指标", "成效",
        "已花费金额 ({C})", "展示次数", "覆盖人数", "链接点击量", "点击量（全部）", "ThruPlay 次数",
        "购物次数", "购物转化价值", "URL 参数",
    ],
}  # fmt: skip
PURCHASE = "actions:offsite_conversion.fb_pixel_purchase"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def write(world: DemoWorld, out: Path) -> list[Path]:
    """Write every Meta export of the world under `out`; return the files written."""
    out = Path(out)
    accounts = world["accounts"]
    accounts = accounts[accounts["platform"].isin(META)]
    paths: list[Path] = []
    for acc in accounts.to_dict("records"):
        folder = out / acc["platform"] / f"@{_bare(acc['handle'])}"
        lang = acc.get("language") if acc.get("language") in ("en", "es", "zh") else "en"
        paths += _posts(world, acc, folder, lang)
        paths += _metrics(world, acc, folder, lang)
        paths += _ads(world, acc, folder, lang)
    return paths


# -- helpers -------------------------------------------------------------------------------


def _bare(handle: Any) -> str:
    h = str(handle).strip()
    return h[1:] if h.startswith("@") else h


def _mine(frame: pd.DataFrame, acc: dict[str, Any]) -> pd.DataFrame:
    return frame[
        (frame["platform"] == acc["platform"])
        & (frame["handle"].map(_bare) == _bare(acc["handle"]))
    ]


def _csv(rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _count(v: Any, lang: str) -> str:
    """Whole numbers as Meta's English files write them ("15,000"); plain elsewhere."""
    if v is None or pd.isna(v):
        return ""
    n = round(float(v))
    return f"{n:,}" if lang == "en" else str(n)


def _amount(v: Any, lang: str) -> str:
    if v is None or pd.isna(v):
        return ""
    v = float(v)
    s = f"{v:.2f}" if round(v, 2) == v else repr(v)
    return s.replace(".", ",") if lang == "es" else s


def _period_name(world: DemoWorld) -> str:
    s, e = world.start, world.end
    return f"{MONTHS[s.month - 1]}-{s.day:02d}-{s.year}_{MONTHS[e.month - 1]}-{e.day:02d}-{e.year}"


def _publish(ts: Any, tz: str, lang: str) -> str:
    t = pd.Timestamp(ts)
    t = (t.tz_localize("UTC") if t.tzinfo is None else t).tz_convert(tz)
    if lang == "es":
        return t.strftime("%d/%m/%Y %H:%M")
    if lang == "zh":
        return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}"
    return t.strftime("%m/%d/%Y %H:%M")


# -- Business Suite posts ------------------------------------------------------------------


def _posts(world: DemoWorld, acc: dict[str, Any], folder: Path, lang: str) -> list[Path]:
    posts = _mine(world["posts"], acc)
    if posts.empty:
        return []
    daily = _mine(world["post_daily"], acc)
    daily = daily[daily["native_id"].isin(posts["native_id"])]
    sums = daily.groupby("native_id").sum(numeric_only=True)
    platform, tz = acc["platform"], acc.get("timezone") or "UTC"
    rows: list[list[Any]] = [POST_HEADERS[platform][lang]]
    for p in posts.sort_values("published_at").to_dict("records"):
        s = sums.loc[p["native_id"]] if p["native_id"] in sums.index else None

        def n(col: str, s=s) -> str:
            return _count(s[col] if s is not None and col in s else 0, lang)

        kind = POST_TYPES[platform].get(
            p["format"], "IG image" if platform == "instagram" else "Photos"
        )
        when = _publish(p["published_at"], tz, lang)
        caption = _s(p["caption"])
        if platform == "instagram":
            rows.append(
                [p["native_id"], _s(acc["native_id"]), _bare(acc["handle"]), _s(acc["name"]),
                 caption, 0, when, _s(p["url"]), kind, "", LIFETIME[lang], n("impressions"),
                 n("reach"), n("likes"), n("shares"), n("follows"), n("comments"), n("saves")]
            )  # fmt: skip
        else:
            kind = FB_TYPES_LOCAL.get(lang, {}).get(kind, kind)
            watch = s["watch_seconds"] if s is not None and "watch_seconds" in s else 0
            rows.append(
                [p["native_id"], _s(acc["native_id"]), _s(acc["name"]), caption, "", 0, when,
                 _s(p["url"]), kind, "", LIFETIME[lang], n("impressions"), n("reach"),
                 n("likes"), n("comments"), n("shares"), n("clicks"), n("link_clicks"),
                 _amount(watch, "en") if watch else "0"]
            )  # fmt: skip
    path = folder / f"{_period_name(world)}_{_s(acc['native_id']) or _bare(acc['handle'])}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_csv(rows).encode("utf-8-sig"))
    return [path]


# -- Business Suite Insights metrics ---------------------------------------------------------


def _metrics(world: DemoWorld, acc: dict[str, Any], folder: Path, lang: str) -> list[Path]:
    daily = _mine(world["account_daily"], acc).sort_values("date")
    if daily.empty:
        return []
    platform = acc["platform"]
    word = "Instagram" if platform == "instagram" else "Facebook"
    date_h, value_h = METRIC_COLUMNS[lang]
    paths = []
    for col, titles in METRICS.items():
        if col not in daily or daily[col].isna().all():
            continue
        if col == "unique_viewers" and platform == "instagram":
            continue  # Instagram's Insights exports have no Viewers series
        title = titles[lang].replace("{P}", word)
        if col == "profile_views" and platform == "facebook":
            title = FB_VISITS[lang]
        lines = ["sep=,", f'"{title}"', f'"{date_h}","{value_h}"']
        for d, v in zip(daily["date"], daily[col]):
            if v is None or pd.isna(v):
                continue
            lines.append(f'"{pd.Timestamp(d):%Y-%m-%d}T00:00:00","{round(float(v))}"')
        path = folder / f"{titles['en'].replace('{P} ', '').capitalize()}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "\r\n".join(lines) + "\r\n"
        path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
        paths.append(path)
    return paths


# -- Ads Manager -----------------------------------------------------------------------------


def _ads(world: DemoWorld, acc: dict[str, Any], folder: Path, lang: str) -> list[Path]:
    ads = _mine(world["ads"], acc)
    if ads.empty:
        return []
    daily = world["ad_daily"]
    daily = daily[
        (daily["platform"] == acc["platform"]) & daily["ad_native_id"].isin(ads["ad_native_id"])
    ]
    if daily.empty:
        return []
    merged = daily.merge(
        ads.drop(columns=["platform", "currency"]), on="ad_native_id", how="left"
    ).sort_values(["date", "campaign_native_id", "ad_group_native_id", "ad_native_id"])
    start, end = merged["date"].min(), merged["date"].max()
    platform_word = acc["platform"].capitalize() if lang == "zh" else acc["platform"]
    paths = []
    for cur, part in merged.groupby("currency", sort=True):
        header = [h.replace("{C}", str(cur)) for h in ADS_HEADERS[lang]]
        rows: list[list[Any]] = [header]
        for r in part.to_dict("records"):
            conv = r["conversions"]
            utm = (
                f"utm_source={acc['platform']}&utm_medium=paid_social&utm_campaign={r['utm_campaign']}"
                if _given(r.get("utm_campaign"))
                else ""
            )
            rows.append(
                [f"{start}", f"{end}", f"{r['date']}", r["campaign_name"], r["campaign_native_id"],
                 r["ad_group_name"], r["ad_group_native_id"], r["ad_name"], r["ad_native_id"],
                 platform_word, _s(r["objective"]), PURCHASE, _amount(conv, lang),
                 _amount(r["spend"], lang), _plain(r["impressions"]), _plain(r["reach"]),
                 _plain(r["link_clicks"]), _plain(r["clicks"]), _plain(r["video_views"]),
                 _amount(conv, lang), _amount(r["conversion_value"], lang), utm]
            )  # fmt: skip
        total = [f"{start}", f"{end}"] + [""] * 11 + [_amount(part["spend"].sum(), lang)]
        total += [_plain(part["impressions"].sum())] + [""] * 7
        rows.append(total)
        name = (_s(acc.get("name")) or _bare(acc["handle"])).replace(" ", "-")
        s, e = pd.Timestamp(start), pd.Timestamp(end)
        suffix = f"-{cur}" if merged["currency"].nunique() > 1 else ""
        path = folder / (
            f"{name}-Ads-{MONTHS[s.month - 1]}-{s.day}-{s.year}-"
            f"{MONTHS[e.month - 1]}-{e.day}-{e.year}{suffix}.csv"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_csv(rows).encode("utf-8-sig"))
        paths.append(path)
    return paths


def _s(v: Any) -> str:
    return str(v) if _given(v) else ""


def _given(v: Any) -> bool:
    return v is not None and not (isinstance(v, float) and pd.isna(v)) and str(v) != ""


def _plain(v: Any) -> str:
    if v is None or pd.isna(v):
        return ""
    return str(round(float(v)))
