"""Parsers for the costs ledger, the team time split and the accounts register (socialroi's
own CSV formats).

Costs ledger columns: `period_start` (YYYY-MM-DD, or a month YYYY-MM, quarter 2026-Q3 or year
2026 in `period`), `period_end` (optional when the period names a month/quarter/year),
`category`, `amount`, `currency`, and optional `platform`, `market`, `campaign`,
`allocation`, `description`, `id`, `team`. The allocation rules themselves are applied when
costs are measured (`socialroi.measure.costs.allocate`); here each line is validated and stored.

Time split columns: `team`, `period` (as in the costs ledger), optional `period_end`,
`platform`, `market`, `hours`. It drives the `hours_share` allocation rule.
"""

from __future__ import annotations

import hashlib
import re
from zoneinfo import available_timezones

import pandas as pd

from socialroi.model.aliases import aliases
from socialroi.sources.base import PLATFORMS, Context, InputFile, account_id, report
from socialroi.sources.kit.cells import decimal_style, is_blank, numbers
from socialroi.sources.kit.dates import period_bounds
from socialroi.sources.kit.headers import HeaderMap, column_letter
from socialroi.sources.kit.sniff import Sniff
from socialroi.sources.kit.tabular import read_rows

CATEGORIES = (
    "ad_spend", "salaries", "tools", "community_management", "analytics_platform",
    "creative_production", "agency", "other",
)  # fmt: skip
ALLOCATIONS = ("direct", "ad_spend_share", "posts_share", "hours_share", "even")
KINDS = ("brand", "employee", "creator", "ads", "shop", "crm")


def _detect_costs(s: Sniff) -> float:
    if s.kind != "text" or not s.rows:
        return 0.0
    hm = HeaderMap(s.rows[0], aliases("ledger", "costs"))
    need = ("category", "amount", "currency", "period_start")
    return 0.9 if all(f in hm for f in need) else 0.0


def _choice(ctx: Context, value: str, valid: tuple[str, ...], row: int, column: str) -> str:
    v = value.strip().lower().replace(" ", "_").replace("-", "_")
    if v not in valid:
        raise ctx.fail(
            f"unknown {column}",
            row=row,
            column=column,
            value=value,
            expected="one of " + ", ".join(valid),
        )
    return v


@report("ledger", "costs", "socialroi costs ledger", detect=_detect_costs)
def parse_costs(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    rows = read_rows(file)
    if not rows.rows:
        raise ctx.fail("the costs ledger is empty", expected="a header row and cost lines")
    hm = HeaderMap(rows.rows[0], aliases("ledger", "costs"))
    hm.require(ctx, ["period_start", "category", "amount", "currency"], "costs ledger", 1)
    body = [
        (rows.row_number(i), r) for i, r in enumerate(rows.rows[1:], start=1) if not is_blank(r)
    ]
    ctx.rows_read = len(body)
    _named_columns(ctx, hm, body, "costs ledger")

    def cell(r: list[str], field: str) -> str:
        i = hm.index.get(field)
        return r[i].strip() if i is not None and i < len(r) else ""

    amounts_raw = [cell(r, "amount") for _, r in body]
    amounts = numbers(
        ctx,
        amounts_raw,
        [n for n, _ in body],
        hm.column_name("amount"),
        decimal=decimal_style(amounts_raw),
    )
    out = []
    for (rn, r), amount in zip(body, amounts):
        start, end = _period(ctx, hm, rn, cell(r, "period_start"), cell(r, "period_end"))
        if pd.isna(amount):
            raise ctx.fail(
                "a cost line has no amount",
                row=rn,
                column=hm.column_name("amount"),
                expected="an amount",
            )
        currency = cell(r, "currency").upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise ctx.fail(
                "not a currency code",
                row=rn,
                column=hm.column_name("currency"),
                value=cell(r, "currency"),
                expected="an ISO 4217 code such as USD",
            )
        platform = cell(r, "platform").lower() or None
        if platform and platform not in PLATFORMS:
            raise ctx.fail(
                "unknown platform",
                row=rn,
                column=hm.column_name("platform"),
                value=platform,
                expected="one of " + ", ".join(PLATFORMS),
            )
        alloc = cell(r, "allocation")
        line = {
            "period_start": start,
            "period_end": end,
            "category": _choice(
                ctx, cell(r, "category"), CATEGORIES, rn, hm.column_name("category")
            ),
            "amount": float(amount),
            "currency": currency,
            "platform": platform,
            "market": cell(r, "market").upper() or None,
            "campaign": cell(r, "campaign") or None,
            "allocation": _choice(ctx, alloc, ALLOCATIONS, rn, hm.column_name("allocation"))
            if alloc
            else None,
            "description": cell(r, "description") or None,
        }
        if team := cell(r, "team"):  # only when given, so older lines keep their hash ids
            line["team"] = team
        given = cell(r, "cost_id")
        digest = hashlib.sha256(repr(sorted(line.items())).encode()).hexdigest()[:16]
        line["cost_id"] = given or f"line:{digest}"
        out.append(line)
    _unique_ids(ctx, hm, body, [line["cost_id"] for line in out])
    return {"costs": pd.DataFrame(out)}


def _named_columns(ctx: Context, hm: HeaderMap, body: list, what: str) -> None:
    """A column that holds values under a blank header (an `id` header deleted by hand) would
    be ignored, and its lines keyed by content instead: refused."""
    for i, h in enumerate(hm.header):
        if h.strip():
            continue
        filled = next(((rn, r[i]) for rn, r in body if i < len(r) and r[i].strip()), None)
        if filled:
            raise ctx.fail(
                f"column {column_letter(i)} of the {what} holds values but has no header",
                row=1,
                value=filled[1],
                expected="a header on every column that holds values (an id column is `id`)",
            )


def _unique_ids(ctx: Context, hm: HeaderMap, body: list, keys: list[str]) -> None:
    """Two lines with one id would store as one: refused, naming both rows."""
    first: dict[str, int] = {}
    for (rn, _), key in zip(body, keys):
        if key in first and key.startswith("line:"):
            raise ctx.fail(
                f"rows {first[key]} and {rn} are the same cost line, and no id tells them apart",
                row=rn,
                expected="an `id` column, or one line per cost (add the two amounts up)",
            )
        if key in first:
            raise ctx.fail(
                f"rows {first[key]} and {rn} have the same id",
                row=rn,
                column=hm.column_name("cost_id"),
                value=key,
                expected="one id per cost line",
            )
        first[key] = rn


def _detect_time_split(s: Sniff) -> float:
    if s.kind != "text" or not s.rows:
        return 0.0
    hm = HeaderMap(s.rows[0], aliases("ledger", "time_split"))
    need = ("team", "period_start", "platform", "market", "hours")
    return 0.9 if all(f in hm for f in need) else 0.0


def _period(ctx: Context, hm: HeaderMap, rn: int, start_text: str, end_text: str):
    got = period_bounds(start_text)
    if got is None:
        raise ctx.fail(
            "cannot read the period",
            row=rn,
            column=hm.column_name("period_start"),
            value=start_text,
            expected="YYYY-MM-DD, YYYY-MM, YYYY-Qn or YYYY",
        )
    start, end = got
    if end_text:
        eb = period_bounds(end_text)
        if eb is None:
            raise ctx.fail(
                "cannot read the period end",
                row=rn,
                column=hm.column_name("period_end"),
                value=end_text,
                expected="YYYY-MM-DD",
            )
        end = eb[1]
    if end < start:
        raise ctx.fail(
            "the period ends before it starts",
            row=rn,
            column=hm.column_name("period_end"),
            value=end_text,
            expected=f"a date on or after {start}",
        )
    return start, end


@report("ledger", "time_split", "socialroi team time split", detect=_detect_time_split)
def parse_time_split(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    rows = read_rows(file)
    if not rows.rows:
        raise ctx.fail("the time split is empty", expected="a header row and hours lines")
    hm = HeaderMap(rows.rows[0], aliases("ledger", "time_split"))
    hm.require(ctx, ["team", "period_start", "platform", "market", "hours"], "time split", 1)
    body = [
        (rows.row_number(i), r) for i, r in enumerate(rows.rows[1:], start=1) if not is_blank(r)
    ]
    ctx.rows_read = len(body)

    def cell(r: list[str], field: str) -> str:
        i = hm.index.get(field)
        return r[i].strip() if i is not None and i < len(r) else ""

    hours_raw = [cell(r, "hours") for _, r in body]
    hours = numbers(
        ctx,
        hours_raw,
        [n for n, _ in body],
        hm.column_name("hours"),
        decimal=decimal_style(hours_raw),
    )
    out = []
    for (rn, r), h in zip(body, hours):
        start, end = _period(ctx, hm, rn, cell(r, "period_start"), cell(r, "period_end"))
        team = cell(r, "team")
        if not team:
            raise ctx.fail(
                "a time-split line names no team",
                row=rn,
                column=hm.column_name("team"),
                expected="a team or person name",
            )
        platform = cell(r, "platform").lower()
        if platform not in PLATFORMS:
            raise ctx.fail(
                "unknown platform",
                row=rn,
                column=hm.column_name("platform"),
                value=cell(r, "platform"),
                expected="one of " + ", ".join(PLATFORMS),
            )
        market = cell(r, "market").upper()
        if not re.fullmatch(r"[A-Z]{2,3}", market):
            raise ctx.fail(
                "not a market code",
                row=rn,
                column=hm.column_name("market"),
                value=cell(r, "market"),
                expected="an ISO country code such as US",
            )
        if cell(r, "hours").endswith("%"):
            raise ctx.fail(
                "hours are written as a percentage",
                row=rn,
                column=hm.column_name("hours"),
                value=cell(r, "hours"),
                expected="hours such as 12.5 (the time split counts hours, not shares)",
            )
        if pd.isna(h) or h < 0:
            raise ctx.fail(
                "hours must be a number of zero or more",
                row=rn,
                column=hm.column_name("hours"),
                value=cell(r, "hours"),
                expected="hours such as 12.5",
            )
        out.append(
            {
                "team": team,
                "period_start": start,
                "period_end": end,
                "platform": platform,
                "market": market,
                "hours": float(h),
            }
        )
    return {"time_split": pd.DataFrame(out)}


def _detect_accounts(s: Sniff) -> float:
    if s.kind != "text" or not s.rows:
        return 0.0
    hm = HeaderMap(s.rows[0], aliases("ledger", "accounts"))
    return 0.9 if all(f in hm for f in ("platform", "handle", "market", "timezone")) else 0.0


@report("ledger", "accounts", "socialroi accounts register", detect=_detect_accounts)
def parse_accounts(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    rows = read_rows(file)
    hm = HeaderMap(rows.rows[0], aliases("ledger", "accounts"))
    hm.require(ctx, ["platform", "handle"], "accounts register", 1)
    zones = available_timezones()
    out = []
    for i, r in enumerate(rows.rows[1:], start=1):
        if is_blank(r):
            continue
        rn = rows.row_number(i)
        ctx.rows_read += 1

        def cell(field: str, r: list[str] = r) -> str:
            j = hm.index.get(field)
            return r[j].strip() if j is not None and j < len(r) else ""

        platform = cell("platform").lower()
        if platform not in (*PLATFORMS, "shop", "crm", "web"):
            raise ctx.fail(
                "unknown platform",
                row=rn,
                column=hm.column_name("platform"),
                value=platform,
                expected="one of " + ", ".join(PLATFORMS),
            )
        tz = cell("timezone") or "UTC"
        if tz not in zones:
            raise ctx.fail(
                "unknown time zone",
                row=rn,
                column=hm.column_name("timezone"),
                value=tz,
                expected="an IANA time zone such as Asia/Shanghai",
            )
        kind = cell("kind")
        out.append(
            {
                "account_id": account_id(platform, cell("handle")),
                "platform": platform,
                "native_id": cell("native_id") or None,
                "handle": cell("handle"),
                "name": cell("name") or None,
                "market": cell("market").upper() or None,
                "currency": cell("currency").upper() or None,
                "timezone": tz,
                "kind": _choice(ctx, kind, KINDS, rn, hm.column_name("kind")) if kind else None,
            }
        )
    return {"accounts": pd.DataFrame(out)}
