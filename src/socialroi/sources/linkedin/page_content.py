"""LinkedIn Page analytics content export: `Metrics` (organic and sponsored figures per day)
and `All posts` (one row per post, figures since publication, a description row above the
header). See docs/sources/linkedin.md."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd

from socialroi.sources.base import Context, InputFile, account_id, prefixed, report
from socialroi.sources.kit.cells import clean_id
from socialroi.sources.kit.headers import HeaderMap, find_sheet, norm
from socialroi.sources.kit.sniff import Sniff
from socialroi.sources.kit.table import Table, table_from_rows
from socialroi.sources.linkedin.common import (
    P,
    file_parts,
    no_sheet,
    organic_first,
    page_account,
    page_handle,
    report_aliases,
    required_dates,
    sheet_names,
    workbook,
)

# -- content export: Metrics + All posts ---------------------------------------------------


def _detect_content(s: Sniff) -> float:
    if s.kind != "spreadsheet" or not s.sheets:
        return 0.0
    best = 0.0
    m = find_sheet(
        s.sheets, sheet_names("metrics"), report_aliases("page_content"), ["date", "impressions"]
    )
    if m:
        hm = HeaderMap(s.sheets[m[0]][m[1]], report_aliases("page_content"))
        linkedin_only = any(
            f in hm for f in ("reach", "impressions_sponsored", "impressions_total")
        )
        named = norm(m[0]) in {norm(n) for n in sheet_names("metrics")}
        best = max(best, (0.95 if named else 0.8) if linkedin_only else 0.0)
    p = find_sheet(
        s.sheets, sheet_names("all_posts"), report_aliases("page_content_posts"), ["url", "created"]
    )
    if p:
        named = norm(p[0]) in {norm(n) for n in sheet_names("all_posts")}
        hm = HeaderMap(s.sheets[p[0]][p[1]], report_aliases("page_content_posts"))
        liish = "post_type" in hm and ("content_type" in hm or "audience" in hm)
        best = max(best, 0.95 if named and liish else (0.8 if liish else 0.0))
    return best


_URN = re.compile(r"urn:li:(activity|share|ugcPost|post):(\d+)", re.IGNORECASE)
_SLUG = re.compile(r"activity[-:](\d{15,})")


def _post_native(raw: Any) -> tuple[str | None, bool, str | None]:
    """(native id, mangled, url) of a `Post link` cell."""
    if raw is None or (isinstance(raw, float) and pd.isna(raw)):
        return None, False, None
    if isinstance(raw, (int, float)):
        v, mangled = clean_id(raw)
        return v, mangled, None
    s = str(raw).strip()
    url = s if s.lower().startswith("http") else None
    if m := _URN.search(s):
        kind = m[1]
        native = m[2] if kind.lower() == "activity" else f"{kind}:{m[2]}"
        return native, False, url
    if m := _SLUG.search(s):
        return m[1], False, url
    v, mangled = clean_id(s)
    if v is not None and (v.isdigit() or mangled):
        return v, mangled, url
    return None, False, url


_FORMATS = (
    (("video", "vídeo", "视频"), "video"),
    (("image", "imagen", "photo", "foto", "图片", "图像"), "image"),
    (("document", "documento", "carousel", "carrusel", "文档", "轮播"), "carousel"),
    (("article", "artículo", "newsletter", "link", "enlace", "文章", "链接"), "link"),
    (("text", "texto", "文本", "文字"), "text"),
)
_SPONSORED = {norm(x) for x in ("Sponsored", "Patrocinado", "Patrocinada", "赞助", "赞助内容")}
_ORGANIC = {norm(x) for x in ("Organic", "Orgánico", "Orgánica", "自然", "自然动态")}


def _format(value: str | None) -> str | None:
    if not value:
        return None
    t = norm(value)
    for keys, fmt in _FORMATS:
        if any(k in t for k in keys):
            return fmt
    return "other"


def _promoted(value: str | None) -> bool | None:
    if not value:
        return None
    t = norm(value)
    return True if t in _SPONSORED else (False if t in _ORGANIC else None)


POST_METRICS = ("impressions", "video_views", "clicks", "likes", "comments", "shares", "follows")


@report(
    P,
    "page_content",
    "LinkedIn Page analytics content export (Metrics + All posts)",
    detect=_detect_content,
)
def parse_content(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    _, export_day = file_parts(file)
    return content_frames(ctx, page_handle(file, ctx), workbook(file, ctx), export_day)


def content_frames(
    ctx: Context,
    handle: str,
    sheets: dict[str, list[list[Any]]],
    export_day: dt.date | None,
    **account: Any,
) -> dict[str, pd.DataFrame]:
    """The staging frames of a content workbook's sheets (`Metrics`, `All posts`): a file's,
    or the Community Management API's records laid out in its columns. `account`: what the
    caller knows of the Page (native_id, name, kind)."""
    aid = account_id(P, handle)
    out: dict[str, pd.DataFrame] = {
        "accounts": pd.DataFrame([page_account(ctx, handle, **account)])
    }

    ma, pa_ = report_aliases("page_content"), report_aliases("page_content_posts")
    m = find_sheet(sheets, sheet_names("metrics"), ma, ["date", "impressions"])
    if m is None:
        m = find_sheet(sheets, sheet_names("metrics"), ma, ["date", "impressions_total"])
    p = find_sheet(sheets, sheet_names("all_posts"), pa_, ["url", "created"])
    if m is None and p is None:
        raise no_sheet(ctx, sheets, "content export", "Metrics")

    period_end: dt.date | None = None
    if m is not None:
        name, h = m
        t = table_from_rows(
            ctx, sheets[name], ma, [], what=f"sheet {name!r}", where=f"sheet {name!r}",
            header_index=h,
        )  # fmt: skip
        days = required_dates(ctx, t, "date", period_end=export_day)
        frame = pd.DataFrame(
            {"account_id": aid, "platform": P, "metric_date": days}, index=range(len(days))
        )
        imp = organic_first(t, "impressions", "impressions_total")
        for col, field in (
            ("impressions", imp),
            ("reach", "reach"),
            ("likes", "likes"),
            ("comments", "comments"),
            ("shares", "shares"),
        ):
            if field is not None and t.has(field):
                frame[col] = t.numbers(ctx, field)
        out["account_metrics"] = frame
        period_end = max(days) if days else None

    if p is not None:
        name, h = p
        t = table_from_rows(
            ctx, sheets[name], pa_, [], what=f"sheet {name!r}", where=f"sheet {name!r}",
            header_index=h,
        )  # fmt: skip
        out.update(_posts(ctx, t, aid, period_end or export_day))
    return out


def _posts(ctx: Context, t: Table, aid: str, as_of: dt.date | None) -> dict[str, pd.DataFrame]:
    created = required_dates(ctx, t, "created", period_end=as_of)
    if as_of is None:
        as_of = max(created) if created else None
        if as_of is not None:
            ctx.finding(
                "as_of_assumed",
                "the export's last day is unknown (no Metrics sheet, file renamed); lifetime "
                f"figures are stored as of the newest post's date, {as_of}",
                column=t.column("created"),
                value=as_of,
                rows=len(created),
            )
    natives, urls, mangled = [], [], []
    first_mangled = None
    for raw, rn in zip(t.cells("url"), t.row_numbers):
        native, is_mangled, url = _post_native(raw)
        if native is None:
            raise ctx.fail(
                "a post has no LinkedIn post id in its link",
                row=rn,
                column=t.column("url"),
                value=raw,
                expected="a link like https://www.linkedin.com/feed/update/urn:li:activity:7150…",
            )
        if is_mangled and first_mangled is None:
            first_mangled = (rn, raw)
        natives.append(native)
        urls.append(url or f"https://www.linkedin.com/feed/update/urn:li:activity:{native}/")
        mangled.append(is_mangled)
    if first_mangled:
        ctx.finding(
            "mangled_id",
            f"{sum(mangled)} post id(s) were saved by a spreadsheet in scientific notation and "
            "lost digits; kept as text but they cannot be matched to other files",
            row=first_mangled[0],
            column=t.column("url"),
            value=first_mangled[1],
            rows=sum(mangled),
        )
    n = len(natives)
    posts = pd.DataFrame(
        {
            "post_id": [prefixed(P, x) for x in natives],
            "platform": P,
            "account_id": aid,
            "native_id": natives,
            "local_date": created,
            "format": [_format(x) for x in t.text("content_type")],
            "caption": t.text("caption"),
            "url": urls,
            "promoted": pd.Series([_promoted(x) for x in t.text("post_type")], dtype="boolean"),
            "id_mangled": pd.Series(mangled, dtype="boolean"),
        },
        index=range(n),
    )
    metrics = pd.DataFrame(
        {
            "post_id": posts["post_id"],
            "platform": P,
            "account_id": aid,
            "grain": "lifetime",
            "metric_date": created,
            "as_of": as_of,
        },
        index=range(n),
    )
    for col in POST_METRICS:
        s = t.numbers(ctx, col)
        if s is not None:
            metrics[col] = s
    return _merge_duplicate_posts(ctx, t, posts, metrics)


def _merge_duplicate_posts(
    ctx: Context, t: Table, posts: pd.DataFrame, metrics: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """A post listed twice (organic and sponsored rows) is one post: its figures are added."""
    dup = posts["post_id"].duplicated(keep=False)
    if not dup.any():
        return {"posts": posts, "post_metrics": metrics}
    first = dup.idxmax()
    ctx.finding(
        "merged_duplicate_rows",
        f"{int(dup.sum())} rows list the same post more than once (organic and sponsored "
        "distribution); their figures were added into one post",
        row=t.row_numbers[first],
        column=t.column("url"),
        value=posts.loc[first, "native_id"],
        rows=int(dup.sum()),
    )
    nums = [c for c in POST_METRICS if c in metrics.columns]
    keys = ["post_id", "platform", "account_id", "grain", "metric_date", "as_of"]
    agg = metrics.groupby(keys, sort=False, dropna=False)[nums].sum(min_count=1).reset_index()
    promoted = posts.groupby("post_id", sort=False)["promoted"].agg(lambda s: s.any())
    posts = posts.drop_duplicates("post_id", keep="first").copy()
    posts["promoted"] = posts["post_id"].map(promoted).astype("boolean")
    return {"posts": posts.reset_index(drop=True), "post_metrics": agg}
