"""The one path every batch lands through, file import and API sync alike.

`prepare` turns a source's staging frames into unified Arrow tables: plausibility checks,
typed Arrow, validation (keys, currencies), identity checks against what is stored, and the
shared unify step (base-currency amounts, channels). `write` upserts them under a batch id
inside the caller's transaction and `record` writes the batch row and its findings in the
same transaction, so a batch is whole or absent. `land.importer` (files) and `sync` (APIs)
both call these; neither has a loading path of its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import ibis
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from socialroi.errors import SocialroiError
from socialroi.land import identity, plausible, resident
from socialroi.land.state import SYNC_PREFERS as SYNC_PREFERS  # sync reads it from here
from socialroi.land.state import RunState
from socialroi.model.channels import ChannelRule, load_rules, rules_data
from socialroi.model.currencies import ecb_last_date, known_currencies
from socialroi.model.schema import TABLES
from socialroi.sources.api import connectors
from socialroi.sources.base import Context, Resident, Staged
from socialroi.store import batches, connections, reads
from socialroi.store.duckdb import DuckDBStore
from socialroi.store.loader import upsert
from socialroi.unify import fx as fxmod
from socialroi.unify.canonical import (
    CHANNEL_TABLES,
    MONEY,
    needs_unify,
    padded,
    staged_to_arrow,
    unified_columns,
    unify,
    unify_table,
)

MAX_FX_DAYS = 40 * 366  # the daily exchange-rate table of one batch (2000 to today and more)
DATE_COLUMNS = ("metric_date", "local_date", "period_start", "period_end")


def prepare(
    store: DuckDBStore,
    ctx: Context,
    staged: Staged,
    base_currency: str,
    rules: list[ChannelRule] | None,
    state: RunState | None = None,
) -> dict[str, pa.Table]:
    """Staging frames -> unified Arrow tables, ready to `write` (raises `ctx.fail(...)`).
    `state`: what the run has read of the workspace already (the exchange-rate overrides)."""
    return unify_checked(store, ctx, checked(ctx, staged), base_currency, rules, state)


def checked(ctx: Context, staged: Staged) -> dict[str, pa.Table | Resident]:
    """The first half of `prepare`, which needs no workspace: plausibility, typed Arrow,
    validation (an import run does it in its parse-ahead worker, `land.ahead`). Rows a
    parser left in the database (`land.resident`) are checked there."""
    kept: Staged = {}
    for t, f in resident.arrow(staged).items():  # table by table, in the parser's order
        if isinstance(f, Resident):
            kept[t] = resident.check(ctx, t, f) if f.rows else None
        else:
            kept.update(plausible.check(ctx, {t: f}))
    arrow = {t: f if isinstance(f, Resident) else staged_to_arrow(t, f)
             for t, f in kept.items() if f is not None and len(f)}  # fmt: skip
    validate(ctx, arrow)
    return arrow


def unify_checked(
    store: DuckDBStore,
    ctx: Context,
    arrow: dict[str, pa.Table | Resident],
    base_currency: str,
    rules: list[ChannelRule] | None,
    state: RunState | None = None,
) -> dict[str, pa.Table]:
    """The second half of `prepare`: identity checks against what is stored, then unify."""
    identity.check(store, ctx, arrow)
    overrides = state.fx_overrides() if state is not None else None
    return unify_staged(store, arrow, base_currency, rules, ctx, overrides)


def known_accounts(store: DuckDBStore) -> dict[str, dict]:
    return reads.accounts_register(store)


def validate(ctx: Context, arrow: dict[str, pa.Table | Resident]) -> None:
    for table, data in arrow.items():
        spec = TABLES[table]
        for k in spec.key:
            if isinstance(data, Resident):
                i = resident.first_null(data, k)
            elif k in data.column_names and data.column(k).null_count:
                i = pc.index(pc.is_null(data.column(k)), True).as_py()
            else:
                i = None
            if i is not None:
                raise ctx.fail(
                    f"a {table} row has no {k}",
                    row=None,
                    column=k,
                    expected=f"a value in every row (row {i + 1} of the parsed data is empty)",
                )
        for amount, _, _date_col in MONEY.get(table, []):
            if amount in data.column_names:
                has_amount = pc.is_valid(data.column(amount))
                if (
                    "currency" not in data.column_names
                    or pc.any(pc.and_(has_amount, pc.is_null(data.column("currency")))).as_py()
                ):
                    raise ctx.fail(
                        f"amounts in column {amount!r} have no currency",
                        hint="Pass --currency XXX (ISO 4217) for exports that do not state it.",
                    )


def unify_staged(
    store: DuckDBStore,
    arrow: dict[str, pa.Table],
    base: str,
    rules: list[ChannelRule] | None,
    ctx: Context,
    overrides: pd.DataFrame | None = None,
) -> dict[str, pa.Table]:
    currencies: set[str] = set()
    days: list[dt.date] = []
    for table, data in arrow.items():
        for amount, _, date_col in MONEY.get(table, []):
            if amount in data.column_names and date_col in data.column_names:
                currencies |= {c for c in pc.unique(data.column("currency")).to_pylist() if c}
                col = data.column(date_col)
                if col.null_count < len(col):
                    days += [pc.min(col).as_py(), pc.max(col).as_py()]
    if overrides is None:  # the base currency's too; a run reads them once (`RunState`)
        overrides = reads.fx_overrides(store)
    unknown = currencies - set(known_currencies()) - set(overrides.currency) if currencies else ()
    if unknown:
        raise ctx.fail(
            "unknown currency code",
            column="currency",
            value=", ".join(sorted(unknown)),
            expected="an ISO 4217 code the ECB publishes, or one with rates set by "
            "`socialroi fx set`",
        )
    start = min(days) if days else dt.date(2000, 1, 3)
    end = max(days) if days else start
    if (end - start).days > MAX_FX_DAYS:  # plausibility bounds the days; this bounds the work
        raise ctx.fail(
            f"the amounts span {start} to {end}",
            expected=f"at most {MAX_FX_DAYS} days of amounts in one file",
        )
    try:
        rates = fxmod.daily_rates(sorted(currencies), start, end, base, overrides)
    except SocialroiError as exc:
        raise ctx.fail(str(exc)) from None
    if currencies and end > ecb_last_date():
        ctx.finding(
            "fx_rate_stale",
            f"amounts after {ecb_last_date()} use the last ECB rate socialroi ships; "
            "update socialroi or set rates with `socialroi fx set`",
            value=str(end),
        )
    # Only tables with money or channel columns need the shared transforms; the rest pass
    # straight through (compiling an Ibis expression costs more than these small files).
    needs = {t for t in arrow if needs_unify(t, arrow[t].column_names)}
    out = {t: a for t, a in arrow.items() if t not in needs}
    if needs:
        rules = load_rules() if rules is None else rules
        engine = store.unify_engine(sum(a.num_rows for t, a in arrow.items() if t in needs))
        if engine.name != "duckdb":  # a large file on a Spark workspace: Spark unifies it
            fx_t = ibis.memtable(rates)
            exprs = unify({t: ibis.memtable(resident.fetched(arrow[t])) for t in needs}, fx_t,
                          rules)  # fmt: skip
            return out | {t: engine.to_pyarrow(e) for t, e in exprs.items()}
        inputs = {
            "_sr_fx": pa.Table.from_pandas(rates, preserve_index=False),
            "_sr_rules": rules_data(rules),
        }
        # resident tables last: their unify keeps its inputs as tables of the same names
        for t in sorted(needs, key=lambda t: (isinstance(arrow[t], Resident), t)):

            def build(tables: dict[str, ibis.Table], t: str = t) -> ibis.Table:
                return unify_table(t, tables["_sr_staged"], tables["_sr_fx"], rules,
                                   tables["_sr_rules"])  # fmt: skip

            # The expression is the same for every file of a layout: compiled once.
            key = ("unify", t, tuple(rules))
            if isinstance(arrow[t], Resident):  # run where the rows are
                out[t] = resident.unify(store, t, arrow[t], key, build, inputs)
            elif t in CHANNEL_TABLES:  # one compiled query for every layout of the table
                got = store.run_compiled(key, build, {"_sr_staged": padded(t, arrow[t]),
                                                      **inputs})  # fmt: skip
                out[t] = got.select(unified_columns(t, arrow[t].column_names, got.column_names))
            else:
                out[t] = store.run_compiled(key, build, {"_sr_staged": arrow[t], **inputs})
    return out


def channel_findings(ctx: Context, unified: dict[str, pa.Table]) -> None:
    for table in ("touchpoints", "conversions", "traffic_daily"):
        data = unified.get(table)
        if data is None or "channel" not in data.column_names:
            continue
        if isinstance(data, Resident):  # the same counts, by the database
            counts = resident.unmapped(data)
            if not counts:
                continue
            un = pd.DataFrame([(s or "", m or "") for s, m, _ in counts],
                              columns=["source", "medium"])  # fmt: skip
            groups = (pd.Series([n for *_, n in counts], index=pd.MultiIndex.from_frame(un))
                      .groupby(level=[0, 1]).sum().sort_values(ascending=False))  # fmt: skip
        else:
            df = data.select([c for c in ("channel", "source", "medium")
                              if c in data.column_names]).to_pandas()  # fmt: skip
            un = df[df["channel"] == "Unmapped"]
            if un.empty:
                continue
            groups = (un.fillna("").groupby(["source", "medium"]).size()
                      .sort_values(ascending=False))  # fmt: skip
        for (src, med), n in groups.head(20).items():
            ctx.finding(
                "unmapped_channel",
                f"{n} {table} row(s) with source {src!r} / medium {med!r} match no channel "
                "rule; kept with channel 'Unmapped'",
                column="source / medium",
                value=f"{src} / {med}",
                rows=int(n),
            )


def leave_synced_days(
    store: DuckDBStore, ctx: Context, unified: dict[str, pa.Table], state: RunState | None = None
) -> dict:
    """A file's rows of an (account, day) that a sync holds are left out while syncs win
    (the default): the same account and day counts once, whichever came first."""
    state = state or RunState(store)
    if state.files_win() or not state.any_synced():
        return unified
    out = dict(unified)
    for table, day_col in replaced_by_sync().items():
        data = unified.get(table)
        if data is None or "account_id" not in data.column_names:
            continue
        accounts = sorted({a for a in pc.unique(data.column("account_id")).to_pylist() if a})
        held = connections.synced_days(store, table, day_col, accounts)
        if not held:
            continue
        pairs = zip(data.column("account_id").to_pylist(), data.column(day_col).to_pylist(),
                    strict=True)  # fmt: skip
        keep = pa.array([p not in held for p in pairs], type=pa.bool_())
        out[table] = data.filter(keep)
        dropped = data.num_rows - out[table].num_rows
        if dropped:
            ctx.finding(
                "superseded_by_sync",
                f"{dropped} {table} row(s) are for accounts and days a sync from the platform's "
                "API already holds; the synced rows count (set sync_prefers=files to keep "
                "files instead)",
                rows=dropped,
            )
            ctx.rows_skipped += dropped
    return out


def replaced_by_sync() -> dict[str, str]:
    """Tables some sync stream replaces by account and day, with their day column."""
    out: dict[str, str] = {}
    for c in connectors().values():
        for s in c.streams:
            out.update(s.replaces)
    return out


def write(
    tx: duckdb.DuckDBPyConnection, batch_id: int, unified: dict[str, pa.Table]
) -> tuple[dict[str, int], list[dt.date]]:
    """Upsert every table under `batch_id`: (rows written per table, first/last days)."""
    tables: dict[str, int] = {}
    period: list[dt.date] = []
    for table, data in unified.items():
        if isinstance(data, Resident):  # stored from where it is
            tables[table], days = resident.write(tx, batch_id, table, data, DATE_COLUMNS)
            period += days
            continue
        if "batch_id" not in data.column_names:
            data = data.append_column(
                "batch_id", pa.array([batch_id] * data.num_rows, type=pa.int64())
            )
        tables[table] = upsert(tx, TABLES[table], data)
        period += days_of(data)
    return tables, period


def days_of(data: pa.Table) -> list[dt.date]:
    out: list[dt.date] = []
    for dcol in DATE_COLUMNS:
        if dcol in data.column_names and data.column(dcol).null_count < data.num_rows:
            out += [pc.min(data.column(dcol)).as_py(), pc.max(data.column(dcol)).as_py()]
    return out


def record(
    tx: duckdb.DuckDBPyConnection,
    batch_id: int,
    ctx: Context,
    tables: dict[str, int],
    period: list[Any],
    *,
    name: str,
    sha256: str,
    context: str,
    source: str,
    report: str,
    note: str = "",
) -> int:
    """Write the batch row and its findings; returns the rows it loaded (fact rows, else
    all). `note` is added to the batch's tables text (a sync's new/changed/unchanged)."""
    loaded = sum(n for t, n in tables.items() if TABLES[t].kind == "fact") or sum(tables.values())
    text = ", ".join(f"{t}={n}" for t, n in tables.items())
    batch = batches.Batch(
        name,
        sha256,
        context,
        source,
        report,
        ctx.rows_read,
        loaded,
        ctx.rows_skipped,
        f"{text}; {note}" if note else text,
        min(period) if period else None,
        max(period) if period else None,
    )
    found = [
        batches.FindingRow(f.kind, f.row_number, f.column, f.value, f.rows, f.message)
        for f in ctx.findings
    ]
    batches.record(tx, batch_id, batch, found)
    return loaded
