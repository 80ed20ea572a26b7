"""Pinterest Analytics exports and Pinterest Ads reports, imported through the workspace."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from socialroi import Workspace
from socialroi.demo.world import COLUMNS, DemoWorld
from socialroi.errors import ImportFailed
from socialroi.model.currencies import ecb_rate
from tests.conftest import FIXTURES, table_totals

HERE = FIXTURES / "pinterest"
ACC = HERE / "@voltiq_us"
PINS = ACC / "pinterest_top_pins_2025-01-01_2025-01-31.csv"
ADS = ACC / "pinterest_ads_report_2025-01-01_2025-01-02.csv"
D = dt.date


def q(ws, sql):
    return ws.store.raw.execute(sql).fetchall()


def empty(ws):
    from socialroi.model.schema import TABLES

    return all(ws.store.count(t) == 0 for t in TABLES if t != "fx_rates")


PINS_SQL = (
    "SELECT p.post_id, timezone('UTC', p.published_at), p.local_date, p.format, p.caption, "
    "p.id_mangled, m.grain, m.metric_date, m.as_of, m.impressions, m.engagements, m.clicks, "
    "m.link_clicks, m.saves, m.video_views "
    "FROM posts p JOIN post_metrics m USING (post_id) ORDER BY 1"
)
PIN_ROWS = [
    ("pinterest:1122380000000000001", dt.datetime(2025, 1, 5, 10, 0), D(2025, 1, 5), "image",
     "Desk setup, minimal", False, "lifetime", D(2025, 1, 5), D(2025, 1, 31), 24500, 610, 300,
     120, 190, None),
    ("pinterest:1122380000000000002", dt.datetime(2024, 12, 20, 22, 15), D(2024, 12, 20),
     "video", "Charger in 30s", False, "lifetime", D(2024, 12, 20), D(2025, 1, 31), 8000, 95,
     50, 20, 25, 1400),
]  # fmt: skip


def test_top_pins_export(ws):
    [res] = ws.import_files([PINS])
    assert (res.source, res.report) == ("pinterest", "pins")
    assert q(ws, PINS_SQL) == PIN_ROWS
    assert q(ws, "SELECT account_id, handle FROM accounts") == [
        ("pinterest:voltiq_us", "@voltiq_us")
    ]
    assert q(
        ws, f"SELECT kind, row_number, value FROM dq_findings WHERE batch_id={res.batch_id}"
    ) == [("mangled_id", 2, "1.12238E+18")]


def test_reimport_is_unchanged(ws):
    ws.import_files([PINS])
    before = table_totals(ws)
    assert ws.import_files([PINS])[0].status == "unchanged"
    assert table_totals(ws) == before


@pytest.mark.parametrize("lang", ["es", "zh"])
def test_spanish_and_chinese_headers_import_to_the_same_values(ws, lang):
    ws.import_files(
        [HERE / f"pinterest_top_pins_{lang}_2025-01-01_2025-01-31.csv"], account="voltiq_us"
    )
    assert [r[:5] + r[6:] for r in q(ws, PINS_SQL)] == [r[:5] + r[6:] for r in PIN_ROWS]


def test_top_pins_without_a_period_fails(ws):
    with pytest.raises(ImportFailed) as e:
        ws.import_files([ACC / "Pins.csv"])
    assert e.value.row == 1 and "date range" in str(e.value)
    assert empty(ws)


def test_overview_utf16_banner_total_and_suppressed(ws):
    [res] = ws.import_files([ACC / "pinterest_overview_2025-01-01_2025-01-03.csv"])
    assert res.report == "overview"
    assert q(
        ws,
        "SELECT account_id, metric_date, impressions, engagements, reach, profile_views, follows "
        "FROM account_metrics ORDER BY 2",
    ) == [
        ("pinterest:voltiq_us", D(2025, 1, 1), 3100, 80, 1900, 12, 2),
        ("pinterest:voltiq_us", D(2025, 1, 2), 2800, 75, 1700, None, 1),
        ("pinterest:voltiq_us", D(2025, 1, 3), 3500, 90, 2100, 9, 0),
    ]
    kinds = q(
        ws,
        f"SELECT kind, row_number, rows FROM dq_findings WHERE batch_id={res.batch_id} ORDER BY 1",
    )
    # rows as a spreadsheet shows them: sep= line 1, banner 2, blank 3, header 4
    assert kinds == [("skipped_total_row", 8, 1), ("suppressed_value", 6, 1)]
    assert q(
        ws, f"SELECT rows_read, rows_skipped FROM import_batches WHERE batch_id={res.batch_id}"
    ) == [(4, 1)]


def test_ads_report_in_account_currency(ws):
    [res] = ws.import_files([ADS])
    assert (res.source, res.report) == ("pinterest", "ads")
    assert q(ws, "SELECT campaign_id, level, parent_id, objective FROM campaigns ORDER BY 1") == [
        ("pinterest:ad:687000000001", "ad", "pinterest:ad_group:2680000001", None),
        ("pinterest:ad_group:2680000001", "ad_group", "pinterest:campaign:626744000001", None),
        ("pinterest:campaign:626744000001", "campaign", None, "CONSIDERATION"),
    ]
    rows = q(
        ws,
        "SELECT metric_date, currency, spend, spend_base, impressions, clicks, link_clicks, "
        "platform_conversions, platform_conversion_value, platform_conversion_value_base "
        "FROM ad_metrics ORDER BY 1",
    )
    usd = ecb_rate("USD", D(2025, 1, 1))[0]
    assert rows[0][:3] == (D(2025, 1, 1), "EUR", 55.2)
    assert rows[0][3] == pytest.approx(55.2 * usd)
    assert rows[0][4:9] == (20100, 410, 160, 3.0, 210.0)
    assert rows[0][9] == pytest.approx(210.0 * usd)
    assert len(rows) == 2
    assert ("skipped_total_row",) in q(ws, "SELECT kind FROM dq_findings")


def test_ads_without_currency_needs_one(ws):
    f = ACC / "pinterest_ads_nocurrency_2025-01-01_2025-01-02.csv"
    with pytest.raises(ImportFailed) as e:
        ws.import_files([f])
    assert e.value.row == 2 and "--currency" in str(e.value)
    assert empty(ws)
    ws.import_files([f], currency="EUR")
    assert q(ws, "SELECT DISTINCT currency FROM ad_metrics") == [("EUR",)]


def test_overlapping_overview_updates_days(ws, tmp_path):
    ws.import_files([ACC / "pinterest_overview_2025-01-01_2025-01-03.csv"])
    f = tmp_path / "@voltiq_us" / "pinterest_overview_2025-01-03_2025-01-04.csv"
    f.parent.mkdir()
    f.write_text(
        "Date,Impressions,Engagements,Pin clicks\n2025-01-03,3600,91,46\n2025-01-04,100,1,1\n"
    )
    ws.import_files([f])
    assert q(ws, "SELECT metric_date, impressions FROM account_metrics ORDER BY 1") == [
        (D(2025, 1, 1), 3100),
        (D(2025, 1, 2), 2800),
        (D(2025, 1, 3), 3600),
        (D(2025, 1, 4), 100),
    ]


# -- the demo writer -----------------------------------------------------------------------


def tiny_world() -> DemoWorld:
    start, end = D(2025, 1, 1), D(2025, 1, 2)
    frames = {name: pd.DataFrame(columns=list(cols)) for name, cols in COLUMNS.items()}

    def frame(name, rows):
        frames[name] = pd.DataFrame(rows, columns=list(COLUMNS[name]))

    frame(
        "accounts",
        [
            [
                "pinterest:voltiq_us",
                "pinterest",
                "voltiq_us",
                None,
                "Voltiq",
                "US",
                "USD",
                "UTC",
                "brand",
                "en",
            ],
            [
                "pinterest:voltiq_es",
                "pinterest",
                "voltiq_es",
                None,
                "Voltiq ES",
                "ES",
                "EUR",
                "UTC",
                "brand",
                "es",
            ],
            [
                "pinterest:voltiq_cn",
                "pinterest",
                "voltiq_cn",
                None,
                "Voltiq CN",
                "CN",
                "CNY",
                "UTC",
                "brand",
                "zh",
            ],
        ],
    )
    days = [start, end]
    acc_rows, posts, post_daily = [], [], []
    for k, h in enumerate(["voltiq_us", "voltiq_es", "voltiq_cn"]):
        for i, d in enumerate(days):
            acc_rows.append(
                ["pinterest", h, d, 800, 3 + i, 1, 4000 + k + i, 2500 + i, 0, 30 + i, 0, 0, 0, 0, 0]
            )
        for j in range(2):
            nid = f"11223800000000{k}{j}001"
            posts.append(
                ["pinterest", h, nid, pd.Timestamp(f"2024-12-2{j} 08:00", tz="UTC"),
                 D(2024, 12, 20 + j), "video" if j else "image", f"Pin {j}", None, False, None]
            )  # fmt: skip
            for i, d in enumerate(days):
                post_daily.append(
                    [
                        "pinterest",
                        h,
                        nid,
                        d,
                        900 + i + j,
                        0,
                        0,
                        0,
                        0,
                        0,
                        12 + i,
                        30 + j,
                        9,
                        40 * j,
                        0.0,
                        0,
                    ]
                )
    frame("account_daily", acc_rows)
    frame("posts", posts)
    frame("post_daily", post_daily)
    frame(
        "ads",
        [["pinterest", "voltiq_es", "549", "6267", "ES_Consideración", "CONSIDERATION", "2680",
          "Oficina", "6870", "Pin escritorio", "ES", "EUR", "es_consideracion"]],
    )  # fmt: skip
    frame(
        "ad_daily",
        [
            ["pinterest", "6870", d, "EUR", 1234.56 + i, 20000 + i, 0, 400, 150, 0, 2.0, 99.9]
            for i, d in enumerate(days)
        ],
    )
    return DemoWorld(seed=1, scale="tiny", start=start, end=end, frames=frames)


def test_demo_writer_round_trip(tmp_path):
    from socialroi.demo.writers import pinterest

    world = tiny_world()
    paths = pinterest.write(world, tmp_path / "out")
    assert {p.parent.name for p in paths} == {"@voltiq_us", "@voltiq_es", "@voltiq_cn"}
    ws = Workspace.open(tmp_path / "w.duckdb")
    results = ws.import_files(paths)
    assert sorted(r.report for r in results) == ["ads"] + ["overview"] * 3 + ["pins"] * 3
    got = q(
        ws,
        "SELECT account_id, metric_date, impressions, reach, profile_views, follows FROM account_metrics ORDER BY 1, 2",
    )
    exp = sorted(
        (f"pinterest:{r.handle}", r.date, r.impressions, r.reach, r.profile_views, r.follows)
        for r in world["account_daily"].itertuples()
    )
    assert got == exp
    sums = (
        world["post_daily"]
        .groupby("native_id")[["impressions", "clicks", "link_clicks", "saves", "video_views"]]
        .sum()
    )
    got = q(
        ws,
        "SELECT native_id, impressions, clicks, link_clicks, saves, video_views, as_of, id_mangled "
        "FROM posts JOIN post_metrics USING (post_id) ORDER BY 1",
    )
    assert got == [
        (nid, *[int(v) for v in r], world.end, False) for nid, r in sums.sort_index().iterrows()
    ]
    [(spend, n, cur)] = q(ws, "SELECT sum(spend), count(*), min(currency) FROM ad_metrics")
    assert (spend, n, cur) == (pytest.approx(world["ad_daily"]["spend"].sum()), 2, "EUR")
    kinds = {k for (k,) in q(ws, "SELECT DISTINCT kind FROM dq_findings")}
    assert {"mangled_id", "skipped_total_row"} <= kinds
    ws.close()


def test_ads_currency_from_the_accounts_register(ws, tmp_path):
    reg = tmp_path / "accounts_register.csv"
    reg.write_text(
        "platform,handle,market,currency,timezone\npinterest,voltiq_us,US,EUR,Europe/Paris\n"
    )
    ws.import_files([reg])
    ws.import_files([ACC / "pinterest_ads_nocurrency_2025-01-01_2025-01-02.csv"])
    assert q(ws, "SELECT DISTINCT currency FROM ad_metrics") == [("EUR",)]


def test_pin_local_dates_in_the_registered_time_zone(ws, tmp_path):
    reg = tmp_path / "accounts_register.csv"
    reg.write_text(
        "platform,handle,market,currency,timezone\npinterest,voltiq_us,US,USD,Asia/Tokyo\n"
    )
    ws.import_files([reg])
    ws.import_files([PINS])
    # 2024-12-20 22:15 UTC is already December 21 in Tokyo
    assert q(ws, "SELECT native_id, local_date FROM posts ORDER BY 1") == [
        ("1122380000000000001", D(2025, 1, 5)),
        ("1122380000000000002", D(2024, 12, 21)),
    ]
