"""Answers kept inside the workspace file, so a restart does not lose them: the measures the
dashboard's overview is built from (`Workspace.memo`) and the dashboard's last computed views.

One row per (scope, key): the newest answer and the data version it was computed on. A
reader compares that version with the data's own and knows whether the answer is current or
the last good one while a newer one is computed. Created idempotently, like the dashboard's
tables, so it stays out of the canonical data model and its migrations.

Values are packed without pickle (a workspace file may come from someone else): pandas
frames as Arrow IPC streams (their `attrs` as JSON in the schema's metadata), tuples and
lists of them, None, and JSON-able scalars. Anything else is not kept (`pack` returns None).
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import struct
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from socialroi.store.duckdb import DuckDBStore

log = logging.getLogger("socialroi.store.answers")

SCHEMA = """CREATE TABLE IF NOT EXISTS answers (
    scope VARCHAR, key VARCHAR, version VARCHAR, saved_at TIMESTAMPTZ, body BLOB)"""
MAX_BYTES = 512 * 2**20  # larger answers stay in memory only

_FRAME, _TUPLE, _LIST, _JSON = b"F", b"T", b"L", b"J"


# -- packing --------------------------------------------------------------------------------
class Unpackable(TypeError):
    """A value `pack` cannot keep."""


def _frame_bytes(df: pd.DataFrame) -> bytes:
    try:
        table = pa.Table.from_pandas(df, preserve_index=None)
    except (pa.ArrowException, TypeError, ValueError) as exc:
        raise Unpackable(f"frame not packable: {exc}") from exc
    meta = dict(table.schema.metadata or {})
    meta[b"socialroi.attrs"] = json.dumps(df.attrs, default=_no_default).encode()
    table = table.replace_schema_metadata(meta)
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _no_default(value: Any) -> Any:
    raise Unpackable(f"{type(value).__name__} in a frame's attrs")


def _pack(value: Any, out: list[bytes]) -> None:
    if isinstance(value, pd.DataFrame):
        body = _frame_bytes(value)
        out += [_FRAME, struct.pack("<Q", len(body)), body]
    elif isinstance(value, tuple | list):
        out += [_TUPLE if isinstance(value, tuple) else _LIST, struct.pack("<Q", len(value))]
        for v in value:
            _pack(v, out)
    elif value is None or isinstance(value, bool | int | float | str):
        body = json.dumps(value).encode()
        out += [_JSON, struct.pack("<Q", len(body)), body]
    elif isinstance(value, dict):
        try:
            body = json.dumps(value, default=_no_default).encode()
        except (TypeError, ValueError) as exc:
            raise Unpackable(str(exc)) from exc
        if json.loads(body) != value:  # e.g. integer keys: would not come back the same
            raise Unpackable("dict does not survive JSON")
        out += [_JSON, struct.pack("<Q", len(body)), body]
    else:
        raise Unpackable(f"cannot keep a {type(value).__name__}")


def pack(value: Any) -> bytes | None:
    """`value` as bytes, or None when it holds something `unpack` could not rebuild."""
    out: list[bytes] = []
    try:
        _pack(value, out)
    except Unpackable as exc:
        log.debug("answer not kept: %s", exc)
        return None
    return b"".join(out)


def _unpack(buf: memoryview, at: int) -> tuple[Any, int]:
    tag = bytes(buf[at : at + 1])
    (n,) = struct.unpack_from("<Q", buf, at + 1)
    at += 9
    if tag in (_TUPLE, _LIST):
        items = []
        for _ in range(n):
            item, at = _unpack(buf, at)
            items.append(item)
        return (tuple(items) if tag == _TUPLE else items), at
    body = bytes(buf[at : at + n])
    if tag == _JSON:
        return json.loads(body), at + n
    if tag == _FRAME:
        table = pa.ipc.open_stream(body).read_all()
        attrs = json.loads((table.schema.metadata or {}).get(b"socialroi.attrs", b"{}"))
        df = table.to_pandas()
        df.attrs.update(attrs)
        return df, at + n
    raise ValueError(f"unknown packed tag {tag!r}")


def unpack(body: bytes) -> Any:
    value, _ = _unpack(memoryview(body), 0)
    return value


# -- the table ------------------------------------------------------------------------------
def _cursor(store):
    """A DuckDB cursor of the workspace; None for other engines (answers stay in memory)."""
    return store.cursor() if isinstance(store, DuckDBStore) else None


def get(store, scope: str, key: str, *, with_time: bool = False) -> tuple | None:
    """(version, body) of the newest answer kept for (scope, key), or None; `with_time`:
    (version, body, when it was kept, ISO 8601 UTC)."""
    ctx = _cursor(store)
    if ctx is None:
        return None
    try:
        with ctx as cur:
            row = cur.execute(
                "SELECT version, body, strftime(saved_at AT TIME ZONE 'UTC', "
                "'%Y-%m-%dT%H:%M:%S+00:00') FROM answers WHERE scope = ? AND key = ?",
                [scope, key],
            ).fetchone()
    except duckdb.CatalogException:  # no answer was ever kept in this workspace
        return None
    except duckdb.Error as exc:
        log.warning("could not read a kept answer: %s", exc)
        return None
    if not row:
        return None
    return (row[0], bytes(row[1]), row[2]) if with_time else (row[0], bytes(row[1]))


def put(store, scope: str, key: str, version: str, body: bytes) -> bool:
    """Keep `body` as the answer for (scope, key) at `version`, replacing the older one.
    Best effort: a read-only workspace, a concurrent writer of the same row or a full disk
    leave the answer in memory only (False)."""
    if len(body) > MAX_BYTES:
        return False
    ctx = _cursor(store)
    if ctx is None:
        return False
    try:
        with ctx as cur:
            cur.execute(SCHEMA)
            cur.execute("BEGIN TRANSACTION")
            try:
                cur.execute("DELETE FROM answers WHERE scope = ? AND key = ?", [scope, key])
                cur.execute(
                    "INSERT INTO answers VALUES (?, ?, ?, now(), ?)", [scope, key, version, body]
                )
            except BaseException:
                with contextlib.suppress(duckdb.Error):
                    cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")
    except duckdb.Error as exc:
        log.info("answer kept in memory only (%s)", exc)
        return False
    return True


def keys(store, scope: str) -> list[tuple[str, str]]:
    """(key, version) of every answer kept in `scope`, newest first."""
    ctx = _cursor(store)
    if ctx is None:
        return []
    try:
        with ctx as cur:
            return cur.execute(
                "SELECT key, version FROM answers WHERE scope = ? ORDER BY saved_at DESC", [scope]
            ).fetchall()
    except duckdb.Error:
        return []


def clear(store, scope: str | None = None) -> None:
    """Forget the kept answers (of one scope): e.g. when a profile's text changes, which no
    data version sees."""
    ctx = _cursor(store)
    if ctx is None:
        return
    with contextlib.suppress(duckdb.CatalogException), ctx as cur:
        if scope is None:
            cur.execute("DELETE FROM answers")
        else:
            cur.execute("DELETE FROM answers WHERE scope = ?", [scope])
