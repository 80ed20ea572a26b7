"""What the LinkedIn parsers share: the report aliases, the page a workbook belongs to (its
file name), the page's accounts row and dated rows."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from socialroi.model.aliases import aliases
from socialroi.sources.base import Context, InputFile
from socialroi.sources.kit.accounts import account_row
from socialroi.sources.kit.table import Table
from socialroi.sources.kit.tabular import sheets_of

P = "linkedin"


def sheet_names(key: str) -> list[str]:
    return aliases(P, "sheets")[key]


def report_aliases(report_name: str) -> dict[str, list[str]]:
    return aliases(P, report_name)


# -- the page a workbook belongs to --------------------------------------------------------

_PAGE_FILE = re.compile(
    r"^(?P<page>.+?)_(?P<kind>content|updates|followers|visitors)_(?P<ms>\d{10,13})"
    r"(?:\s*\(\d+\)|\s+\d{1,3}|-\d{1,3})?\.xlsx?$",  # downloaded twice: " (1)", " 1", "-1"
    re.IGNORECASE,
)


def file_parts(file: InputFile) -> tuple[str | None, dt.date | None]:
    """(page, export day) from a name like `voltiq_content_1736284800000.xls`."""
    m = _PAGE_FILE.match(file.name.rsplit("/", 1)[-1])
    if not m:
        return None, None
    ms = int(m["ms"])
    seconds = ms / 1000 if len(m["ms"]) == 13 else ms
    return m["page"], dt.datetime.fromtimestamp(seconds, dt.UTC).date()


def page_handle(file: InputFile, ctx: Context) -> str:
    """--account, else the page named in the file name, else a folder `@handle`."""
    if ctx.options.account:
        return ctx.options.account
    page, _ = file_parts(file)
    return page or ctx.account_handle(P)


def page_account(ctx: Context, handle: str, **extra: Any) -> dict[str, Any]:
    """The accounts row of a page or ad account (`extra`: native_id, name, currency)."""
    return account_row(ctx, P, handle, **extra)


def workbook(file: InputFile, ctx: Context) -> dict[str, list[list[Any]]]:
    return sheets_of(file, ctx, "LinkedIn Page analytics export (.xls or .xlsx)")


def no_sheet(ctx: Context, sheets: dict, what: str, sheet: str) -> Exception:
    return ctx.fail(
        f"this workbook has no {sheet!r} sheet with the usual header of a LinkedIn {what}",
        value=", ".join(sheets)[:200],
        expected=f"a sheet like {sheet!r} (English, Spanish or Chinese)",
    )


def required_dates(ctx: Context, t: Table, field: str, **kw: Any) -> list[dt.date]:
    days = t.dates(ctx, field, **kw)
    for d, rn in zip(days, t.row_numbers):
        if d is None:
            raise ctx.fail("a row has no date", row=rn, column=t.column(field), expected="a date")
    return days  # type: ignore[return-value]


def organic_first(t: Table, organic: str, total: str) -> str | None:
    return organic if t.has(organic) else (total if t.has(total) else None)
