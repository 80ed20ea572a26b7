"""Issue 10, item 8: X exports in their early-2025 and 2015 layouts (tests/fixtures/x/real)."""

from __future__ import annotations

import datetime as dt

from tests.conftest import FIXTURES

REAL = FIXTURES / "x" / "real"


def q(ws, sql):
    return ws.store.raw.execute(sql).fetchall()


def test_early_2025_content_layout_with_handle_from_links(ws):
    [res] = ws.import_files([REAL / "account_analytics_content_2025-02-01_2025-02-28.csv"])
    assert (res.source, res.report) == ("x", "post_activity")
    assert q(ws, "SELECT account_id FROM accounts") == [("x:voltiqus",)]
    got = q(ws, "SELECT p.native_id, p.local_date, m.impressions, m.likes, m.shares "
                "FROM posts p JOIN post_metrics m USING (post_id) ORDER BY 2")  # fmt: skip
    assert got == [
        ("1889876543210987654", dt.date(2025, 2, 13), 3400, 40, 6),
        ("1891234567890123456", dt.date(2025, 2, 17), 8210, 95, 21),  # shares = Reposts
    ]


def test_2015_favorites_are_likes_and_media_views_are_kept(ws):
    [res] = ws.import_files([REAL / "tweet_activity_metrics_VoltiqUS_20150801_20150901_en.csv"])
    assert res.report == "post_activity"
    assert q(ws, "SELECT likes, video_views, shares FROM post_metrics") == [(30, 450, 12)]
