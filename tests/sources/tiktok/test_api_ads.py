"""TikTok Ads reporting synced against the fake: the advertiser's currency and time zone, the
30-day limit of a daily report, numbered pages, the envelope's errors, and `connect` + `sync`
equal to importing the same rows as the Ads Manager report."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
import pytest

from socialroi import Workspace
from socialroi.measure.roi import roi
from socialroi.store import connections as conns
from socialroi.sync import connect as connecting
from socialroi.sync.run import sync
from tests.fakes.tiktok import ADVERTISER, FakeTikTok
from tests.sources import api_kit
from tests.sources.api_kit import sync_options
from tests.sources.tiktok.test_api import tt as tt  # noqa: F401 - the fixture
from tests.sync.conftest import config_dir as config_dir  # noqa: F401 - the fixture

SINCE, UNTIL = dt.date(2026, 3, 1), dt.date(2026, 3, 10)
HEADER = [
    "By Day", "Advertiser ID", "Account name", "Campaign name", "Campaign ID", "Ad group name",
    "Ad group ID", "Ad name", "Ad ID", "Objective", "Currency", "Cost", "Impressions", "Reach",
    "Clicks (destination)", "Video views", "Conversions", "Total complete payment value",
]  # fmt: skip


def connected(tmp_path, token: str = "good-token") -> Workspace:
    return api_kit.connected(tmp_path, "tiktok_ads", token, [ADVERTISER])


def _sum(ws: Workspace, sql: str = "SELECT round(sum(spend), 2) FROM ad_metrics") -> float:
    return ws.store.raw.execute(sql).fetchone()[0]


def _total(t: FakeTikTok, since: str = "2026-03-01", until: str = "2026-03-10") -> float:
    return round(sum(float(r["metrics"]["spend"]) for r in t.report[ADVERTISER]
                     if since <= r["dimensions"]["stat_time_day"][:10] <= until), 2)  # fmt: skip


def test_ads_land_in_the_advertisers_currency_and_days(tt, tmp_path):  # noqa: F811
    ws = connected(tmp_path)
    (res,) = sync(ws, ["tiktok_ads"], sync_options(SINCE, UNTIL))
    assert res.status == "ok", res.error
    assert res.records == 30 and _sum(ws) == _total(tt)
    acct = ws.store.raw.execute(
        "SELECT account_id, currency, timezone, name FROM accounts"
    ).fetchone()
    assert acct == (f"tiktok:{ADVERTISER}", "USD", "America/New_York", "Voltiq US")
    row = ws.store.raw.execute(
        "SELECT campaign_id, ad_group_id, link_clicks, video_views, platform_conversions "
        "FROM ad_metrics WHERE ad_id = 'tiktok:ad:1603' AND metric_date = DATE '2026-03-01'"
    ).fetchone()
    assert row[:2] == ("tiktok:campaign:1802", "tiktok:ad_group:1702")
    m = next(r["metrics"] for r in tt.report[ADVERTISER]  # ad 1603 sells in an app
             if r["dimensions"] == {"ad_id": "1603", "stat_time_day": "2026-03-01 00:00:00"})  # fmt: skip
    assert row[2:] == (int(m["clicks"]), int(m["video_play_actions"]), float(m["conversion"]))
    value = ws.store.raw.execute(
        "SELECT platform_conversion_value FROM ad_metrics "
        "WHERE ad_id = 'tiktok:ad:1603' AND metric_date = DATE '2026-03-01'"
    ).fetchone()[0]
    assert value == float(m["total_purchase_value"]) > 0
    call = tt.fake.calls(r"/report/integrated/get/$")[0].query
    assert call["data_level"] == "AUCTION_AD" and call["report_type"] == "BASIC"
    assert '"stat_time_day"' in call["dimensions"] and "STATUS_ALL" in call["filtering"]
    assert (call["start_date"], call["end_date"]) == ("2026-03-01", "2026-03-10")


def test_numbered_pages_are_read_to_the_stated_last_page(tt, tmp_path):  # noqa: F811
    tt.page_cap = 7  # TikTok answers fewer rows than asked: its total_page decides
    ws = connected(tmp_path)
    (res,) = sync(ws, ["tiktok_ads"], sync_options(SINCE, UNTIL))
    assert res.status == "ok" and res.pages == 5 and res.records == 30
    assert [c.query["page"] for c in tt.fake.calls(r"/report/integrated/get/$")] == list("12345")


def test_a_long_window_is_asked_30_days_at_a_time(tt, tmp_path):  # noqa: F811
    ws = connected(tmp_path)
    (res,) = sync(ws, ["tiktok_ads"], sync_options(dt.date(2026, 2, 1), UNTIL))
    assert res.status == "ok", res.error
    spans = [(c.query["start_date"], c.query["end_date"])
             for c in tt.fake.calls(r"/report/integrated/get/$")]  # fmt: skip
    assert spans == [("2026-02-01", "2026-03-02"), ("2026-03-03", "2026-03-10")]
    assert _sum(ws) == _total(tt, "2026-02-01")


def test_rate_limit_code_and_5xx_are_retried(tt, tmp_path):  # noqa: F811
    ws = connected(tmp_path)
    waits: list[float] = []
    tt.fake.fault(r"/report/integrated/get/$", status=200,
                  body={"code": 40100, "message": "Requests made too frequently.", "data": {}})  # fmt: skip
    tt.fake.fault(r"/advertiser/info/$", status=500, body=b"")
    (res,) = sync(ws, ["tiktok_ads"], sync_options(SINCE, UNTIL, sleep=waits.append))
    assert res.status == "ok", res.error
    assert len(waits) == 2 and _sum(ws) == _total(tt)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"code": 0, "data": {"list": [{"dimensions": {"ad_id": "1601"}, "metrics": {}}],
                              "page_info": {"total_page": 1}}}, "no day"),
        ({"code": 0, "data": {"list": [{"dimensions": {"ad_id": "1601",
                                                       "stat_time_day": "2026-03-01 00:00:00"},
                                        "metrics": {"spend": "12,5x"}}],
                              "page_info": {"total_page": 1}}}, "record 1, field 'Cost'): a cell is not a number"),
        ({"code": 0, "data": {"page_info": {"total_page": 1}}}, "no 'data.list' list"),
        ({"code": 40002, "message": "Invalid metrics", "data": {}}, "code 40002"),
    ],
)  # fmt: skip
def test_a_malformed_page_stores_nothing(tt, tmp_path, body, says):  # noqa: F811
    ws = connected(tmp_path)
    tt.fake.fault(r"/report/integrated/get/$", status=200, body=body)
    (res,) = sync(ws, ["tiktok_ads"], sync_options(SINCE, UNTIL))
    assert res.status == "failed" and says in res.error, res.error
    assert "tiktok_ads/ad_report" in res.error
    assert ws.store.raw.execute("SELECT count(*) FROM ad_metrics").fetchone()[0] == 0
    assert conns.cursor(ws.store, "tiktok_ads", ADVERTISER, "ad_report") is None


def test_an_advertiser_the_token_does_not_reach_is_named(tt, tmp_path):  # noqa: F811
    tt.advertisers.clear()
    ws = connected(tmp_path)
    (res,) = sync(ws, ["tiktok_ads"], sync_options(SINCE, UNTIL))
    assert res.status == "failed" and f"did not describe ad account {ADVERTISER}" in res.error


def test_a_second_sync_changes_nothing_and_the_lag_window_is_re_read(tt, tmp_path):  # noqa: F811
    ws = connected(tmp_path)
    sync(ws, ["tiktok_ads"], sync_options(SINCE, UNTIL))
    (again,) = sync(ws, ["tiktok_ads"], sync_options(SINCE, UNTIL))
    assert again.status == "unchanged" and again.batch_id is None
    last = next(r for r in reversed(tt.report[ADVERTISER]))
    last["metrics"]["conversion"] = "9"  # a late attributed conversion on 2026-03-10
    (later,) = sync(ws, ["tiktok_ads"], sync_options(None, UNTIL))
    assert later.window == "2026-03-04..2026-03-10" and later.changed == 1


def ads_manager_csv(t: FakeTikTok, since: str = "2026-03-01", until: str = "2026-03-10") -> bytes:
    """The fake's rows as TikTok Ads Manager's custom report writes them (By Day, ad level,
    the Advertiser ID and Currency columns)."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(HEADER)
    for r in t.report[ADVERTISER]:
        d, m = r["dimensions"], r["metrics"]
        if not since <= d["stat_time_day"][:10] <= until:
            continue
        w.writerow([d["stat_time_day"][:10], ADVERTISER, "Voltiq US", m["campaign_name"],
                    m["campaign_id"], m["adgroup_name"], m["adgroup_id"], m["ad_name"],
                    d["ad_id"], m["objective_type"], "USD", m["spend"], m["impressions"],
                    m["reach"], m["clicks"], m["video_play_actions"], m["conversion"],
                    m["total_complete_payment_rate"] if float(m["total_complete_payment_rate"])
                    else m["total_purchase_value"]])  # fmt: skip
    return out.getvalue().encode("utf-8-sig")


def test_connect_then_sync_equals_the_ads_manager_report(tt, tmp_path):  # noqa: F811
    path = tmp_path / "Voltiq-US-Custom-report-2026-03-01-2026-03-10.csv"
    path.write_bytes(ads_manager_csv(tt))
    f, a = api_kit.import_and_sync(
        tmp_path, "tiktok_ads", [path], import_args=["--timezone", "America/New_York"],
        connect_args=["--token", "good-token", "--account", ADVERTISER],
        sync_args=["--since", "2026-03-01", "--until", "2026-03-10"], base_currency="EUR",
    )  # fmt: skip
    with Workspace.open(f) as wf, Workspace.open(a) as wa:
        for t in ("accounts", "campaigns", "ad_metrics"):
            pd.testing.assert_frame_equal(api_kit.stored(wf, t, 4), api_kit.stored(wa, t, 4), obj=t)
        mine = roi(wa, "2026-03", by=("platform",)).with_totals().reset_index(drop=True)
        pd.testing.assert_frame_equal(
            roi(wf, "2026-03", by=("platform",)).with_totals().reset_index(drop=True), mine
        )
        assert mine["true_cost"].iloc[-1] > 0


def test_a_campaign_level_file_of_the_same_days_counts_once(tt, tmp_path):  # noqa: F811
    # the file reports the same advertiser and days by campaign (other keys than the API's
    # ad-level rows): without superseding, spend would count twice
    rows = [r for r in tt.report[ADVERTISER]
            if "2026-03-01" <= r["dimensions"]["stat_time_day"][:10] <= "2026-03-10"]  # fmt: skip
    camp: dict[tuple[str, str], float] = {}
    for r in rows:
        key = (r["dimensions"]["stat_time_day"][:10], r["metrics"]["campaign_id"])
        camp[key] = camp.get(key, 0.0) + float(r["metrics"]["spend"])
    lines = [["By Day", "Advertiser ID", "Campaign name", "Campaign ID", "Currency", "Cost",
              "Impressions"]]  # fmt: skip
    lines += [[d, ADVERTISER, f"Campaign {c}", c, "USD", f"{v:.2f}", "100"]
              for (d, c), v in sorted(camp.items())]  # fmt: skip
    path = tmp_path / "campaigns.csv"
    path.write_text("\n".join(",".join(map(str, x)) for x in lines))
    ws = Workspace.open(tmp_path / "ws.duckdb")
    ws.import_files([path], platform="tiktok", report="ads")
    assert _sum(ws) == _total(tt)
    ws.close()
    ws = Workspace.open(tmp_path / "ws.duckdb")
    connecting.connect_token(ws, "tiktok_ads", "good-token", [ADVERTISER])
    (res,) = sync(ws, ["tiktok_ads"], sync_options(SINCE, UNTIL))
    assert res.status == "ok" and res.superseded == len(camp), res.describe()
    assert _sum(ws) == _total(tt)
    assert (
        ws.store.raw.execute("SELECT count(*) FROM ad_metrics WHERE ad_id IS NULL").fetchone()[0]
        == 0
    )
