"""Salesforce opportunities report export, through the real workspace."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from socialroi.demo.world import COLUMNS, DemoWorld
from socialroi.errors import ImportFailed
from socialroi.model.aliases import ALIASES, LANGUAGES
from socialroi.model.currencies import ecb_rate
from tests.conftest import FIXTURES, table_totals

SF = FIXTURES / "salesforce"
REPORT = SF / "opportunities_report.csv"
UTC = dt.UTC
SQL = (
    "SELECT conversion_id, kind, occurred_at, local_date, customer_id, order_id, value, currency, "
    "market, source, medium, channel, origin FROM conversions ORDER BY local_date, conversion_id"
)


def ts(*a):
    return dt.datetime(*a, tzinfo=UTC)


ACME = ("salesforce:account:acme corp", "0065g00000AcmeAAA")
GLOBEX = ("salesforce:account:globex gmbh", "0065g00000GlobAAA")
EXPECTED = [
    ("salesforce:0065g00000AcmeAAA:opportunity", "opportunity", ts(2025, 1, 15),
     dt.date(2025, 1, 15), *ACME, 12500.0, "USD", "US", "linkedin", "social", "Organic Social",
     "salesforce"),
    ("salesforce:0065g00000UmbrAAA:opportunity", "opportunity", ts(2025, 1, 20),
     dt.date(2025, 1, 20), "salesforce:account:umbrella corp", "0065g00000UmbrAAA", None, None,
     "CA", "trade show", "offline", "Unmapped", "salesforce"),
    ("salesforce:0065g00000GlobAAA:opportunity", "opportunity", ts(2025, 1, 28),
     dt.date(2025, 1, 28), *GLOBEX, 8400.0, "EUR", "DE", "partner", "referral", "Referral",
     "salesforce"),
    ("salesforce:0065g00000InitAAA:opportunity", "opportunity", ts(2025, 2, 1),
     dt.date(2025, 2, 1), "salesforce:account:initech", "0065g00000InitAAA", 3000.0, "USD", "US",
     "web", None, "Unmapped", "salesforce"),
    ("salesforce:0065g00000AcmeAAA:won", "won", ts(2025, 2, 20), dt.date(2025, 2, 20), *ACME,
     12500.0, "USD", "US", "linkedin", "social", "Organic Social", "salesforce"),
    ("salesforce:0065g00000GlobAAA:won", "won", ts(2025, 3, 3), dt.date(2025, 3, 3), *GLOBEX,
     8400.0, "EUR", "DE", "partner", "referral", "Referral", "salesforce"),
]  # fmt: skip


def all_empty(ws):
    return all(ws.store.count(t) == 0 for t in ("conversions", "import_batches", "dq_findings"))


def test_every_salesforce_field_has_english_spanish_and_chinese_names():
    import socialroi.sources.salesforce  # noqa: F401 - registers the aliases

    for field, by_lang in ALIASES[("salesforce", "opportunities")].items():
        assert all(by_lang.get(lang) for lang in LANGUAGES), field


def test_report_to_opportunity_and_won_conversions(ws):
    [res] = ws.import_files([REPORT])
    assert (res.source, res.report, res.rows_read, res.rows_skipped) == (
        "salesforce", "opportunities", 5, 5)  # fmt: skip
    assert ws.store.raw.execute(SQL).fetchall() == EXPECTED
    eur = ws.store.raw.execute(
        "SELECT value_base FROM conversions WHERE conversion_id LIKE '%Glob%:won'"
    ).fetchone()[0]
    assert eur == pytest.approx(8400 * ecb_rate("USD", dt.date(2025, 3, 3))[0])
    f = ws.store.raw.execute(
        "SELECT kind, row_number, value, rows FROM dq_findings ORDER BY finding_no"
    ).fetchall()
    assert f[:2] == [
        ("skipped_total_row", 7, "Grand Totals (4 records)", 1),
        ("skipped_footer", 9, "Confidential Information - Do Not Distribute", 4),
    ]
    assert {r[0] for r in f[2:]} == {"unmapped_channel"}


@pytest.mark.parametrize("name", ["opportunities_report_es.csv", "opportunities_report_zh.xlsx"])
def test_localised_reports_import_to_the_same_values(ws, name):
    [res] = ws.import_files([SF / name])
    assert (res.source, res.report) == ("salesforce", "opportunities")
    assert ws.store.raw.execute(SQL).fetchall() == EXPECTED


def test_timezone_places_dates_at_local_midnight(ws):
    ws.import_files([REPORT], timezone="Asia/Shanghai")
    row = ws.store.raw.execute(
        "SELECT occurred_at, local_date FROM conversions "
        "WHERE conversion_id = 'salesforce:0065g00000AcmeAAA:won'"
    ).fetchone()
    assert row == (ts(2025, 2, 19, 16), dt.date(2025, 2, 20))


def test_reimport_unchanged_and_later_report_updates(ws, tmp_path):
    ws.import_files([REPORT])
    before = table_totals(ws)
    assert ws.import_files([REPORT])[0].status == "unchanged"
    assert table_totals(ws) == before
    later = tmp_path / "opportunities_later.csv"
    later.write_bytes(
        REPORT.read_bytes().replace(
            b'"Negotiation/Review","USD","3,000.00","70","2/1/2025","3/31/2025","Web",'
            b'"New Customer","0","0"',
            b'"Closed Won","USD","3,250.00","100","2/1/2025","3/28/2025","Web",'
            b'"New Customer","1","1"',
        )
    )
    [res] = ws.import_files([later])
    assert ws.store.count("conversions") == 7
    assert ws.store.raw.execute(
        "SELECT local_date, value, batch_id FROM conversions "
        "WHERE conversion_id = 'salesforce:0065g00000InitAAA:won'"
    ).fetchone() == (dt.date(2025, 3, 28), 3250.0, res.batch_id)


def test_report_without_ids_or_currency_column(ws, tmp_path):
    f = tmp_path / "opps.csv"
    f.write_text(
        '"Opportunity Name","Account Name","Stage","Amount","Created Date","Close Date"\n'
        '"Deal A","Alpha","Closed Won","USD 1,000.00","3/2/2025","3/20/2025"\n'
        '"Deal B","Beta","Closed Won","2,000.00","3/4/2025","3/21/2025"\n'
    )
    with pytest.raises(ImportFailed) as e:
        ws.import_files([f])
    assert e.value.row == 3 and "--currency" in e.value.hint
    assert all_empty(ws)
    ws.import_files([f], currency="GBP")
    rows = ws.store.raw.execute(
        "SELECT order_id, value, currency FROM conversions WHERE kind = 'won' ORDER BY value"
    ).fetchall()
    assert [(v, c) for _, v, c in rows] == [(1000.0, "USD"), (2000.0, "GBP")]
    assert all(o.startswith("row-") for o, _, _ in rows)
    kinds = [r[0] for r in ws.store.raw.execute("SELECT kind FROM dq_findings").fetchall()]
    assert "no_opportunity_id" in kinds


@pytest.mark.parametrize(
    "old, new, row, column",
    [
        (b'"1/28/2025"', b'"someday"', 3, "Created Date"),
        (b'"12,500.00"', b'"lots"', 2, "Amount"),
        (b'"Closed Won","EUR","8,400.00","100","1/28/2025","3/3/2025","Partner Referral",'
         b'"New Customer","1"',
         b'"Closed Won","EUR","8,400.00","100","1/28/2025","3/3/2025","Partner Referral",'
         b'"New Customer","maybe"', 3, "Won"),
    ],
)  # fmt: skip
def test_broken_report_fails_and_stores_nothing(ws, tmp_path, old, new, row, column):
    data = REPORT.read_bytes()
    assert old in data
    f = tmp_path / "opportunities_report.csv"
    f.write_bytes(data.replace(old, new, 1))
    with pytest.raises(ImportFailed) as e:
        ws.import_files([f])
    assert (e.value.row, e.value.column) == (row, column)
    assert all_empty(ws)


# -- demo writer ---------------------------------------------------------------------------


def _world(language):
    d = dt.date
    opps = pd.DataFrame([
        ("006A1", "Acme - chargers", "Acme Corp", "Jane", "Closed Won", 12500.0, "USD", 100,
         d(2025, 1, 15), d(2025, 2, 20), "LinkedIn", "New Customer", True, True, "US"),
        ("006A2", "Beta - cables", "Beta GmbH", "Max", "Closed Won", 1234.5, "EUR", 100,
         d(2025, 1, 3), d(2025, 1, 30), "Partner Referral", "New Customer", True, True, "DE"),
        ("006A3", "Gamma - pilot", "Gamma", "Jane", "Prospecting", None, "USD", 10,
         d(2025, 2, 13), d(2025, 6, 30), "Web", "New Customer", False, False, "MX"),
    ], columns=list(COLUMNS["opportunities"]))  # fmt: skip
    accounts = pd.DataFrame(
        [("crm:salesforce-voltiq", "crm", "salesforce-voltiq", "00D5g", "Voltiq Enterprise", "US",
          "USD", "UTC", "crm", language)],
        columns=list(COLUMNS["accounts"]),
    )  # fmt: skip
    return DemoWorld(1, "tiny", d(2025, 1, 1), d(2025, 12, 31),
                     frames={"opportunities": opps, "accounts": accounts})  # fmt: skip


@pytest.mark.parametrize("language", ["en", "es", "zh"])
def test_demo_writer_round_trips_the_world(ws, tmp_path, language):
    from socialroi.demo.writers import salesforce

    world = _world(language)
    [path] = salesforce.write(world, tmp_path / "out")
    assert path.parent.name == "@salesforce-voltiq" and path.stem == "opportunities_report"
    [res] = ws.import_files([path])
    assert (res.source, res.report) == ("salesforce", "opportunities")
    got = ws.store.raw.execute(
        "SELECT order_id, kind, local_date, value, currency, market, customer_id FROM conversions "
        "ORDER BY order_id, kind"
    ).fetchall()
    want = []
    for r in world["opportunities"].itertuples():
        cust = f"salesforce:account:{r.account_name.lower()}"
        if r.is_won:
            want.append((r.opportunity_id, "won", r.close_date, r.amount, r.currency, r.country,
                         cust))  # fmt: skip
        amount = (r.amount, r.currency) if r.amount == r.amount else (None, None)  # NaN: none
        want.append((r.opportunity_id, "opportunity", r.created_date, *amount, r.country, cust))
    assert got == sorted(want)
    kinds = {r[0] for r in ws.store.raw.execute("SELECT kind FROM dq_findings").fetchall()}
    assert {"skipped_total_row", "skipped_footer"} <= kinds
