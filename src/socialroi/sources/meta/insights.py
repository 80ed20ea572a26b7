"""Meta Business Suite Insights per-metric exports: one CSV per account metric.

Business Suite > Insights > Overview / Results > (a metric's chart) > Export downloads one file
per metric, usually UTF-16 LE with a BOM, an Excel `sep=,` line, a title line naming the
metric and then `Date,Primary` rows:

    sep=,
    "Instagram follows"
    "Date","Primary"
    "2025-08-01T00:00:00","20"

The file does not name the account: it comes from --account or a folder named @handle.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from socialroi.model.aliases import aliases
from socialroi.sources.base import Context, InputFile, account_id, report
from socialroi.sources.kit.dates import dates, slash_order
from socialroi.sources.kit.headers import HeaderMap, find_header_row, header_language, norm
from socialroi.sources.kit.sniff import Sniff
from socialroi.sources.kit.table import table_from_rows
from socialroi.sources.kit.tabular import is_spreadsheet, rows_of, sheets_of
from socialroi.sources.meta.common import SOURCE, account_row, platform_in_path

REPORT = "business_suite_metric"
WHAT = "Business Suite Insights export"
COLUMNS = ("metric_date", "value")
NOT_STORED: set[str] = set()  # metrics read for detection but with no canonical column

_PLATFORM_WORD = re.compile(
    r"(?:\b(?:de|del|en|a|al|on|from)\s+)?\b(instagram|facebook)\b\s*(?:的)?", re.IGNORECASE
)


def _column_aliases() -> dict[str, list[str]]:
    al = aliases(SOURCE, REPORT)
    return {k: al[k] for k in COLUMNS}


def _metric_aliases() -> dict[str, list[str]]:
    al = aliases(SOURCE, REPORT)
    return {k: v for k, v in al.items() if k not in COLUMNS}


def metric_of(title: str) -> tuple[str | None, str | None]:
    """`Instagram follows` -> ("follows", "instagram"); unknown titles -> (None, platform)."""
    t = norm(title)
    m = _PLATFORM_WORD.search(t)
    platform = m.group(1).lower() if m else None
    bare = norm(_PLATFORM_WORD.sub(" ", t))
    for field, names in _metric_aliases().items():
        if bare in {norm(n) for n in names} or t in {norm(n) for n in names}:
            return field, platform
    return None, platform


def _title_above(rows: list[list[Any]], header: int) -> tuple[int, str] | None:
    for i in range(header - 1, -1, -1):
        cells = [c for c in rows[i] if c not in (None, "")]
        if not cells:
            continue
        if len(cells) == 1:
            return i, str(cells[0]).strip()
        return None
    return None


def _detect(s: Sniff) -> float:
    rows = s.rows if s.kind == "text" else next(iter(s.sheets.values()), [])
    if not rows:
        return 0.0
    i = find_header_row(rows[:6], _column_aliases(), COLUMNS)
    if i is None:
        return 0.0
    hm = HeaderMap(rows[i], _column_aliases())
    width = len([c for c in rows[i] if c not in (None, "")])
    if _title_above(rows, i) is not None and hm.index.get("metric_date") == 0:
        return 0.9
    return 0.6 if width == 2 else 0.0


def _platform_of(ctx: Context) -> str | None:
    """Facebook or Instagram when the file does not say: `--platform facebook|instagram`,
    else the one of the two under which the workspace knows the account's handle."""
    given = (ctx.options.platform or "").lower()
    if given in ("facebook", "instagram"):
        return given
    handle = ctx.options.account or ctx.file.folder_hint
    if not handle:
        return None
    known = getattr(ctx, "known_accounts", None) or {}
    found = [p for p in ("facebook", "instagram") if account_id(p, handle) in known]
    return found[0] if len(found) == 1 else None


def _rows(file: InputFile, ctx: Context) -> tuple[list[list[Any]], int]:
    if is_spreadsheet(file):
        return next(iter(sheets_of(file, ctx, WHAT).values()), []), 1
    r = rows_of(file, ctx, WHAT)
    return r.rows, r.first_row


@report(
    SOURCE,
    REPORT,
    "Meta Business Suite Insights metric export (one metric per file, account by day)",
    detect=_detect,
)
def parse(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    rows, first = _rows(file, ctx)
    hi = find_header_row(rows, _column_aliases(), COLUMNS)
    if hi is None:
        raise ctx.fail(
            "this Insights export has no Date / Primary header",
            row=first,
            value=", ".join(str(c) for c in (rows[0] if rows else []) if c)[:200] or None,
            expected='a title line such as "Reach" and then "Date","Primary"',
        )
    found = _title_above(rows, hi)
    if found is None:
        raise ctx.fail(
            "this Insights export does not say which metric it holds",
            row=first + hi,
            expected='a title line such as "Reach" or "Instagram follows" above Date / Primary',
        )
    title_i, title = found
    field, platform = metric_of(title)
    if field is None:
        known = sorted({n for ns in _metric_aliases().values() for n in ns[:1]})
        raise ctx.fail(
            "unknown Insights metric",
            row=first + title_i,
            value=title,
            expected="one of " + ", ".join(known),
        )
    platform = platform or platform_in_path(file) or _platform_of(ctx)
    if platform is None:
        ctx.account_handle("Meta")  # no account either: say that first
        raise ctx.fail(
            f"this Business Suite export ({title!r}) does not say whether it is Facebook's or "
            "Instagram's, and storing it under the wrong one would overwrite the other's days",
            row=first + title_i,
            value=title,
            expected="a title naming the platform (Instagram reach) or a file or folder name "
            "with facebook or instagram in it",
            hint="Put the file in a folder named facebook or instagram (e.g. "
            "instagram/@handle/Views.csv), or pass --platform facebook or --platform instagram.",
        )
    handle = ctx.account_handle(platform)
    handle = handle[1:] if handle.startswith("@") else handle
    aid = account_id(platform, handle)

    t = table_from_rows(
        ctx, rows, _column_aliases(), COLUMNS, WHAT, header_index=hi, first_row=first,
        number_fields=["value"],
    )  # fmt: skip
    kept, rns = t.body, t.row_numbers
    raw_dates = t.cells("metric_date")
    date_col = t.column("metric_date")
    language = header_language(SOURCE, REPORT, rows[hi])
    days = dates(ctx, raw_dates, rns, date_col, order=slash_order(raw_dates, language))
    for rn, d, raw in zip(rns, days, raw_dates):
        if d is None:
            raise ctx.fail("a row has no date", row=rn, column=date_col, value=raw)
    values = t.numbers(ctx, "value", integer=True)

    accounts = pd.DataFrame([account_row(ctx, aid, platform, handle)])
    if field in NOT_STORED:
        ctx.finding(
            "metric_not_stored",
            f"{len(kept)} day(s) of '{title}' read but not stored: the account_metrics table "
            "has no column for it",
            row=first + title_i,
            value=title,
            rows=max(len(kept), 1),
        )
        return {"accounts": accounts}
    frame = pd.DataFrame(
        {
            "account_id": aid,
            "platform": platform,
            "metric_date": list(days),
            field: values,
        }
    )
    return {"accounts": accounts, "account_metrics": frame}
