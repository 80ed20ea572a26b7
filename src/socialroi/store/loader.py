"""Upserts of unified rows into canonical tables, inside the caller's transaction.

The natural key of each table (see `TableSpec.key`) decides what an overlapping import
replaces: the same post in two monthly exports is updated, not counted twice. Within one
file the last row with a key wins. For snapshot tables (`newer_wins`), an older snapshot never
overwrites a newer one. Dimension rows merge: a value the new file lacks (null) keeps the
stored one, so a post export that does not name the account's market does not erase it. Fact
rows merge by column: a column the file does not have keeps its stored value, so exports that
fill different columns of one (account, day) row — TikTok's Overview, FollowerHistory and
Viewers, LinkedIn's content, followers and visitors workbooks — add up to one row instead of
replacing each other; a column the file has replaces the stored value, empty or not.
`batch_id` names the last import that touched the row.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from socialroi.model.schema import TableSpec
from socialroi.store.duckdb import quote, sql_type

# A small upsert's scratch table (`_dedup`) stays until the next upsert replaces
# it (a statement less per file); a large one's goes.
KEEP_SCRATCH_ROWS = 50_000


def conform(spec: TableSpec, data: pa.Table) -> pa.Table:
    """Order columns as the table has them; missing columns become typed nulls."""
    arrays = []
    schema = spec.arrow_schema()
    for fld in schema:
        if fld.name in data.column_names:
            arrays.append(data.column(fld.name).cast(fld.type))
        else:
            arrays.append(pa.nulls(data.num_rows, type=fld.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def upsert(raw: duckdb.DuckDBPyConnection, spec: TableSpec, data: pa.Table) -> int:
    """Replace rows with the same key, insert the rest. Returns rows written."""
    if data.num_rows == 0:
        return 0
    carried = set(data.column_names)  # columns this file has; the others keep stored values
    data = conform(spec, data)
    data = data.append_column("_ord", pa.array(range(data.num_rows), type=pa.int64()))
    view = f"_incoming_{spec.name}"
    # Whether a key repeats in the file is asked of Arrow (a statement on the registered rows
    # costs half a millisecond just to scan them)
    distinct = data.select(list(spec.key)).group_by(list(spec.key)).aggregate([]).num_rows
    raw.register(view, data)
    try:
        return _upsert(raw, spec, view, data.num_rows, distinct, carried)
    finally:
        raw.unregister(view)


def upsert_table(
    raw: duckdb.DuckDBPyConnection,
    spec: TableSpec,
    table: str,
    columns: list[str],
    rows: int,
    batch_id: int,
    keys: str | None = None,
) -> int:
    """`upsert` of rows held in the connection's table `table` under `batch_id` (its
    `columns`, with `_row` giving their order: the last of a repeated key wins), without an
    Arrow copy. `keys`: a cheaper relation holding the same rows' keys (when `table` is a
    view that computes more than them)."""
    if rows == 0:
        return 0
    have = set(columns) | {"batch_id"}

    def conform_sql(c: str, dtype: str) -> str:
        if c == "batch_id":
            return f"CAST({int(batch_id)} AS BIGINT) AS batch_id"
        if c in have:
            return f"CAST({quote(c)} AS {sql_type(dtype)}) AS {quote(c)}"
        return f"NULL::{sql_type(dtype)} AS {quote(c)}"

    conformed = ", ".join(conform_sql(c.name, c.dtype) for c in spec.columns)
    view = f"_incoming_{spec.name}"
    raw.execute(
        f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT {conformed}, _row AS _ord FROM {table}"
    )
    try:
        key_list = ", ".join(quote(k) for k in spec.key)
        distinct = raw.execute(
            f"SELECT count(*) FROM (SELECT DISTINCT {key_list} FROM {keys or view})"
        ).fetchone()[0]
        return _upsert(raw, spec, view, rows, distinct, have - {"_row"}, keys)
    finally:
        raw.execute(f"DROP VIEW IF EXISTS {view}")


def _upsert(
    raw: duckdb.DuckDBPyConnection,
    spec: TableSpec,
    view: str,
    total: int,
    rows: int,
    carried: set[str],
    keys_of: str | None = None,
) -> int:
    """The upsert of the `total` conformed rows of `view` (ordered by `_ord`) holding `rows`
    distinct keys; `carried`: the columns the file has; `keys_of`: a cheaper relation of
    the same rows' keys, if not `view`."""
    target = quote(spec.name)
    key_list = ", ".join(quote(k) for k in spec.key)
    keys = " AND ".join(f"t.{quote(k)} IS NOT DISTINCT FROM i.{quote(k)}" for k in spec.key)
    cols = ", ".join(quote(c) for c in spec.column_names)
    order = "_ord DESC"
    if spec.newer_wins:
        order = f"{quote(spec.newer_wins)} DESC NULLS LAST, _ord DESC"
    # One semi-join says whether the file touches stored keys at all; a file of new keys
    # only (most files of a first import) is inserted as it is: there is nothing to update.
    # A dimension's rows are mostly stored already (every file restates its account): they
    # are updated at once, without asking. Most files hold each key once (`rows` == `total`,
    # counted by the caller), and need no "last row wins" window.
    touches = f"SELECT count(*) FROM {{}} i WHERE EXISTS (SELECT 1 FROM {target} t WHERE {keys})"
    source = view
    repeated = rows < total
    # A snapshot table's rows older than the stored ones are left out of a copy of the
    # file's rows; a file of new keys, each once, needs no copy.
    stored = None
    if spec.newer_wins and not repeated:
        stored = raw.execute(touches.format(keys_of or view)).fetchone()[0]
    if repeated or stored:
        raw.execute(
            f"CREATE OR REPLACE TEMP TABLE _dedup AS SELECT * FROM {view} "
            f"QUALIFY row_number() OVER (PARTITION BY {key_list} ORDER BY {order}) = 1"
        )
        source = "_dedup"
    if spec.newer_wins and source == "_dedup":
        nw = quote(spec.newer_wins)
        raw.execute(
            f"DELETE FROM _dedup i WHERE EXISTS (SELECT 1 FROM {target} t "
            f"WHERE {keys} AND t.{nw} > i.{nw})"
        )
        rows, stored = raw.execute(
            f"SELECT count(*), count(*) FILTER (WHERE EXISTS (SELECT 1 FROM {target} t "
            f"WHERE {keys})) FROM {source} i"
        ).fetchone()
    elif spec.newer_wins:
        pass  # asked above: nothing stored
    elif spec.kind == "dimension":
        stored = True
    else:
        probe = keys_of if keys_of and source == view else source
        stored = raw.execute(touches.format(probe)).fetchone()[0]
    if stored:
        n = _merge(raw, spec, source, carried, rows)
    else:  # INSERT answers the rows it wrote
        n = _count(raw.execute(f"INSERT INTO {target} ({cols}) SELECT {cols} FROM {source}"))
    if source != view and total > KEEP_SCRATCH_ROWS:
        raw.execute("DROP TABLE IF EXISTS _dedup")
    return n


def _merge(
    raw: duckdb.DuckDBPyConnection, spec: TableSpec, source: str, carried: set[str], rows: int
) -> int:
    """Rows of `source` whose key is stored update the stored row in place (one statement,
    where a merged copy, a delete and an insert took three), the others are inserted; the
    rows written. A dimension's value the file lacks (null) keeps the stored one; a fact
    column the file does not have keeps its stored value."""
    target = quote(spec.name)
    keys = " AND ".join(f"t.{quote(k)} IS NOT DISTINCT FROM i.{quote(k)}" for k in spec.key)
    partial = carried | {"batch_id"} < set(spec.column_names)

    def value(c: str) -> str | None:
        if c == "batch_id" or (spec.kind != "dimension" and not partial):
            return f"i.{quote(c)}"
        if spec.kind == "dimension":
            return f"coalesce(i.{quote(c)}, t.{quote(c)})"
        return f"i.{quote(c)}" if c in carried else None  # None: the stored value stays

    sets = [(c, value(c)) for c in spec.column_names if c not in spec.key]
    assigned = ", ".join(f"{quote(c)} = {v}" for c, v in sets if v is not None)
    n = _count(raw.execute(f"UPDATE {target} AS t SET {assigned} FROM {source} i WHERE {keys}"))
    if n < rows:
        cols = ", ".join(quote(c) for c in spec.column_names)
        n += _count(
            raw.execute(
                f"INSERT INTO {target} ({cols}) SELECT {cols} FROM {source} i "
                f"WHERE NOT EXISTS (SELECT 1 FROM {target} t WHERE {keys})"
            )
        )
    return n


def _count(result: duckdb.DuckDBPyConnection) -> int:
    """The rows an INSERT or UPDATE says it wrote."""
    return int(result.fetchone()[0])
