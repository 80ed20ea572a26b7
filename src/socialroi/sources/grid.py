"""A header row and the data rows below it, as exports lay them out.

Shared by parsers (LinkedIn, YouTube): find the header (often below a description row or a
report banner), skip blank and `Total` rows with a finding, and read a field's column as
numbers, dates or text with errors that name the spreadsheet row and column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from socialroi.sources.base import Context
from socialroi.sources.cells import (
    HeaderMap,
    NoYear,
    decimal_style,
    find_header_row,
    is_blank,
    is_total_row,
    norm,
    numbers,
    parse_date,
)

_HAS_YEAR = re.compile(r"\d{4}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2}")


@dataclass
class Table:
    """Rows under a header: `rows[i]` is spreadsheet row `numbers[i]`."""

    hm: HeaderMap
    rows: list[list[Any]]
    row_numbers: list[int]
    decimal: str
    where: str  # "sheet 'Metrics'" or "" for a CSV

    def has(self, field: str) -> bool:
        return field in self.hm

    def column(self, field: str) -> str:
        name = self.hm.column_name(field)
        return f"{self.where}: {name}" if self.where else name

    def cells(self, field: str) -> list[Any]:
        i = self.hm.index.get(field)
        if i is None:
            return [None] * len(self.rows)
        return [r[i] if i < len(r) else None for r in self.rows]

    def text(self, field: str) -> list[str | None]:
        out = []
        for c in self.cells(field):
            if c is None or (isinstance(c, float) and pd.isna(c)):
                out.append(None)
                continue
            s = str(c).strip()
            out.append(s or None)
        return out

    def numbers(self, ctx: Context, field: str, *, integer: bool = True) -> pd.Series | None:
        if field not in self.hm:
            return None
        return numbers(
            ctx,
            self.cells(field),
            self.row_numbers,
            self.column(field),
            decimal=self.decimal,
            integer=integer,
        )

    def dates(
        self,
        ctx: Context,
        field: str,
        *,
        period_end: dt.date | None = None,
        order: str = "MDY",
    ) -> list[dt.date | None]:
        """Dates of a column. A date without a year takes the year of the file's period
        (the year before when that would fall after the period), else `--year`."""
        year = period_end.year if period_end else ctx.options.year
        out: list[dt.date | None] = []
        for raw, rn in zip(self.cells(field), self.row_numbers):
            try:
                d = parse_date(raw, year=year, order=order)
            except ValueError as exc:
                no_year = isinstance(exc, NoYear)
                raise ctx.fail(
                    "dates in this export have no year and the file does not say its period"
                    if no_year
                    else "a cell is not a date",
                    row=rn,
                    column=self.column(field),
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
            out.append(d)
        return out


def read_table(
    ctx: Context,
    rows: Sequence[Sequence[Any]],
    aliases: dict[str, list[str]],
    required: Sequence[str],
    *,
    what: str,
    where: str = "",
    first_row: int = 1,
    header_index: int | None = None,
) -> Table:
    """Find the header, then keep the data rows (blank rows dropped, total rows skipped)."""
    h = header_index if header_index is not None else find_header_row(rows, aliases, required)
    if h is None:
        hm = HeaderMap(rows[0] if rows else [], aliases)
        hm.require(ctx, list(required), what, first_row)
        raise AssertionError("unreachable")  # pragma: no cover - require() raised
    hm = HeaderMap(rows[h], aliases)
    body: list[list[Any]] = []
    numbers_: list[int] = []
    skipped_first = None
    skipped = 0
    for i in range(h + 1, len(rows)):
        row = list(rows[i])
        if is_blank(row):
            continue
        rn = i + first_row
        ctx.rows_read += 1
        if is_total_row(row):
            skipped += 1
            skipped_first = skipped_first or (rn, next(c for c in row if c not in (None, "")))
            continue
        body.append(row)
        numbers_.append(rn)
    if skipped:
        ctx.rows_skipped += skipped
        ctx.finding(
            "skipped_total_row",
            f"{skipped} total row(s) left out of {what}: they repeat the sum of the other rows",
            row=skipped_first[0],
            value=skipped_first[1],
            rows=skipped,
        )
    text_cells = [c for r in body for c in r if isinstance(c, str)]
    return Table(hm, body, numbers_, decimal_style(text_cells), where)


def find_sheet(
    sheets: dict[str, list[list[Any]]],
    names: list[str],
    aliases: dict[str, list[str]],
    required: Sequence[str],
) -> tuple[str, int] | None:
    """The sheet named like `names` with a header holding `required` (or any such sheet)."""
    wanted = {norm(n) for n in names}
    ordered = sorted(sheets, key=lambda s: norm(s) not in wanted)
    for name in ordered:
        h = find_header_row(sheets[name], aliases, required)
        if h is not None:
            return name, h
    return None
