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

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
from charset_normalizer import from_bytes

from socialroi.errors import ImportFailed
from socialroi.sources.base import Context, InputFile
from socialroi.sources.kit.limits import WorkbookDamaged, read_workbook

DELIMITERS = ",;\t|"


class TextDamaged(ValueError):
    """Text that cannot be trusted (NUL bytes, a cell that never ends, a cut-off last line):
    its message is a sentence for the user."""


def decode(data: bytes) -> tuple[str, str]:
    """Decode export bytes to text; return (text, encoding name)."""
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="strict")
        _no_nul(text)
        return text, "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
        _no_nul(text)
        return text, "utf-16"
    head = data[:4000]
    if head and head.count(b"\x00") > len(head) // 4:
        # UTF-16 without a BOM: the zero bytes sit on odd (LE) or even (BE) positions.
        le = head[1::2].count(0) > head[0::2].count(0)
        enc = "utf-16-le" if le else "utf-16-be"
        text = data.decode(enc)
        _no_nul(text)
        return text, enc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        _no_nul(text)
        return text, "utf-8"
    if b"\x00" in data:
        raise TextDamaged("it holds NUL bytes and is not UTF-8, so it is damaged")
    best = from_bytes(data).best()
    if best is None:
        raise TextDamaged("it is not text in any known encoding")
    return str(best), best.encoding


def _no_nul(text: str) -> None:
    """A NUL character is never part of an export's text: the file is damaged. (Read on, it
    would split or glue ids and add rows beside the ones the workspace holds.)"""
    at = text.find("\x00")
    if at >= 0:
        line = text.count("\n", 0, at) + 1
        raise TextDamaged(f"it holds a NUL byte on line {line}, so it is damaged")


def unreadable_text(exc: Exception) -> str:
    """What to tell the user about text that could not be read, without internal wording."""
    if isinstance(exc, UnicodeDecodeError):
        return f"the file is not readable text (bytes at offset {exc.start} are not {exc.encoding})"
    return f"the file is not readable text: {exc}"


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
    try:
        for row in reader:
            rows.append(row)
            if max_rows is not None and len(rows) >= max_rows:
                break
    except csv.Error:
        raise TextDamaged(
            f"line {reader.line_num} holds a cell that never ends (an unclosed quote "
            "or a cell over 128 KiB), so the file is damaged or cut off"
        ) from None
    if max_rows is None:
        _not_cut_off(text, rows, first_row)
    return Rows(rows=rows, delimiter=delimiter, encoding=encoding, first_row=first_row)


_BOM = b"\xef\xbb\xbf"
_HEAD = 65536  # bytes read to sniff the delimiter, as `read_rows` sniffs its first 50 lines
_MAX_ARROW_CELL = 100_000  # bytes: well below the 128 KiB cell `read_rows` refuses


def read_columns(file: InputFile) -> pa.Table | None:
    """The cells of a plain CSV as Arrow text columns (`c0`, `c1`, ...; row `i` is spreadsheet
    row `i + 1`): what `read_rows` reads, without a Python string per cell. A plain CSV is
    UTF-8 (a BOM or none), comma-separated as `read_rows` sniffs it, with no `sep=` line, no
    NUL byte, at least two columns, the same number of cells on every row and no cell near
    the size `read_rows` refuses. None for any other file: read it with `read_rows`, which
    reads it or says why it cannot. An empty line reads as a row of empty cells (`read_rows`:
    a row of none); either is a blank row."""
    data = file.data
    body = data[3:] if data.startswith(_BOM) else data
    if not body or body.startswith((_BOM, b"\xff\xfe", b"\xfe\xff")) or b"\x00" in body:
        return None
    head = body[:_HEAD]
    if len(head) < len(body):
        head = head[: head.rfind(b"\n") + 1]  # whole lines only
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = text.splitlines()
    if not lines or (len(head) < len(body) and len(lines) < 50) or split_text(text)[1] != 1:
        return None
    if sniff_delimiter(lines[:50]) != ",":
        return None
    width = len(next(csv.reader([lines[0]])))
    if width < 2:
        return None
    names = [f"c{i}" for i in range(width)]
    try:
        table = pcsv.read_csv(
            pa.py_buffer(body),
            read_options=pcsv.ReadOptions(column_names=names),
            parse_options=pcsv.ParseOptions(
                delimiter=",", quote_char='"', double_quote=True, escape_char=False,
                newlines_in_values=True, ignore_empty_lines=False,
            ),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), null_values=[],
                strings_can_be_null=False, quoted_strings_can_be_null=False,
            ),
        )  # fmt: skip
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # a row of another width, text not UTF-8
        return None
    for column in table.columns:
        longest = pc.max(pc.binary_length(column)).as_py()
        if longest is not None and longest > _MAX_ARROW_CELL:
            return None
    return table


def _not_cut_off(text: str, rows: list[list[str]], first_row: int) -> None:
    """A file that ends inside a line (no line break, fewer cells than the rows above it) was
    cut off by a download: its last line would store a shortened figure or name."""
    if len(rows) < 4 or text.endswith(("\n", "\r")):
        return
    width = len(rows[-2])
    last = rows[-1]
    if width >= 4 and len(rows[-3]) == len(rows[-4]) == width and 2 <= len(last) < width:
        raise TextDamaged(
            f"its last line (row {first_row + len(rows) - 1}) ends after {len(last)} of "
            f"{width} cells, so the file was cut off; export or download it again"
        )


def is_spreadsheet(file: InputFile) -> bool:
    return file.suffix in (".xlsx", ".xlsm", ".xls") or file.data[:4] == b"\xd0\xcf\x11\xe0"


def read_sheets(file: InputFile, *, max_rows: int | None = None) -> dict[str, list[list[Any]]]:
    """All sheets of an .xlsx or .xls workbook as rows of typed cells (calamine, read in a
    bounded child process: `limits.read_workbook`). Raises `ImportFailed` for a file out of
    bounds and `WorkbookDamaged` (a ValueError) for a damaged one."""
    return read_workbook(file.name, file.data, max_rows)


def rows_of(file: InputFile, ctx: Context, what: str) -> Rows:
    """`read_rows`, failing with the file's name when it is not text."""
    try:
        return read_rows(file)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ctx.fail(
            unreadable_text(exc),
            expected=f"a {what} as CSV (UTF-8 or UTF-16) or an Excel workbook",
        ) from None


def sheets_of(file: InputFile, ctx: Context, what: str) -> dict[str, list[list[Any]]]:
    """`read_sheets`, failing with the file's name when the workbook is damaged."""
    try:
        return read_sheets(file)
    except ImportFailed:
        raise
    except WorkbookDamaged as exc:
        part = f" ({exc.part} cannot be read)" if exc.part else ""
        raise ctx.fail(
            f"the workbook is damaged{part}",
            expected=f"a {what} saved as .xlsx or .csv, unchanged",
        ) from None
