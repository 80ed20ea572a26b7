"""Periods as people write them: 2026-Q3, 2026-07, 2026, 2026-W05, 2026-07-15, or a range
`2026-07-01..2026-09-30`. Used by the costs ledger, attribution and reports alike."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from socialroi.errors import SocialroiError, UnknownName


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    label: str

    def previous(self) -> Period:
        """The period of the same length just before this one (a quarter before a quarter)."""
        days = (self.end - self.start).days + 1
        end = self.start - dt.timedelta(days=1)
        if self.start.day == 1 and self.end == _month_end(self.end):
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            start = _add_months(self.start, -months)
            return Period(start, end, period_label(start, end))
        start = end - dt.timedelta(days=days - 1)
        return Period(start, end, period_label(start, end))

    def year_before(self) -> Period:
        start, end = _add_months(self.start, -12), _add_months(self.end, -12)
        if self.end == _month_end(self.end):
            end = _month_end(end)
        return Period(start, end, period_label(start, end))


def period_label(start: dt.date, end: dt.date) -> str:
    """The shortest text of the period grammar naming exactly these days: 2026-Q2 for a
    calendar quarter, 2026-06 for a month, 2026 for a year, else 2026-04-03..2026-06-30."""
    if start.day == 1 and end == _month_end(end):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if months == 12 and start.month == 1:
            return str(start.year)
        if months == 3 and start.month % 3 == 1:
            return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
        if months == 1:
            return f"{start.year}-{start.month:02d}"
    return f"{start}..{end}"


# How a period is compared: with the period of the same length just before, or a year before.
COMPARISONS = ("previous", "yoy")


def comparison_period(period: Period, compare: str | None) -> Period | None:
    """The period `period` is compared with, or None without a comparison."""
    if compare is None:
        return None
    if compare == "previous":
        return period.previous()
    if compare == "yoy":
        return period.year_before()
    raise UnknownName("comparison", compare, list(COMPARISONS))


def _month_end(d: dt.date) -> dt.date:
    return dt.date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def bounds(text: str) -> tuple[dt.date, dt.date] | None:
    """(start, end) of a period text, or None when it is not one."""
    try:
        return _bounds(text.strip().upper())
    except ValueError:  # 2026-13, 2026-02-30, week 54
        return None


def _bounds(t: str) -> tuple[dt.date, dt.date] | None:
    if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})", t):
        return dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2])
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", t):
        d = dt.date(int(m[1]), int(m[2]), int(m[3]))
        return d, d
    if m := re.fullmatch(r"(\d{4})-?W(\d{1,2})", t):
        start = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        return start, start + dt.timedelta(days=6)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", t):
        y, mo = int(m[1]), int(m[2])
        return dt.date(y, mo, 1), _month_end(dt.date(y, mo, 1))
    if m := re.fullmatch(r"(\d{4})-?Q([1-4])", t):
        y, q = int(m[1]), int(m[2])
        return dt.date(y, q * 3 - 2, 1), _month_end(dt.date(y, q * 3, 1))
    if m := re.fullmatch(r"(\d{4})", t):
        return dt.date(int(m[1]), 1, 1), dt.date(int(m[1]), 12, 31)
    return None


def parse_period(text: str | Period) -> Period:
    """A Period from its text (a Period is returned as it is: parse once, pass it down)."""
    if isinstance(text, Period):
        return text
    text = str(text)
    got = bounds(text)
    if got is None:
        raise SocialroiError(
            f"cannot read the period {text!r}; use 2026-Q3, 2026-07, 2026, 2026-W05, "
            "2026-07-15 or 2026-07-01..2026-09-30"
        )
    if got[1] < got[0]:
        raise SocialroiError(f"the period {text!r} ends before it starts")
    return Period(got[0], got[1], text.strip())


def last_full_quarter(last_day) -> str:
    """The last calendar quarter that ends on or before `last_day` (2026-09-30 -> 2026-Q3)."""
    q = (last_day.month - 1) // 3 + 1
    end_month = q * 3
    next_day = last_day + dt.timedelta(days=1)
    if next_day.month == (end_month % 12) + 1 and next_day.day == 1:
        return f"{last_day.year}-Q{q}"
    q -= 1
    return f"{last_day.year - (q == 0)}-Q{q or 4}"


RELATIVE = ("last-quarter", "last-month")


def relative_period(text: str, today: dt.date) -> str:
    """`last-quarter` and `last-month` as the period they name on `today` (for scheduled
    reports: a cron line that runs on the 1st writes the quarter or month just ended); any
    other text is returned as it is."""
    key = text.strip().lower()
    if key == "last-quarter":
        return last_full_quarter(today - dt.timedelta(days=1))
    if key == "last-month":
        end = today.replace(day=1) - dt.timedelta(days=1)
        return f"{end.year}-{end.month:02d}"
    return text
