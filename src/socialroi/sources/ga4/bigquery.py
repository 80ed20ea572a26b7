"""The GA4 BigQuery event export, flattened to sessions and conversions in DuckDB.

Input: rows of the `events_YYYYMMDD` tables, as newline-delimited JSON (what
`bq extract --destination_format NEWLINE_DELIMITED_JSON` writes: INT64 values as strings)
or Parquet (`EXPORT DATA ... FORMAT = 'PARQUET'`; repeated records as lists of structs).
Everything runs as one DuckDB query over the file (JSON) or its Arrow table (Parquet): no
per-row Python, so millions of events flatten in seconds.

Sessions (`touchpoints`, origin `ga4_event`): one per (user_pseudo_id, ga_session_id), at
the session's first event. Source, medium, campaign, content and term come from the first
event that carries them, in this order: `collected_traffic_source.manual_*` (what GA4
collected on the event), the `source`/`medium`/`campaign`/`content`/`term` event parameters
(GA4 sets them on the session's first events), then the landing page's `utm_*` parameters.
An untagged session is attributed as GA4 does: a Google click id makes it `google / cpc`, a
referrer from another site makes it `<referrer host> / referral` (`<engine> / organic` for
search engines), anything else is `(direct) / (none)`. Click ids (fbclid, ttclid, li_fat_id,
twclid, epik, gclid, ...) come from the landing page's query string and
`collected_traffic_source.gclid/dclid/srsltid`. `traffic_source` (the user's *first*
acquisition) is deliberately not used: it is not the session's source.

Conversions (origin `ga4`): `purchase` (with its transaction id, revenue and currency),
`sign_up` (kind signup) and `generate_lead` (kind lead), each carrying its session's
source fields.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from socialroi.errors import ImportFailed
from socialroi.sources.base import Context, InputFile, Resident
from socialroi.sources.ga4.bigquery_arrow import flatten
from socialroi.sources.ga4.bigquery_sql import (
    CONV_ORIGIN,
    SESSION_ORDER,
    TS_MAX,
    TS_MIN,
    conversions_sql,
    flatten_sql,
    sessions_with_market,
)
from socialroi.sources.kit.accounts import known_currency
from socialroi.sources.kit.countries import country_table
from socialroi.sources.kit.scratch import scratch_duckdb

_VALUE = "STRUCT(string_value VARCHAR, int_value BIGINT, float_value DOUBLE, double_value DOUBLE)"
# Events grouped into sessions in one pass (see _touchpoints): the large demo's largest month
# (3.1 M events) took 21.6 s CPU in passes of 500,000, 14.4 s in three, as much in two (and
# 100 MB more memory); its peak memory was the same in three passes as in seven.
SESSION_PASS_EVENTS = 1_100_000
JSON_COLUMNS: dict[str, str] = {
    "event_date": "VARCHAR",
    "event_timestamp": "BIGINT",
    "event_name": "VARCHAR",
    "event_params": f"STRUCT(key VARCHAR, value {_VALUE})[]",
    "user_id": "VARCHAR",
    "user_pseudo_id": "VARCHAR",
    "geo": "STRUCT(country VARCHAR)",
    "collected_traffic_source": "STRUCT(manual_source VARCHAR, manual_medium VARCHAR, "
    "manual_campaign_name VARCHAR, manual_content VARCHAR, manual_term VARCHAR, "
    "gclid VARCHAR, dclid VARCHAR, srsltid VARCHAR)",
    "ecommerce": "STRUCT(transaction_id VARCHAR, purchase_revenue DOUBLE, "
    "purchase_revenue_in_usd DOUBLE)",
}


# -- reading -------------------------------------------------------------------------------


READ_COLUMNS = ("event_date", "event_timestamp", "event_name", "event_params", "user_id",
                "user_pseudo_id", "geo", "collected_traffic_source", "ecommerce")  # fmt: skip


def _load(con: duckdb.DuckDBPyConnection, file: InputFile, ctx: Context) -> tuple[str, int]:
    """Register the flattened events as table `norm`; returns (format, number of events)."""
    if file.data[:4] == b"PAR1":
        try:
            pf = pq.ParquetFile(io.BytesIO(file.data))
            names = set(pf.schema_arrow.names)
            columns = [c for c in READ_COLUMNS if c in names]
            _required(columns, ctx)
            n = _load_in_duckdb(con, file, pf)
            if n is not None:
                return "parquet", n
            # Row group by row group: the nested events of a month (millions, each with its
            # event_params) are never all in memory beside their flattened columns.
            parts, first = [], 1
            for i in range(pf.num_row_groups):
                group = pf.read_row_group(i, columns=columns)
                parts.append(flatten(group, ctx, first))
                first += group.num_rows
                del group
            flat = pa.concat_tables(parts) if parts else flatten(
                pf.schema_arrow.empty_table().select(columns), ctx)  # fmt: skip
            del parts
        except (ImportFailed, duckdb.OutOfMemoryException):
            raise
        except Exception:  # noqa: BLE001 - a damaged Parquet file is one user problem
            raise ctx.fail(
                "the Parquet file is damaged: its data pages cannot be read",
                expected="a Parquet file written by BigQuery EXPORT DATA",
            ) from None
        con.register("norm", flat)
        return "parquet", flat.num_rows
    else:
        path = _file_path(file, ".jsonl")
        cols = "{" + ", ".join(f"'{k}': '{v}'" for k, v in JSON_COLUMNS.items()) + "}"
        table = con.execute(
            f"SELECT * FROM read_json('{_sql_str(path)}', format = 'newline_delimited', "
            f"columns = {cols}, maximum_object_size = 67108864)"
        ).to_arrow_table()
        if path != file.path:
            path.unlink(missing_ok=True)
        fmt = "jsonl"
    _required(table.column_names, ctx)
    flat = flatten(table, ctx)
    del table
    con.register("norm", flat)
    return fmt, flat.num_rows


def _load_in_duckdb(con: duckdb.DuckDBPyConnection, file: InputFile, pf: Any) -> int | None:
    """The Parquet file flattened by DuckDB straight from the file into table `norm` (no
    nested rows in Python memory; DuckDB spills to disk past its memory limit); None when
    its layout or a parameter value needs Arrow's flattening (see `flatten_sql`)."""
    layout = {f.name: _duck_type(f.type) for f in pf.schema_arrow if f.name in READ_COLUMNS}
    path = _file_path(file, ".parquet")
    try:
        sql = flatten_sql(layout, f"read_parquet('{_sql_str(path)}', file_row_number = true)")
        if sql is None:
            return None
        con.execute(f"CREATE TEMP TABLE norm AS {sql}")
    finally:
        if path != file.path:
            path.unlink(missing_ok=True)
    odd, n = con.execute("SELECT bool_or(_odd), count(*) FROM norm").fetchone()
    if odd:
        con.execute("DROP TABLE norm")
        return None
    return int(n)


def _duck_type(t: pa.DataType) -> object:
    """An Arrow type as `flatten_sql` reads a layout: structs as dicts, lists as [item]."""
    if pa.types.is_struct(t):
        return {t.field(i).name: _duck_type(t.field(i).type) for i in range(t.num_fields)}
    if pa.types.is_list(t):
        return [_duck_type(t.value_type)]
    return {pa.string(): "VARCHAR", pa.int64(): "BIGINT", pa.float64(): "DOUBLE"}.get(t, str(t))


def _required(columns: list[str], ctx: Context) -> None:
    missing = [c for c in ("event_timestamp", "event_name", "user_pseudo_id")
               if c not in columns]  # fmt: skip
    if missing:
        raise ctx.fail(
            f"this GA4 event export has no {', '.join(missing)} column",
            expected="the BigQuery events_* table layout",
        )


def _sql_str(path: Path) -> str:
    return str(path).replace("'", "''")


def _file_path(file: InputFile, suffix: str) -> Path:
    """The file on disk for DuckDB's reader (a zip member is written to a temporary file)."""
    if file.path is not None and file.path.name == file.name and file.path.is_file():
        return file.path
    tmp = tempfile.NamedTemporaryFile(prefix="socialroi-ga4-", suffix=suffix, delete=False)  # noqa: SIM115
    with tmp:
        tmp.write(file.data)
    return Path(tmp.name)


def _json_error(file: InputFile, ctx: Context, exc: Exception):
    """Find the first line DuckDB could not read, for an error that names it."""
    for n, line in enumerate(io.BytesIO(file.data), start=1):
        text = line.strip()
        if not text:
            continue
        try:
            obj = json.loads(text)
        except ValueError as e:
            return ctx.fail(
                "a line is not valid JSON",
                row=n,
                value=text[:80].decode("utf-8", "replace"),
                expected=f"one JSON object per line ({getattr(e, 'msg', 'not UTF-8 text')})",
            )
        if not isinstance(obj, dict):
            return ctx.fail("a line is not a JSON object", row=n, expected="one event per line")
        ts = obj.get("event_timestamp")
        try:
            int(ts)
        except (TypeError, ValueError):
            return ctx.fail(
                "an event_timestamp is not a number",
                row=n,
                column="event_timestamp",
                value=ts,
                expected="microseconds since 1970 (UTC), e.g. 1736300000000000",
            )
    return ctx.fail(
        "the event export cannot be read: a line is not a complete JSON event",
        expected="the BigQuery events_* layout as JSON lines",
    )


# -- the parse -----------------------------------------------------------------------------


def parse(file: InputFile, ctx: Context) -> dict[str, pa.Table | Resident]:
    """Touchpoints and conversions as Arrow tables, typed by DuckDB (times in UTC).

    The scratch engine's memory is bounded (`kit.scratch`); DuckDB spills the events and
    the sessions' grouping to disk past it. A large month is grouped in passes of at most
    `SESSION_PASS_EVENTS` events, which bounds the grouping's memory on every thread. The
    parse takes `ctx.threads` (the connection's own setting when None); a month whose
    parallel grouping still runs out of the bound is read again on one thread."""
    found = len(ctx.findings)
    try:
        return _parse(file, ctx, threads=ctx.threads)
    except duckdb.OutOfMemoryException:
        del ctx.findings[found:]  # the first attempt's findings are made again
    try:
        return _parse(file, ctx, threads=1)
    except duckdb.OutOfMemoryException:
        raise ctx.fail(
            "the event export is too large to group into sessions within the memory "
            "socialroi allows itself",
            expected=f"at most a month of events per file ({ctx.rows_read:,} events here)",
            hint="Export fewer days per file.",
        ) from None


# The parse's scratch tables, and the table of its sessions (left in the connection when
# `Context.keep`).
SESSIONS = "_sr_ga4_touchpoints"
SCRATCH = ("norm", "conv", "countries")


def _parse(file: InputFile, ctx: Context, threads: int | None) -> dict[str, pa.Table | Resident]:
    keep = ctx.keep and ctx.engine is not None
    with (ctx.engine or scratch_duckdb)() as con, _threads(con, threads):
        try:
            try:
                fmt, n = _load(con, file, ctx)
            except duckdb.OutOfMemoryException:
                raise
            except duckdb.Error as exc:
                raise _json_error(file, ctx, exc) from None
            if n == 0:
                raise ctx.fail("the event export holds no events", expected="at least one event")
            ctx.rows_read = n
            _check(con, ctx, fmt)
            con.execute(
                "CREATE TEMP TABLE countries AS SELECT * FROM (VALUES "
                + ", ".join(f"('{name.replace(chr(39), chr(39) * 2)}', '{code}')"
                            for name, code in country_table())
                + ") t(name, code)"
            )  # fmt: skip
            touch = _touchpoints(con, ctx, keep)
            conv = _conversions(con, ctx)
        except BaseException:
            if keep:
                _drop(con, (SESSIONS,))
            raise
        finally:  # a kept connection lives on: the next file's parse makes them again
            _drop(con, SCRATCH if keep else (*SCRATCH, SESSIONS))
    return {"touchpoints": touch, "conversions": conv}


def _drop(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> None:
    """Drop the parse's tables (Arrow registered as `norm` too); in a transaction that a
    failed statement aborted, the rollback that follows drops them."""
    for t in tables:
        with contextlib.suppress(duckdb.Error):
            con.unregister(t)
        with contextlib.suppress(duckdb.Error):
            con.execute(f"DROP TABLE IF EXISTS {t}")


@contextlib.contextmanager
def _threads(con: duckdb.DuckDBPyConnection, threads: int | None) -> Iterator[None]:
    """DuckDB's threads set to `threads` for the parse (None: left as they are)."""
    if threads is None:
        yield
        return
    old = con.execute("SELECT current_setting('threads')").fetchone()[0]
    con.execute(f"SET threads = {int(threads)}")
    try:
        yield
    finally:
        con.execute(f"SET threads = {int(old)}")


def _row(fmt: str, rn: int) -> int:
    return int(rn)  # JSON: the line; Parquet: the row (1-based)


def _check(con: duckdb.DuckDBPyConnection, ctx: Context, fmt: str) -> None:
    checks = [
        ("ts IS NULL", "event_timestamp", "an event has no event_timestamp",
         "microseconds since 1970 (UTC)"),
        (f"ts NOT BETWEEN {TS_MIN} AND {TS_MAX}", "event_timestamp",
         "an event_timestamp is not in microseconds", "microseconds since 1970 (UTC), "
         "e.g. 1736300000000000"),
        ("event_name IS NULL OR trim(event_name) = ''", "event_name", "an event has no name",
         "an event name such as page_view"),
        ("user_pseudo_id IS NULL OR trim(user_pseudo_id) = ''", "user_pseudo_id",
         "an event has no user_pseudo_id", "GA4's anonymous visitor id"),
        ("event_date IS NOT NULL AND try_strptime(event_date, '%Y%m%d') IS NULL", "event_date",
         "an event_date is not a date", "YYYYMMDD"),
    ]  # fmt: skip
    # One cheap scan says whether any event breaks a check (the dates once per distinct
    # value); only then does a second find the first offending row of each.
    rows = " OR ".join(f"({cond})" for cond, col, _, _ in checks if col != "event_date")
    day = next(cond for cond, col, _, _ in checks if col == "event_date")
    any_bad = con.execute(
        f"SELECT (SELECT coalesce(bool_or({rows}), false) FROM norm) OR (SELECT "
        f"coalesce(bool_or({day}), false) FROM (SELECT DISTINCT event_date FROM norm))"
    ).fetchone()[0]
    if not any_bad:
        return
    cols = ", ".join(
        f"arg_min(struct_pack(rn := rn, v := CAST("
        f"{'ts' if col == 'event_timestamp' else col} AS VARCHAR)), rn) FILTER (WHERE {cond})"
        for cond, col, _, _ in checks
    )
    found = con.execute(f"SELECT {cols} FROM norm").fetchone()
    bad = [(c, f) for c, f in zip(checks, found) if f is not None]
    if bad:
        (_, col, problem, expected), first = min(bad, key=lambda b: b[1]["rn"])
        raise ctx.fail(problem, row=_row(fmt, first["rn"]), column=col, value=first["v"],
                       expected=expected)  # fmt: skip


def _touchpoints(con: duckdb.DuckDBPyConnection, ctx: Context, keep: bool) -> pa.Table | Resident:
    # A large month is grouped in passes of about SESSION_PASS_EVENTS events, by visitor: a
    # grouping's state cannot spill to disk, and a pass's fits the run's memory bound.
    passes = max(1, -(-ctx.rows_read // SESSION_PASS_EVENTS))
    first = sessions_with_market((0, passes) if passes > 1 else None)
    con.execute(f"CREATE TEMP TABLE {SESSIONS} AS {first}")
    for k in range(1, passes):
        con.execute(f"INSERT INTO {SESSIONS} {sessions_with_market((k, passes))}")
    no_sid = con.execute(
        "SELECT count(*), min(rn) FROM norm WHERE p_ga_session_id IS NULL"
    ).fetchone()
    if no_sid[0]:
        ctx.finding(
            "no_session_id",
            f"{no_sid[0]} event(s) carry no ga_session_id (server-side or Measurement "
            "Protocol hits); they count for conversions but start no session",
            row=int(no_sid[1]),
            column="event_params.ga_session_id",
            rows=int(no_sid[0]),
        )
    _unknown_countries(con, ctx, SESSIONS, "geo.country")
    # Left in the connection for the landing (`keep`), or handed over as Arrow.
    columns = [c for c, *_ in con.execute(f"DESCRIBE {SESSIONS}").fetchall()
               if c != "country_name"]  # fmt: skip
    if keep:
        rows = int(con.execute(f"SELECT count(*) FROM {SESSIONS}").fetchone()[0])
        return Resident(con, SESSIONS, columns, rows, SESSION_ORDER)
    return con.execute(
        f"SELECT {', '.join(columns)} FROM {SESSIONS} ORDER BY {SESSION_ORDER}"
    ).to_arrow_table()


def _unknown_countries(
    con: duckdb.DuckDBPyConnection, ctx: Context, table: str, column: str
) -> None:
    """A finding for the country names no market is known for (the first ten named, in
    order of first appearance)."""
    names = con.execute(
        f"SELECT country_name, count(*) FROM (SELECT country_name, row_number() OVER (ORDER "
        f"BY {SESSION_ORDER}) AS i FROM {table} WHERE country_name IS NOT NULL AND market IS "
        "NULL) GROUP BY country_name ORDER BY min(i)"
    ).fetchall()
    if names:
        ctx.finding(
            "unknown_country",
            f"{len(names)} country name(s) are not known; their rows have an empty market",
            column=column,
            value=", ".join(str(n) for n, _ in names[:10]),
            rows=sum(int(k) for _, k in names),
        )


def _conversions(con: duckdb.DuckDBPyConnection, ctx: Context) -> pa.Table:
    con.execute(f"CREATE TEMP TABLE conv AS {conversions_sql()}")
    bad = con.execute(
        "SELECT rn, transaction_id FROM conv WHERE event_name = 'purchase' AND value IS NULL "
        "ORDER BY rn LIMIT 1"
    ).fetchone()
    if bad:
        raise ctx.fail(
            "a purchase event has no revenue",
            row=int(bad[0]),
            column="ecommerce.purchase_revenue",
            value=bad[1],
            expected="ecommerce.purchase_revenue or a `value` event parameter",
        )
    no_cur = con.execute(
        "SELECT count(*), min(rn) FROM conv WHERE value IS NOT NULL AND currency IS NULL"
    ).fetchone()
    if no_cur[0]:
        fallback = known_currency(ctx, ("web", "ga4"))
        if not fallback:
            raise ctx.fail(
                "purchase events carry revenue but no currency",
                row=int(no_cur[1]),
                column="event_params.currency",
                expected="a `currency` event parameter",
                hint="Pass --currency XXX (the GA4 property's currency).",
            )
        con.execute(
            "UPDATE conv SET currency = ? WHERE value IS NOT NULL AND currency IS NULL",
            [fallback],
        )
    no_txn = con.execute(
        "SELECT count(*), min(rn) FROM conv WHERE event_name = 'purchase' "
        "AND transaction_id IS NULL"
    ).fetchone()
    if no_txn[0]:
        ctx.finding(
            "purchase_without_transaction_id",
            f"{no_txn[0]} purchase event(s) have no transaction id; each is kept under an id "
            "made of the visitor and the event time, so they cannot be matched to orders",
            row=int(no_txn[1]),
            column="ecommerce.transaction_id",
            rows=int(no_txn[0]),
        )
    dup = con.execute(
        "SELECT count(*) - count(DISTINCT transaction_id), min(rn) FILTER (WHERE dup) FROM "
        "(SELECT *, row_number() OVER (PARTITION BY transaction_id ORDER BY ts, rn) > 1 AS dup "
        "FROM conv WHERE transaction_id IS NOT NULL)"
    ).fetchone()
    if dup[0]:
        ctx.finding(
            "duplicate_transaction",
            f"{dup[0]} purchase event(s) repeat a transaction id already seen (a page "
            "reload or double tag); only the first is counted",
            row=int(dup[1]),
            column="ecommerce.transaction_id",
            rows=int(dup[0]),
        )
    conv = con.execute(
        f"""
        WITH c AS (
          SELECT * FROM conv
          QUALIFY transaction_id IS NULL
            OR row_number() OVER (PARTITION BY transaction_id ORDER BY ts, rn) = 1
        )
        SELECT
          '{CONV_ORIGIN}:' || CASE WHEN transaction_id IS NOT NULL THEN transaction_id
            ELSE c.user_pseudo_id || '.' || CAST(c.ts AS VARCHAR) END || ':' || c.kind
            AS conversion_id,
          c.kind, make_timestamp(c.ts) AS occurred_at,
          coalesce(try_strptime(c.event_date, '%Y%m%d')::DATE, make_timestamp(c.ts)::DATE)
            AS local_date,
          c.user_pseudo_id AS visitor_id, coalesce(c.user_id, t.user_id) AS user_id,
          c.transaction_id AS order_id, c.value,
          CASE WHEN c.value IS NOT NULL THEN c.currency END AS currency,
          coalesce(k.code, t.market) AS market, c.country AS country_name,
          t.source, t.medium, t.campaign, t.referrer, t.landing_page,
          '{CONV_ORIGIN}' AS origin
        FROM c
        LEFT JOIN {SESSIONS} t0 ON t0.visitor_id = c.user_pseudo_id AND t0.session_id = c.sid
        LEFT JOIN {SESSIONS} t ON t.touch_id = t0.touch_id
        LEFT JOIN countries k ON k.name = lower(trim(c.country))
        ORDER BY c.ts, c.rn
        """
    ).to_arrow_table()
    return conv.drop_columns(["country_name"])  # occurred_at: UTC, without a zone
