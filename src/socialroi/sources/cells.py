"""Cleaning the cells of real exports: headers, numbers, dates, totals and ids.

Every function that can fail takes the `Context` and raises `ctx.fail(...)` naming the file,
row, column, value and what was expected, so nothing is stored from a file that is wrong.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from socialroi.sources.base import Context

# -- headers -------------------------------------------------------------------------------

_CURRENCY_SUFFIX = re.compile(r"\s*[\(\[]\s*([A-Z]{3})\s*[\)\]]\s*$")


def norm(cell: Any) -> str:
    """Normalise a header cell for matching: NFKC, case-folded, single spaces, no BOM."""
    if isinstance(cell, str):
        return _norm_text(cell)
    return _norm_text(str(cell))


@functools.lru_cache(maxsize=65536)
def _norm_text(cell: str) -> str:
    s = unicodedata.normalize("NFKC", str(cell)).replace("\ufeff", "").strip().strip('"')
    return re.sub(r"\s+", " ", s).casefold()


def header_currency(cell: Any) -> tuple[str, str | None]:
    """Split a header like `Amount spent (EUR)` into (`amount spent`, `EUR`)."""
    text = unicodedata.normalize("NFKC", str(cell)).strip()
    m = _CURRENCY_SUFFIX.search(text)
    if m and _is_currency(m.group(1)):
        return norm(text[: m.start()]), m.group(1)
    return norm(text), None


def _is_currency(code: str) -> bool:
    from socialroi.unify.fx import known_currencies

    return code in known_currencies() or code in _OTHER_CURRENCIES


# ISO 4217 codes the ECB does not publish but exports use (rates come from `socialroi fx set`).
_OTHER_CURRENCIES = {
    "VND", "ARS", "CLP", "COP", "PEN", "AED", "SAR", "TWD", "EGP", "NGN", "PKR", "KES", "UAH",
}  # fmt: skip


class HeaderMap:
    """Which column of a header row holds which canonical field.

    `aliases` maps canonical field -> header names in any language. Duplicate header names
    (the classic Facebook export has them) resolve to the first occurrence unless an alias
    says `name#2` for the second.
    """

    def __init__(self, header: Sequence[Any], aliases: dict[str, list[str]]) -> None:
        self.header = [str(h) if h is not None else "" for h in header]
        self.currencies: dict[str, str] = {}
        seen: dict[str, int] = {}
        positions: dict[str, int] = {}
        for i, h in enumerate(self.header):
            base, cur = header_currency(h)
            n = seen.get(base, 0) + 1
            seen[base] = n
            key = base if n == 1 else f"{base}#{n}"
            positions.setdefault(key, i)
            if cur:
                self.currencies[key] = cur
        self.index: dict[str, int] = {}
        self.found_as: dict[str, str] = {}
        for field, names in aliases.items():
            for name in names:
                k = norm(name)
                if k in positions:
                    self.index[field] = positions[k]
                    self.found_as[field] = self.header[positions[k]]
                    if k in self.currencies:
                        self.currencies[field] = self.currencies[k]
                    break

    def __contains__(self, field: str) -> bool:
        return field in self.index

    def require(self, ctx: Context, fields: Sequence[str], what: str, row: int = 1) -> None:
        missing = [f for f in fields if f not in self.index]
        if missing:
            raise ctx.fail(
                f"this {what} has no column for {', '.join(missing)}",
                row=row,
                value=", ".join(h for h in self.header if h)[:200],
                expected="the export's usual header (English, Spanish or Chinese)",
            )

    def column_name(self, field: str) -> str:
        return self.found_as.get(field, field)


def find_header_row(
    rows: Sequence[Sequence[Any]], aliases: dict[str, list[str]], required: Sequence[str]
) -> int | None:
    """Index of the first row (within the first 30) that holds all required fields."""
    for i, row in enumerate(rows[:30]):
        hm = HeaderMap(row, aliases)
        if all(f in hm for f in required):
            return i
    return None


# -- totals and blanks ---------------------------------------------------------------------

TOTAL_LABELS = {
    norm(x)
    for x in (
        "Total",
        "Totals",
        "Grand total",
        "Summary",
        "Total general",
        "Totales",
        "Suma total",
        "总计",
        "合计",
        "總計",
        "汇总",
        "總和",
        "Total row",
    )
}


def is_total_row(row: Sequence[Any]) -> bool:
    """A `Total` / `Grand total` / `总计` row that would double count if summed."""
    firsts = [c for c in row[:3] if c not in (None, "")]
    return bool(firsts) and norm(firsts[0]) in TOTAL_LABELS


def is_blank(row: Sequence[Any]) -> bool:
    return all(c is None or str(c).strip() == "" for c in row)


# -- numbers -------------------------------------------------------------------------------

EMPTY = {
    "",
    "-",
    "–",
    "—",
    "--",
    "n/a",
    "na",
    "nan",
    "none",
    "null",
    "(not set)",
    "不适用",
    "undefined",
}
_SUPPRESSED = re.compile(r"^\s*<\s*(\d+)\s*$")
_EU_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$|^-?\d+,\d{1,2}$")
_US_NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$|^-?\d+\.\d{1,2}$|^-?\d+\.\d{4,}$")
_CURRENCY_CHARS = re.compile(r"[\s\u00a0\u202f$€£¥₹₩₫₱฿R]|US|MXN|BRL|EUR|USD|CNY|RMB|元")


def decimal_style(values: Sequence[Any]) -> str:
    """Guess a file's decimal mark from its number cells: ',' (1.234,5) or '.' (1,234.5)."""
    eu = us = 0
    for v in values:
        if not isinstance(v, str):
            continue
        s = _CURRENCY_CHARS.sub("", v.strip()).rstrip("%")
        if _EU_NUMBER.match(s):
            eu += 1
        elif _US_NUMBER.match(s):
            us += 1
    return "," if eu > us else "."


def parse_number(
    raw: Any, *, decimal: str = ".", percent: bool = False
) -> tuple[float | None, str | None]:
    """One cell to a float. Returns (value, note) where note is `suppressed` for `<5`."""
    if raw is None:
        return None, None
    if isinstance(raw, bool):
        return float(raw), None
    if isinstance(raw, (int, float, np.integer, np.floating)):
        if isinstance(raw, float) and np.isnan(raw):
            return None, None
        return float(raw), None
    s = str(raw).strip()
    if s.casefold() in EMPTY:
        return None, None
    if _SUPPRESSED.match(s):
        return None, "suppressed"
    neg = s.startswith("(") and s.endswith(")")
    s = s.strip("()")
    is_pct = s.endswith("%")
    s = _CURRENCY_CHARS.sub("", s.rstrip("%")).replace("'", "")
    if "," in s and "." in s:  # both marks: the last one is the decimal mark
        decimal = "," if s.rfind(",") > s.rfind(".") else "."
    if decimal == ",":
        s = s.replace(".", "").replace(",", ".")
    else:
        s = s.replace(",", "")
    m = re.fullmatch(r"([+-]?\d*\.?\d+(?:[eE][+-]?\d+)?)\s*([kKmM万]?)", s)
    if not m:
        raise ValueError(raw)
    v = float(m.group(1)) * {"": 1, "k": 1e3, "K": 1e3, "m": 1e6, "M": 1e6, "万": 1e4}[m.group(2)]
    if is_pct or percent:
        v = v / 100 if is_pct else v
    return (-v if neg else v), None


def numbers(
    ctx: Context,
    cells: Sequence[Any],
    row_numbers: Sequence[int],
    column: str,
    *,
    decimal: str = ".",
    integer: bool = False,
) -> pd.Series:
    """Parse a column of cells; `<5` becomes null with one finding; junk fails the import."""
    out: list[float | None] = []
    suppressed_first, suppressed = None, 0
    for raw, rn in zip(cells, row_numbers):
        try:
            v, note = parse_number(raw, decimal=decimal)
        except ValueError:
            raise ctx.fail(
                "a cell is not a number",
                row=rn,
                column=column,
                value=raw,
                expected="a number such as 1234, 1,234 or 1.234,5",
            ) from None
        if note == "suppressed":
            suppressed += 1
            suppressed_first = suppressed_first or (rn, raw)
        if v is not None and integer:
            v = round(v)
        out.append(v)
    if suppressed:
        ctx.finding(
            "suppressed_value",
            f"{suppressed} cell(s) hold a privacy-suppressed value like '<5'; stored as empty",
            row=suppressed_first[0],
            column=column,
            value=suppressed_first[1],
            rows=suppressed,
        )
    dtype = "Int64" if integer else "Float64"
    return pd.Series(out, dtype=dtype)


# -- ids -----------------------------------------------------------------------------------

_SCI = re.compile(r"^\d([.,]\d+)?[eE]\+?\d+$")


def clean_id(raw: Any) -> tuple[str | None, bool]:
    """An id as text. Returns (id, mangled) — mangled when Excel wrote it as `1.22158E+17`."""
    if raw is None:
        return None, False
    if isinstance(raw, float):
        if np.isnan(raw):
            return None, False
        if raw.is_integer() and abs(raw) < 2**53:
            return str(int(raw)), False
        return repr(raw), True
    s = str(raw).strip().strip("'\"")
    if s.startswith("="):  # ="1234" as some exports write text ids
        s = s.lstrip("=").strip('"')
    if not s:
        return None, False
    if _SCI.match(s):
        return s.upper().replace(",", "."), True
    if re.fullmatch(r"\d+\.0", s):
        s = s[:-2]
    return s, False


def ids(ctx: Context, cells: Sequence[Any], row_numbers: Sequence[int], column: str):
    """Clean a column of ids; mangled ids are kept and reported once as a finding."""
    values, flags = [], []
    first = None
    for raw, rn in zip(cells, row_numbers):
        v, mangled = clean_id(raw)
        values.append(v)
        flags.append(mangled)
        if mangled and first is None:
            first = (rn, raw)
    n = sum(flags)
    if n:
        ctx.finding(
            "mangled_id",
            f"{n} id(s) were saved by a spreadsheet in scientific notation and lost digits; "
            "kept as text but they cannot be matched to other files",
            row=first[0],
            column=column,
            value=first[1],
            rows=n,
        )
    return pd.Series(values, dtype="string"), pd.Series(flags, dtype="boolean")


# -- dates and times -----------------------------------------------------------------------

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
_SLASH = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


_WEEKDAY = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun|lun|mar|mié|mie|jue|vie|sáb|sab|dom)[a-zé]*\.?,\s+",
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
    if m := _SLASH.match(s):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        y = y + 2000 if y < 100 else y
        month, day = (a, b) if order == "MDY" else (b, a)
        if month > 12 and day <= 12:
            month, day = day, month
        return dt.date(y, month, day)
    raise ValueError(s)


def dates(
    ctx: Context,
    cells: Sequence[Any],
    row_numbers: Sequence[int],
    column: str,
    *,
    order: str = "MDY",
    year: int | None = None,
) -> pd.Series:
    """Parse a column of dates, failing with the row and value that cannot be read."""
    year = year or ctx.options.year
    out = []
    for raw, rn in zip(cells, row_numbers):
        try:
            out.append(parse_date(raw, year=year, order=order))
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
                "a cell is not a date",
                row=rn,
                column=column,
                value=raw,
                expected="a date such as 2025-01-08, Jan 8, 2025 or 01/08/2025",
            ) from None
    return pd.Series(out, dtype="object")


def to_utc(local: pd.Series, tz: str) -> pd.Series:
    """Naive local timestamps in `tz` (or tz-aware ones) to UTC."""
    s = pd.to_datetime(local)
    if s.dt.tz is None:
        s = s.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
    return s.dt.tz_convert("UTC")


def local_dates(utc: pd.Series, tz: str) -> pd.Series:
    return pd.Series(utc.dt.tz_convert(tz).dt.date, index=utc.index, dtype="object")


def url_decode(value: Any) -> Any:
    """URL-decode a UTM value (twice-encoded values are common: %2520)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    s = str(value)
    for _ in range(2):
        if "%" not in s and "+" not in s:
            break
        s = unquote_plus(s)
    return s
