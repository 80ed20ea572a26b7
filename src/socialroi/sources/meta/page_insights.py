"""The classic Facebook Page Insights post export (Insights > Export Data > Post data).

CSV or XLSX. Row 1 holds the metric names, row 2 a description of each
(`Lifetime: The number of people who had your Page's post enter their screen...`). Metric
names repeat: the first `Lifetime Organic Video Views` is the Total Count, the second (`#2`)
the Unique Users count; the description row says which is which. The XLSX has the key metrics
on a first sheet and one sheet per breakdown (`Lifetime Post Stories by action type`,
`Lifetime Post Consumptions by type`) whose columns are the action types.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd

from socialroi.model.aliases import aliases
from socialroi.sources.base import Context, InputFile, account_id, prefixed, report
from socialroi.sources.kit.cells import decimal_style, numbers, text
from socialroi.sources.kit.dates import period_from_name, slash_order
from socialroi.sources.kit.headers import HeaderMap, norm
from socialroi.sources.kit.sniff import Sniff
from socialroi.sources.kit.table import Table
from socialroi.sources.kit.tabular import is_spreadsheet, read_sheets
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

REPORT = "page_insights_posts"
COUNTS = (
    "reach", "impressions", "engagements", "clicks", "link_clicks", "likes", "comments",
    "shares", "video_views_organic", "video_views_paid",
)  # fmt: skip
FORMATS = {
    "photo": "image", "video": "video", "shared video": "video", "link": "link",
    "status": "text", "event": "other", "offer": "other", "note": "other", "music": "other",
    "foto": "image", "vídeo": "video", "enlace": "link", "estado": "text",
    "照片": "image", "视频": "video", "链接": "link", "状态": "text",
}  # fmt: skip
_DESCRIPTION = re.compile(
    r"^\s*(lifetime|de por vida|durante su vida útil|vida útil|终身)\s*[:：]", re.I
)
_EXPORT_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?!.*\d{4}-\d{2}-\d{2})")
_PAGE_IN_URL = re.compile(r"facebook\.com/(?:pg/)?([^/?#]+)/(?:posts|videos|photos)/")


def _detect(s: Sniff) -> float:
    al = aliases(SOURCE, REPORT)
    for rows in sniff_tables(s):
        for i, row in enumerate(rows[:10]):
            hm = HeaderMap(row, al)
            if "native_id" in hm and "published_at" in hm:
                lifetime = any(norm(c).startswith(("lifetime", "终身")) for c in row if c)
                described = i + 1 < len(rows) and any(
                    _DESCRIPTION.match(str(c)) for c in rows[i + 1] if c
                )
                return 0.95 if described else (0.85 if lifetime else 0.0)
    return 0.0


def _description_row(ctx: Context, t: Table) -> list[Any] | None:
    """Remove and return the row of metric descriptions under the header."""
    for k, (_rn, r) in enumerate(t.body[:3]):
        if t.cell(r, "native_id") is None and any(_DESCRIPTION.match(str(c)) for c in r if c):
            return t.take_row(ctx, k)
    return None


def _prefer_total_count(t: Table, desc: list[Any] | None) -> None:
    """Where a metric name repeats, read the column whose description says (Total Count)."""
    if not desc:
        return
    names = [norm(h) for h in t.header]
    for field, i in list(t.hm.index.items()):
        same = [j for j, n in enumerate(names) if n == names[i]]
        if len(same) < 2:
            continue
        said = str(desc[i]) if i < len(desc) and desc[i] is not None else ""
        if "total count" in said.lower():
            continue
        for j in same:
            dj = str(desc[j]) if j < len(desc) and desc[j] is not None else ""
            if "total count" in dj.lower():
                t.hm.index[field] = j
                break


def _breakdowns(file: InputFile, ctx: Context, main: str | None) -> dict[str, dict[str, Any]]:
    """Per post id: likes/comments/shares/link_clicks from the XLSX breakdown sheets."""
    if not is_spreadsheet(file):
        return {}
    out: dict[str, dict[str, Any]] = {}
    base = aliases(SOURCE, REPORT)
    key_al = {"native_id": base["native_id"]}
    extra = aliases(SOURCE, "page_insights_breakdown")
    for name, rows in read_sheets(file).items():
        if name == main or not rows:
            continue
        hm = HeaderMap(rows[0], {**key_al, **extra})
        fields = [f for f in extra if f in hm]
        if "native_id" not in hm or not fields:
            continue
        body = [(j + 1, r) for j, r in enumerate(rows[1:], start=1)]
        body = [
            (rn, r)
            for rn, r in body
            if r
            and r[hm.index["native_id"]] not in (None, "")
            and not _DESCRIPTION.match(str(r[hm.index["native_id"]]))
        ]
        rns = [rn for rn, _ in body]
        for f in fields:
            col = [r[hm.index[f]] if hm.index[f] < len(r) else None for _, r in body]
            vals = numbers(
                ctx,
                col,
                rns,
                f"{name}: {hm.column_name(f)}",
                decimal=decimal_style(col),
                integer=True,
            )
            for (_, r), v in zip(body, vals):
                pid = one_id(r[hm.index["native_id"]])
                out.setdefault(pid, {}).setdefault(f, v)
    return out


def _as_of(file: InputFile, local_dates: list[dt.date], ctx: Context) -> dt.date:
    """Export date in the file name (`... - 2019-06-20.xlsx`), the period end, or a guess."""
    period = period_from_name(file.name)
    if period:
        return period[1]
    if m := _EXPORT_DATE.search(file.name.rsplit("/", 1)[-1]):
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    latest = max(local_dates)
    ctx.finding(
        "snapshot_date_assumed",
        "the file name does not carry the export date; lifetime figures are dated to the "
        f"latest publish date, {latest}, so a newer export replaces them",
        value=file.name,
        rows=len(local_dates),
    )
    return latest


@report(
    SOURCE,
    REPORT,
    "Facebook Page Insights post export (classic, two header rows)",
    detect=_detect,
)
def parse(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    t = read_table(
        file,
        ctx,
        REPORT,
        ["native_id", "published_at"],
        "Facebook Page Insights post export",
        prefer_sheets=["Key Metrics", "Métricas clave", "关键指标"],
    )
    desc = _description_row(ctx, t)
    _prefer_total_count(t, desc)
    rows = t.body
    if not rows:
        raise ctx.fail(
            "the Page Insights export has a header but no posts",
            row=t.header_row + 1,
            expected="one row per post below the header rows",
        )
    rns = [rn for rn, _ in rows]
    native, mangled = id_column(ctx, t.values("native_id", rows), rns, t.column("native_id"))
    for rn, v in zip(rns, native):
        if v is None or pd.isna(v):
            raise ctx.fail(
                "a post row has no post id",
                row=rn,
                column=t.column("native_id"),
                expected="the post's id (page-id_post-id) in every row",
            )

    # The Page: `Post ID` is `<page id>_<post id>`; a @handle folder names it better.
    pages = {v.split("_", 1)[0] for v, bad in zip(native, mangled) if "_" in v and not bad}
    given = folder_handle(ctx)
    if given:
        handle, page_native = given, (next(iter(pages)) if len(pages) == 1 else None)
    elif len(pages) == 1:
        handle = page_native = next(iter(pages))
    else:
        slugs = {m[1] for u in t.values("url", rows) if u and (m := _PAGE_IN_URL.search(u))}
        if len(slugs) == 1:
            handle, page_native = next(iter(slugs)), None
        else:
            handle, page_native = ctx.account_handle("facebook"), None
    handle = handle[1:] if handle.startswith("@") else handle
    aid = account_id("facebook", handle)
    tz = account_timezone(ctx, [aid], "Page Insights post times")

    posted_raw = t.values("published_at", rows)
    local = local_datetimes(
        ctx,
        posted_raw,
        rns,
        t.column("published_at"),
        order=slash_order(posted_raw, t.language),
        period=period_from_name(file.name),
    )
    for rn, v, raw in zip(rns, local, posted_raw):
        if v is None:
            raise ctx.fail(
                "a post has no posted time",
                row=rn,
                column=t.column("published_at"),
                value=raw,
                expected="a time such as 10/1/2015 21:00",
            )
    published = localize(local, tz)
    local_dates = [v.date() for v in local]
    as_of = _as_of(file, local_dates, ctx)

    nums = number_columns(ctx, t, COUNTS, rows)
    extra = _breakdowns(file, ctx, t.sheet)
    post_rows, metric_rows = [], []
    for i, (_rn, r) in enumerate(rows):
        pid = prefixed("facebook", native.iloc[i])
        kind = text(t.cell(r, "format"))
        post_rows.append(
            {
                "post_id": pid,
                "platform": "facebook",
                "account_id": aid,
                "native_id": native.iloc[i],
                "published_at": published.iloc[i],
                "local_date": local_dates[i],
                "format": FORMATS.get(norm(kind), "other") if kind else None,
                "caption": text(t.cell(r, "caption")),
                "url": text(t.cell(r, "url")),
                "id_mangled": bool(mangled.iloc[i]),
            }
        )
        m: dict[str, Any] = {
            "post_id": pid,
            "platform": "facebook",
            "account_id": aid,
            "grain": "lifetime",
            "metric_date": local_dates[i],
            "as_of": as_of,
        }
        for f in ("reach", "impressions", "engagements", "clicks", "link_clicks", "likes",
                  "comments", "shares"):  # fmt: skip
            v = nums[f].iloc[i] if f in nums else None
            if (v is None or pd.isna(v)) and f in extra.get(native.iloc[i], {}):
                v = extra[native.iloc[i]][f]
            m[f] = v
        vv = [nums[f].iloc[i] for f in ("video_views_organic", "video_views_paid") if f in nums]
        vv = [x for x in vv if not pd.isna(x)]
        m["video_views"] = sum(vv) if vv else None
        metric_rows.append(m)
    accounts = [account_row(ctx, aid, "facebook", handle, native_id=page_native)]
    return {
        "accounts": pd.DataFrame(accounts),
        "posts": pd.DataFrame(post_rows),
        "post_metrics": pd.DataFrame(metric_rows),
    }
