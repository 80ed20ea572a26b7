"""Meta exports through the real workspace: Business Suite posts and Insights metrics, the
classic Page Insights post export and Ads Manager reports (fixtures: tests/fixtures/meta)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from socialroi import Workspace
from socialroi.errors import ImportFailed
from socialroi.land.importer import detect
from socialroi.model.aliases import ALIASES, LANGUAGES
from socialroi.model.currencies import ecb_rate
from socialroi.sources.base import ImportOptions, InputFile

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "meta"
POSTS = "Jan-01-2025_Jan-31-2025_1039829308656930.csv"
IG_EN = FIX / "ig_posts_en" / POSTS
IG_METRICS = FIX / "instagram" / "@voltiq.es"
FB_POSTS = FIX / "facebook" / "@voltiq.us" / "Feb-01-2025_Feb-28-2025_2035041197114989.csv"
CLASSIC = "Facebook Insights Data Export (Post Level) - Voltiq US - 2025-03-01"
ADS = "Voltiq-ES-Ads-Jan-1-2025-Jan-2-2025"
UTC = dt.UTC


def q(ws: Workspace, sql: str) -> list[dict]:
    """Rows as dicts (via Arrow: timestamps come back tz-aware without pytz)."""
    return ws.store.raw.execute(sql).to_arrow_table().to_pylist()


def findings(ws: Workspace, batch: int | None = None) -> dict[str, dict]:
    where = f"WHERE batch_id = {batch}" if batch else ""
    return {r["kind"]: r for r in q(ws, f"SELECT * FROM dq_findings {where} ORDER BY finding_no")}


def dump(ws: Workspace, table: str, order: str) -> list[dict]:
    return [
        {k: v for k, v in r.items() if k != "batch_id"}
        for r in q(ws, f'SELECT * FROM "{table}" ORDER BY {order}')
    ]


def empty(ws: Workspace) -> bool:
    tables = ("accounts", "posts", "post_metrics", "account_metrics", "campaigns", "ad_metrics")
    return all(ws.store.count(t) == 0 for t in tables) and ws.store.count("import_batches") == 0


def copy(src: Path, dst: Path) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, dst)
    return dst


# -- header aliases -------------------------------------------------------------------------


def test_every_meta_field_has_english_spanish_and_chinese_names():
    import socialroi.sources.meta  # noqa: F401

    reports = [k for k in ALIASES if k[0] == "meta"]
    assert {r for _, r in reports} >= {
        "business_suite_posts",
        "business_suite_metric",
        "page_insights_posts",
        "ads_manager",
    }
    for key in reports:
        for field, by_lang in ALIASES[key].items():
            for lang in LANGUAGES:
                assert by_lang.get(lang), f"{key} {field} has no {lang} header name"


@pytest.mark.parametrize(
    "path, report",
    [
        (IG_EN, "business_suite_posts"),
        (FIX / "ig_posts_es" / POSTS, "business_suite_posts"),
        (FIX / "ig_posts_zh" / POSTS, "business_suite_posts"),
        (FIX / "ig_posts_excel" / POSTS, "business_suite_posts"),
        (FB_POSTS, "business_suite_posts"),
        (IG_METRICS / "Reach.csv", "business_suite_metric"),
        (IG_METRICS / "Views.csv", "business_suite_metric"),
        (FIX / "insights_es" / "@voltiq.es" / "Alcance.csv", "business_suite_metric"),
        (FIX / "page_insights" / f"{CLASSIC}.csv", "page_insights_posts"),
        (FIX / "page_insights_xlsx" / f"{CLASSIC}.xlsx", "page_insights_posts"),
        (FIX / "ads_en" / f"{ADS}.csv", "ads_manager"),
        (FIX / "ads_es" / f"{ADS}.csv", "ads_manager"),
        (FIX / "ads_zh" / f"{ADS}.csv", "ads_manager"),
        (FIX / "ads_xlsx" / f"{ADS}.xlsx", "ads_manager"),
        (FIX / "ads_period" / "Voltiq-US-Campaigns-Jan-2025.csv", "ads_manager"),
    ],
)
def test_detected_from_content(path, report):
    r = detect(InputFile.from_path(path), ImportOptions())
    assert (r.source, r.name) == ("meta", report)


def test_platform_and_report_override(ws, tmp_path):
    # A renamed file still imports when the user names the format (instagram -> meta).
    f = copy(IG_METRICS / "Reach.csv", tmp_path / "@voltiq.es" / "export.txt")
    [res] = ws.import_files([f], platform="instagram", report="business_suite_metric")
    assert (res.source, res.report, res.rows_loaded) == ("meta", "business_suite_metric", 5)


# -- Business Suite posts -------------------------------------------------------------------


def test_instagram_post_export(ws):
    [res] = ws.import_files([IG_EN], timezone="Europe/Madrid", market="es")
    assert (res.status, res.source, res.report) == ("loaded", "meta", "business_suite_posts")
    assert (res.rows_read, res.tables) == (3, {"accounts": 1, "posts": 3, "post_metrics": 3})
    [acc] = dump(ws, "accounts", "account_id")
    assert acc == {
        "account_id": "instagram:voltiq.es",
        "platform": "instagram",
        "native_id": "17841400000000001",
        "handle": "voltiq.es",
        "name": "Voltiq España",
        "market": "ES",
        "currency": None,
        "timezone": "Europe/Madrid",
        "kind": None,
    }
    posts = dump(ws, "posts", "post_id")
    assert [p["post_id"] for p in posts] == [
        "instagram:18041234567890123",
        "instagram:18041234567890124",
        "instagram:18041234567890125",
    ]
    reel = posts[0]
    # 14:05 in Madrid (CET, UTC+1) is 13:05 UTC.
    assert reel["published_at"] == dt.datetime(2025, 1, 8, 13, 5, tzinfo=UTC)
    assert reel["local_date"] == dt.date(2025, 1, 8)
    assert (reel["format"], reel["caption"], reel["id_mangled"]) == (
        "reel",
        "Unboxing the V2, finally!",
        False,
    )
    assert reel["url"] == "https://www.instagram.com/reel/DEa1b2C3d4E/"
    assert [p["format"] for p in posts] == ["reel", "carousel", "image"]
    assert posts[2]["published_at"] == dt.datetime(2025, 1, 28, 20, 45, tzinfo=UTC)

    m = dump(ws, "post_metrics", "post_id")
    assert {(x["grain"], x["as_of"]) for x in m} == {("lifetime", dt.date(2025, 1, 31))}
    assert [x["metric_date"] for x in m] == [
        dt.date(2025, 1, 8),
        dt.date(2025, 1, 15),
        dt.date(2025, 1, 28),
    ]
    pick = ("impressions", "reach", "likes", "shares", "follows", "comments", "saves")
    assert [tuple(x[k] for k in pick) for x in m] == [
        (15000, 9800, 410, 120, 14, 20, 55),
        (2340, 1900, 88, 5, None, 12, 31),  # `<5` follows: suppressed
        (980, 700, 40, None, 2, 3, 9),  # `-` shares: empty
    ]
    assert {r["batch_id"] for r in q(ws, "SELECT batch_id FROM post_metrics")} == {res.batch_id}
    f = findings(ws, res.batch_id)
    assert set(f) == {"suppressed_value"}
    assert (f["suppressed_value"]["row_number"], f["suppressed_value"]["column"]) == (3, "Follows")


def test_publish_times_default_to_pacific_with_a_finding(ws):
    [res] = ws.import_files([IG_EN])
    [p] = q(ws, "SELECT published_at FROM posts WHERE native_id = '18041234567890123'")
    assert p["published_at"] == dt.datetime(2025, 1, 8, 22, 5, tzinfo=UTC)  # 14:05 PST
    f = findings(ws, res.batch_id)["assumed_timezone"]
    assert f["value"] == "America/Los_Angeles" and "--timezone" in f["message"]
    assert q(ws, "SELECT timezone FROM accounts")[0]["timezone"] is None


def test_reimport_is_unchanged(ws):
    [first] = ws.import_files([IG_EN], timezone="Europe/Madrid")
    before = dump(ws, "post_metrics", "post_id")
    [again] = ws.import_files([IG_EN], timezone="Europe/Madrid")
    assert (again.status, again.batch_id) == ("unchanged", first.batch_id)
    assert dump(ws, "post_metrics", "post_id") == before


@pytest.mark.parametrize("lang", ["es", "zh"])
def test_localized_post_exports_store_the_same_values(tmp_path, lang):
    def load(path: Path, name: str):
        with Workspace.open(tmp_path / f"{name}.duckdb") as w:
            w.import_files([path], timezone="Europe/Madrid")
            return {
                t: dump(w, t, k) for t, k in (("posts", "post_id"), ("post_metrics", "post_id"))
            }

    assert load(FIX / f"ig_posts_{lang}" / POSTS, lang) == load(IG_EN, "en")


def test_newer_snapshot_replaces_and_older_never_overwrites(ws):
    newer = FIX / "ig_posts_newer" / "Jan-01-2025_Feb-28-2025_1079717864577655.csv"
    ws.import_files([IG_EN], timezone="Europe/Madrid")
    [res] = ws.import_files([newer], timezone="Europe/Madrid")
    m = dump(ws, "post_metrics", "post_id")
    assert len(m) == 3 and ws.store.count("posts") == 3
    assert (m[0]["impressions"], m[0]["as_of"]) == (16500, dt.date(2025, 2, 28))
    assert {r["batch_id"] for r in q(ws, "SELECT batch_id FROM post_metrics")} == {res.batch_id}

    with Workspace.open(ws.path.replace(".duckdb", "_2.duckdb")) as w2:
        w2.import_files([newer], timezone="Europe/Madrid")
        w2.import_files([IG_EN], timezone="Europe/Madrid")  # an older export, imported later
        assert dump(w2, "post_metrics", "post_id") == m


def test_excel_resaved_export_keeps_mangled_ids_and_skips_total(ws):
    [res] = ws.import_files([FIX / "ig_posts_excel" / POSTS], timezone="Europe/Madrid")
    posts = dump(ws, "posts", "local_date")
    assert [p["native_id"] for p in posts] == ["1.80412E+16", "1.80412E+16#2", "1.80412E+16#3"]
    assert all(p["id_mangled"] for p in posts)
    assert res.rows_read == 4 and res.rows_skipped == 1
    f = findings(ws, res.batch_id)
    assert f["mangled_id"]["rows"] == 3 and f["mangled_id"]["column"] == "Post ID"
    assert (f["skipped_total_row"]["row_number"], f["skipped_total_row"]["value"]) == (5, "Total")
    # The Total row's sums are not stored anywhere.
    assert q(ws, "SELECT sum(impressions) AS s FROM post_metrics")[0]["s"] == 15000 + 2340 + 980


def test_facebook_post_export_in_a_handle_folder(ws):
    [res] = ws.import_files([FB_POSTS])
    [acc] = dump(ws, "accounts", "account_id")
    assert (acc["account_id"], acc["native_id"], acc["name"]) == (
        "facebook:voltiq.us",
        "104512345678901",
        "Voltiq US",
    )
    posts = dump(ws, "posts", "local_date")
    assert [p["post_id"] for p in posts] == [
        "facebook:122145678901234567",
        "facebook:122145678901234999",
    ]
    # Title vs Description: whichever holds the caption (the longer one).
    assert posts[1]["caption"] == "Watch the V2 in action — 30 seconds of pure speed #voltiq"
    assert posts[0]["caption"] == "Spring sale starts now"
    assert [p["format"] for p in posts] == ["image", "reel"]
    # 18:30 PST on Feb 10 is 02:30 UTC on Feb 11; the local date stays the 10th.
    assert posts[1]["published_at"] == dt.datetime(2025, 2, 11, 2, 30, tzinfo=UTC)
    assert posts[1]["local_date"] == dt.date(2025, 2, 10)
    m = dump(ws, "post_metrics", "metric_date")
    pick = ("impressions", "reach", "likes", "comments", "shares", "clicks", "link_clicks")
    assert [tuple(x[k] for k in pick) for x in m] == [
        (5400, 4100, 180, 30, 20, 310, 95),
        (12500, 8800, 640, 45, 70, 120, 0),
    ]
    assert (m[1]["watch_seconds"], m[1]["as_of"]) == (52000.0, dt.date(2025, 2, 28))
    assert "assumed_timezone" in findings(ws, res.batch_id)


def test_a_dated_row_is_daily_not_lifetime(ws, tmp_path):
    text = IG_EN.read_text(encoding="utf-8-sig")
    f = tmp_path / POSTS
    f.write_text(text.replace(",Lifetime,", ",2025-01-09,", 1), encoding="utf-8-sig")
    ws.import_files([f], timezone="Europe/Madrid")
    m = dump(ws, "post_metrics", "post_id")
    assert [(x["grain"], x["metric_date"]) for x in m] == [
        ("day", dt.date(2025, 1, 9)),
        ("lifetime", dt.date(2025, 1, 15)),
        ("lifetime", dt.date(2025, 1, 28)),
    ]


def test_repeated_autumn_hour_reads_as_summer_time(ws, tmp_path):
    text = IG_EN.read_text(encoding="utf-8-sig").replace("01/08/2025 14:05", "11/02/2025 01:30")
    f = tmp_path / "Nov-01-2025_Nov-30-2025_1.csv"
    f.write_text(text.replace("01/15/2025", "11/15/2025").replace("01/28/2025", "11/28/2025"))
    ws.import_files([f], timezone="America/Los_Angeles")
    p = q(ws, "SELECT published_at FROM posts WHERE native_id = '18041234567890123'")[0]
    assert p["published_at"] == dt.datetime(2025, 11, 2, 8, 30, tzinfo=UTC)  # 01:30 PDT


def test_publish_times_without_a_year(ws, tmp_path):
    with_period = FIX / "ig_posts_noyear" / "Jan-01-2025_Jan-31-2025_1332077769010819.csv"
    ws.import_files([with_period], timezone="Europe/Madrid")
    assert [r["local_date"] for r in q(ws, "SELECT local_date FROM posts ORDER BY 1")] == [
        dt.date(2025, 1, 8),
        dt.date(2025, 1, 15),
        dt.date(2025, 1, 28),
    ]
    bare = copy(FIX / "ig_posts_noyear" / "posts_export.csv", tmp_path / "x" / "posts.csv")
    with Workspace.open(tmp_path / "a.duckdb") as w:
        with pytest.raises(ImportFailed, match="--year") as e:
            w.import_files([bare])
        assert (e.value.row, e.value.column, e.value.value) == (2, "Publish time", "01/08 14:05")
        assert empty(w)
        [res] = w.import_files([bare], year=2025, timezone="Europe/Madrid")
        assert res.rows_loaded == 3 and "snapshot_date_assumed" in findings(w, res.batch_id)
        assert q(w, "SELECT max(local_date) AS d FROM posts")[0]["d"] == dt.date(2025, 1, 28)


@pytest.mark.parametrize(
    "old, new, row, column",
    [
        (',"15,000",', ",lots,", 2, "Views"),
        ("01/15/2025 09:30", "yesterday 9:30", 3, "Publish time"),
        (',Lifetime,"15,000"', ',someday,"15,000"', 2, "Date"),
        ("18041234567890124,", ",", 3, "Post ID"),
    ],
)
def test_broken_post_export_fails_whole_file(ws, tmp_path, old, new, row, column):
    text = IG_EN.read_text(encoding="utf-8-sig")
    assert old in text
    bad = tmp_path / POSTS
    bad.write_text(text.replace(old, new, 1), encoding="utf-8-sig")
    with pytest.raises(ImportFailed) as e:
        ws.import_files([bad])
    assert (e.value.row, e.value.column) == (row, column)
    assert "Nothing was imported" in str(e.value)
    assert empty(ws)


# -- Business Suite Insights metric exports ---------------------------------------------


def test_metric_export_utf16_with_sep_line(ws):
    [res] = ws.import_files([IG_METRICS / "Reach.csv"])
    assert (res.report, res.rows_read, res.rows_loaded) == ("business_suite_metric", 5, 5)
    rows = q(ws, "SELECT * FROM account_metrics ORDER BY metric_date")
    assert [(r["metric_date"], r["reach"]) for r in rows] == [
        (dt.date(2025, 1, d), v) for d, v in zip(range(1, 6), [1200, 1350, 980, 1410, 1105])
    ]
    assert {(r["account_id"], r["platform"], r["impressions"]) for r in rows} == {
        ("instagram:voltiq.es", "instagram", None)
    }
    [acc] = dump(ws, "accounts", "account_id")
    assert (acc["handle"], acc["platform"]) == ("voltiq.es", "instagram")


def test_metric_titles_map_to_columns(ws):
    ws.import_files([IG_METRICS / "Follows.csv"])
    rows = q(ws, "SELECT metric_date, follows FROM account_metrics ORDER BY 1")
    # Sparse: only days with follows are in the file.
    assert [(r["metric_date"].day, r["follows"]) for r in rows] == [(1, 3), (3, 5), (5, 2)]
    with Workspace.open(ws.path.replace(".duckdb", "_v.duckdb")) as w:
        w.import_files([IG_METRICS / "Views.csv"])  # Views (formerly Impressions)
        got = q(w, "SELECT sum(impressions) AS s, count(*) AS n FROM account_metrics")[0]
        assert (got["s"], got["n"]) == (3400 + 3900 + 2800 + 4100 + 3300, 5)


@pytest.mark.parametrize(
    "path", [FIX / "insights_es" / "@voltiq.es" / "Alcance.csv", FIX / "insights_zh" / "@voltiq.es"]
)
def test_localized_metric_exports(ws, path):
    [res] = ws.import_files([path], platform="instagram")  # neither title nor path says it
    rows = q(ws, "SELECT metric_date, reach FROM account_metrics ORDER BY 1")
    assert [r["reach"] for r in rows] == [1200, 1350, 980, 1410, 1105]
    if "insights_es" in str(path):  # the Spanish file carries a Total row
        f = findings(ws, res.batch_id)["skipped_total_row"]
        assert (f["row_number"], f["value"], res.rows_skipped) == (9, "Total", 1)


def test_link_clicks_are_stored(ws):
    [res] = ws.import_files([IG_METRICS / "Link clicks.csv"])
    assert ws.store.count("account_metrics") == 2 and res.rows_read == 2
    got = ws.store.raw.execute("SELECT sum(link_clicks) FROM account_metrics").fetchone()[0]
    assert got is not None and got > 0


def test_metric_export_needs_an_account(ws, tmp_path):
    f = copy(IG_METRICS / "Reach.csv", tmp_path / "Reach.csv")
    with pytest.raises(ImportFailed, match="--account"):
        ws.import_files([f])
    assert empty(ws)
    [res] = ws.import_files([f], account="@voltiq.es", platform="instagram")
    assert res.rows_loaded == 5


def test_unknown_metric_title_fails(ws, tmp_path):
    f = tmp_path / "@voltiq.es" / "x.csv"
    f.parent.mkdir()
    f.write_text('sep=,\n"Mood"\n"Date","Primary"\n"2025-01-01T00:00:00","3"\n')
    with pytest.raises(ImportFailed) as e:
        ws.import_files([f], platform="meta", report="business_suite_metric")
    assert (e.value.row, e.value.value) == (2, "Mood") and empty(ws)


def test_bad_metric_value_fails(ws, tmp_path):
    f = tmp_path / "instagram" / "@voltiq.es" / "Reach.csv"
    f.parent.mkdir(parents=True)
    f.write_text('sep=,\n"Reach"\n"Date","Primary"\n"2025-01-01T00:00:00","3"\n'
                 '"2025-01-02T00:00:00","n/a?"\n')  # fmt: skip
    with pytest.raises(ImportFailed) as e:
        ws.import_files([f])
    assert (e.value.row, e.value.column) == (5, "Primary") and empty(ws)


def test_metric_files_of_one_account_fill_one_row_per_day(ws):
    # One metric per file: each import fills its own column of the (account, day) row.
    ws.import_files([IG_METRICS])
    assert ws.store.count("account_metrics") == 5
    r = q(ws, "SELECT * FROM account_metrics WHERE metric_date = DATE '2025-01-03'")[0]
    assert (r["reach"], r["impressions"], r["follows"]) == (980, 2800, 5)
    r = q(ws, "SELECT * FROM account_metrics WHERE metric_date = DATE '2025-01-02'")[0]
    assert (r["reach"], r["impressions"], r["follows"]) == (1350, 3900, None)


# -- classic Page Insights post export ------------------------------------------------------


def classic_expected() -> list[tuple]:
    return [
        ("facebook:104512345678901_980422845355742", 4100, 5400, 420, 450, 95, 180, 30, 20, None),
        ("facebook:104512345678901_980216225376404", 8800, 12500, 900, 820, 0, 640, 45, 70, 6000),
    ]


CLASSIC_COLS = (
    "post_id", "reach", "impressions", "engagements", "clicks", "link_clicks", "likes",
    "comments", "shares", "video_views",
)  # fmt: skip


def test_classic_page_insights_csv(ws):
    [res] = ws.import_files([FIX / "page_insights" / f"{CLASSIC}.csv"])
    assert (res.report, res.rows_read) == ("page_insights_posts", 2)  # description row is not data
    m = dump(ws, "post_metrics", "metric_date")
    assert [tuple(x[k] for k in CLASSIC_COLS) for x in m] == classic_expected()
    assert {(x["grain"], x["as_of"]) for x in m} == {("lifetime", dt.date(2025, 3, 1))}
    posts = dump(ws, "posts", "local_date")
    assert [(p["format"], p["account_id"]) for p in posts] == [
        ("image", "facebook:104512345678901"),
        ("video", "facebook:104512345678901"),
    ]
    assert posts[0]["published_at"] == dt.datetime(2025, 2, 3, 18, 0, tzinfo=UTC)
    assert posts[0]["caption"] == "Spring sale, 20% off everything"


def test_classic_page_insights_xlsx_matches_csv(ws, tmp_path):
    ws.import_files([FIX / "page_insights_xlsx" / f"{CLASSIC}.xlsx"])
    m = dump(ws, "post_metrics", "metric_date")
    assert [tuple(x[k] for k in CLASSIC_COLS) for x in m] == classic_expected()
    with Workspace.open(tmp_path / "csv.duckdb") as w:
        w.import_files([FIX / "page_insights" / f"{CLASSIC}.csv"])
        assert dump(w, "posts", "post_id") == dump(ws, "posts", "post_id")


def test_classic_reads_the_total_count_of_repeated_headers(ws, tmp_path):
    # Swap the two `Lifetime Organic Video Views` columns (Total Count / Unique Users):
    # the description row, not the position, decides.
    src = FIX / "page_insights" / f"{CLASSIC}.csv"
    import csv
    import io

    rows = list(csv.reader(io.StringIO(src.read_text(encoding="utf-8-sig"))))
    for r in rows:
        r[19], r[20] = r[20], r[19]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    f = tmp_path / f"{CLASSIC}.csv"
    f.write_text(out.getvalue(), encoding="utf-8-sig")
    ws.import_files([f], account="voltiq.us", timezone="America/New_York")
    r = q(ws, "SELECT video_views FROM post_metrics WHERE video_views IS NOT NULL")[0]
    assert r["video_views"] == 6000
    p = q(ws, "SELECT account_id, published_at FROM posts ORDER BY local_date")[0]
    assert p == {
        "account_id": "facebook:voltiq.us",
        "published_at": dt.datetime(2025, 2, 3, 15, 0, tzinfo=UTC),
    }


def test_broken_classic_export(ws, tmp_path):
    src = FIX / "page_insights" / f"{CLASSIC}.csv"
    f = tmp_path / f"{CLASSIC}.csv"
    f.write_text(src.read_text(encoding="utf-8-sig").replace(",5400,", ",54OO,"), "utf-8")
    with pytest.raises(ImportFailed) as e:
        ws.import_files([f])
    assert (e.value.row, e.value.column, e.value.value) == (
        3,
        "Lifetime Post Total Impressions",
        "54OO",
    )
    assert empty(ws)


# -- Ads Manager ----------------------------------------------------------------------------


def usd(eur: float, day: dt.date) -> float:
    return eur * ecb_rate("USD", day)[0]


def ads_in(tmp_path: Path, lang: str = "en", ext: str = "csv") -> Path:
    return copy(
        FIX / f"ads_{lang}" / f"{ADS}.{ext}", tmp_path / lang / "@voltiq.es" / f"{ADS}.{ext}"
    )


AD_COLS = (
    "entity_id", "platform", "account_id", "campaign_id", "ad_group_id", "ad_id", "metric_date",
    "period_end", "currency", "spend", "impressions", "reach", "clicks", "link_clicks",
    "platform_conversions", "platform_conversion_value",
)  # fmt: skip


def ads_expected() -> list[tuple]:
    d1, d2 = dt.date(2025, 1, 1), dt.date(2025, 1, 2)

    def ad(p, n, d, spend, imp, reach, clicks, link, conv, value):
        base = "120210000000000"
        camp, grp, ad_ = (f"{base}001", f"{base}011", f"{base}111") if n == 1 else (
            f"{base}002", f"{base}022", f"{base}222")  # fmt: skip
        return (f"{p}:ad:{ad_}", p, f"{p}:voltiq.es", f"{p}:campaign:{camp}",
                f"{p}:ad_group:{grp}", f"{p}:ad:{ad_}", d, d, "EUR", spend, imp, reach, clicks,
                link, conv, value)  # fmt: skip

    return sorted(
        [
            ad("instagram", 1, d1, 120.5, 10400, 8200, 260, 210, 4.0, 396.0),
            ad("facebook", 1, d1, 80.25, 7300, 6100, 150, 120, 2.0, 198.0),
            ad("instagram", 1, d2, 130.0, 11000, 8700, 290, 230, 5.0, 495.0),
            ad("facebook", 1, d2, 75.75, 6900, 5800, 140, 110, 1.0, 99.0),
            ad("facebook", 2, d1, 1234.5, 52000, 30100, 1400, 900, 0.0, 0.0),
        ],
        key=lambda r: (r[0], r[6]),
    )


def ad_rows(ws: Workspace) -> list[tuple]:
    rows = q(ws, "SELECT * FROM ad_metrics ORDER BY entity_id, metric_date")
    return [tuple(r[k] for k in AD_COLS) for r in rows]


def test_ads_manager_daily_with_platform_breakdown(ws, tmp_path):
    [res] = ws.import_files([ads_in(tmp_path)], market="es")
    assert (res.report, res.rows_read, res.rows_skipped) == ("ads_manager", 6, 1)
    assert ad_rows(ws) == ads_expected()
    for r in q(ws, "SELECT metric_date, spend, spend_base, market FROM ad_metrics"):
        assert r["spend_base"] == pytest.approx(usd(r["spend"], r["metric_date"]))
        assert r["market"] == "ES"
    # The summary row at the bottom (no campaign, ad set or ad) is not stored.
    assert q(ws, "SELECT sum(spend) AS s FROM ad_metrics")[0]["s"] == pytest.approx(1641.0)
    f = findings(ws, res.batch_id)["skipped_total_row"]
    assert (f["row_number"], f["rows"]) == (7, 1)

    camps = {r["campaign_id"]: r for r in dump(ws, "campaigns", "campaign_id")}
    assert len(camps) == 9  # 2 campaigns, 2 ad sets, 2 ads; spring sale ran on both platforms
    ad = camps["instagram:ad:120210000000000111"]
    assert (ad["level"], ad["parent_id"], ad["name"], ad["utm_campaign"]) == (
        "ad",
        "instagram:ad_group:120210000000000011",
        "V2 hero reel",
        "es_spring_sale",
    )
    top = camps["instagram:campaign:120210000000000001"]
    assert (top["level"], top["parent_id"], top["name"], top["objective"]) == (
        "campaign",
        None,
        "ES | Spring Sale",
        "Sales",
    )
    assert top["utm_campaign"] == "es_spring_sale" and top["market"] == "ES"
    assert camps["facebook:campaign:120210000000000002"]["utm_campaign"] is None
    accounts = dump(ws, "accounts", "account_id")
    assert [(a["account_id"], a["handle"], a["kind"]) for a in accounts] == [
        ("facebook:voltiq.es", "voltiq.es", None),
        ("instagram:voltiq.es", "voltiq.es", None),
    ]


@pytest.mark.parametrize("lang, ext", [("es", "csv"), ("zh", "csv"), ("xlsx", "xlsx")])
def test_localized_and_xlsx_ads_reports_store_the_same_values(ws, tmp_path, lang, ext):
    ws.import_files([ads_in(tmp_path, lang, ext)])
    assert ad_rows(ws) == ads_expected()
    names = {r["name"] for r in q(ws, "SELECT name FROM campaigns")}
    assert "ES | Site visitors 30d" in names


def test_ads_overlapping_export_updates(ws, tmp_path):
    first = ads_in(tmp_path)
    ws.import_files([first])
    second = tmp_path / "v2" / "@voltiq.es" / f"{ADS}-v2.csv"
    second.parent.mkdir(parents=True)
    second.write_text(first.read_text("utf-8-sig").replace('"1,234.50"', '"1,300.00"'), "utf-8")
    [res] = ws.import_files([second])
    assert ws.store.count("ad_metrics") == 5
    r = q(ws, "SELECT spend, batch_id FROM ad_metrics WHERE entity_id LIKE '%222'")[0]
    assert (r["spend"], r["batch_id"]) == (1300.0, res.batch_id)


def test_ads_whole_period_report(ws, tmp_path):
    f = copy(
        FIX / "ads_period" / "Voltiq-US-Campaigns-Jan-2025.csv", tmp_path / "@voltiq.us" / "r.csv"
    )
    [res] = ws.import_files([f])
    rows = q(ws, "SELECT * FROM ad_metrics ORDER BY entity_id")
    assert [(r["entity_id"], r["metric_date"], r["period_end"]) for r in rows] == [
        ("facebook:campaign:120220000000000001", dt.date(2025, 1, 1), dt.date(2025, 1, 31)),
        ("facebook:campaign:120220000000000002", dt.date(2025, 1, 1), dt.date(2025, 1, 31)),
    ]
    assert [(r["spend"], r["currency"], r["spend_base"]) for r in rows] == [
        (2500.0, "USD", 2500.0),
        (800.0, "USD", 800.0),
    ]
    # Results count as conversions only when the result indicator is a purchase or lead.
    assert [r["platform_conversions"] for r in rows] == [61.0, None]
    assert [(r["ad_group_id"], r["ad_id"]) for r in rows] == [(None, None), (None, None)]
    assert "no_platform_breakdown" in findings(ws, res.batch_id)


def test_ads_manager_names_the_ad_account_when_no_handle_is_given(ws, tmp_path):
    f = tmp_path / "report.csv"
    f.write_text(
        "Account ID,Account name,Campaign name,Campaign ID,Reporting starts,Reporting ends,"
        "Amount spent (GBP),Impressions,Platform\n"
        "998877,Voltiq UK Ads,UK | Launch,1202,2025-03-01,2025-03-01,10.00,1000,instagram\n"
    )
    ws.import_files([f])
    [acc] = dump(ws, "accounts", "account_id")
    assert (acc["account_id"], acc["native_id"], acc["kind"], acc["currency"]) == (
        "instagram:act_998877",
        "998877",
        "ads",
        "GBP",
    )


@pytest.mark.parametrize(
    "header, row, match, at",
    [
        ("Amount spent", "10.00", "currency", (2, "Amount spent")),
        ("Amount spent (EUR)", "10..00", "not a number", (2, "Amount spent (EUR)")),
        (
            "Amount spent (EUR)",
            "10.00\n2025-03-02,2025-03-01,X,1,5",
            "ends before",
            (3, "Reporting ends"),
        ),
    ],
)
def test_broken_ads_report_fails_whole_file(ws, tmp_path, header, row, match, at):
    f = tmp_path / "@voltiq.es" / "r.csv"
    f.parent.mkdir()
    f.write_text(
        f"Reporting starts,Reporting ends,Campaign name,Campaign ID,{header}\n"
        f"2025-03-01,2025-03-01,UK | Launch,1202,{row}\n"
    )
    with pytest.raises(ImportFailed, match=match) as e:
        ws.import_files([f])
    assert (e.value.row, e.value.column) == at
    assert empty(ws)


def test_ads_currency_from_the_option(ws, tmp_path):
    f = tmp_path / "@voltiq.es" / "r.csv"
    f.parent.mkdir()
    f.write_text(
        "Reporting starts,Reporting ends,Campaign name,Amount spent\n"
        "2025-03-01,2025-03-01,UK | Launch,10.00\n"
    )
    [res] = ws.import_files([f], currency="gbp")
    r = q(ws, "SELECT entity_id, currency FROM ad_metrics")[0]
    assert r == {"entity_id": "facebook:campaign:UK | Launch", "currency": "GBP"}
    assert {"ids_from_names", "no_platform_breakdown"} <= set(findings(ws, res.batch_id))


# -- the accounts register hook -------------------------------------------------------------


def test_register_time_zone_is_used_when_the_importer_passes_it():
    """With `ctx.known_accounts` (see docs/sources/meta.md) the register's zone applies."""
    from socialroi.sources.base import Context
    from socialroi.sources.meta import posts

    ctx = Context(InputFile.from_path(IG_EN))
    ctx.known_accounts = {"instagram:voltiq.es": {"timezone": "Asia/Shanghai"}}
    staged = posts.parse(ctx.file, ctx)
    first = staged["posts"].sort_values("local_date").iloc[0]
    assert first["published_at"] == dt.datetime(2025, 1, 8, 6, 5, tzinfo=UTC)
    assert not [f for f in ctx.findings if f.kind == "assumed_timezone"]


def test_accounts_register_supplies_time_zone_and_currency(ws, tmp_path):
    reg = tmp_path / "accounts.csv"
    reg.write_text(
        "platform,handle,market,currency,timezone,kind\n"
        "instagram,voltiq.es,ES,EUR,Europe/Madrid,brand\n"
    )
    ws.import_files([reg])
    [res] = ws.import_files([IG_EN])  # no --timezone: the register's zone applies
    p = q(ws, "SELECT published_at FROM posts WHERE native_id = '18041234567890123'")[0]
    assert p["published_at"] == dt.datetime(2025, 1, 8, 13, 5, tzinfo=UTC)
    assert "assumed_timezone" not in findings(ws, res.batch_id)
    acc = q(ws, "SELECT timezone, market FROM accounts WHERE account_id = 'instagram:voltiq.es'")
    assert acc == [{"timezone": "Europe/Madrid", "market": "ES"}]  # the register's values kept
    ads = tmp_path / "ads" / "@voltiq.es" / "r.csv"
    ads.parent.mkdir(parents=True)
    ads.write_text(
        "Reporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent,Platform\n"
        "2025-03-01,2025-03-01,ES | Launch,1202,10.00,instagram\n"
    )
    ws.import_files([ads])
    r = q(ws, "SELECT currency, market FROM ad_metrics")[0]
    assert r == {"currency": "EUR", "market": "ES"}


def test_ads_other_breakdowns_are_summed(ws, tmp_path):
    f = tmp_path / "@voltiq.es" / "age.csv"
    f.parent.mkdir()
    f.write_text(
        "Reporting starts,Reporting ends,Ad name,Ad ID,Age,Platform,Amount spent (EUR),"
        "Impressions,Reach\n"
        "2025-03-01,2025-03-01,Hero,77,18-24,instagram,10.50,1000,800\n"
        "2025-03-01,2025-03-01,Hero,77,25-34,instagram,4.25,500,450\n"
        "2025-03-01,2025-03-01,Hero,77,25-34,facebook,3.00,300,290\n"
    )
    [res] = ws.import_files([f])
    rows = {r["entity_id"]: r for r in q(ws, "SELECT * FROM ad_metrics")}
    ig, fb = rows["instagram:ad:77"], rows["facebook:ad:77"]
    assert (ig["spend"], ig["impressions"], ig["reach"]) == (14.75, 1500, None)
    assert (fb["spend"], fb["impressions"], fb["reach"]) == (3.0, 300, 290)
    f = findings(ws, res.batch_id)["breakdown_summed"]
    assert (f["rows"], f["row_number"]) == (2, 2)
