"""Content tables on a small workspace whose figures are worked out by hand below."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialroi import Workspace
from socialroi.measure.content import formats_table, posts_table, publishing_vs_engagement
from tests.conftest import insert

UTC = dt.UTC


def post(pid, platform, day, fmt="video", account=None, caption="hi"):
    return dict(
        post_id=f"{platform}:{pid}", platform=platform, account_id=account or f"{platform}:a",
        native_id=pid, published_at=dt.datetime(2026, 7, day, 10, tzinfo=UTC),
        local_date=dt.date(2026, 7, day), format=fmt, caption=caption,
        url=f"https://example.com/{pid}",
    )  # fmt: skip


@pytest.fixture
def ws(tmp_path):
    """July 2026. TikTok (US): p1 lifetime snapshot views 1000, likes 40, comments 10 (no
    engagements column, no impressions) and an older snapshot that must not count; p2 in June
    (outside the period). YouTube (DE): y1 has a lifetime snapshot (engagements 30,
    impressions 600) AND daily rows (which must not add up on top); y2 daily rows only:
    impressions 100 + 200, engagements 5 + 7."""
    ws = Workspace.open(tmp_path / "c.duckdb", base_currency="USD")
    insert(ws, "accounts", [
        dict(account_id="tiktok:a", platform="tiktok", handle="@shop.us", market="US"),
        dict(account_id="youtube:a", platform="youtube", handle="Shop DE", market="DE"),
    ])  # fmt: skip
    june = post("p2", "tiktok", 1)
    june.update(published_at=dt.datetime(2026, 6, 1, tzinfo=UTC), local_date=dt.date(2026, 6, 1))
    insert(ws, "posts", [post("p1", "tiktok", 3), june, post("y1", "youtube", 5),
                         post("y2", "youtube", 6, fmt="short")])  # fmt: skip
    life = dict(grain="lifetime", metric_date=dt.date(2026, 7, 3))
    insert(ws, "post_metrics", [
        dict(post_id="tiktok:p1", platform="tiktok", account_id="tiktok:a", **life,
             as_of=dt.date(2026, 7, 31), views=1000, likes=40, comments=10),
        dict(post_id="tiktok:p1", platform="tiktok", account_id="tiktok:a", grain="lifetime",
             metric_date=dt.date(2026, 7, 4), as_of=dt.date(2026, 7, 10), views=10, likes=1),
        dict(post_id="tiktok:p2", platform="tiktok", account_id="tiktok:a", grain="lifetime",
             metric_date=dt.date(2026, 6, 1), as_of=dt.date(2026, 7, 31), views=99, likes=9),
        dict(post_id="youtube:y1", platform="youtube", account_id="youtube:a", grain="lifetime",
             metric_date=dt.date(2026, 7, 5), as_of=dt.date(2026, 7, 31), impressions=600,
             engagements=30, views=300),
        dict(post_id="youtube:y1", platform="youtube", account_id="youtube:a", grain="day",
             metric_date=dt.date(2026, 7, 5), as_of=dt.date(2026, 7, 5), impressions=500,
             engagements=20),
        dict(post_id="youtube:y2", platform="youtube", account_id="youtube:a", grain="day",
             metric_date=dt.date(2026, 7, 6), as_of=dt.date(2026, 7, 6), impressions=100,
             engagements=5),
        dict(post_id="youtube:y2", platform="youtube", account_id="youtube:a", grain="day",
             metric_date=dt.date(2026, 7, 7), as_of=dt.date(2026, 7, 7), impressions=200,
             engagements=7),
    ])  # fmt: skip
    yield ws
    ws.close()


def test_posts_in_the_period_with_snapshot_or_daily_sums(ws):
    df = posts_table(ws, "2026-07").set_index("post_id")
    assert sorted(df.index) == ["tiktok:p1", "youtube:y1", "youtube:y2"]
    p1 = df.loc["tiktok:p1"]
    assert p1.market == "US" and p1.account == "@shop.us"
    assert p1.views == 1000 and p1.engagements == 50  # likes + comments, newest snapshot
    assert p1.engagement_rate_impressions == pytest.approx(50 / 1000)  # views stand in
    y1 = df.loc["youtube:y1"]
    assert y1.impressions == 600 and y1.engagements == 30  # the snapshot, not 600 + 500
    y2 = df.loc["youtube:y2"]
    assert y2.impressions == 300 and y2.engagements == 12
    assert y2.engagement_rate_impressions == pytest.approx(12 / 300)


def test_filters(ws):
    assert list(posts_table(ws, "2026-07", platforms=["youtube"]).platform.unique()) == ["youtube"]
    assert list(posts_table(ws, "2026-07", markets=["US"]).post_id) == ["tiktok:p1"]
    assert posts_table(ws, "2026-08").empty
    assert publishing_vs_engagement(ws, "2026-08").empty


def test_publishing_vs_engagement_is_ratio_of_sums(ws):
    df = publishing_vs_engagement(ws, "2026-07").set_index("platform")
    yt = df.loc["youtube"]
    assert yt.posts == 2 and yt.engagements == 42 and yt.impressions == 900
    assert yt.engagements_per_post == pytest.approx(21)
    assert yt.engagement_rate_impressions == pytest.approx(42 / 900)  # not the mean of rates
    assert df.loc["tiktok"].posts == 1


def test_formats(ws):
    df = formats_table(ws, "2026-07").set_index(["platform", "format"])
    assert df.loc[("youtube", "short")].posts == 1
    assert df.loc[("youtube", "video")].engagements == 30


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.sampled_from(["tiktok", "youtube"]), st.integers(0, 500)),
                min_size=1, max_size=12))  # fmt: skip
def test_platform_rows_add_up_to_the_posts(tmp_path_factory, rows):
    """Invariant: publishing_vs_engagement per platform = the sums of posts_table's rows."""
    path = tmp_path_factory.mktemp("h") / "h.duckdb"
    ws = Workspace.open(path, base_currency="USD")
    try:
        insert(ws, "accounts", [dict(account_id=f"{p}:a", platform=p, market="US")
                                for p in ("tiktok", "youtube")])  # fmt: skip
        insert(ws, "posts", [post(f"n{i}", p, 1 + i % 28) for i, (p, _) in enumerate(rows)])
        insert(ws, "post_metrics", [
            dict(post_id=f"{p}:n{i}", platform=p, account_id=f"{p}:a", grain="lifetime",
                 metric_date=dt.date(2026, 7, 1 + i % 28), as_of=dt.date(2026, 7, 31),
                 impressions=1000, likes=likes)
            for i, (p, likes) in enumerate(rows)
        ])  # fmt: skip
        posts = posts_table(ws, "2026-07")
        agg = publishing_vs_engagement(ws, "2026-07").set_index("platform")
        for p, g in posts.groupby("platform"):
            assert agg.loc[p].posts == len(g)
            assert agg.loc[p].engagements == g.engagements.sum()
            assert agg.loc[p].engagement_rate_impressions == pytest.approx(
                g.engagements.sum() / g.impressions.sum()
            )
    finally:
        ws.close()


def test_accounts_table_adds_up_the_posts_and_reads_followers(ws):
    from socialroi.measure.content import accounts_table

    insert(ws, "account_metrics", [
        dict(account_id="tiktok:a", platform="tiktok", metric_date=dt.date(2026, 7, d),
             followers=f) for d, f in ((1, 1000), (15, 1100), (31, 1250))
    ])  # fmt: skip
    got = accounts_table(ws, "2026-07").set_index("account")
    shop = got.loc["@shop.us"]
    assert shop.posts == 1 and shop.engagements == 50
    assert shop.followers == 1250 and shop.follower_growth == pytest.approx(0.25)
    assert math.isnan(shop.reach)  # TikTok reports no reach: unknown, not 0
    de = got.loc["Shop DE"]
    assert de.posts == 2 and de.engagements == 42 and math.isnan(de.followers)
    assert de.engagement_rate_impressions == pytest.approx(42 / 900)
