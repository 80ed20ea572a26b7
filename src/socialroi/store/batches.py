"""Batches and their findings: the lineage every landed row points to.

`land/` decides what a batch holds; this module is the SQL that records it. The writing
functions take the open transaction (`DuckDBStore.transaction()`), so a batch, its rows and
its findings commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import pandas as pd

from socialroi.errors import NotFound, SocialroiError
from socialroi.model.schema import TABLES
from socialroi.store.duckdb import DuckDBStore, quote

BATCH_COLUMNS = (
    "batch_id, file_name, source, report, status, rows_read, rows_loaded, rows_skipped, "
    "tables, period_start, period_end, imported_at"
)


@dataclass(frozen=True)
class Batch:
    """One row of `import_batches` (its id is given when it is recorded)."""

    file_name: str
    file_hash: str
    context: str
    source: str
    report: str
    rows_read: int
    rows_loaded: int
    rows_skipped: int
    tables: str
    period_start: dt.date | None
    period_end: dt.date | None


@dataclass(frozen=True)
class FindingRow:
    kind: str
    row_number: int | None
    column: str | None
    value: str | None
    rows: int | None
    message: str


def loaded_batches(store: DuckDBStore) -> dict[tuple[str, str], int]:
    """(content hash, context) -> batch, for every loaded batch: what an import run asks of
    each file before reading it, asked once."""
    with store.cursor() as cur:
        rows = cur.execute(
            "SELECT file_hash, context, batch_id FROM import_batches WHERE status = 'loaded'"
        ).fetchall()
    return {(h, c): int(b) for h, c, b in rows}


def next_batch_id(tx: duckdb.DuckDBPyConnection) -> int:
    got = tx.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM import_batches").fetchone()
    return int(got[0])


def supersede(tx: duckdb.DuckDBPyConnection, file_hash: str, context: str) -> None:
    """A forced re-read replaces the earlier batch of the same file: its findings go (so they
    are not counted twice) and the batch stays listed, marked superseded, for lineage."""
    tx.execute(
        "DELETE FROM dq_findings WHERE batch_id IN (SELECT batch_id FROM import_batches "
        "WHERE file_hash = ? AND context = ? AND status = 'loaded')",
        [file_hash, context],
    )
    tx.execute(
        "UPDATE import_batches SET status = 'superseded' WHERE file_hash = ? AND context = ? "
        "AND status = 'loaded'",
        [file_hash, context],
    )


def record(
    tx: duckdb.DuckDBPyConnection,
    batch_id: int,
    batch: Batch,
    findings: Iterable[FindingRow] = (),
) -> None:
    """Write the batch row and its findings inside the import's transaction."""
    tx.execute(
        "INSERT INTO import_batches VALUES (?, ?, ?, ?, ?, ?, 'loaded', ?, ?, ?, ?, ?, ?, ?)",
        [
            batch_id,
            batch.file_name,
            batch.file_hash,
            batch.context,
            batch.source,
            batch.report,
            batch.rows_read,
            batch.rows_loaded,
            batch.rows_skipped,
            batch.tables,
            batch.period_start,
            batch.period_end,
            dt.datetime.now(dt.UTC),
        ],
    )
    rows = [
        [batch_id, i, batch.file_name, f.kind, f.row_number, f.column, f.value, f.rows, f.message]
        for i, f in enumerate(findings, start=1)
    ]
    for start in range(0, len(rows), 100):  # one statement per 100 findings, not one each
        chunk = rows[start : start + 100]
        tx.execute(
            "INSERT INTO dq_findings VALUES "
            + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(chunk)),
            [v for r in chunk for v in r],
        )


def undo(tx: duckdb.DuckDBPyConnection, batch_id: int) -> dict[str, int]:
    """Inside one transaction: remove every row batch `batch_id` brought or last updated, its
    findings, and the sync cursors it moved (the next sync reads that stream's history again);
    the batch stays listed, marked `undone`, for lineage. Returns rows removed per table."""
    got = tx.execute(
        "SELECT status, file_name FROM import_batches WHERE batch_id = ?", [batch_id]
    ).fetchone()
    if got is None:
        raise NotFound(f"no batch {batch_id}; the dashboard's Data page lists the batches")
    if got[0] != "loaded":
        raise SocialroiError(f"batch {batch_id} ({got[1]}) is {got[0]}: there is nothing to undo")
    removed: dict[str, int] = {}
    for name, spec in TABLES.items():  # sync_cursors too: the cursor this batch moved
        if name == "import_batches" or "batch_id" not in spec.column_names:
            continue
        n = tx.execute(
            f"SELECT count(*) FROM {quote(name)} WHERE batch_id = ?", [batch_id]
        ).fetchone()[0]
        if n:
            tx.execute(f"DELETE FROM {quote(name)} WHERE batch_id = ?", [batch_id])
            removed[name] = int(n)
    tx.execute("DELETE FROM dq_findings WHERE batch_id = ?", [batch_id])
    tx.execute("UPDATE import_batches SET status = 'undone' WHERE batch_id = ?", [batch_id])
    return removed


def delete_row(tx: duckdb.DuckDBPyConnection, table: str, key: str, value: object) -> None:
    """Delete the rows of `table` whose `key` column equals `value` (names from the schema)."""
    tx.execute(f"DELETE FROM {quote(table)} WHERE {quote(key)} = ?", [value])


# -- reading the history -----------------------------------------------------------------
def history(store: DuckDBStore, limit: int = 500) -> pd.DataFrame:
    with store.cursor() as cur:
        return cur.execute(
            f"SELECT {BATCH_COLUMNS} FROM import_batches ORDER BY batch_id DESC LIMIT ?", [limit]
        ).df()


def batch_detail(store: DuckDBStore, batch_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The batch's row and its findings."""
    with store.cursor() as cur:
        row = cur.execute("SELECT * FROM import_batches WHERE batch_id = ?", [batch_id]).df()
        found = cur.execute(
            'SELECT finding_no, kind, row_number, "column", value, rows, message '
            "FROM dq_findings WHERE batch_id = ? ORDER BY finding_no",
            [batch_id],
        ).df()
    return row, found


def findings_by_kind(store: DuckDBStore) -> pd.DataFrame:
    with store.cursor() as cur:
        return cur.execute(
            "SELECT kind, sum(rows) AS rows, count(*) AS findings, min(message) AS example "
            "FROM dq_findings GROUP BY kind ORDER BY rows DESC"
        ).df()


def sources_summary(store: DuckDBStore) -> pd.DataFrame:
    with store.cursor() as cur:
        return cur.execute(
            "SELECT source, count(*) AS files, sum(rows_loaded) AS rows_loaded, "
            "min(period_start) AS first_day, max(period_end) AS last_day, "
            "max(imported_at) AS last_import FROM import_batches WHERE status = 'loaded' "
            "GROUP BY source ORDER BY source"
        ).df()


# -- pages of the growing lists (keyset: a page starts after the last key of the one before,
# so rows added meanwhile neither repeat nor shift a row out of the pages) ------------------
def batches_page(store: DuckDBStore, before: int | None, limit: int) -> pd.DataFrame:
    """Import batches newest first, those with a batch id below `before` (None: the newest)."""
    with store.cursor() as cur:
        return cur.execute(
            f"SELECT {BATCH_COLUMNS} FROM import_batches WHERE ? IS NULL OR batch_id < ? "
            "ORDER BY batch_id DESC LIMIT ?",
            [before, before, limit],
        ).df()


def findings_page(store: DuckDBStore, after: tuple[int, int] | None, limit: int) -> pd.DataFrame:
    """Data-quality findings, newest batch first and in their order within a batch, after the
    (batch_id, finding_no) key `after` (None: from the start)."""
    b, n = after if after is not None else (None, None)
    with store.cursor() as cur:
        return cur.execute(
            'SELECT batch_id, finding_no, kind, row_number, "column", value, rows, message '
            "FROM dq_findings WHERE ? IS NULL OR batch_id < ? OR (batch_id = ? AND "
            "finding_no > ?) ORDER BY batch_id DESC, finding_no LIMIT ?",
            [b, b, b, n, limit],
        ).df()
