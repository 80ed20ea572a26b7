"""Render the demo world's web analytics as GA4 exports.

- `ga4/@<property>/events_YYYYMM.parquet`: the BigQuery event export of every session
  (`session_start`, the landing `page_view`, a second `page_view` when the visit saw more than
  one page), every order bought in a session (`purchase`) and every CRM contact that came from
  a known visitor (`generate_lead`). The first month is written as newline-delimited JSON
  instead, the way `bq extract` writes it (INT64 values as strings).
- `ga4/@<property>/traffic_acquisition_YYYYMM.csv`: the Traffic acquisition report
  download, one per month, with the banner, the `Nth day` chart table, the report table by
  Date x Session source / medium x Session campaign x Country and its `Grand total` row, in
  the property team's language.

Everything is built column-wise with numpy/pyarrow and written by pyarrow / DuckDB, so the
large demo's millions of sessions render in seconds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from socialroi.demo.world import COLUMNS, DemoWorld
from socialroi.sources.kit.countries import COUNTRY_NAMES, country_name, iso_names

DEFAULT_SITE = "https://www.voltiq.example"

BANNER = {
    "en": ("Traffic acquisition: Session source / medium", "Account", "Property", "Start date",
           "End date", ": "),
    "es": ("Adquisición de tráfico: Fuente / medio de la sesión", "Cuenta", "Propiedad",
           "Fecha de inicio", "Fecha de finalización", ": "),
    "zh": ("流量获取：会话来源/媒介", "账号", "媒体资源", "开始日期", "结束日期", "："),
}  # fmt: skip
HEADERS = {
    "en": ("Date", "Session source / medium", "Session campaign", "Country", "Sessions",
           "Total users", "Engaged sessions", "Key events", "Total revenue", "Nth day",
           "Grand total"),
    "es": ("Fecha", "Fuente / medio de la sesión", "Campaña de la sesión", "País", "Sesiones",
           "Total de usuarios", "Sesiones con interacción", "Eventos clave", "Ingresos totales",
           "Día N", "Total general"),
    "zh": ("日期", "会话来源/媒介", "会话广告系列", "国家/地区", "会话数", "总用户数",
           "互动会话数", "关键事件", "总收入", "第 N 天", "总计"),
}  # fmt: skip


def _property(world: DemoWorld) -> dict:
    acc = world.frames.get("accounts")
    if acc is not None and len(acc):
        web = acc[acc["platform"].isin(["web", "ga4"])]
        if len(web):
            return web.iloc[0].to_dict()
    return {"handle": "voltiq.example", "name": "Voltiq", "language": "en", "currency": None,
            "timezone": "UTC"}  # fmt: skip


def _site(prop: dict) -> str:
    handle = str(prop.get("handle") or "").lstrip("@")
    return f"https://{handle}" if "." in handle else DEFAULT_SITE


def write(world: DemoWorld, out: Path) -> list[Path]:
    prop = _property(world)
    folder = Path(out) / "ga4" / f"@{str(prop.get('handle') or 'property').lstrip('@')}"
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    if "sessions" in world.frames and len(world["sessions"]):
        paths += write_events(world, folder, prop)
    if "ga4_daily" in world.frames and len(world["ga4_daily"]):
        paths += write_reports(world, folder, prop)
    return paths


# -- BigQuery event export -----------------------------------------------------------------


def _micros(ts: pd.Series) -> np.ndarray:
    s = pd.to_datetime(ts, utc=True)
    return (s.astype("datetime64[us, UTC]").astype("int64")).to_numpy()


def _strings(values: pd.Series) -> pa.Array:
    return pa.array(values.astype(object).where(values.notna(), None), type=pa.string(),
                    from_pandas=True)  # fmt: skip


def _days(values: pd.Series) -> pa.Array:
    """Dates (or timestamps) as YYYYMMDD text, the way event_date is written."""
    d = pd.to_datetime(values)
    if getattr(d.dt, "tz", None) is not None:
        d = d.dt.tz_convert("UTC").dt.tz_localize(None)
    days = d.to_numpy().astype("datetime64[D]")
    return pc.strftime(pa.array(days, type=pa.date32()).cast(pa.timestamp("s")), "%Y%m%d")


def _sessions_arrow(s: pd.DataFrame) -> pa.Table:
    cols = {
        "session_id": _strings(s["session_id"]),
        "visitor_id": _strings(s["visitor_id"]),
        "user_id": _strings(s["user_id"]),
        "us": pa.array(_micros(s["started_at"])),
        "event_date": _days(s["local_date"]),
        "pageviews": pa.array(s["pageviews"].fillna(1).astype("int64").to_numpy()),
    }
    for k in ("source", "medium", "campaign", "content", "term", "click_id_type", "click_id",
              "referrer", "landing_page", "country"):  # fmt: skip
        cols[k] = _strings(s[k])
    return pa.table(cols)


def _orders_arrow(o: pd.DataFrame) -> pa.Table:
    o = o.drop_duplicates("order_id")
    return pa.table(
        {
            "order_id": _strings(o["order_id"]),
            "session_id": _strings(o["session_id"]),
            "visitor_id": _strings(o["visitor_id"]),
            "us": pa.array(_micros(o["created_at"])),
            "event_date": _days(o["local_date"]),
            "currency": _strings(o["currency"]),
            "total": pa.array(o["total"].astype(float).to_numpy()),
            "country": _strings(o["country"]),
        }
    )


def _contacts_arrow(c: pd.DataFrame) -> pa.Table:
    c = c[c["visitor_id"].notna()]
    return pa.table(
        {
            "visitor_id": _strings(c["visitor_id"]),
            "us": pa.array(_micros(c["created_at"])),
            "utc_date": _days(c["created_at"]),
        }
    )


def _countries_arrow() -> pa.Table:
    codes = sorted(set(iso_names()) | set(COUNTRY_NAMES))
    return pa.table({"code": codes, "name": [country_name(c) for c in codes]})


_PARAMS = ("source", "medium", "campaign", "content", "term")
_EVENTS_SQL = """
CREATE TEMP TABLE sess AS
WITH a AS (
  SELECT s.*, cn.name AS country_name,
    contains(coalesce(landing_page, ''), 'utm_')
      OR (source IS NOT NULL AND source NOT IN ('', '(direct)', '(not set)')
          AND referrer IS NULL) AS tagged,
    CAST(us // 1000000 AS BIGINT) AS sid,
    CASE WHEN contains(coalesce(landing_page, ''), '://') THEN landing_page
      WHEN starts_with(coalesce(landing_page, '/'), '/')
        THEN '{site}' || coalesce(landing_page, '/')
      ELSE '{site}/' || landing_page END AS base_loc
  FROM sessions s LEFT JOIN countries cn ON cn.code = upper(s.country)
),
b AS (
  SELECT *, concat_ws('&', {appended}) AS q FROM a
)
SELECT *,
  base_loc || CASE WHEN q = '' THEN '' WHEN contains(base_loc, '?') THEN '&' || q
    ELSE '?' || q END AS loc,
  {decoded}
FROM b;

CREATE TEMP TABLE ev AS
SELECT event_date, us AS ts, 'session_start' AS event_name, visitor_id AS user_pseudo_id,
  user_id, country_name AS country, sid, loc, referrer AS ref,
  src AS p_src, med AS p_med, cmp AS p_cmp, src, med, cmp, cnt, trm,
  CASE WHEN click_id_type = 'gclid' THEN click_id END AS gclid,
  NULL::VARCHAR AS txn, NULL::VARCHAR AS currency, NULL::DOUBLE AS value
FROM sess
UNION ALL
SELECT event_date, us + 1, 'page_view', visitor_id, user_id, country_name, sid, loc, referrer,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM sess
UNION ALL
SELECT event_date, us + 30000000, 'page_view', visitor_id, user_id, country_name, sid,
  '{site}/cart', loc, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM sess WHERE pageviews > 1
UNION ALL
SELECT o.event_date, o.us, 'purchase', o.visitor_id, NULL, cn.name, s.sid, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, o.order_id, o.currency, o.total
FROM orders o LEFT JOIN sess s ON s.session_id = o.session_id
  LEFT JOIN countries cn ON cn.code = upper(o.country)
WHERE o.visitor_id IS NOT NULL
UNION ALL
SELECT coalesce(s.event_date, c.utc_date), c.us, 'generate_lead', c.visitor_id, NULL, NULL,
  s.sid, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM contacts c ASOF LEFT JOIN sess s ON c.visitor_id = s.visitor_id AND c.us >= s.us;
"""


def _events_sql(site: str) -> str:
    appended = ", ".join(
        f"CASE WHEN tagged AND {k} IS NOT NULL AND {k} <> '' AND NOT contains(base_loc, "
        f"'utm_{k}=') THEN 'utm_{k}=' || url_encode({k}) END"
        for k in _PARAMS
    )
    appended += (
        ", CASE WHEN click_id_type IS NOT NULL AND click_id IS NOT NULL AND NOT "
        "contains(base_loc, click_id_type || '=') THEN click_id_type || '=' || "
        "url_encode(click_id) END"
    )
    # GA4 stores the collected campaign values URL-decoded.
    decoded = ", ".join(
        f"CASE WHEN tagged THEN url_decode(url_decode(replace({k}, '+', ' '))) END AS {a}"
        for k, a in zip(_PARAMS, ("src", "med", "cmp", "cnt", "trm"))
    )
    return _EVENTS_SQL.format(site=site.replace("'", "''"), appended=appended, decoded=decoded)


_NESTED_SQL = """
SELECT
  event_date,
  CAST(ts AS BIGINT) AS event_timestamp,
  event_name,
  list_filter([
    struct_pack(key := 'ga_session_id', value := struct_pack(string_value := NULL::VARCHAR,
      int_value := CAST(sid AS BIGINT), float_value := NULL::DOUBLE, double_value := NULL::DOUBLE)),
    struct_pack(key := 'page_location', value := struct_pack(string_value := loc,
      int_value := NULL::BIGINT, float_value := NULL::DOUBLE, double_value := NULL::DOUBLE)),
    struct_pack(key := 'page_referrer', value := struct_pack(string_value := ref,
      int_value := NULL::BIGINT, float_value := NULL::DOUBLE, double_value := NULL::DOUBLE)),
    struct_pack(key := 'source', value := struct_pack(string_value := p_src,
      int_value := NULL::BIGINT, float_value := NULL::DOUBLE, double_value := NULL::DOUBLE)),
    struct_pack(key := 'medium', value := struct_pack(string_value := p_med,
      int_value := NULL::BIGINT, float_value := NULL::DOUBLE, double_value := NULL::DOUBLE)),
    struct_pack(key := 'campaign', value := struct_pack(string_value := p_cmp,
      int_value := NULL::BIGINT, float_value := NULL::DOUBLE, double_value := NULL::DOUBLE)),
    struct_pack(key := 'transaction_id', value := struct_pack(string_value := txn,
      int_value := NULL::BIGINT, float_value := NULL::DOUBLE, double_value := NULL::DOUBLE)),
    struct_pack(key := 'currency', value := struct_pack(string_value := currency,
      int_value := NULL::BIGINT, float_value := NULL::DOUBLE, double_value := NULL::DOUBLE)),
    struct_pack(key := 'value', value := struct_pack(string_value := NULL::VARCHAR,
      int_value := NULL::BIGINT, float_value := NULL::DOUBLE, double_value := value))
  ], lambda p: p.value.string_value IS NOT NULL OR p.value.int_value IS NOT NULL
               OR p.value.double_value IS NOT NULL) AS event_params,
  user_id,
  user_pseudo_id,
  struct_pack(country := country) AS geo,
  CASE WHEN event_name = 'session_start' AND (src IS NOT NULL OR gclid IS NOT NULL) THEN
    struct_pack(manual_source := src, manual_medium := med, manual_campaign_name := cmp,
      manual_content := cnt, manual_term := trm, gclid := gclid, dclid := NULL::VARCHAR,
      srsltid := NULL::VARCHAR) END AS collected_traffic_source,
  CASE WHEN event_name = 'purchase' THEN
    struct_pack(transaction_id := txn, purchase_revenue := value,
      purchase_revenue_in_usd := NULL::DOUBLE) END AS ecommerce
FROM ev
"""
# bq extract writes INT64 values as JSON strings.
_JSON_SQL = """
SELECT event_date, CAST(event_timestamp AS VARCHAR) AS event_timestamp, event_name,
  list_transform(event_params, lambda p: struct_pack(key := p.key,
    value := struct_pack(string_value := p.value.string_value,
      int_value := CAST(p.value.int_value AS VARCHAR), double_value := p.value.double_value)))
    AS event_params,
  user_id, user_pseudo_id, geo, collected_traffic_source, ecommerce
FROM nested
"""


# A total order of events, so that the same world writes the same bytes.
_ORDER = (
    "event_timestamp, event_name, user_pseudo_id, ecommerce.transaction_id, to_json(event_params)"
)


def write_events(world: DemoWorld, folder: Path, prop: dict) -> list[Path]:
    """Monthly Parquet files; the first day as JSON lines (the way `bq extract` writes).
    Events are built in DuckDB from the world's frames, so millions of sessions stay cheap."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    # The large demo has tens of millions of events: let DuckDB spill to disk rather than
    # hold them all next to the world's frames.
    spill = folder / ".duckdb-spill"
    con.execute("SET memory_limit = '3GB'")
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET temp_directory = '{_sql_path(spill)}'")
    paths: list[Path] = []
    try:
        con.register("sessions", _sessions_arrow(world["sessions"]))
        con.register("countries", _countries_arrow())
        orders = world.frames.get("orders")
        if orders is None or not len(orders):
            orders = pd.DataFrame(columns=list(COLUMNS["orders"]))
        con.register("orders", _orders_arrow(orders))
        contacts = world.frames.get("contacts")
        if contacts is None or not len(contacts):
            contacts = pd.DataFrame(columns=list(COLUMNS["contacts"]))
        con.register("contacts", _contacts_arrow(contacts))
        con.execute(_events_sql(_site(prop)))
        con.execute(
            f"CREATE TEMP TABLE nested AS SELECT event_date[:6] AS month, {_NESTED_SQL[8:]}"
        )
        first_day = con.execute("SELECT min(event_date) FROM ev").fetchone()[0]
        path = folder / f"events_{first_day}.jsonl"
        con.execute(
            f"COPY ({_JSON_SQL} WHERE event_date = '{first_day}' ORDER BY {_ORDER}) "
            f"TO '{_sql_path(path)}' (FORMAT JSON)"
        )
        paths.append(path)
        months = [
            r[0] for r in con.execute("SELECT DISTINCT month FROM nested ORDER BY 1").fetchall()
        ]
        for m in months:
            where = f"month = '{m}' AND event_date <> '{first_day}'"
            if not con.execute(f"SELECT count(*) FROM nested WHERE {where}").fetchone()[0]:
                continue
            path = folder / f"events_{m}.parquet"
            con.execute(
                f"COPY (SELECT * EXCLUDE (month) FROM nested WHERE {where} ORDER BY {_ORDER}) "
                f"TO '{_sql_path(path)}' (FORMAT PARQUET, COMPRESSION ZSTD)"
            )
            paths.append(path)
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    return paths


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


# -- report downloads ----------------------------------------------------------------------


def _fmt(v: float) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "0"
    return f"{v:.2f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))


def write_reports(world: DemoWorld, folder: Path, prop: dict) -> list[Path]:
    lang = prop.get("language") or "en"
    lang = lang if lang in HEADERS else "en"
    h = HEADERS[lang]
    title, account, prop_label, start_label, end_label, colon = BANNER[lang]
    daily = world["ga4_daily"].copy()
    daily["date"] = pd.to_datetime(daily["date"]).dt.date
    daily["month"] = [d.strftime("%Y%m") for d in daily["date"]]
    paths = []
    for month, rows in daily.groupby("month", sort=True):
        rows = rows.sort_values(["date", "sessions"], ascending=[True, False])
        first = dt.date(int(month[:4]), int(month[4:]), 1)
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        last = nxt - dt.timedelta(days=1)
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        name = prop.get("name") or prop.get("handle")
        for line in (
            "# ----------------------------------------",
            f"# {title}",
            f"# {account}{colon}{name}",
            f"# {prop_label}{colon}{prop.get('handle')} - GA4",
            "# ----------------------------------------",
            "# ",
            f"# {start_label}{colon}{first:%Y%m%d}",
            f"# {end_label}{colon}{last:%Y%m%d}",
        ):
            buf.write(line + "\n")
        # The chart's table: sessions per Nth day of the period.
        per_day = rows.groupby("date")["sessions"].sum()
        w.writerow([h[9], h[4]])
        for d in pd.date_range(first, last).date:
            w.writerow([f"{(d - first).days:04d}", int(per_day.get(d, 0))])
        buf.write("\n# ----------------------------------------\n")
        buf.write(f"# {start_label}{colon}{first:%Y%m%d}\n# {end_label}{colon}{last:%Y%m%d}\n")
        w.writerow([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8]])
        w.writerow(
            [h[10], "", "", "", int(rows["sessions"].sum()), int(rows["users"].sum()),
             int(rows["engaged_sessions"].sum()), _fmt(float(rows["key_events"].sum())),
             _fmt(float(rows["revenue"].sum()))]
        )  # fmt: skip
        for r in rows.itertuples(index=False):
            w.writerow(
                [
                    f"{r.date:%Y%m%d}",
                    f"{r.source or '(direct)'} / {r.medium or '(none)'}",
                    r.campaign if isinstance(r.campaign, str) and r.campaign else "(not set)",
                    country_name(r.country if isinstance(r.country, str) else None, lang),
                    int(r.sessions),
                    int(r.users),
                    int(r.engaged_sessions),
                    _fmt(float(r.key_events)),
                    _fmt(float(r.revenue)),
                ]
            )
        path = folder / f"traffic_acquisition_{month}.csv"
        path.write_text(buf.getvalue(), encoding="utf-8")
        paths.append(path)
    return paths
