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

# A small upsert's scratch tables (`_dedup`, `_merged`) stay until the next upsert replaces
# them (a statement less per file: most files merge their account's row); a large one's go.
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
    raw.register(view, data)
    try:
        return _upsert(raw, spec, view, data.num_rows, carried)
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
        return _upsert(raw, spec, view, rows, have - {"_row"}, keys)
    finally:
        raw.execute(f"DROP VIEW IF EXISTS {view}")


def _upsert(
    raw: duckdb.DuckDBPyConnection,
    spec: TableSpec,
    view: str,
    rows: int,
    carried: set[str],
    keys_of: str | None = None,
) -> int:
    """The upsert of the conformed rows of `view` (ordered by `_ord`), `carried`: the
    columns the file has; `keys_of`: where to count their keys, if not `view`."""
    target = quote(spec.name)
    key_list = ", ".join(quote(k) for k in spec.key)
    keys = " AND ".join(f"t.{quote(k)} IS NOT DISTINCT FROM i.{quote(k)}" for k in spec.key)
    cols = ", ".join(quote(c) for c in spec.column_names)
    order = "_ord DESC"
    if spec.newer_wins:
        order = f"{quote(spec.newer_wins)} DESC NULLS LAST, _ord DESC"
    # One semi-join says whether the file touches stored keys at all; a file of new keys
    # only (most files of a first import) is inserted as it is: merging it with stored rows
    # would find none, and there is nothing to delete. The same statement counts the file's
    # distinct keys: most files hold each key once, and need no "last row wins" window.
    touches = f"SELECT count(*) FROM {{}} i WHERE EXISTS (SELECT 1 FROM {target} t WHERE {keys})"
    source = view
    if spec.newer_wins:
        repeated = True  # the window below also orders by the snapshot's age
    else:
        distinct, stored = raw.execute(
            f"SELECT (SELECT count(*) FROM (SELECT DISTINCT {key_list} FROM "
            f"{keys_of or view})), ({touches.format(keys_of or view)})"
        ).fetchone()
        repeated = distinct < rows
    if repeated:
        raw.execute(
            f"CREATE OR REPLACE TEMP TABLE _dedup AS SELECT * FROM {view} "
            f"QUALIFY row_number() OVER (PARTITION BY {key_list} ORDER BY {order}) = 1"
        )
        source = "_dedup"
    if spec.newer_wins:
        nw = quote(spec.newer_wins)
        raw.execute(
            f"DELETE FROM _dedup i WHERE EXISTS (SELECT 1 FROM {target} t "
            f"WHERE {keys} AND t.{nw} > i.{nw})"
        )
        stored = raw.execute(touches.format(source)).fetchone()[0]
    partial = carried | {"batch_id"} < set(spec.column_names)
    if stored and (spec.kind == "dimension" or partial):

        def pick(c: str) -> str:
            if c in spec.key or c == "batch_id":
                return f"i.{quote(c)} AS {quote(c)}"
            if spec.kind == "dimension":
                return f"coalesce(i.{quote(c)}, t.{quote(c)}) AS {quote(c)}"
            if c not in carried:  # a file without this column keeps the stored value
                return f"t.{quote(c)} AS {quote(c)}"
            return f"i.{quote(c)} AS {quote(c)}"

        merged = ", ".join(pick(c) for c in spec.column_names)
        raw.execute(
            f"CREATE OR REPLACE TEMP TABLE _merged AS SELECT {merged} "
            f"FROM {source} i LEFT JOIN {target} t ON {keys}"
        )
        source = "_merged"
    if stored:
        raw.execute(f"DELETE FROM {target} t WHERE EXISTS (SELECT 1 FROM {source} i WHERE {keys})")
    # INSERT answers the rows it wrote
    n = int(raw.execute(f"INSERT INTO {target} ({cols}) SELECT {cols} FROM {source}").fetchone()[0])
    if source != view and rows > KEEP_SCRATCH_ROWS:
        raw.execute("DROP TABLE IF EXISTS _dedup; DROP TABLE IF EXISTS _merged")
    return n
