"""X Ads synced against a fake that checks every request's OAuth 1.0a signature: entity lists
paged to the last page, 7-day stats windows of 20 ids, limits and faults, the lag window, and
`connect` + `sync` equal to importing the same rows as X Ads Manager's report."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time

import pandas as pd
import pytest
from click.testing import CliRunner

from socialroi import Workspace
from socialroi.deliver.cli.main import main
from socialroi.measure.roi import roi
from socialroi.sync import connect as connecting
from socialroi.sync import oauth1
from socialroi.sync.run import sync
from tests.fakes.server import FakeApi
from tests.fakes.x_ads import ACCOUNT, KEYS, FakeXAds, ads_manager_rows, fill
from tests.sources import api_kit
from tests.sources.api_kit import sync_options
from tests.sync.conftest import config_dir as config_dir  # noqa: F401 - the fixture

SINCE, UNTIL = dt.date(2026, 3, 1), dt.date(2026, 3, 31)


@pytest.fixture
def xa(monkeypatch, config_dir):  # noqa: F811
    for k, v in KEYS.items():
        monkeypatch.setenv(k, v)
    with FakeApi() as fake:
        fake.env(monkeypatch, "x_ads")
        x = FakeXAds(fake, page_size=10)  # 25 promoted posts: three pages
        fill(x)
        yield x


def connected(tmp_path) -> Workspace:
    ws = Workspace.open(tmp_path / "ws.duckdb", base_currency="USD")
    connecting.save(ws, "x_ads", oauth1.grant_from_env("x_ads"), [ACCOUNT])
    return ws


def _spend(ws: Workspace) -> float:
    return ws.store.raw.execute("SELECT sum(spend) FROM ad_metrics").fetchone()[0] or 0.0


def _expected(x: FakeXAds, since: str = "2026-03-01", until: str = "2026-03-31") -> float:
    return sum(m["billed_charge_local_micro"] for (_, d), m in x.daily.items()
               if since <= d <= until) / 1e6  # fmt: skip


def test_stats_land_ad_by_day_in_7_day_windows_of_20_ids(xa, tmp_path):
    ws = connected(tmp_path)
    [res] = sync(ws, ["x_ads"], sync_options(SINCE, UNTIL))
    assert res.status == "ok", res.error
    assert xa.refused == []  # every request was signed right
    stats = xa.fake.calls(r"/stats/")
    assert len(stats) == 5 * 2  # 31 days: five windows of at most 7 days, 25 ids: 20 + 5
    assert {len(c.query["entity_ids"].split(",")) for c in stats} == {20, 5}
    first = stats[0].query  # midnight in Los Angeles (PST) as UTC
    assert (first["start_time"], first["end_time"]) == (
        "2026-03-01T08:00:00Z",
        "2026-03-08T08:00:00Z",
    )
    assert stats[-1].query["end_time"] == "2026-04-01T07:00:00Z"  # PDT from March 8
    lists = xa.fake.calls(r"/promoted_tweets$")
    # to the last page, once per sync (not per window)
    assert [c.query.get("cursor") for c in lists] == [None, "10", "20"]
    assert len(xa.fake.calls(r"^/12/accounts/[0-9a-z]+$")) == 1
    assert res.records == len(xa.daily) and res.new == len(xa.daily)
    assert _spend(ws) == pytest.approx(_expected(xa))
    got = ws.store.raw.execute(
        "SELECT m.account_id, m.currency, c.name, c.level FROM ad_metrics m JOIN campaigns c "
        "ON c.campaign_id = m.ad_id WHERE c.native_id = '1ef000' LIMIT 1").fetchone()  # fmt: skip
    assert got == (f"x:{ACCOUNT}", "USD", None, "ad")
    deleted = ws.store.raw.execute(
        "SELECT count(*) FROM campaigns WHERE native_id = '9ab1e'").fetchone()  # fmt: skip
    assert deleted == (1,)  # a deleted line item's spend is kept
    ws.close()


def test_a_wrong_secret_is_refused_as_an_expired_grant(xa, tmp_path, monkeypatch):
    monkeypatch.setenv("SOCIALROI_X_ADS_ACCESS_TOKEN_SECRET", "not-the-secret")
    ws = connected(tmp_path)
    [res] = sync(ws, ["x_ads"], sync_options(SINCE, UNTIL))
    assert res.status == "failed" and "connect x_ads" in res.error, res.error
    assert "not-the-secret" not in res.error and xa.refused[0] == "bad signature"
    assert ws.store.raw.execute("SELECT count(*) FROM ad_metrics").fetchone() == (0,)
    ws.close()


def test_429_waits_for_the_reset_and_5xx_is_retried(xa, tmp_path):
    reset = str(int(time.time()) + 30)
    xa.fake.fault(r"/stats/", status=429, headers={"x-rate-limit-reset": reset},
                  body={"errors": [{"code": "TOO_MANY_REQUESTS", "message": "Rate limit"}]})  # fmt: skip
    xa.fake.fault(r"/line_items$", status=503, times=2)
    waits: list[float] = []
    ws = connected(tmp_path)
    [res] = sync(ws, ["x_ads"], sync_options(SINCE, UNTIL, sleep=waits.append))
    assert res.status == "ok", res.error
    assert any(25 <= w <= 31 for w in waits), waits
    assert xa.refused == []  # each retry signed anew (a new nonce)
    assert _spend(ws) == pytest.approx(_expected(xa))
    ws.close()


def test_a_malformed_stats_page_stores_nothing(xa, tmp_path):
    xa.fake.fault(r"/stats/", status=200, times=3, body={
        "data_type": "stats", "time_series_length": 7,
        "data": [{"id": "1ef000", "id_data": [{"segment": None,
                  "metrics": {"impressions": [1, 2], "billed_charge_local_micro": None}}]}]})  # fmt: skip
    ws = connected(tmp_path)
    [res] = sync(ws, ["x_ads"], sync_options(SINCE, UNTIL))
    api_kit.failed_clean(ws, res, "is not 7 values", ACCOUNT, "ad_metrics")
    ws.close()


def test_a_negative_spend_names_the_record_and_stores_nothing(xa, tmp_path):
    xa.daily[("1ef001", "2026-03-02")]["billed_charge_local_micro"] = -5
    ws = connected(tmp_path)
    [res] = sync(ws, ["x_ads"], sync_options(SINCE, UNTIL))
    api_kit.failed_clean(ws, res, "billed_charge_local_micro", ACCOUNT, "ad_metrics")
    ws.close()


def test_the_lag_window_is_reread_and_a_second_sync_changes_nothing(xa, tmp_path):
    ws = connected(tmp_path)
    sync(ws, ["x_ads"], sync_options(SINCE, dt.date(2026, 3, 20)))
    (same,) = sync(ws, ["x_ads"], sync_options(None, dt.date(2026, 3, 20)))
    assert same.status == "unchanged" and same.window == "2026-03-14..2026-03-20"
    xa.daily[("1ef002", "2026-03-18")]["billed_charge_local_micro"] -= 250_000  # billing final
    (later,) = sync(ws, ["x_ads"], sync_options(None, dt.date(2026, 3, 20)))
    assert later.status == "ok" and later.changed == 1 and later.new == 0
    assert _spend(ws) == pytest.approx(_expected(xa, until="2026-03-20"))
    ws.close()


def test_connect_refuses_a_handle_and_missing_secrets(xa, tmp_path, monkeypatch):
    api_kit.refuses_account(tmp_path, "x_ads", "@voltiq", "not an X Ads account id")
    monkeypatch.delenv("SOCIALROI_X_ADS_CONSUMER_SECRET")
    got = CliRunner().invoke(main, ["connect", "x_ads", "-w", str(tmp_path / "w.duckdb"),
                                    "--account", ACCOUNT], input="")  # fmt: skip
    assert got.exit_code != 0
    assert KEYS["SOCIALROI_X_ADS_ACCESS_TOKEN_SECRET"] not in got.output


def ads_manager_csv(x: FakeXAds, since: str, until: str) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(ads_manager_rows(x, since, until))
    return out.getvalue().encode("utf-8-sig")


def test_connect_then_sync_equals_the_ads_manager_report(xa, tmp_path):
    path = tmp_path / "Voltiq-US-ads-2026-03-01-2026-03-20.csv"
    path.write_bytes(ads_manager_csv(xa, "2026-03-01", "2026-03-20"))
    f, a = api_kit.import_and_sync(
        tmp_path, "x_ads", [path], import_args=["--timezone", "America/Los_Angeles"],
        connect_args=["--account", ACCOUNT],
        sync_args=["--since", "2026-03-01", "--until", "2026-03-20"],
    )  # fmt: skip
    with Workspace.open(f) as wf, Workspace.open(a) as wa:
        for t in ("accounts", "campaigns", "ad_metrics"):
            pd.testing.assert_frame_equal(api_kit.stored(wf, t, 4), api_kit.stored(wa, t, 4), obj=t)
        api_kit.same_roi(wf, wa, "2026-03")
        mine = roi(wa, "2026-03", by=("platform",)).with_totals()
        assert mine["true_cost"].iloc[-1] == pytest.approx(_expected(xa, until="2026-03-20"))
