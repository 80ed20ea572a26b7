"""API connections, their per-stream cursors, and the SQL a sync needs to land a stream.

A sync batch is an `import_batches` row whose `context` starts with `api:` (its `file_name`
names source, stream, account and window). `land`/`sync` decide; this module is the SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from socialroi.model.schema import TableSpec
from socialroi.store.duckdb import DuckDBStore, quote
from socialroi.store.loader import conform

SYNC_CONTEXT = "api:"  # prefix of a sync batch's context


@dataclass
class Connection:
    source: str
    accounts: list[str]
    credential_ref: str
    token_expires_at: dt.datetime | None = None
    connected_at: dt.datetime | None = None
    last_sync_at: dt.datetime | None = None
    health: str = "ok"
    last_error: str | None = None


def save_connection(store: DuckDBStore, c: Connection) -> None:
    with store.transaction() as tx:
        tx.execute("DELETE FROM connections WHERE source = ?", [c.source])
        tx.execute(
            "INSERT INTO connections VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [c.source, ",".join(c.accounts), c.credential_ref, c.token_expires_at,
             c.connected_at or dt.datetime.now(dt.UTC), c.last_sync_at, c.health, c.last_error],
        )  # fmt: skip


def get_connection(store: DuckDBStore, source: str) -> Connection | None:
    with store.cursor() as cur:
        row = cur.execute(
            "SELECT source, accounts, credential_ref, token_expires_at, connected_at, "
            "last_sync_at, health, last_error FROM connections WHERE source = ?",
            [source],
        ).fetchone()
    if row is None:
        return None
    return Connection(
        row[0], [a for a in (row[1] or "").split(",") if a], row[2], *row[3:]
    )  # fmt: skip


def list_connections(store: DuckDBStore) -> list[Connection]:
    with store.cursor() as cur:
        sources = [
            r[0] for r in cur.execute("SELECT source FROM connections ORDER BY source").fetchall()
        ]  # noqa: E501
    return [c for s in sources if (c := get_connection(store, s)) is not None]


def delete_connection(store: DuckDBStore, source: str) -> None:
    """Forget a connection and its cursors (the rows it synced stay, with their batches)."""
    with store.transaction() as tx:
        tx.execute("DELETE FROM connections WHERE source = ?", [source])
        tx.execute("DELETE FROM sync_cursors WHERE source = ?", [source])


def set_health(
    store: DuckDBStore,
    source: str,
    health: str,
    error: str | None,
    *,
    synced: bool = False,
    expires_at: dt.datetime | None = None,
) -> None:
    with store.transaction() as tx:
        tx.execute(
            "UPDATE connections SET health = ?, last_error = ?, "
            "last_sync_at = CASE WHEN ? THEN ? ELSE last_sync_at END, "
            "token_expires_at = coalesce(?, token_expires_at) WHERE source = ?",
            [health, error, synced, dt.datetime.now(dt.UTC), expires_at, source],
        )


# -- cursors -------------------------------------------------------------------------------
def cursor(store: DuckDBStore, source: str, account: str, stream: str) -> dt.date | None:
    with store.cursor() as cur:
        row = cur.execute(
            "SELECT synced_until FROM sync_cursors WHERE source = ? AND account = ? AND stream = ?",
            [source, account, stream],
        ).fetchone()
    return row[0] if row else None


def cursors(store: DuckDBStore, source: str) -> pd.DataFrame:
    cols = ["account", "stream", "synced_until", "synced_at", "rows", "batch_id"]
    with store.cursor() as cur:
        rows = cur.execute(
            f"SELECT {', '.join(cols)} FROM sync_cursors WHERE source = ? ORDER BY account, stream",
            [source],
        ).fetchall()
    return pd.DataFrame(rows, columns=cols)


def set_cursor(
    tx: duckdb.DuckDBPyConnection,
    source: str,
    account: str,
    stream: str,
    until: dt.date | None,
    rows: int | None,
    batch_id: int | None,
) -> None:
    """Inside the stream's transaction: the cursor moves with the rows or not at all.
    `rows`: what this sync landed (inserted + updated; fact rows, else all); None when it
    landed nothing, which keeps the count of the stream's last landing."""
    old = tx.execute(
        "SELECT synced_until, batch_id, rows FROM sync_cursors WHERE source = ? AND account = ? "
        "AND stream = ?",
        [source, account, stream],
    ).fetchone()
    if old is not None:
        until = max(d for d in (until, old[0]) if d is not None) if (until or old[0]) else None
        batch_id = batch_id if batch_id is not None else old[1]
        rows = rows if rows is not None else old[2]
    tx.execute(
        "DELETE FROM sync_cursors WHERE source = ? AND account = ? AND stream = ?",
        [source, account, stream],
    )
    tx.execute(
        "INSERT INTO sync_cursors VALUES (?, ?, ?, ?, ?, ?, ?)",
        [source, account, stream, until, dt.datetime.now(dt.UTC), rows or 0, batch_id],
    )


# -- landing a stream ------------------------------------------------------------------------
def changed_rows(
    tx: duckdb.DuckDBPyConnection, spec: TableSpec, data: pa.Table
) -> tuple[pa.Table, int, int, int]:
    """(rows new or different from the stored ones, new, changed, unchanged). Only the
    columns `data` carries are compared (`batch_id` never): a re-read of the same figures
    changes nothing, nor does a null where a dimension row holds a value (it merges)."""
    if data.num_rows == 0:
        return data, 0, 0, 0
    carried = [c for c in data.column_names if c in spec.column_names and c != "batch_id"]
    full = conform(spec, data).append_column(
        "_ord", pa.array(range(data.num_rows), type=pa.int64())
    )
    view = f"_sync_in_{spec.name}"
    keys = " AND ".join(f"t.{quote(k)} IS NOT DISTINCT FROM i.{quote(k)}" for k in spec.key)
    # a dimension merges (an incoming null keeps the stored value): a null is no change there
    mine = "coalesce(i.{0}, t.{0})" if spec.kind == "dimension" else "i.{0}"
    same = " AND ".join(
        f"t.{quote(c)} IS NOT DISTINCT FROM {mine.format(quote(c))}" for c in carried
    )
    tx.register(view, full)
    try:
        flags = tx.execute(
            f"SELECT t._hit IS NOT NULL AS known, coalesce({same}, false) AS same FROM {view} i "
            f"LEFT JOIN (SELECT *, 1 AS _hit FROM {quote(spec.name)}) t ON {keys} ORDER BY i._ord"
        ).fetch_arrow_table()
    finally:
        tx.unregister(view)
    known, same_ = flags.column("known"), flags.column("same")
    unchanged_mask = pc.and_(known, same_)
    new = data.num_rows - (pc.sum(pc.cast(known, pa.int64())).as_py() or 0)
    unchanged = pc.sum(pc.cast(unchanged_mask, pa.int64())).as_py() or 0
    changed = data.num_rows - new - unchanged
    keep = pc.invert(unchanged_mask)
    return data.filter(keep), new, changed, unchanged


def supersede_files(
    tx: duckdb.DuckDBPyConnection,
    spec: TableSpec,
    day_col: str,
    accounts: list[str],
    since: dt.date,
    until: dt.date,
    incoming: pa.Table,
) -> int:
    """Delete rows of these accounts and days that file imports wrote and this sync does
    not carry (the same account and day counts once: the API's rows replace the file's).
    Returns rows deleted."""
    if not accounts:
        return 0
    keyview = f"_sync_keys_{spec.name}"
    keys = incoming.select(list(spec.key)) if incoming.num_rows else None
    marks = ", ".join("?" for _ in accounts)
    not_kept = ""
    if keys is not None:
        tx.register(keyview, keys)
        cond = " AND ".join(f"t.{quote(k)} IS NOT DISTINCT FROM k.{quote(k)}" for k in spec.key)
        not_kept = f"AND NOT EXISTS (SELECT 1 FROM {keyview} k WHERE {cond})"
    try:
        where = (
            f"t.account_id IN ({marks}) AND t.{quote(day_col)} BETWEEN ? AND ? {not_kept} "
            "AND t.batch_id IN (SELECT batch_id FROM import_batches "
            f"WHERE context NOT LIKE '{SYNC_CONTEXT}%')"
        )
        params = [*accounts, since, until]
        n = int(
            tx.execute(
                f"SELECT count(*) FROM {quote(spec.name)} t WHERE {where}", params
            ).fetchone()[0]
        )
        if n:
            tx.execute(f"DELETE FROM {quote(spec.name)} t WHERE {where}", params)
        return n
    finally:
        if keys is not None:
            tx.unregister(keyview)


def file_days(
    tx: duckdb.DuckDBPyConnection,
    table: str,
    day_col: str,
    accounts: list[str],
    *,
    synced: bool = False,
) -> set[tuple[str, dt.date]]:
    """(account, day) pairs of a table that file imports wrote (`synced`: that syncs wrote)."""
    if not accounts:
        return set()
    marks = ", ".join("?" for _ in accounts)
    op = "LIKE" if synced else "NOT LIKE"
    rows = tx.execute(
        f"SELECT DISTINCT account_id, {quote(day_col)} FROM {quote(table)} "
        f"WHERE account_id IN ({marks}) AND batch_id IN (SELECT batch_id FROM "
        f"import_batches WHERE context {op} '{SYNC_CONTEXT}%')",
        accounts,
    ).fetchall()
    return {(a, d) for a, d in rows}


def synced_days(
    store: DuckDBStore, table: str, day_col: str, accounts: list[str]
) -> set[tuple[str, dt.date]]:
    """(account, day) pairs of a table that syncs wrote (a file import then leaves them)."""
    with store.cursor() as cur:
        return file_days(cur, table, day_col, accounts, synced=True)
