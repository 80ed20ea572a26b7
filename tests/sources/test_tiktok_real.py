"""Issue 10, items 4 and 11: TikTok files as TikTok writes them."""

from __future__ import annotations

import datetime as dt

from tests.conftest import FIXTURES

CONTENT = FIXTURES / "tiktok" / "studio_real" / "@voltiq.us" / "Content.csv"


def q(ws, sql):
    return ws.store.raw.execute(sql).fetchall()


def test_year_less_post_times_take_the_latest_year_not_after_the_download_day(ws):
    [res] = ws.import_files([CONTENT])
    assert res.report == "studio_content" and res.tables["posts"] == 6  # none dropped
    got = q(ws, "SELECT local_date, published_at FROM posts ORDER BY published_at")
    assert [d for d, _ in got] == [
        dt.date(2025, 12, 20), dt.date(2025, 12, 24), dt.date(2025, 12, 26),
        dt.date(2025, 12, 31), dt.date(2026, 1, 1), dt.date(2026, 1, 2),
    ]  # fmt: skip
    # TikTok Studio writes post times in UTC: stored as written
    assert got[3][1] == dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert q(ws, "SELECT DISTINCT as_of FROM post_metrics") == [(dt.date(2026, 1, 3),)]


OVERVIEW = FIXTURES / "tiktok" / "studio_real" / "@voltiq.us" / "Overview_2025-12-30_2026-01-02.csv"
ADS = (
    FIXTURES / "tiktok" / "studio_real" / "@voltiq.ads" / "TikTok_Ads_Manager_20260101_20260102.csv"
)


def test_business_overview_keeps_new_and_lost_followers_and_reach(ws):
    [res] = ws.import_files([OVERVIEW])
    assert res.report == "studio_overview"
    got = q(ws, "SELECT metric_date, views, follows, unfollows, reach FROM account_metrics "
                "ORDER BY metric_date")  # fmt: skip
    assert got[0] == (dt.date(2025, 12, 30), 1204, 42, 5, 3900)
    assert got[-1] == (dt.date(2026, 1, 2), 7002, 150, 9, 21800)


def test_ads_report_with_singular_headers(ws):
    [res] = ws.import_files([ADS])
    assert (res.source, res.report) == ("tiktok", "ads")
    assert q(ws, "SELECT sum(spend), sum(impressions), sum(link_clicks) FROM ad_metrics") == [
        (75.5, 22400, 330)
    ]
