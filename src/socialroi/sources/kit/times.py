"""Date-times as exports write them: local wall-clock times and times with a UTC offset.

- `local_datetimes` (Meta): `01/08/2025 14:05`, `8/1/2025 2:05 p. m.`, `2025年1月8日 下午2:05`,
  a date without a year placed in the file's period; `localize` turns them into UTC in the
  account's zone (DST gaps move forward, the repeated hour reads as summer time).
- `parse_datetime` (shops): `2025-01-08 10:15:00 +0800`, `1/8/2025 10:15 AM`, with the offset
  when the cell has one.
- `crm_timestamp` (CRMs): a date, date-time or epoch-milliseconds cell in the portal's zone,
  or UTC with an `assumed_utc` finding (`assumed_finding`).

Day-only cells are read by `socialroi.sources.kit.dates`; cells that may lack a year with
their time and offset by `socialroi.sources.kit.stamps`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from socialroi.sources.base import Context
from socialroi.sources.kit.cells import plain
from socialroi.sources.kit.dates import (
    SLASH_NO_YEAR,
    NoYear,
    parse_date,
    read_cells,
    year_in_period,
)

# -- local times (Meta) --------------------------------------------------------------------

_TIME = re.compile(
    r"(?:[T\s,]+|^)(上午|下午)?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*"
    r"([AaPp]\.?\s?[Mm]\.?|上午|下午)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?\s*$"
)


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
    if nm := SLASH_NO_YEAR.match(s):
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
    return read_cells(
        ctx, cells, row_numbers, column,
        lambda raw: parse_local_datetime(raw, order=order, period=period, year=ctx.options.year),
        "a cell is not a date and time", "a time such as 01/08/2025 14:05 or 2025-01-08 14:05",
    )  # fmt: skip


def localize(local: Sequence[dt.datetime | None], tz: str) -> pd.Series:
    """Naive local datetimes in `tz` to tz-aware UTC (DST gaps move forward)."""
    s = pd.Series(pd.to_datetime(pd.Series(local, dtype="object")), dtype="datetime64[ns]")
    # The repeated hour when clocks go back reads as its first (summer-time) occurrence.
    first = np.ones(len(s), dtype=bool)
    s = s.dt.tz_localize(tz, ambiguous=first, nonexistent="shift_forward")
    return s.dt.tz_convert("UTC")


# -- times with an offset (shops) ---------------------------------------------------------

_DT_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?"
    r"\s*(?:(Z|UTC)|([+-])(\d{2}):?(\d{2}))?$"
)
_DT_SLASH = re.compile(
    r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?"
    r"\s*(?:([+-])(\d{2}):?(\d{2}))?$"
)


def parse_datetime(text: str, order: str = "MDY") -> tuple[dt.datetime, bool] | None:
    """A Shopify timestamp to (aware or naive datetime, has_offset). None if unreadable,
    a day or time that does not exist (2025-02-30, 24:00) included."""
    try:
        return _parse_datetime(text.strip(), order)
    except ValueError:  # a month, day, hour or offset out of range
        return None


def _parse_datetime(s: str, order: str) -> tuple[dt.datetime, bool] | None:
    if m := _DT_ISO.match(s):
        y, mo, d, hh, mm, ss = (int(m[i] or 0) for i in range(1, 7))
        base = dt.datetime(y, mo, d, hh, mm, ss)
        if m[7]:
            return base.replace(tzinfo=dt.UTC), True
        if m[8]:
            off = dt.timedelta(hours=int(m[9]), minutes=int(m[10]))
            return base.replace(tzinfo=dt.timezone(off if m[8] == "+" else -off)), True
        return base, False
    if m := _DT_SLASH.match(s):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        y = y + 2000 if y < 100 else y
        mo, d = (a, b) if order == "MDY" else (b, a)
        if mo > 12 and d <= 12:
            mo, d = d, mo
        hh, mm, ss = int(m[4] or 0), int(m[5] or 0), int(m[6] or 0)
        if m[7]:
            hh = hh % 12 + (12 if m[7].lower() == "pm" else 0)
        base = dt.datetime(y, mo, d, hh, mm, ss)
        if m[8]:
            off = dt.timedelta(hours=int(m[9]), minutes=int(m[10]))
            return base.replace(tzinfo=dt.timezone(off if m[8] == "+" else -off)), True
        return base, False
    return None


# -- CRM cells in the portal's zone -------------------------------------------------------


def crm_timestamp(
    ctx: Context, raw: Any, rn: int, column: str, state: dict, order: str = "MDY"
) -> pd.Timestamp | None:
    """A CRM date or datetime cell to a UTC timestamp (None when empty).

    Values without an offset are in the portal's time zone `state['tz']` (--timezone or the
    registered portal's), else UTC (counted in `state['assumed']` for one finding). Each
    distinct cell is read once per file (`state['seen']`)."""
    seen = state.setdefault("seen", {})
    try:
        key = (type(raw), raw, order, state.get("tz"))
        got = seen.get(key)
    except TypeError:  # an unhashable cell: read on its own
        key, got = None, None
    if got is None:
        got = _crm_timestamp(ctx, raw, rn, column, state.get("tz"), order)
        if key is not None:
            seen[key] = got
    ts, assumed = got
    if assumed:
        state["assumed"] = state.get("assumed", 0) + 1
        state.setdefault("assumed_first", (rn, column, raw))
    return ts


def _crm_timestamp(
    ctx: Context, raw: Any, rn: int, column: str, tz: str | None, order: str
) -> tuple[pd.Timestamp | None, bool]:
    """`crm_timestamp` of one cell: (UTC timestamp or None, read as UTC for want of a zone)."""
    if raw is None or (isinstance(raw, float) and raw != raw) or plain(raw) == "":
        return None, False
    if isinstance(raw, dt.datetime):
        when, has_offset = raw, raw.tzinfo is not None
    elif isinstance(raw, dt.date):
        when, has_offset = dt.datetime(raw.year, raw.month, raw.day), False
    else:
        s = plain(raw)
        if re.fullmatch(r"\d{12,13}", s):  # epoch milliseconds (HubSpot API-style exports)
            return pd.Timestamp(int(s), unit="ms", tz="UTC"), False
        parsed = parse_datetime(s, order)
        if parsed is None and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", s):
            with contextlib.suppress(ValueError):  # a day that does not exist: refused below
                parsed = (dt.datetime.strptime(s, "%Y-%m-%d"), False)
        if parsed is None and (m := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})", s)):
            parsed = parse_datetime(f"{m[1]}/{m[2]}/{m[3]} 00:00", order)
        if parsed is None:
            raise ctx.fail(
                "a cell is not a date",
                row=rn,
                column=column,
                value=raw,
                expected="a date such as 2025-01-08 14:30 or 2025-01-08",
            )
        when, has_offset = parsed
    ts = pd.Timestamp(when)
    if has_offset:
        return ts.tz_convert("UTC"), False
    local = ts.tz_localize(tz or "UTC", ambiguous="NaT", nonexistent="shift_forward")
    return local.tz_convert("UTC"), not tz


def local_date(ts: pd.Timestamp, state: dict) -> dt.date:
    days = state.setdefault("days", {})
    day = days.get(ts)
    if day is None:
        day = days[ts] = ts.tz_convert(state.get("tz") or "UTC").date()
    return day


def assumed_finding(ctx: Context, state: dict) -> None:
    if state.get("assumed"):
        rn, column, raw = state["assumed_first"]
        ctx.finding(
            "assumed_utc",
            f"{state['assumed']} date(s) carry no time zone and no --timezone was given; read "
            "as UTC (pass the portal's time zone to place them on the right day)",
            row=rn,
            column=column,
            value=raw,
            rows=state["assumed"],
        )
