"""LinkedIn: Page analytics workbooks and Campaign Manager reports, through the real workspace."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from socialroi import Workspace
from socialroi.demo.world import DemoWorld
from socialroi.errors import ImportFailed
from socialroi.model.aliases import ALIASES, LANGUAGES
from socialroi.model.currencies import ecb_rate
from socialroi.model.schema import TABLES
from socialroi.sources.base import REPORTS

FIX = Path(__file__).parents[1] / "fixtures" / "linkedin"
CONTENT = FIX / "voltiq_content_1736380800000.xls"
CONTENT_LATER = FIX / "voltiq_content_1736985600000.xls"
FOLLOWERS = FIX / "voltiq_followers_1736380800000.xlsx"
VISITORS = FIX / "voltiq_visitors_1736380800000.xls"
CAMPAIGNS = FIX / "campaign_performance_report.csv"
ADS = FIX / "ad_performance_report.csv"
D6, D7, D8, D9 = (dt.date(2025, 1, d) for d in (6, 7, 8, 9))
A1, A2, A3 = (
    "linkedin:7282000000000000001",
    "linkedin:7282000000000000002",
    ("linkedin:ugcPost:7282000000000000003"),
)


@pytest.fixture
def ws(tmp_path):
    w = Workspace.open(tmp_path / "w.duckdb")
    yield w
    w.close()


def q(ws: Workspace, sql: str, *args) -> list[tuple]:
    return ws.store.raw.execute(sql, list(args)).fetchall()


def findings(ws: Workspace, batch: int) -> list[tuple]:
    return q(
        ws,
        'SELECT kind, row_number, "column", value, rows FROM dq_findings WHERE batch_id = ? '
        "ORDER BY finding_no",
        batch,
    )


def all_empty(ws: Workspace) -> bool:
    return all(ws.store.count(t) == 0 for t in TABLES if t != "fx_rates")


def frame(ws: Workspace, table: str, order: str) -> pd.DataFrame:
    df = ws.store.raw.execute(f'SELECT * FROM "{table}" ORDER BY {order}').df()
    return df.drop(columns=["batch_id"])


# -- content export ------------------------------------------------------------------------


def test_content_export(ws):
    [res] = ws.import_files([CONTENT])
    assert (res.status, res.source, res.report) == ("loaded", "linkedin", "page_content")
    b = res.batch_id
    assert q(ws, "SELECT account_id, platform, handle, batch_id FROM accounts") == [
        ("linkedin:voltiq", "linkedin", "@voltiq", b)
    ]
    days = q(
        ws,
        "SELECT metric_date, impressions, reach, likes, comments, shares, views, batch_id "
        "FROM account_metrics ORDER BY 1",
    )
    assert days == [
        (D6, 1200, 800, 25, 3, 2, None, b),
        (D7, 1450, 950, 31, 4, 1, None, b),  # "1,450" with a thousands separator
        (D8, 980, 610, 18, None, 2, None, b),  # "-" is empty, not zero
    ]
    posts = q(
        ws,
        "SELECT post_id, native_id, local_date, published_at, format, caption, url, promoted, "
        "id_mangled FROM posts ORDER BY local_date",
    )
    assert posts[0] == (
        A1, "7282000000000000001", D6, None, "image", "Meet the Voltiq X2 charger ⚡",
        "https://www.linkedin.com/feed/update/urn:li:activity:7282000000000000001/", False, False,
    )  # fmt: skip
    assert posts[1][4] == "video" and posts[1][7] is False
    assert posts[2][:3] == (A3, "ugcPost:7282000000000000003", D8)
    assert (posts[2][4], posts[2][7]) == ("carousel", True)
    metrics = q(
        ws,
        "SELECT post_id, grain, metric_date, as_of, impressions, video_views, clicks, likes, "
        "comments, shares, follows FROM post_metrics ORDER BY metric_date",
    )
    assert metrics == [
        (A1, "lifetime", D6, D8, 2100, None, 95, 60, 7, 4, 3),
        (A2, "lifetime", D7, D8, 1800, 640, 40, 33, 2, 1, None),  # "<5" follows
        (A3, "lifetime", D8, D8, 12500, None, 310, 120, 9, 6, 14),
    ]
    assert findings(ws, b) == [("suppressed_value", 4, "sheet 'All posts': Follows", "<5", 1)]
    assert q(ws, "SELECT rows_read, rows_skipped FROM import_batches") == [(6, 0)]


def test_reimport_is_unchanged(ws):
    [first] = ws.import_files([CONTENT])
    before = {t: ws.store.count(t) for t in TABLES}
    [again] = ws.import_files([CONTENT])
    assert (again.status, again.batch_id) == ("unchanged", first.batch_id)
    assert {t: ws.store.count(t) for t in TABLES} == before


def test_overlapping_content_updates_instead_of_double_counting(ws):
    ws.import_files([CONTENT])
    [later] = ws.import_files([CONTENT_LATER])
    assert q(ws, "SELECT count(*), sum(impressions) FROM account_metrics") == [
        (4, 1200 + 1450 + 1010 + 700)
    ]
    assert q(ws, "SELECT impressions, batch_id FROM account_metrics WHERE metric_date = ?", D8) == [
        (1010, later.batch_id)
    ]
    assert q(ws, "SELECT count(*) FROM post_metrics") == [(3,)]
    assert q(ws, "SELECT impressions, as_of FROM post_metrics WHERE post_id = ?", A1) == [
        (2300, D9)
    ]


def test_an_older_snapshot_imported_later_does_not_win(ws):
    ws.import_files([CONTENT_LATER])
    ws.import_files([CONTENT])
    assert q(ws, "SELECT impressions, as_of FROM post_metrics WHERE post_id = ?", A1) == [
        (2300, D9)
    ]


@pytest.mark.parametrize("lang", ["es", "zh"])
def test_localized_content_imports_to_the_same_values(tmp_path, lang):
    with Workspace.open(tmp_path / "en.duckdb") as en, Workspace.open(tmp_path / "l.duckdb") as lw:
        en.import_files([CONTENT])
        [res] = lw.import_files([FIX / lang / CONTENT.with_suffix(".xlsx").name])
        assert res.report == "page_content"
        for table, order in (
            ("account_metrics", "metric_date"),
            ("posts", "post_id"),
            ("post_metrics", "post_id"),
            ("accounts", "account_id"),
        ):
            pd.testing.assert_frame_equal(frame(lw, table, order), frame(en, table, order))


def test_page_named_by_account_option_or_folder_when_the_file_is_renamed(ws, tmp_path):
    renamed = tmp_path / "export.xls"
    shutil.copy(CONTENT, renamed)
    with pytest.raises(ImportFailed, match="--account"):
        ws.import_files([renamed])
    assert all_empty(ws)
    ws.import_files([renamed], account="@voltiq-europe")
    assert q(ws, "SELECT DISTINCT account_id FROM posts") == [("linkedin:voltiq-europe",)]
    # Without the export time in the name, the Metrics sheet's last day is the snapshot day.
    assert q(ws, "SELECT DISTINCT as_of FROM post_metrics") == [(D8,)]
    folder = tmp_path / "@voltiq-asia"
    folder.mkdir()
    other = folder / "export (2).xls"
    shutil.copy(CONTENT_LATER, other)
    ws.import_files([other])
    assert ("linkedin:voltiq-asia",) in q(ws, "SELECT account_id FROM accounts")


# -- followers and visitors ----------------------------------------------------------------


def test_followers_export_new_follows_per_day(ws):
    [res] = ws.import_files([FOLLOWERS])
    assert res.report == "page_followers"
    assert q(
        ws, "SELECT metric_date, follows, followers, impressions FROM account_metrics ORDER BY 1"
    ) == [
        (D6, 13, None, None),
        (D7, 10, None, None),
        (D8, 12, None, None),
    ]  # "Total followers" there is the day's new followers, not the running total
    assert findings(ws, res.batch_id) == []  # demographic sheets are simply not read


def test_visitors_export_page_views(ws):
    [res] = ws.import_files([VISITORS])
    assert res.report == "page_visitors"
    assert q(ws, "SELECT metric_date, profile_views FROM account_metrics ORDER BY 1") == [
        (D6, 54),
        (D7, 56),
        (D8, 32),
    ]


def test_page_exports_fill_one_row_per_day(ws):
    ws.import_files([CONTENT, FOLLOWERS, VISITORS])
    assert q(
        ws,
        "SELECT impressions, follows, profile_views FROM account_metrics WHERE metric_date = ?",
        D6,
    ) == [(1200, 13, 54)]


# -- Campaign Manager ----------------------------------------------------------------------


def test_campaign_manager_report(ws):
    [res] = ws.import_files([CAMPAIGNS])
    assert (res.source, res.report, res.rows_skipped) == ("linkedin", "campaign_manager", 1)
    b = res.batch_id
    usd = {d: ecb_rate("USD", d)[0] for d in (D6, D7)}
    rows = q(
        ws,
        "SELECT entity_id, account_id, campaign_id, ad_id, metric_date, period_end, currency, "
        "spend, spend_base, impressions, clicks, link_clicks, video_views, platform_conversions, "
        "platform_conversion_value, batch_id FROM ad_metrics ORDER BY metric_date, entity_id",
    )
    c1, c2 = "linkedin:campaign:512345678", "linkedin:campaign:512349999"
    acct = "linkedin:voltiq electronics"
    assert [r[:7] for r in rows] == [
        (c1, acct, c1, None, D6, D6, "EUR"),
        (c1, acct, c1, None, D7, D7, "EUR"),
        (c2, acct, c2, None, D7, D7, "EUR"),
    ]
    assert rows[0][7:] == (
        1234.5,
        pytest.approx(1234.5 * usd[D6]),
        45000,
        320,
        280,
        0,
        4.0,
        520.0,
        b,
    )
    assert rows[1][13] == 2.5 and rows[2][12] == 1200
    assert q(
        ws,
        "SELECT campaign_id, level, native_id, name, objective, parent_id FROM campaigns ORDER BY 1",
    ) == [
        (c1, "campaign", "512345678", "Q1 Awareness - DE", "Brand awareness", None),
        (c2, "campaign", "512349999", "B2B Leads - ES", "Lead generation", None),
    ]
    assert q(ws, "SELECT account_id, handle, name, currency FROM accounts") == [
        (acct, None, "Voltiq Electronics", "EUR")
    ]
    assert findings(ws, b) == [("skipped_total_row", 9, None, "Total", 1)]


@pytest.mark.parametrize("lang", ["es", "zh"])
def test_localized_campaign_reports_import_to_the_same_values(tmp_path, lang):
    with Workspace.open(tmp_path / "en.duckdb") as en, Workspace.open(tmp_path / "l.duckdb") as lw:
        en.import_files([CAMPAIGNS])
        [res] = lw.import_files([FIX / lang / CAMPAIGNS.name])
        assert (res.report, res.rows_skipped) == ("campaign_manager", 1)
        for table, order in (("ad_metrics", "entity_id, metric_date"), ("campaigns", "1")):
            pd.testing.assert_frame_equal(frame(lw, table, order), frame(en, table, order))


def test_ad_level_report_keeps_and_flags_a_mangled_creative_id(ws):
    [res] = ws.import_files([ADS])
    assert q(ws, "SELECT entity_id, campaign_id, ad_id, spend FROM ad_metrics ORDER BY spend") == [
        (
            "linkedin:ad:1.22158E+17",
            "linkedin:campaign:512345678",
            "linkedin:ad:1.22158E+17",
            500.0,
        ),
        ("linkedin:ad:2901234567", "linkedin:campaign:512345678", "linkedin:ad:2901234567", 734.5),
    ]
    assert q(ws, "SELECT campaign_id, level, parent_id FROM campaigns WHERE level = 'ad' ORDER BY 1")[0] == (
        "linkedin:ad:1.22158E+17", "ad", "linkedin:campaign:512345678"
    )  # fmt: skip
    assert findings(ws, res.batch_id) == [("mangled_id", 6, "Creative ID", "1.22158E+17", 1)]


def test_folder_handle_names_the_ad_account(ws, tmp_path):
    folder = tmp_path / "@voltiq"
    folder.mkdir()
    shutil.copy(CAMPAIGNS, folder / CAMPAIGNS.name)
    ws.import_files([folder])
    assert q(ws, "SELECT account_id, handle, name FROM accounts") == [
        ("linkedin:voltiq", "@voltiq", "Voltiq Electronics")
    ]
    assert q(ws, "SELECT DISTINCT account_id FROM ad_metrics") == [("linkedin:voltiq",)]


def _cm(tmp_path: Path, lines: list[str], name="report.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16"))
    return p


def test_report_without_dates_covers_the_banner_period(ws, tmp_path):
    f = _cm(
        tmp_path,
        [
            "Campaign Performance Report (in UTC)",
            "Report Start: 1/1/2025, 12:00 AM",
            "Report End: 1/31/2025, 11:59 PM",
            "Account Name\tCampaign Name\tCampaign ID\tTotal Spent\tCurrency\tImpressions",
            "Voltiq\tQ1\t77\t100.00\tUSD\t5000",
        ],
    )
    ws.import_files([f])
    assert q(ws, "SELECT metric_date, period_end, spend FROM ad_metrics") == [
        (dt.date(2025, 1, 1), dt.date(2025, 1, 31), 100.0)
    ]


def test_monthly_breakdown_rows_cover_their_month(ws, tmp_path):
    f = _cm(
        tmp_path,
        [
            "Campaign Performance Report (in UTC)",
            "Report Start: 1/1/2025, 12:00 AM",
            "Report End: 3/15/2025, 11:59 PM",
            "Start Date (in UTC)\tAccount Name\tCampaign Name\tCampaign ID\tTotal Spent\tCurrency",
            "1/1/2025\tVoltiq\tQ1\t77\t100.00\tUSD",
            "2/1/2025\tVoltiq\tQ1\t77\t80.00\tUSD",
            "3/1/2025\tVoltiq\tQ1\t77\t40.00\tUSD",
        ],
    )
    ws.import_files([f])
    assert q(ws, "SELECT metric_date, period_end FROM ad_metrics ORDER BY 1") == [
        (dt.date(2025, 1, 1), dt.date(2025, 1, 31)),
        (dt.date(2025, 2, 1), dt.date(2025, 2, 28)),
        (dt.date(2025, 3, 1), dt.date(2025, 3, 15)),
    ]


def test_currency_from_option_when_the_report_has_none(ws, tmp_path):
    lines = [
        "Start Date (in UTC)\tAccount Name\tCampaign Name\tCampaign ID\tTotal Spent",
        "1/6/2025\tVoltiq\tQ1\t77\t10.00",
    ]
    with pytest.raises(ImportFailed, match="--currency") as e:
        ws.import_files([_cm(tmp_path, lines)])
    assert (e.value.row, e.value.column) == (2, "Total Spent")
    assert all_empty(ws)
    ws.import_files([_cm(tmp_path, lines, "b.csv")], currency="gbp")
    assert q(ws, "SELECT currency, spend FROM ad_metrics") == [("GBP", 10.0)]


# -- broken files --------------------------------------------------------------------------


def _broken_content(tmp_path: Path, sheet: str, row: int, col: int, value) -> Path:
    from tests.fixtures.linkedin import make_fixtures as mf

    sheets = copy.deepcopy(mf.content_sheets())
    sheets[sheet][row][col] = value
    path = tmp_path / "voltiq_content_1736380800000.xls"
    mf.write_xls(path, sheets)
    return path


@pytest.mark.parametrize(
    "sheet, row, col, value, err_row, column",
    [
        ("Metrics", 2, 1, "lots", 3, "sheet 'Metrics': Impressions (organic)"),
        ("Metrics", 1, 0, "13/45/2025", 2, "sheet 'Metrics': Date"),
        ("All posts", 3, 5, "yesterday", 4, "sheet 'All posts': Created date"),
        (
            "All posts",
            4,
            1,
            "https://www.linkedin.com/company/voltiq/",
            5,
            "sheet 'All posts': Post link",
        ),
        ("All posts", 2, 9, "2.1k views", 3, "sheet 'All posts': Impressions"),
    ],
)
def test_broken_content_cell_names_row_and_column_and_stores_nothing(
    ws, tmp_path, sheet, row, col, value, err_row, column
):
    f = _broken_content(tmp_path, sheet, row, col, value)
    with pytest.raises(ImportFailed) as e:
        ws.import_files([f])
    assert (e.value.row, e.value.column) == (err_row, column)
    assert "Nothing was imported" in str(e.value)
    assert all_empty(ws)


@pytest.mark.parametrize(
    "bad, column",
    [("EURO", "Currency"), ("12,34,5x", "Total Spent"), ("32/1/2025", "Start Date (in UTC)")],
)
def test_broken_campaign_report_row(ws, tmp_path, bad, column):
    cells = ["1/6/2025", "Voltiq", "Q1", "77", "10.00", "EUR"]
    idx = {"Currency": 5, "Total Spent": 4, "Start Date (in UTC)": 0}[column]
    cells[idx] = bad
    f = _cm(
        tmp_path,
        [
            "Campaign Performance Report (in UTC)",
            "Start Date (in UTC)\tAccount Name\tCampaign Name\tCampaign ID\tTotal Spent\tCurrency",
            "1/5/2025\tVoltiq\tQ1\t77\t1.00\tEUR",
            "\t".join(cells),
        ],
    )
    with pytest.raises(ImportFailed) as e:
        ws.import_files([f])
    assert (e.value.row, e.value.column) == (4, column)
    assert all_empty(ws)


def test_not_a_page_workbook_with_forced_report(ws, tmp_path):
    from tests.fixtures.linkedin import make_fixtures as mf

    f = tmp_path / "voltiq_content_1736380800000.xls"
    mf.write_xls(f, {"Sheet1": [["Name", "Value"], ["a", 1]]})
    with pytest.raises(ImportFailed, match="Metrics"):
        ws.import_files([f], platform="linkedin", report="page_content")
    g = tmp_path / "voltiq_visitors_1736380800000.xls"
    g.write_bytes(b"\xd0\xcf\x11\xe0 this is not really a workbook")
    with pytest.raises(ImportFailed, match="cannot be opened|could not be read|is damaged"):
        ws.import_files([g], platform="linkedin", report="page_visitors")
    assert all_empty(ws)


# -- detection and registry ----------------------------------------------------------------


@pytest.mark.parametrize(
    "path, report",
    [
        (CONTENT, "page_content"),
        (FIX / "es" / "voltiq_content_1736380800000.xlsx", "page_content"),
        (FIX / "zh" / "voltiq_content_1736380800000.xlsx", "page_content"),
        (FOLLOWERS, "page_followers"),
        (VISITORS, "page_visitors"),
        (CAMPAIGNS, "campaign_manager"),
        (FIX / "es" / CAMPAIGNS.name, "campaign_manager"),
        (FIX / "zh" / CAMPAIGNS.name, "campaign_manager"),
        (ADS, "campaign_manager"),
    ],
)
def test_detection(path, report):
    from socialroi.land.importer import detect
    from socialroi.sources.base import ImportOptions, InputFile

    assert detect(InputFile.from_path(path), ImportOptions()).key == f"linkedin/{report}"


def test_report_override(ws):
    [res] = ws.import_files([FOLLOWERS], platform="linkedin", report="page_followers")
    assert res.report == "page_followers"


def test_every_report_has_headers_in_three_languages():
    from socialroi.sources import load_all

    load_all()
    names = {r.name for r in REPORTS.values() if r.source == "linkedin"}
    assert names == {"page_content", "page_followers", "page_visitors", "campaign_manager"}
    tables = [k for k in ALIASES if k[0] == "linkedin"]
    assert {n for _, n in tables} >= names
    for key in tables:
        for field, by_lang in ALIASES[key].items():
            assert all(by_lang.get(lang) for lang in LANGUAGES), (key, field)


# -- demo writer ---------------------------------------------------------------------------


def tiny_world() -> DemoWorld:
    d = [dt.date(2025, 3, 1) + dt.timedelta(days=i) for i in range(3)]
    accounts = pd.DataFrame(
        [
            ["linkedin:voltiq-europe", "linkedin", "voltiq-europe", "111", "Voltiq GB", "GB",
             "GBP", "Europe/London", "brand", "en"],
            ["linkedin:voltiq-electronics", "linkedin", "voltiq-electronics", "222",
             "Voltiq 全球官方", "CN", "CNY", "Asia/Shanghai", "brand", "zh"],
            ["linkedin:lin-wei", "linkedin", "lin-wei", "333", "Lin Wei", "CN", "CNY",
             "Asia/Shanghai", "employee", "zh"],
        ],
        columns=["account_id", "platform", "handle", "native_id", "name", "market", "currency",
                 "timezone", "kind", "language"],
    )  # fmt: skip
    posts = pd.DataFrame(
        [
            ["linkedin", "voltiq-europe", "7300000000000000001", None, d[0], "video", "X2 film",
             "https://www.linkedin.com/feed/update/urn:li:activity:7300000000000000001/", False, None],
            ["linkedin", "voltiq-electronics", "7300000000000000002", None, d[1], "document",
             "新品发布", "https://www.linkedin.com/feed/update/urn:li:activity:7300000000000000002/",
             True, "900"],
        ],
        columns=["platform", "handle", "native_id", "published_at", "local_date", "format",
                 "caption", "url", "promoted", "campaign_native_id"],
    )  # fmt: skip
    metric_cols = ["impressions", "reach", "views", "likes", "comments", "shares", "saves",
                   "clicks", "link_clicks", "video_views", "watch_seconds", "follows"]  # fmt: skip
    post_daily = pd.DataFrame(
        [
            ["linkedin", "voltiq-europe", "7300000000000000001", d[0], 500, 400, 0, 20, 3, 2, 0, 11, 0, 90, 0.0, 1],
            ["linkedin", "voltiq-europe", "7300000000000000001", d[1], 1250, 900, 0, 9, 1, 0, 0, 4, 0, 40, 0.0, 0],
            ["linkedin", "voltiq-electronics", "7300000000000000002", d[1], 300, 250, 0, 7, 0, 1, 0, 2, 0, 0, 0.0, 2],
        ],
        columns=["platform", "handle", "native_id", "date", *metric_cols],
    )  # fmt: skip
    account_daily = pd.DataFrame(
        [
            ["linkedin", h, day, 1000 + i, f, 0, imp, imp // 2, 0, pv, lk, 1, 0, 0, 0]
            for h in ("voltiq-europe", "voltiq-electronics", "lin-wei")
            for i, (day, f, imp, pv, lk) in enumerate(
                zip(d, (3, 0, 5), (700, 1400, 90), (12, 7, 0), (25, 10, 2))
            )
        ],
        columns=["platform", "handle", "date", "followers", "follows", "unfollows",
                 "impressions", "reach", "views", "profile_views", "likes", "comments", "shares",
                 "unique_viewers", "new_viewers"],
    )  # fmt: skip
    ads = pd.DataFrame(
        [
            ["linkedin", h, acct, "900", "GLOBAL | 新春 | Lamp | LEAD_GENERATION",
             "LEAD_GENERATION", "901", "buyers", ad, f"ad {ad}", "CN", "CNY", "q1-newyear"]
            for h, acct, ad in (("voltiq-electronics", "5179", "9101"),
                                ("voltiq-electronics", "5179", "9102"))
        ],
        columns=["platform", "handle", "account_native_id", "campaign_native_id",
                 "campaign_name", "objective", "ad_group_native_id", "ad_group_name",
                 "ad_native_id", "ad_name", "market", "currency", "utm_campaign"],
    )  # fmt: skip
    ad_daily = pd.DataFrame(
        [
            ["linkedin", "9101", d[0], "CNY", 1234.56, 5000, 4000, 40, 30, 0, 1.0, 880.0],
            ["linkedin", "9102", d[0], "CNY", 100.04, 700, 600, 5, 4, 0, 0.5, 0.0],
            ["linkedin", "9101", d[1], "CNY", 88.0, 900, 800, 9, 8, 0, 0.0, 0.0],
        ],
        columns=["platform", "ad_native_id", "date", "currency", "spend", "impressions",
                 "reach", "clicks", "link_clicks", "video_views", "conversions",
                 "conversion_value"],
    )  # fmt: skip
    return DemoWorld(
        seed=1, scale="test", start=d[0], end=d[-1],
        frames={"accounts": accounts, "posts": posts, "post_daily": post_daily,
                "account_daily": account_daily, "ads": ads, "ad_daily": ad_daily},
    )  # fmt: skip


def test_demo_writer_round_trip(tmp_path):
    from socialroi.demo.writers import linkedin as writer

    world = tiny_world()
    paths = writer.write(world, tmp_path / "out")
    names = sorted(p.relative_to(tmp_path / "out").as_posix() for p in paths)
    ms = int(dt.datetime(2025, 3, 4, 6, tzinfo=dt.UTC).timestamp() * 1000)
    assert names == sorted(
        [
            f"linkedin/@voltiq-europe/voltiq-europe_{k}_{ms}.{ext}"
            for k, ext in (("content", "xls"), ("followers", "xlsx"), ("visitors", "xls"))
        ]
        + [
            f"linkedin/@voltiq-electronics/voltiq-electronics_{k}_{ms}.{ext}"
            for k, ext in (("content", "xls"), ("followers", "xlsx"), ("visitors", "xls"))
        ]
        + ["linkedin/@voltiq-electronics/campaign_performance_report.csv"]
    )  # the employee profile is not a Page export
    ad = world["account_daily"]
    with Workspace.open(tmp_path / "w.duckdb") as ws:
        for kind, cols in (
            ("content", ("impressions", "reach", "likes", "comments", "shares")),
            ("followers", ("follows",)),
            ("visitors", ("profile_views",)),
        ):
            for p in (x for x in paths if f"_{kind}_" in x.name):
                [res] = ws.import_files([p])
                assert res.report == f"page_{kind}"
            got = q(
                ws,
                f"SELECT split_part(account_id, ':', 2), metric_date, {', '.join(cols)} "
                "FROM account_metrics ORDER BY 1, 2",
            )
            want = ad[ad["handle"] != "lin-wei"].sort_values(["handle", "date"])
            want = [tuple(r) for r in want[["handle", "date", *cols]].itertuples(index=False)]
            assert got == want, kind
        pm = ws.store.raw.execute(
            "SELECT native_id, p.account_id, local_date, format, promoted, caption, impressions, "
            "video_views, clicks, likes, comments, shares, follows, as_of "
            "FROM posts p JOIN post_metrics m USING (post_id) ORDER BY 1"
        ).fetchall()
        assert pm == [
            ("7300000000000000001", "linkedin:voltiq-europe", world.start, "video", False,
             "X2 film", 1750, 130, 15, 29, 4, 2, 1, world.end),
            ("7300000000000000002", "linkedin:voltiq-electronics", world.start + dt.timedelta(1),
             "carousel", True, "新品发布", 300, None, 2, 7, 0, 1, 2, world.end),
        ]  # fmt: skip
        [res] = ws.import_files([p for p in paths if p.suffix == ".csv"])
        rows = q(
            ws,
            "SELECT entity_id, account_id, metric_date, currency, spend, impressions, clicks, "
            "link_clicks, platform_conversions, platform_conversion_value FROM ad_metrics "
            "ORDER BY metric_date",
        )
        c = "linkedin:campaign:900"
        assert rows == [
            (c, "linkedin:voltiq-electronics", world.start, "CNY", 1334.6, 5700, 45, 34, 1.5, 880.0),
            (c, "linkedin:voltiq-electronics", world.start + dt.timedelta(1), "CNY", 88.0, 900, 9, 8, 0.0, 0.0),
        ]  # fmt: skip
        assert q(ws, "SELECT name, objective FROM campaigns") == [
            ("GLOBAL | 新春 | Lamp | LEAD_GENERATION", "Lead generation")
        ]
        again = ws.import_files(paths)
        assert {r.status for r in again} == {"unchanged"}


def test_demo_writer_is_byte_stable(tmp_path):
    from socialroi.demo.writers import linkedin as writer

    a = writer.write(tiny_world(), tmp_path / "a")
    b = writer.write(tiny_world(), tmp_path / "b")
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
