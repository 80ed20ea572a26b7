"""Shopify Admin GraphQL orders synced against the fake: cursor paging, cost throttling, bulk
operations for backfills, faults, and `connect` + `sync` equal to importing the orders export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from click.testing import CliRunner

from socialroi import Workspace
from socialroi.deliver.cli.main import main
from socialroi.measure.roi import roi
from socialroi.store import connections as conns
from socialroi.sync import connect as connecting
from socialroi.sync.run import sync
from tests.fakes.shopify import FakeShopify
from tests.sources import api_kit
from tests.sync.conftest import config_dir as config_dir  # noqa: F401 - the fixture

SHOP = "voltiq.myshopify.com"
PURCHASES = 39  # 40 orders, one cancelled


SRC = api_kit.SOURCES["shopify"]
shop = SRC.fixture("shop")
opts, connected = SRC.opts, SRC.connected
SINCE, UNTIL = SRC.since, SRC.until


def _one(ws: Workspace, sql: str):
    return ws.store.raw.execute(sql).fetchone()


def test_orders_page_by_cursor_and_land_as_purchases(shop, tmp_path):
    ws = connected(tmp_path)
    [res] = sync(ws, ["shopify"], opts())
    assert res.status == "ok", res.error
    calls = [json.loads(c.body) for c in shop.fake.calls(r"graphql\.json$")]
    pages = [c["variables"]["after"] for c in calls if "Orders" in c["query"]]
    assert pages == [None, "15", "30"]
    assert all(c.headers["x-shopify-access-token"] == "shpat_good" and c.bearer is None
               for c in shop.fake.calls(r"graphql\.json$"))  # fmt: skip
    got = _one(ws, "SELECT count(*), count(DISTINCT order_id), min(currency) FROM conversions")
    assert got == (PURCHASES, PURCHASES, "USD")
    # the conversion id is the order's numeric id, as in an export with the Id column
    assert _one(ws, "SELECT conversion_id FROM conversions WHERE order_id = '5800000000001'") == (
        "shopify:5800000000001:purchase",)  # fmt: skip
    # Created at in the shop's clock (Shanghai): 2026-03-01 20:15 UTC is March 2nd there
    got = _one(ws, "SELECT local_date FROM conversions WHERE order_id = '5800000000001'")
    assert str(got[0]) == "2026-03-02"
    # landing and referrer data become touchpoints with UTM and click ids
    got = _one(ws, "SELECT source, medium, campaign, click_id_type FROM touchpoints "
                   "WHERE touch_id = 'shopify_landing:5800000000000'")  # fmt: skip
    assert got == ("facebook", "paid_social", "spring_sale", "fbclid")
    assert _one(ws, "SELECT source, medium FROM conversions WHERE order_id = '5800000000021'") == (
        "tiktok",
        "shop",
    )  # fmt: skip  (sold on TikTok Shop)
    # line items: the total is the order's, not one line's
    assert _one(ws, "SELECT value FROM conversions WHERE order_id = '5800000000001'") == (115.9,)


def test_the_lag_window_re_reads_updated_orders(shop, tmp_path):
    ws = connected(tmp_path)
    sync(ws, ["shopify"], opts())
    # an order edited a day after the last sync (an item added) moves its updated_at
    shop.orders[30]["totalPriceSet"]["shopMoney"]["amount"] = "199.00"
    shop.orders[30]["updatedAt"] = "2026-04-01T08:00:00Z"
    today = dt.date(2026, 4, 1)
    [res] = sync(ws, ["shopify"], opts(since=None, until=today, today=today))
    assert res.window == "2026-03-29..2026-04-01"  # 3 days of lag up to today
    assert res.records == 1 and (res.new, res.changed) == (0, 1)
    got = _one(ws, "SELECT value FROM conversions WHERE order_id = '5800000000030'")
    assert got == (199.0,)
    assert conns.cursor(ws.store, "shopify", "voltiq", "orders") == today


def test_cost_throttling_waits_for_the_bucket_to_refill(shop, tmp_path):
    ws = connected(tmp_path)
    waits: list[float] = []
    shop.throttle = 2
    shop.available = 500.0
    [res] = sync(ws, ["shopify"], opts(sleep=waits.append))
    assert res.status == "ok", res.error
    # THROTTLED twice: (752 - 500) / 100 per second = 2.52 s each; then the low bucket paces
    assert waits[:2] == [2.52, 2.52]
    assert len([w for w in waits if w == 2.52]) >= 3


def test_a_long_window_runs_as_a_bulk_operation(shop, tmp_path):
    ws = connected(tmp_path)
    [res] = sync(ws, ["shopify"], opts(since=dt.date(2026, 1, 1)))
    assert res.status == "ok", res.error
    assert res.records == 40
    assert len(shop.bulk_queries) == 1 and "lineItems { edges" in shop.bulk_queries[0]
    # the signed download carries no token
    [dl] = shop.fake.calls(r"results\.jsonl$")
    assert "x-shopify-access-token" not in dl.headers and dl.query["X-Goog-Signature"] == "abc"
    assert _one(ws, "SELECT count(*) FROM conversions")[0] == PURCHASES
    assert _one(ws, "SELECT value FROM conversions WHERE order_id = '5800000000001'") == (115.9,)


def test_a_bulk_and_a_paged_read_store_the_same(shop, tmp_path):
    a = connected(tmp_path)
    sync(a, ["shopify"], opts())
    b = Workspace.open(tmp_path / "b.duckdb", base_currency="USD")
    connecting.connect_token(b, "shopify", "shpat_good", ["voltiq"])
    sync(b, ["shopify"], opts(since=dt.date(2026, 1, 1)))
    frames = [w.table("conversions").execute().drop(columns=["batch_id"])
              .sort_values("conversion_id").reset_index(drop=True) for w in (a, b)]  # fmt: skip
    pd.testing.assert_frame_equal(*frames)


def test_a_failed_bulk_operation_stores_nothing(shop, tmp_path):
    ws = connected(tmp_path)
    orig = shop._graphql

    def failing(req):
        if "Poll" in json.loads(req.body)["query"]:
            return {"data": {"node": {"id": "x", "status": "FAILED", "errorCode": "TIMEOUT"}}}
        return orig(req)

    shop.fake.routes[0] = (shop.fake.routes[0][0], shop.fake.routes[0][1], failing)
    [res] = sync(ws, ["shopify"], opts(since=dt.date(2026, 1, 1)))
    assert res.status == "failed" and "FAILED (TIMEOUT)" in res.error
    assert _one(ws, "SELECT count(*) FROM conversions")[0] == 0


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"<html>", "not JSON"),
        ({"data": {"orders": {"edges": []}}}, "no orders.nodes and pageInfo"),
        ({"errors": [{"message": "Field 'bogus' doesn't exist on type 'Order'"}]},
         "Field 'bogus' doesn't exist"),
        ({"data": {"orders": {"nodes": [{"name": 5}], "pageInfo": {"hasNextPage": False}}}},
         "no name and id"),
    ],
)  # fmt: skip
def test_a_malformed_page_stores_nothing(shop, tmp_path, body, says):
    ws = connected(tmp_path)
    calls = {"n": 0}
    orig = shop._graphql

    def broken(req):
        calls["n"] += 1
        if "Orders" in json.loads(req.body)["query"] and calls["n"] > 2:
            from tests.fakes.server import Reply

            return Reply(200, body)
        return orig(req)

    shop.fake.routes[0] = (shop.fake.routes[0][0], shop.fake.routes[0][1], broken)
    [res] = sync(ws, ["shopify"], opts())
    assert res.status == "failed" and says in res.error, res.error
    assert "shopify/orders" in res.error
    assert _one(ws, "SELECT count(*) FROM conversions")[0] == 0
    assert conns.cursor(ws.store, "shopify", "voltiq", "orders") is None


def test_a_refused_token_names_the_fix(shop, tmp_path):
    ws = connected(tmp_path, token="shpat_revoked")
    [res] = sync(ws, ["shopify"], opts())
    assert res.status == "failed" and "socialroi connect shopify" in res.error
    assert "shpat_revoked" not in res.error
    assert conns.get_connection(ws.store, "shopify").health == "expired"


def test_an_order_without_email_keeps_its_customer(shop, tmp_path):
    shop.orders[7]["customer"] = {"legacyResourceId": "7000099"}
    ws = connected(tmp_path)
    sync(ws, ["shopify"], opts())
    got = _one(ws, "SELECT customer_id FROM conversions WHERE order_id = '5800000000007'")
    assert got == ("shopify:7000099",)


# -- the same orders as the export -----------------------------------------------------------

HEADER = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Currency",
          "Subtotal", "Shipping", "Taxes", "Total", "Created at", "Lineitem quantity",
          "Lineitem name", "Lineitem price", "Billing Country", "Shipping Country",
          "Cancelled at", "Refunded Amount", "Id", "Note Attributes", "Source", "Landing Site",
          "Referring Site"]  # fmt: skip


def orders_csv(shop: FakeShopify) -> str:
    """The orders as Admin > Orders > Export writes them (one row per line item, order fields
    on the first row, times in the shop's clock with its offset; Landing Site / Referring Site
    as apps add them)."""
    tz = ZoneInfo(shop.shop["ianaTimezone"])

    def local(v):
        if not v:
            return ""
        return dt.datetime.fromisoformat(v.replace("Z", "+00:00")).astimezone(tz).strftime(
            "%Y-%m-%d %H:%M:%S %z")  # fmt: skip

    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(HEADER)
    for o in shop.orders:
        visit = (o["customerJourneySummary"] or {}).get("firstVisit") or {}
        attrs = "\n".join(f"{a['key']}: {a['value']}" for a in o["customAttributes"])
        app = (o["channelInformation"] or {}).get("app", {}).get("title")
        for k, item in enumerate(o["lineItems"]["nodes"]):
            price = item["originalUnitPriceSet"]["shopMoney"]["amount"]
            if k == 0:
                w.writerow([o["name"], o["email"] or "", o["displayFinancialStatus"].lower(),
                            "", "fulfilled", "USD", "", "4.90", "0.00",
                            o["totalPriceSet"]["shopMoney"]["amount"], local(o["createdAt"]),
                            item["quantity"], item["name"], price, o["billingAddress"]["countryCodeV2"],
                            o["shippingAddress"]["countryCodeV2"], local(o["cancelledAt"]),
                            o["totalRefundedSet"]["shopMoney"]["amount"], o["legacyResourceId"],
                            attrs, app or "web", visit.get("landingPage") or "",
                            visit.get("referrerUrl") or ""])  # fmt: skip
            else:
                w.writerow([o["name"], o["email"] or ""] + [""] * 9
                           + [item["quantity"], item["name"], price] + [""] * 9)  # fmt: skip
    return out.getvalue()


def _table(ws: Workspace, t: str, key: str) -> pd.DataFrame:
    return ws.table(t).execute().drop(columns=["batch_id"]).sort_values(key).reset_index(drop=True)


def test_connect_then_sync_equals_the_file_import(shop, tmp_path):
    path = tmp_path / "orders_export_1.csv"
    path.write_text(orders_csv(shop))
    run = CliRunner().invoke
    f, a = str(tmp_path / "files.duckdb"), str(tmp_path / "api.duckdb")
    for w in (f, a):
        assert run(main, ["init", "-w", w, "--base-currency", "EUR"]).exit_code == 0
    got = run(main, ["import", "-w", f, str(path)])
    assert got.exit_code == 0, got.output
    got = run(main, ["connect", "shopify", "-w", a, "--token", "shpat_good", "--account", SHOP])
    assert got.exit_code == 0, got.output
    assert "shpat_good" not in got.output
    got = run(main, ["sync", "shopify", "-w", a, "--since", "2026-03-01", "--until",
                     "2026-03-31"])  # fmt: skip
    assert got.exit_code == 0, got.output
    assert f"shopify/orders {SHOP} 2026-03-01..2026-03-31: 68 new" in got.output  # 39 + 29
    with Workspace.open(f) as wf, Workspace.open(a) as wa:
        pd.testing.assert_frame_equal(_table(wf, "conversions", "conversion_id"),
                                      _table(wa, "conversions", "conversion_id"))  # fmt: skip
        pd.testing.assert_frame_equal(_table(wf, "touchpoints", "touch_id"),
                                      _table(wa, "touchpoints", "touch_id"))  # fmt: skip
        r = [roi(w, "2026-03", by=("platform",)).with_totals().reset_index(drop=True)
             for w in (wf, wa)]  # fmt: skip
        pd.testing.assert_frame_equal(*r)
        assert _table(wa, "conversions", "conversion_id")["value_base"].sum() > 0
        kinds = {
            k for (k,) in wa.store.raw.execute("SELECT DISTINCT kind FROM dq_findings").fetchall()
        }
        assert {"cancelled_order", "refunded_order", "tiktok_shop_order"} <= kinds


def test_an_answer_of_an_unexpected_shape_fails_the_stream_not_the_sync(shop, tmp_path):
    ws = connected(tmp_path)
    shop.fake.fault(r"graphql\.json$", status=200, body={"data": {}, "extensions": ["cost"]})
    [res] = sync(ws, ["shopify"], opts())
    assert res.status == "failed" and "unexpected shape" in res.error, res.error
    assert _one(ws, "SELECT count(*) FROM conversions")[0] == 0
