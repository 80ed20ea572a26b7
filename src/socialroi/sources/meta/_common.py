"""What every Meta parser shares: reading tables, languages, time zones, dates and accounts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from socialroi.model.aliases import ALIASES, LANGUAGES, aliases
from socialroi.sources.base import Context, InputFile, Sniff
from socialroi.sources.cells import (
    HeaderMap,
    NoYear,
    clean_id,
    decimal_style,
    find_header_row,
    ids,
    is_blank,
    is_total_row,
    norm,
    numbers,
    parse_date,
)
from socialroi.sources.tabular import is_spreadsheet, read_rows, read_sheets

SOURCE = "meta"
# Business Suite, Page Insights and new ad accounts report in the Page's / ad account's time
# zone; Meta's default for both is US Pacific. Used only when nothing else says.
DEFAULT_TZ = "America/Los_Angeles"


# -- reading -------------------------------------------------------------------------------


@dataclass
class Table:
    """A header row and the data rows below it, with spreadsheet row numbers."""

    header: list[Any]
    header_row: int  # 1-based
    body: list[tuple[int, list[Any]]]  # (row number, cells), blank rows dropped
    hm: HeaderMap
    above: list[list[Any]] = field(default_factory=list)  # rows above the header (banners)
    sheet: str | None = None
    language: str = "en"

    def cell(self, row: Sequence[Any], name: str) -> Any:
        i = self.hm.index.get(name)
        if i is None or i >= len(row):
            return None
        v = row[i]
        if isinstance(v, str):
            v = v.strip()
            return v or None
        return v

    def column(self, name: str, rows: Sequence[tuple[int, list[Any]]] | None = None) -> list:
        return [self.cell(r, name) for _, r in (self.body if rows is None else rows)]

    def col_name(self, name: str) -> str:
        return self.hm.column_name(name)


def text_rows(file: InputFile, ctx: Context) -> tuple[list[list[Any]], int]:
    """Rows of a delimited text export and the row number of its first row."""
    try:
        r = read_rows(file)
    except (UnicodeDecodeError, ValueError):
        raise ctx.fail(
            "the file is not readable text",
            expected="a CSV export (UTF-8 or UTF-16) or an Excel workbook",
        ) from None
    return r.rows, r.first_row


def read_table(
    file: InputFile,
    ctx: Context,
    report: str,
    required: Sequence[str],
    what: str,
    *,
    prefer_sheets: Sequence[str] = (),
) -> Table:
    """Find the header row (within the first 30 rows) in a CSV or any sheet of a workbook."""
    al = aliases(SOURCE, report)
    candidates: list[tuple[str | None, list[list[Any]], int]] = []
    if is_spreadsheet(file):
        try:
            sheets = read_sheets(file)
        except Exception as exc:  # noqa: BLE001 - any workbook damage is one user problem
            raise ctx.fail(f"the workbook cannot be opened ({type(exc).__name__})") from None
        order = sorted(sheets, key=lambda s: (norm(s) not in {norm(p) for p in prefer_sheets}, 0))
        candidates = [(name, sheets[name], 1) for name in order]
    else:
        rows, first = text_rows(file, ctx)
        candidates = [(None, rows, first)]
    for sheet, rows, first in candidates:
        i = find_header_row(rows, al, required)
        if i is None:
            continue
        header = list(rows[i])
        body = [
            (first + j, list(r))
            for j, r in enumerate(rows[i + 1 :], start=i + 1)
            if not is_blank(r)
        ]
        hm = HeaderMap(header, al)
        return Table(
            header=header,
            header_row=first + i,
            body=body,
            hm=hm,
            above=[list(r) for r in rows[:i]],
            sheet=sheet,
            language=header_language(report, header),
        )
    first_rows = candidates[0][1][:1] if candidates and candidates[0][1] else [[]]
    shown = ", ".join(str(c) for c in first_rows[0] if c not in (None, ""))[:200]
    missing = ", ".join(required)
    raise ctx.fail(
        f"this {what} has no header row with columns for {missing}",
        row=candidates[0][2] if candidates else None,
        value=shown or None,
        expected="the export's usual header (English, Spanish or Chinese)",
    )


def header_language(report: str, header: Sequence[Any]) -> str:
    """Which language's header names the row uses most (en, es or zh)."""
    cells = {norm(c) for c in header if c not in (None, "")}
    score = dict.fromkeys(LANGUAGES, 0)
    for by_lang in ALIASES.get((SOURCE, report), {}).values():
        for lang, names in by_lang.items():
            if lang in score and any(norm(n) in cells for n in names):
                score[lang] += 1
    best = max(LANGUAGES, key=lambda lang: (score[lang], lang == "en"))
    return best if score[best] else "en"


def sniff_tables(s: Sniff) -> list[list[list[Any]]]:
    """The first rows of a text file, or of every sheet of a workbook."""
    if s.kind == "text":
        return [s.rows] if s.rows else []
    if s.kind == "spreadsheet":
        return list(s.sheets.values())
    return []


def header_score(s: Sniff, report: str, groups: Sequence[Sequence[str]], limit: int = 15) -> float:
    """1.0 when some row within `limit` rows has a field of every group, else 0."""
    al = aliases(SOURCE, report)
    for rows in sniff_tables(s):
        for row in rows[:limit]:
            hm = HeaderMap(row, al)
            if all(any(f in hm for f in g) for g in groups):
                return 1.0
    return 0.0


# -- ids -----------------------------------------------------------------------------------

_SCI_COMMA = re.compile(r"^\s*(\d),(\d+)([eE]\+?\d+)\s*$")


def _dot_sci(v: Any) -> Any:
    """A European Excel writes mangled ids with a decimal comma: 1,80412E+16."""
    if isinstance(v, str) and (m := _SCI_COMMA.match(v)):
        return f"{m[1]}.{m[2]}{m[3]}"
    return v


def id_column(ctx: Context, cells: Sequence[Any], row_numbers: Sequence[int], column: str):
    """`cells.ids` that also recognises 1,80412E+16 as a mangled id."""
    return ids(ctx, [_dot_sci(c) for c in cells], row_numbers, column)


def one_id(v: Any) -> str | None:
    return clean_id(_dot_sci(v))[0]


# -- numbers -------------------------------------------------------------------------------


def number_columns(
    ctx: Context,
    t: Table,
    fields: Sequence[str],
    rows: Sequence[tuple[int, list[Any]]],
    *,
    integer: bool = True,
) -> dict[str, pd.Series]:
    """Parse the numeric columns present in the header (missing ones are left out)."""
    out: dict[str, pd.Series] = {}
    rns = [rn for rn, _ in rows]
    for f in fields:
        if f not in t.hm:
            continue
        raw = t.column(f, rows)
        out[f] = numbers(ctx, raw, rns, t.col_name(f), decimal=decimal_style(raw), integer=integer)
    return out


def split_totals(
    ctx: Context, t: Table, rows: Sequence[tuple[int, list[Any]]], extra=None
) -> list[tuple[int, list[Any]]]:
    """Drop `Total` / `Grand total` rows (and rows `extra(row)` says are totals), with a finding."""
    kept, skipped = [], []
    for rn, r in rows:
        if is_total_row(r) or (extra is not None and extra(r)):
            skipped.append((rn, r))
        else:
            kept.append((rn, r))
    if skipped:
        ctx.rows_skipped += len(skipped)
        first_rn, first = skipped[0]
        label = (
            next((c for c in first if c not in (None, "")), "")
            if is_total_row(first)
            else "a row with figures but no id (summary row)"
        )
        ctx.finding(
            "skipped_total_row",
            f"{len(skipped)} total/summary row(s) left out so figures are not counted twice",
            row=first_rn,
            value=label,
            rows=len(skipped),
        )
    return kept


# -- time zones ----------------------------------------------------------------------------


def valid_tz(ctx: Context, tz: str, column: str | None = None) -> str:
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ctx.fail(
            "unknown time zone",
            column=column,
            value=tz,
            expected="an IANA time zone such as America/Los_Angeles or Europe/Madrid",
        ) from None
    return tz


def known_account(ctx: Context, account_id: str) -> dict[str, Any]:
    """What the workspace knows of an account (accounts register or earlier imports):
    `ctx.known_accounts[account_id]` with timezone, currency, market; `{}` when unknown."""
    known = getattr(ctx, "known_accounts", None) or {}
    return dict(known.get(account_id) or {})


def account_timezone(ctx: Context, account_ids: Sequence[str], what: str) -> str:
    """--timezone, else the accounts register, else Meta's default (with a finding)."""
    if ctx.options.timezone:
        return valid_tz(ctx, ctx.options.timezone)
    zones = {known_account(ctx, a).get("timezone") for a in account_ids} - {None, ""}
    if len(zones) == 1:
        return valid_tz(ctx, zones.pop())
    ctx.finding(
        "assumed_timezone",
        f"{what} carry no time zone; read as {DEFAULT_TZ} (Meta's default for Pages and ad "
        "accounts). Pass --timezone or register the account's time zone if it differs",
        value=DEFAULT_TZ,
        rows=max(ctx.rows_read, 1),
    )
    return DEFAULT_TZ


# -- dates and times -----------------------------------------------------------------------

_TIME = re.compile(
    r"(?:[T\s,]+|^)(上午|下午)?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*"
    r"([AaPp]\.?\s?[Mm]\.?|上午|下午)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?\s*$"
)
_SLASH_NO_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})$")
_SLASH = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})")


def slash_order(values: Sequence[Any], language: str) -> str:
    """MDY or DMY for 01/02/2025 dates: the data decides, else the export language."""
    mdy = dmy = False
    for v in values:
        if not isinstance(v, str):
            continue
        m = _SLASH.match(v.strip()) or _SLASH_NO_YEAR.match(v.strip().split(" ")[0])
        if not m:
            continue
        a, b = int(m[1]), int(m[2])
        if a > 12 >= b:
            dmy = True
        elif b > 12 >= a:
            mdy = True
    if dmy and not mdy:
        return "DMY"
    if mdy and not dmy:
        return "MDY"
    return "DMY" if language == "es" else "MDY"


def year_in_period(month: int, day: int, period: tuple[dt.date, dt.date] | None) -> int | None:
    """The year that puts month/day inside the export's period (handles Dec-Jan spans)."""
    if period is None:
        return None
    start, end = period
    for y in range(start.year, end.year + 1):
        try:
            d = dt.date(y, month, day)
        except ValueError:
            continue
        if start <= d <= end:
            return y
    return start.year


def parse_local_datetime(
    raw: Any,
    *,
    order: str,
    period: tuple[dt.date, dt.date] | None,
    year: int | None,
) -> dt.datetime | None:
    """A publish time as a naive local datetime. Raises NoYear / ValueError."""
    if raw is None:
        return None
    if isinstance(raw, pd.Timestamp):
        raw = raw.to_pydatetime()
    if isinstance(raw, dt.datetime):
        return raw.replace(tzinfo=None)
    if isinstance(raw, dt.date):
        return dt.datetime(raw.year, raw.month, raw.day)
    s = str(raw).strip()
    if not s:
        return None
    hh = mm = ss = 0
    m = _TIME.search(s)
    if m and m.start() > 0:
        hh, mm, ss = int(m[2]), int(m[3]), int(m[4] or 0)
        ampm = (m[5] or m[1] or "").replace(".", "").replace(" ", "").lower()
        if ampm in ("pm", "下午") and hh < 12:
            hh += 12
        elif ampm in ("am", "上午") and hh == 12:
            hh = 0
        s = s[: m.start()].strip().rstrip(",")
    if nm := _SLASH_NO_YEAR.match(s):
        a, b = int(nm[1]), int(nm[2])
        month, day = (a, b) if order == "MDY" else (b, a)
        y = year or year_in_period(month, day, period)
        if y is None:
            raise NoYear(s)
        d = dt.date(y, month, day)
    else:
        guess = year
        if guess is None and period is not None:
            guess = period[0].year
        d = parse_date(s, year=guess, order=order)
        if d is None:
            return None
        if year is None and period is not None and not re.search(r"\d{4}", s):
            d = d.replace(year=year_in_period(d.month, d.day, period) or d.year)
    return dt.datetime(d.year, d.month, d.day, hh, mm, ss)


def local_datetimes(
    ctx: Context,
    cells: Sequence[Any],
    row_numbers: Sequence[int],
    column: str,
    *,
    order: str,
    period: tuple[dt.date, dt.date] | None = None,
) -> list[dt.datetime | None]:
    out = []
    for raw, rn in zip(cells, row_numbers):
        try:
            out.append(parse_local_datetime(raw, order=order, period=period, year=ctx.options.year))
        except NoYear:
            raise ctx.fail(
                "dates in this export have no year and the file does not say its period",
                row=rn,
                column=column,
                value=raw,
                expected="a date with a year",
                hint="Pass --year YYYY to say which year the export covers.",
            ) from None
        except ValueError:
            raise ctx.fail(
                "a cell is not a date and time",
                row=rn,
                column=column,
                value=raw,
                expected="a time such as 01/08/2025 14:05 or 2025-01-08 14:05",
            ) from None
    return out


def to_utc(ctx: Context, local: Sequence[dt.datetime | None], tz: str) -> pd.Series:
    """Naive local datetimes in `tz` to tz-aware UTC (DST gaps move forward)."""
    s = pd.Series(pd.to_datetime(pd.Series(local, dtype="object")), dtype="datetime64[ns]")
    # The repeated hour when clocks go back reads as its first (summer-time) occurrence.
    first = np.ones(len(s), dtype=bool)
    s = s.dt.tz_localize(tz, ambiguous=first, nonexistent="shift_forward")
    return s.dt.tz_convert("UTC")


_MONTH3 = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
)}  # fmt: skip
_FILE_PERIOD = re.compile(
    r"(?P<m1>[A-Za-z]{3})-(?P<d1>\d{1,2})-(?P<y1>\d{4})_(?P<m2>[A-Za-z]{3})-(?P<d2>\d{1,2})-(?P<y2>\d{4})"
)
_FILE_PERIOD_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})[_ ]+(?:to[_ ]+)?(\d{4})-(\d{2})-(\d{2})")


def period_from_name(name: str) -> tuple[dt.date, dt.date] | None:
    """Business Suite names its downloads `Aug-01-2025_Aug-31-2025_<id>.csv`: the period."""
    base = name.rsplit("/", 1)[-1]
    try:
        if m := _FILE_PERIOD.search(base):
            a, b = _MONTH3.get(m["m1"].lower()), _MONTH3.get(m["m2"].lower())
            if a and b:
                start = dt.date(int(m["y1"]), a, int(m["d1"]))
                end = dt.date(int(m["y2"]), b, int(m["d2"]))
                return (start, end) if start <= end else None
        if m := _FILE_PERIOD_ISO.search(base):
            start = dt.date(int(m[1]), int(m[2]), int(m[3]))
            end = dt.date(int(m[4]), int(m[5]), int(m[6]))
            return (start, end) if start <= end else None
    except ValueError:
        return None
    return None


# -- platforms and accounts ----------------------------------------------------------------


def platform_in_path(file: InputFile) -> str | None:
    """`.../instagram/@handle/x.csv` or a file name mentioning Instagram / Facebook."""
    parts = [file.name]
    if file.path is not None:
        parts += [p for p in file.path.parts[-4:]]
    for p in parts:
        low = p.lower()
        if "instagram" in low:
            return "instagram"
        if "facebook" in low:
            return "facebook"
    return None


def folder_handle(ctx: Context) -> str | None:
    """--account, else a folder named @handle: the user's word on whose export this is."""
    h = ctx.options.account or ctx.file.folder_hint
    if not h:
        return None
    h = str(h).strip()
    return h[1:] if h.startswith("@") else h


def account_row(
    ctx: Context,
    account_id: str,
    platform: str,
    handle: str | None,
    *,
    native_id: str | None = None,
    name: str | None = None,
    kind: str | None = None,
    currency: str | None = None,
) -> dict[str, Any]:
    """An accounts row; time zone and market only when the user said them."""
    return {
        "account_id": account_id,
        "platform": platform,
        "native_id": native_id,
        "handle": handle,
        "name": name,
        "market": ctx.options.market.upper() if ctx.options.market else None,
        "currency": currency,
        "timezone": valid_tz(ctx, ctx.options.timezone) if ctx.options.timezone else None,
        "kind": kind,
    }


def text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and v != v:  # NaN
        return None
    s = str(v).strip()
    return s or None
