"""GA4: report CSV downloads and the BigQuery event export, through the real workspace."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

from socialroi import Workspace
from socialroi.demo.world import COLUMNS, DemoWorld
from socialroi.errors import ImportFailed
from socialroi.model.aliases import ALIASES, LANGUAGES
from socialroi.model.currencies import ecb_rate
from tests.conftest import FIXTURES, table_totals

GA4 = FIXTURES / "ga4"
REPORT_EN = GA4 / "traffic_acquisition_en.csv"
EVENTS_JSONL = GA4 / "events_20250108.jsonl"
EVENTS_PARQUET = GA4 / "events_20250108.parquet"

TRAFFIC_SQL = (
    "SELECT metric_date, source, medium, campaign, market, sessions, users, engaged_sessions, "
    "key_events, revenue, currency, channel FROM traffic_daily ORDER BY metric_date, source"
)
EXPECTED_TRAFFIC = [
    (dt.date(2025, 1, 6), "(direct)", "(none)", "", "US", 40, 38, 20, 1.0, 99.9, "USD", "Direct"),
    (dt.date(2025, 1, 6), "instagram", "paid_social", "spring launch", "US", 1120, 98, 71, 4.0,
     980.5, "USD", "Paid Social"),
    (dt.date(2025, 1, 6), "l.facebook.com", "referral", "", "ES", 23, 20, 12, 0.0, 0.0, "USD",
     "Organic Social"),
    (dt.date(2025, 1, 7), "google", "organic", "", "DE", 60, 55, 40, 2.0, 513.0, "USD",
     "Organic Search"),
    (dt.date(2025, 1, 7), "tiktok", "social", "", "", 35, 30, 27, 2.0, 300.0, "USD",
     "Organic Social"),
]  # fmt: skip


def findings(ws, batch_id=None):
    sql = "SELECT kind, row_number, value, rows FROM dq_findings"
    if batch_id is not None:
        sql += f" WHERE batch_id = {batch_id}"
    return ws.store.raw.execute(sql + " ORDER BY batch_id, finding_no").fetchall()


def all_empty(ws):
    return all(ws.store.count(t) == 0 for t in ("traffic_daily", "touchpoints", "conversions",
                                                 "import_batches", "dq_findings"))  # fmt: skip


# -- aliases -------------------------------------------------------------------------------


def test_every_ga4_field_has_english_spanish_and_chinese_names():
    import socialroi.sources.ga4  # noqa: F401 - registers the aliases

    for report in ("report", "events"):
        for field, by_lang in ALIASES[("ga4", report)].items():
            assert all(by_lang.get(lang) for lang in LANGUAGES), (report, field)
    key_events = ALIASES[("ga4", "report")]["key_events"]["en"]
    assert "Key events" in key_events and "Conversions" in key_events


# -- report downloads ----------------------------------------------------------------------


def test_report_download_to_traffic_daily(ws):
    [res] = ws.import_files([REPORT_EN], currency="USD")
    assert (res.status, res.source, res.report) == ("loaded", "ga4", "report")
    assert (res.rows_read, res.rows_loaded, res.rows_skipped) == (6, 5, 1)
    assert ws.store.raw.execute(TRAFFIC_SQL).fetchall() == EXPECTED_TRAFFIC
    assert {
        r[0] for r in ws.store.raw.execute("SELECT batch_id FROM traffic_daily").fetchall()
    } == {res.batch_id}
    assert findings(ws) == [
        ("ignored_table", 10, "Nth day, Sessions", 2),
        ("skipped_total_row", 19, "Grand total", 1),
    ]
    batch = ws.store.raw.execute(
        "SELECT period_start, period_end, rows_skipped FROM import_batches"
    ).fetchone()
    assert batch == (dt.date(2025, 1, 6), dt.date(2025, 1, 7), 1)


def test_report_revenue_converts_to_base_currency(tmp_path):
    with Workspace.open(tmp_path / "w.duckdb", base_currency="EUR") as ws:
        ws.import_files([REPORT_EN], currency="USD")
        rev, base = ws.store.raw.execute(
            "SELECT revenue, revenue_base FROM traffic_daily WHERE source = 'google'"
        ).fetchone()
        rate = ecb_rate("USD", dt.date(2025, 1, 7))[0]
        assert rev == 513.0 and base == pytest.approx(513.0 / rate)


@pytest.mark.parametrize("name", ["traffic_acquisition_es.csv", "traffic_acquisition_zh.csv"])
def test_localised_reports_import_to_the_same_values(ws, name):
    [res] = ws.import_files([GA4 / name], currency="USD")
    assert (res.source, res.report, res.rows_loaded) == ("ga4", "report", 5)
    assert ws.store.raw.execute(TRAFFIC_SQL).fetchall() == EXPECTED_TRAFFIC
    kinds = [f[0] for f in findings(ws)]
    assert "skipped_total_row" in kinds


def test_report_reimport_is_unchanged(ws):
    ws.import_files([REPORT_EN], currency="USD")
    before = table_totals(ws)
    [again] = ws.import_files([REPORT_EN], currency="USD")
    assert again.status == "unchanged"
    assert table_totals(ws) == before


def test_overlapping_report_updates_instead_of_double_counting(ws, tmp_path):
    ws.import_files([REPORT_EN], currency="USD")
    newer = tmp_path / "traffic_acquisition_v2.csv"
    newer.write_text(REPORT_EN.read_text().replace("60,55,40,2,513", "64,58,41,3,600"))
    [res] = ws.import_files([newer], currency="USD")
    assert res.status == "loaded" and ws.store.count("traffic_daily") == 5
    row = ws.store.raw.execute(
        "SELECT sessions, revenue, batch_id FROM traffic_daily WHERE source = 'google'"
    ).fetchone()
    assert row == (64, 600.0, res.batch_id)
    assert ws.store.raw.execute("SELECT sum(sessions) FROM traffic_daily").fetchone()[0] == 1282


def test_report_without_currency_fails_and_stores_nothing(ws):
    with pytest.raises(ImportFailed) as e:
        ws.import_files([REPORT_EN])
    assert e.value.column == "Total revenue" and "--currency" in e.value.hint
    assert all_empty(ws)


def test_report_without_date_is_a_period_total_with_old_metric_names(ws):
    [res] = ws.import_files([GA4 / "traffic_acquisition_no_date.csv"], currency="EUR")
    rows = ws.store.raw.execute(
        "SELECT metric_date, source, medium, users, sessions, key_events, revenue, currency "
        "FROM traffic_daily ORDER BY source"
    ).fetchall()
    assert rows == [
        (dt.date(2024, 1, 1), "facebook", "paid", 412, 480, 11.0, 1200.25, "EUR"),
        (dt.date(2024, 1, 1), "google", "cpc", 400, 480, 20.0, 3000.0, "EUR"),
    ]
    kinds = {f[0]: f for f in findings(ws, res.batch_id)}
    assert kinds["skipped_total_row"][1:] == (10, "(empty dimensions)", 1)
    assert kinds["period_total"][2] == "2024-01-01..2024-01-31"


def test_report_override_without_banner(ws, tmp_path):
    f = tmp_path / "export.csv"
    f.write_text("Date,Session source,Session medium,Sessions\n20250301,Google,CPC,7\n")
    [res] = ws.import_files([f], platform="ga4", report="report")
    assert (res.source, res.report) == ("ga4", "report")
    row = ws.store.raw.execute(
        "SELECT metric_date, source, medium, campaign, market, sessions FROM traffic_daily"
    ).fetchone()
    assert row == (dt.date(2025, 3, 1), "google", "cpc", "", "", 7)


@pytest.mark.parametrize(
    "old, new, row, column",
    [
        ("60,55,40,2,513", "sixty,55,40,2,513", 23, "Sessions"),
        ("20250107,google", "2025-13-45,google", 23, "Date"),
    ],
)
def test_bad_report_cell_fails_whole_file(ws, tmp_path, old, new, row, column):
    f = tmp_path / "bad.csv"
    f.write_text(REPORT_EN.read_text().replace(old, new))
    with pytest.raises(ImportFailed) as e:
        ws.import_files([f], currency="USD")
    assert (e.value.row, e.value.column) == (row, column)
    assert all_empty(ws)


def test_report_without_source_table_is_explained(ws, tmp_path):
    f = tmp_path / "channels.csv"
    f.write_text(
        "# ----------------------------------------\n# Traffic acquisition\n"
        "# Start date: 20250101\n# End date: 20250131\n"
        "Page path and screen class,Sessions\n/,10\n"
    )  # a channel group table imports (tests/sources/test_ga4_real.py); a page table not
    with pytest.raises(ImportFailed) as e:
        ws.import_files([f], currency="USD")
    assert e.value.row == 5 and "Session source / medium" in e.value.expected
    assert all_empty(ws)


# -- BigQuery event export -----------------------------------------------------------------

TOUCH_SQL = (
    "SELECT touch_id, occurred_at, local_date, visitor_id, user_id, session_id, source, medium, "
    "campaign, click_id_type, click_id, referrer, landing_page, market, channel, origin "
    "FROM touchpoints ORDER BY occurred_at"
)
UTC = dt.UTC


def _ts(*args):
    return dt.datetime(*args, tzinfo=UTC)


def _check_events(ws, batch_id):
    touch = ws.store.raw.execute(TOUCH_SQL).fetchall()
    assert [t[:6] for t in touch] == [
        ("ga4_event:1827364.1736330400:1736330400", _ts(2025, 1, 8, 10), dt.date(2025, 1, 8),
         "1827364.1736330400", "cust-881", "1736330400"),
        ("ga4_event:99120.1736000000:1736348400", _ts(2025, 1, 8, 15), dt.date(2025, 1, 8),
         "99120.1736000000", None, "1736348400"),
        ("ga4_event:5550001.1736352000:1736352000", _ts(2025, 1, 8, 16), dt.date(2025, 1, 8),
         "5550001.1736352000", None, "1736352000"),
        ("ga4_event:777.1:1736384400", _ts(2025, 1, 9, 1), dt.date(2025, 1, 9), "777.1", None,
         "1736384400"),
    ]  # fmt: skip
    assert [t[6:] for t in touch] == [
        ("instagram", "paid_social", "spring launch", "fbclid", "IwAR2x",
         "https://l.instagram.com/",
         "https://www.voltiq.com/products/charger?utm_source=instagram&utm_medium=paid_social"
         "&utm_campaign=spring launch&fbclid=IwAR2x", "US", "Paid Social", "ga4_event"),
        ("tiktok.com", "referral", None, "ttclid", "E.C.P.v2abc", "https://www.tiktok.com/",
         "https://www.voltiq.com/?ttclid=E.C.P.v2abc", "ES", "Paid Social", "ga4_event"),
        ("linkedin", "social", "b2b q1", None, None, "https://www.google.com/",
         "https://www.voltiq.com/wholesale", "DE", "Organic Social", "ga4_event"),
        ("(direct)", "(none)", None, None, None, None, "https://www.voltiq.com/", None, "Direct",
         "ga4_event"),
    ]  # fmt: skip
    conv = ws.store.raw.execute(
        "SELECT conversion_id, kind, occurred_at, local_date, visitor_id, user_id, order_id, "
        "value, currency, market, source, medium, origin, batch_id FROM conversions "
        "ORDER BY occurred_at"
    ).fetchall()
    assert conv == [
        ("ga4:5610237001:purchase", "purchase", _ts(2025, 1, 8, 10, 20), dt.date(2025, 1, 8),
         "1827364.1736330400", "cust-881", "5610237001", 59.5, "USD", "US", "instagram",
         "paid_social", "ga4", batch_id),
        ("ga4:99120.1736000000.1736348460000000:signup", "signup", _ts(2025, 1, 8, 15, 1),
         dt.date(2025, 1, 8), "99120.1736000000", None, None, None, None, "ES", "tiktok.com",
         "referral", "ga4", batch_id),
        ("ga4:5550001.1736352000.1736352300000000:lead", "lead", _ts(2025, 1, 8, 16, 5),
         dt.date(2025, 1, 8), "5550001.1736352000", None, None, 0.0, "EUR", "DE", "linkedin",
         "social", "ga4", batch_id),
        ("ga4:MP-77:purchase", "purchase", _ts(2025, 1, 9, 2), dt.date(2025, 1, 9), "88.2", None,
         "MP-77", 120.0, "EUR", "DE", None, None, "ga4", batch_id),
    ]  # fmt: skip
    assert findings(ws, batch_id) == [
        ("no_session_id", 11, None, 1),
        ("duplicate_transaction", 4, None, 1),
    ]


@pytest.mark.parametrize("path", [EVENTS_JSONL, EVENTS_PARQUET])
def test_event_export_to_sessions_and_conversions(ws, path):
    [res] = ws.import_files([path])
    assert (res.source, res.report, res.rows_read) == ("ga4", "events", 11)
    assert res.tables == {"touchpoints": 4, "conversions": 4}
    _check_events(ws, res.batch_id)
    base = ws.store.raw.execute(
        "SELECT value_base FROM conversions WHERE order_id = 'MP-77'"
    ).fetchone()[0]
    assert base == pytest.approx(120.0 * ecb_rate("USD", dt.date(2025, 1, 9))[0])


def test_event_export_jsonl_and_parquet_agree(ws):
    [a] = ws.import_files([EVENTS_JSONL])
    before = table_totals(ws)
    [b] = ws.import_files([EVENTS_PARQUET])
    assert b.status == "loaded" and b.batch_id != a.batch_id
    after = table_totals(ws)
    for t in ("touchpoints", "conversions"):  # same rows, replaced by key, nothing doubled
        assert after[t][0] == before[t][0] and after[t][1:-1] == before[t][1:-1]
    [again] = ws.import_files([EVENTS_PARQUET])
    assert again.status == "unchanged"


def test_event_export_in_a_zip(ws, tmp_path):
    shutil.make_archive(str(tmp_path / "bq"), "zip", GA4, "events_20250108.jsonl")
    [res] = ws.import_files([tmp_path / "bq.zip"])
    assert res.file == "bq.zip/events_20250108.jsonl"
    _check_events(ws, res.batch_id)


def _bad_events(tmp_path, line_no, new):
    lines = EVENTS_JSONL.read_text().splitlines()
    lines[line_no - 1] = new(lines[line_no - 1])
    f = tmp_path / "events_bad.jsonl"
    f.write_text("\n".join(lines) + "\n")
    return f


@pytest.mark.parametrize(
    "line, edit, column",
    [
        (3, lambda s: s[:-5], None),
        (5, lambda s: s.replace('"1736348400000000"', '"yesterday"'), "event_timestamp"),
        (5, lambda s: s.replace('"1736348400000000"', '"1736348400"'), "event_timestamp"),
        (7, lambda s: s.replace('"user_pseudo_id":"5550001.1736352000"', '"user_pseudo_id":""'),
         "user_pseudo_id"),
        (9, lambda s: s.replace('"20250109"', '"2025-01-09"'), "event_date"),
    ],
)  # fmt: skip
def test_broken_event_export_fails_with_the_line(ws, tmp_path, line, edit, column):
    f = _bad_events(tmp_path, line, edit)
    with pytest.raises(ImportFailed) as e:
        ws.import_files([f])
    assert (e.value.row, e.value.column) == (line, column)
    assert all_empty(ws)


def test_purchase_without_currency_needs_the_option(ws, tmp_path):
    f = _bad_events(
        tmp_path, 11, lambda s: s.replace('{"key":"currency","value":{"string_value":"EUR"}},', "")
    )
    with pytest.raises(ImportFailed) as e:
        ws.import_files([f])
    assert e.value.row == 11 and "--currency" in e.value.hint
    assert all_empty(ws)
    ws.import_files([f], currency="GBP")
    assert ws.store.raw.execute(
        "SELECT value, currency FROM conversions WHERE order_id = 'MP-77'"
    ).fetchone() == (120.0, "GBP")


# -- demo writer ---------------------------------------------------------------------------


def _frame(name, rows):
    return pd.DataFrame(rows, columns=list(COLUMNS[name]))


def _tiny_world(language="es"):
    ts = lambda s: pd.Timestamp(s, tz="UTC")  # noqa: E731
    d = dt.date
    sessions = _frame("sessions", [
        ("s1", "v1", "u1", "a@x.com", ts("2025-01-08 10:00"), d(2025, 1, 8), "instagram",
         "paid_social", "spring sale", "reel 1", None, "fbclid", "IwAR1", "https://l.instagram.com/",
         "/products/charger?utm_source=instagram&utm_medium=paid_social"
         "&utm_campaign=spring%20sale&utm_content=reel%201&fbclid=IwAR1", "US", 3, True),
        ("s2", "v2", None, None, ts("2025-01-31 23:30"), d(2025, 2, 1), None, None, None, None,
         None, None, None, "https://www.tiktok.com/", "/", "ES", 1, False),
        ("s3", "v3", None, None, ts("2025-02-03 08:00"), d(2025, 2, 3), "google", "cpc", "brand",
         None, "voltiq charger", "gclid", "Cj0K", "https://www.google.com/",
         "/?utm_source=google&utm_medium=cpc&utm_campaign=brand&utm_term=voltiq+charger"
         "&gclid=Cj0K", "DE", 2, True),
        ("s4", "v1", "u1", "a@x.com", ts("2025-02-10 12:00"), d(2025, 2, 10), None, None, None,
         None, None, None, None, None, "/", "US", 1, False),
    ])  # fmt: skip
    orders = _frame("orders", [
        ("1001", "#1001", "c1", "a@x.com", ts("2025-01-08 10:20"), d(2025, 1, 8), "USD", 50.0, 5.0,
         4.5, 59.5, "US", "/products/charger", "https://l.instagram.com/", "v1", "s1", "Charger",
         1, 50.0),
        ("1002", "#1002", "c3", "c@x.com", ts("2025-02-03 08:10"), d(2025, 2, 3), "EUR", 80.0, 0.0,
         15.2, 95.2, "DE", "/", "https://www.google.com/", "v3", "s3", "Cable", 2, 40.0),
    ])  # fmt: skip
    contacts = _frame("contacts", [
        ("501", "b@x.com", "Bo", "Li", "Acme", "ES", ts("2025-02-01 00:10"), "lead", d(2025, 2, 1),
         None, None, None, None, "Organic Social", "TikTok", None, None, None, "v2"),
    ])  # fmt: skip
    ga4_daily = _frame("ga4_daily", [
        (d(2025, 1, 8), "instagram", "paid_social", "spring sale", "US", 10, 8, 6, 2.0, 119.0),
        (d(2025, 1, 8), "(direct)", "(none)", "", "US", 5, 5, 2, 0.0, 0.0),
        (d(2025, 2, 3), "google", "cpc", "brand", "DE", 7, 6, 5, 1.0, 95.2),
    ])  # fmt: skip
    accounts = _frame("accounts", [
        ("web:voltiq.example", "web", "voltiq.example", None, "Voltiq", "US", "USD",
         "America/New_York", "brand", language),
    ])  # fmt: skip
    frames = dict(sessions=sessions, orders=orders, contacts=contacts, ga4_daily=ga4_daily,
                  accounts=accounts)  # fmt: skip
    return DemoWorld(1, "tiny", d(2025, 1, 1), d(2025, 12, 31), frames=frames)


@pytest.mark.parametrize("language", ["en", "es", "zh"])
def test_demo_writer_round_trips_the_world(ws, tmp_path, language):
    from socialroi.demo.writers import ga4

    world = _tiny_world(language)
    paths = ga4.write(world, tmp_path / "out")
    names = sorted(p.name for p in paths)
    assert names == [
        "events_20250108.jsonl", "events_202501.parquet", "events_202502.parquet",
        "traffic_acquisition_202501.csv", "traffic_acquisition_202502.csv",
    ] or names == [
        "events_20250108.jsonl", "events_202502.parquet",
        "traffic_acquisition_202501.csv", "traffic_acquisition_202502.csv",
    ]  # fmt: skip
    assert all(p.parent.name == "@voltiq.example" for p in paths)
    results = ws.import_files([tmp_path / "out"], currency="USD")
    assert {(r.source, r.report) for r in results} == {("ga4", "events"), ("ga4", "report")}
    # Sessions: one touchpoint each, at the world's start time, with its source and click id.
    s = world["sessions"]
    touch = ws.store.raw.execute(
        "SELECT visitor_id, occurred_at, local_date, user_id, source, medium, campaign, content, "
        "term, click_id_type, click_id, referrer, market FROM touchpoints ORDER BY occurred_at"
    ).fetchall()
    assert len(touch) == len(s)
    for t, w in zip(touch, s.sort_values("started_at").to_dict("records")):
        w = {
            k: (None if v is None or (isinstance(v, float) and v != v) else v) for k, v in w.items()
        }
        assert t[:4] == (w["visitor_id"], w["started_at"].to_pydatetime(), w["local_date"],
                         w["user_id"])  # fmt: skip
        if w["source"]:
            assert t[4:9] == tuple(
                w[k] for k in ("source", "medium", "campaign", "content", "term")
            )
        assert t[9:] == (w["click_id_type"], w["click_id"], w["referrer"], w["country"])
    # Purchases and leads.
    conv = ws.store.raw.execute(
        "SELECT kind, order_id, value, currency, visitor_id, occurred_at FROM conversions "
        "ORDER BY occurred_at"
    ).fetchall()
    o = world["orders"]
    assert [c for c in conv if c[0] == "purchase"] == [
        ("purchase", r.order_id, r.total, r.currency, r.visitor_id, r.created_at.to_pydatetime())
        for r in o.itertuples()
    ]
    assert [c[4] for c in conv if c[0] == "lead"] == ["v2"]
    # Report rows equal the world's ga4_daily figures.
    g = world["ga4_daily"]
    got = ws.store.raw.execute(
        "SELECT metric_date, source, medium, campaign, market, sessions, users, "
        "engaged_sessions, key_events, revenue FROM traffic_daily ORDER BY metric_date, sessions"
    ).fetchall()
    want = sorted(
        (r.date, r.source, r.medium, r.campaign, r.country, r.sessions, r.users,
         r.engaged_sessions, r.key_events, r.revenue)
        for r in g.itertuples()
    )  # fmt: skip
    assert sorted(got) == want
    assert ("skipped_total_row",) in {(f[0],) for f in findings(ws)}


def test_registered_property_supplies_the_currency(ws, tmp_path):
    register = tmp_path / "accounts_register.csv"
    register.write_text(
        "platform,handle,name,market,currency,timezone,kind\n"
        "web,voltiq.com,Voltiq web,US,EUR,America/Chicago,brand\n"
    )
    ws.import_files([register])
    folder = tmp_path / "ga4" / "@voltiq.com"
    folder.mkdir(parents=True)
    f = folder / REPORT_EN.name
    f.write_bytes(REPORT_EN.read_bytes())
    [res] = ws.import_files([f])
    assert res.source == "ga4"
    assert ws.store.raw.execute("SELECT DISTINCT currency FROM traffic_daily").fetchall() == [
        ("EUR",)
    ]


def test_dates_without_year_take_the_banners_year(ws, tmp_path):
    f = tmp_path / "re_saved.csv"
    f.write_text(
        "# Start date: 20241201\n# End date: 20241231\n"
        "Date,Session source / medium,Sessions\nDec 24,google / organic,9\n"
    )
    ws.import_files([f])
    assert ws.store.raw.execute("SELECT metric_date, sessions FROM traffic_daily").fetchall() == [
        (dt.date(2024, 12, 24), 9)
    ]
    g = tmp_path / "no_banner.csv"
    g.write_text("Date,Session source / medium,Sessions\nDec 24,google / organic,9\n")
    with pytest.raises(ImportFailed) as e:
        ws.import_files([g], platform="ga4", report="report")
    assert (e.value.row, e.value.column) == (2, "Date") and "--year" in e.value.hint
    ws.import_files([g], platform="ga4", report="report", year=2023)
    assert ws.store.count("traffic_daily") == 2


# -- the Parquet export flattened in DuckDB, the same as in Arrow ---------------------------


def _parquet_variant(tmp_path, edit):
    """The fixture's Parquet events with `edit(rows)` applied (same schema unless it says)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(EVENTS_PARQUET)
    rows = table.to_pylist()
    schema = edit(rows) or table.schema
    out = tmp_path / "events_variant.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), out)
    return out


def _param(row, key, **value):
    row["event_params"] = [p for p in row["event_params"] if p["key"] != key]
    full = {"string_value": None, "int_value": None, "float_value": None, "double_value": None}
    row["event_params"].insert(0, {"key": key, "value": full | value})


def _double_location(rows):  # a text parameter given only as a number: Arrow's rendering
    _param(rows[2], "page_location", double_value=12.0)


def _spaced_value(rows):  # a value with spaces around its digits: Arrow refuses the column
    _param(rows[4], "value", string_value=" 12 ")


def _string_session(rows):  # ga_session_id as text, a duplicate key after it, placeholders
    _param(rows[0], "ga_session_id", string_value="1736300000")
    rows[0]["event_params"].append(
        {
            "key": "ga_session_id",
            "value": {
                "string_value": "999",
                "int_value": None,
                "float_value": None,
                "double_value": None,
            },
        }
    )
    rows[1]["user_id"] = "(not set)"
    rows[3]["geo"] = None


def _timestamp_as_text(rows):  # another type than the events_* layout's: Arrow casts it
    import pyarrow as pa
    import pyarrow.parquet as pq

    for r in rows:
        r["event_timestamp"] = str(r["event_timestamp"])
    schema = pq.read_schema(EVENTS_PARQUET)
    i = schema.get_field_index("event_timestamp")
    return schema.set(i, pa.field("event_timestamp", pa.string()))


@pytest.mark.parametrize(
    "edit, in_duckdb",
    [(None, True), (_string_session, True), (_double_location, False), (_spaced_value, False),
     (_timestamp_as_text, False)],
)  # fmt: skip
def test_parquet_events_flatten_in_duckdb_as_in_arrow(tmp_path, monkeypatch, edit, in_duckdb):
    from socialroi.sources.base import Context, ImportOptions, InputFile
    from socialroi.sources.ga4 import bigquery

    path = _parquet_variant(tmp_path, edit) if edit else EVENTS_PARQUET
    used = []
    real = bigquery._load_in_duckdb
    monkeypatch.setattr(bigquery, "_load_in_duckdb",
                        lambda *a: used.append(n := real(*a)) or n)  # fmt: skip

    def parse():
        ctx = Context(InputFile.from_path(path), ImportOptions(currency="EUR"))
        try:
            out = bigquery.parse(ctx.file, ctx)
        except Exception as exc:  # noqa: BLE001 - both ways must fail alike
            return type(exc).__name__, None, None
        return out, ctx.findings, ctx.rows_read

    fast = parse()
    assert (used[-1] is not None) == in_duckdb
    monkeypatch.setattr(bigquery, "flatten_sql", lambda *a: None)  # Arrow's flattening
    slow = parse()
    assert fast[1:] == slow[1:]
    if isinstance(fast[0], str):
        assert fast[0] == slow[0]
        return
    assert fast[0].keys() == slow[0].keys()
    for t in fast[0]:
        assert fast[0][t].equals(slow[0][t]), t


def test_sessions_grouped_in_passes_equal_one_pass(monkeypatch):
    """A large month is grouped into sessions in passes by visitor (`SESSION_PASS_EVENTS`):
    every visitor's events fall in one pass, so the sessions and conversions are the same."""
    from socialroi.sources.base import Context, ImportOptions, InputFile
    from socialroi.sources.ga4 import bigquery

    def parse():
        ctx = Context(InputFile.from_path(EVENTS_PARQUET), ImportOptions(currency="EUR"))
        out = bigquery.parse(ctx.file, ctx)
        return {t: out[t].sort_by(out[t].column_names[0]) for t in out}, ctx.findings

    one = parse()
    monkeypatch.setattr(bigquery, "SESSION_PASS_EVENTS", 2)  # six passes over the fixture
    several = parse()
    assert several[1] == one[1]
    for t in one[0]:
        assert several[0][t].equals(one[0][t]), t
    assert one[0]["touchpoints"].num_rows > 1


def test_a_month_out_of_memory_on_its_threads_is_grouped_again_on_one(ws, monkeypatch):
    """Every month, however large, is parsed on the threads the run gives it (its grouping is
    bounded by passes); one whose parallel grouping still runs out of the run's memory is read
    again on one thread, with the first attempt's findings dropped, and stores what a parse
    that never ran out stores."""
    import duckdb

    from socialroi.sources.ga4 import bigquery

    real, given = bigquery._parse, []

    def short_of_memory_once(file, ctx, threads: int | None):
        given.append(threads)
        if len(given) == 1:
            ctx.finding("no_session_id", "from the attempt that ran out of memory", rows=1)
            raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")
        return real(file, ctx, threads=threads)

    monkeypatch.setattr(bigquery, "_parse", short_of_memory_once)
    [res] = ws.import_files([EVENTS_PARQUET])
    assert given == [None, 1]  # the run's threads first (none set: the connection's own)
    assert res.tables == {"touchpoints": 4, "conversions": 4}
    _check_events(ws, res.batch_id)  # the findings of one parse, not two
