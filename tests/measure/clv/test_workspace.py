"""CLV on a workspace: customers, deduplicated orders, acquisition, historical and predictive
CLV (checked against lifetimes on the same transactions), and `socialroi clv`."""

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialroi import Workspace
from socialroi.deliver.cli.main import main
from socialroi.errors import UnknownName
from socialroi.measure.clv import load_cdnow_transactions
from socialroi.measure.clv.workspace import (
    CLVError,
    clv_by,
    customer_clv,
    customer_orders,
    group_customers,
    monthly_rate,
)
from socialroi.model.schema import TABLES
from socialroi.store.loader import upsert

T0 = pd.Timestamp("2026-07-01 12:00", tz="UTC")
Q3 = "2026-Q3"


def at(day):
    return T0 + pd.Timedelta(days=day)


def order(oid, day, value, customer, email, market, origin="shopify", **extra):
    row = {
        "conversion_id": f"{origin}:{oid}:purchase",
        "kind": "purchase",
        "occurred_at": at(day),
        "local_date": at(day).date(),
        "customer_id": customer,
        "user_id": customer,
        "email_hash": email,
        "order_id": oid,
        "value": value,
        "currency": "USD",
        "value_base": value,
        "market": market,
        "origin": origin,
        "batch_id": 1,
    }
    row.update(extra)
    return row


def ga4(oid, day, value, user, visitor, market):
    return order(oid, day, value, None, None, market, origin="ga4", user_id=user,
                 visitor_id=visitor)  # fmt: skip


def touch(i, day, platform, channel="Organic Social", visitor=None, user=None, email=None):
    return {
        "touch_id": f"t{i}",
        "occurred_at": at(day),
        "local_date": at(day).date(),
        "visitor_id": visitor,
        "user_id": user,
        "email_hash": email,
        "channel": channel,
        "channel_platform": platform,
        "paid": False,
        "origin": "ga4_event",
        "batch_id": 1,
    }


def load(ws, conversions, touches=()):
    with ws.store.transaction() as raw:
        if touches:
            upsert(raw, TABLES["touchpoints"], pa.Table.from_pylist(list(touches)))
        upsert(raw, TABLES["conversions"], pa.Table.from_pylist(list(conversions)))
    return ws


@pytest.fixture
def shop_ws(ws):
    """Known customers. A: two orders, the first also reported by GA4 (same order id), found
    through the GA4 visitor's instagram visit; C: first order in June (Shopify still flags its
    Q3 order as a new customer's); D: only a direct visit; E: no visit; F: two shop customer
    ids with one e-mail. GA4 also reports o9, an order the shop does not have, on a day the
    shop's export covers."""
    convs = [
        order("o1", 4, 100.0, "shop:A", "eA", "US"),
        ga4("o1", 4, 100.0, "71A", "vA", "US"),
        order("o2", 45, 50.0, "shop:A", "eA", "US"),
        order("o3", -30, 80.0, "shop:C", "eC", "DE"),
        order("o4", 10, 40.0, "shop:C", "eC", "DE", is_new_customer=True),
        order("o5", 20, 60.0, "shop:D", "eD", "FR"),
        order("o6", 40, 70.0, "shop:E", "eE", "GB"),
        order("o7", 50, 30.0, "shop:F1", "eF", "US"),
        order("o8", 60, 20.0, "shop:F2", "eF", "US"),
        ga4("o9", 55, 999.0, "71Z", "vZ", "US"),
        {**order("w1", 5, 5000.0, "crm:1", "eW", "US"), "kind": "won", "origin": "hubspot"},
    ]
    touches = [
        touch(1, 1, "tiktok", visitor="vA", user="71A"),
        touch(2, 2, "instagram", visitor="vA"),
        touch(3, 3, None, "Direct", visitor="vA"),
        touch(4, 19, None, "Direct", email="eD"),
        touch(5, 49, "linkedin", email="eF"),
        touch(6, 54, "x", visitor="vZ"),
        touch(7, -80, "youtube", email="eD"),  # outside D's 30-day lookback
    ]
    return load(ws, convs, touches)


def test_orders_are_deduplicated_and_customers_stitched(shop_ws):
    orders = customer_orders(shop_ws, pd.Timestamp("2026-09-30").date())
    assert sorted(orders.order_key) == ["o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8"]
    assert orders.attrs["web_only_orders_left_out"] == 1  # o9: GA4 only
    assert orders.attrs["purchase_rows"] == 10 and orders.attrs["anonymous_orders"] == 0
    by_order = orders.set_index("order_key")
    assert by_order.loc["o1", "value"] == 100.0  # counted once, not twice
    assert sorted(by_order.loc["o1", "conversion_ids"]) == [
        "ga4:o1:purchase", "shopify:o1:purchase",
    ]  # fmt: skip
    assert by_order.loc["o7", "customer_id"] == by_order.loc["o8", "customer_id"] == "shop:F1"


def test_orders_are_the_purchases_other_measures_count(shop_ws):
    from socialroi.journeys.conversions import unique_conversions

    cv = unique_conversions(shop_ws.table("conversions"))
    purchases = cv.filter(cv.kind == "purchase").execute()
    orders = customer_orders(shop_ws, pd.Timestamp("2026-09-30").date())
    assert sorted(orders.order_key) == sorted(purchases.order_id)
    assert orders.value.sum() == pytest.approx(purchases.value_base.sum())


def test_historical_clv_and_acquisition_by_hand(shop_ws):
    out = customer_clv(shop_ws, Q3, predict=False).set_index("customer_id")
    assert sorted(out.index) == ["shop:A", "shop:D", "shop:E", "shop:F1"]  # not C (June)
    assert out.orders.to_dict() == {"shop:A": 2, "shop:D": 1, "shop:E": 1, "shop:F1": 2}
    assert out.historical_clv.to_dict() == {
        "shop:A": 150.0, "shop:D": 60.0, "shop:E": 70.0, "shop:F1": 50.0,
    }  # fmt: skip
    assert out.revenue.to_dict() == out.historical_clv.to_dict()
    assert out.acquisition_platform.to_dict() == {
        "shop:A": "instagram",  # last non-direct touch before the first order
        "shop:D": "Direct",
        "shop:E": "(no touch)",
        "shop:F1": "linkedin",
    }
    assert out.acquisition_market.to_dict() == {
        "shop:A": "US", "shop:D": "FR", "shop:E": "GB", "shop:F1": "US",
    }  # fmt: skip
    assert str(out.loc["shop:A", "first_purchase"]) == "2026-07-05"
    assert out.predicted_clv.isna().all()


def test_all_customers_count_revenue_in_the_period_and_to_date(shop_ws):
    out = customer_clv(shop_ws, Q3, predict=False, acquired_only=False).set_index("customer_id")
    assert out.loc["shop:C", "historical_clv"] == 120.0
    assert out.loc["shop:C", "revenue"] == 40.0
    assert out.loc["shop:C", "orders"] == 2
    # up to July only: A's August order and later customers are not there yet
    july = customer_clv(shop_ws, "2026-07", predict=False).set_index("customer_id")
    assert july.historical_clv.to_dict() == {"shop:A": 100.0, "shop:D": 60.0}


def test_clv_by_means_are_ratios_of_sums(shop_ws):
    by_market = clv_by(shop_ws, Q3, by=("market",), predict=False).set_index("market")
    us = by_market.loc["US"]
    assert us.customers == 2 and us.revenue == 200.0 and us.historical_clv == 100.0
    both = clv_by(shop_ws, Q3, predict=False)
    assert list(both.columns[:2]) == ["platform", "market"]
    assert both.customers.sum() == 4
    totals = both.attrs["totals"]
    assert totals["customers"] == 4 and totals["historical_clv"] == pytest.approx(82.5)
    one = clv_by(shop_ws, Q3, by=(), predict=False)
    assert len(one) == 1 and one.historical_clv[0] == pytest.approx(82.5)
    per = customer_clv(shop_ws, Q3, predict=False)
    pd.testing.assert_frame_equal(group_customers(per, ("market",)), by_market.reset_index())
    empty = group_customers(per.iloc[:0], ("platform",))
    assert empty.empty and empty.attrs["totals"]["customers"] == 0
    with pytest.raises(UnknownName, match="valid: market, platform"):
        clv_by(shop_ws, Q3, by=("campaign",), predict=False)


def test_clear_errors(ws, shop_ws):
    with pytest.raises(CLVError, match="too few customers to fit"):
        customer_clv(shop_ws, Q3)
    with pytest.raises(CLVError, match="no customers were acquired"):
        clv_by(shop_ws, "2026-06-05..2026-06-30", predict=False)  # C bought on 1 June
    with pytest.raises(CLVError, match="no purchases up to 2026-01-31"):
        customer_clv(shop_ws, "2026-01", predict=False)
    with pytest.raises(Exception, match="whole number of months"):
        customer_clv(shop_ws, Q3, horizon_months=1.5)
    with pytest.raises(Exception, match="annual discount"):
        customer_clv(shop_ws, Q3, annual_discount=-0.1)


def test_no_purchases(tmp_path):
    with (
        Workspace.open(tmp_path / "empty.duckdb") as empty,
        pytest.raises(CLVError, match="no purchases up to 2026-09-30"),
    ):
        clv_by(empty, Q3)


# -- predictive CLV on the CDNOW transactions, against lifetimes ---------------------------

END = "1997-09-30"


@pytest.fixture(scope="module")
def cdnow_ws(tmp_path_factory):
    tx = load_cdnow_transactions()
    rows = [
        order(f"n{i}", 0, float(v), str(c), None, "US")
        | {"occurred_at": pd.Timestamp(d, tz="UTC"), "local_date": d.date()}
        for i, (c, d, v) in enumerate(zip(tx.customer_id, tx.date, tx.value))
    ]
    w = Workspace.open(tmp_path_factory.mktemp("cdnow") / "cdnow.duckdb")
    load(w, rows)
    yield w
    w.close()


def lifetimes_reference(horizon, annual):
    lifetimes = pytest.importorskip("lifetimes")
    tx = load_cdnow_transactions()
    tx = tx.assign(customer_id=tx.customer_id.astype(str))
    rfm = lifetimes.utils.summary_data_from_transaction_data(
        tx[tx.date <= END], "customer_id", "date", "value", observation_period_end=END,
        freq="D",
    )  # fmt: skip
    bgf = lifetimes.BetaGeoFitter().fit(rfm.frequency, rfm.recency, rfm["T"])
    rep = rfm[(rfm.frequency > 0) & (rfm.monetary_value > 0)]
    ggf = lifetimes.GammaGammaFitter().fit(rep.frequency, rep.monetary_value)
    args = (rfm.frequency, rfm.recency, rfm["T"])
    return pd.DataFrame(
        {
            "expected_purchases": bgf.conditional_expected_number_of_purchases_up_to_time(
                30 * horizon, *args
            ),
            "p_alive": bgf.conditional_probability_alive(*args),
            "predicted_clv": ggf.customer_lifetime_value(
                bgf, *args, rfm.monetary_value, time=horizon,
                discount_rate=monthly_rate(annual), freq="D",
            ),
        }
    ), bgf, ggf  # fmt: skip


@pytest.mark.parametrize(("horizon", "annual"), [(12, 0.10), (3, 0.0)])
def test_predictions_agree_with_lifetimes(cdnow_ws, horizon, annual):
    ref, bgf, ggf = lifetimes_reference(horizon, annual)
    ours = customer_clv(cdnow_ws, f"1997-01-01..{END}", horizon, annual).set_index("customer_id")
    assert len(ours) == 2357  # every CDNOW customer first bought in Q1 1997
    for name in ("r", "alpha", "a", "b"):
        assert ours.attrs["bgnbd"][name] == pytest.approx(bgf.params_[name], rel=1e-4)
    for name in ("p", "q", "v"):
        assert ours.attrs["gamma_gamma"][name] == pytest.approx(ggf.params_[name], rel=1e-4)
    ref = ref.reindex(ours.index)
    for col in ("expected_purchases", "p_alive", "predicted_clv"):
        np.testing.assert_allclose(ours[col], ref[col], rtol=2e-4, atol=1e-8, err_msg=col)


def test_historical_clv_on_cdnow(cdnow_ws):
    tx = load_cdnow_transactions()
    tx = tx[tx.date <= END]
    want = tx.groupby(tx.customer_id.astype(str)).value.sum()
    ours = customer_clv(cdnow_ws, f"1997-01-01..{END}").set_index("customer_id")
    np.testing.assert_allclose(ours.historical_clv, want.reindex(ours.index))
    assert ours.orders.sum() == len(tx)
    assert ours.acquisition_platform.eq("(no touch)").all()
    assert ((ours.p_alive >= 0) & (ours.p_alive <= 1)).all()
    assert (ours.predicted_clv >= 0).all() and (ours.expected_purchases >= 0).all()
    longer = customer_clv(cdnow_ws, f"1997-01-01..{END}", horizon_months=24)
    assert (longer.predicted_clv.to_numpy() >= ours.predicted_clv.to_numpy() - 1e-9).all()
    assert ours.attrs["customers_fitted"] == 2357 and ours.attrs["time_unit"] == "days"


# -- invariants ------------------------------------------------------------------------------

shop_orders = st.lists(
    st.tuples(
        st.integers(0, 5),  # customer
        st.integers(0, 80),  # day
        st.floats(1, 500).map(lambda v: round(v, 2)),
        st.booleans(),  # also reported by GA4
    ),
    min_size=1,
    max_size=12,
)


@pytest.fixture(scope="module")
def scratch_ws(tmp_path_factory):
    w = Workspace.open(tmp_path_factory.mktemp("scratch") / "w.duckdb")
    yield w
    w.close()


@pytest.mark.slow  # each example builds the stitching and journey queries anew (~1-3 s)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shop_orders)
def test_ga4_copies_change_nothing_and_revenue_is_kept(scratch_ws, spec):
    rows = []
    for i, (c, day, v, web) in enumerate(spec):
        rows.append(order(f"o{i}", day, v, f"shop:{c}", f"e{c}", "US"))
        if web:
            rows.append(ga4(f"o{i}", day, v, f"71{c}", f"v{c}", "US"))
    scratch_ws.store.raw.execute("DELETE FROM conversions")
    load(scratch_ws, rows)
    out = customer_clv(scratch_ws, Q3, predict=False, acquired_only=False)
    assert out.historical_clv.sum() == pytest.approx(sum(v for _, _, v, _ in spec))
    assert out.orders.sum() == len(spec)
    assert len(out) == len({c for c, _, _, _ in spec})


# -- the command -----------------------------------------------------------------------------


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_cli_table_csv_json(shop_ws):
    path = shop_ws.path
    shop_ws.close()
    r = run("clv", "-w", path, "--period", Q3, "--historical-only")
    assert r.exit_code == 0, r.output
    assert "Historical CLV of customers acquired in 2026-Q3" in r.output and "Total" in r.output
    r = run("clv", "-w", path, "--period", Q3, "--historical-only", "--by", "platform",
            "--format", "csv")  # fmt: skip
    table = pd.read_csv(pd.io.common.StringIO(r.output)).set_index("platform")
    assert table.loc["instagram", "historical_clv"] == 150.0
    r = run("clv", "-w", path, "--period", Q3, "--historical-only", "--customers",
            "--format", "json")  # fmt: skip
    doc = json.loads(r.output)
    assert doc["currency"] == "USD" and len(doc["rows"]) == 4
    assert {row["customer_id"] for row in doc["rows"]} >= {"shop:A", "shop:F1"}


def test_cli_errors(shop_ws, tmp_path):
    path = shop_ws.path
    shop_ws.close()
    r = run("clv", "-w", path, "--period", Q3)
    assert r.exit_code == 1 and "too few customers to fit" in r.output
    assert "--historical-only" in r.output and "Traceback" not in r.output
    r = run("clv", "-w", path, "--period", Q3, "--by", "campaign", "--historical-only")
    assert r.exit_code == 1 and "valid: market, platform" in r.output
    assert run("init", "-w", tmp_path / "empty.duckdb").exit_code == 0
    r = run("clv", "-w", tmp_path / "empty.duckdb", "--period", Q3)
    assert r.exit_code == 1 and "no purchases" in r.output


def test_cli_predictive_json(cdnow_ws):
    path = cdnow_ws.path
    r = run("clv", "-w", path, "--period", f"1997-01-01..{END}", "--by", "market",
            "--format", "json")  # fmt: skip
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert set(doc["bgnbd"]) == {"r", "alpha", "a", "b"} and doc["time_unit"] == "days"
    (row,) = doc["rows"]
    assert row["market"] == "US" and row["customers"] == 2357
    assert row["predicted_clv"] == pytest.approx(doc["totals"]["predicted_clv"])
