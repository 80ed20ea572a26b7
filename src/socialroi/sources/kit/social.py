"""What social exports (TikTok, X, Pinterest) share beyond reading their table.

`sniff_score` and `header_of` are detection over a file's head (any sheet); `handle_from_urls`
finds the account in post links; `ids_from_links` recovers post ids a spreadsheet turned into
`1.22158E+17` from the post's link.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from socialroi.sources.base import Context
from socialroi.sources.kit.cells import clean_id
from socialroi.sources.kit.headers import HeaderMap, find_header_row
from socialroi.sources.kit.sniff import Sniff
from socialroi.sources.kit.table import Table


def sniff_score(s: Sniff, aliases: dict[str, list[str]], required: Sequence[str]) -> float:
    """0.9 when some row in the file's head (any sheet) holds all `required` fields."""
    for rows in s.clean_grids:
        if find_header_row(rows, aliases, required) is not None:
            return 0.9
    return 0.0


def header_of(s: Sniff, aliases: dict[str, list[str]], required: Sequence[str]):
    """The HeaderMap of the detected header row, for detectors that look at other columns."""
    for rows in s.clean_grids:
        i = find_header_row(rows, aliases, required)
        if i is not None:
            return HeaderMap(rows[i], aliases)
    return None


_HANDLE_IN_URL = re.compile(r"(?:tiktok\.com/@|(?:twitter|x)\.com/)([A-Za-z0-9._]+)")


def handle_from_urls(urls: Sequence[str | None]) -> str | None:
    for u in urls:
        if u and (m := _HANDLE_IN_URL.search(u)) and m[1].lower() not in ("i", "intent"):
            return m[1]
    return None


def ids_from_links(
    ctx: Context, table: Table, f: str, urls: Sequence[str | None], pattern: re.Pattern
) -> tuple[list[str], list[bool]]:
    """Post ids; one that a spreadsheet turned into `1.22158E+17` is taken from the post's
    link when the link has it (`pattern` captures the id), else kept as text and flagged."""
    natives, mangled = [], []
    recovered = lost = 0
    first_bad = None
    for raw, u, rn in zip(table.cells(f), urls, table.row_numbers):
        nid, bad = clean_id(raw)
        m = pattern.search(u or "")
        if bad:
            first_bad = first_bad or (rn, raw)
            if m:
                nid, bad = m[1], False
                recovered += 1
            else:
                lost += 1
        if not nid and m:
            nid = m[1]
        if not nid:
            raise ctx.fail(
                "a post has no id",
                row=rn,
                column=table.column(f),
                expected="the post's numeric id (or its link)",
            )
        natives.append(nid)
        mangled.append(bad)
    if first_bad:
        ctx.finding(
            "mangled_id",
            f"{recovered + lost} id(s) were saved by a spreadsheet in scientific notation; "
            f"{recovered} recovered from the post link, {lost} kept as text and flagged "
            "(those cannot be matched to other files)",
            row=first_bad[0],
            column=table.column(f),
            value=first_bad[1],
            rows=recovered + lost,
        )
    return natives, mangled
