"""Google Ads report downloads, imported through the workspace: YouTube and search campaigns
apart, ` --` cells, total rows, Spanish headers, a missing currency."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from socialroi import Workspace
from socialroi.deliver.cli.main import main
from socialroi.deliver.i18n.errors import translate_error
from socialroi.deliver.web import views
from socialroi.deliver.web.filters import Filters
from socialroi.errors import ImportFailed
from socialroi.measure.costs.allocate import allocate, totals
from socialroi.measure.roi import roi

HEADER = ("Day,Customer ID,Account name,Campaign ID,Campaign,Campaign type,Ad group ID,Ad group,"
          "Ad ID,Currency code,Cost,Impr.,Clicks,TrueView views,Conversions,Conv. value")  # fmt: skip
ROWS = [
    "2026-03-01,123-456-7890,Voltiq US,111,Brand search,Search,211,Brand exact,311,USD,12.34,"
    "1000,50,0,2.00,80.00",
    "2026-03-01,123-456-7890,Voltiq US,112,Launch video,Video,212,In-stream,312,USD,40.00,5000,"
    "20,900,1.00,40.00",
    "2026-03-02,123-456-7890,Voltiq US,113,PMax all,Performance Max, --, --, --,USD,30.00,3000,"
    "60,0,3.00,120.00",
    "Total: Account, --, --, --, --, --, --, --, --,USD,82.34,9000,130,900,6.00,240.00",
]


def report(tmp_path, header: str = HEADER, rows=ROWS, name: str = "Campaign report.csv"):
    path = tmp_path / name
    body = ["Campaign report", '"March 1, 2026 - March 2, 2026"', header, *rows]
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    return path


def q(ws, sql):
    return ws.store.raw.execute(sql).fetchall()


def test_video_campaigns_are_youtube_and_the_rest_search(ws, tmp_path):
    [res] = ws.import_files([report(tmp_path)])
    assert (res.source, res.report) == ("google_ads", "report"), res
    got = q(ws, "SELECT entity_id, platform, account_id, metric_date, spend, impressions, "
                "video_views, platform_conversions FROM ad_metrics ORDER BY 1")  # fmt: skip
    assert got == [
        ("search:ad:311", "search", "search:123-456-7890", dt.date(2026, 3, 1), 12.34, 1000, 0, 2.0),
        ("search:campaign:113", "search", "search:123-456-7890", dt.date(2026, 3, 2), 30.0, 3000,
         0, 3.0),
        ("youtube:ad:312", "youtube", "youtube:123-456-7890", dt.date(2026, 3, 1), 40.0, 5000,
         900, 1.0),
    ]  # fmt: skip
    assert q(ws, "SELECT parent_id FROM campaigns WHERE campaign_id = 'youtube:ad:312'") == [
        ("youtube:ad_group:212",)
    ]
    # the total row is left out, and said
    assert q(ws, "SELECT kind, rows FROM dq_findings") == [("skipped_total_row", 1)]


def test_spanish_headers(ws, tmp_path):
    header = ("Día,ID de cliente,Nombre de la cuenta,ID de campaña,Campaña,Tipo de campaña,"
              "ID del grupo de anuncios,Grupo de anuncios,ID del anuncio,Código de moneda,Coste,"
              "Impr.,Clics,Vistas de TrueView,Conversiones,Valor de conv.")  # fmt: skip
    rows = [r.replace(",Video,", ",Vídeo,").replace(",Search,", ",Búsqueda,") for r in ROWS]
    ws.import_files([report(tmp_path, header, rows[:2], "Informe de campañas.csv")])
    assert q(ws, "SELECT platform, sum(spend) FROM ad_metrics GROUP BY 1 ORDER BY 1") == [
        ("search", 12.34), ("youtube", 40.0)
    ]  # fmt: skip


def test_a_report_without_currency_asks_for_it(ws, tmp_path):
    header = HEADER.replace(",Currency code", "")
    rows = [r.replace(",USD", "") for r in ROWS[:1]]
    with pytest.raises(ImportFailed, match="does not say its currency"):
        ws.import_files([report(tmp_path, header, rows)])
    assert q(ws, "SELECT count(*) FROM ad_metrics") == [(0,)]


def test_search_spend_is_kept_out_of_socials_cost_and_delivery(ws, tmp_path):
    ws.import_files([report(tmp_path)])
    res = roi(ws, "2026-03", profile="dtc", by=("platform",), model="last_click")
    tot = res.measure_totals
    # only the YouTube video campaign is social; search and Performance Max are not
    assert tot["ad_spend"] == pytest.approx(40.0)
    assert tot["true_cost"] == pytest.approx(40.0)
    assert tot["nonsocial_cost"] == pytest.approx(42.34)
    assert tot["ad_impressions"] == pytest.approx(5000)
    cells = res.measures.set_index("platform")
    assert "search" not in cells.index
    assert cells.loc["other", "nonsocial_cost"] == pytest.approx(42.34)
    assert cells.loc["other", "ad_spend"] == 0.0


def test_the_costs_views_say_which_cost_roi_leaves_out(tmp_path):
    """`costs` and the dashboard's Costs page list every allocated cost, search campaigns
    included; they say how much of it ROI keeps out of social's true cost, in the figures
    `roi` gives (the two used to disagree without a word: 82.34 against 40.00)."""
    path = tmp_path / "costs.duckdb"
    with Workspace.open(path) as ws:
        ws.import_files([report(tmp_path)])
        t = totals(allocate(ws, "2026-03"))
        view = views.costs(ws, Filters(period="2026-03"))
        true_cost = roi(ws, "2026-03", profile="dtc", model="last_click").measure_totals
    assert t["allocated"] == pytest.approx(82.34)
    assert t["nonsocial"] == pytest.approx(42.34)
    assert t["allocated"] - t["nonsocial"] == pytest.approx(true_cost["true_cost"])
    assert view.data["total"] == pytest.approx(82.34)
    assert view.data["nonsocial"] == pytest.approx(42.34)
    [note] = view.notes
    assert note == ("Of this cost, 42.34 USD is on search campaigns (Google Ads), which is not "
                    "social's: ROI and the overview leave it out of the true cost.")  # fmt: skip
    assert translate_error(None, note, "zh-CN").startswith("其中 42.34 USD 为搜索广告系列")

    out = CliRunner().invoke(main, ["costs", "-w", str(path), "--period", "2026-03"])
    assert out.exit_code == 0, out.output
    assert "of the allocated cost, 42.34 USD is on search campaigns (Google Ads)" in " ".join(
        out.output.split()
    )
    got = CliRunner().invoke(
        main, ["costs", "-w", str(path), "--period", "2026-03", "--format", "json"]
    )
    assert json.loads(got.output)["totals"]["nonsocial"] == pytest.approx(42.34)


def test_social_cost_alone_has_no_such_note(tmp_path):
    path = tmp_path / "costs.duckdb"
    with Workspace.open(path) as ws:
        ws.import_files([report(tmp_path, rows=ROWS[1:2])])  # the YouTube video campaign only
        assert totals(allocate(ws, "2026-03"))["nonsocial"] == 0.0
        view = views.costs(ws, Filters(period="2026-03"))
    assert view.notes == [] and view.data["nonsocial"] == 0.0
    out = CliRunner().invoke(main, ["costs", "-w", str(path), "--period", "2026-03"])
    assert "search campaigns" not in out.output
