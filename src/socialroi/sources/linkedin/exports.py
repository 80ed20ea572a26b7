"""Parsers for LinkedIn's native exports (see docs/sources/linkedin.md).

Page analytics (Page admin view > Analytics > Export) gives three workbooks, .xls or .xlsx,
named `<page>_<kind>_<epoch-ms>.xls`:

- content: `Metrics` (organic and sponsored figures per day) and `All posts` (one row per
  post, figures since publication, a description row above the header);
- followers: `New followers` (new follows per day) plus demographic sheets, ignored;
- visitors: `Visitor metrics` (page views per day by section and device) plus demographics.

Campaign Manager (Analyze > Export) gives a performance report CSV, UTF-16 and
tab-separated, with banner lines (`Campaign Performance Report (in UTC)`, `Report Start: ...`)
above the header. All LinkedIn days are UTC days.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

import pandas as pd

from socialroi.model.aliases import aliases
from socialroi.sources.base import Context, InputFile, Sniff, account_id, prefixed, report
from socialroi.sources.cells import HeaderMap, clean_id, ids, norm, parse_date
from socialroi.sources.grid import Table, find_sheet, read_table
from socialroi.sources.tabular import read_rows, read_sheets

P = "linkedin"


def _sheet_names(key: str) -> list[str]:
    return aliases(P, "sheets")[key]


def _a(report_name: str) -> dict[str, list[str]]:
    return aliases(P, report_name)


# -- the page a workbook belongs to --------------------------------------------------------

_PAGE_FILE = re.compile(
    r"^(?P<page>.+?)_(?P<kind>content|updates|followers|visitors)_(?P<ms>\d{10,13})"
    r"(?:\s*\(\d+\))?\.xlsx?$",
    re.IGNORECASE,
)


def _file_parts(file: InputFile) -> tuple[str | None, dt.date | None]:
    """(page, export day) from a name like `voltiq_content_1736284800000.xls`."""
    m = _PAGE_FILE.match(file.name.rsplit("/", 1)[-1])
    if not m:
        return None, None
    ms = int(m["ms"])
    seconds = ms / 1000 if len(m["ms"]) == 13 else ms
    return m["page"], dt.datetime.fromtimestamp(seconds, dt.UTC).date()


def _page_handle(file: InputFile, ctx: Context) -> str:
    """--account, else the page named in the file name, else a folder `@handle`."""
    if ctx.options.account:
        return ctx.options.account
    page, _ = _file_parts(file)
    return page or ctx.account_handle(P)


def _handle_text(handle: str) -> str:
    h = str(handle).strip()
    return h if h.startswith("@") else f"@{h}"


def _account_row(ctx: Context, handle: str, **extra: Any) -> dict[str, Any]:
    o = ctx.options
    row = {
        "account_id": account_id(P, handle),
        "platform": P,
        "handle": _handle_text(handle),
        "market": o.market.upper() if o.market else None,
        "currency": o.currency.upper() if o.currency else None,
        "timezone": o.timezone,
    }
    row.update({k: v for k, v in extra.items() if v is not None})
    return row


def _workbook(file: InputFile, ctx: Context) -> dict[str, list[list[Any]]]:
    try:
        return read_sheets(file)
    except Exception as exc:  # noqa: BLE001 - any damage is the same problem to a user
        raise ctx.fail(
            f"the workbook cannot be opened ({type(exc).__name__})",
            expected="the .xls or .xlsx file LinkedIn Page analytics exports, unchanged",
        ) from None


def _no_sheet(ctx: Context, sheets: dict, what: str, sheet: str) -> Exception:
    return ctx.fail(
        f"this workbook has no {sheet!r} sheet with the usual header of a LinkedIn {what}",
        value=", ".join(sheets)[:200],
        expected=f"a sheet like {sheet!r} (English, Spanish or Chinese)",
    )


def _required_dates(ctx: Context, t: Table, field: str, **kw: Any) -> list[dt.date]:
    days = t.dates(ctx, field, **kw)
    for d, rn in zip(days, t.row_numbers):
        if d is None:
            raise ctx.fail("a row has no date", row=rn, column=t.column(field), expected="a date")
    return days  # type: ignore[return-value]


def _organic_first(t: Table, organic: str, total: str) -> str | None:
    return organic if t.has(organic) else (total if t.has(total) else None)


# -- content export: Metrics + All posts ---------------------------------------------------


def _detect_content(s: Sniff) -> float:
    if s.kind != "spreadsheet" or not s.sheets:
        return 0.0
    best = 0.0
    m = find_sheet(s.sheets, _sheet_names("metrics"), _a("page_content"), ["date", "impressions"])
    if m:
        hm = HeaderMap(s.sheets[m[0]][m[1]], _a("page_content"))
        linkedin_only = any(
            f in hm for f in ("reach", "impressions_sponsored", "impressions_total")
        )
        named = norm(m[0]) in {norm(n) for n in _sheet_names("metrics")}
        best = max(best, (0.95 if named else 0.8) if linkedin_only else 0.0)
    p = find_sheet(
        s.sheets, _sheet_names("all_posts"), _a("page_content_posts"), ["url", "created"]
    )
    if p:
        named = norm(p[0]) in {norm(n) for n in _sheet_names("all_posts")}
        hm = HeaderMap(s.sheets[p[0]][p[1]], _a("page_content_posts"))
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
    sheets = _workbook(file, ctx)
    handle = _page_handle(file, ctx)
    aid = account_id(P, handle)
    _, export_day = _file_parts(file)
    out: dict[str, pd.DataFrame] = {"accounts": pd.DataFrame([_account_row(ctx, handle)])}

    ma, pa_ = _a("page_content"), _a("page_content_posts")
    m = find_sheet(sheets, _sheet_names("metrics"), ma, ["date", "impressions"])
    if m is None:
        m = find_sheet(sheets, _sheet_names("metrics"), ma, ["date", "impressions_total"])
    p = find_sheet(sheets, _sheet_names("all_posts"), pa_, ["url", "created"])
    if m is None and p is None:
        raise _no_sheet(ctx, sheets, "content export", "Metrics")

    period_end: dt.date | None = None
    if m is not None:
        name, h = m
        t = read_table(
            ctx, sheets[name], ma, [], what=f"sheet {name!r}", where=f"sheet {name!r}",
            header_index=h,
        )  # fmt: skip
        days = _required_dates(ctx, t, "date", period_end=export_day)
        frame = pd.DataFrame(
            {"account_id": aid, "platform": P, "metric_date": days}, index=range(len(days))
        )
        imp = _organic_first(t, "impressions", "impressions_total")
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
        t = read_table(
            ctx, sheets[name], pa_, [], what=f"sheet {name!r}", where=f"sheet {name!r}",
            header_index=h,
        )  # fmt: skip
        out.update(_posts(ctx, t, aid, period_end or export_day))
    return out


def _posts(ctx: Context, t: Table, aid: str, as_of: dt.date | None) -> dict[str, pd.DataFrame]:
    created = _required_dates(ctx, t, "created", period_end=as_of)
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


# -- followers export ----------------------------------------------------------------------


def _detect_followers(s: Sniff) -> float:
    if s.kind != "spreadsheet" or not s.sheets:
        return 0.0
    a = _a("page_followers")
    f = find_sheet(s.sheets, _sheet_names("new_followers"), a, ["date", "organic"])
    if f is None:
        return 0.0
    hm = HeaderMap(s.sheets[f[0]][f[1]], a)
    named = norm(f[0]) in {norm(n) for n in _sheet_names("new_followers")}
    strong = "sponsored" in hm and ("follows" in hm or "auto_invited" in hm)
    return 0.95 if named and strong else (0.8 if strong else 0.0)


@report(P, "page_followers", "LinkedIn Page analytics followers export", detect=_detect_followers)
def parse_followers(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    sheets = _workbook(file, ctx)
    handle = _page_handle(file, ctx)
    _, export_day = _file_parts(file)
    a = _a("page_followers")
    f = find_sheet(sheets, _sheet_names("new_followers"), a, ["date", "organic"])
    if f is None:
        f = find_sheet(sheets, _sheet_names("new_followers"), a, ["date", "follows"])
    if f is None:
        raise _no_sheet(ctx, sheets, "followers export", "New followers")
    name, h = f
    t = read_table(
        ctx, sheets[name], a, [], what=f"sheet {name!r}", where=f"sheet {name!r}", header_index=h
    )
    days = _required_dates(ctx, t, "date", period_end=export_day)
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
    return {"accounts": pd.DataFrame([_account_row(ctx, handle)]), "account_metrics": frame}


# -- visitors export -----------------------------------------------------------------------


def _detect_visitors(s: Sniff) -> float:
    if s.kind != "spreadsheet" or not s.sheets:
        return 0.0
    a = _a("page_visitors")
    for need in (["date", "profile_views"], ["date", "overview_views"]):
        f = find_sheet(s.sheets, _sheet_names("visitor_metrics"), a, need)
        if f:
            named = norm(f[0]) in {norm(n) for n in _sheet_names("visitor_metrics")}
            return 0.95 if named else 0.85
    return 0.0


@report(P, "page_visitors", "LinkedIn Page analytics visitors export", detect=_detect_visitors)
def parse_visitors(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    sheets = _workbook(file, ctx)
    handle = _page_handle(file, ctx)
    _, export_day = _file_parts(file)
    a = _a("page_visitors")
    f = find_sheet(sheets, _sheet_names("visitor_metrics"), a, ["date", "profile_views"])
    f = f or find_sheet(sheets, _sheet_names("visitor_metrics"), a, ["date", "overview_views"])
    if f is None:
        raise _no_sheet(ctx, sheets, "visitors export", "Visitor metrics")
    name, h = f
    t = read_table(
        ctx, sheets[name], a, [], what=f"sheet {name!r}", where=f"sheet {name!r}", header_index=h
    )
    days = _required_dates(ctx, t, "date", period_end=export_day)
    frame = pd.DataFrame(
        {"account_id": account_id(P, handle), "platform": P, "metric_date": days},
        index=range(len(days)),
    )
    frame["profile_views"] = t.numbers(
        ctx, "profile_views" if t.has("profile_views") else "overview_views"
    )
    return {"accounts": pd.DataFrame([_account_row(ctx, handle)]), "account_metrics": frame}


# -- Campaign Manager performance report ---------------------------------------------------

_BANNER_TITLE = re.compile(
    r"performance report|informe de rendimiento|效果报告|campaign manager", re.IGNORECASE
)
_START = re.compile(
    r"(?:report start|inicio del informe|fecha de inicio del informe|报告开始日期|报告开始)"
    r"\s*[:：]\s*([^,，\t]+)",
    re.IGNORECASE,
)
_END = re.compile(
    r"(?:report end|fin del informe|fecha de finalización del informe|报告结束日期|报告结束)"
    r"\s*[:：]\s*([^,，\t]+)",
    re.IGNORECASE,
)
_CM_IDS = ("campaign_id", "ad_id")


def _cm_header(rows: list[list[Any]]) -> int | None:
    a = _a("campaign_manager")
    for i, row in enumerate(rows[:30]):
        hm = HeaderMap(row, a)
        if ("spend" in hm or "impressions" in hm) and any(f in hm for f in _CM_IDS):
            return i
        if "spend" in hm and "campaign_name" in hm and "campaign_group_name" in hm:
            return i
    return None


def _detect_campaign_manager(s: Sniff) -> float:
    if s.kind != "text" or not s.rows:
        return 0.0
    h = _cm_header(s.rows)
    if h is None:
        return 0.0
    hm = HeaderMap(s.rows[h], _a("campaign_manager"))
    banner = " ".join(" ".join(r) for r in s.rows[:h])
    date_name = norm(hm.found_as.get("date", ""))
    specific = "(in utc)" in date_name or "(en utc)" in date_name or "utc" in date_name
    if _BANNER_TITLE.search(banner) or specific:
        return 0.95
    if "campaign_group_name" in hm or "campaign_type" in hm:
        return 0.8
    return 0.55


def _banner_period(ctx: Context, banner: str) -> tuple[dt.date | None, dt.date | None]:
    def one(rx: re.Pattern[str]) -> dt.date | None:
        m = rx.search(banner)
        if not m:
            return None
        try:
            return parse_date(m[1].strip(), order="MDY")
        except ValueError:
            return None

    return one(_START), one(_END)


def _month_end(d: dt.date) -> dt.date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _periods(
    days: list[dt.date], start: dt.date | None, end: dt.date | None
) -> list[dt.date] | None:
    """Period ends for a monthly breakdown, or None when the rows are daily."""
    if not days or start is None or end is None or (end - start).days < 27:
        return None
    if any(d.day != 1 for d in days):
        return None
    distinct = sorted(set(days))
    gaps_monthly = all((b - a).days >= 28 for a, b in zip(distinct, distinct[1:]))
    if not gaps_monthly or (len(distinct) == 1 and distinct[0] != start):
        return None
    return [min(_month_end(d), end) for d in days]


@report(
    P,
    "campaign_manager",
    "LinkedIn Campaign Manager performance report",
    detect=_detect_campaign_manager,
)
def parse_campaign_manager(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    rows = read_rows(file)
    a = _a("campaign_manager")
    h = _cm_header(rows.rows)
    if h is None:
        raise ctx.fail(
            "no header row of a Campaign Manager report was found",
            row=rows.first_row,
            value=", ".join(rows.rows[0])[:200] if rows.rows else "",
            expected="a header with Campaign ID and Total Spent or Impressions",
        )
    hm = HeaderMap(rows.rows[h], a)
    if not any(f in hm for f in _CM_IDS):
        raise ctx.fail(
            "this Campaign Manager report has no Campaign ID or Creative ID column",
            row=rows.row_number(h),
            value=", ".join(x for x in rows.rows[h] if x)[:200],
            expected="the Campaign or Ad performance report with its ID columns",
        )
    banner = " , ".join(" ".join(r) for r in rows.rows[:h])
    rep_start, rep_end = _banner_period(ctx, banner)
    t = read_table(
        ctx, rows.rows, a, [], what="the report", header_index=h, first_row=rows.first_row
    )
    n = len(t.rows)
    if t.has("date"):
        days = _required_dates(ctx, t, "date", period_end=rep_end)
        if t.has("end_date"):
            ends = _required_dates(ctx, t, "end_date", period_end=rep_end)
        else:
            ends = _periods(days, rep_start, rep_end) or list(days)
    elif rep_start and rep_end:
        days, ends = [rep_start] * n, [rep_end] * n
    else:
        raise ctx.fail(
            "this report has neither a date column nor a 'Report Start/End' banner",
            row=rows.row_number(h),
            column="Start Date (in UTC)",
            expected="a daily or monthly report, or the banner LinkedIn writes above the header",
        )

    def id_col(field: str) -> list[str | None]:
        if not t.has(field):
            return [None] * n
        return ids(ctx, t.cells(field), t.row_numbers, t.column(field))[0].tolist()

    camp_native, ad_native = id_col("campaign_id"), id_col("ad_id")
    acct_native = id_col("account_native_id")
    acct_names = t.text("account_name")

    currencies = _currencies(ctx, t, hm)
    handles = _ad_account_handles(ctx, file, acct_native, acct_names)

    camp_ids = [prefixed(P, f"campaign:{c}") if c else None for c in camp_native]
    ad_ids = [prefixed(P, f"ad:{x}") if x else None for x in ad_native]
    for i, rn in enumerate(t.row_numbers):
        if camp_ids[i] is None and ad_ids[i] is None:
            raise ctx.fail(
                "a row names no campaign or ad id",
                row=rn,
                column=t.column("campaign_id" if t.has("campaign_id") else "ad_id"),
                expected="the campaign's numeric id",
            )
    aids = [account_id(P, h_) for h_ in handles]
    frame = pd.DataFrame(
        {
            "entity_id": [ad or c for ad, c in zip(ad_ids, camp_ids)],
            "platform": P,
            "account_id": aids,
            "campaign_id": camp_ids,
            "ad_id": ad_ids,
            "metric_date": days,
            "period_end": ends,
            "market": ctx.options.market.upper() if ctx.options.market else None,
            "currency": currencies,
        },
        index=range(n),
    )
    for col, integer in (
        ("spend", False),
        ("impressions", True),
        ("reach", True),
        ("clicks", True),
        ("link_clicks", True),
        ("video_views", True),
        ("platform_conversions", False),
        ("platform_conversion_value", False),
    ):
        s = t.numbers(ctx, col, integer=integer)
        if s is not None:
            frame[col] = s

    objectives = t.text("objective")
    camp_names, ad_names = t.text("campaign_name"), t.text("ad_name")
    campaigns: dict[str, dict[str, Any]] = {}
    for i in range(n):
        if camp_ids[i]:
            campaigns[camp_ids[i]] = {
                "campaign_id": camp_ids[i],
                "platform": P,
                "account_id": aids[i],
                "level": "campaign",
                "native_id": camp_native[i],
                "name": camp_names[i],
                "objective": objectives[i],
                "market": frame.at[i, "market"],
            }
        if ad_ids[i]:
            campaigns[ad_ids[i]] = {
                "campaign_id": ad_ids[i],
                "platform": P,
                "account_id": aids[i],
                "level": "ad",
                "native_id": ad_native[i],
                "parent_id": camp_ids[i],
                "name": ad_names[i],
                "market": frame.at[i, "market"],
            }
    given = ctx.options.account or file.folder_hint
    accounts: dict[str, dict[str, Any]] = {}
    for i in range(n):
        row = _account_row(
            ctx,
            handles[i],
            native_id=acct_native[i],
            name=acct_names[i],
            currency=currencies[i],
        )
        if handles[i] != given:  # keyed by the report's Account ID or name: not a handle
            row["handle"] = None
        accounts[aids[i]] = row
    return {
        "accounts": pd.DataFrame(list(accounts.values())),
        "campaigns": pd.DataFrame(list(campaigns.values())),
        "ad_metrics": frame,
    }


def _currencies(ctx: Context, t: Table, hm: HeaderMap) -> list[str]:
    from_header = hm.currencies.get("spend")
    fallback = from_header or (ctx.options.currency.upper() if ctx.options.currency else None)
    out = []
    for cur, rn in zip(t.text("currency"), t.row_numbers):
        c = (cur or fallback or "").upper()
        if not re.fullmatch(r"[A-Z]{3}", c):
            raise ctx.fail(
                "the spend of this row has no currency" if not c else "not a currency code",
                row=rn,
                column=t.column("currency") if t.has("currency") else t.column("spend"),
                value=cur,
                expected="an ISO 4217 code such as USD",
                hint="Pass --currency XXX for reports without a Currency column.",
            )
        out.append(c)
    return out


def _ad_account_handles(
    ctx: Context, file: InputFile, natives: list[str | None], names: list[str | None]
) -> list[str]:
    """The ad account of each row: --account or a folder @handle when the report is about
    one account; else the Account ID, else the Account Name the report gives."""
    named = {x or y for x, y in zip(natives, names) if x or y}
    given = ctx.options.account or file.folder_hint
    if given and len(named) <= 1:
        return [given] * len(natives)
    out = []
    for x, y in zip(natives, names):
        key = x or y
        if key is None:
            key = ctx.account_handle(P)
        out.append(key)
    return out
