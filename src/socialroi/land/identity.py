"""Identity is never silently lost: a file keyed by its fallback key beside rows keyed by id.

Rows are matched by the platform's own ids: an ad's `Ad ID`, a Salesforce opportunity id, a
ledger line's `id`. Where an export has no ids, parsers fall back to a documented key (names
for ads, `row-<hash of name, account, created date>` for opportunities, `line:<hash of the
line>` for cost lines) and say so in a finding. The two keys of one line never meet: so when a
file keyed by the fallback covers days for which the workspace holds the same scope's rows
keyed by id (or the other way round), storing it would add the same lines a second time. The
file is refused with a sentence that names both keys (docs/limits.md).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from socialroi.sources.base import Context
from socialroi.store import reads
from socialroi.store.duckdb import DuckDBStore

# table -> (key column, date column, scope column or None, fallback-key pattern, what)
FALLBACK_KEYS = {
    "ad_metrics": ("entity_id", "metric_date", "account_id", r":name:", "ads"),
    "conversions": ("conversion_id", "local_date", "origin", r"^salesforce:row-", "opportunities"),
    "costs": ("cost_id", "period_start", None, r"^line:", "cost lines"),
}


def check(store: DuckDBStore, ctx: Context, arrow: dict[str, pa.Table]) -> None:
    _fallback_keys(store, ctx, arrow)
    _periods(store, ctx, arrow.get("ad_metrics"))
    _platform_of_ids(store, ctx, arrow.get("campaigns"))
    _traffic_breakdown(store, ctx, arrow.get("traffic_daily"))


def _platform_of_ids(store: DuckDBStore, ctx: Context, data: pa.Table | None) -> None:
    """Ads ids the workspace holds under another platform: the file was read as the wrong
    platform's report (a column it was known by is missing), and its rows would be added
    beside the real ones."""
    if data is None or not data.num_rows or "native_id" not in data.column_names:
        return
    platforms = {p for p in pc.unique(data.column("platform")).to_pylist() if p}
    if platforms & META:  # one Meta ad account serves both: its ids appear under either
        platforms |= META
    ids = [v for v in pc.unique(data.column("native_id")).to_pylist() if v]
    found = reads.campaigns_elsewhere(store, sorted(platforms), ids)
    if found:
        native, held = found[0]
        mine = "/".join(sorted(platforms))
        raise ctx.fail(
            f"this file reads as a {mine} report, but its id {native} is a {held} "
            "campaign, ad group or ad in the workspace",
            expected=f"a {held} report with its usual columns",
            hint="Name the format with --platform and --report, or export the report again.",
        )


META = {"facebook", "instagram"}


BREAKDOWN = ("source", "medium", "campaign", "market")


def _blank(data: pa.Table, col: str) -> int:
    """Rows whose dimension is empty (parsers write '' for a dimension the report lacks)."""
    if col not in data.column_names:
        return data.num_rows
    values = data.column(col)
    return values.null_count + int(pc.sum(pc.equal(values, "")).as_py() or 0)


def _traffic_breakdown(store: DuckDBStore, ctx: Context, data: pa.Table | None) -> None:
    """Web traffic is stored per day x source x medium x campaign x market. A file without one
    of those dimensions (or with one the workspace's rows for those days lack), or without
    days (one period total), would store its sessions beside the ones held: refused."""
    if data is None or not data.num_rows or "metric_date" not in data.column_names:
        return
    origins = [v for v in pc.unique(data.column("origin")).to_pylist() if v]
    start, end = pc.min(data.column("metric_date")).as_py(), pc.max(data["metric_date"]).as_py()
    for f in ctx.findings:
        if f.kind == "period_total" and f.value and ".." in f.value:
            lo, hi = f.value.split("..", 1)
            held = reads.breakdown_rows(store, origins, lo, hi, "metric_date", null=False)
            if held:
                raise ctx.fail(
                    f"this report has no Date dimension: it holds totals for {lo} to {hi}, "
                    f"while the workspace holds {held} daily rows for those days",
                    expected="a report with the Date dimension, like the one imported before",
                    hint="Add Date as a secondary dimension in GA4 and download it again.",
                )
    for col in BREAKDOWN:
        missing = _blank(data, col)
        if missing not in (0, data.num_rows):
            continue
        held = reads.breakdown_rows(store, origins, start, end, col, null=missing == 0)
        if held:
            has = "has no" if missing else "has a"
            other = "by" if missing else "without"
            raise ctx.fail(
                f"this traffic report {has} {col} column, while the workspace holds {held} "
                f"rows for {start} to {end} {other} {col}: the same sessions would be counted "
                "twice",
                column=col,
                expected="the same dimensions as the report imported before",
            )


def _periods(store: DuckDBStore, ctx: Context, data: pa.Table | None) -> None:
    """An ads report read by day where the workspace holds the same ads by period (or the other
    way round: a report whose day column was lost reads as one row per reporting period)."""
    cols = ["entity_id", "metric_date", "period_end"]
    if data is None or not data.num_rows or any(c not in data.column_names for c in cols):
        return
    found = reads.overlapping_periods(store, data.select(cols))
    if found:
        entity, start, end, held_start, held_end = found[0]
        raise ctx.fail(
            f"this file's figures for {entity} cover {start} to {end}, while the workspace "
            f"holds that ad's figures for {held_start} to {held_end}: the same days would be "
            "counted twice",
            expected="the same breakdown as the report imported before (one row per day)",
            hint="Export the report again with the Day breakdown.",
        )


def _fallback_keys(store: DuckDBStore, ctx: Context, arrow: dict[str, pa.Table]) -> None:
    for table, (key, date_col, scope_col, pattern, what) in FALLBACK_KEYS.items():
        data = arrow.get(table)
        if data is None or not data.num_rows or key not in data.column_names:
            continue
        fallback = pc.match_substring_regex(data.column(key), pattern)
        for by_fallback in (True, False):
            rows = data.filter(fallback if by_fallback else pc.invert(fallback))
            if not rows.num_rows or date_col not in rows.column_names:
                continue
            days = rows.column(date_col)
            if days.null_count == len(days):
                continue
            scope = None
            if scope_col and scope_col in rows.column_names:
                scope = (scope_col, [v for v in pc.unique(rows.column(scope_col)).to_pylist() if v])
            held = reads.keys_between(
                store, table, key, date_col, pc.min(days).as_py(), pc.max(days).as_py(),
                scope, pattern, matching=not by_fallback,
            )  # fmt: skip
            if held:
                ours = rows.column(key)[0].as_py()
                how = "by name or content, as this file has no id for them" if by_fallback else (
                    "by id, while the workspace holds them by name or content")  # fmt: skip
                raise ctx.fail(
                    f"this file keys its {what} {how}; the workspace already holds these days "
                    f"keyed otherwise (e.g. {held[0]!r}, where this file has {ours!r}), so the "
                    "same lines would be added a second time",
                    column=key,
                    expected="the same key column as the file imported before (an id column "
                    "the export writes)",
                    hint="Export the report again with its id column, or delete the earlier "
                    "batch first.",
                )
