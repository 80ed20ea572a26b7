"""TikTok Studio downloads and TikTok Ads Manager reports, imported through the workspace."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

from socialroi import Workspace
from socialroi.demo.world import COLUMNS, DemoWorld
from socialroi.errors import ImportFailed
from socialroi.model.currencies import ecb_rate
from tests.conftest import FIXTURES, table_totals

HERE = FIXTURES / "tiktok"
ACC = HERE / "@voltiq.us"
ADS = HERE / "@voltiq.ads"
D = dt.date


def q(ws, sql):
    return ws.store.raw.execute(sql).fetchall()


def findings(ws, batch):
    return q(
        ws,
        f'SELECT kind, row_number, "column", value, rows FROM dq_findings WHERE batch_id={batch}',
    )


def empty(ws):
    from socialroi.model.schema import TABLES

    return all(ws.store.count(t) == 0 for t in TABLES if t != "fx_rates")


OVERVIEW_ROWS = [
    (D(2024, 12, 30), 1204, 35, 120, 8, 3),
    (D(2024, 12, 31), 980, None, 101, 6, 2),
    (D(2025, 1, 1), 12560, 410, 1333, 57, 41),
    (D(2025, 1, 2), 7002, 220, 640, 25, 19),
]
OVERVIEW_SQL = (
    "SELECT metric_date, views, profile_views, likes, comments, shares FROM account_metrics "
    "WHERE account_id='tiktok:voltiq.us' ORDER BY metric_date"
)


def test_overview_year_rollover_suppressed_and_thousands(ws):
    [res] = ws.import_files([ACC / "Overview_2024-12-30_2025-01-02.csv"])
    assert (res.status, res.source, res.report) == ("loaded", "tiktok", "studio_overview")
    assert q(ws, OVERVIEW_SQL) == OVERVIEW_ROWS
    assert q(ws, "SELECT account_id, platform, handle FROM accounts") == [
        ("tiktok:voltiq.us", "tiktok", "@voltiq.us")
    ]
    assert {r[0] for r in q(ws, "SELECT batch_id FROM account_metrics")} == {res.batch_id}
    assert findings(ws, res.batch_id) == [("suppressed_value", 3, "Profile Views", "<5", 1)]
    period = q(
        ws, f"SELECT period_start, period_end FROM import_batches WHERE batch_id={res.batch_id}"
    )
    assert period == [(D(2024, 12, 30), D(2025, 1, 2))]


def test_reimport_is_unchanged(ws):
    ws.import_files([ACC / "Overview_2024-12-30_2025-01-02.csv"])
    before = table_totals(ws)
    [again] = ws.import_files([ACC / "Overview_2024-12-30_2025-01-02.csv"])
    assert again.status == "unchanged"
    assert table_totals(ws) == before


@pytest.mark.parametrize(
    "name", ["Overview_es_2024-12-30_2025-01-02.csv", "Overview_zh_2024-12-30_2025-01-02.csv"]
)
def test_spanish_and_chinese_downloads_import_to_the_same_values(ws, name):
    # es: UTF-8 BOM, `sep=;`, 1.204 thousands, "30 de diciembre"; zh: UTF-16, tabs, "12月30日"
    [res] = ws.import_files([HERE / name], account="@voltiq.us")
    assert res.report == "studio_overview"
    assert q(ws, OVERVIEW_SQL) == OVERVIEW_ROWS


def test_follower_history_undefined_cells_are_empty(ws):
    ws.import_files([ACC / "FollowerHistory_2024-12-30_2025-01-02.csv"])
    assert q(
        ws, "SELECT metric_date, followers, follower_change FROM account_metrics ORDER BY 1"
    ) == [
        (D(2024, 12, 30), None, 0),
        (D(2024, 12, 31), 10250, 12),
        (D(2025, 1, 1), 10301, 51),
        (D(2025, 1, 2), 10296, -5),
    ]


def test_daily_downloads_merge_into_one_row(ws):
    ws.import_files(
        [
            ACC / "Overview_2024-12-30_2025-01-02.csv",
            ACC / "FollowerHistory_2024-12-30_2025-01-02.csv",
        ]
    )
    assert ws.store.count("account_metrics") == 4  # Overview and FollowerHistory share the day
    assert q(ws, "SELECT views, followers FROM account_metrics WHERE metric_date='2025-01-01'") == [
        (12560, 10301)
    ]


def test_viewers_xlsx_without_year_asks_for_one(ws):
    with pytest.raises(ImportFailed) as e:
        ws.import_files([ACC / "Viewers.xlsx"])
    assert (e.value.row, e.value.column, e.value.value) == (2, "Date", "December 31")
    assert "--year" in str(e.value)
    assert empty(ws)
    [res] = ws.import_files([ACC / "Viewers.xlsx"], year=2024)
    assert res.report == "studio_viewers"
    assert q(
        ws, "SELECT metric_date, unique_viewers, new_viewers FROM account_metrics ORDER BY 1"
    ) == [
        (D(2024, 12, 31), 800, 500),
        (D(2025, 1, 1), 1500, 900),
        (D(2025, 1, 2), None, 0),
    ]


CONTENT_SQL = (
    "SELECT p.native_id, timezone('UTC', p.published_at), p.local_date, p.format, p.caption, m.grain, "
    "m.metric_date, m.as_of, m.views, m.likes, m.comments, m.shares, m.saves "
    "FROM posts p JOIN post_metrics m USING (post_id) ORDER BY p.native_id"
)


def test_content_posts_and_lifetime_snapshot(ws):
    [res] = ws.import_files([ACC / "Content_2025-01-01_2025-01-31.csv"])
    assert res.report == "studio_content"
    rows = q(ws, CONTENT_SQL)
    assert rows[0][:5] == (
        "7455012345678901234",
        dt.datetime(2025, 1, 8, 14, 5),
        D(2025, 1, 8),
        "video",
        "Unboxing the X2, finally",
    )
    assert rows[0][5:] == ("lifetime", D(2025, 1, 8), D(2025, 1, 31), 48100, 1240, 88, 31, 210)
    assert rows[1][8:] == (3300, 75, None, 2, 9)  # '-' is empty
    assert q(ws, "SELECT DISTINCT post_id, url FROM posts ORDER BY 1")[0] == (
        "tiktok:7455012345678901234",
        "https://www.tiktok.com/@voltiq.us/video/7455012345678901234",
    )


def test_content_in_account_time_zone(ws):
    ws.import_files([ACC / "Content_2025-01-01_2025-01-31.csv"], timezone="America/New_York")
    # 2025-01-02 03:30 UTC is still January 1 in New York
    assert q(ws, "SELECT local_date FROM posts WHERE native_id='7455098765432109876'") == [
        (D(2025, 1, 1),)
    ]


def test_older_snapshot_never_overwrites_newer(ws):
    ws.import_files([ACC / "Content_2025-01-01_2025-01-31.csv"])
    ws.import_files([ACC / "Content_2025-01-01_2025-01-15.csv"])
    assert ws.store.count("post_metrics") == 2
    assert q(
        ws, "SELECT views, as_of FROM post_metrics WHERE post_id='tiktok:7455012345678901234'"
    ) == [(48100, D(2025, 1, 31))]


def test_newer_snapshot_replaces_older(ws):
    ws.import_files([ACC / "Content_2025-01-01_2025-01-15.csv"])
    ws.import_files([ACC / "Content_2025-01-01_2025-01-31.csv"])
    assert ws.store.count("post_metrics") == 2
    assert q(ws, "SELECT views FROM post_metrics WHERE post_id='tiktok:7455012345678901234'") == [
        (48100,)
    ]


def test_content_post_time_without_year(ws, tmp_path):
    with pytest.raises(ImportFailed) as e:
        ws.import_files([HERE / "Content_nodate.csv"], account="voltiq.us")
    assert (e.value.row, e.value.column) == (2, "Post time")
    ws.import_files([HERE / "Content_nodate.csv"], account="voltiq.us", year=2024)
    assert q(ws, "SELECT local_date, published_at IS NULL FROM posts") == [(D(2024, 12, 28), True)]


def test_ads_manager_xlsx(ws):
    [res] = ws.import_files([ADS / "TikTok_Ads_Manager_20250101_20250102.xlsx"])
    assert (res.source, res.report) == ("tiktok", "ads")
    assert q(ws, "SELECT campaign_id, level, parent_id, name FROM campaigns ORDER BY level, 1") == [
        ("tiktok:ad:1820000000001001", "ad", "tiktok:ad_group:1820000000000101", "Unboxing v1"),
        ("tiktok:ad:1820000000001002", "ad", "tiktok:ad_group:1820000000000101", "Unboxing v2"),
        (
            "tiktok:ad_group:1820000000000101",
            "ad_group",
            "tiktok:campaign:1820000000000001",
            "Broad 18-34",
        ),
        ("tiktok:campaign:1820000000000001", "campaign", None, "US_Q1_Launch"),
    ]
    rows = q(
        ws,
        "SELECT entity_id, metric_date, period_end, currency, spend, spend_base, impressions, "
        "reach, clicks, link_clicks, video_views, platform_conversions, platform_conversion_value, "
        "account_id FROM ad_metrics ORDER BY metric_date, entity_id",
    )
    assert rows[0] == (
        "tiktok:ad:1820000000001001", D(2025, 1, 1), D(2025, 1, 1), "USD", 120.5, 120.5,
        15000, 12000, 410, 300, 9000, 4.0, 320.0, "tiktok:voltiq.ads",
    )  # fmt: skip
    assert len(rows) == 3 and sum(r[4] for r in rows) == pytest.approx(300.75)
    assert ("skipped_total_row", 5, None, "Total of 3 results", 1) in findings(ws, res.batch_id)
    assert q(ws, "SELECT account_id, kind, currency FROM accounts") == [
        ("tiktok:voltiq.ads", None, "USD")
    ]


def test_ads_spanish_csv_decimal_commas_and_mangled_id(ws):
    [res] = ws.import_files([ADS / "informe_anuncios_2025-01-03.csv"])
    assert res.report == "ads"
    [(entity, spend, spend_base, imps, value)] = q(
        ws,
        "SELECT entity_id, spend, spend_base, impressions, platform_conversion_value "
        "FROM ad_metrics",
    )
    mxn, usd = ecb_rate("MXN", D(2025, 1, 3))[0], ecb_rate("USD", D(2025, 1, 3))[0]
    assert (entity, spend, imps, value) == ("tiktok:ad:1.82E+15", 1234.5, 20000, 2999.9)
    assert spend_base == pytest.approx(1234.5 / mxn * usd)
    assert ("mangled_id", 3, "ID del anuncio", "1.82E+15", 1) in findings(ws, res.batch_id)


def test_broken_number_fails_whole_file(ws):
    with pytest.raises(ImportFailed) as e:
        ws.import_files([ACC / "Overview_broken_2025-01-01_2025-01-03.csv"])
    assert (e.value.row, e.value.column, e.value.value) == (3, "Video Views", "lots")
    assert empty(ws)


def test_export_without_account_asks_for_one(ws, tmp_path):
    f = tmp_path / "Overview_2024-12-30_2025-01-02.csv"
    shutil.copy(ACC / "Overview_2024-12-30_2025-01-02.csv", f)
    with pytest.raises(ImportFailed) as e:
        ws.import_files([f])
    assert "--account" in str(e.value)
    assert empty(ws)


def test_platform_and_report_override(ws, tmp_path):
    f = tmp_path / "@voltiq.us" / "weird.txt"
    f.parent.mkdir()
    shutil.copy(ACC / "Overview_2024-12-30_2025-01-02.csv", f)
    [res] = ws.import_files([f], platform="tiktok", report="studio_overview", year=2024)
    assert res.report == "studio_overview" and q(ws, OVERVIEW_SQL) == OVERVIEW_ROWS


def test_not_an_export_fails_cleanly(ws, tmp_path):
    f = tmp_path / "@voltiq.us" / "Overview.csv"
    f.parent.mkdir()
    f.write_text("Something,Else\n1,2\n")
    with pytest.raises(ImportFailed) as e:
        ws.import_files([f], platform="tiktok", report="studio_overview")
    assert e.value.row == 1 and empty(ws)


# -- the demo writer -----------------------------------------------------------------------


def tiny_world() -> DemoWorld:
    start, end = D(2025, 1, 1), D(2025, 1, 3)
    frames = {name: pd.DataFrame(columns=list(cols)) for name, cols in COLUMNS.items()}

    def frame(name, rows):
        frames[name] = pd.DataFrame(rows, columns=list(COLUMNS[name]))

    frame(
        "accounts",
        [
            [
                "tiktok:voltiq.us",
                "tiktok",
                "voltiq.us",
                None,
                "Voltiq US",
                "US",
                "USD",
                "UTC",
                "brand",
                "en",
            ],
            [
                "tiktok:voltiq.mx",
                "tiktok",
                "voltiq.mx",
                None,
                "Voltiq MX",
                "MX",
                "MXN",
                "UTC",
                "brand",
                "es",
            ],
            [
                "tiktok:voltiq.cn",
                "tiktok",
                "voltiq.cn",
                None,
                "Voltiq CN",
                "CN",
                "CNY",
                "UTC",
                "brand",
                "zh",
            ],
            [
                "tiktok:voltiq-ads",
                "tiktok",
                "voltiq-ads",
                "7001",
                "Voltiq Ads",
                "US",
                "USD",
                "UTC",
                "ads",
                "en",
            ],
        ],
    )
    days = [start + dt.timedelta(days=i) for i in range(3)]
    acc_rows, posts, post_daily = [], [], []
    for k, h in enumerate(["voltiq.us", "voltiq.mx", "voltiq.cn"]):
        followers = 1000 * (k + 1)
        for i, d in enumerate(days):
            follows, unfollows = 10 + i, 2
            followers += follows - unfollows
            acc_rows.append(
                ["tiktok", h, d, followers, follows, unfollows, 0, 0, 1500 + 100 * i + k, 40 + i,
                 90 + i, 5 + i, 3, 700 + i, 300 + i]
            )  # fmt: skip
        nid = f"74550000000000{k}0001"
        posts.append(
            ["tiktok", h, nid, pd.Timestamp("2025-01-01 18:30", tz="UTC"), D(2025, 1, 1), "video",
             f"Clip {k}, with a comma", f"https://www.tiktok.com/@{h}/video/{nid}", False, None]
        )  # fmt: skip
        for i, d in enumerate(days):
            post_daily.append(
                ["tiktok", h, nid, d, 0, 0, 1200 + i, 50 + i, 4, 2, 7, 0, 0, 0, 0.0, 1]
            )
    frame("account_daily", acc_rows)
    frame("posts", posts)
    frame("post_daily", post_daily)
    frame(
        "ads",
        [
            ["tiktok", "voltiq-ads", "7001", "1801", "US_Launch", "CONVERSIONS", "1802", "Broad",
             "1803", "Video A", "US", "USD", "us_launch"],
            ["tiktok", "voltiq-ads", "7001", "1801", "US_Launch", "CONVERSIONS", "1802", "Broad",
             "1804", "Video B", "US", "USD", "us_launch"],
        ],
    )  # fmt: skip
    frame(
        "ad_daily",
        [
            ["tiktok", ad, d, "USD", 50.25 + i, 10000 + i, 8000, 300, 200, 5000, 2.0, 99.5]
            for ad in ("1803", "1804")
            for i, d in enumerate(days)
        ],
    )
    return DemoWorld(seed=1, scale="tiny", start=start, end=end, frames=frames)


def test_demo_writer_round_trip(tmp_path):
    from socialroi.demo.writers import tiktok

    world = tiny_world()
    paths = tiktok.write(world, tmp_path / "out")
    assert all(p.exists() for p in paths)
    assert {p.parent.name for p in paths} == {
        "@voltiq.us",
        "@voltiq.mx",
        "@voltiq.cn",
        "@voltiq-ads",
    }
    # Each daily download fills its own columns of account_metrics; imported together they
    # share a row per day (see test_daily_downloads_merge_into_one_row).
    ad = world["account_daily"].sort_values(["handle", "date"])
    expected = {
        "Overview": ["views", "profile_views", "likes", "comments", "shares"],
        "FollowerHistory": ["followers", "follower_change"],
        "Viewers": ["unique_viewers", "new_viewers"],
    }
    for i, (prefix, cols) in enumerate(expected.items()):
        w = Workspace.open(tmp_path / f"daily{i}.duckdb")
        w.import_files([p for p in paths if p.name.startswith(prefix + "_")])
        got = w.store.raw.execute(
            f"SELECT account_id, metric_date, {', '.join(cols)} FROM account_metrics ORDER BY 1, 2"
        ).fetchall()
        world_cols = {**{c: ad[c] for c in ad}, "follower_change": ad["follows"] - ad["unfollows"]}
        exp = [
            (f"tiktok:{h}", d, *[int(world_cols[c].iloc[j]) for c in cols])
            for j, (h, d) in enumerate(zip(ad["handle"], ad["date"]))
        ]
        assert got == exp, prefix
        w.close()
    ws = Workspace.open(tmp_path / "w.duckdb")
    results = ws.import_files([p for p in paths if not p.name.startswith(tuple(expected))])
    assert {r.report for r in results} == {"studio_content", "ads"}
    pm = ws.store.raw.execute(
        "SELECT post_id, views, likes, comments, shares, saves, as_of FROM post_metrics ORDER BY 1"
    ).fetchall()
    sums = (
        world["post_daily"]
        .groupby("native_id")[["views", "likes", "comments", "shares", "saves"]]
        .sum()
    )
    assert pm == [
        (f"tiktok:{nid}", *[int(v) for v in r], world.end)
        for nid, r in sums.sort_index().iterrows()
    ]
    assert ws.store.raw.execute(
        "SELECT count(*), sum(spend), sum(impressions) FROM ad_metrics"
    ).fetchone() == (
        6,
        pytest.approx(world["ad_daily"]["spend"].sum()),
        int(world["ad_daily"]["impressions"].sum()),
    )
    assert ws.store.raw.execute(
        "SELECT count(*) FROM dq_findings WHERE kind='skipped_total_row'"
    ).fetchone() == (1,)
    ws.close()


def test_full_year_file_without_years_keeps_late_september_in_its_year(tmp_path):
    from socialroi import Workspace

    f = tmp_path / "@voltiq.us" / "Viewers_2025-10-01_2026-09-30.csv"
    f.parent.mkdir()
    days = pd.date_range("2025-10-01", "2026-09-30")
    rows = "".join(f'"{d:%B} {d.day}","{i}","{i}","0"\n' for i, d in enumerate(days))
    f.write_text('"Date","Total Viewers","New Viewers","Returning Viewers"\n' + rows)
    with Workspace.open(tmp_path / "w.duckdb") as ws:
        ws.import_files([f])
        lo, hi, n = ws.store.raw.execute(
            "SELECT min(metric_date), max(metric_date), count(*) FROM account_metrics"
        ).fetchone()
    assert (str(lo), str(hi), n) == ("2025-10-01", "2026-09-30", 365)
