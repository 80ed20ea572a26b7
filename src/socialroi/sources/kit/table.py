"""A header row and the data rows below it: the one way every source reads a table.

`read_table(file, ...)` reads a CSV (any encoding) or the first sheet of a workbook that holds
the header (sheets named in `prefer_sheets` first); `table_from_rows(rows, ...)` does the same
for rows already read (a sheet found with `find_sheet`, one CSV of a zip). Both find the
header by alias (often below a banner or a description row), then:

- drop blank rows;
- drop total rows (`Total`, `Grand total`, `Total of 3 results`, `总计`, and rows the
  parser's `summary(table, row)` names) under one `skipped_total_row` finding;
- count the rows read (`ctx.rows_read`) and skipped (`ctx.rows_skipped`);
- guess the decimal mark from the number cells (`number_fields`, else every text cell).

`placeholders=True` (social exports) trims cells and reads `undefined`, `-`, `n/a` as empty.
A `Table` gives a field's column as text, numbers, ids or dates with errors that name the
spreadsheet row and column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import pandas as pd

from socialroi.sources.base import Context, InputFile
from socialroi.sources.kit.cells import (
    EMPTY,
    clean_cell,
    decimal_style,
    ids,
    is_blank,
    is_total_label,
    numbers,
    skipped_totals,
    total_label,
)
from socialroi.sources.kit.dates import NoYear, column_order, parse_date
from socialroi.sources.kit.headers import (
    ADD_COLUMNS,
    HeaderMap,
    columns_named,
    find_header_row,
    norm,
)
from socialroi.sources.kit.tabular import is_spreadsheet, rows_of, sheets_of

_HAS_YEAR = re.compile(r"\d{4}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2}")

Row = list[Any]


@dataclass
class Table:
    """The data rows under a header: `body` holds (spreadsheet row number, cells)."""

    hm: HeaderMap
    header: list[Any]  # the header row's cells as read
    header_row: int  # spreadsheet row number of the header
    body: list[tuple[int, Row]]
    above: list[Row] = field(default_factory=list)  # rows above the header (banners)
    sheet: str | None = None
    decimal: str = "."
    where: str = ""  # "sheet 'Metrics'": prefixed to column names in errors
    placeholders: bool = False  # `-`, `n/a`, `(not set)` read as empty text
    language: str = "en"  # the header's language, where a parser sets it

    @property
    def rows(self) -> list[Row]:
        return [r for _, r in self.body]

    @property
    def row_numbers(self) -> list[int]:
        return [n for n, _ in self.body]

    def has(self, f: str) -> bool:
        return f in self.hm

    def column(self, f: str) -> str:
        """The column's name as the file writes it, for errors and findings."""
        name = self.hm.column_name(f)
        return f"{self.where}: {name}" if self.where else name

    def cells(self, f: str) -> list[Any]:
        """The raw cells of a field's column (None for a column the file lacks)."""
        i = self.hm.index.get(f)
        if i is None:
            return [None] * len(self.body)
        return [r[i] if i < len(r) else None for _, r in self.body]

    def cell(self, row: Sequence[Any], f: str) -> Any:
        """One row's cell of a field: text trimmed, None when empty or absent."""
        i = self.hm.index.get(f)
        if i is None or i >= len(row):
            return None
        v = row[i]
        if isinstance(v, str):
            v = v.strip()
            return v or None
        return v

    def values(self, f: str, rows: Sequence[tuple[int, Row]] | None = None) -> list[Any]:
        """`cell` of every row (or of `rows`)."""
        return [self.cell(r, f) for _, r in (self.body if rows is None else rows)]

    def text(self, f: str) -> list[str | None]:
        out = []
        for v in self.cells(f):
            if v is None or (isinstance(v, float) and pd.isna(v)):
                out.append(None)
                continue
            s = str(v).strip()
            if self.placeholders and s.casefold() in EMPTY:
                s = ""
            out.append(s or None)
        return out

    def numbers(
        self, ctx: Context, f: str, *, integer: bool = True, decimal: str | None = None
    ) -> pd.Series | None:
        """A field's column as numbers (None when the file lacks it)."""
        if f not in self.hm:
            return None
        return numbers(
            ctx,
            self.cells(f),
            self.row_numbers,
            self.column(f),
            decimal=decimal or self.decimal,
            integer=integer,
        )

    def ids(self, ctx: Context, f: str):
        """A field's column as text ids, and which of them a spreadsheet mangled."""
        return ids(ctx, self.cells(f), self.row_numbers, self.column(f))

    def dates(
        self,
        ctx: Context,
        f: str,
        *,
        period_end: dt.date | None = None,
        order: str | None = None,
        default: str = "MDY",
    ) -> list[dt.date | None]:
        """Dates of a column. Day-first or month-first is decided for the whole column
        (`column_order`: the values, the export date `period_end`, the platform's `default`).
        A date without a year takes the year of the file's period (the year before when that
        would fall after the period), else `--year`. No date may lie after `period_end`."""
        year = period_end.year if period_end else ctx.options.year
        if order is None:
            order = column_order(
                ctx, self.cells(f), default=default, language=self.language,
                latest=period_end, column=self.column(f),
            )  # fmt: skip
        out: list[dt.date | None] = []
        for raw, rn in zip(self.cells(f), self.row_numbers):
            try:
                d = parse_date(raw, year=year, order=order)
            except ValueError as exc:
                no_year = isinstance(exc, NoYear)
                raise ctx.fail(
                    "dates in this export have no year and the file does not say its period"
                    if no_year
                    else "a cell is not a date",
                    row=rn,
                    column=self.column(f),
                    value=raw,
                    expected="a date with a year"
                    if no_year
                    else "a date such as 01/08/2025, 2025-01-08 or Jan 8, 2025",
                    hint="Pass --year YYYY to say which year the export covers."
                    if no_year
                    else None,
                ) from None
            if (
                d is not None
                and period_end is not None
                and isinstance(raw, str)
                and not _HAS_YEAR.search(raw)
                and d > period_end
            ):
                d = d.replace(year=d.year - 1)
            if d is not None and period_end is not None and d > period_end:
                raise ctx.fail(
                    "a date lies after the day the file was exported",
                    row=rn,
                    column=self.column(f),
                    value=raw,
                    expected=f"a date on or before {period_end}",
                )
            out.append(d)
        return out

    def take_row(self, ctx: Context, k: int) -> Row:
        """Remove body row `k` that is not data after all (a description row)."""
        ctx.rows_read -= 1
        return self.body.pop(k)[1]


# summary(table, row) -> the label to report when the row is a total row, else None
Summary = Callable[[Table, Row], Any]


def table_from_rows(
    ctx: Context,
    rows: Sequence[Sequence[Any]],
    aliases: dict[str, list[str]],
    required: Sequence[str],
    what: str,
    *,
    header_index: int | None = None,
    first_row: int = 1,
    sheet: str | None = None,
    where: str = "",
    number_fields: Sequence[str] | None = None,
    placeholders: bool = False,
    summary: Summary | None = None,
) -> Table:
    """The table in `rows` (header at `header_index`, else found by the `required` fields)."""
    if placeholders:
        rows = [[clean_cell(c) for c in r] for r in rows]
    h = header_index if header_index is not None else find_header_row(rows, aliases, required)
    if h is None:
        raise _no_header(ctx, [(sheet, list(rows), first_row)], required, what, aliases)
    return _build(ctx, rows, h, aliases, first_row, sheet, where, number_fields, placeholders,
                  summary)  # fmt: skip


def read_table(
    file: InputFile,
    ctx: Context,
    aliases: dict[str, list[str]],
    required: Sequence[str],
    what: str,
    *,
    prefer_sheets: Sequence[str] = (),
    number_fields: Sequence[str] | None = None,
    placeholders: bool = False,
    summary: Summary | None = None,
) -> Table:
    """The table of a CSV, or of the first sheet of a workbook with the header."""
    grids: list[tuple[str | None, list[Row], int]]
    if is_spreadsheet(file):
        sheets = sheets_of(file, ctx, what)
        wanted = {norm(p) for p in prefer_sheets}
        order = sorted(sheets, key=lambda s: norm(s) not in wanted)
        grids = [(name, sheets[name], 1) for name in order]
    else:
        r = rows_of(file, ctx, what)
        grids = [(None, r.rows, r.first_row)]
    for sheet, rows, first in grids:
        if placeholders:
            rows = [[clean_cell(c) for c in r] for r in rows]
        h = find_header_row(rows, aliases, required)
        if h is not None:
            return _build(ctx, rows, h, aliases, first, sheet, "", number_fields, placeholders,
                          summary)  # fmt: skip
    raise _no_header(ctx, grids, required, what, aliases)


def _build(
    ctx: Context,
    rows: Sequence[Sequence[Any]],
    h: int,
    aliases: dict[str, list[str]],
    first_row: int,
    sheet: str | None,
    where: str,
    number_fields: Sequence[str] | None,
    placeholders: bool,
    summary: Summary | None,
) -> Table:
    header = list(rows[h])
    width = len(header)
    hm = HeaderMap(header, aliases)
    hm.refuse_duplicates(ctx, "table" + (f" (sheet {sheet!r})" if sheet else ""), h + first_row)
    table = Table(
        hm=hm,
        header=header,
        header_row=h + first_row,
        body=[],
        above=[list(r) for r in rows[:h]],
        sheet=sheet,
        where=where,
        placeholders=placeholders,
    )
    totals: list[tuple[int, Any]] = []
    labels: dict[Any, bool] = {}  # `is_total_label` of each distinct first filled cell
    for j in range(h + 1, len(rows)):
        r = list(rows[j])
        c = r[0] if r else None
        if c.__class__ is not str or not c or c.isspace():  # else: text in the first cell
            try:
                if not "".join(r).strip():  # a row of text cells, all empty or blank
                    continue
            except TypeError:  # typed workbook cells
                if is_blank(r):
                    continue
        rn = j + first_row
        if len(r) < width:
            r += [None] * (width - len(r))
        for first in r[:3]:
            if first is not None and first != "":
                break
        else:
            first = None
        if first is not None:
            total = labels.get(first)
            if total is None:
                total = labels[first] = is_total_label(first)
            if total:
                totals.append((rn, total_label(r)))
                continue
        label = summary(table, r) if summary is not None else None
        if label:
            totals.append((rn, label))
            continue
        table.body.append((rn, r))
    ctx.rows_read += len(table.body) + len(totals)
    skipped_totals(ctx, totals)
    if number_fields is None:
        cells = list(chain.from_iterable(table.rows))
    else:
        cells = [v for f in number_fields if f in table.hm for v in table.cells(f)]
        cells = [v for v in cells if isinstance(v, str)]
    table.decimal = decimal_style(cells)
    return table


def _no_header(
    ctx: Context,
    grids: list[tuple[str | None, list[Row], int]],
    required: Sequence[str],
    what: str,
    aliases: dict[str, list[str]] | None = None,
) -> Exception:
    """The header row that comes closest, and only the columns it lacks, named as the
    platform's export names them."""
    best: tuple[int, int, list[str], list[Any]] | None = None  # (found, row, missing, cells)
    for _sheet, rows, first in grids:
        for i, row in enumerate(rows[:30]):
            hm = HeaderMap(row, aliases or {})
            found = sum(f in hm for f in required)
            if found and (best is None or found > best[0]):
                best = (found, first + i, [f for f in required if f not in hm], list(row))
    sheets = [str(s) for s, _, _ in grids if s is not None]
    where = f" (searched sheets {', '.join(sheets)})" if sheets else ""
    if best is not None and aliases:
        _, row_number, missing, head = best
        problem = f"this {what} has no {columns_named(aliases, missing)}{where}"
    else:
        head = grids[0][1][0] if grids and grids[0][1] else []
        row_number = grids[0][2] if grids else None
        names = columns_named(aliases or {}, required)
        problem = f"this {what} has no header row with the {names}{where}"
    return ctx.fail(
        problem,
        row=row_number,
        value=", ".join(str(c) for c in head if c not in (None, ""))[:200] or None,
        expected="the export's usual header (English, Spanish or Chinese)",
        hint=ADD_COLUMNS,
    )
