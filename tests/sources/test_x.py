"""X analytics exports (current and legacy) and X Ads reports, imported through the workspace."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from socialroi import Workspace
from socialroi.demo.world import COLUMNS, DemoWorld
from socialroi.errors import ImportFailed
from tests.conftest import FIXTURES, table_totals

HERE = FIXTURES / "x"
ACC = HERE / "@VoltiqUS"
CONTENT = ACC / "account_analytics_content_2025-01-01_2025-01-31.csv"
D = dt.date


def q(ws, sql):
    return ws.store.raw.execute(sql).fetchall()


def empty(ws):
    from socialroi.model.schema import TABLES

    return all(ws.store.count(t) == 0 for t in TABLES if t != "fx_rates")


POSTS_SQL = (
    "SELECT p.post_id, p.native_id, p.local_date, p.published_at IS NULL, p.id_mangled, "
    "m.grain, m.metric_date, m.as_of, m.impressions, m.likes, m.engagements, m.saves, "
    "m.follows, m.comments, m.shares, m.link_clicks "
    "FROM posts p JOIN post_metrics m USING (post_id) ORDER BY p.native_id"
)
POSTS = [
    ("x:1876543210987650000", "1876543210987650000", D(2025, 1, 6), True, False,
     "lifetime", D(2025, 1, 6), D(2025, 1, 31), 900, 12, 30, 1, 0, 2, 3, 6),
    ("x:1876543210987654321", "1876543210987654321", D(2025, 1, 14), True, False,
     "lifetime", D(2025, 1, 14), D(2025, 1, 31), 12345, 140, 410, 22, 5, 17, 31, 66),
]  # fmt: skip


def test_content_export_recovers_mangled_id_from_link(ws):
    [res] = ws.import_files([CONTENT])
    assert (res.source, res.report) == ("x", "post_activity")
    assert q(ws, POSTS_SQL) == POSTS
    assert q(ws, "SELECT account_id, handle FROM accounts") == [("x:voltiqus", "@VoltiqUS")]
    [f] = q(
        ws, f"SELECT kind, row_number, value, rows FROM dq_findings WHERE batch_id={res.batch_id}"
    )
    assert f == ("mangled_id", 2, "1.87654E+18", 1)
    assert {r[0] for r in q(ws, "SELECT batch_id FROM post_metrics")} == {res.batch_id}


def test_reimport_is_unchanged(ws):
    ws.import_files([CONTENT])
    before = table_totals(ws)
    assert ws.import_files([CONTENT])[0].status == "unchanged"
    assert table_totals(ws) == before


@pytest.mark.parametrize("lang", ["es", "zh"])
def test_spanish_and_chinese_headers_import_to_the_same_values(ws, lang):
    [res] = ws.import_files([HERE / f"account_analytics_content_{lang}_2025-01-01_2025-01-31.csv"])
    assert res.report == "post_activity"  # the handle comes from the post links
    assert q(ws, POSTS_SQL) == POSTS


def test_legacy_tweet_activity_times_in_utc_and_promoted(ws):
    [res] = ws.import_files([HERE / "tweet_activity_metrics_VoltiqUS_20210801_20210901_en.csv"])
    assert res.report == "post_activity"
    rows = q(
        ws,
        "SELECT native_id, timezone('UTC', published_at), local_date, promoted, as_of, "
        "impressions, engagements, shares, comments, likes, link_clicks, follows "
        "FROM posts JOIN post_metrics USING (post_id) ORDER BY native_id",
    )
    assert rows == [
        ("1432710011021578246", dt.datetime(2021, 8, 31, 0, 20), D(2021, 8, 31), True,
         D(2021, 8, 31), 3257, 156, 2, 10, 2, 1, 1),
        ("1432793754507923461", dt.datetime(2021, 8, 31, 19, 53), D(2021, 8, 31), False,
         D(2021, 8, 31), 89, 5, 0, 1, 2, 0, 0),
    ]  # fmt: skip
    assert q(ws, "SELECT account_id FROM accounts") == [("x:voltiqus",)]


def test_legacy_times_in_account_time_zone(ws):
    ws.import_files(
        [HERE / "tweet_activity_metrics_VoltiqUS_20210801_20210901_en.csv"],
        timezone="America/Los_Angeles",
    )
    assert q(ws, "SELECT native_id, local_date FROM posts ORDER BY 1") == [
        ("1432710011021578246", D(2021, 8, 30)),
        ("1432793754507923461", D(2021, 8, 31)),
    ]


def test_legacy_daily(ws):
    [res] = ws.import_files(
        [HERE / "daily_tweet_activity_metrics_VoltiqUS_20210801_20210901_en.csv"]
    )
    assert res.report == "account_daily"
    assert q(
        ws,
        "SELECT account_id, metric_date, impressions, engagements, shares, comments, likes, "
        "profile_views, follows FROM account_metrics ORDER BY 2",
    ) == [
        ("x:voltiqus", D(2021, 8, 30), 1088, 13, 0, 0, 2, 1, 0),
        ("x:voltiqus", D(2021, 8, 31), 1244, 19, 1, 2, 3, 9, 1),
    ]


def test_overview_utf16_sep_line_weekday_dates(ws):
    [res] = ws.import_files([ACC / "account_overview_analytics.csv"])
    assert res.report == "account_daily"
    assert q(
        ws,
        "SELECT metric_date, impressions, likes, engagements, follows, unfollows, "
        "follower_change, comments, shares, profile_views, views FROM account_metrics ORDER BY 1",
    ) == [
        (D(2025, 1, 6), 1500, 30, 60, 7, 2, 5, 5, 4, 25, 300),
        (D(2025, 1, 7), 1200, 20, 41, 3, 4, -1, 2, 1, 11, 120),
    ]


def test_ads_report(ws):
    [res] = ws.import_files([ACC / "x_ads_campaigns_20250106-20250107.csv"])
    assert (res.source, res.report) == ("x", "ads")
    assert q(ws, "SELECT campaign_id, level, parent_id FROM campaigns ORDER BY 1") == [
        ("x:ad:p1q2r", "ad", "x:ad_group:g7h8i"),
        ("x:ad_group:g7h8i", "ad_group", "x:campaign:f1a2b"),
        ("x:campaign:f1a2b", "campaign", None),
    ]
    assert q(
        ws,
        "SELECT metric_date, spend, spend_base, impressions, clicks, link_clicks, "
        "platform_conversions, platform_conversion_value, account_id FROM ad_metrics ORDER BY 1",
    ) == [
        (D(2025, 1, 6), 40.1, 40.1, 12000, 300, 210, 3.0, 250.0, "x:voltiqus"),
        (D(2025, 1, 7), 39.9, 39.9, 11500, 280, 190, 2.0, 180.0, "x:voltiqus"),
    ]


def test_overlapping_content_export_updates(ws, tmp_path):
    ws.import_files([CONTENT])
    newer = tmp_path / "@VoltiqUS" / "account_analytics_content_2025-01-01_2025-02-15.csv"
    newer.parent.mkdir()
    newer.write_text(CONTENT.read_text().replace('"12,345",140', '"15,000",150'))
    ws.import_files([newer])
    assert ws.store.count("post_metrics") == 2
    assert q(
        ws,
        "SELECT impressions, likes, as_of FROM post_metrics WHERE post_id='x:1876543210987654321'",
    ) == [(15000, 150, D(2025, 2, 15))]


def test_broken_date_fails_whole_file(ws):
    with pytest.raises(ImportFailed) as e:
        ws.import_files([ACC / "account_analytics_content_broken_2025-01-01_2025-01-31.csv"])
    assert (e.value.row, e.value.column, e.value.value) == (3, "Date", "someday")
    assert empty(ws)


def test_overview_without_account_asks_for_one(ws, tmp_path):
    f = tmp_path / "account_overview_analytics.csv"
    f.write_bytes((ACC / "account_overview_analytics.csv").read_bytes())
    with pytest.raises(ImportFailed) as e:
        ws.import_files([f])
    assert "--account" in str(e.value) and empty(ws)
    ws.import_files([f], account="@VoltiqUS", platform="x", report="account_daily")
    assert ws.store.count("account_metrics") == 2


# -- the demo writer -----------------------------------------------------------------------


def tiny_world() -> DemoWorld:
    start, end = D(2025, 1, 1), D(2025, 1, 2)
    frames = {name: pd.DataFrame(columns=list(cols)) for name, cols in COLUMNS.items()}

    def frame(name, rows):
        frames[name] = pd.DataFrame(rows, columns=list(COLUMNS[name]))

    frame(
        "accounts",
        [
            ["x:voltiqus", "x", "VoltiqUS", None, "Voltiq", "US", "USD", "UTC", "brand", "en"],
            ["x:voltiqmx", "x", "VoltiqMX", None, "Voltiq MX", "MX", "MXN", "UTC", "brand", "es"],
            [
                "x:voltiqglobal",
                "x",
                "VoltiqGlobal",
                None,
                "Voltiq",
                "CN",
                "USD",
                "UTC",
                "brand",
                "zh",
            ],
        ],
    )
    days = [start, end]
    acc_rows, posts, post_daily = [], [], []
    for k, h in enumerate(["VoltiqUS", "VoltiqMX", "VoltiqGlobal"]):
        for i, d in enumerate(days):
            acc_rows.append(
                ["x", h, d, 5000 + i, 9 + i, 2, 2000 + 10 * k + i, 0, 300 + i, 44 + i, 70 + i,
                 6 + i, 4 + i, 0, 0]
            )  # fmt: skip
        for j in range(2):
            nid = f"18765432109876{k}{j}000"
            posts.append(
                ["x", h, nid, pd.Timestamp(f"2025-01-0{1 + j} 15:00", tz="UTC"), D(2025, 1, 1 + j),
                 "text", f"Post {j}, hello", f"https://x.com/{h}/status/{nid}", False, None]
            )  # fmt: skip
            for i, d in enumerate(days):
                post_daily.append(
                    ["x", h, nid, d, 1000 + 10 * j + i, 0, 0, 20 + i, 3, 4 + j, 2, 11, 6, 0, 0.0, 1]
                )
    frame("account_daily", acc_rows)
    frame("posts", posts)
    frame("post_daily", post_daily)
    frame(
        "ads",
        [["x", "VoltiqMX", "18ce5", "c1", "MX Lanzamiento", "WEBSITE_CLICKS", "g1", "Fans",
          "a1", "Post promocionado", "MX", "MXN", "mx_launch"]],
    )  # fmt: skip
    frame(
        "ad_daily",
        [
            ["x", "a1", d, "MXN", 812.35 + i, 30000 + i, 0, 900, 600, 0, 4.0, 3999.5]
            for i, d in enumerate(days)
        ],
    )
    return DemoWorld(seed=1, scale="tiny", start=start, end=end, frames=frames)


def test_demo_writer_round_trip(tmp_path):
    from socialroi.demo.writers import x

    world = tiny_world()
    paths = x.write(world, tmp_path / "out")
    assert {p.parent.name for p in paths} == {"@VoltiqUS", "@VoltiqMX", "@VoltiqGlobal"}
    ws = Workspace.open(tmp_path / "w.duckdb")
    results = ws.import_files(paths)
    assert (
        sorted(r.report for r in results) == ["account_daily"] * 3 + ["ads"] + ["post_activity"] * 3
    )
    ad = world["account_daily"]
    got = q(
        ws,
        "SELECT account_id, metric_date, impressions, likes, comments, shares, follows, unfollows, "
        "profile_views, views FROM account_metrics ORDER BY 1, 2",
    )
    exp = sorted(
        (f"x:{r.handle.lower()}", r.date, r.impressions, r.likes, r.comments, r.shares, r.follows,
         r.unfollows, r.profile_views, r.views)
        for r in ad.itertuples()
    )  # fmt: skip
    assert got == exp
    sums = (
        world["post_daily"]
        .groupby("native_id")[
            ["impressions", "likes", "comments", "shares", "saves", "follows", "link_clicks"]
        ]
        .sum()
    )
    got = q(
        ws,
        "SELECT native_id, impressions, likes, comments, shares, saves, follows, link_clicks, "
        "as_of, id_mangled FROM posts JOIN post_metrics USING (post_id) ORDER BY 1",
    )
    assert got == [
        (nid, *[int(v) for v in r], world.end, False) for nid, r in sums.sort_index().iterrows()
    ]
    assert q(ws, "SELECT sum(rows) FROM dq_findings WHERE kind='mangled_id'") == [(3,)]
    [(spend, imps, cur)] = q(
        ws, "SELECT sum(spend), sum(impressions), min(currency) FROM ad_metrics"
    )
    assert (spend, imps, cur) == (pytest.approx(world["ad_daily"]["spend"].sum()), 60001, "MXN")
    ws.close()


def test_legacy_name_with_a_day_that_does_not_exist_reads_the_period_from_the_file(ws, tmp_path):
    """A renamed legacy export (`..._20210230_...`): the name's period is ignored and the
    file's own rows say it; it used to be refused as damaged."""
    f = tmp_path / "tweet_activity_metrics_VoltiqUS_20210230_20210901_en.csv"
    f.write_bytes((HERE / "tweet_activity_metrics_VoltiqUS_20210801_20210901_en.csv").read_bytes())
    [res] = ws.import_files([f])
    assert res.status == "loaded" and res.report == "post_activity"
    assert q(ws, "SELECT count(*) FROM posts") == [(2,)]
