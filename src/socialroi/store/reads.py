"""What the stages above ask of a workspace's tables in SQL: the accounts register, rate
overrides, what a table spans, cost lines. Each read uses a cursor of its own."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pyarrow as pa

from socialroi.model.schema import TABLES
from socialroi.store.duckdb import DuckDBStore, quote


def accounts_register(store: DuckDBStore) -> dict[str, dict]:
    """account id -> timezone, currency, market, name, kind, as stored."""
    keys = ("timezone", "currency", "market", "name", "kind")
    with store.cursor() as cur:
        rows = cur.execute(
            "SELECT account_id, timezone, currency, market, name, kind FROM accounts"
        ).fetchall()
    return {r[0]: dict(zip(keys, r[1:])) for r in rows}


def fx_overrides(store: DuckDBStore) -> pd.DataFrame:
    """Rates a user set (`socialroi fx set`): currency, rate_date, per_eur."""
    with store.cursor() as cur:
        return cur.execute("SELECT currency, rate_date, per_eur FROM fx_rates").df()


def set_fx_rate(store: DuckDBStore, currency: str, day: Any, per_eur: float) -> None:
    with store.transaction() as tx:
        tx.execute("DELETE FROM fx_rates WHERE currency = ? AND rate_date = ?", [currency, day])
        tx.execute("INSERT INTO fx_rates VALUES (?, ?, ?, 'user')", [currency, day, per_eur])


def unset_fx_rate(store: DuckDBStore, currency: str, day: Any) -> int:
    """Forget a rate set by hand; returns how many were removed (0 or 1)."""
    with store.transaction() as tx:
        (n,) = tx.execute(
            "SELECT count(*) FROM fx_rates WHERE currency = ? AND rate_date = ?", [currency, day]
        ).fetchone()
        tx.execute("DELETE FROM fx_rates WHERE currency = ? AND rate_date = ?", [currency, day])
    return int(n)


def span(store: DuckDBStore, table: str, column: str) -> tuple[Any, Any]:
    """(min, max) of a column of a canonical table; names come from the schema."""
    if table not in TABLES or column not in TABLES[table].column_names:
        raise KeyError(f"{table}.{column}")
    with store.cursor() as cur:
        lo, hi = cur.execute(
            f"SELECT min({quote(column)}), max({quote(column)}) FROM {quote(table)}"
        ).fetchone()
    return lo, hi


def distinct_values(store: DuckDBStore, column: str, tables: tuple[str, ...]) -> list[str]:
    """The sorted distinct non-null values of one column across tables."""
    for t in tables:
        if t not in TABLES or column not in TABLES[t].column_names:
            raise KeyError(f"{t}.{column}")
    union = " UNION ".join(f"SELECT {quote(column)} AS v FROM {quote(t)}" for t in tables)
    with store.cursor() as cur:
        rows = cur.execute(f"SELECT DISTINCT v FROM ({union}) WHERE v IS NOT NULL ORDER BY 1")
        return [r[0] for r in rows.fetchall()]


def findings_summary(store: DuckDBStore) -> list[tuple[str, int, int]]:
    """(kind, rows, findings) over every batch, most rows first."""
    with store.cursor() as cur:
        return cur.execute(
            "SELECT kind, sum(rows) AS rows, count(*) AS findings FROM dq_findings "
            "GROUP BY kind ORDER BY rows DESC"
        ).fetchall()


def last_data_day(store: DuckDBStore) -> dt.date | None:
    """The latest day any conversion, post metric or ad metric speaks of."""
    with store.cursor() as cur:
        return cur.execute(
            "SELECT max(d) FROM (SELECT max(local_date) AS d FROM conversions "
            "UNION ALL SELECT max(metric_date) FROM post_metrics "
            "UNION ALL SELECT max(metric_date) FROM ad_metrics)"
        ).fetchone()[0]


def row_by_key(
    store: DuckDBStore, table: str, key: str, value: Any, columns: tuple[str, ...]
) -> dict[str, Any] | None:
    """One row of a canonical table by its key, as {column: value}, or None."""
    spec = TABLES[table]
    missing = [c for c in (key, *columns) if c not in spec.column_names]
    if missing:
        raise KeyError(f"{table}: {missing}")
    cols = ", ".join(quote(c) for c in columns)
    with store.cursor() as cur:
        row = cur.execute(
            f"SELECT {cols} FROM {quote(table)} WHERE {quote(key)} = ?", [value]
        ).fetchone()
    return dict(zip(columns, row)) if row else None


def keys_between(
    store: DuckDBStore,
    table: str,
    key: str,
    date_col: str,
    start: Any,
    end: Any,
    scope: tuple[str, list[str]] | None,
    pattern: str,
    *,
    matching: bool,
    limit: int = 3,
) -> list[str]:
    """Up to `limit` keys of rows dated `start`..`end` (within `scope`: column, values) whose
    key matches the regular expression `pattern` (or does not, `matching=False`)."""
    spec = TABLES.get(table)
    cols = [key, date_col] + ([scope[0]] if scope else [])
    if spec is None or any(c not in spec.column_names for c in cols):
        raise KeyError(f"{table}.{cols}")
    where = f"{quote(date_col)} BETWEEN ? AND ? AND "
    where += ("" if matching else "NOT ") + f"regexp_matches({quote(key)}, ?)"
    params: list[Any] = [start, end, pattern]
    if scope:
        where += f" AND {quote(scope[0])} IN (SELECT unnest(?))"
        params.append(list(scope[1]))
    sql = f"SELECT {quote(key)} FROM {quote(table)} WHERE {where} LIMIT {int(limit)}"
    with store.cursor() as cur:
        return [r[0] for r in cur.execute(sql, params).fetchall()]


def overlapping_periods(store: DuckDBStore, rows: pa.Table, limit: int = 3) -> list[tuple]:
    """Held ad_metrics rows of the same entity whose days overlap a row of `rows` (columns
    entity_id, metric_date, period_end) under another period: (entity, new start, new end,
    held start, held end). One ad's days counted under two periods would add up twice."""
    with store.cursor() as cur:
        cur.register("_incoming", rows)
        try:
            return cur.execute(
                "SELECT n.entity_id, n.metric_date, n.period_end, h.metric_date, h.period_end "
                "FROM _incoming n JOIN ad_metrics h ON h.entity_id = n.entity_id "
                "AND h.metric_date <= n.period_end AND h.period_end >= n.metric_date "
                "AND NOT (h.metric_date = n.metric_date AND h.period_end = n.period_end) "
                f"LIMIT {int(limit)}"
            ).fetchall()
        finally:
            cur.unregister("_incoming")


def breakdown_rows(
    store: DuckDBStore, origins: list[str], start: Any, end: Any, column: str, *, null: bool
) -> int:
    """traffic_daily rows of `origins` dated `start`..`end` whose `column` is (not) empty."""
    if column not in TABLES["traffic_daily"].column_names:
        raise KeyError(column)
    c = quote(column)
    test = (
        f"IS NULL OR CAST({c} AS VARCHAR) = ''"
        if null
        else f"IS NOT NULL AND CAST({c} AS VARCHAR) <> ''"
    )
    with store.cursor() as cur:
        return cur.execute(
            f"SELECT count(*) FROM traffic_daily WHERE origin IN (SELECT unnest(?)) "
            f"AND metric_date BETWEEN ? AND ? AND ({c} {test})",
            [origins, start, end],
        ).fetchone()[0]


def campaigns_elsewhere(
    store: DuckDBStore, platforms: list[str], native_ids: list[str]
) -> list[tuple]:
    """(native id, platform) of campaigns, ad groups or ads held under none of `platforms`."""
    with store.cursor() as cur:
        return cur.execute(
            "SELECT native_id, platform FROM campaigns "
            "WHERE platform NOT IN (SELECT unnest(?)) "
            "AND native_id IN (SELECT unnest(?)) AND native_id NOT LIKE 'name:%' LIMIT 3",
            [platforms, native_ids],
        ).fetchall()
