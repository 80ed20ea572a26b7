"""Issue 17 (items 1, 4 and 5) on the tiny demo's report: trends per network and the period
comparison per network and market are `roi()`'s figures (weekly grain; with the comparison
period), ROI changes in points and amounts relatively, labelled; the XLSX draws the trends as
native charts; the summary fits one page in English and Chinese; and the summary's figures
are what the `roi`, `costs` and `insights` commands print for the same period."""

from __future__ import annotations

import json
import math
import zipfile

import pytest
from click.testing import CliRunner

from socialroi.deliver.cli.main import main
from socialroi.deliver.report.sections_trend import change_metrics, trend_metrics
from socialroi.measure.roi import roi
from tests.deliver.report import report_support as support

pytestmark = pytest.mark.slow
SOCIAL = {"facebook", "instagram", "tiktok", "x", "pinterest", "youtube", "linkedin"}


@pytest.fixture(scope="module")
def ws(report_demo):
    return support.workspace(report_demo)


@pytest.fixture(scope="module")
def data(report_demo):
    return support.report_data(report_demo)


def table(data, section: str, name: str):
    return next(t for t in data.section(section).tables if t.name == name)


def same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b == pytest.approx(a, rel=1e-9, abs=1e-9)


def test_trends_are_roi_by_week_per_network(ws, data):
    names = trend_metrics(data.profile)
    assert names == ("revenue", "spend", "engagements")
    res = roi(ws, support.PERIOD, profile="dtc", model=data.model, by=("platform",),
              grain="week", metrics=names)  # fmt: skip
    week = res.table[res.table.platform.isin(SOCIAL)]
    quarter = roi(ws, support.PERIOD, profile="dtc", model=data.model, by=("platform",),
                  metrics=names).table.set_index("platform")  # fmt: skip
    section = data.section("trends")
    assert len(section.charts) == 3 and all("<svg" in c for c in section.charts)
    for name in names:
        t = table(data, "trends", f"trend_{name}")
        assert t.chart == "line" and t.doc_rows == 0  # a chart in the PDF, every row in Excel
        platforms = [c.key for c in t.columns[1:]]
        for p in platforms:
            got = sum(r[p] or 0 for r in t.rows)
            want = week[week.platform == p][name].fillna(0).sum()
            assert same(want, got), (name, p)
            assert same(float(quarter.loc[p, name] or 0), got), (name, p)  # weeks add up
        starts = [r["start"] for r in t.rows]
        assert starts == sorted(starts) and all(s.weekday() == 0 for s in starts)  # Mondays


def test_changes_per_network_and_market_are_roi_with_the_comparison(ws, data):
    names = change_metrics(data.profile)
    for by in ("platform", "market"):
        res = roi(ws, support.PERIOD, profile="dtc", model=data.model, by=(by,),
                  compare="previous", metrics=names)  # fmt: skip
        want = res.table.set_index(by)
        t = table(data, "changes", f"change_{by}")
        kinds = {c.key: c.kind for c in t.columns}
        labels = {c.key: c.label for c in t.columns}
        assert kinds["roi_delta"] == "pp" and labels["roi_delta"] == "Δ ROI (pt)"
        assert kinds["revenue_delta"] == "delta" and labels["revenue_delta"].endswith("(rel.)")
        assert t.rows
        for r in t.rows:
            w = want.loc[r[by]]
            for key in ("revenue", "revenue_delta", "true_cost", "true_cost_delta", "roi",
                        "roi_prev", "roi_delta", "engagements_delta"):  # fmt: skip
                assert same(w[key], r[key]), (by, r[by], key)
            if r["roi"] is not None and r["roi_prev"] is not None:
                assert same(r["roi"] - r["roi_prev"], r["roi_delta"])  # points, not relative
    assert "pt" in data.section("changes").takeaway


def test_zh_report_words_for_the_new_sections(report_demo):
    zh = support.report_data(report_demo, lang="zh-CN")
    assert zh.section("trends").title == "各平台趋势"
    assert zh.section("changes").title == "本期与对比期"
    labels = [c.label for c in table(zh, "changes", "change_platform").columns]
    assert any(x.endswith("变化（百分点）") for x in labels)
    assert any(x.endswith("变化（相对）") for x in labels)


def test_xlsx_draws_the_trends_as_native_line_charts(report_demo):
    path = support.rendered(report_demo, "en")["xlsx"]
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        xml = "".join(z.read(n).decode() for n in charts)
    assert len(charts) == 3 and xml.count("<c:lineChart>") == 3
    assert "Trends by network" in xml  # the series read the Trends sheet's cells


def _pdf_pages(path) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() or "" for p in PdfReader(str(path)).pages]


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_summary_is_one_page(report_demo, lang):
    data = support.report_data(report_demo, lang=lang)
    pages = _pdf_pages(support.rendered(report_demo, lang)["pdf"])
    first = [p.lstrip().split("\n", 1)[0].strip() for p in pages]
    summary, after = data.sections[0].title, data.sections[1].title
    assert first.index(after) == first.index(summary) + 1, first
    moves = [t for t in data.section("summary").tables if t.name == "moves"]
    if moves:  # the last budget move is on the summary's page, whole
        tail = "".join(moves[0].rows[-1]["move"].split())[-12:]
        assert tail in "".join(pages[first.index(summary)].split())


def _cli_json(db, *args):
    r = CliRunner().invoke(main, [*args, "-w", str(db), "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_summary_figures_are_what_roi_costs_and_insights_print(report_demo, data):
    """The numbers a manager reads on the summary are the numbers the commands print."""
    period = support.PERIOD
    out = _cli_json(report_demo, "roi", "--period", period, "--by", "", "--compare", "previous")
    totals = out["rows"][-1]
    for r in table(data, "summary", "headline").rows:
        assert same(totals[r["name"]], r["value"]), r["name"]
        assert same(totals[f"{r['name']}_prev"], r["previous"]), r["name"]
    money = {r["what"]: r["value"] for r in table(data, "summary", "money").rows}
    f = data.fmt
    assert same(totals["true_cost"], money[f.t("money_true_cost")])
    costs = _cli_json(report_demo, "costs", "--period", period, "--by", "category")
    (by_cat,) = table(data, "summary", "cost_by_category").rows
    key = f"amount_{data.currency.lower()}"
    printed = {r["category"]: r[key] for r in costs["rows"]}
    for cat, amount in by_cat.items():
        assert same(printed[cat], amount), cat
    assert same(sum(by_cat.values()), money[f.t("money_true_cost")])
    found = _cli_json(report_demo, "insights", "--period", period)
    sentences = [i["sentence"] for i in sorted(found, key=lambda i: -i["strength"])[:3]]
    assert data.section("summary").bullets == sentences


def test_dashboard_explorer_drills_down_to_campaigns(ws):
    from socialroi.deliver.web.filters import Filters
    from socialroi.deliver.web.views import explore

    view = explore(ws, Filters(period=support.PERIOD, extra=(("platform_drill", "facebook"),)))
    c = view.tables["campaigns"]
    assert len(c) and c.spend.fillna(0).sum() > 0 and c.revenue.fillna(0).sum() > 0
