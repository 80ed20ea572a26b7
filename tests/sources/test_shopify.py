"""Shopify orders export, through the real workspace."""

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

SHOP = FIXTURES / "shopify"
EXPORT = SHOP / "orders_export_1.csv"
UTC = dt.UTC


def h(email):
    return hashlib.sha256(email.lower().encode()).hexdigest()


ANA, BO = h("ana@example.com"), h("bo@example.org")
CONV_SQL = (
    "SELECT conversion_id, kind, occurred_at, local_date, user_id, email_hash, customer_id, "
    "order_id, value, currency, market, is_new_customer, source, medium, campaign, referrer, "
    "landing_page, origin FROM conversions ORDER BY occurred_at"
)
LANDING = (
    "/products/gan-charger?utm_source=instagram&utm_medium=paid_social"
    "&utm_campaign=spring launch&fbclid=IwAR2x"
)
EXPECTED = [
    ("shopify:5610237001001:purchase", "purchase", dt.datetime(2025, 1, 8, 15, 15, tzinfo=UTC),
     dt.date(2025, 1, 8), f"shopify:email:{ANA[:32]}", ANA, f"shopify:email:{ANA[:32]}",
     "5610237001001", 59.5, "USD", "US", True, "instagram", "paid_social", "spring launch",
     "https://l.instagram.com/", LANDING, "shopify"),
    ("shopify:5610237001002:purchase", "purchase", dt.datetime(2025, 2, 1, 4, 30, tzinfo=UTC),
     dt.date(2025, 1, 31), f"shopify:email:{BO[:32]}", BO, f"shopify:email:{BO[:32]}",
     "5610237001002", 1250.0, "USD", "CA", True, None, None, None, None, None, "shopify"),
    ("shopify:#1003:purchase", "purchase", dt.datetime(2025, 2, 2, 14, 0, tzinfo=UTC),
     dt.date(2025, 2, 2), f"shopify:email:{ANA[:32]}", ANA, f"shopify:email:{ANA[:32]}",
     "5.61024E+12", 80.0, "USD", "US", False, None, None, None, None, None, "shopify"),
    ("shopify:5610237001005:purchase", "purchase", dt.datetime(2025, 2, 4, 20, 45, tzinfo=UTC),
     dt.date(2025, 2, 4), None, None, None, "5610237001005", 20.0, "USD", None, None, None, None,
     None, None, None, "shopify"),
]  # fmt: skip


def all_empty(ws):
    return all(ws.store.count(t) == 0 for t in ("conversions", "touchpoints", "accounts",
                                                 "import_batches", "dq_findings"))  # fmt: skip


def test_every_shopify_field_has_english_spanish_and_chinese_names():
    import socialroi.sources.shopify  # noqa: F401 - registers the aliases

    for field, by_lang in ALIASES[("shopify", "orders")].items():
        assert all(by_lang.get(lang) for lang in LANGUAGES), field


def test_orders_export_one_conversion_per_order(ws):
    [res] = ws.import_files([EXPORT])
    assert (res.source, res.report, res.rows_read, res.rows_skipped) == ("shopify", "orders", 6, 1)
    assert res.tables == {"conversions": 4, "touchpoints": 1}
    assert ws.store.raw.execute(CONV_SQL).fetchall() == EXPECTED
    touch = ws.store.raw.execute(
        "SELECT touch_id, occurred_at, local_date, user_id, email_hash, source, medium, campaign, "
        "click_id_type, click_id, referrer, landing_page, market, channel, origin, batch_id "
        "FROM touchpoints"
    ).fetchall()
    assert touch == [
        ("shopify_landing:5610237001001", dt.datetime(2025, 1, 8, 15, 15, tzinfo=UTC),
         dt.date(2025, 1, 8), f"shopify:email:{ANA[:32]}", ANA, "instagram", "paid_social",
         "spring launch", "fbclid", "IwAR2x", "https://l.instagram.com/", LANDING, "US",
         "Paid Social", "shopify_landing", res.batch_id),
    ]  # fmt: skip
    f = ws.store.raw.execute(
        'SELECT kind, row_number, "column", value, rows FROM dq_findings ORDER BY finding_no'
    ).fetchall()
    assert f == [
        ("mangled_id", 5, "Id", "5.61024E+12", 1),
        ("cancelled_order", 6, "Cancelled at", None, 1),
        ("refunded_order", 5, "Refunded Amount", None, 1),
        ("no_customer", None, None, None, 1),
    ]


@pytest.mark.parametrize("name", ["orders_export_es.csv", "orders_export_zh.csv"])
def test_localised_exports_import_to_the_same_values(ws, name):
    [res] = ws.import_files([SHOP / name])
    assert (res.source, res.report) == ("shopify", "orders")
    assert ws.store.raw.execute(CONV_SQL).fetchall() == EXPECTED


def test_reimport_unchanged_and_overlap_updates(ws, tmp_path):
    ws.import_files([EXPORT])
    before = table_totals(ws)
    assert ws.import_files([EXPORT])[0].status == "unchanged"
    assert table_totals(ws) == before
    # A later export with the same orders (one re-priced) replaces, never double counts.
    v2 = tmp_path / "orders_export_2.csv"
    v2.write_text(EXPORT.read_text().replace(",59.50,", ",61.00,"))
    [res] = ws.import_files([v2])
    assert res.status == "loaded" and ws.store.count("conversions") == 4
    assert ws.store.raw.execute(
        "SELECT value, batch_id FROM conversions WHERE order_id = '5610237001001'"
    ).fetchone() == (61.0, res.batch_id)


def test_landing_site_columns_and_base_currency(ws):
    [res] = ws.import_files([SHOP / "orders_landing_site.csv"], account="@voltiq-eu")
    conv = ws.store.raw.execute(
        "SELECT order_id, value, currency, value_base, market, is_new_customer, source, medium, "
        "campaign, referrer, channel FROM conversions ORDER BY order_id"
    ).fetchall()
    rate = ecb_rate("USD", dt.date(2025, 3, 3))[0]
    assert conv[2][:3] == ("5620000002003", 12.5, "EUR")
    assert conv[2][3] == pytest.approx(12.5 * rate)
    assert [c[5] for c in conv] == [True, True, False]
    assert conv[0][6:] == ("tiktok", "paid", "es_launch", "https://www.tiktok.com/", "Paid Social")
    touch = ws.store.raw.execute(
        "SELECT touch_id, source, click_id_type, click_id, referrer, landing_page, channel "
        "FROM touchpoints ORDER BY touch_id"
    ).fetchall()
    assert touch == [
        ("shopify_landing:5620000002001", "tiktok", "ttclid", "E.C.P.abc",
         "https://www.tiktok.com/",
         "/?utm_source=tiktok&utm_medium=paid&utm_campaign=es_launch&ttclid=E.C.P.abc",
         "Paid Social"),
        ("shopify_landing:5620000002002", None, None, None, "https://www.google.com/",
         "/collections/all", "Organic Search"),
    ]  # fmt: skip
    assert ws.store.raw.execute(
        "SELECT account_id, platform, kind, currency FROM accounts"
    ).fetchall() == [("shop:voltiq-eu", "shop", "shop", "EUR")]


@pytest.mark.parametrize(
    "old, new, row, column",
    [
        (",59.50,", ",59.5O,", 2, "Total"),
        ("2025-02-02 09:00:00 -0500", "yesterday", 5, "Created at"),
        (",USD,80.00,", ",DOLLARS,80.00,", 5, "Currency"),
    ],
)
def test_broken_export_fails_and_stores_nothing(ws, tmp_path, old, new, row, column):
    f = tmp_path / "orders_export_1.csv"
    text = EXPORT.read_text()
    assert old in text
    f.write_text(text.replace(old, new, 1))
    with pytest.raises(ImportFailed) as e:
        ws.import_files([f])
    assert (e.value.row, e.value.column) == (row, column)
    assert all_empty(ws)


def test_line_item_without_its_order_fails(ws, tmp_path):
    f = tmp_path / "orders.csv"
    f.write_text(
        "Name,Email,Financial Status,Currency,Total,Created at,Lineitem quantity,Lineitem name\n"
        "#9,x@y.z,,,,,1,Cable\n"
    )
    with pytest.raises(ImportFailed) as e:
        ws.import_files([f])
    assert e.value.row == 2 and "line-item" in e.value.problem
    assert all_empty(ws)


# -- demo writer ---------------------------------------------------------------------------


def _world(language):
    ts = lambda s: pd.Timestamp(s, tz="UTC")  # noqa: E731
    d = dt.date
    orders = pd.DataFrame([
        ("5001", "#5001", "c1", "Ana@x.com", ts("2025-01-08 02:20"), d(2025, 1, 8), "CNY", 300.0,
         10.0, 39.0, 349.0, "CN", "/?utm_source=tiktok&utm_medium=paid&ttclid=T1",
         "https://www.tiktok.com/", "v1", "s1", "Charger", 1, 200.0),
        ("5001", "#5001", "c1", "Ana@x.com", ts("2025-01-08 02:20"), d(2025, 1, 8), "CNY", 300.0,
         10.0, 39.0, 349.0, "CN", "/?utm_source=tiktok&utm_medium=paid&ttclid=T1",
         "https://www.tiktok.com/", "v1", "s1", "Cable", 2, 50.0),
        ("5002", "#5002", "c2", "bo@x.com", ts("2025-01-09 16:30"), d(2025, 1, 10), "CNY", 99.5,
         0.0, 0.0, 99.5, "CN", None, None, None, None, "Plug", 1, 99.5),
        ("5003", "#5003", "c1", "ana@x.com", ts("2025-02-01 03:00"), d(2025, 2, 1), "CNY", 1200.0,
         0.0, 0.0, 1200.0, "HK", "/p?utm_source=instagram&utm_medium=social&utm_campaign=cny",
         "https://l.instagram.com/", "v1", "s9", "Power Bank", 3, 400.0),
    ], columns=list(COLUMNS["orders"]))  # fmt: skip
    accounts = pd.DataFrame(
        [("shop:voltiq-cn", "shop", "voltiq-cn", None, "Voltiq CN", "CN", "CNY", "Asia/Shanghai",
          "shop", language)],
        columns=list(COLUMNS["accounts"]),
    )  # fmt: skip
    return DemoWorld(1, "tiny", d(2025, 1, 1), d(2025, 12, 31),
                     frames={"orders": orders, "accounts": accounts})  # fmt: skip


@pytest.mark.parametrize("language", ["en", "es", "zh"])
def test_demo_writer_round_trips_the_world(ws, tmp_path, language):
    from socialroi.demo.writers import shopify

    world = _world(language)
    [path] = shopify.write(world, tmp_path / "out")
    assert path.parent.name == "@voltiq-cn" and path.name == "orders_export_1.csv"
    [res] = ws.import_files([path])
    assert (res.source, res.report, res.rows_read) == ("shopify", "orders", 4)
    got = ws.store.raw.execute(
        "SELECT order_id, occurred_at, local_date, email_hash, value, currency, market, "
        "is_new_customer, source, medium, campaign, referrer FROM conversions ORDER BY order_id"
    ).fetchall()
    o = world["orders"].drop_duplicates("order_id")
    want = [
        (r.order_id, r.created_at.to_pydatetime(), r.local_date, h(r.email), r.total, r.currency,
         r.country)
        for r in o.itertuples()
    ]  # fmt: skip
    assert [g[:7] for g in got] == want
    assert [g[7] for g in got] == [True, True, False]
    assert [g[8:] for g in got] == [
        ("tiktok", "paid", None, "https://www.tiktok.com/"),
        (None, None, None, None),
        ("instagram", "social", "cny", "https://l.instagram.com/"),
    ]
    assert ws.store.raw.execute("SELECT sum(value) FROM conversions").fetchone()[
        0
    ] == pytest.approx(o["total"].sum())
    assert ws.store.count("touchpoints") == 2
    assert ws.store.raw.execute("SELECT account_id FROM accounts").fetchall() == [
        ("shop:voltiq-cn",)
    ]


# -- issue 10 item 1: a real orders export (tests/fixtures/shopify_real/make_fixtures.py) ------

REAL = FIXTURES / "shopify_real" / "orders_export_1.csv"


def test_real_export_groups_line_items_into_orders(ws):
    [res] = ws.import_files([REAL])
    assert (res.source, res.report, res.rows_read) == ("shopify", "orders", 12)
    got = ws.store.raw.execute(
        "SELECT order_id, occurred_at, local_date, value, currency, market, source, medium "
        "FROM conversions ORDER BY occurred_at"
    ).fetchall()
    assert got == [
        ("5610237010021", dt.datetime(2025, 6, 13, 16, 15, tzinfo=UTC), dt.date(2025, 6, 13),
         95.0, "USD", "US", None, None),
        ("5610237010022", dt.datetime(2025, 7, 1, 6, 40, tzinfo=UTC), dt.date(2025, 6, 30),
         120.0, "EUR", "DE", None, None),
        ("5610237010023", dt.datetime(2025, 7, 1, 15, 0, tzinfo=UTC), dt.date(2025, 7, 1),
         40.0, "GBP", "GB", None, None),
        ("5610237010025", dt.datetime(2025, 7, 4, 2, 5, tzinfo=UTC), dt.date(2025, 7, 3),
         62.5, "USD", "US", "tiktok", "shop"),
        ("5610237010026", dt.datetime(2025, 7, 4, 19, 0, tzinfo=UTC), dt.date(2025, 7, 4),
         50.0, "USD", "US", None, None),
    ]  # fmt: skip
    kinds = dict(
        ws.store.raw.execute("SELECT kind, rows FROM dq_findings ORDER BY kind").fetchall()
    )
    assert kinds == {"cancelled_order": 1, "refunded_order": 2, "tiktok_shop_order": 1}
    # the TikTok Shop sale is TikTok's: its channel comes from the channel rules
    assert ws.store.raw.execute(
        "SELECT channel FROM conversions WHERE order_id = '5610237010025'"
    ).fetchone() == ("Organic Social",)


def test_continuation_rows_in_any_position_of_the_order(ws, tmp_path):
    """A continuation row before the order row (a re-sorted sheet) still joins its order."""
    lines = REAL.read_text(encoding="utf-8-sig").splitlines()
    f = tmp_path / "orders_export_1.csv"
    f.write_text("\n".join([lines[0], lines[2], lines[1], *lines[3:]]) + "\n")
    [res] = ws.import_files([f])
    assert res.tables["conversions"] == 5
    assert ws.store.raw.execute(
        "SELECT value FROM conversions WHERE order_id = '5610237010021'"
    ).fetchone() == (95.0,)


def test_a_day_that_does_not_exist_is_refused_with_its_cell(ws, tmp_path):
    """Arrow's strptime reads 2025-02-30 as 2025-03-02; the export is refused instead, with
    the row, column and value (it used to end in a bare "day is out of range")."""
    f = tmp_path / "orders_export_1.csv"
    text = EXPORT.read_text()
    old = "2025-02-02 09:00:00 -0500"
    assert old in text
    f.write_text(text.replace(old, "2025-02-30 09:00:00 -0500", 1))
    with pytest.raises(ImportFailed) as e:
        ws.import_files([f])
    assert (e.value.row, e.value.column, e.value.value) == (5, "Created at",
                                                           "2025-02-30 09:00:00 -0500")  # fmt: skip
    assert "not a date" in e.value.problem
    assert all_empty(ws)


def test_an_order_row_with_an_empty_id_is_keyed_by_its_name(ws, tmp_path):
    """An export whose Id column is empty on one order row (orders created by an app, edited
    by hand) keys that order by its Name, as an export without the Id column does; it used to
    end in "boolean value of NA is ambiguous"."""
    f = tmp_path / "orders_export_1.csv"
    text = EXPORT.read_text()
    assert ",5610237001002," in text
    f.write_text(text.replace(",5610237001002,", ",,", 1))
    [res] = ws.import_files([f])
    assert res.status == "loaded"
    got = dict(
        ws.store.raw.execute(
            "SELECT conversion_id, order_id FROM conversions WHERE value = 1250"
        ).fetchall()
    )
    assert got == {"shopify:#1002:purchase": "#1002"}
