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


def sessions_sql() -> str:
    """Sessions from events. Each CTE step names its columns so that no expression is
    repeated inside another (DuckDB evaluates a repeated regex each time it appears)."""
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
  FROM norm
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
