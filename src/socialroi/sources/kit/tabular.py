"""Reading the raw cells of an export: text decoding, CSV dialects, spreadsheets.

Real exports arrive as UTF-8, UTF-8 with a BOM, or UTF-16 (Excel's "Unicode text", LinkedIn,
Facebook), sometimes with a first line `sep=;` that Excel writes, with comma, semicolon or tab
delimiters. Everything here returns plain rows of cells with their 1-based row numbers as a
spreadsheet would show them, so errors can name the row a user sees.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from charset_normalizer import from_bytes
from python_calamine import CalamineWorkbook

from socialroi.sources.base import Context, InputFile

DELIMITERS = ",;\t|"


def decode(data: bytes) -> tuple[str, str]:
    """Decode export bytes to text; return (text, encoding name)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    head = data[:4000]
    if head and head.count(b"\x00") > len(head) // 4:
        # UTF-16 without a BOM: the zero bytes sit on odd (LE) or even (BE) positions.
        le = head[1::2].count(0) > head[0::2].count(0)
        enc = "utf-16-le" if le else "utf-16-be"
        return data.decode(enc), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise UnicodeDecodeError("unknown", data[:1], 0, 1, "not text in any known encoding")
    return str(best), best.encoding


@dataclass
class Rows:
    """Cells of a delimited text file. `rows[i]` is spreadsheet row `i + first_row`."""

    rows: list[list[str]]
    delimiter: str
    encoding: str
    first_row: int = 1

    def row_number(self, index: int) -> int:
        return index + self.first_row


_SEP_LINE = re.compile(r"^\s*\"?sep=(.)\"?\s*$", re.IGNORECASE)


def sniff_delimiter(lines: list[str]) -> str:
    """Pick the delimiter that splits the first substantial lines most consistently."""
    sample = [ln for ln in lines if ln.strip() and not ln.startswith("#")][:20]
    if not sample:
        return ","
    best, best_score = ",", 0.0
    for d in DELIMITERS:
        counts = [len(next(csv.reader([ln], delimiter=d))) for ln in sample]
        # The most common number of fields, weighted by how many lines share it and by how
        # many fields it makes: a tab-separated report whose banner lines hold a comma
        # ("Report Start: 10/13/2025, 12:00 AM") must not read as a two-column CSV.
        split = [c for c in counts if c >= 2]  # banner lines do not split at all
        if not split:
            continue
        mode = max(set(split), key=lambda c: (split.count(c), c))
        score = counts.count(mode) / len(counts) * (mode - 1)
        if score > best_score:
            best, best_score = d, score
    return best


def split_text(text: str) -> tuple[str, int, str]:
    """Strip an Excel `sep=` line. Returns (text, first row number, forced delimiter or '')."""
    first_nl = text.find("\n")
    first = text[: first_nl if first_nl >= 0 else len(text)].strip("\r\ufeff")
    m = _SEP_LINE.match(first)
    if m:
        return text[first_nl + 1 :] if first_nl >= 0 else "", 2, m.group(1)
    return text, 1, ""


def read_rows(file: InputFile, *, max_rows: int | None = None) -> Rows:
    """Read a delimited text export into rows of strings."""
    data = file.data if max_rows is None else file.data[:65536]
    text, encoding = decode(data)
    text, first_row, forced = split_text(text.lstrip("\ufeff"))
    lines = text.splitlines()
    if max_rows is not None and len(data) < len(file.data) and lines:
        lines = lines[:-1]  # the cut may have split the last line
        text = "\n".join(lines)
    delimiter = forced or sniff_delimiter(lines[:50])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    for row in reader:
        rows.append(row)
        if max_rows is not None and len(rows) >= max_rows:
            break
    return Rows(rows=rows, delimiter=delimiter, encoding=encoding, first_row=first_row)


def is_spreadsheet(file: InputFile) -> bool:
    return file.suffix in (".xlsx", ".xlsm", ".xls") or file.data[:4] == b"\xd0\xcf\x11\xe0"


def read_sheets(file: InputFile, *, max_rows: int | None = None) -> dict[str, list[list[Any]]]:
    """All sheets of an .xlsx or .xls workbook as rows of typed cells (calamine)."""
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(file.data))
        out: dict[str, list[list[Any]]] = {}
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name)
            out[name] = sheet.to_python(skip_empty_area=False, nrows=max_rows)
        return out
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - calamine panics (a BaseException) on damage
        raise ValueError(f"the workbook is damaged or not a workbook ({exc})") from None


def rows_of(file: InputFile, ctx: Context, what: str) -> Rows:
    """`read_rows`, failing with the file's name when it is not text."""
    try:
        return read_rows(file)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ctx.fail(
            f"the file is not readable text ({exc})",
            expected=f"a {what} as CSV (UTF-8 or UTF-16) or an Excel workbook",
        ) from None


def sheets_of(file: InputFile, ctx: Context, what: str) -> dict[str, list[list[Any]]]:
    """`read_sheets`, failing with the file's name when the workbook is damaged."""
    try:
        return read_sheets(file)
    except Exception as exc:  # noqa: BLE001 - any workbook damage is one user-facing problem
        raise ctx.fail(
            f"the workbook cannot be opened ({type(exc).__name__})",
            expected=f"a {what} saved as .xlsx or .csv, unchanged",
        ) from None
