"""A Spark workspace: the same tables and the same Ibis expressions, computed by Apache Spark.

`spark:PATH` runs a Spark session in this process (its master from `SOCIALROI_SPARK_MASTER`,
default `local[*]`; a standalone cluster's `spark://host:7077` works when PATH is on a shared
file system); `spark:sc://HOST:PORT` and `SPARK_REMOTE` reach a Spark Connect server.

What lives where (docs/scale-out.md says why):
- the landing catalog, a DuckDB file (`PATH/catalog.duckdb`, or `./socialroi-HOST-PORT.spark/`
  for a Connect workspace): batches, data-quality findings, settings, users, and the canonical
  rows as each import upserted them, atomically per file. Spark without a table format (Delta
  Lake and Iceberg are not shipped with pyspark) has no transactional row-level upsert, so the
  "one file = one atomic batch, the same rows replace themselves" guarantee stays with DuckDB.
- Spark: the canonical tables every measure reads, published as Parquet (one version per
  change, written by DuckDB into `PATH/tables/` for a local session, by Spark into the server's
  warehouse for Spark Connect), and every computation on them: the import's unify step
  (money in base currency, channels), journeys, attribution, costs, ROI, CLV, the report and
  the dashboard's measures — the same Ibis expressions the DuckDB workspace runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import json
import os
import shutil
import threading
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.schema as sch

from socialroi.errors import SocialroiError
from socialroi.model.schema import TABLES
from socialroi.store.duckdb import DuckDBStore, quote
from socialroi.store.location import PREFIX, SparkLocation

# Spark settings for a session this process starts; SOCIALROI_SPARK_CONF adds its own
# (`key=value,key=value`). Small shuffles: the tables a brand holds fit a few partitions,
# and adaptive execution coalesces them further.
LOCAL_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "8",
    "spark.sql.adaptive.enabled": "true",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}
# A session whose executors run in this process listens on loopback only; a cluster's
# executors must reach the driver, so a `spark://` master keeps Spark's own choice.
LOOPBACK = {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}


def _pyspark() -> Any:
    """pyspark.sql, or an error that says how to install it (it is an optional extra)."""
    if importlib.util.find_spec("pyspark") is None:
        raise SocialroiError(
            "Spark workspaces need pyspark: pip install 'socialroi[spark]' (and Java 17 for a "
            "local session)"
        )
    return importlib.import_module("pyspark.sql")


def _extra_conf() -> dict[str, str]:
    raw = os.environ.get("SOCIALROI_SPARK_CONF", "")
    pairs = [p.split("=", 1) for p in raw.split(",") if "=" in p]
    return {k.strip(): v.strip() for k, v in pairs}


def spark_session(loc: SparkLocation) -> Any:
    """The Spark session of a location: Spark Connect, or one started in this process."""
    sql = _pyspark()
    builder = sql.SparkSession.builder
    if loc.remote:
        try:
            return builder.remote(loc.remote).getOrCreate()
        except Exception as exc:  # noqa: BLE001 - grpc, missing extras: one clear sentence
            raise SocialroiError(
                f"cannot reach the Spark Connect server at {loc.remote}: {exc}. Start one "
                "(docs/scale-out.md) and install the client: pip install 'pyspark[connect]'"
            ) from exc
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise SocialroiError("a local Spark session needs Java 17 (apt install openjdk-17-jre)")
    master = os.environ.get("SOCIALROI_SPARK_MASTER", "local[*]")
    local = master.startswith("local")
    if local:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # pyspark marks the process "connect mode" once it has made a Spark Connect session, and
    # would then refuse to start a local one: a process may open both kinds of workspace.
    os.environ.pop("SPARK_CONNECT_MODE_ENABLED", None)
    conf = {
        **LOCAL_CONF,
        **(LOOPBACK if local else {}),
        "spark.sql.warehouse.dir": str(loc.folder / "warehouse"),
        **_extra_conf(),
    }
    builder = builder.master(master).appName("socialroi")
    for k, v in conf.items():
        builder = builder.config(k, v)
    session = builder.getOrCreate()
    for k in ("spark.sql.session.timeZone", "spark.sql.shuffle.partitions"):
        session.conf.set(k, conf[k])  # a session this process already had takes them too
    return session


def ibis_backend(session: Any) -> ibis.BaseBackend:
    """Ibis on `session`, with Spark's TIMESTAMP read as what it is in a UTC session: an
    instant in UTC (Ibis' own mapping calls it a naive timestamp, so results and cached
    tables would come back without a zone, unlike DuckDB's TIMESTAMPTZ)."""
    ibis.pyspark.connect  # noqa: B018 - loads the backend and registers its options
    base = importlib.import_module("ibis.backends.pyspark").Backend
    types = importlib.import_module("pyspark.sql.types")

    class Compiler(type(base.compiler)):  # type: ignore[misc]
        def visit_ExtractEpochSeconds(self, op: Any, *, arg: Any) -> Any:
            # DuckDB's epoch() keeps the microseconds, Spark's unix_timestamp() drops them:
            # journeys measure time between touches, so both must count the same seconds.
            return self.f.unix_micros(self.cast(arg, dt.timestamp)) / 1_000_000

    def zoned(schema: sch.Schema, struct: Any) -> sch.Schema:
        ltz = {f.name for f in struct.fields if isinstance(f.dataType, types.TimestampType)}
        return sch.Schema(
            {
                n: dt.Timestamp(timezone="UTC", nullable=t.nullable) if n in ltz else t
                for n, t in schema.items()
            }
        )

    class Backend(base):  # type: ignore[misc, valid-type]
        compiler = Compiler()

        def get_schema(self, table_name: str, *, catalog=None, database=None) -> sch.Schema:
            schema = super().get_schema(table_name, catalog=catalog, database=database)
            if catalog or database:
                return schema
            return zoned(schema, self._session.table(table_name).schema)

        def _get_schema_using_query(self, query: str) -> sch.Schema:
            return zoned(super()._get_schema_using_query(query), self.raw_sql(query).schema)

    return Backend().connect(session)


class SparkStore(DuckDBStore):
    """A workspace whose tables are computed by Spark; its landing catalog is DuckDB.

    Everything the DuckDB store offers (transactions, settings, cursors for bookkeeping)
    works on the catalog; `ibis` and `table()` are Spark's. Before a table is read, the rows
    landed since it was last published are published (one Parquet version per change)."""

    def __init__(self, location: str | Path, *, read_only: bool = False) -> None:
        loc = SparkLocation.parse(location)
        loc.folder.mkdir(parents=True, exist_ok=True)
        self.location = loc
        super().__init__(loc.folder / "catalog.duckdb", read_only=read_only)
        self.path = PREFIX + (loc.remote or str(loc.folder))
        # Spark starts at the first read of a table (10-30 s): commands that only keep the
        # catalog (users, tokens, connections, fx, cost edits) never start it
        self._session = None
        self._backend: ibis.BaseBackend | None = None
        self._start_lock = threading.Lock()
        self._tag = "sr" + hashlib.sha256(str(loc.folder).encode()).hexdigest()[:10]
        self._published: dict[str, tuple[str, str]] = {}  # table -> (Parquet path, view)
        self._checked: tuple | None = None
        self._publish_lock = threading.RLock()
        self._scratch = threading.local()  # per thread: the small files' unify engine

    @property
    def session(self):
        """The Spark session, started on first use."""
        self._start()
        return self._session

    @property
    def _spark(self) -> ibis.BaseBackend:
        self._start()
        return self._backend

    def _start(self) -> None:
        if self._backend is not None:
            return
        with self._start_lock:
            if self._backend is None:
                self._session = spark_session(self.location)
                self._backend = ibis_backend(self._session)

    @property
    def started(self) -> bool:
        """Whether this store has started its Spark session."""
        return self._backend is not None

    @property
    def ibis(self) -> ibis.BaseBackend:
        return self._spark

    @property
    def engine(self) -> str:
        return "spark-connect" if self.location.remote else "spark"

    def unify_engine(self, rows: int) -> ibis.BaseBackend:
        """Spark for a file of at least `SOCIALROI_SPARK_UNIFY_ROWS` rows (default 200,000);
        a smaller file is unified by the same Ibis expression on an in-process DuckDB, since
        a Spark job costs more than the few thousand rows of a typical export."""
        if rows >= int(os.environ.get("SOCIALROI_SPARK_UNIFY_ROWS", "200000")):
            return self._spark
        scratch = getattr(self._scratch, "con", None)
        if scratch is None:
            scratch = self._scratch.con = ibis.duckdb.connect()
            scratch.raw_sql("SET TimeZone = 'UTC'")
        return scratch

    def table(self, name: str) -> ibis.Table:
        self.publish()
        return self._spark.table(self._published[name][1])

    # -- publishing the landed rows to Spark --------------------------------------------
    def publish(self) -> list[str]:
        """Make Spark's tables equal the catalog's; returns the tables written anew."""
        with self._publish_lock:
            version = self.data_version()
            if self._checked == version:
                return []
            written = [name for name in TABLES if name != "meta" and self._publish_one(name)]
            self._checked = version
            return written

    def _fingerprint(self, name: str) -> str:
        with self.cursor() as cur:
            n, h = cur.execute(
                f"SELECT count(*), coalesce(sum(hash(t)), 0)::VARCHAR FROM {quote(name)} t"
            ).fetchone()
        return f"{n}:{h}"

    def _publish_one(self, name: str) -> bool:
        fp = self._fingerprint(name)
        held = json.loads(self.setting(f"spark_table:{name}") or "{}")
        wrote = False
        if held.get("fingerprint") != fp or not self._exists(held.get("path")):
            n = int(held.get("version", 0)) + 1
            path = self._write(name, n)
            held = {"fingerprint": fp, "version": n, "path": path}
            self.set_setting(f"spark_table:{name}", json.dumps(held))
            wrote = True
        if wrote or self._published.get(name, ("", ""))[0] != held["path"]:
            # one view name per version: an expression (or an Ibis cache of one) built on
            # the previous version never reads the new rows under the old name
            view = f"{self._tag}_{name}_v{held['version']}"
            self.session.read.parquet(held["path"]).createOrReplaceTempView(view)
            self._published[name] = (held["path"], view)
            self._prune(name, held["path"])
        return wrote

    def _local_root(self) -> Path:
        return self.location.folder / "tables"

    def _exists(self, path: str | None) -> bool:
        if not path:
            return False
        if self.location.remote:
            return True  # the server's files: trusted as recorded
        return Path(path).exists()

    def _write(self, name: str, version: int) -> str:
        if not self.location.remote:  # DuckDB writes the Parquet Spark reads
            target = self._local_root() / name / f"v{version}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".tmp")
            with self.cursor() as cur:
                cur.execute(
                    f"COPY (SELECT * FROM {quote(name)}) TO '{_sql_text(tmp)}' (FORMAT parquet)"
                )
            os.replace(tmp, target)
            return str(target)
        # Spark Connect: the rows travel as Arrow to the server, which writes its warehouse.
        with self.cursor() as cur:
            data = cur.execute(f"SELECT * FROM {quote(name)}").fetch_arrow_table()
        warehouse = self.session.conf.get("spark.sql.warehouse.dir")
        path = f"{warehouse.rstrip('/')}/socialroi/{self._tag}/{name}/v{version}"
        schema = importlib.import_module("pyspark.sql.pandas.types").from_arrow_schema(data.schema)
        frame = self.session.createDataFrame(data if data.num_rows else [], schema=schema)
        frame.write.mode("overwrite").parquet(path)
        return path

    def _prune(self, name: str, current: str) -> None:
        """Drop Parquet versions older than the one before the current (a reader in another
        process may still hold the previous one)."""
        if self.location.remote:
            return
        folder = self._local_root() / name
        versions = sorted(folder.glob("v*.parquet"), key=lambda p: int(p.stem[1:]))
        for old in versions[:-2]:
            if str(old) != current:
                with contextlib.suppress(OSError):
                    old.unlink()


def _sql_text(path: Path) -> str:
    return str(path).replace("'", "''")


def reuse(table: ibis.Table) -> ibis.Table:
    """`table`, computed once per query where the engine would compute it again for every
    reference. DuckDB materialises a common table expression referenced several times; Spark
    inlines it at each reference, so the journeys' stitched people (referenced a dozen times
    down the query) would be stitched a dozen times: on Spark the table is cached (lazily:
    the first query that reads it fills the cache). Elsewhere `table` is returned as is."""
    try:
        backend = table._find_backend()
    except Exception:  # noqa: BLE001 - an expression of several backends, or of memtables only
        return table
    return table.cache() if backend.name == "pyspark" else table
