"""Landing rows a parser left in the database (`sources.base.Resident`), where they are.

A GA4 event export's sessions (a million and more in a large month) stay in a temporary
table of the connection the file lands through, and each step of `land.landing` runs on them
there, with the same findings and errors as on Arrow rows:

- plausibility: only the ruled columns (times, dates) come to Arrow, in the rows' order, and
  `plausible.check` decides as for any table; the rows it leaves out are deleted;
- types and keys: a view casts the columns to the table's types (`staged_to_arrow`), and an
  empty key is refused with `landing.validate`'s sentence;
- unify: the same compiled query as for Arrow rows, as a view over the typed view;
- unmapped channels: counted per source and medium by the database;
- the upsert: `loader`'s, from the unified view, under the batch id: its INSERT is the one
  statement that computes and writes the month's unified rows.

Only tables that no identity or money check reads and that carry no account's days land
this way (touchpoints); any other a parser leaves is fetched as Arrow first. On a Spark
workspace, a file that Spark unifies is fetched too. `release` drops what a file left.
"""

from __future__ import annotations

import pyarrow as pa

from socialroi.land import plausible
from socialroi.model.schema import TABLES
from socialroi.sources.base import Context, Resident, Staged
from socialroi.store import resident as sql
from socialroi.unify.canonical import MONEY

# Tables that may land where they are: no money (the unify's currency checks read Arrow),
# no identity check (`land.identity`), no account's days a sync may hold.
IN_PLACE = ("touchpoints",)


# The unify query's inputs beside the rows (`landing.unify_staged`): copied into temporary
# tables of these names while the unified view reads them.
UNIFY_INPUTS = ("_sr_fx", "_sr_rules")


engine = sql.engine  # the connection a file's parse works on (`Context.engine`)


def _names(table: str) -> tuple[str, str]:
    """The typed view and the unified view a file's `table` gets on its connection."""
    return f"_sr_typed_{table}", f"_sr_unified_{table}"


def arrow(staged: Staged) -> Staged:
    """`staged` with every resident table that cannot land in place fetched as Arrow."""
    out = dict(staged)
    for t, data in staged.items():
        if isinstance(data, Resident) and (t not in IN_PLACE or t in MONEY):
            out[t] = sql.fetch(data)
            sql.drop(data.con, data.table)
    return out


def fetched(data: pa.Table | Resident) -> pa.Table:
    """Arrow rows of a table, resident or not (for an engine that cannot read it in place)."""
    return sql.fetch(data) if isinstance(data, Resident) else data


def check(ctx: Context, table: str, data: Resident) -> Resident:
    """Plausibility and types (`plausible.check`, `staged_to_arrow`) of resident rows."""
    ruled = [c for c in plausible.rules(table) if c in data.columns]
    if ruled:
        rows = sql.ruled(data, ruled)
        kept = plausible.check(ctx, {table: rows})[table]
        if kept.num_rows < rows.num_rows:
            data = sql.keep_rows(data, kept.column("_row").combine_chunks())
        del rows, kept
    return sql.typed(data, TABLES[table], _names(table)[0])


def first_null(data: Resident, column: str) -> int | None:
    return sql.first_null(data, column) if column in data.columns else None


def unify(store, table: str, data: Resident, key, build, inputs) -> Resident:  # noqa: ANN001
    """The compiled unify query of `table` (`DuckDBStore.run_compiled`) on resident rows."""
    return sql.run_compiled(store, data, key, build, inputs, _names(table)[1])


def unmapped(data: Resident) -> list[tuple]:
    """(source, medium, rows) of the rows no channel rule matched."""
    return sql.counts(data, ["source", "medium"], "channel = 'Unmapped'")


def release(table: str, data: Resident) -> None:
    """Drop everything a file's resident `table` left on its connection."""
    for name in (*reversed(_names(table)), *sql.inputs_of(dict.fromkeys(UNIFY_INPUTS)),
                 data.table):  # fmt: skip
        sql.drop(data.con, name)


def write(tx: object, batch_id: int, table: str, data: Resident, days: tuple[str, ...]):  # noqa: ANN201
    """Upsert resident rows under `batch_id` through `tx`: (rows written, first/last days).
    Keys and days are read from the typed view: the unified view computes the channels
    again at each reading, and unify changes neither."""
    typed = Resident(data.con, _names(table)[0], data.columns, data.rows, data.order)
    return sql.upsert(tx, TABLES[table], data, batch_id, typed.table), sql.span(typed, days)
