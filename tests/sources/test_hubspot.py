"""HubSpot contacts and deals exports, through the real workspace."""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import pytest

from socialroi.demo.world import COLUMNS, DemoWorld
from socialroi.errors import ImportFailed
from socialroi.model.aliases import ALIASES, LANGUAGES
from socialroi.model.currencies import ecb_rate
from tests.conftest import FIXTURES, table_totals

HS = FIXTURES / "hubspot"
NY = "America/New_York"
UTC = dt.UTC


def h(email):
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def ts(*a):
    return dt.datetime(*a, tzinfo=UTC)


CONTACT_SQL = (
    "SELECT conversion_id, kind, occurred_at, local_date, visitor_id, user_id, email_hash, "
    "customer_id, market, source, medium, campaign, referrer, channel, origin "
    "FROM conversions ORDER BY occurred_at, conversion_id"
)
ACME = ("1827364.1736330400", "hubspot:contact:51001", h("ana@acme.example"),
        "hubspot:company:acme corp", "US", "facebook", "paid_social", "spring_b2b", None,
        "Paid Social", "hubspot")  # fmt: skip
LI = (None, "hubspot:contact:51002", h("bo@shop.example"), "hubspot:company:li trading", "CN",
      "linkedin", "social", "b2b q1", None, "Organic Social", "hubspot")  # fmt: skip
NG = (None, "hubspot:contact:51003", h("cy@ng.example"), "hubspot:company:ng gmbh", "DE",
      "techradar.com", "referral", None, "https://techradar.com/", "Referral", "hubspot")  # fmt: skip
EXPECTED_CONTACTS = [
    ("hubspot:contact-51001:lead", "lead", ts(2025, 1, 6, 14, 12), dt.date(2025, 1, 6), *ACME),
    ("hubspot:contact-51002:lead", "lead", ts(2025, 1, 7, 16), dt.date(2025, 1, 7), *LI),
    ("hubspot:contact-51001:mql", "mql", ts(2025, 1, 8, 19), dt.date(2025, 1, 8), *ACME),
    ("hubspot:contact-51002:mql", "mql", ts(2025, 1, 9, 13), dt.date(2025, 1, 9), *LI),
    ("hubspot:contact-51003:lead", "lead", ts(2025, 1, 9, 23, 30), dt.date(2025, 1, 9), *NG),
    ("hubspot:contact-51001:sql", "sql", ts(2025, 1, 10, 15, 30), dt.date(2025, 1, 10), *ACME),
    ("hubspot:contact-51001:opportunity", "opportunity", ts(2025, 1, 15, 21, 45),
     dt.date(2025, 1, 15), *ACME),
]  # fmt: skip
DEAL_SQL = (
    "SELECT conversion_id, kind, occurred_at, local_date, user_id, email_hash, customer_id, "
    "order_id, value, currency FROM conversions ORDER BY occurred_at, conversion_id"
)
EXPECTED_DEALS = [
    ("hubspot:deal-9001:opportunity", "opportunity", ts(2025, 1, 15, 21, 45), dt.date(2025, 1, 15),
     "hubspot:contact:51001", h("ana@acme.example"), "hubspot:company:acme corp", "deal-9001",
     12500.0, "USD"),
    ("hubspot:deal-9002:opportunity", "opportunity", ts(2025, 1, 20, 14), dt.date(2025, 1, 20),
     "hubspot:contact:51002", h("bo@shop.example"), "hubspot:company:li trading", "deal-9002",
     3000.0, "USD"),
    ("hubspot:deal-9003:opportunity", "opportunity", ts(2025, 2, 1, 15), dt.date(2025, 2, 1), None,
     None, "hubspot:company:ng gmbh", "deal-9003", None, None),
    ("hubspot:deal-9001:won", "won", ts(2025, 2, 20, 15), dt.date(2025, 2, 20),
     "hubspot:contact:51001", h("ana@acme.example"), "hubspot:company:acme corp", "deal-9001",
     12500.0, "USD"),
]  # fmt: skip


def all_empty(ws):
    return all(ws.store.count(t) == 0 for t in ("conversions", "import_batches", "dq_findings"))


def test_every_hubspot_field_has_english_spanish_and_chinese_names():
    import socialroi.sources.hubspot  # noqa: F401 - registers the aliases

    for report in ("contacts", "deals"):
        for field, by_lang in ALIASES[("hubspot", report)].items():
            assert all(by_lang.get(lang) for lang in LANGUAGES), (report, field)


def test_contacts_stage_dates_become_conversions(ws):
    [res] = ws.import_files([HS / "contacts_export.csv"], timezone=NY)
    assert (res.source, res.report, res.rows_read, res.rows_loaded) == ("hubspot", "contacts", 4, 7)
    assert ws.store.raw.execute(CONTACT_SQL).fetchall() == EXPECTED_CONTACTS
    assert ws.store.raw.execute(
        'SELECT kind, row_number, "column", value FROM dq_findings'
    ).fetchall() == [("mangled_id", 5, "Record ID", "5.1005E+10")]


@pytest.mark.parametrize("name", ["contacts_export_es.xlsx", "contacts_export_zh.csv"])
def test_localised_contacts_import_to_the_same_values(ws, name):
    [res] = ws.import_files([HS / name], timezone=NY)
    assert (res.source, res.report) == ("hubspot", "contacts")
    assert ws.store.raw.execute(CONTACT_SQL).fetchall() == EXPECTED_CONTACTS


def test_contacts_without_timezone_are_read_as_utc_and_say_so(ws):
    [res] = ws.import_files([HS / "contacts_export.csv"])
    first = ws.store.raw.execute(
        "SELECT occurred_at FROM conversions WHERE conversion_id = 'hubspot:contact-51001:lead'"
    ).fetchone()[0]
    assert first == ts(2025, 1, 6, 9, 12)
    kinds = {r[0]: r for r in ws.store.raw.execute(
        'SELECT kind, row_number, "column", rows FROM dq_findings').fetchall()}  # fmt: skip
    assert kinds["assumed_utc"] == ("assumed_utc", 2, "Became a Lead Date", 7)


def test_deals_opportunity_and_won(ws):
    [res] = ws.import_files([HS / "deals_export.csv"], timezone=NY)
    assert (res.source, res.report, res.rows_read) == ("hubspot", "deals", 3)
    assert ws.store.raw.execute(DEAL_SQL).fetchall() == EXPECTED_DEALS
    base = ws.store.raw.execute("SELECT value_base FROM conversions WHERE kind = 'won'").fetchone()[
        0
    ]
    assert base == pytest.approx(12500.0)  # USD workspace


@pytest.mark.parametrize("name", ["deals_export_es.csv", "deals_export_zh.xlsx"])
def test_localised_deals_import_to_the_same_values(ws, name):
    ws.import_files([HS / name], timezone=NY)
    assert ws.store.raw.execute(DEAL_SQL).fetchall() == EXPECTED_DEALS


def test_reimport_unchanged_and_newer_export_updates(ws, tmp_path):
    ws.import_files([HS / "deals_export.csv"], timezone=NY)
    before = table_totals(ws)
    assert ws.import_files([HS / "deals_export.csv"], timezone=NY)[0].status == "unchanged"
    assert table_totals(ws) == before
    # Later, deal 9003 is won: the newer export adds its won row and keeps one opportunity.
    newer = tmp_path / "deals_export_later.csv"
    newer.write_text(
        (HS / "deals_export.csv").read_text().replace(
            "Contract Sent,Wholesale,-,EUR,2025-02-01 10:00,,", "Closed Won,Wholesale,800,EUR,"
            "2025-02-01 10:00,2025-03-03 09:00,").replace("Ng GmbH,false,false", "Ng GmbH,true,true")
    )  # fmt: skip
    [res] = ws.import_files([newer], timezone=NY)
    assert res.tables == {"conversions": 5}
    assert ws.store.count("conversions") == 5
    won = ws.store.raw.execute(
        "SELECT value, currency, value_base, batch_id FROM conversions "
        "WHERE conversion_id = 'hubspot:deal-9003:won'"
    ).fetchone()
    eur = ecb_rate("USD", dt.date(2025, 3, 3))[0]
    assert won[:2] == (800.0, "EUR") and won[2] == pytest.approx(800 * eur)
    assert won[3] == res.batch_id


def test_contacts_and_deals_are_told_apart(ws):
    results = ws.import_files([HS / "contacts_export.csv", HS / "deals_export.csv"], timezone=NY)
    assert [r.report for r in results] == ["contacts", "deals"]
    assert ws.store.count("conversions") == 11


@pytest.mark.parametrize(
    "name, old, new, row, column",
    [
        ("contacts_export.csv", "2025-01-08 14:00", "next tuesday", 2,
         "Became a Marketing Qualified Lead Date"),
        ("deals_export.csv", '"12,500.00"', "lots", 2, "Amount"),
        ("deals_export.csv", "2025-02-20 10:00", "", 2, "Close Date"),
        # a day that does not exist: refused with its cell, not a bare "day is out of range"
        ("contacts_export.csv", "2025-01-08 14:00", "2025-02-30 14:00", 2,
         "Became a Marketing Qualified Lead Date"),
        ("deals_export.csv", "2025-02-20 10:00", "2025-02-30", 2, "Close Date"),
        ("deals_export.csv", "Li Trading,false,true", "Li Trading,perhaps,true", 3,
         "Is Closed Won"),
    ],
)  # fmt: skip
def test_broken_exports_fail_and_store_nothing(ws, tmp_path, name, old, new, row, column):
    text = (HS / name).read_text()
    assert old in text
    f = tmp_path / name
    f.write_text(text.replace(old, new, 1))
    with pytest.raises(ImportFailed) as e:
        ws.import_files([f], timezone=NY)
    assert (e.value.row, e.value.column) == (row, column)
    assert all_empty(ws)


def test_won_deal_without_currency_needs_the_option(ws, tmp_path):
    f = tmp_path / "deals.csv"
    f.write_text(
        "Record ID,Deal Name,Deal Stage,Amount,Create Date,Close Date\n"
        "77,Big one,Closed Won,1000,2025-01-02,2025-01-30\n"
    )
    with pytest.raises(ImportFailed) as e:
        ws.import_files([f])
    assert e.value.row == 2 and "--currency" in e.value.hint
    ws.import_files([f], currency="MXN")
    assert ws.store.raw.execute(
        "SELECT local_date, value, currency FROM conversions WHERE kind = 'won'"
    ).fetchone() == (dt.date(2025, 1, 30), 1000.0, "MXN")


# -- demo writer ---------------------------------------------------------------------------


def _world(language):
    t = lambda s: pd.Timestamp(s, tz="UTC")  # noqa: E731
    d = dt.date
    contacts = pd.DataFrame([
        ("7001", "ana@acme.example", "Ana", "Ruiz", "Acme", "US", t("2025-01-06 14:12"),
         "opportunity", t("2025-01-06 14:12"), t("2025-01-08 19:00"), t("2025-01-10 15:30"),
         t("2025-01-15 21:45"), None, "Paid Social", "Facebook", None, None, None, "v1"),
        ("7002", "bo@li.example", "Bo", "Li", "Li Trading", "CN", t("2025-01-07 03:00"), "lead",
         t("2025-01-07 03:00"), None, None, None, None, "Organic Social", "LinkedIn", "linkedin",
         "social", "b2b q1", None),
        ("7003", "cy@ng.example", "Cy", "Ng", None, "DE", t("2025-01-09 10:00"), "subscriber",
         None, None, None, None, None, "Direct Traffic", None, None, None, None, None),
    ], columns=list(COLUMNS["contacts"]))  # fmt: skip
    deals = pd.DataFrame([
        ("9101", "Acme wholesale", "7001", "Acme", "Wholesale", "closedwon", t("2025-01-15 21:45"),
         t("2025-02-20 15:00"), 12500.0, "USD", "US", True, True),
        ("9102", "Li pilot", "7002", "Li Trading", "Wholesale", "appointmentscheduled",
         t("2025-01-20 14:00"), None, None, "USD", "CN", False, False),
    ], columns=list(COLUMNS["deals"]))  # fmt: skip
    accounts = pd.DataFrame(
        [("crm:hubspot-voltiq", "crm", "hubspot-voltiq", "4410021", "Voltiq HubSpot", "US", "USD",
          "America/Chicago", "crm", language)],
        columns=list(COLUMNS["accounts"]),
    )  # fmt: skip
    return DemoWorld(1, "tiny", d(2025, 1, 1), d(2025, 12, 31),
                     frames={"contacts": contacts, "deals": deals, "accounts": accounts})  # fmt: skip


@pytest.mark.parametrize("language", ["en", "es", "zh"])
def test_demo_writer_round_trips_the_world(ws, tmp_path, language):
    from socialroi.demo.writers import hubspot

    world = _world(language)
    paths = hubspot.write(world, tmp_path / "out")
    assert [p.stem for p in paths] == ["contacts_export", "deals_export"]
    assert all(p.parent.name == "@hubspot-voltiq" for p in paths)
    results = ws.import_files(paths, timezone="America/Chicago")
    assert [r.report for r in results] == ["contacts", "deals"]
    got = ws.store.raw.execute(
        "SELECT conversion_id, kind, occurred_at, visitor_id, email_hash, market, source, medium, "
        "campaign, value, currency FROM conversions ORDER BY conversion_id"
    ).fetchall()
    c = world["contacts"].set_index("contact_id")
    want = []
    for cid, r in c.iterrows():
        for col, kind in (("lead_date", "lead"), ("mql_date", "mql"), ("sql_date", "sql"),
                          ("opportunity_date", "opportunity")):  # fmt: skip
            if r[col] is not None and not pd.isna(r[col]):
                src = {"7001": ("facebook", "paid_social", None),
                       "7002": ("linkedin", "social", "b2b q1")}[cid]  # fmt: skip
                want.append((f"hubspot:contact-{cid}:{kind}", kind, r[col].to_pydatetime(),
                             r.visitor_id if isinstance(r.visitor_id, str) else None,
                             h(r.email), r.country, *src, None, None))  # fmt: skip
    want += [
        ("hubspot:deal-9101:opportunity", "opportunity", ts(2025, 1, 15, 21, 45), None,
         h("ana@acme.example"), "US", None, None, None, 12500.0, "USD"),
        ("hubspot:deal-9101:won", "won", ts(2025, 2, 20, 15), None, h("ana@acme.example"), "US",
         None, None, None, 12500.0, "USD"),
        ("hubspot:deal-9102:opportunity", "opportunity", ts(2025, 1, 20, 14), None,
         h("bo@li.example"), "CN", None, None, None, None, None),
    ]  # fmt: skip
    assert got == sorted(want)


def test_registered_portal_supplies_the_time_zone(ws, tmp_path):
    register = tmp_path / "accounts_register.csv"
    register.write_text(
        "platform,handle,name,market,currency,timezone,kind\n"
        f"crm,voltiq-hubspot,Voltiq HubSpot,US,USD,{NY},crm\n"
    )
    ws.import_files([register])
    folder = tmp_path / "hubspot" / "@voltiq-hubspot"
    folder.mkdir(parents=True)
    f = folder / "contacts_export.csv"
    f.write_bytes((HS / "contacts_export.csv").read_bytes())
    ws.import_files([f])
    assert ws.store.raw.execute(CONTACT_SQL).fetchall() == EXPECTED_CONTACTS
    kinds = {r[0] for r in ws.store.raw.execute("SELECT kind FROM dq_findings").fetchall()}
    assert "assumed_utc" not in kinds
