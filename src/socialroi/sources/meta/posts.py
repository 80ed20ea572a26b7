"""Meta Business Suite post exports (Instagram and Facebook flavours).

Business Suite > Content > Posts & reels (or Insights > Content) > Export data downloads a CSV
named like `Aug-01-2025_Aug-31-2025_1039829308656930.csv`: one row per post published in the
period, with lifetime figures as of the download. Instagram files name the account
(`Account ID, Account username, Account name`); Facebook files name the Page (`Page ID, Page
name`). `Date` says `Lifetime` (a snapshot) or holds a day (daily figures).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from socialroi.model.aliases import aliases
from socialroi.sources.base import Context, InputFile, account_id, prefixed, report
from socialroi.sources.kit.cells import SUMMARY_ROW, text
from socialroi.sources.kit.dates import parse_date, period_from_name, slash_order
from socialroi.sources.kit.headers import HeaderMap, norm
from socialroi.sources.kit.sniff import Sniff
from socialroi.sources.kit.table import Table
from socialroi.sources.kit.times import local_datetimes, localize
from socialroi.sources.meta.common import (
    SOURCE,
    account_row,
    account_timezone,
    folder_handle,
    id_column,
    number_columns,
    one_id,
    read_table,
    sniff_tables,
)

REPORT = "business_suite_posts"
COUNTS = (
    "impressions", "reach", "likes", "comments", "shares", "saves", "follows", "clicks",
    "link_clicks", "video_views",
)  # fmt: skip

FORMATS = {
    # Instagram
    "ig image": "image", "ig photo": "image", "ig carousel": "carousel", "ig reel": "reel",
    "ig video": "video", "ig story": "story", "ig live": "live",
    "ig imagen": "image", "ig foto": "image", "ig carrusel": "carousel", "ig vídeo": "video",
    "ig historia": "story", "ig 图片": "image", "ig 照片": "image", "ig 轮播": "carousel",
    "ig 多图": "carousel", "ig 视频": "video", "ig 快拍": "story", "ig reels": "reel",
    # Facebook
    "photos": "image", "photo": "image", "videos": "video", "video": "video",
    "reels": "reel", "reel": "reel", "links": "link", "link": "link", "text": "text",
    "status": "text", "stories": "story", "story": "story", "live": "live",
    "fotos": "image", "foto": "image", "vídeos": "video", "vídeo": "video",
    "enlaces": "link", "enlace": "link", "texto": "text", "historias": "story",
    "en vivo": "live", "照片": "image", "视频": "video", "链接": "link", "文字": "text",
    "快拍": "story", "直播": "live",
}  # fmt: skip
LIFETIME = {
    norm(x)
    for x in ("Lifetime", "Total", "De por vida", "Durante su vida útil", "Vida útil",
              "终身", "全部时间", "总计", "生命周期")
}  # fmt: skip


def _detect(s: Sniff) -> float:
    al = aliases(SOURCE, REPORT)
    for rows in sniff_tables(s):
        for row in rows[:15]:
            hm = HeaderMap(row, al)
            if "native_id" in hm and "published_at" in hm:
                ident = any(f in hm for f in ("handle", "account_native_id", "page_id"))
                return 0.9 if ident or "url" in hm or "format" in hm else 0.6
    return 0.0


def _summary(t: Table, r: list[Any]) -> str | None:
    """A row with figures but neither a post id nor a publish time sums the others."""
    if t.cell(r, "native_id") is None and t.cell(r, "published_at") is None:
        return SUMMARY_ROW
    return None


def _platform(t: Table, rows: list[tuple[int, list[Any]]]) -> str:
    kinds = [norm(x) for x in t.values("format", rows) if x]
    if "handle" in t.hm or "account_native_id" in t.hm:
        return "instagram"
    if "page_id" in t.hm or "page_name" in t.hm:
        return "facebook"
    if kinds and all(k.startswith("ig ") for k in kinds):
        return "instagram"
    return "facebook"


def _accounts(
    ctx: Context, t: Table, rows: list[tuple[int, list[Any]]], platform: str
) -> tuple[list[str], list[dict[str, Any]]]:
    """Each row's account_id, and one accounts row per account the file names."""
    given = folder_handle(ctx)
    per_row: list[str] = []
    accounts: dict[str, dict[str, Any]] = {}
    if platform == "instagram":
        for _rn, r in rows:
            handle = text(t.cell(r, "handle"))
            handle = handle[1:] if handle and handle.startswith("@") else handle
            native = one_id(t.cell(r, "account_native_id"))
            if not handle:
                handle = given or native or ctx.account_handle("instagram")
            aid = account_id("instagram", handle)
            per_row.append(aid)
            accounts.setdefault(
                aid,
                account_row(
                    ctx,
                    aid,
                    "instagram",
                    handle,
                    native_id=native,
                    name=text(t.cell(r, "account_name")),
                ),
            )
        return per_row, list(accounts.values())
    pages = {(one_id(t.cell(r, "page_id")), text(t.cell(r, "page_name"))) for _, r in rows}
    for _rn, r in rows:
        page_id = one_id(t.cell(r, "page_id"))
        name = text(t.cell(r, "page_name"))
        if given and len(pages) == 1:
            handle = given
        else:
            handle = page_id or name
        if not handle:
            handle = ctx.account_handle("facebook")
        aid = account_id("facebook", handle)
        per_row.append(aid)
        accounts.setdefault(
            aid, account_row(ctx, aid, "facebook", handle, native_id=page_id, name=name)
        )
    return per_row, list(accounts.values())


def _caption(t: Table, r: list[Any], platform: str) -> str | None:
    desc = text(t.cell(r, "caption"))
    if platform == "instagram":
        return desc or text(t.cell(r, "title"))
    title = text(t.cell(r, "title"))
    # Facebook puts the caption in Title or Description depending on the post type.
    return max((title or "", desc or ""), key=len) or None


def _grain(ctx: Context, t: Table, rows: list[tuple[int, list[Any]]], order: str):
    """Per row: None for a lifetime snapshot, else the day the figures are for."""
    out: list[dt.date | None] = []
    for rn, r in rows:
        raw = t.cell(r, "metric_date")
        if raw is None or (isinstance(raw, str) and norm(raw) in LIFETIME):
            out.append(None)
            continue
        try:
            out.append(parse_date(raw, order=order, year=ctx.options.year))
        except ValueError:
            raise ctx.fail(
                "the Date column holds neither a day nor 'Lifetime'",
                row=rn,
                column=t.column("metric_date"),
                value=raw,
                expected="Lifetime or a date such as 2025-01-08",
            ) from None
    return out


def _unique(values: list[str | None], flags: list[bool]) -> list[str | None]:
    """Mangled ids (1.79123E+16) of different posts can collide: number the repeats."""
    seen: dict[str, int] = {}
    out = []
    for v, bad in zip(values, flags):
        if v is not None and bad:
            n = seen.get(v, 0) + 1
            seen[v] = n
            v = v if n == 1 else f"{v}#{n}"
        out.append(v)
    return out


@report(SOURCE, REPORT, "Meta Business Suite post export (Instagram / Facebook)", detect=_detect)
def parse(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    t = read_table(
        file, ctx, REPORT, ["native_id", "published_at"], "Business Suite post export",
        summary=_summary,
    )  # fmt: skip
    return from_table(file, ctx, t)


def from_table(file: InputFile, ctx: Context, t: Table) -> dict[str, pd.DataFrame]:
    """The staged rows of a post table: the export's, or the Graph API's media and posts laid
    out in the export's columns (`meta.api_organic`), so both mean the same."""
    rows = t.body
    if not rows:
        raise ctx.fail(
            "the post export has a header but no posts",
            row=t.header_row + 1,
            expected="one row per post below the header",
        )
    rns = [rn for rn, _ in rows]
    platform = _platform(t, rows)

    native_raw = t.values("native_id", rows)
    native, mangled = id_column(ctx, native_raw, rns, t.column("native_id"))
    for rn, v in zip(rns, native):
        if v is None or pd.isna(v):
            raise ctx.fail(
                "a post row has no post id",
                row=rn,
                column=t.column("native_id"),
                expected="the post's id in every row",
            )
    native_ids = _unique(list(native), [bool(x) for x in mangled])

    acc_per_row, accounts = _accounts(ctx, t, rows, platform)
    tz = account_timezone(ctx, sorted(set(acc_per_row)), "Business Suite publish times")

    publish_raw = t.values("published_at", rows)
    order = slash_order(publish_raw, t.language)
    period = period_from_name(file.name)
    local = local_datetimes(
        ctx, publish_raw, rns, t.column("published_at"), order=order, period=period
    )
    for rn, v, raw in zip(rns, local, publish_raw):
        if v is None:
            raise ctx.fail(
                "a post has no publish time",
                row=rn,
                column=t.column("published_at"),
                value=raw,
                expected="a time such as 01/08/2025 14:05",
            )
    published = localize(local, tz)
    local_dates = [v.date() for v in local]

    nums = number_columns(ctx, t, COUNTS, rows)
    if "watch_seconds" in t.hm:
        nums["watch_seconds"] = number_columns(ctx, t, ["watch_seconds"], rows, integer=False)[
            "watch_seconds"
        ]
    days = _grain(ctx, t, rows, order)
    if period is not None:
        as_of = period[1]
    else:
        known_days = [d for d in days if d is not None]
        as_of = max(known_days or local_dates)
        if any(d is None for d in days):
            ctx.finding(
                "snapshot_date_assumed",
                "the file name does not carry the export's period (Business Suite names it "
                "like Aug-01-2025_Aug-31-2025_<id>.csv); lifetime figures are dated to the "
                f"latest publish date, {as_of}, so a newer export replaces them",
                value=file.name,
                rows=sum(d is None for d in days),
            )

    # Plain lists: a Series looked up cell by cell (`.iloc`) costs more than the whole parse.
    published, mangled = published.tolist(), mangled.tolist()
    nums = {f: series.tolist() for f, series in nums.items()}
    post_rows, metric_rows = [], []
    for i, (_rn, r) in enumerate(rows):
        pid = prefixed(platform, native_ids[i])
        kind = text(t.cell(r, "format"))
        post_rows.append(
            {
                "post_id": pid,
                "platform": platform,
                "account_id": acc_per_row[i],
                "native_id": native_ids[i],
                "published_at": published[i],
                "local_date": local_dates[i],
                "format": FORMATS.get(norm(kind), "other") if kind else None,
                "caption": _caption(t, r, platform),
                "url": text(t.cell(r, "url")),
                "id_mangled": bool(mangled[i]),
            }
        )
        m: dict[str, Any] = {
            "post_id": pid,
            "platform": platform,
            "account_id": acc_per_row[i],
            "grain": "lifetime" if days[i] is None else "day",
            "metric_date": local_dates[i] if days[i] is None else days[i],
            "as_of": as_of,
        }
        for f, values in nums.items():
            m[f] = values[i]
        metric_rows.append(m)
    return {
        "accounts": pd.DataFrame(accounts),
        "posts": pd.DataFrame(post_rows),
        "post_metrics": pd.DataFrame(metric_rows),
    }
