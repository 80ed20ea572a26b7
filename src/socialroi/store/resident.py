"""SQL over rows a parser left in the connection a file lands through (`Resident`).

A GA4 month holds a million sessions and more: handed over as Arrow, they were held two or
three times in Python memory (parsed, unified, conformed for the upsert) beside DuckDB's own
bounded pool. Left in a temporary table of the connection the file lands through, they are
checked, unified and stored by statements on that connection, and what does not fit DuckDB's
memory bound spills to disk. `land.resident` says what each step does; this module holds its
SQL. The typed rows and the unified rows are views over the parser's table (`_row` is its
`rowid`): the upsert's INSERT is the one statement that writes the month's rows. Every table
and view here is temporary: it lives as long as the connection, and the importer drops it
when the file is done (`drop`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Hashable, Mapping
from contextlib import AbstractContextManager

import ibis.expr.types as ir
import pyarrow as pa

from socialroi.model.schema import TableSpec
from socialroi.sources.base import Resident
from socialroi.store.duckdb import DuckDBStore, quote, sql_type
from socialroi.store.loader import upsert_table

STAGED = "_sr_staged"  # the name the compiled unify query reads its rows from


def engine(store: DuckDBStore, tx: object | None) -> Callable[[], AbstractContextManager]:
    """`Context.engine` for a file's parse: the connection the file lands through (the open
    group's, else the store's own for this thread), left open when the parse ends."""
    con = tx if tx is not None else store.raw
    return lambda: contextlib.nullcontext(con)


def fetch(r: Resident, columns: list[str] | None = None) -> pa.Table:
    """The rows (all their canonical columns, or `columns`) as Arrow, in their order."""
    cols = ", ".join(quote(c) for c in (r.columns if columns is None else columns))
    return r.con.execute(f"SELECT {cols} FROM {r.table} ORDER BY {r.order}").to_arrow_table()


def ruled(r: Resident, columns: list[str]) -> pa.Table:
    """`columns` of the parser's table with each row's id (`_row`), in their order."""
    cols = ", ".join(quote(c) for c in columns)
    return r.con.execute(
        f"SELECT rowid AS _row, {cols} FROM {r.table} ORDER BY {r.order}"
    ).to_arrow_table()


def keep_rows(r: Resident, rows: pa.Array) -> Resident:
    """Only the rows whose id (`ruled`) is in `rows`: the others are deleted."""
    r.con.register("_sr_keep", pa.table({"_row": rows}))
    try:
        r.con.execute(
            f"DELETE FROM {r.table} WHERE NOT EXISTS "
            f"(SELECT 1 FROM _sr_keep k WHERE k._row = {r.table}.rowid)"
        )
    finally:
        r.con.unregister("_sr_keep")
    return Resident(r.con, r.table, r.columns, len(rows), r.order)


def typed(r: Resident, spec: TableSpec, name: str) -> Resident:
    """The rows with the table's types (`staged_to_arrow` in SQL; other columns dropped) as
    the view `name`, with their Arrow schema as `staged_to_arrow` would give it. A time
    without a zone is UTC (the connection's time zone)."""
    fields = [f for f in spec.arrow_schema() if f.name in r.columns]
    dtypes = {c.name: c.dtype for c in spec.columns}
    cols = ", ".join(f"CAST({quote(f.name)} AS {sql_type(dtypes[f.name])}) AS {quote(f.name)}"
                     for f in fields)  # fmt: skip
    r.con.execute(
        f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT {cols}, rowid AS _row FROM {r.table}"
    )
    schema = pa.schema([*fields, pa.field("_row", pa.int64())])
    return Resident(r.con, name, [f.name for f in fields], r.rows, r.order, schema)


def first_null(r: Resident, column: str) -> int | None:
    """The position (from 0) of the first row whose `column` is empty, or None."""
    c = quote(column)
    if not r.con.execute(f"SELECT count(*) FROM {r.table} WHERE {c} IS NULL").fetchone()[0]:
        return None
    return int(r.con.execute(
        f"SELECT min(i) FROM (SELECT row_number() OVER (ORDER BY {r.order}) - 1 AS i, {c} "
        f"FROM {r.table}) WHERE {c} IS NULL"
    ).fetchone()[0])  # fmt: skip


def inputs_of(names: Mapping[str, pa.Table]) -> tuple[str, ...]:
    """The temporary tables `run_compiled` makes of its inputs (for `drop`)."""
    return (STAGED, *names)


def run_compiled(
    store: DuckDBStore,
    r: Resident,
    key: Hashable,
    build: Callable[[dict[str, ir.Table]], ir.Table],
    inputs: Mapping[str, pa.Table],
    out: str,
) -> Resident:
    """`DuckDBStore.run_compiled` over the typed rows of `r` (`typed`; read as `STAGED`) and
    the Arrow `inputs` (small: copied into temporary tables of their names), as the view
    `out` on `r`'s connection."""
    schemas = {STAGED: r.schema} | {n: t.schema for n, t in inputs.items()}
    sql, _, _ = store.compiled(key, build, schemas)
    con = r.con
    con.execute(f"CREATE OR REPLACE TEMP VIEW {STAGED} AS SELECT * FROM {r.table}")
    for n, t in inputs.items():
        con.register("_sr_input", t)
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {n} AS SELECT * FROM _sr_input")
        finally:
            con.unregister("_sr_input")
    con.execute(f"CREATE OR REPLACE TEMP VIEW {out} AS {sql}")
    columns = [c for c, *_ in con.execute(f"DESCRIBE {out}").fetchall() if c != "_row"]
    return Resident(con, out, columns, r.rows, r.order)


def counts(r: Resident, by: list[str], where: str) -> list[tuple]:
    """(values of `by`..., rows) per distinct `by` among the rows where `where` holds."""
    cols = ", ".join(quote(c) for c in by)
    return r.con.execute(
        f"SELECT {cols}, count(*) FROM {r.table} WHERE {where} GROUP BY ALL"
    ).fetchall()


def span(r: Resident, columns: tuple[str, ...]) -> list[dt.date]:
    """The first and last value of each of `columns` the rows of `r.table` hold (empty ones
    skipped)."""
    have = [c for c in columns if c in r.columns]
    if not have or not r.rows:
        return []
    got = r.con.execute(
        "SELECT " + ", ".join(f"min({quote(c)}), max({quote(c)})" for c in have)
        + f" FROM {r.table}"
    ).fetchone()  # fmt: skip
    return [v for v in got if v is not None]


def upsert(tx: object, spec: TableSpec, r: Resident, batch_id: int, keys: str | None = None) -> int:
    """`loader.upsert` of the rows under `batch_id`, through `tx` (`r`'s connection);
    `keys`: a cheaper view of the same rows' keys (`loader.upsert_table`)."""
    if tx is not r.con:
        raise RuntimeError("a resident table lands through the connection that holds it")
    return upsert_table(r.con, spec, r.table, r.columns, r.rows, batch_id, keys)


def drop(con: object, name: str) -> None:
    """Drop the temporary table or view `name`; in a transaction a failed statement aborted,
    the rollback that follows drops it."""
    for kind in ("VIEW", "TABLE"):
        try:
            con.execute(f"DROP {kind} IF EXISTS {name}")  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001, S112 - the other kind, or an aborted transaction
            continue
