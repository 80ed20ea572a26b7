"""Date cells that may lack a year, with an optional time and UTC offset.

TikTok Studio writes "January 8" and "8 de enero", X `Mon, Jan 06, 2025` and
`2021-08-31 19:53 +0000`, Pinterest slashes. `stamp` reads one cell into a `Stamp` (a date, or
a month and day still waiting for a year, plus time and offset); `stamps` reads a column;
`resolve_years` gives year-less dates their year from the file's period (consecutive days
wrap at a year boundary; publish dates take the latest year not after the period) or
`--year`; `to_utc_stamps` turns them into UTC times.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from socialroi.sources.base import Context
from socialroi.sources.kit.cells import EMPTY
from socialroi.sources.kit.dates import NoYear, parse_date
from socialroi.sources.kit.table import Table


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
    r"jueves|viernes|sábado|domingo|星期.|周.)\.?(?:,\s*|\s+(?=[A-Za-zé]{3}))",
    re.IGNORECASE,
)  # "Tue, Jan 14, 2025"; X's early-2025 "Mon Feb 17 2025" (no comma: a month name follows)


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
    if not s or s.casefold() in EMPTY:
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
        out.date = parse_date(s_date, order=order)
    except NoYear:
        d = parse_date(s_date, year=2000, order=order)  # a leap year keeps Feb 29
        out.md = (d.month, d.day)
    return out


def stamps(
    ctx: Context, table: Table, f: str, *, order: str = "MDY", required: bool = True
) -> list[Stamp | None]:
    out = []
    for raw, rn in zip(table.cells(f), table.row_numbers):
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
                    value=table.cells(f)[i],
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
            value=table.cells(f)[i],
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
                    value=table.cells(f)[i],
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
            value=table.cells(f)[i],
        )
    for i, d in zip(idx, seq):
        out[i] = d
    return out


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
