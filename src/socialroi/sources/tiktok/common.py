"""Reading a table out of a social export, shared by the TikTok, X and Pinterest parsers.

A social export is one table (CSV in any encoding, or one sheet of a workbook), sometimes under
a banner (title, date range), sometimes with a `Total` row. `read_table` finds the header row
by alias, drops blanks and totals (with a finding) and gives typed columns through the cleaning
helpers in `socialroi.sources.cells`. Dates without a year (TikTok Studio's "January 8") get
their year from the file's period (dates in the file name or banner), `--year`, or fail.

The ads parser at the bottom (`parse_ads`) is the shape every ads manager report shares:
campaign / ad group / ad x day with spend in the account currency.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from socialroi.sources import cells
from socialroi.sources.base import Context, InputFile, Sniff, account_id, prefixed
from socialroi.sources.tabular import is_spreadsheet, read_rows, read_sheets

# TikTok Studio writes `undefined` for days it has not computed yet: an empty cell.
EMPTY_WORDS = {"undefined", "null", "nan"}
_TOTAL = re.compile(
    r"^(total|totals|grand total|totales|total general|总计|合计|總計|汇总)"
    r"(\s*(of|de)\s*\d+\s*(results?|resultados?|rows?|filas?))?\s*[:：]?$",
    re.IGNORECASE,
)


def clean_cell(c: Any) -> Any:
    if isinstance(c, str):
        s = c.strip().replace("\u00a0", " ")
        return "" if s.casefold() in EMPTY_WORDS else s
    return c


def is_total(row: Sequence[Any]) -> bool:
    if cells.is_total_row(row):
        return True
    firsts = [c for c in row[:3] if c not in (None, "")]
    return bool(firsts) and bool(_TOTAL.match(cells.norm(firsts[0])))


@dataclass
class Table:
    """The data rows of an export under its header, with their spreadsheet row numbers."""

    hm: cells.HeaderMap
    header_row: int
    body: list[tuple[int, list[Any]]]
    above: list[list[Any]] = field(default_factory=list)
    sheet: str | None = None
    decimal: str = "."

    def has(self, f: str) -> bool:
        return f in self.hm

    def column(self, f: str) -> str:
        return self.hm.column_name(f)

    def raw(self, f: str) -> list[Any]:
        i = self.hm.index.get(f)
        if i is None:
            return [None] * len(self.body)
        return [r[i] if i < len(r) else None for _, r in self.body]

    @property
    def row_numbers(self) -> list[int]:
        return [n for n, _ in self.body]

    def text(self, f: str) -> list[str | None]:
        out = []
        for v in self.raw(f):
            if v is None or (isinstance(v, float) and pd.isna(v)):
                out.append(None)
                continue
            s = str(v).strip()
            out.append(s if s and s.casefold() not in cells.EMPTY else None)
        return out

    def numbers(self, ctx: Context, f: str, *, integer: bool = True) -> pd.Series:
        if not self.has(f):
            return pd.Series([None] * len(self.body), dtype="Int64" if integer else "Float64")
        return cells.numbers(
            ctx,
            self.raw(f),
            self.row_numbers,
            self.column(f),
            decimal=self.decimal,
            integer=integer,
        )

    def ids(self, ctx: Context, f: str):
        return cells.ids(ctx, self.raw(f), self.row_numbers, self.column(f))


def read_table(
    file: InputFile,
    ctx: Context,
    aliases: dict[str, list[str]],
    required: Sequence[str],
    what: str,
    *,
    number_fields: Sequence[str] = (),
) -> Table:
    """Find the header (by `required` aliases) in a CSV or in the first matching sheet."""
    grids: list[tuple[str | None, list[list[Any]], int]] = []
    if is_spreadsheet(file):
        try:
            sheets = read_sheets(file)
        except Exception as exc:  # noqa: BLE001 - a damaged workbook is one user-facing problem
            raise ctx.fail(
                f"the workbook cannot be opened ({type(exc).__name__})",
                expected=f"a {what} saved as .xlsx or .csv",
            ) from None
        grids = [(name, rows, 1) for name, rows in sheets.items()]
    else:
        try:
            rows = read_rows(file)
        except (UnicodeDecodeError, ValueError) as exc:
            raise ctx.fail(
                f"the file is not readable text ({exc})", expected=f"a {what} as CSV"
            ) from None
        grids = [(None, rows.rows, rows.first_row)]
    for sheet, rows, first in grids:
        rows = [[clean_cell(c) for c in r] for r in rows]
        i = cells.find_header_row(rows, aliases, required)
        if i is None:
            continue
        hm = cells.HeaderMap(rows[i], aliases)
        body: list[tuple[int, list[Any]]] = []
        totals: list[tuple[int, Any]] = []
        width = len(rows[i])
        for j, r in enumerate(rows[i + 1 :], start=i + 1):
            if cells.is_blank(r):
                continue
            rn = j + first
            if is_total(r):
                totals.append((rn, next(c for c in r if c not in (None, ""))))
                continue
            body.append((rn, list(r) + [None] * (width - len(r))))
        if totals:
            ctx.rows_skipped += len(totals)
            ctx.finding(
                "skipped_total_row",
                f"{len(totals)} total row(s) left out so figures are not counted twice",
                row=totals[0][0],
                value=totals[0][1],
                rows=len(totals),
            )
        ctx.rows_read = len(body) + len(totals)
        table = Table(hm, i + first, body, rows[:i], sheet)
        num_cells = [
            v for f in number_fields if f in hm for v in table.raw(f) if isinstance(v, str)
        ]
        table.decimal = cells.decimal_style(num_cells)
        return table
    head = grids[0][1][0] if grids and grids[0][1] else []
    raise ctx.fail(
        f"this {what} has no header row with the columns "
        + ", ".join(required)
        + (f" (searched sheets {', '.join(str(s) for s, _, _ in grids)})" if grids[0][0] else ""),
        row=grids[0][2] if grids else None,
        value=", ".join(str(c) for c in head if c not in (None, ""))[:200] or None,
        expected="the export's usual header (English, Spanish or Chinese)",
    )


def sniff_score(s: Sniff, aliases: dict[str, list[str]], required: Sequence[str]) -> float:
    """0.9 when some row in the file's head (any sheet) holds all `required` fields."""
    grids: list[list[list[Any]]] = []
    if s.kind == "text":
        grids = [s.rows]
    elif s.kind == "spreadsheet":
        grids = list(s.sheets.values())
    for rows in grids:
        rows = [[clean_cell(c) for c in r] for r in rows]
        if cells.find_header_row(rows, aliases, required) is not None:
            return 0.9
    return 0.0


def header_of(s: Sniff, aliases: dict[str, list[str]], required: Sequence[str]):
    """The HeaderMap of the detected header row, for detectors that look at other columns."""
    grids = [s.rows] if s.kind == "text" else list(s.sheets.values())
    for rows in grids:
        rows = [[clean_cell(c) for c in r] for r in rows]
        i = cells.find_header_row(rows, aliases, required)
        if i is not None:
            return cells.HeaderMap(rows[i], aliases)
    return None


# -- periods and dates without a year ------------------------------------------------------

_DATE_IN_TEXT = re.compile(r"(?<!\d)(20\d{2})([-_./]?)(\d{2})\2(\d{2})(?!\d)")


def dates_in_text(text: str) -> list[dt.date]:
    out = []
    for m in _DATE_IN_TEXT.finditer(text):
        try:
            out.append(dt.date(int(m[1]), int(m[3]), int(m[4])))
        except ValueError:
            continue
    return out


def file_period(file: InputFile, above: Sequence[Sequence[Any]] = ()) -> list[dt.date]:
    """Dates a file states about itself: in a banner above the header, else in its name."""
    banner = " ".join(str(c) for r in above for c in r if c not in (None, ""))
    found = dates_in_text(banner)
    if not found:
        found = dates_in_text(file.name)
    return sorted(set(found))


@dataclass
class Stamp:
    """One date cell: a full date, or a month and day still waiting for a year."""

    date: dt.date | None = None
    md: tuple[int, int] | None = None
    time: dt.time | None = None
    offset: dt.timezone | None = None


_TIME = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?", re.IGNORECASE)
_OFFSET = re.compile(r"(?:([+-])(\d{2}):?(\d{2})|\b(UTC|GMT|Z))\s*$")
_WEEKDAY = re.compile(
    r"^(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|lun|mar|mié|mie|jue|vie|sáb|sab|dom|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|lunes|martes|miércoles|"
    r"jueves|viernes|sábado|domingo|星期.|周.)\.?,\s*",
    re.IGNORECASE,
)


def stamp(raw: Any, *, order: str = "MDY") -> Stamp | None:
    """Parse a date or date-time cell; raises ValueError when it is neither."""
    if raw is None or (isinstance(raw, float) and pd.isna(raw)):
        return None
    if isinstance(raw, pd.Timestamp):
        raw = raw.to_pydatetime()
    if isinstance(raw, dt.datetime):
        t = raw.time() if raw.time() != dt.time(0) else None
        return Stamp(date=raw.date(), time=t)
    if isinstance(raw, dt.date):
        return Stamp(date=raw)
    s = str(raw).strip()
    if not s or s.casefold() in cells.EMPTY:
        return None
    s = _WEEKDAY.sub("", s)
    out = Stamp()
    if m := _OFFSET.search(s):
        if m[4]:
            out.offset = dt.UTC
        else:
            delta = dt.timedelta(hours=int(m[2]), minutes=int(m[3]))
            out.offset = dt.timezone(-delta if m[1] == "-" else delta)
        s_date = s[: m.start()].strip()
    else:
        s_date = s
    if m := _TIME.search(s_date):
        h, mi, sec = int(m[1]), int(m[2]), int(m[3] or 0)
        if m[4]:
            pm = m[4].lower().startswith("p")
            h = (h % 12) + (12 if pm else 0)
        if h > 23 or mi > 59 or sec > 59:
            raise ValueError(s)
        out.time = dt.time(h, mi, sec)
    try:
        out.date = cells.parse_date(s_date, order=order)
    except cells.NoYear:
        d = cells.parse_date(s_date, year=2000, order=order)  # a leap year keeps Feb 29
        out.md = (d.month, d.day)
    return out


def stamps(
    ctx: Context, table: Table, f: str, *, order: str = "MDY", required: bool = True
) -> list[Stamp | None]:
    out = []
    for raw, rn in zip(table.raw(f), table.row_numbers):
        try:
            st = stamp(raw, order=order)
        except ValueError:
            raise ctx.fail(
                "a cell is not a date",
                row=rn,
                column=table.column(f),
                value=raw,
                expected="a date such as 2025-01-08, January 8, 8 de enero or 1月8日",
            ) from None
        if st is None and required:
            raise ctx.fail(
                "a row has no date",
                row=rn,
                column=table.column(f),
                expected="a date in every row",
            )
        out.append(st)
    return out


def _fits(md: tuple[int, int], year: int) -> dt.date | None:
    try:
        return dt.date(year, *md)
    except ValueError:
        return None


def resolve_years(
    ctx: Context,
    table: Table,
    f: str,
    values: list[Stamp | None],
    period: list[dt.date],
    *,
    daily: bool,
) -> list[dt.date | None]:
    """Give dates without a year their year.

    daily=True: rows are consecutive days (ascending or descending), so a year boundary is
    where the month/day sequence wraps. daily=False (publish dates): each date takes the latest
    year that does not put it after the file's period.
    """
    idx = [i for i, v in enumerate(values) if v is not None and v.date is None]
    out = [v.date if v is not None else None for v in values]
    if not idx:
        return out
    rns = table.row_numbers
    start, end = (period[0], period[-1]) if period else (None, None)
    if start is not None and end is not None and end - start >= dt.timedelta(days=1):
        for i in idx:
            md = values[i].md
            cands = [
                d for y in range(start.year - 1, end.year + 2) if (d := _fits(md, y)) is not None
            ]
            slack = dt.timedelta(days=7)
            if daily:
                # Inside the stated period first; the slack only for days just outside it (a
                # full-year file would otherwise give late September two candidate years).
                inside = [d for d in cands if start <= d <= end] or [
                    d for d in cands if start - slack <= d <= end + slack
                ]
            else:
                inside = [d for d in cands if d <= end + slack][-1:]
            if not inside:
                raise ctx.fail(
                    f"a date falls outside the period the file states ({start} to {end})",
                    row=rns[i],
                    column=table.column(f),
                    value=table.raw(f)[i],
                    expected=f"a day between {start} and {end}",
                )
            out[i] = inside[0]
        return out
    anchor = end  # one date: the export's day (file name) or the end of its period
    year = ctx.options.year
    if year is None and anchor is None:
        i = idx[0]
        raise ctx.fail(
            "dates in this export have no year and the file does not say its period",
            row=rns[i],
            column=table.column(f),
            value=table.raw(f)[i],
            expected="a date with a year, or a file name with the export's dates",
            hint="Pass --year YYYY to say which year the export's first date is in.",
        )
    mds = [values[i].md for i in idx]
    if not daily:
        for i, md in zip(idx, mds):
            if year is not None:
                d = _fits(md, year)
            else:
                d = _fits(md, anchor.year)
                d = d if d is not None and d <= anchor + dt.timedelta(days=1) else None
                d = d or _fits(md, anchor.year - 1)
            if d is None:
                raise ctx.fail(
                    "a date does not exist in the year it must be in",
                    row=rns[i],
                    column=table.column(f),
                    value=table.raw(f)[i],
                )
            out[i] = d
        return out
    ups = sum(1 for a, b in zip(mds, mds[1:]) if b > a)
    downs = sum(1 for a, b in zip(mds, mds[1:]) if b < a)
    step = 1 if ups >= downs else -1

    def chain(first_year: int) -> list[dt.date] | None:
        y, seq, prev = first_year, [], None
        for md in mds:
            if prev is not None and ((md < prev) if step == 1 else (md > prev)):
                y += step
            d = _fits(md, y)
            if d is None:
                return None
            seq.append(d)
            prev = md
        return seq

    if year is not None:
        seq = chain(year)
    else:
        options = [c for y in (anchor.year - 1, anchor.year, anchor.year + 1) if (c := chain(y))]

        def distance(seq: list[dt.date]) -> int:
            lo, hi = min(seq), max(seq)
            return (
                0
                if lo <= anchor <= hi + dt.timedelta(days=3)
                else min(abs((anchor - lo).days), abs((anchor - hi).days))
            )

        seq = min(options, key=distance) if options else None
    if seq is None:
        i = idx[0]
        raise ctx.fail(
            "a date does not exist in the year it must be in",
            row=rns[i],
            column=table.column(f),
            value=table.raw(f)[i],
        )
    for i, d in zip(idx, seq):
        out[i] = d
    return out


def timezone_of(ctx: Context, default: str, account: str | None = None) -> str:
    """--timezone, else the account's zone when the importer knows it (accounts register;
    see docs), else the export's own clock."""
    known = getattr(ctx, "account_timezones", None) or {}
    tz = ctx.options.timezone or known.get(account) or default
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ctx.fail(
            "unknown time zone", value=tz, expected="an IANA time zone such as Asia/Shanghai"
        ) from None
    return tz


def to_utc_stamps(
    values: Sequence[Stamp | None], dates: Sequence[dt.date | None], file_tz: str
) -> list[pd.Timestamp | None]:
    """Publish times in UTC; None where the export gives only a date."""
    out: list[pd.Timestamp | None] = []
    for v, d in zip(values, dates):
        if v is None or d is None or v.time is None:
            out.append(None)
            continue
        naive = dt.datetime.combine(d, v.time)
        tz = v.offset or ZoneInfo(file_tz)
        out.append(pd.Timestamp(naive.replace(tzinfo=tz)).tz_convert("UTC"))
    return out


def local_date_of(ts: pd.Timestamp | None, d: dt.date | None, tz: str, file_tz: str):
    """Local publish date: the UTC time seen in the account's zone, else the export's date."""
    if ts is not None:
        return ts.tz_convert(tz).date()
    return d


def ids_from_links(
    ctx: Context, table: Table, f: str, urls: Sequence[str | None], pattern: re.Pattern
) -> tuple[list[str], list[bool]]:
    """Post ids; one that a spreadsheet turned into `1.22158E+17` is taken from the post's
    link when the link has it (`pattern` captures the id), else kept as text and flagged."""
    natives, mangled = [], []
    recovered = lost = 0
    first_bad = None
    for raw, u, rn in zip(table.raw(f), urls, table.row_numbers):
        nid, bad = cells.clean_id(raw)
        m = pattern.search(u or "")
        if bad:
            first_bad = first_bad or (rn, raw)
            if m:
                nid, bad = m[1], False
                recovered += 1
            else:
                lost += 1
        if not nid and m:
            nid = m[1]
        if not nid:
            raise ctx.fail(
                "a post has no id",
                row=rn,
                column=table.column(f),
                expected="the post's numeric id (or its link)",
            )
        natives.append(nid)
        mangled.append(bad)
    if first_bad:
        ctx.finding(
            "mangled_id",
            f"{recovered + lost} id(s) were saved by a spreadsheet in scientific notation; "
            f"{recovered} recovered from the post link, {lost} kept as text and flagged "
            "(those cannot be matched to other files)",
            row=first_bad[0],
            column=table.column(f),
            value=first_bad[1],
            rows=recovered + lost,
        )
    return natives, mangled


# -- accounts ------------------------------------------------------------------------------

_HANDLE_IN_URL = re.compile(r"(?:tiktok\.com/@|(?:twitter|x)\.com/)([A-Za-z0-9._]+)")


def handle_from_urls(urls: Sequence[str | None]) -> str | None:
    for u in urls:
        if u and (m := _HANDLE_IN_URL.search(u)) and m[1].lower() not in ("i", "intent"):
            return m[1]
    return None


def account_row(
    ctx: Context,
    platform: str,
    handle: str,
    *,
    native_id: str | None = None,
    name: str | None = None,
    kind: str | None = None,
    currency: str | None = None,
) -> dict[str, Any]:
    h = str(handle).strip().lstrip("@")
    return {
        "account_id": account_id(platform, h),
        "platform": platform,
        "native_id": native_id,
        "handle": f"@{h}",
        "name": name,
        "market": ctx.options.market.upper() if ctx.options.market else None,
        "currency": currency or (ctx.options.currency.upper() if ctx.options.currency else None),
        "timezone": ctx.options.timezone,
        "kind": kind,
    }


def given_handle(ctx: Context) -> str | None:
    return ctx.options.account or ctx.file.folder_hint


# -- ads manager reports --------------------------------------------------------------------

_CURRENCY = re.compile(r"^[A-Z]{3}$")
ADS_NUMBER_FIELDS = (
    "spend", "impressions", "reach", "clicks", "link_clicks", "video_views", "conversions",
    "conversion_value",
)  # fmt: skip


def detect_ads(s: Sniff, aliases: dict[str, list[str]], signature: Sequence[str]) -> float:
    """An ads report: campaign, spend and impressions columns (0.6); 0.9 with a column only
    this platform writes (`signature`, e.g. TikTok's `Clicks (destination)`)."""
    for need in (
        ("campaign_name", "spend", "impressions"),
        ("campaign_id", "spend", "impressions"),
    ):
        hm = header_of(s, aliases, need)
        if hm is not None:
            heads = {cells.header_currency(h)[0] for h in hm.header}
            return 0.9 if heads & {cells.norm(x) for x in signature} else 0.6
    return 0.0


def parse_ads(
    file: InputFile, ctx: Context, platform: str, aliases: dict[str, list[str]], what: str
) -> dict[str, pd.DataFrame]:
    """Campaign / ad group / ad x day delivery -> campaigns, ad_metrics and accounts."""
    required = ["spend", "impressions"]
    table = read_table(
        file,
        ctx,
        aliases,
        required,
        what,
        number_fields=ADS_NUMBER_FIELDS,
    )
    if not (table.has("campaign_name") or table.has("campaign_id")):
        table.hm.require(ctx, ["campaign_name"], what, table.header_row)
    n = len(table.body)
    rns = table.row_numbers
    if table.has("date"):
        days = stamps(ctx, table, "date")
        period = file_period(file, table.above)
        day_dates = resolve_years(ctx, table, "date", days, period, daily=False)
        starts, ends = day_dates, day_dates
    elif table.has("period_start"):
        starts = resolve_years(
            ctx, table, "period_start", stamps(ctx, table, "period_start"), [], daily=False
        )
        ends = (
            resolve_years(
                ctx, table, "period_end", stamps(ctx, table, "period_end"), [], daily=False
            )
            if table.has("period_end")
            else starts
        )
    else:
        period = file_period(file, table.above)
        if len(period) < 2:
            raise ctx.fail(
                "this ads report has no day column and does not state its period",
                row=table.header_row,
                expected="a report broken down by day (a Date / By Day column)",
                hint="In the ads manager, add the Day breakdown before exporting.",
            )
        starts, ends = [period[0]] * n, [period[-1]] * n

    acct_names = table.text("account_name")
    acct_ids, _ = table.ids(ctx, "account_id")
    handle = given_handle(ctx)
    first_acct = next((a for a in acct_ids if isinstance(a, str) and a), None)
    first_name = next((a for a in acct_names if a), None)
    if handle is None:
        handle = first_acct or first_name
    if handle is None:
        handle = ctx.account_handle(platform)  # raises the usual --account message
    acct = account_id(platform, handle)
    known_cur = (getattr(ctx, "account_currencies", None) or {}).get(acct)
    # currency: a Currency column, a header suffix like `Cost (USD)`, or --currency
    cur_col = table.text("currency")
    header_cur = table.hm.currencies.get("spend") or table.hm.currencies.get("conversion_value")
    fallback = (
        header_cur
        or (ctx.options.currency.upper() if ctx.options.currency else None)
        or known_cur  # the accounts register's currency for this ad account
    )
    currencies = []
    for c, rn in zip(cur_col, rns):
        c = (c or fallback or "").upper()
        if not c:
            raise ctx.fail(
                "the report does not say its currency",
                row=rn,
                column=table.column("spend"),
                expected="a Currency column or a header such as 'Cost (USD)'",
                hint="Pass --currency XXX (ISO 4217), or list the account's currency in the "
                "accounts register.",
            )
        if not _CURRENCY.match(c):
            raise ctx.fail(
                "not a currency code",
                row=rn,
                column=table.column("currency"),
                value=c,
                expected="an ISO 4217 code such as USD",
            )
        currencies.append(c)

    camp_ids, camp_bad = table.ids(ctx, "campaign_id")
    group_ids, group_bad = table.ids(ctx, "ad_group_id")
    ad_ids, ad_bad = table.ids(ctx, "ad_id")
    camp_names, group_names, ad_names = (
        table.text("campaign_name"),
        table.text("ad_group_name"),
        table.text("ad_name"),
    )
    objectives = table.text("objective")

    market = ctx.options.market.upper() if ctx.options.market else None

    def native(ids: pd.Series, names: list[str | None], i: int) -> str | None:
        v = ids.iloc[i] if i < len(ids) else None
        if v is not None and not pd.isna(v):
            return str(v)
        return f"name:{names[i]}" if names[i] else None

    nums = {f: table.numbers(ctx, f, integer=False) for f in ADS_NUMBER_FIELDS}
    campaigns: dict[str, dict[str, Any]] = {}
    metrics = []
    for i in range(n):
        c_native = native(camp_ids, camp_names, i)
        if c_native is None:
            raise ctx.fail(
                "a row names no campaign",
                row=rns[i],
                column=table.column("campaign_name"),
                expected="a campaign name or id on every row",
            )
        if starts[i] is None:
            raise ctx.fail("a row has no date", row=rns[i], column=table.column("date"))
        c_id = prefixed(platform, f"campaign:{c_native}")
        campaigns.setdefault(
            c_id,
            {
                "campaign_id": c_id,
                "platform": platform,
                "account_id": acct,
                "level": "campaign",
                "native_id": c_native,
                "parent_id": None,
                "name": camp_names[i],
                "objective": objectives[i],
                "market": market,
            },
        )
        g_id = a_id = None
        g_native = native(group_ids, group_names, i)
        if g_native is not None:
            g_id = prefixed(platform, f"ad_group:{g_native}")
            campaigns.setdefault(
                g_id,
                {
                    "campaign_id": g_id,
                    "platform": platform,
                    "account_id": acct,
                    "level": "ad_group",
                    "native_id": g_native,
                    "parent_id": c_id,
                    "name": group_names[i],
                    "market": market,
                },
            )
        a_native = native(ad_ids, ad_names, i)
        if a_native is not None:
            a_id = prefixed(platform, f"ad:{a_native}")
            campaigns.setdefault(
                a_id,
                {
                    "campaign_id": a_id,
                    "platform": platform,
                    "account_id": acct,
                    "level": "ad",
                    "native_id": a_native,
                    "parent_id": g_id or c_id,
                    "name": ad_names[i],
                    "market": market,
                },
            )
        row = {
            "entity_id": a_id or g_id or c_id,
            "platform": platform,
            "account_id": acct,
            "campaign_id": c_id,
            "ad_group_id": g_id,
            "ad_id": a_id,
            "metric_date": starts[i],
            "period_end": ends[i] or starts[i],
            "market": market,
            "currency": currencies[i],
            "spend": nums["spend"].iloc[i],
            "impressions": nums["impressions"].iloc[i],
            "reach": nums["reach"].iloc[i],
            "clicks": nums["clicks"].iloc[i],
            "link_clicks": nums["link_clicks"].iloc[i],
            "video_views": nums["video_views"].iloc[i],
            "platform_conversions": nums["conversions"].iloc[i],
            "platform_conversion_value": nums["conversion_value"].iloc[i],
        }
        metrics.append(row)
    for col in ("impressions", "reach", "clicks", "link_clicks", "video_views"):
        for r in metrics:
            v = r[col]
            r[col] = None if v is None or pd.isna(v) else round(float(v))
    for r in metrics:
        for col in ("spend", "platform_conversions", "platform_conversion_value"):
            v = r[col]
            r[col] = None if v is None or pd.isna(v) else float(v)
    ad_metrics = pd.DataFrame(metrics)
    dup = ad_metrics.duplicated(["entity_id", "metric_date", "period_end"], keep=False)
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][1])
        raise ctx.fail(
            "two rows hold the same ad and day; the report has another breakdown "
            "(placement, country, ...) socialroi cannot add up safely",
            row=rns[i],
            expected="one row per ad (or ad group, or campaign) and day",
            hint="Export without extra breakdowns.",
        )
    account = account_row(
        ctx,
        platform,
        handle,
        native_id=first_acct,
        name=first_name,
        currency=currencies[0] if currencies else None,
    )
    return {
        "accounts": pd.DataFrame([account]),
        "campaigns": pd.DataFrame(list(campaigns.values())),
        "ad_metrics": ad_metrics,
    }
