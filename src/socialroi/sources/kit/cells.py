"""Cleaning the cells of real exports: totals, blanks, numbers, ids and text.

Every function that can fail takes the `Context` and raises `ctx.fail(...)` naming the file,
row, column, value and what was expected, so nothing is stored from a file that is wrong.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import unquote_plus

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from socialroi.model.rules import MAX_MAGNITUDE
from socialroi.sources.base import Context
from socialroi.sources.kit.columns import text_array
from socialroi.sources.kit.headers import norm

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


# `Total of 3 results`, `Totales:`, `总计` written with a count or a colon (TikTok, X, Pinterest);
# `Total: Account`, `Total: Campaigns`, `总计：账号` naming what they sum (Google Ads)
_TOTAL_PHRASE = re.compile(
    r"^(total|totals|grand total|totales|total general|总计|合计|總計|汇总)"
    r"(\s*(of|de)\s*\d+\s*(results?|resultados?|rows?|filas?))?\s*([:：].*)?$",
    re.IGNORECASE,
)
SUMMARY_ROW = "a row with figures but no id (summary row)"
# First characters no total label can start with, even after NFKC and case folding: ASCII
# letters and digits other than t, g, s (total, grand total, summary, suma total) and `#`.
_NOT_TOTAL_START = frozenset(
    c
    for c in "#0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    if c not in "tgsTGS"
)


def is_total_row(row: Sequence[Any]) -> bool:
    """A `Total` / `Grand total` / `Total of 3 results` / `总计` row that would double count."""
    firsts = [c for c in row[:3] if c not in (None, "")]
    return bool(firsts) and is_total_label(firsts[0])


def is_total_label(cell: Any) -> bool:
    """Whether a row whose first filled cell is `cell` is a total row."""
    if isinstance(cell, str) and cell[:1] in _NOT_TOTAL_START:
        return False  # `#1001`, `2025-01-08`, `Voltiq ...`: no label starts so, normalised
    label = norm(cell)
    return label in TOTAL_LABELS or bool(_TOTAL_PHRASE.match(label))


def total_flags(first: Sequence[Any], second: Sequence[Any], third: Sequence[Any]) -> list[bool]:
    """`is_total_row` of every row, given the columns of the rows' first three cells (`""` or
    None where a row has fewer): each distinct label is looked at once."""
    e = ("", None)
    firsts = [a if a not in e else b if b not in e else c if c not in e else None
              for a, b, c in zip(first, second, third)]  # fmt: skip
    try:
        labels = {v: v is not None and is_total_label(v) for v in set(firsts)}
    except TypeError:  # an unhashable cell: row by row
        return [v is not None and is_total_label(v) for v in firsts]
    return [labels[v] for v in firsts]


def total_label(row: Sequence[Any]) -> Any:
    """What a total row says: its first filled cell."""
    return next((c for c in row if c not in (None, "")), None)


def skipped_totals(ctx: Context, totals: Sequence[tuple[int, Any]]) -> None:
    """Count total rows left out — (row number, label) each — under one finding."""
    if not totals:
        return
    ctx.rows_skipped += len(totals)
    ctx.finding(
        "skipped_total_row",
        f"{len(totals)} total row(s) left out so figures are not counted twice",
        row=totals[0][0],
        value=totals[0][1],
        rows=len(totals),
    )


def is_blank(row: Sequence[Any]) -> bool:
    return all(c is None or str(c).strip() == "" for c in row)


# TikTok Studio writes `undefined` for days it has not computed yet: an empty cell.
EMPTY_WORDS = {"undefined", "null", "nan"}


def clean_cell(c: Any) -> Any:
    """A cell with its spaces trimmed (no-break spaces too) and `undefined` as empty."""
    if isinstance(c, str):
        s = c.strip().replace("\u00a0", " ")
        return "" if s.casefold() in EMPTY_WORDS else s
    return c


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
    # Each distinct cell once, weighted by its count; a cell of digits only has no mark.
    for v, n in _marked_text(values):
        if v.isdigit():
            continue
        s = _CURRENCY_CHARS.sub("", v.strip()).rstrip("%")
        if _EU_NUMBER.match(s):
            eu += n
        elif _US_NUMBER.match(s):
            us += n
    return "," if eu > us else "."


def _marked_text(values: Sequence[Any]) -> Iterable[tuple[str, int]]:
    """(text, count) of the distinct text cells that may be numbers with a decimal mark (a
    digit, and more than ASCII digits): counted in Arrow when every cell is text or None."""
    try:
        arr = pa.array(values, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        return Counter(v for v in values if isinstance(v, str)).items()
    # a number has a digit (any script's, as `\d` reads them) and not only ASCII digits
    arr = arr.filter(pc.and_(pc.match_substring_regex(arr, r"\p{Nd}"),
                             pc.invert(pc.match_substring_regex(arr, r"^[0-9]*$"))))  # fmt: skip
    if not len(arr):
        return []
    vc = pc.value_counts(arr)
    return zip(vc.field("values").to_pylist(), vc.field("counts").to_pylist(), strict=True)


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
    fast = _plain_numbers(cells, decimal, integer)
    if fast is not None:
        return fast
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
        if v is not None and not (math.isfinite(v) and abs(v) <= MAX_MAGNITUDE):
            raise ctx.fail(
                "a number no export can hold (the file is damaged or the column misread)",
                row=rn,
                column=column,
                value=raw,
                expected=f"a finite number within ±{MAX_MAGNITUDE:.0e}",
            )
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


def numbers_array(
    ctx: Context,
    cells: pa.Array,
    row_numbers: Sequence[int],
    column: str,
    *,
    decimal: str = ".",
    integer: bool = False,
) -> pd.Series:
    """`numbers` of a column of text cells held in Arrow: read in Arrow when they are plain
    numbers, else cell by cell as `numbers` reads them, with its findings and errors."""
    fast = _plain_numbers(cells, decimal, integer) if len(cells) else None
    if fast is not None:
        return fast
    return numbers(ctx, cells.to_pylist(), row_numbers, column, decimal=decimal,
                   integer=integer)  # fmt: skip


# Plain numbers, with thousands marks in threes where the file's decimal mark is the other one
# (`1,234.5` / `1.234,5`): what `parse_number` reads by dropping the thousands marks.
_PLAIN = {
    ".": r"^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$",
    ",": r"^[+-]?(\d+|\d{1,3}(\.\d{3})+)(,\d+)?$",
}


def _plain_numbers(cells: Sequence[Any], decimal: str, integer: bool) -> pd.Series | None:
    """`numbers` for the common column (Arrow compute, no Python per cell): text cells that are
    all plain numbers (`1234`, `-5`, `12.5`, `1,234.5` where '.' is the decimal mark) or
    empty. None for any other column (a placeholder, `<5`, a percentage, a typed cell, a
    figure out of bounds), which `numbers` then reads cell by cell with its findings and
    errors."""
    if not cells:
        return None
    try:
        arr = pa.array(cells, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    text = pc.utf8_trim_whitespace(arr)
    empty = pc.equal(text, "")
    plain = pc.or_(pc.match_substring_regex(text, _PLAIN[decimal]), empty)
    if not pc.all(plain).as_py():
        return None
    if decimal == ",":
        text = pc.replace_substring(pc.replace_substring(text, ".", ""), ",", ".")
    else:
        text = pc.replace_substring(text, ",", "")
    values = pc.cast(pc.if_else(empty, pa.scalar(None, pa.string()), text), pa.float64())
    nums = values.to_numpy(zero_copy_only=False)
    present = ~np.isnan(nums)
    if (np.abs(nums[present]) > MAX_MAGNITUDE).any():
        return None
    if integer:
        return pd.Series(pd.array(np.round(nums), dtype="Float64")).astype("Int64")
    return pd.Series(pd.array(nums, dtype="Float64"))


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
    arr = text_array(cells)
    if arr is not None and pc.all(pc.match_substring_regex(arr, r"^[0-9]*$")).as_py() is not False:
        # digits only (or empty): nothing to clean, nothing mangled
        return (pd.Series([v or None for v in cells], dtype="string"),
                pd.Series([False] * len(cells), dtype="boolean"))  # fmt: skip
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


def text(v: Any) -> str | None:
    """A cell as trimmed text; None when empty."""
    if v is None:
        return None
    if isinstance(v, float) and v != v:  # NaN
        return None
    s = str(v).strip()
    return s or None


def api_text(v: Any) -> str | None:
    """A text field of an API record as the export would show it: None stays None; an object
    or list where text belongs is the wrong shape (TypeError, which the sync reports)."""
    if v is None:
        return None
    if isinstance(v, dict | list):
        raise TypeError("a text field holds an object")
    return str(v)


def plain(v: Any) -> str:
    """A cell as trimmed text, `""` when empty; a whole float without its `.0`."""
    if v is None:
        return ""
    if isinstance(v, float) and v != v:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def email_hash(email: str | None) -> str | None:
    """SHA-256 of a trimmed, lower-cased e-mail address: how people are matched across files."""
    if not email or not str(email).strip():
        return None
    return hashlib.sha256(str(email).strip().lower().encode("utf-8")).hexdigest()
