"""The Meta demo writer: a tiny hand-built world, written as native exports and imported back
through the real importers, must store the world's own figures."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from socialroi import Workspace
from socialroi.demo.world import COLUMNS, DemoWorld
from socialroi.demo.writers.meta import write

UTC = dt.UTC
PERIOD = "Mar-01-2025_Mar-03-2025_"  # Business Suite names post exports by their period
D1, D2, D3 = dt.date(2025, 3, 1), dt.date(2025, 3, 2), dt.date(2025, 3, 3)

ACCOUNTS = [
    # account_id, platform, handle, native_id, name, market, currency, timezone, kind, language
    ("instagram:voltiq.es", "instagram", "voltiq.es", "17841400000000001", "Voltiq España", "ES",
     "EUR", "Europe/Madrid", "brand", "es"),
    ("facebook:voltiq.us", "facebook", "voltiq.us", "104512345678901", "Voltiq US", "US", "USD",
     "America/New_York", "brand", "en"),
    ("instagram:voltiq.cn", "instagram", "voltiq.cn", "17841400000000009", "Voltiq 中国", "CN",
     "CNY", "Asia/Shanghai", "brand", "zh"),
]  # fmt: skip
TZ = {a[2]: a[7] for a in ACCOUNTS}


def ts(y, m, d, h, mi):
    return pd.Timestamp(dt.datetime(y, m, d, h, mi, tzinfo=UTC))


POSTS = [
    # platform, handle, native_id, published_at (UTC), local_date, format, caption, url
    ("instagram", "voltiq.es", "18050000000000001", ts(2025, 3, 1, 9, 15), D1, "reel",
     "El V2 en 30 segundos", "https://www.instagram.com/reel/ES1/"),
    ("instagram", "voltiq.es", "18050000000000002", ts(2025, 3, 1, 23, 30), D2, "carousel",
     "Colores nuevos, ¿cuál te gusta?", "https://www.instagram.com/p/ES2/"),
    ("facebook", "voltiq.us", "122150000000000001", ts(2025, 3, 2, 3, 0), D1, "image",
     "Spring sale starts now", "https://www.facebook.com/104512345678901/posts/1"),
    ("facebook", "voltiq.us", "122150000000000002", ts(2025, 3, 2, 20, 45), D2, "reel",
     "Watch the V2 in action", "https://www.facebook.com/reel/2"),
    ("instagram", "voltiq.cn", "18050000000000003", ts(2025, 3, 1, 17, 0), D2, "image",
     "夜间充电小贴士", "https://www.instagram.com/p/CN1/"),
]  # fmt: skip


def post_daily() -> list[tuple]:
    rows = []
    for i, (platform, handle, nid, *_rest) in enumerate(POSTS, start=1):
        for k, day in enumerate((D2, D3), start=1):
            b = 1000 * i + 100 * k
            rows.append(
                (platform, handle, nid, day, b * 3, b * 2, 0, b // 10, b // 100, b // 50,
                 b // 40 if platform == "instagram" else 0, b // 20, b // 30, 0,
                 float(b * 5) if platform == "facebook" else 0.0, k + i)
            )  # fmt: skip
    return rows


ACCOUNT_DAILY = [
    # platform, handle, date, followers, follows, unfollows, impressions, reach, views,
    # profile_views, likes, comments, shares, unique_viewers, new_viewers
    ("instagram", "voltiq.es", D1, 5000, 12, 3, 8000, 4000, 0, 150, 300, 20, 10, 0, 0),
    ("instagram", "voltiq.es", D2, 5009, 14, 5, 9100, 4400, 0, 170, 320, 25, 12, 0, 0),
    ("facebook", "voltiq.us", D1, 12000, 30, 4, 21000, 15000, 0, 640, 800, 60, 40, 14000, 0),
    ("facebook", "voltiq.us", D2, 12026, 25, 8, 19000, 13900, 0, 600, 760, 55, 33, 13100, 0),
    ("instagram", "voltiq.cn", D1, 800, 2, 0, 1500, 900, 0, 35, 60, 4, 2, 0, 0),
]  # fmt: skip

ADS = [
    # platform, handle, account_native_id, campaign_native_id, campaign_name, objective,
    # ad_group_native_id, ad_group_name, ad_native_id, ad_name, market, currency, utm_campaign
    ("instagram", "voltiq.es", "act_1", "120230000000000001", "ES | Primavera", "Sales",
     "120230000000000011", "ES | Amplio", "120230000000000111", "Reel V2", "ES", "EUR",
     "es_primavera"),
    ("facebook", "voltiq.us", "act_2", "120230000000000002", "US | Spring", "Sales",
     "120230000000000022", "US | Broad", "120230000000000222", "Hero image", "US", "USD",
     "us_spring"),
    ("instagram", "voltiq.cn", "act_3", "120230000000000003", "CN | 春季", "Sales",
     "120230000000000033", "CN | 广泛", "120230000000000333", "夜间充电", "CN", "CNY", None),
]  # fmt: skip
AD_DAILY = [
    # platform, ad_native_id, date, currency, spend, impressions, reach, clicks, link_clicks,
    # video_views, conversions, conversion_value
    ("instagram", "120230000000000111", D1, "EUR", 1234.56, 40000, 21000, 900, 610, 3000, 12.0, 1188.0),
    ("instagram", "120230000000000111", D2, "EUR", 80.1, 3000, 2500, 70, 41, 200, 1.0, 99.0),
    ("facebook", "120230000000000222", D1, "USD", 310.0, 18000, 12000, 400, 260, 0, 5.0, 640.5),
    ("facebook", "120230000000000222", D2, "USD", 295.25, 17500, 11800, 380, 255, 0, 4.0, 512.0),
    ("instagram", "120230000000000333", D1, "CNY", 2100.0, 52000, 30000, 1200, 800, 5000, 9.0, 5400.0),
]  # fmt: skip


def frame(name: str, rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(COLUMNS[name]))


@pytest.fixture
def world() -> DemoWorld:
    w = DemoWorld(seed=7, scale="tiny", start=D1, end=D3)
    w.frames = {
        "accounts": frame("accounts", ACCOUNTS),
        "posts": frame("posts", [(*p, False, None) for p in POSTS]),
        "post_daily": frame("post_daily", post_daily()),
        "account_daily": frame("account_daily", ACCOUNT_DAILY),
        "ads": frame("ads", ADS),
        "ad_daily": frame("ad_daily", AD_DAILY),
    }
    return w


def q(ws: Workspace, sql: str) -> list[dict]:
    return ws.store.raw.execute(sql).to_arrow_table().to_pylist()


def import_world(world: DemoWorld, tmp_path, ws: Workspace) -> list:
    paths = write(world, tmp_path / "out")
    results = []
    for handle, tz in TZ.items():
        mine = [p for p in paths if p.parent.name == f"@{handle}" and p.name.startswith(PERIOD)]
        results += ws.import_files(mine, timezone=tz)
        ads = [p for p in paths if p.parent.name == f"@{handle}" and "-Ads-" in p.name]
        results += ws.import_files(ads)
    return results


def test_writer_paths_and_quirks(world, tmp_path):
    paths = write(world, tmp_path / "out")
    rel = sorted(str(p.relative_to(tmp_path / "out")) for p in paths)
    assert "facebook/@voltiq.us/Mar-01-2025_Mar-03-2025_104512345678901.csv" in rel
    assert "instagram/@voltiq.es/Mar-01-2025_Mar-03-2025_17841400000000001.csv" in rel
    assert "instagram/@voltiq.es/Voltiq-España-Ads-Mar-1-2025-Mar-2-2025.csv" in rel
    assert "facebook/@voltiq.us/Viewers.csv" in rel and "facebook/@voltiq.us/Reach.csv" in rel
    reach = (tmp_path / "out" / "instagram" / "@voltiq.es" / "Reach.csv").read_bytes()
    assert reach.startswith(b"\xff\xfe") and reach.decode("utf-16").startswith('sep=,\r\n"Alcance"')
    es_ads = next(p for p in paths if p.name.startswith("Voltiq-España-Ads"))
    text = es_ads.read_text("utf-8-sig")
    assert "Importe gastado (EUR)" in text and '"1234,56"' in text  # decimal comma
    assert text.splitlines()[-1].startswith("2025-03-01,2025-03-02,,")  # the summary row
    en_posts = next(p for p in paths if p.name.endswith("_104512345678901.csv"))
    assert '"24,900"' in en_posts.read_text("utf-8-sig")  # thousands separators


def test_written_posts_and_ads_import_to_the_worlds_figures(world, tmp_path, ws):
    results = import_world(world, tmp_path, ws)
    assert {(r.source, r.report) for r in results} == {
        ("meta", "business_suite_posts"),
        ("meta", "ads_manager"),
    }
    # posts: ids, UTC times, local dates, formats, captions
    stored = {r["post_id"]: r for r in q(ws, "SELECT * FROM posts")}
    assert len(stored) == len(POSTS)
    for platform, handle, nid, published, local, fmt, caption, url in POSTS:
        s = stored[f"{platform}:{nid}"]
        assert s["account_id"] == f"{platform}:{handle}"
        assert s["published_at"] == published.to_pydatetime()
        assert (s["local_date"], s["format"], s["caption"], s["url"]) == (local, fmt, caption, url)
    # lifetime figures = the world's daily figures summed
    daily = world["post_daily"].groupby(["platform", "native_id"]).sum(numeric_only=True)
    cols = {
        "instagram": ("impressions", "reach", "likes", "shares", "follows", "comments", "saves"),
        "facebook": ("impressions", "reach", "likes", "comments", "shares", "clicks",
                     "link_clicks", "watch_seconds"),
    }  # fmt: skip
    metrics = q(ws, "SELECT * FROM post_metrics")
    assert len(metrics) == len(POSTS)
    for m in metrics:
        platform, nid = m["post_id"].split(":")
        want = daily.loc[(platform, nid)]
        assert m["grain"] == "lifetime" and m["as_of"] == D3
        for c in cols[platform]:
            assert m[c] == pytest.approx(want[c]), (nid, c)
    # ads: one row per ad and day, in the ad's currency, split by platform
    ads = {(r["ad_id"], r["metric_date"]): r for r in q(ws, "SELECT * FROM ad_metrics")}
    assert len(ads) == len(AD_DAILY)
    platform_of = {a[8]: (a[0], a[1]) for a in ADS}
    for platform, ad, day, cur, spend, imp, reach, clicks, link, vv, conv, value in AD_DAILY:
        r = ads[(f"{platform}:ad:{ad}", day)]
        assert r["account_id"] == f"{platform}:{platform_of[ad][1]}"
        assert (r["currency"], r["period_end"], r["platform"]) == (cur, day, platform)
        assert r["spend"] == pytest.approx(spend)
        assert r["platform_conversion_value"] == pytest.approx(value)
        got = (r["impressions"], r["reach"], r["clicks"], r["link_clicks"], r["video_views"])
        assert got == (imp, reach, clicks, link, vv)
        assert r["platform_conversions"] == pytest.approx(conv)
    camps = {r["campaign_id"]: r for r in q(ws, "SELECT * FROM campaigns")}
    for a in ADS:
        c = camps[f"{a[0]}:campaign:{a[3]}"]
        assert (c["name"], c["objective"], c["utm_campaign"]) == (a[4], a[5], a[12])
        assert camps[f"{a[0]}:ad:{a[8]}"]["parent_id"] == f"{a[0]}:ad_group:{a[6]}"
    # the summary rows were skipped, once per Ads Manager file
    skipped = q(ws, "SELECT count(*) AS n FROM dq_findings WHERE kind = 'skipped_total_row'")
    assert skipped[0]["n"] == 3


def test_written_insights_metrics_import_to_the_worlds_figures(world, tmp_path, ws):
    paths = write(world, tmp_path / "out")
    col_of = {"Reach": "reach", "Views": "impressions", "Follows": "follows",
              "Unfollows": "unfollows", "Profile visits": "profile_views",
              "Viewers": "unique_viewers"}  # fmt: skip
    metric_files = [p for p in paths if p.stem in col_of]
    results = ws.import_files(metric_files)
    assert {r.report for r in results} == {"business_suite_metric"}
    stored = {
        (r["account_id"], r["metric_date"]): r for r in q(ws, "SELECT * FROM account_metrics")
    }
    assert len(stored) == len(ACCOUNT_DAILY)  # one row per account and day, all metrics on it
    for a in ACCOUNT_DAILY:
        r = stored[(f"{a[0]}:{a[1]}", a[2])]
        for col in col_of.values():
            want = a[COLUMNS["account_daily"].index(col)]
            if col == "unique_viewers" and a[0] == "instagram":
                want = None  # Instagram's Insights exports have no Viewers series
            assert r[col] == want, (a[:3], col)


@pytest.mark.parametrize("lang", ["es", "zh"])
def test_facebook_exports_in_spanish_and_chinese(world, tmp_path, ws, lang):
    acc = world.frames["accounts"]
    acc.loc[acc["platform"] == "facebook", "language"] = lang
    paths = write(world, tmp_path / "out")
    fb = [p for p in paths if p.parent.name == "@voltiq.us"]
    ws.import_files([p for p in fb if p.name.startswith(PERIOD)], timezone="America/New_York")
    ws.import_files([p for p in fb if "-Ads-" in p.name])
    metrics = {r["post_id"]: r for r in q(ws, "SELECT * FROM post_metrics")}
    daily = world["post_daily"].groupby("native_id").sum(numeric_only=True)
    for nid in ("122150000000000001", "122150000000000002"):
        m, want = metrics[f"facebook:{nid}"], daily.loc[nid]
        for c in ("impressions", "reach", "likes", "comments", "shares", "clicks", "link_clicks"):
            assert m[c] == want[c], (lang, nid, c)
    formats = {r["native_id"]: r["format"] for r in q(ws, "SELECT native_id, format FROM posts")}
    assert formats == {"122150000000000001": "image", "122150000000000002": "reel"}
    spend = q(ws, "SELECT sum(spend) AS s FROM ad_metrics")[0]["s"]
    assert spend == pytest.approx(310.0 + 295.25)
    for p in fb:
        if p.stem in ("Reach", "Profile visits", "Viewers"):
            [res] = ws.import_files([p])
            assert res.report == "business_suite_metric" and res.rows_loaded == 2
