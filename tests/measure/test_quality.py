"""Data-quality tables on a small workspace with known gaps, findings, unmapped visits and
foreign-currency amounts."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from socialroi import Workspace
from socialroi.measure.quality import coverage, findings, fx_used, skipped_rows, unmapped_utms
from socialroi.unify.fx import daily_rates

UTC = dt.UTC
JULY = [dt.date(2026, 7, d) for d in range(1, 32)]


def insert(ws: Workspace, table: str, rows: list[dict]) -> None:
    df = pd.DataFrame(rows)
    if "batch_id" not in df:
        df["batch_id"] = 1
    ws.store.raw.register("_rows", df)
    try:
        ws.store.raw.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM _rows')
    finally:
        ws.store.raw.unregister("_rows")


def batch(bid, source, start, end, read, loaded, skipped):
    return dict(batch_id=bid, file_name=f"f{bid}.csv", file_hash=str(bid), context="",
                source=source, report="r", status="loaded", rows_read=read,
                rows_loaded=loaded, rows_skipped=skipped, tables="", period_start=start,
                period_end=end, imported_at=dt.datetime(2026, 8, 1, tzinfo=UTC))  # fmt: skip


@pytest.fixture
def ws(tmp_path):
    """TikTok US account metrics for July except 10-12 Jul (3 missing days); Instagram FR
    complete. Batch 1 (July) skipped 2 total rows; batch 2 covers March only. Four visits
    in July, three of them unmapped ('qr' / 'poster' twice, 'x' / '' once). Conversions:
    100 EUR on 1 Jul and 50 GBP on 2 Jul."""
    ws = Workspace.open(tmp_path / "q.duckdb", base_currency="USD")
    insert(ws, "accounts", [
        dict(account_id="tiktok:a", platform="tiktok", market="US"),
        dict(account_id="instagram:b", platform="instagram", market="FR"),
    ])  # fmt: skip
    gap = {dt.date(2026, 7, d) for d in (10, 11, 12)}
    insert(ws, "account_metrics", [
        dict(account_id="tiktok:a", platform="tiktok", metric_date=d, impressions=1)
        for d in JULY if d not in gap
    ] + [dict(account_id="instagram:b", platform="instagram", metric_date=d, impressions=1)
         for d in JULY])  # fmt: skip
    insert(ws, "import_batches", [
        batch(1, "tiktok", JULY[0], JULY[-1], 33, 31, 2),
        batch(2, "meta", dt.date(2026, 3, 1), dt.date(2026, 3, 31), 10, 9, 1),
    ])  # fmt: skip
    insert(ws, "dq_findings", [
        dict(batch_id=1, finding_no=1, file_name="f1.csv", kind="skipped_total_row", rows=1,
             message="1 total row left out"),
        dict(batch_id=1, finding_no=2, file_name="f1.csv", kind="skipped_total_row", rows=1,
             message="1 total row left out"),
        dict(batch_id=2, finding_no=1, file_name="f2.csv", kind="mangled_id", rows=1,
             message="March only"),
    ])  # fmt: skip
    visits = [("qr", "poster", "unmapped"), ("qr", "poster", "unmapped"),
              ("x", None, "unmapped"), ("tiktok", "social", "tiktok_utm")]  # fmt: skip
    insert(ws, "touchpoints", [
        dict(touch_id=f"t{i}", occurred_at=dt.datetime(2026, 7, 5, tzinfo=UTC),
             local_date=dt.date(2026, 7, 5), visitor_id="v", source=s, medium=m, rule=r,
             origin="ga4_event", market="US")
        for i, (s, m, r) in enumerate(visits)
    ])  # fmt: skip
    insert(ws, "conversions", [
        dict(conversion_id="c1", kind="purchase", local_date=dt.date(2026, 7, 1), value=100.0,
             currency="EUR", value_base=117.0, market="FR", origin="shopify"),
        dict(conversion_id="c2", kind="purchase", local_date=dt.date(2026, 7, 2), value=50.0,
             currency="GBP", value_base=67.0, market="GB", origin="shopify"),
    ])  # fmt: skip
    yield ws
    ws.close()


def test_coverage_counts_missing_days(ws):
    cov = coverage(ws, "2026-07")
    am = cov[cov.table == "account_metrics"].set_index("source")
    assert am.loc["tiktok"].market == "US"
    assert am.loc["tiktok"].missing_days == 3 and am.loc["tiktok"].days_with_data == 28
    assert am.loc["instagram"].missing_days == 0
    assert am.loc["tiktok"].first_day == JULY[0] and am.loc["tiktok"].last_day == JULY[-1]
    assert bool(am.loc["tiktok"].daily) and (cov.days_in_period == 31).all()
    assert list(coverage(ws, "2026-07", markets=["FR"]).market.dropna().unique()) == ["FR"]


def test_findings_of_batches_covering_the_period(ws):
    f = findings(ws, "2026-07").set_index("kind")
    assert list(f.index) == ["skipped_total_row"]  # March's batch is not this period's
    assert f.loc["skipped_total_row"].rows == 2 and f.loc["skipped_total_row"].findings == 2
    s = skipped_rows(ws, "2026-07")
    assert list(s.source) == ["tiktok"] and s.rows_skipped.iloc[0] == 2


def test_unmapped_utms_most_frequent_first(ws):
    u = unmapped_utms(ws, "2026-07")
    assert list(zip(u.source, u.medium, u.touches)) == [("qr", "poster", 2), ("x", "", 1)]


def test_fx_rates_used(ws):
    fx = fx_used(ws, "2026-07").set_index("currency")
    assert set(fx.index) == {"EUR", "GBP"}
    assert fx.loc["EUR"].effective_rate == pytest.approx(1.17)
    rates = daily_rates(["EUR", "GBP"], JULY[0], JULY[-1], "USD")
    eur = rates[rates.currency == "EUR"].to_base
    assert fx.loc["EUR"].min_rate == pytest.approx(eur.min())
    assert fx.loc["EUR"].max_rate == pytest.approx(eur.max())
    assert fx.loc["GBP"].override_days == 0
    ws.set_fx_rate("GBP", dt.date(2026, 7, 2), 0.5)
    assert fx_used(ws, "2026-07").set_index("currency").loc["GBP"].override_days == 1
