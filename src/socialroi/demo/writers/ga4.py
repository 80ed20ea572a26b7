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
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd
import pyarrow as pa

from socialroi.demo.world import DemoWorld
from socialroi.sources.ga4.countries import country_name

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


def _url(base: pd.Series, site: str, params: dict[str, pd.Series]) -> pd.Series:
    """Landing URL with the utm_* and click-id parameters it does not carry yet."""
    path = base.fillna("/").astype(str)
    full = path.where(path.str.contains("://"), site + path.where(path.str.startswith("/"), "/"))
    query = pd.Series([""] * len(base), index=base.index)
    for key, values in params.items():
        v = values.astype("object")
        has = v.notna() & (v.astype(str) != "") & ~full.str.contains(f"[?&]{key}=", regex=True)
        enc = _map_unique(v[has].astype(str), lambda x: quote(x, safe="%"))
        query[has] = query[has] + "&" + key + "=" + enc
    query = query.str.lstrip("&")
    sep = np.where(full.str.contains(r"\?"), "&", "?")
    return full.where(query == "", full + sep + query)


def _map_unique(values: pd.Series, fn) -> pd.Series:
    """`values.map(fn)` computed once per distinct value."""
    uniq = pd.unique(values.dropna())
    return values.map(dict(zip(uniq, (fn(u) for u in uniq))))


def _decoded(values: pd.Series) -> pd.Series:
    from socialroi.sources.cells import url_decode

    return _map_unique(values.astype(object), url_decode).astype(object).where(values.notna(), None)


def _country_names(codes: pd.Series) -> pd.Series:
    valid = codes.where(codes.map(lambda c: isinstance(c, str) and bool(c), na_action="ignore"))
    return _map_unique(valid, country_name).astype(object).where(valid.notna(), None)


def _events(world: DemoWorld, prop: dict) -> pd.DataFrame:
    """One row per event with its params as parallel lists (built column-wise)."""
    site = _site(prop)
    s = world["sessions"].reset_index(drop=True)
    start_us = _micros(s["started_at"])
    sid = (start_us // 1_000_000).astype("int64")
    # A session is campaign-tagged when its landing page carries utm_* (the world's own
    # URL), or when it has a source but no referrer (a tagged link in an app or email).
    land = s["landing_page"].fillna("").astype(str)
    known = s["source"].notna() & ~s["source"].astype(str).isin(["", "(direct)", "(not set)"])
    tagged = land.str.contains("utm_", regex=False) | (known & s["referrer"].isna())
    utm = {
        f"utm_{k}": s[k].where(tagged) for k in ("source", "medium", "campaign", "content", "term")
    }
    clicks = {}
    for ctype in s["click_id_type"].dropna().unique():
        clicks[str(ctype)] = s["click_id"].where(s["click_id_type"] == ctype)
    loc = _url(s["landing_page"], site, {**utm, **clicks})
    ref = s["referrer"].astype("object").where(s["referrer"].notna(), None)
    local = pd.to_datetime(s["local_date"]).dt.strftime("%Y%m%d")
    country = _country_names(s["country"])
    base = pd.DataFrame(
        {
            "event_date": local,
            "user_pseudo_id": s["visitor_id"].astype(str),
            "user_id": s["user_id"].astype("object").where(s["user_id"].notna(), None),
            "country": country,
            "sid": sid,
            "loc": loc,
            "ref": ref,
            # GA4 stores the collected values URL-decoded
            "src": _decoded(s["source"].where(tagged)),
            "med": _decoded(s["medium"].where(tagged)),
            "cmp": _decoded(s["campaign"].where(tagged)),
            "cnt": _decoded(s["content"].where(tagged)),
            "trm": _decoded(s["term"].where(tagged)),
            "gclid": s["click_id"].where(s["click_id_type"] == "gclid"),
        }
    )
    start = base.assign(event_name="session_start", ts=start_us, kind=0)
    view = base.assign(event_name="page_view", ts=start_us + 1, kind=1)
    second = s["pageviews"].fillna(1).astype(int) > 1
    more = base[second].assign(
        event_name="page_view",
        ts=start_us[second.to_numpy()] + 30_000_000,
        kind=2,
        ref=loc[second],
        loc=site + "/cart",
    )
    frames = [start, view, more]
    orders = world.frames.get("orders")
    if orders is not None and len(orders):
        frames.append(_purchases(orders, s, sid))
    contacts = world.frames.get("contacts")
    if contacts is not None and len(contacts):
        leads = _leads(contacts, s, sid)
        if len(leads):
            frames.append(leads)
    ev = pd.concat(frames, ignore_index=True)
    return ev.sort_values(["ts", "kind"], kind="stable").reset_index(drop=True)


def _purchases(orders: pd.DataFrame, s: pd.DataFrame, sid: np.ndarray) -> pd.DataFrame:
    o = orders.drop_duplicates("order_id").reset_index(drop=True)
    o = o[o["visitor_id"].notna()].reset_index(drop=True)
    sess = pd.DataFrame({"session_id": s["session_id"], "sid": sid, "country": s["country"]})
    o = o.merge(sess, on="session_id", how="left", suffixes=("", "_s"))
    ts = _micros(o["created_at"])
    return pd.DataFrame(
        {
            "event_date": pd.to_datetime(o["local_date"]).dt.strftime("%Y%m%d"),
            "user_pseudo_id": o["visitor_id"].astype(str),
            "user_id": None,
            "country": _country_names(o["country"]),
            "sid": o["sid"].astype("Int64"),
            "event_name": "purchase",
            "ts": ts,
            "kind": 3,
            "txn": o["order_id"].astype(str),
            "value": o["total"].astype(float),
            "currency": o["currency"].astype(str),
        }
    )


def _leads(contacts: pd.DataFrame, s: pd.DataFrame, sid: np.ndarray) -> pd.DataFrame:
    c = contacts[contacts["visitor_id"].notna()].copy()
    if c.empty:
        return c
    c["_ts"] = pd.to_datetime(c["created_at"], utc=True)
    sess = pd.DataFrame(
        {"visitor_id": s["visitor_id"], "_ts": pd.to_datetime(s["started_at"], utc=True),
         "sid": sid, "local_date": s["local_date"]}
    ).sort_values("_ts")  # fmt: skip
    c = pd.merge_asof(c.sort_values("_ts"), sess, on="_ts", by="visitor_id", direction="backward")
    ts = _micros(c["_ts"])
    day = pd.to_datetime(c["local_date"]).dt.strftime("%Y%m%d")
    day = day.where(c["local_date"].notna(), c["_ts"].dt.strftime("%Y%m%d"))
    return pd.DataFrame(
        {
            "event_date": day,
            "user_pseudo_id": c["visitor_id"].astype(str),
            "user_id": None,
            "country": None,
            "sid": c["sid"].astype("Int64"),
            "event_name": "generate_lead",
            "ts": ts,
            "kind": 4,
        }
    )


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


def _flat(ev: pd.DataFrame) -> pa.Table:
    """The flat event frame as Arrow, every column present and typed."""
    start = ev["event_name"] == "session_start"
    cols = {
        "event_date": pa.string(), "ts": pa.int64(), "event_name": pa.string(),
        "user_id": pa.string(), "user_pseudo_id": pa.string(), "country": pa.string(),
        "sid": pa.int64(), "loc": pa.string(), "ref": pa.string(), "src": pa.string(),
        "med": pa.string(), "cmp": pa.string(), "cnt": pa.string(), "trm": pa.string(),
        "gclid": pa.string(), "txn": pa.string(), "currency": pa.string(),
        "value": pa.float64(),
    }  # fmt: skip
    arrays = {}
    for name, typ in cols.items():
        if name not in ev:
            arrays[name] = pa.nulls(len(ev), type=typ)
            continue
        v = ev[name]
        if name in ("src", "med", "cmp"):
            arrays["p_" + name] = pa.array(v.where(start), type=typ, from_pandas=True)
        arrays[name] = pa.array(v, type=typ, from_pandas=True)
    arrays["month"] = pa.array(ev["event_date"].str[:6], type=pa.string())
    return pa.table(arrays)


def write_events(world: DemoWorld, folder: Path, prop: dict) -> list[Path]:
    """Monthly Parquet files; the first day as JSON lines (the way `bq extract` writes)."""
    import duckdb

    ev = _events(world, prop)
    first_day = ev["event_date"].min()
    con = duckdb.connect()
    paths: list[Path] = []
    try:
        con.register("ev", _flat(ev))
        con.execute(f"CREATE TEMP TABLE nested AS SELECT month, {_NESTED_SQL[8:]}")
        path = folder / f"events_{first_day}.jsonl"
        con.execute(
            f"COPY ({_JSON_SQL} WHERE event_date = '{first_day}') TO '{_sql_path(path)}' "
            "(FORMAT JSON)"
        )
        paths.append(path)
        months = [
            r[0] for r in con.execute("SELECT DISTINCT month FROM nested ORDER BY 1").fetchall()
        ]
        for m in months:
            path = folder / f"events_{m}.parquet"
            n = con.execute(
                f"SELECT count(*) FROM nested WHERE month = '{m}' AND event_date <> '{first_day}'"
            ).fetchone()[0]
            if not n:
                continue
            con.execute(
                f"COPY (SELECT * EXCLUDE (month) FROM nested WHERE month = '{m}' "
                f"AND event_date <> '{first_day}') "
                f"TO '{_sql_path(path)}' (FORMAT PARQUET, COMPRESSION ZSTD)"
            )
            paths.append(path)
    finally:
        con.close()
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
