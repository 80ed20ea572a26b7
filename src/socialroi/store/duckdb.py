"""The workspace's DuckDB file: creation, schema version and migrations, atomic loads."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Hashable, Iterator, Mapping
from pathlib import Path

import duckdb
import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pyarrow as pa
from ibis.backends.duckdb.converter import DuckDBPyArrowData

from socialroi.errors import SocialroiError
from socialroi.model import revision
from socialroi.model.schema import SCHEMA_VERSION, TABLES, TableSpec

# Migrations from version N-1 to N, applied in order inside one transaction each.
# Version 1 is the initial schema; each later version adds `MIGRATIONS[n] = fn`.
MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {}
# (key, input schemas) -> (SQL, expression): see `DuckDBStore.run_compiled`.
_COMPILED: dict[Hashable, tuple[str, ir.Table, pa.Schema]] = {}
# DuckDB's buffer pool during an import run (`DuckDBStore.bulk`): what a run writes beyond it
# goes to the workspace's temporary folder, so a large demo's import stays under 2 GB.
RUN_MEMORY = "512MB"


def _v2_time_split(raw: duckdb.DuckDBPyConnection) -> None:
    """Version 2 adds the team time-split table (drives the `hours_share` cost rule)."""
    raw.execute(create_sql(TABLES["time_split"]))


def _v3_cost_team(raw: duckdb.DuckDBPyConnection) -> None:
    """Version 3 adds the costs ledger's `team`: whose time-split hours a line follows."""
    raw.execute('ALTER TABLE costs ADD COLUMN IF NOT EXISTS "team" VARCHAR')


def _v4_connections(raw: duckdb.DuckDBPyConnection) -> None:
    """Version 4 adds API connections and their per-stream sync cursors."""
    raw.execute(create_sql(TABLES["connections"]))
    raw.execute(create_sql(TABLES["sync_cursors"]))


def _v5_view_sources(raw: duckdb.DuckDBPyConnection) -> None:
    """Version 5 adds views by traffic source (YouTube's traffic sources by day)."""
    raw.execute(create_sql(TABLES["view_sources"]))


MIGRATIONS[2] = _v2_time_split
MIGRATIONS[3] = _v3_cost_team
MIGRATIONS[4] = _v4_connections
MIGRATIONS[5] = _v5_view_sources


def sql_type(dtype: str) -> str:
    t = dt.dtype(dtype)
    if t.is_timestamp():
        return "TIMESTAMPTZ" if t.timezone else "TIMESTAMP"
    return {
        "string": "VARCHAR",
        "int64": "BIGINT",
        "float64": "DOUBLE",
        "boolean": "BOOLEAN",
        "date": "DATE",
    }[str(t).rstrip("!")]


def create_sql(spec: TableSpec) -> str:
    cols = ",\n  ".join(f'"{c.name}" {sql_type(c.dtype)}' for c in spec.columns)
    return f'CREATE TABLE IF NOT EXISTS "{spec.name}" (\n  {cols}\n)'


def _setup(con: duckdb.DuckDBPyConnection) -> None:
    # one round trip; no progress bar: the CLI draws its own
    con.execute("SET TimeZone = 'UTC'; SET enable_progress_bar = false")


def _why(exc: Exception) -> str:
    """DuckDB's error, and what to do when another process holds the file."""
    text = str(exc)
    if "lock" in text.lower():
        return (
            "another process has it open (a running `socialroi serve`, or another command). "
            "Commands sent while `socialroi serve` runs on this workspace go through the "
            f"server; otherwise wait for the other process to finish. ({text})"
        )
    return text


_SETTINGS = (
    str(revision.MEASURES),  # an upgrade that changes a measure invalidates kept answers
    "(SELECT value FROM meta WHERE key = 'channel_rules_path')",
    "(SELECT value FROM meta WHERE key = 'campaign_map')",
)
_VERSION_PARTS = (
    "(SELECT max(batch_id) FROM import_batches)",
    "(SELECT count(*) FROM import_batches)",
    "(SELECT count(*) FROM fx_rates)",
    "(SELECT sum(hash(per_eur)) FROM fx_rates)",
    "(SELECT count(*) FROM conversions)",
    "(SELECT sum(hash(value_base)) FROM conversions)",
    "(SELECT max(conversion_id) FROM conversions)",
    "(SELECT count(*) FROM touchpoints)",
    "(SELECT count(*) FROM costs)",
    "(SELECT sum(hash(amount_base)) FROM costs)",
    "(SELECT count(*) FROM ad_metrics)",
    "(SELECT count(*) FROM posts)",
    "(SELECT count(*) FROM post_metrics)",
    "(SELECT count(*) FROM account_metrics)",
    *_SETTINGS,
)
# what else changes a table's rows without changing their count or newest batch (hashed
# values, not summed doubles: a parallel sum of doubles may differ in its last bit)
_TABLE_SUMS = {
    "conversions": ("sum(hash(value_base))", "max(conversion_id)"),
    "costs": ("sum(hash(amount_base))",),
    "fx_rates": ("sum(hash(per_eur))",),
}


def _table_parts(name: str) -> list[str]:
    spec, q = TABLES[name], quote(name)
    parts = [f"(SELECT count(*) FROM {q})"]
    if "batch_id" in spec.column_names:
        parts.append(f"(SELECT max(batch_id) FROM {q})")
    return parts + [f"(SELECT {e} FROM {q})" for e in _TABLE_SUMS.get(name, ())]


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class DuckDBStore:
    """One workspace = one DuckDB file. Opens it, creates or migrates its tables.

    Every thread gets a connection of its own to the one database (`raw`, `ibis`): a DuckDB
    connection holds one pending result, so two threads sharing one would read each other's
    answers. The thread that opened the store uses the first connection; the others get a
    cursor (a connection to the same database) on first use, closed with the store."""

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = str(path)
        try:
            self._root = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as exc:
            raise SocialroiError(f"cannot open workspace {self.path}: {_why(exc)}") from exc
        _setup(self._root)
        self._owner = threading.get_ident()
        self._local = threading.local()
        self._others: list[duckdb.DuckDBPyConnection] = []
        self._others_lock = threading.Lock()
        self._narrow_lock = threading.Lock()
        self._groups_open = 0  # groups open (`group()`) on any thread
        self._threads_before = 0  # DuckDB's threads before the first of them
        self._root_ibis = ibis.duckdb.from_connection(self._root)
        if not read_only:
            try:
                self._ensure_schema()
            except BaseException:
                self._root.close()
                raise

    @property
    def raw(self) -> duckdb.DuckDBPyConnection:
        """This thread's connection to the workspace's database."""
        if threading.get_ident() == self._owner:
            return self._root
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._root.cursor()
            _setup(con)
            self._local.con = con
            with self._others_lock:
                self._others.append(con)
        return con

    @property
    def ibis(self) -> ibis.BaseBackend:
        """An Ibis backend on this thread's connection (a Spark store answers Spark's)."""
        return self.catalog_ibis

    @property
    def catalog_ibis(self) -> ibis.BaseBackend:
        """The DuckDB Ibis backend on this thread's connection: the workspace's tables on a
        DuckDB workspace, the landing catalog on a Spark one."""
        if threading.get_ident() == self._owner:
            return self._root_ibis
        backend = getattr(self._local, "ibis", None)
        if backend is None or getattr(self._local, "ibis_con", None) is not self.raw:
            backend = ibis.duckdb.from_connection(self.raw)
            self._local.ibis, self._local.ibis_con = backend, self.raw
        return backend

    def release(self) -> None:
        """Close this thread's own connection (a thread that ends calls it; the next use
        opens another)."""
        con = getattr(self._local, "con", None)
        if con is None or threading.get_ident() == self._owner:
            return
        self._local.con = self._local.ibis = self._local.ibis_con = None
        with self._others_lock:
            self._others = [c for c in self._others if c is not con]
        with contextlib.suppress(duckdb.Error):
            con.close()

    def interrupt(self) -> None:
        """Stop the queries other threads are running now (they raise); the workspace is
        about to close, and closing under a running query would crash DuckDB."""
        with self._others_lock:
            others = list(self._others)
        for con in others:
            with contextlib.suppress(duckdb.Error, RuntimeError):
                con.interrupt()

    def close(self) -> None:
        with self._others_lock:
            others, self._others = self._others, []
        for con in others:
            with contextlib.suppress(duckdb.Error):
                con.close()
        self._root.close()

    # -- schema ----------------------------------------------------------------------
    def schema_version(self) -> int:
        row = self.raw.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
        ).fetchone()
        if not row or row[0] == 0:
            return 0
        got = self.raw.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(got[0]) if got else 0

    def _ensure_schema(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise SocialroiError(
                f"workspace {self.path} has schema version {version}, newer than this "
                f"socialroi ({SCHEMA_VERSION}); upgrade socialroi to open it."
            )
        with self.transaction():
            if version == 0:
                self.raw.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR, value VARCHAR)")
                for spec in TABLES.values():
                    self.raw.execute(create_sql(spec))
                self.raw.execute(
                    "INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
                )
                return
            for target in range(version + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[target](self.raw)
            if version < SCHEMA_VERSION:
                self.raw.execute(
                    "UPDATE meta SET value = ? WHERE key = 'schema_version'",
                    [str(SCHEMA_VERSION)],
                )

    def setting(self, key: str, default: str | None = None) -> str | None:
        with self.cursor() as cur:
            got = cur.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return got[0] if got else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction():
            self.raw.execute("DELETE FROM meta WHERE key = ?", [key])
            self.raw.execute("INSERT INTO meta VALUES (?, ?)", [key, value])

    # -- transactions ----------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        self.raw.execute("BEGIN TRANSACTION")
        try:
            yield self.raw
        except BaseException:
            self.raw.execute("ROLLBACK")
            raise
        else:
            self.raw.execute("COMMIT")

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """Many transactions in a row (an import run): the database file is rewritten
        (checkpointed) once at the end instead of whenever the write-ahead log passes 16 MB,
        which otherwise happens on most large files. Every commit is still durable (the log
        is on disk and replayed if the process dies)."""
        con = self.raw
        old = con.execute(
            "SELECT current_setting('checkpoint_threshold'), current_setting('memory_limit')"
        ).fetchone()
        con.execute(f"SET checkpoint_threshold = '16GB'; SET memory_limit = '{RUN_MEMORY}'")
        try:
            yield
        finally:
            # the run's rows are written to the file while memory is still bounded: a large
            # run's checkpoint under DuckDB's default limit took 2.8 GB
            with contextlib.suppress(duckdb.Error):  # another connection's transaction
                con.execute("CHECKPOINT")
            con.execute(
                f"SET checkpoint_threshold = '{old[0].replace(chr(39), '')}'; "
                f"SET memory_limit = '{old[1].replace(chr(39), '')}'"
            )

    def group(self) -> Group:
        """Open one transaction for several batches (an import run's small files; see
        `land.groups`). Until it is committed or rolled back, this thread's reads
        (`cursor()`) go through it, so each file's checks see the files landed before it."""
        return Group(self)

    def _narrow(self, con: duckdb.DuckDBPyConnection) -> None:
        """One thread for DuckDB while any group is open (the setting is the database's:
        the first group sets it, the last one to end restores it)."""
        with self._narrow_lock:
            if not self._groups_open:
                got = con.execute("SELECT current_setting('threads')").fetchone()[0]
                con.execute("SET threads = 1")
                self._threads_before = int(got)
            self._groups_open += 1

    def _widen(self, con: duckdb.DuckDBPyConnection) -> None:
        with self._narrow_lock:
            self._groups_open -= 1
            if not self._groups_open:
                with contextlib.suppress(duckdb.Error):  # a database that failed fatally
                    con.execute(f"SET threads = {self._threads_before}")

    @contextlib.contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for one read: threads never share a result set. Inside a
        group (`group()`), this thread's own connection: its reads see the group's rows."""
        if getattr(self._local, "group", None) is not None:
            yield self.raw
            return
        with self._own_cursor() as cur:
            yield cur

    @contextlib.contextmanager
    def _own_cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._root.cursor()
        _setup(cur)
        try:
            yield cur
        finally:
            cur.close()

    def data_version(self, tables: tuple[str, ...] | None = None) -> tuple:
        """Changes whenever anything a measure reads changes: an import or a manual cost edit
        (each is a batch), an exchange-rate override, the channel rules, and rows written to
        the tables directly (scripts, tests), which no batch records. The one definition the
        measure memo and the dashboard's caches share.

        `tables`: only what these tables hold (their rows' count and newest batch, sums where
        an edit may keep the count), plus the settings every measure reads. A measure that
        reads only journeys is not made stale by a content import."""
        if tables is not None:
            every = self.table_versions()
            return tuple(every["_settings"]) + tuple(
                x for t in sorted(set(tables)) for x in every[t]
            )
        with self.cursor() as cur:
            row = cur.execute("SELECT " + ", ".join(_VERSION_PARTS)).fetchone()
        return tuple(row)

    def table_versions(self) -> dict[str, tuple]:
        """Per table of the data model, what `data_version(tables)` reads of it (one query);
        `_settings`: the settings every version carries."""
        names = [n for n in TABLES if n != "import_batches"]
        parts = list(_SETTINGS)
        spans = {"_settings": (0, len(parts))}
        for name in names:
            start = len(parts)
            parts += _table_parts(name)
            spans[name] = (start, len(parts))
        with self.cursor() as cur:
            row = cur.execute("SELECT " + ", ".join(parts)).fetchone()
        return {name: tuple(row[a:b]) for name, (a, b) in spans.items()}

    # -- expressions compiled once ------------------------------------------------------
    def run_compiled(
        self,
        key: Hashable,
        build: Callable[[dict[str, ir.Table]], ir.Table],
        inputs: Mapping[str, pa.Table],
    ) -> pa.Table:
        """The rows of the Ibis expression `build(tables)` over Arrow `inputs`, compiled to
        SQL once per `key` and input schemas. `build` receives an unbound Ibis table per
        input (same name and schema) and must depend on nothing else but `key`. The import
        runs the same unify expression for every file: compiling it costs more than running
        it on most files (0.2-0.5 s against milliseconds)."""
        sql, expr, arrow = self.compiled(key, build, {n: t.schema for n, t in inputs.items()})
        con = self.raw
        for n, t in inputs.items():
            con.register(n, t)
        try:
            table = con.sql(sql).to_arrow_table()
        finally:
            for n in inputs:
                con.unregister(n)
        if table.schema == arrow:  # what Ibis's conversion would answer, without building it
            return table
        return expr.__pyarrow_result__(table, data_mapper=DuckDBPyArrowData)

    def compiled(
        self,
        key: Hashable,
        build: Callable[[dict[str, ir.Table]], ir.Table],
        schemas: Mapping[str, pa.Schema],
    ) -> tuple[str, ir.Table, pa.Schema]:
        """(SQL, expression, Arrow schema of its rows) of `build(tables)` over tables named
        and shaped as `schemas`, compiled once per `key` and schemas (`run_compiled`)."""
        sig = (key, tuple((n, tuple((f.name, str(f.type)) for f in s))
                          for n, s in schemas.items()))  # fmt: skip
        got = _COMPILED.get(sig)
        if got is None:
            tables = {n: ibis.table(ibis.Schema.from_pyarrow(s), name=n)
                      for n, s in schemas.items()}  # fmt: skip
            expr = build(tables).as_table()
            arrow = expr.schema().to_pyarrow()  # made once: Ibis takes milliseconds for it
            got = _COMPILED[sig] = (self.catalog_ibis.compile(expr), expr, arrow)
        return got

    def table(self, name: str) -> ibis.Table:
        return self.ibis.table(name)

    def unify_engine(self, rows: int) -> ibis.BaseBackend:
        """The engine that unifies one file's `rows` staged rows: the workspace's own."""
        return self.ibis

    def count(self, name: str) -> int:
        with self.cursor() as cur:
            return int(cur.execute(f"SELECT count(*) FROM {quote(name)}").fetchone()[0])


class Group:
    """One open transaction that several batches share (`DuckDBStore.group`): `tx` is the
    connection to write through; `commit()` makes them all durable at once, `rollback()`
    leaves none of them.

    A group is for small files, whose statements take a millisecond or two: DuckDB runs them
    on one thread while the group is open (handing a tiny query to a second thread and
    waiting for it costs more than it saves: on one thread a run's small files took 17 % less
    CPU); the number of threads is restored when the last open group ends."""

    def __init__(self, store: DuckDBStore) -> None:
        self._store = store
        self.tx = store.raw
        store._narrow(self.tx)  # noqa: SLF001 - the store's own thread count
        try:
            self.tx.execute("BEGIN TRANSACTION")
        except BaseException:
            store._widen(self.tx)  # noqa: SLF001
            raise
        store._local.group = self  # noqa: SLF001 - the store's own per-thread state
        self._open = True

    def commit(self) -> None:
        try:
            self.tx.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise
        self._end()

    def rollback(self) -> None:
        """Leave none of the group's rows (again after a failed commit: nothing happens)."""
        if not self._open:
            return
        with contextlib.suppress(duckdb.Error):  # a failed commit has ended it already
            self.tx.execute("ROLLBACK")
        self._end()

    def _end(self) -> None:
        if self._open:
            self._open = False
            self._store._local.group = None  # noqa: SLF001
            self._store._widen(self.tx)  # noqa: SLF001
