"""Days as exports write them: ISO, `Jan 8, 2025`, `8 ene 2025`, `1月8日`, slashes.

`parse_date` reads one cell (`order` settles 01/02/2025; `slash_order` guesses it from the
values and the header's language); `dates` reads a column and fails naming the row. A date
without a year raises `NoYear`: the year then comes from the file's period (`file_period`,
`period_from_name`), `--year`, or the import stops and asks. Date-times are in
`socialroi.sources.kit.stamps` (cells that may lack a year) and `.times` (local and offset
times).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pandas as pd

from socialroi.model.periods import bounds
from socialroi.sources.base import Context, InputFile
from socialroi.sources.kit.cells import EMPTY

_MONTHS = {
    # English, Spanish (lower-case, without trailing dot)
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    "ene": 1, "abr": 4, "ago": 8, "dic": 12, "enero": 1, "febrero": 2, "marzo": 3,
    "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8, "septiembre": 9,
    "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_ZH = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")
_WORDS = re.compile(r"^([A-Za-zé]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?(?:\s+(\d{4}))?")
_WORDS_DMY = re.compile(r"^(\d{1,2})(?:\s+de)?\s+([A-Za-zé]+)\.?(?:\s+(?:de\s+)?(\d{4}))?")
_DAY_MON_YY = re.compile(r"^(\d{1,2})-([A-Za-z]{3,9})-(\d{2}|\d{4})$")  # Excel: 3-Jun-26
_SLASH = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


_WEEKDAY = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun|lun|mar|mié|mie|jue|vie|sáb|sab|dom)[a-zé]*\.?"
    r"(?:,\s+|\s+(?=[A-Za-zé]{3}))",
    re.IGNORECASE,
)


class NoYear(ValueError):
    """The date has no year and none was given."""


def parse_date(raw: Any, *, year: int | None = None, order: str = "MDY") -> dt.date | None:
    """Parse the date forms exports use. `order` settles 01/02/2025 (MDY or DMY)."""
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, pd.Timestamp):
        return raw.date()
    s = _WEEKDAY.sub("", str(raw).strip())
    if not s or s.casefold() in EMPTY:
        return None
    if m := _ISO.match(s):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    if m := _ZH.match(s):
        y = int(m[1]) if m[1] else year
        if y is None:
            raise NoYear(s)
        return dt.date(y, int(m[2]), int(m[3]))
    if m := _WORDS.match(s):
        mon = _MONTHS.get(m[1].casefold().rstrip("."))
        if mon:
            y = int(m[3]) if m[3] else year
            if y is None:
                raise NoYear(s)
            return dt.date(y, mon, int(m[2]))
    if m := _WORDS_DMY.match(s):
        mon = _MONTHS.get(m[2].casefold().rstrip("."))
        if mon:
            y = int(m[3]) if m[3] else year
            if y is None:
                raise NoYear(s)
            return dt.date(y, mon, int(m[1]))
    if m := _DAY_MON_YY.match(s):
        mon = _MONTHS.get(m[2].casefold())
        if mon:
            y = int(m[3])
            return dt.date(y + 2000 if y < 100 else y, mon, int(m[1]))
    if m := _SLASH.match(s):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        y = y + 2000 if y < 100 else y
        month, day = (a, b) if order == "MDY" else (b, a)
        # No swap per value: the order is the column's (`column_order`); 13/06 in a
        # month-first column is not a date of that column.
        return dt.date(y, month, day)
    raise ValueError(s)


def dates(
    ctx: Context,
    cells: Sequence[Any],
    row_numbers: Sequence[int],
    column: str,
    *,
    order: str | None = None,
    year: int | None = None,
    default: str = "MDY",
    latest: dt.date | None = None,
) -> pd.Series:
    """Parse a column of dates, failing with the row and value that cannot be read. Without
    `order`, the column decides day-first or month-first (`column_order`)."""
    year = year or ctx.options.year
    if order is None:
        order = column_order(ctx, cells, default=default, latest=latest, column=column)
    out = read_cells(
        ctx, cells, row_numbers, column, lambda raw: parse_date(raw, year=year, order=order),
        "a cell is not a date", "a date such as 2025-01-08, Jan 8, 2025 or 01/08/2025",
    )  # fmt: skip
    return pd.Series(out, dtype="object")


def read_cells(
    ctx: Context,
    cells: Sequence[Any],
    row_numbers: Sequence[int],
    column: str,
    parse: Callable[[Any], Any],
    problem: str,
    expected: str,
) -> list[Any]:
    """Each cell of a date column through `parse`; the first that cannot be read fails the
    file with its row and value (a date without a year says how to give one)."""
    # A column repeats few distinct values: each is parsed once, in order of first
    # appearance, so the first that fails is the first such cell of the column.
    keys = list(zip(map(type, cells), cells))
    try:
        distinct = dict.fromkeys(keys)
    except TypeError:  # an unhashable cell: each cell on its own
        distinct = None
    memo: dict[Any, Any] = {}
    for key in keys if distinct is None else distinct:
        raw = key[1]
        try:
            got = parse(raw)
        except NoYear:
            raise ctx.fail(
                "dates in this export have no year and the file does not say its period",
                row=row_numbers[keys.index(key)],
                column=column,
                value=raw,
                expected="a date with a year",
                hint="Pass --year YYYY to say which year the export covers.",
            ) from None
        except ValueError:
            rn = row_numbers[keys.index(key)]
            raise ctx.fail(problem, row=rn, column=column, value=raw, expected=expected) from None
        if distinct is None:
            memo[len(memo)] = got
        else:
            memo[key] = got
    if distinct is None:
        return list(memo.values())
    return [memo[k] for k in keys]


def to_utc(local: pd.Series, tz: str) -> pd.Series:
    """Naive local timestamps in `tz` (or tz-aware ones) to UTC."""
    s = pd.to_datetime(local)
    if s.dt.tz is None:
        s = s.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
    return s.dt.tz_convert("UTC")


def local_dates(utc: pd.Series, tz: str) -> pd.Series:
    return pd.Series(utc.dt.tz_convert(tz).dt.date, index=utc.index, dtype="object")


# -- which of 01/02 is the month --------------------------------------------------------------

SLASH_NO_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})$")
_SLASH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})")


def slash_order(values: Sequence[Any], language: str = "en") -> str:
    """MDY or DMY for 01/02/2025 dates: the data decides (a first part above 12 is a day),
    else the export's language (Spanish writes day first)."""
    mdy = dmy = False
    for v in _distinct(values):  # a column repeats few dates: each is read once
        if not isinstance(v, str):
            continue
        m = _SLASH_DATE.match(v.strip()) or SLASH_NO_YEAR.match(v.strip().split(" ")[0])
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


def _distinct(values: Sequence[Any]) -> Iterable[Any]:
    """The distinct hashable values in order of first appearance, then any unhashable ones."""
    try:
        return dict.fromkeys(values)
    except TypeError:
        return values


_Part = tuple[int, int, "int | None"]


def _slash_parts(values: Sequence[Any]) -> list[tuple[_Part, int]]:
    """The (first, second, year) parts of the slash dates among `values`, each distinct value
    once with how many cells hold it, in order of first appearance."""
    counts: dict[Any, int] = {}
    try:
        for v in values:
            counts[v] = counts.get(v, 0) + 1
    except TypeError:  # an unhashable cell: each cell on its own
        return [(p, 1) for v in values if (p := _slash_part(v)) is not None]
    return [(p, n) for v, n in counts.items() if (p := _slash_part(v)) is not None]


def _slash_part(v: Any) -> _Part | None:
    if not isinstance(v, str):
        return None
    v = _WEEKDAY.sub("", v.strip())
    m = _SLASH_DATE.match(v)
    if m:
        y = int(m[3])
        return int(m[1]), int(m[2]), y + 2000 if y < 100 else y
    if m := SLASH_NO_YEAR.match(v.split(" ")[0]):
        return int(m[1]), int(m[2]), None
    return None


def _fits(parts: Iterable[_Part], order: str, latest: dt.date | None) -> bool:
    for a, b, y in parts:
        month, day = (a, b) if order == "MDY" else (b, a)
        try:
            d = dt.date(y or 2000, month, day)
        except ValueError:
            return False
        if latest is not None and y is not None and d > latest:
            return False
    return True


def column_order(
    ctx: Context | None,
    values: Sequence[Any],
    *,
    default: str = "MDY",
    language: str | None = None,
    latest: dt.date | None = None,
    column: str | None = None,
) -> str:
    """MDY or DMY for the slash or dash dates of one column (or of several columns the same
    program wrote), decided once for the whole column, never per value:

    1. the values that can only be read one way (13/06/2025 is day-first);
    2. the export date `latest`: an order that would put a date after it is wrong;
    3. the file's language (Spanish and most locales but US English write day-first);
    4. else the platform's documented `default`, with an `ambiguous_date_order` finding.

    A column that has values only readable day-first and others only month-first fails."""
    # values no order can read (13/45/2025) are left for the parser to fail on, by row
    # (each distinct value once, weighted by the cells that hold it)
    counted = [(p, n) for p, n in _slash_parts(values) if _fits([p], "MDY", None)
               or _fits([p], "DMY", None)]  # fmt: skip
    if not counted:
        return default
    parts = [p for p, _ in counted]
    only_dmy = [(p, n) for p, n in counted if not _fits([p], "MDY", None)]
    only_mdy = [(p, n) for p, n in counted if not _fits([p], "DMY", None)]
    if only_dmy and only_mdy:
        if ctx is None:
            return default
        many = sum(n for _, n in only_mdy) <= sum(n for _, n in only_dmy)
        a, b, y = only_mdy[0][0] if many else only_dmy[0][0]
        raise ctx.fail(
            "the dates of this column mix day-first and month-first",
            column=column,
            value=f"{a}/{b}/{y}" if y else f"{a}/{b}",
            expected="one date order in the whole column",
            hint="Re-export the file, or save it again with dates as YYYY-MM-DD.",
        )
    if only_dmy or only_mdy:
        return "DMY" if only_dmy else "MDY"
    if latest is not None:
        mdy, dmy = _fits(parts, "MDY", latest), _fits(parts, "DMY", latest)
        if mdy != dmy:
            return "MDY" if mdy else "DMY"
    if language == "es":
        return "DMY"
    if ctx is not None and any(a != b for a, b, _ in parts):
        ctx.finding(
            "ambiguous_date_order",
            f"no date in this column tells day from month; read as "
            f"{'month-first (MM/DD)' if default == 'MDY' else 'day-first (DD/MM)'}, the "
            "platform's own order",
            column=column,
            rows=sum(n for _, n in counted),
        )
    return default


# -- the period a file states about itself -------------------------------------------------

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


_MONTH3 = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
)}  # fmt: skip
_FILE_PERIOD = re.compile(
    r"(?P<m1>[A-Za-z]{3})-(?P<d1>\d{1,2})-(?P<y1>\d{4})_(?P<m2>[A-Za-z]{3})-(?P<d2>\d{1,2})-(?P<y2>\d{4})"
)
_FILE_PERIOD_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})[_ ]+(?:to[_ ]+)?(\d{4})-(\d{2})-(\d{2})")


def period_from_name(name: str) -> tuple[dt.date, dt.date] | None:
    """A period in a file name: `Aug-01-2025_Aug-31-2025_<id>.csv` (Meta Business Suite) or
    `2025-08-01_2025-08-31`."""
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


def period_bounds(text: str) -> tuple[dt.date, dt.date] | None:
    """'2026-07' -> July; '2026-Q3' -> Jul-Sep; '2026' -> the year; '2026-07-15' -> that day
    (the periods every socialroi command reads: `socialroi.model.periods`)."""
    return bounds(text)
