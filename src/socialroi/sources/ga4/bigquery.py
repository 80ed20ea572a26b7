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

import io
import json
import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from socialroi.sources.base import Context, InputFile
from socialroi.sources.ga4.countries import country_table

TOUCH_ORIGIN = "ga4_event"
CONV_ORIGIN = "ga4"
KINDS = {"purchase": "purchase", "sign_up": "signup", "generate_lead": "lead"}
# Click ids in priority order; the first one present in the landing page wins.
CLICK_IDS = ("fbclid", "ttclid", "li_fat_id", "twclid", "epik", "gclid", "wbraid", "gbraid",
             "dclid", "msclkid", "srsltid")  # fmt: skip
UTM = ("source", "medium", "campaign", "content", "term")
PARAMS = ("ga_session_id", "page_location", "page_referrer", "source", "medium", "campaign",
          "content", "term", "currency", "value", "transaction_id")  # fmt: skip
SEARCH_ENGINES = ("google", "bing", "yahoo", "duckduckgo", "baidu", "yandex", "ecosia", "naver")
# Plausible event_timestamp range in microseconds (2005..2100).
TS_MIN, TS_MAX = 1_100_000_000_000_000, 4_100_000_000_000_000

_VALUE = "STRUCT(string_value VARCHAR, int_value BIGINT, float_value DOUBLE, double_value DOUBLE)"
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
# The same layout as a tree of available fields (None = leaf), for building the SQL.
_JSON_TREE: dict[str, Any] = {
    "event_date": None,
    "event_timestamp": None,
    "event_name": None,
    "event_params": {"key": None, "value": dict.fromkeys(
        ("string_value", "int_value", "float_value", "double_value"))},
    "user_id": None,
    "user_pseudo_id": None,
    "geo": {"country": None},
    "collected_traffic_source": dict.fromkeys(
        ("manual_source", "manual_medium", "manual_campaign_name", "manual_content",
         "manual_term", "gclid", "dclid", "srsltid")),
    "ecommerce": dict.fromkeys(("transaction_id", "purchase_revenue", "purchase_revenue_in_usd")),
}  # fmt: skip


def _arrow_tree(schema: pa.Schema | pa.StructType) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in schema:
        t = f.type
        if pa.types.is_list(t) or pa.types.is_large_list(t):
            t = t.value_type
        out[f.name] = _arrow_tree(t) if pa.types.is_struct(t) else None
    return out


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _Fields:
    """SQL for a field path if the file has it, else a typed NULL."""

    def __init__(self, tree: dict[str, Any]) -> None:
        self.tree = tree

    def has(self, *path: str) -> bool:
        node: Any = self.tree
        for p in path:
            if not isinstance(node, dict) or p not in node:
                return False
            node = node[p]
        return True

    def sql(self, *path: str, cast: str = "VARCHAR") -> str:
        if not self.has(*path):
            return f"CAST(NULL AS {cast})"
        expr = _q(path[0]) + "".join(f".{_q(p)}" for p in path[1:])
        return f"TRY_CAST({expr} AS {cast})"

    def param(self, *path: str, cast: str = "VARCHAR") -> str:
        """A field of one `event_params` element, inside the lambda over `p`."""
        if not self.has("event_params", *path):
            return f"CAST(NULL AS {cast})"
        return f"TRY_CAST(p{''.join(f'.{_q(x)}' for x in path)} AS {cast})"


def _normalise_sql(src: str, f: _Fields) -> str:
    """Select the fields we use under fixed names, whatever the file's layout."""
    if f.has("event_params"):
        params = (
            "list_transform(event_params, lambda p: struct_pack("
            f"k := {f.param('key')}, "
            f"s := {f.param('value', 'string_value')}, "
            f"i := {f.param('value', 'int_value', cast='BIGINT')}, "
            f"d := coalesce({f.param('value', 'double_value', cast='DOUBLE')}, "
            f"{f.param('value', 'float_value', cast='DOUBLE')})))"
        )
    else:
        params = "CAST(NULL AS STRUCT(k VARCHAR, s VARCHAR, i BIGINT, d DOUBLE)[])"
    cts = "collected_traffic_source"
    cols = {
        "event_date": f.sql("event_date"),
        "ts": f.sql("event_timestamp", cast="BIGINT"),
        "event_name": f.sql("event_name"),
        "user_pseudo_id": f.sql("user_pseudo_id"),
        "user_id": f.sql("user_id"),
        "params": params,
        "country": f.sql("geo", "country"),
        "cts_source": f.sql(cts, "manual_source"),
        "cts_medium": f.sql(cts, "manual_medium"),
        "cts_campaign": f.sql(cts, "manual_campaign_name"),
        "cts_content": f.sql(cts, "manual_content"),
        "cts_term": f.sql(cts, "manual_term"),
        "cts_gclid": f.sql(cts, "gclid"),
        "cts_dclid": f.sql(cts, "dclid"),
        "cts_srsltid": f.sql(cts, "srsltid"),
        "ec_transaction_id": f.sql("ecommerce", "transaction_id"),
        "ec_revenue": f.sql("ecommerce", "purchase_revenue", cast="DOUBLE"),
        "ec_revenue_usd": f.sql("ecommerce", "purchase_revenue_in_usd", cast="DOUBLE"),
    }
    select = ",\n  ".join(f"{expr} AS {name}" for name, expr in cols.items())
    return f"SELECT row_number() OVER () AS rn,\n  {select}\nFROM {src}"


def _unset(expr: str) -> str:
    """NULL for empty and '(not set)' placeholders."""
    return f"(CASE WHEN trim({expr}) IN ('', '(not set)', '(none)') THEN NULL ELSE {expr} END)"


def _decode(expr: str) -> str:
    """URL-decode (twice, for double-encoded values like %2520); `+` is a space."""
    once = f"url_decode(replace({expr}, '+', ' '))"
    twice = f"url_decode({once})"
    return (
        f"(CASE WHEN {expr} LIKE '%\\%%' ESCAPE '\\' OR {expr} LIKE '%+%' THEN "
        f"(CASE WHEN {once} LIKE '%\\%%' ESCAPE '\\' THEN {twice} ELSE {once} END) "
        f"ELSE {expr} END)"
    )


def _param(name: str) -> str:
    x = f"px_{name}"
    if name == "ga_session_id":
        return f"coalesce(CAST({x}.i AS VARCHAR), {x}.s, CAST(CAST({x}.d AS BIGINT) AS VARCHAR))"
    if name == "value":
        return f"coalesce({x}.d, CAST({x}.i AS DOUBLE), TRY_CAST({x}.s AS DOUBLE))"
    return f"coalesce({x}.s, CAST({x}.i AS VARCHAR), CAST({x}.d AS VARCHAR))"


def _query_param(url: str, name: str) -> str:
    return f"nullif(regexp_extract({url}, '[?&#]{name}=([^&#]*)', 1), '')"


def _sql() -> str:
    session_params = ("ga_session_id", "page_location", "page_referrer", *UTM)
    params = ",\n    ".join(f"{_unset(_param(p))} AS p_{p}" for p in session_params)
    tagged = " OR ".join(f"{{0}}_{u} IS NOT NULL" for u in UTM[:3])

    def first(prefix: str, cols: tuple[str, ...], cond: str) -> str:
        packed = ", ".join(f"{c} := {prefix}_{c}" for c in cols)
        return f"arg_min(struct_pack({packed}), ts) FILTER (WHERE {cond})"

    loc = "landing.loc"
    utm_cols = ",\n    ".join(
        f"{_unset(_decode(_query_param(loc, 'utm_' + u)))} AS utm_{u}" for u in UTM
    )
    click_cols = ",\n    ".join(f"{_query_param(loc, c)} AS url_{c}" for c in CLICK_IDS)
    click_type = " ".join(f"WHEN url_{c} IS NOT NULL THEN '{c}'" for c in CLICK_IDS)
    click_val = ", ".join(f"url_{c}" for c in CLICK_IDS)
    pick = {
        u: (f"CASE WHEN cts_tagged THEN cts.{u} WHEN prm_tagged THEN prm.{u} "
            f"WHEN utm_tagged THEN utm_{u} END")
        for u in UTM
    }  # fmt: skip
    engines = "|".join(SEARCH_ENGINES)
    ref_host = (
        "nullif(regexp_replace(lower(regexp_extract(landing.ref, "
        "'^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/]*@)?([^/:?#]+)', 1)), '^www\\.', ''), '')"
    )
    land_host = (
        "nullif(regexp_replace(lower(regexp_extract(landing.loc, "
        "'^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/]*@)?([^/:?#]+)', 1)), '^www\\.', ''), '')"
    )
    return f"""
WITH ev AS (
  SELECT rn, event_date, ts, event_name, user_pseudo_id, {_unset("user_id")} AS user_id,
    {_unset("country")} AS country,
    {_unset("cts_source")} AS cts_source, {_unset("cts_medium")} AS cts_medium,
    {_unset("cts_campaign")} AS cts_campaign, {_unset("cts_content")} AS cts_content,
    {_unset("cts_term")} AS cts_term, {_unset("cts_gclid")} AS cts_gclid,
    {_unset("cts_dclid")} AS cts_dclid, {_unset("cts_srsltid")} AS cts_srsltid,
    {_unset("ec_transaction_id")} AS ec_transaction_id, ec_revenue, ec_revenue_usd,
    {params}
  FROM norm
),
sess AS (
  SELECT user_pseudo_id, p_ga_session_id AS sid,
    min(ts) AS ts0,
    arg_min(event_date, ts) AS event_date,
    arg_min(user_id, ts) FILTER (WHERE user_id IS NOT NULL) AS user_id,
    arg_min(country, ts) FILTER (WHERE country IS NOT NULL) AS country,
    arg_min(struct_pack(loc := p_page_location, ref := p_page_referrer), ts)
      FILTER (WHERE p_page_location IS NOT NULL) AS landing,
    {first("cts", UTM, tagged.format("cts"))} AS cts,
    {first("p", UTM, tagged.format("p"))} AS prm,
    arg_min(cts_gclid, ts) FILTER (WHERE cts_gclid IS NOT NULL) AS cts_gclid,
    arg_min(cts_dclid, ts) FILTER (WHERE cts_dclid IS NOT NULL) AS cts_dclid,
    arg_min(cts_srsltid, ts) FILTER (WHERE cts_srsltid IS NOT NULL) AS cts_srsltid,
    count(*) AS n_events
  FROM ev
  WHERE p_ga_session_id IS NOT NULL AND user_pseudo_id IS NOT NULL
  GROUP BY user_pseudo_id, p_ga_session_id
),
s1 AS (
  SELECT *,
    {utm_cols},
    {click_cols},
    {ref_host} AS ref_host,
    {land_host} AS land_host
  FROM sess
),
s2 AS (
  SELECT *,
    cts IS NOT NULL AS cts_tagged,
    prm IS NOT NULL AS prm_tagged,
    (utm_source IS NOT NULL OR utm_medium IS NOT NULL OR utm_campaign IS NOT NULL) AS utm_tagged,
    CASE {click_type} WHEN cts_gclid IS NOT NULL THEN 'gclid'
      WHEN cts_dclid IS NOT NULL THEN 'dclid' WHEN cts_srsltid IS NOT NULL THEN 'srsltid'
    END AS click_id_type,
    {_decode(f"coalesce({click_val}, cts_gclid, cts_dclid, cts_srsltid)")} AS click_id
  FROM s1
),
s3 AS (
  SELECT *,
    {pick["source"]} AS t_source, {pick["medium"]} AS t_medium,
    {pick["campaign"]} AS t_campaign, {pick["content"]} AS t_content, {pick["term"]} AS t_term,
    ref_host IS NOT NULL AND ref_host IS DISTINCT FROM land_host AS external_ref
  FROM s2
),
touch AS (
  SELECT
    '{TOUCH_ORIGIN}:' || user_pseudo_id || ':' || sid AS touch_id,
    ts0, event_date, user_pseudo_id AS visitor_id, user_id, sid AS session_id,
    CASE WHEN cts_tagged OR prm_tagged OR utm_tagged THEN {_decode("t_source")}
      WHEN click_id_type IN ('gclid', 'wbraid', 'gbraid') THEN 'google'
      WHEN external_ref AND regexp_matches(ref_host, '(^|\\.)({engines})\\.')
        THEN regexp_extract(ref_host, '(^|\\.)({engines})\\.', 2)
      WHEN external_ref THEN ref_host
      ELSE '(direct)' END AS source,
    CASE WHEN cts_tagged OR prm_tagged OR utm_tagged THEN {_decode("t_medium")}
      WHEN click_id_type IN ('gclid', 'wbraid', 'gbraid') THEN 'cpc'
      WHEN external_ref AND regexp_matches(ref_host, '(^|\\.)({engines})\\.') THEN 'organic'
      WHEN external_ref THEN 'referral'
      ELSE '(none)' END AS medium,
    {_decode("t_campaign")} AS campaign, {_decode("t_content")} AS content,
    {_decode("t_term")} AS term,
    click_id_type, click_id,
    {_decode("landing.ref")} AS referrer, {_decode("landing.loc")} AS landing_page,
    country
  FROM s3
)
SELECT * FROM touch
"""


def _conversions_sql() -> str:
    kinds = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in KINDS.items())
    return f"""
WITH ev AS (
  SELECT rn, event_date, ts, event_name, user_pseudo_id, {_unset("user_id")} AS user_id,
    {_unset("country")} AS country,
    {_unset("ec_transaction_id")} AS ec_transaction_id, ec_revenue, ec_revenue_usd,
    {_unset(_param("ga_session_id"))} AS sid,
    {_unset(_param("transaction_id"))} AS p_transaction_id,
    {_unset(_param("currency"))} AS p_currency,
    {_param("value")} AS p_value
  FROM norm
  WHERE event_name IN ({", ".join(f"'{k}'" for k in KINDS)})
)
SELECT rn, event_name, CASE event_name {kinds} END AS kind, ts, event_date,
  user_pseudo_id, user_id, sid, country,
  CASE WHEN event_name = 'purchase' THEN coalesce(ec_transaction_id, p_transaction_id) END
    AS transaction_id,
  CASE WHEN event_name <> 'purchase' THEN p_value
    WHEN ec_revenue IS NOT NULL THEN ec_revenue
    WHEN p_value IS NOT NULL THEN p_value
    ELSE ec_revenue_usd END AS value,
  CASE WHEN p_currency IS NOT NULL THEN upper(trim(p_currency))
    WHEN event_name = 'purchase' AND ec_revenue IS NULL AND p_value IS NULL
      AND ec_revenue_usd IS NOT NULL THEN 'USD' END AS currency
FROM ev
"""


# -- reading -------------------------------------------------------------------------------


def _load(con: duckdb.DuckDBPyConnection, file: InputFile, ctx: Context) -> tuple[str, int]:
    """Register the events as view `norm`; returns (format, number of events)."""
    head = file.data[:4]
    if head == b"PAR1":
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(io.BytesIO(file.data))
        except Exception as exc:  # noqa: BLE001 - a damaged Parquet file is one user problem
            raise ctx.fail(
                f"the Parquet file cannot be read ({exc})",
                expected="a Parquet file written by BigQuery EXPORT DATA",
            ) from None
        con.register("raw_events", table)
        fields = _Fields(_arrow_tree(table.schema))
        fmt = "parquet"
    else:
        path = _json_path(file)
        cols = "{" + ", ".join(f"'{k}': '{v}'" for k, v in JSON_COLUMNS.items()) + "}"
        con.execute(
            f"CREATE VIEW raw_events AS SELECT * FROM read_json('{_sql_str(path)}', "
            f"format = 'newline_delimited', columns = {cols}, maximum_object_size = 67108864)"
        )
        fields = _Fields(_JSON_TREE)
        fmt = "jsonl"
    missing = [c for c in ("event_timestamp", "event_name", "user_pseudo_id") if not fields.has(c)]
    if missing:
        raise ctx.fail(
            f"this GA4 event export has no {', '.join(missing)} column",
            expected="the BigQuery events_* table layout",
        )
    extracts = ", ".join(f"list_filter(params, lambda p: p.k = '{k}')[1] AS px_{k}" for k in PARAMS)
    con.execute(
        f"CREATE TEMP TABLE norm AS SELECT n.* EXCLUDE (params), {extracts} "
        f"FROM ({_normalise_sql('raw_events', fields)}) n"
    )
    n = con.execute("SELECT count(*) FROM norm").fetchone()[0]
    return fmt, int(n)


def _sql_str(path: Path) -> str:
    return str(path).replace("'", "''")


def _json_path(file: InputFile) -> Path:
    if file.path is not None and file.path.name == file.name and file.path.is_file():
        return file.path
    tmp = tempfile.NamedTemporaryFile(prefix="socialroi-ga4-", suffix=".jsonl", delete=False)  # noqa: SIM115
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
                expected=f"one JSON object per line ({e.msg})",
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
        f"the event export cannot be read ({str(exc).splitlines()[0][:160]})",
        expected="the BigQuery events_* layout as JSON lines",
    )


# -- the parse -----------------------------------------------------------------------------


def parse(file: InputFile, ctx: Context) -> dict[str, pd.DataFrame]:
    con = duckdb.connect()
    try:
        try:
            fmt, n = _load(con, file, ctx)
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
        touch = _touchpoints(con, ctx)
        conv = _conversions(con, ctx)
    finally:
        con.close()
    return {"touchpoints": touch, "conversions": conv}


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
    for cond, col, problem, expected in checks:
        bad = con.execute(
            f"SELECT rn, {col if col != 'event_timestamp' else 'ts'} FROM norm WHERE {cond} "
            "ORDER BY rn LIMIT 1"
        ).fetchone()
        if bad:
            raise ctx.fail(problem, row=_row(fmt, bad[0]), column=col, value=bad[1],
                           expected=expected)  # fmt: skip


def _touchpoints(con: duckdb.DuckDBPyConnection, ctx: Context) -> pd.DataFrame:
    con.execute(f"CREATE TEMP TABLE touch AS {_sql()}")
    no_sid = con.execute(
        f"SELECT count(*), min(rn) FROM norm WHERE {_unset(_param('ga_session_id'))} IS NULL"
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
    df = con.execute(
        """
        SELECT t.touch_id, make_timestamp(t.ts0) AS occurred_at,
          coalesce(try_strptime(t.event_date, '%Y%m%d')::DATE,
                   make_timestamp(t.ts0)::DATE) AS local_date,
          t.visitor_id, t.user_id, t.session_id, t.source, t.medium, t.campaign, t.content,
          t.term, t.click_id_type, t.click_id, t.referrer, t.landing_page,
          c.code AS market, t.country AS country_name, 'ga4_event' AS origin
        FROM touch t LEFT JOIN countries c ON c.name = lower(trim(t.country))
        ORDER BY t.ts0, t.touch_id
        """
    ).df()
    _unknown_countries(ctx, df, "geo.country")
    df["occurred_at"] = pd.to_datetime(df["occurred_at"]).dt.tz_localize("UTC")
    return df.drop(columns=["country_name"])


def _unknown_countries(ctx: Context, df: pd.DataFrame, column: str) -> None:
    unknown = df["country_name"].notna() & df["market"].isna()
    if unknown.any():
        names = df.loc[unknown, "country_name"].unique().tolist()
        ctx.finding(
            "unknown_country",
            f"{len(names)} country name(s) are not known; their rows have an empty market",
            column=column,
            value=", ".join(map(str, names[:10])),
            rows=int(unknown.sum()),
        )


def _conversions(con: duckdb.DuckDBPyConnection, ctx: Context) -> pd.DataFrame:
    con.execute(f"CREATE TEMP TABLE conv AS {_conversions_sql()}")
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
        if not ctx.options.currency:
            raise ctx.fail(
                "purchase events carry revenue but no currency",
                row=int(no_cur[1]),
                column="event_params.currency",
                expected="a `currency` event parameter",
                hint="Pass --currency XXX (the GA4 property's currency).",
            )
        con.execute(
            "UPDATE conv SET currency = ? WHERE value IS NOT NULL AND currency IS NULL",
            [ctx.options.currency.upper()],
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
    df = con.execute(
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
          c.transaction_id AS order_id, c.value, c.currency,
          coalesce(k.code, t.market) AS market, c.country AS country_name,
          t.source, t.medium, t.campaign, t.referrer, t.landing_page,
          '{CONV_ORIGIN}' AS origin
        FROM c
        LEFT JOIN touch t0 ON t0.visitor_id = c.user_pseudo_id AND t0.session_id = c.sid
        LEFT JOIN (SELECT touch_id, user_id, source, medium, campaign, referrer, landing_page,
                          cc.code AS market
                   FROM touch LEFT JOIN countries cc ON cc.name = lower(trim(touch.country)))
          t ON t.touch_id = t0.touch_id
        LEFT JOIN countries k ON k.name = lower(trim(c.country))
        ORDER BY c.ts, c.rn
        """
    ).df()
    df["occurred_at"] = pd.to_datetime(df["occurred_at"]).dt.tz_localize("UTC")
    df.loc[df["value"].isna(), "currency"] = None
    return df.drop(columns=["country_name"])
