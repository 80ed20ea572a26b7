"""What the Meta parsers share beyond the kit: the report's aliases and language, ids that a
European Excel mangled, per-column numbers, the Page's time zone and Meta's accounts rows."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from socialroi.model.aliases import aliases
from socialroi.sources.base import Context, InputFile
from socialroi.sources.kit.accounts import account_facts, given_handle, valid_timezone
from socialroi.sources.kit.cells import clean_id, decimal_style, ids, numbers
from socialroi.sources.kit.headers import HeaderMap, header_language
from socialroi.sources.kit.sniff import Sniff
from socialroi.sources.kit.table import Summary, Table
from socialroi.sources.kit.table import read_table as read_any_table

SOURCE = "meta"
# Business Suite, Page Insights and new ad accounts report in the Page's / ad account's time
# zone; Meta's default for both is US Pacific. Used only when nothing else says.
DEFAULT_TZ = "America/Los_Angeles"


# -- reading -------------------------------------------------------------------------------


def read_table(
    file: InputFile,
    ctx: Context,
    report: str,
    required: Sequence[str],
    what: str,
    *,
    prefer_sheets: Sequence[str] = (),
    summary: Summary | None = None,
) -> Table:
    """The report's table (the kit's reader with its aliases), and the header's language."""
    t = read_any_table(
        file, ctx, aliases(SOURCE, report), required, what, prefer_sheets=prefer_sheets,
        summary=summary,
    )  # fmt: skip
    t.language = header_language(SOURCE, report, t.header)
    return t


def sniff_tables(s: Sniff) -> list[list[list[Any]]]:
    """The first rows of a text file, or of every sheet of a workbook."""
    if s.kind == "text":
        return [s.rows] if s.rows else []
    if s.kind == "spreadsheet":
        return list(s.sheets.values())
    return []


def header_score(s: Sniff, report: str, groups: Sequence[Sequence[str]], limit: int = 15) -> float:
    """1.0 when some row within `limit` rows has a field of every group, else 0."""
    al = aliases(SOURCE, report)
    for rows in sniff_tables(s):
        for row in rows[:limit]:
            hm = HeaderMap(row, al)
            if all(any(f in hm for f in g) for g in groups):
                return 1.0
    return 0.0


# -- ids -----------------------------------------------------------------------------------

_SCI_COMMA = re.compile(r"^\s*(\d),(\d+)([eE]\+?\d+)\s*$")


def _dot_sci(v: Any) -> Any:
    """A European Excel writes mangled ids with a decimal comma: 1,80412E+16."""
    if isinstance(v, str) and (m := _SCI_COMMA.match(v)):
        return f"{m[1]}.{m[2]}{m[3]}"
    return v


def id_column(ctx: Context, cells: Sequence[Any], row_numbers: Sequence[int], column: str):
    """`cells.ids` that also recognises 1,80412E+16 as a mangled id."""
    return ids(ctx, [_dot_sci(c) for c in cells], row_numbers, column)


def one_id(v: Any) -> str | None:
    return clean_id(_dot_sci(v))[0]


# -- numbers -------------------------------------------------------------------------------


def number_columns(
    ctx: Context,
    t: Table,
    fields: Sequence[str],
    rows: Sequence[tuple[int, list[Any]]],
    *,
    integer: bool = True,
) -> dict[str, pd.Series]:
    """Parse the numeric columns present in the header (missing ones are left out); each
    column's decimal mark is read from its own cells."""
    out: dict[str, pd.Series] = {}
    rns = [rn for rn, _ in rows]
    for f in fields:
        if f not in t.hm:
            continue
        raw = t.values(f, rows)
        out[f] = numbers(ctx, raw, rns, t.column(f), decimal=decimal_style(raw), integer=integer)
    return out


# -- time zones and accounts ---------------------------------------------------------------


def account_timezone(ctx: Context, account_ids: Sequence[str], what: str) -> str:
    """--timezone, else the accounts register, else Meta's default (with a finding)."""
    if ctx.options.timezone:
        return valid_timezone(ctx, ctx.options.timezone)
    zones = {account_facts(ctx, a).get("timezone") for a in account_ids} - {None, ""}
    if len(zones) == 1:
        return valid_timezone(ctx, zones.pop())
    ctx.finding(
        "assumed_timezone",
        f"{what} carry no time zone; read as {DEFAULT_TZ} (Meta's default for Pages and ad "
        "accounts). Pass --timezone or register the account's time zone if it differs",
        value=DEFAULT_TZ,
        rows=max(ctx.rows_read, 1),
    )
    return DEFAULT_TZ


def platform_in_path(file: InputFile) -> str | None:
    """`.../instagram/@handle/x.csv` or a file name mentioning Instagram / Facebook."""
    parts = [file.name]
    if file.path is not None:
        parts += [p for p in file.path.parts[-4:]]
    for p in parts:
        low = p.lower()
        if "instagram" in low:
            return "instagram"
        if "facebook" in low:
            return "facebook"
    return None


def folder_handle(ctx: Context) -> str | None:
    """--account, else a folder named @handle: the user's word on whose export this is."""
    h = given_handle(ctx)
    if not h:
        return None
    h = str(h).strip()
    return h[1:] if h.startswith("@") else h


def account_row(
    ctx: Context,
    account_id: str,
    platform: str,
    handle: str | None,
    *,
    native_id: str | None = None,
    name: str | None = None,
    kind: str | None = None,
    currency: str | None = None,
) -> dict[str, Any]:
    """An accounts row; time zone and market only when the user said them."""
    tz = ctx.options.timezone
    return {
        "account_id": account_id,
        "platform": platform,
        "native_id": native_id,
        "handle": handle,
        "name": name,
        "market": ctx.options.market.upper() if ctx.options.market else None,
        "currency": currency,
        "timezone": valid_timezone(ctx, tz) if tz else None,
        "kind": kind,
    }
