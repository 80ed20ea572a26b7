"""The SQL that turns flattened GA4 events into sessions and conversions (DuckDB).

`sessions_sql()` builds one touchpoint per (user_pseudo_id, ga_session_id) with the
session's source fields; `conversions_sql()` picks purchase, sign_up and generate_lead events.
Both read the table `norm` that `socialroi.sources.ga4.bigquery` registers. See that module's
docstring for the attribution rules.
"""

from __future__ import annotations

TOUCH_ORIGIN = "ga4_event"
CONV_ORIGIN = "ga4"
KINDS = {"purchase": "purchase", "sign_up": "signup", "generate_lead": "lead"}
# Click ids in priority order; the first one present in the landing page wins.
CLICK_IDS = ("fbclid", "ttclid", "li_fat_id", "twclid", "epik", "gclid", "wbraid", "gbraid",
             "dclid", "msclkid", "srsltid")  # fmt: skip
UTM = ("source", "medium", "campaign", "content", "term")
CTS_CLICKS = ("gclid", "dclid", "srsltid")
PARAMS = ("ga_session_id", "page_location", "page_referrer", "source", "medium", "campaign",
          "content", "term", "currency", "value", "transaction_id")  # fmt: skip
SEARCH_ENGINES = ("google", "bing", "yahoo", "duckduckgo", "baidu", "yandex", "ecosia", "naver")
# Plausible event_timestamp range in microseconds (2005..2100).
TS_MIN, TS_MAX = 1_100_000_000_000_000, 4_100_000_000_000_000


def _unset(expr: str) -> str:
    """NULL for empty and '(not set)' placeholders (SQL side, for derived values)."""
    return f"(CASE WHEN {expr} IN ('', '(not set)', '(none)') THEN NULL ELSE {expr} END)"


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
    return f"p_{name}"


def _query_param(url: str, name: str) -> str:
    # `contains` first: a substring test is far cheaper than the regex on most URLs.
    return (
        f"CASE WHEN contains({url}, '{name}=') THEN "
        f"nullif(regexp_extract({url}, '[?&#]{name}=([^&#]*)', 1), '') END"
    )


def _host(url: str) -> str:
    """`https://www.Example.com:443/x?y` -> `example.com` with string functions (no regex)."""
    h = (
        f"lower(split_part(split_part(split_part(split_part(split_part({url}, '://', 2), "
        "'/', 1), '?', 1), '#', 1), ':', 1))"
    )
    return f"nullif(regexp_replace({h}, '^www\\.', ''), '')"


def sessions_sql(part: tuple[int, int] | None = None) -> str:
    """Sessions from events. Each CTE step names its columns so that no expression is
    repeated inside another (DuckDB evaluates a repeated regex each time it appears).

    `part` = (k, n): only the visitors whose id hashes to k of n, so that a large month is
    grouped in n passes (a visitor's sessions all fall in one pass), each within memory."""
    only = f"WHERE hash(user_pseudo_id) % {int(part[1])} = {int(part[0])}" if part else ""
    session_params = ("ga_session_id", "page_location", "page_referrer", *UTM)
    params = ", ".join(f"p_{p}" for p in session_params)
    tagged = " OR ".join(f"{{0}}_{u} IS NOT NULL" for u in UTM[:3])
    cts_clicks = "".join(f" OR cts_{c} IS NOT NULL" for c in CTS_CLICKS)

    def first(prefix: str, cols: tuple[str, ...], cond: str) -> str:
        packed = ", ".join(f"{c} := {prefix}_{c}" for c in cols)
        return f"arg_min(struct_pack({packed}), ts) FILTER (WHERE {cond})"

    raw_utm = ", ".join(f"{_query_param('loc', 'utm_' + u)} AS raw_utm_{u}" for u in UTM)
    dec_utm = ", ".join(f"{_decode('raw_utm_' + u)} AS dec_utm_{u}" for u in UTM)
    utm = ", ".join(f"{_unset('dec_utm_' + u)} AS utm_{u}" for u in UTM)
    clicks = ", ".join(f"{_query_param('loc', c)} AS url_{c}" for c in CLICK_IDS)
    click_type = " ".join(f"WHEN url_{c} IS NOT NULL THEN '{c}'" for c in CLICK_IDS)
    click_val = ", ".join(f"url_{c}" for c in CLICK_IDS)
    pick = ", ".join(
        f"CASE WHEN cts IS NOT NULL THEN cts.{u} WHEN prm IS NOT NULL THEN prm.{u} "
        f"WHEN utm_tagged THEN utm_{u} END AS t_{u}"
        for u in UTM
    )
    dec_t = ", ".join(f"{_decode('t_' + u)} AS d_{u}" for u in UTM)
    engines = "|".join(SEARCH_ENGINES)
    return f"""
WITH ev AS (
  SELECT ts, event_date, user_pseudo_id, user_id, country,
    cts_source, cts_medium, cts_campaign, cts_content, cts_term, cts_gclid, cts_dclid,
    cts_srsltid,
    {params}
  FROM norm {only}
),
sess AS (
  SELECT user_pseudo_id, p_ga_session_id AS sid,
    min(ts) AS ts0,
    arg_min(struct_pack(event_date := event_date, country := country), ts) AS head,
    arg_min(user_id, ts) FILTER (WHERE user_id IS NOT NULL) AS user_id,
    arg_min(struct_pack(loc := p_page_location, ref := p_page_referrer), ts)
      FILTER (WHERE p_page_location IS NOT NULL) AS landing,
    {first("cts", UTM + CTS_CLICKS, tagged.format("cts") + cts_clicks)} AS cts_all,
    {first("p", UTM, tagged.format("p"))} AS prm
  FROM ev
  WHERE p_ga_session_id IS NOT NULL AND user_pseudo_id IS NOT NULL
  GROUP BY user_pseudo_id, p_ga_session_id
),
s0 AS (
  SELECT * EXCLUDE (landing, head, cts_all), landing.loc AS loc, landing.ref AS ref,
    head.event_date AS event_date, head.country AS country,
    CASE WHEN {" OR ".join(f"cts_all.{u} IS NOT NULL" for u in UTM[:3])} THEN cts_all END
      AS cts,
    cts_all.gclid AS cts_gclid, cts_all.dclid AS cts_dclid, cts_all.srsltid AS cts_srsltid
  FROM sess
),
s1 AS (
  SELECT *, {raw_utm}, {clicks},
    {_host("ref")} AS ref_host, {_host("loc")} AS land_host
  FROM s0
),
s2 AS (SELECT *, {dec_utm} FROM s1),
s3 AS (SELECT *, {utm} FROM s2),
s4 AS (
  SELECT *,
    (utm_source IS NOT NULL OR utm_medium IS NOT NULL OR utm_campaign IS NOT NULL) AS utm_tagged,
    CASE {click_type} WHEN cts_gclid IS NOT NULL THEN 'gclid'
      WHEN cts_dclid IS NOT NULL THEN 'dclid' WHEN cts_srsltid IS NOT NULL THEN 'srsltid'
    END AS click_id_type,
    coalesce({click_val}, cts_gclid, cts_dclid, cts_srsltid) AS raw_click_id,
    ref_host IS NOT NULL AND ref_host IS DISTINCT FROM land_host AS external_ref,
    regexp_extract(ref_host, '(^|\\.)({engines})\\.', 2) AS engine
  FROM s3
),
s5 AS (SELECT *, {pick} FROM s4),
s6 AS (
  SELECT *, {dec_t}, cts IS NOT NULL OR prm IS NOT NULL OR utm_tagged AS tagged,
    {_decode("raw_click_id")} AS click_id,
    {_decode("ref")} AS referrer, {_decode("loc")} AS landing_page
  FROM s5
)
SELECT
  '{TOUCH_ORIGIN}:' || user_pseudo_id || ':' || sid AS touch_id,
  ts0, event_date, user_pseudo_id AS visitor_id, user_id, sid AS session_id,
  CASE WHEN tagged THEN d_source
    WHEN click_id_type IN ('gclid', 'wbraid', 'gbraid') THEN 'google'
    WHEN external_ref AND engine <> '' THEN engine
    WHEN external_ref THEN ref_host
    ELSE '(direct)' END AS source,
  CASE WHEN tagged THEN d_medium
    WHEN click_id_type IN ('gclid', 'wbraid', 'gbraid') THEN 'cpc'
    WHEN external_ref AND engine <> '' THEN 'organic'
    WHEN external_ref THEN 'referral'
    ELSE '(none)' END AS medium,
  d_campaign AS campaign, d_content AS content, d_term AS term,
  click_id_type, click_id, referrer, landing_page, country
FROM s6
"""


# The order a parse hands its sessions over in (the rows findings count).
SESSION_ORDER = "occurred_at, touch_id"


def sessions_with_market(part: tuple[int, int] | None = None) -> str:
    """`sessions_sql(part)` as touchpoint rows (times in UTC, without a zone), with each
    session's market from the table `countries`: joined once, for the touchpoints and the
    conversions alike; `country_name` is the name it was found by."""
    return f"""
SELECT t.touch_id, make_timestamp(t.ts0) AS occurred_at,
  coalesce(try_strptime(t.event_date, '%Y%m%d')::DATE, make_timestamp(t.ts0)::DATE)
    AS local_date,
  t.visitor_id, t.user_id, t.session_id, t.source, t.medium, t.campaign, t.content, t.term,
  t.click_id_type, t.click_id, t.referrer, t.landing_page, c.code AS market,
  t.country AS country_name, '{TOUCH_ORIGIN}' AS origin
FROM ({sessions_sql(part)}) t LEFT JOIN countries c ON c.name = lower(trim(t.country))
"""


def conversions_sql() -> str:
    kinds = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in KINDS.items())
    return f"""
WITH ev AS (
  SELECT rn, event_date, ts, event_name, user_pseudo_id, user_id, country,
    ec_transaction_id, ec_revenue, ec_revenue_usd,
    p_ga_session_id AS sid, p_transaction_id, p_currency,
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


# -- flattening the Parquet export inside DuckDB -------------------------------------------

# The fields `bigquery.flatten` takes, by output column: (path in the events_* layout, type).
_CTS = "collected_traffic_source"
FIELDS: dict[str, tuple[tuple[str, ...], str]] = {
    "event_date": (("event_date",), "VARCHAR"),
    "ts": (("event_timestamp",), "BIGINT"),
    "event_name": (("event_name",), "VARCHAR"),
    "user_pseudo_id": (("user_pseudo_id",), "VARCHAR"),
    "user_id": (("user_id",), "VARCHAR"),
    "country": (("geo", "country"), "VARCHAR"),
    "cts_source": ((_CTS, "manual_source"), "VARCHAR"),
    "cts_medium": ((_CTS, "manual_medium"), "VARCHAR"),
    "cts_campaign": ((_CTS, "manual_campaign_name"), "VARCHAR"),
    "cts_content": ((_CTS, "manual_content"), "VARCHAR"),
    "cts_term": ((_CTS, "manual_term"), "VARCHAR"),
    "cts_gclid": ((_CTS, "gclid"), "VARCHAR"),
    "cts_dclid": ((_CTS, "dclid"), "VARCHAR"),
    "cts_srsltid": ((_CTS, "srsltid"), "VARCHAR"),
    "ec_transaction_id": (("ecommerce", "transaction_id"), "VARCHAR"),
    "ec_revenue": (("ecommerce", "purchase_revenue"), "DOUBLE"),
    "ec_revenue_usd": (("ecommerce", "purchase_revenue_in_usd"), "DOUBLE"),
}
PARAM_VALUE = {"string_value": "VARCHAR", "int_value": "BIGINT", "float_value": "DOUBLE",
               "double_value": "DOUBLE"}  # fmt: skip
LONG_TEXT = ("p_page_location", "p_page_referrer")  # only '' is a placeholder in URLs
PLACEHOLDERS = ("", "(not set)", "(none)", "(not provided)")
_KEEP_PLACEHOLDERS = ("event_date", "event_name")


def flatten_sql(layout: dict, source: str) -> str | None:
    """A SELECT of the same columns `bigquery.flatten` makes (`rn` from 1 in file order, then
    an `_odd` flag), straight from the file in `source` (a `read_parquet(...)` call with
    `file_row_number`), or None when the file's layout is not the plain events_* one (a field
    of another type): such a file is flattened in Arrow, whose casts and errors it needs.

    `layout` is the file's schema as nested dicts of DuckDB type names (None for a leaf that
    is absent). `_odd` marks a row whose parameter values Arrow would render differently from
    DuckDB (a text parameter given only as a double, a `value` with spaces around its
    digits): when any row is odd, the file is flattened in Arrow instead."""
    cols = ["file_row_number + 1 AS rn"]
    for name, (path, typ) in FIELDS.items():
        expr = _leaf(layout, path, typ)
        if expr is False:
            return None
        cols.append(f"{_no_placeholder(name, expr or f'NULL::{typ}')} AS {name}")
    params = _params_sql(layout)
    if params is None:
        return None
    exprs, odd, fields = params
    cols += [f"{_no_placeholder(n, e)} AS {n}" for n, e in exprs.items()]
    cols.append(f"({odd}) AS _odd")
    inner = f"SELECT * FROM {source}"
    if fields:  # each key's position found once (a step of its own: not per use), and each
        # value field read out of the list of structs once, as a list of its own: taking
        # whole elements (structs) per key cost 60 % more
        lists = ", ".join(f"list_transform(event_params, e -> e.value.{f}) AS _v_{f}"
                          for f in fields)  # fmt: skip
        keys = (f"SELECT *, list_transform(event_params, e -> e.key) AS _keys, {lists} "
                f"FROM {source}")  # fmt: skip
        found = ", ".join(f"list_position(_keys, '{k}') AS _p_{k}" for k in PARAMS)
        inner = f"SELECT *, {found} FROM ({keys})"
    return f"SELECT {', '.join(cols)} FROM ({inner})"


def _leaf(layout: dict, path: tuple[str, ...], typ: str) -> str | None | bool:
    """The column's SQL (None: absent, False: present with another type)."""
    node: object = layout
    for p in path:
        if not isinstance(node, dict) or p not in node:
            return None
        node = node[p]
    if node != typ:
        return False
    return ".".join(f'"{p}"' for p in path)


def _no_placeholder(name: str, expr: str) -> str:
    if name in _KEEP_PLACEHOLDERS:
        return expr
    if name in LONG_TEXT:
        return f"nullif({expr}, '')"
    if name.startswith(("p_", "cts_", "ec_transaction")) or name in (
        "user_pseudo_id", "user_id", "country"
    ):  # fmt: skip
        if name == "p_value":
            return expr
        marks = ", ".join(f"'{m}'" for m in PLACEHOLDERS)
        return f"(CASE WHEN {expr} IN ({marks}) THEN NULL ELSE {expr} END)"
    return expr


def _params_sql(layout: dict) -> tuple[dict[str, str], str, list[str]] | None:
    """Per parameter key, its value from the first `event_params` element with that key
    (`_v_<field>[_p_<key>]`: the field's list and the key's position, made by the query
    around it), the `_odd` condition, and the value fields those lists are needed for."""
    ep = layout.get("event_params")
    if ep is None:
        null = {f"p_{k}": "NULL::DOUBLE" if k == "value" else "NULL::VARCHAR" for k in PARAMS}
        return null, "false", []
    if not isinstance(ep, list) or len(ep) != 1 or not isinstance(ep[0], dict):
        return None
    item = ep[0]
    if item.get("key", "VARCHAR") != "VARCHAR":
        return None
    value = item.get("value", {})
    if not isinstance(value, dict):
        return None
    for f, t in value.items():
        if PARAM_VALUE.get(f) != t:
            return None
    keys = "key" in item
    exprs: dict[str, str] = {}
    odd: list[str] = []
    for k in PARAMS:

        def v(f: str, k: str = k) -> str:
            return f"_v_{f}[_p_{k}]" if f in value and keys else f"NULL::{PARAM_VALUE[f]}"

        s, i = v("string_value"), v("int_value")
        d = f"coalesce({v('double_value')}, {v('float_value')})"
        only_d = f"({s} IS NULL AND {i} IS NULL AND {d} IS NOT NULL)"
        if k == "value":
            plain = rf"regexp_full_match({s}, '-?\d+(\.\d+)?')"
            spaced = rf"regexp_full_match({s}, '\s*-?\d+(\.\d+)?\s*')"
            exprs["p_value"] = (
                f"coalesce({d}, CAST({i} AS DOUBLE), CASE WHEN {plain} THEN CAST({s} AS DOUBLE) "
                "END)"
            )
            odd.append(f"coalesce({spaced} AND NOT {plain}, false)")
        elif k == "ga_session_id":
            exprs["p_ga_session_id"] = f"coalesce(CAST({i} AS VARCHAR), {s})"
            odd.append(f"coalesce({only_d}, false)")
        else:
            exprs[f"p_{k}"] = f"coalesce({s}, CAST({i} AS VARCHAR))"
            odd.append(f"coalesce({only_d}, false)")
    return exprs, " OR ".join(odd), [f for f in PARAM_VALUE if f in value] if keys else []
