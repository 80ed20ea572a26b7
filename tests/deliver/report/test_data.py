"""Each report section's numbers are the library's numbers for the same inputs: ROI and
insights (`roi`), attribution (`attribute`, `compare`), costs (`allocate`), CLV (`clv_by`),
content and data quality. Runs on the tiny demo (see tests/deliver/report/report_support.py)."""

from __future__ import annotations

import math

import pytest

from socialroi.errors import SocialroiError, UnknownName
from socialroi.model.periods import parse_period
from tests.deliver.report import report_support as support

pytestmark = pytest.mark.slow
P = parse_period(support.PERIOD)


@pytest.fixture(scope="module")
def ws(report_demo):
    return support.workspace(report_demo)


@pytest.fixture(scope="module")
def data(report_demo):
    return support.report_data(report_demo)


def rows(data, section: str, table: str) -> list[dict]:
    for t in data.section(section).tables:
        if t.name == table:
            return t.rows
    raise KeyError(table)


def same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b == pytest.approx(a, rel=1e-9, abs=1e-9)


def roi_for(ws, data, by, compare=None):
    from socialroi.deliver.report.sections_a import report_metrics
    from socialroi.measure.roi import roi

    return roi(ws, support.PERIOD, profile="dtc", by=by, model=data.model, compare=compare,
               metrics=report_metrics(data.profile))  # fmt: skip


def test_every_section_is_there_and_leads_with_a_sentence(data):
    keys = [s.key for s in data.sections]
    assert keys == ["summary", "roi", "changes", "trends", "paid", "attribution", "clv",
                    "content", "costs", "quality", "experiments", "methodology"]  # fmt: skip
    for s in data.sections:
        assert s.available, (s.key, s.takeaway)
        assert s.takeaway.endswith((".", "。")) and len(s.takeaway) > 20


def test_summary_headline_matches_roi_totals_and_deltas(ws, data):
    res = roi_for(ws, data, ("platform",), "previous")
    got = rows(data, "summary", "headline")
    assert len(got) == len([m for m in data.profile.headline if m in res.totals])
    from socialroi.measure.roi import delta

    for r in got:
        name = r["name"]
        assert same(res.totals[name], r["value"]), name
        assert same(res.totals_prev[name], r["previous"]), name
        unit = next(m.unit for m in res.metrics if m.name == name)
        assert same(delta(res.totals[name], res.totals_prev[name], unit), r["delta"]), name


def test_summary_insights_are_the_strongest(ws, data):
    from socialroi.measure.insights import insights

    found = insights(ws, support.PERIOD, profile="dtc", compare="previous", model=data.model)
    best = [i.sentence for i in sorted(found, key=lambda i: -i.strength)[:3]]
    assert data.section("summary").bullets == best  # the three strongest: one page
    assert len(best) == 3 or len(found) < 3


@pytest.mark.parametrize(
    ("table", "by"),
    [("roi_platform", ("platform",)), ("roi_platform_market", ("platform", "market"))],
)
def test_roi_tables_match_roi(ws, data, table, by):  # fmt: skip
    res = roi_for(ws, data, by)
    expected = {tuple(r[k] for k in by): r for r in res.table.to_dict("records")}
    got = rows(data, "roi", table)
    assert got, table
    cols = [c.key for c in next(t for t in data.section("roi").tables if t.name == table).columns]
    for r in got:
        e = expected[tuple(r[k] for k in by)]
        for c in cols:
            if c not in by:
                assert same(e[c], r[c]), (r, c)
    if table == "roi_platform":
        assert len(got) == len(res.table)


def test_attribution_matches_attribute_and_compare(ws, data):
    from socialroi.journeys.touches import JourneySettings
    from socialroi.measure.attribution.workspace import attribute

    prof = data.profile
    settings = JourneySettings(lookback_days=prof.lookback_days, kinds=tuple(prof.kinds),
                               by=("platform",))  # fmt: skip
    chosen = attribute(ws, data.model, P, settings).set_index("unit")
    last = attribute(ws, "last_click", P, settings).set_index("unit")
    got = rows(data, "attribution", "attribution")
    assert {r["unit"] for r in got} == set(chosen.index) | set(last.index)
    for r in got:
        u = r["unit"]
        assert same(chosen.conversions.get(u, 0.0), r[data.model])
        assert same(last.conversions.get(u, 0.0), r["last_click"])
        share = chosen.conversions.get(u, 0.0) / chosen.conversions.sum()
        assert r[f"{data.model}_share"] == pytest.approx(share)
        last_share = last.conversions.get(u, 0.0) / last.conversions.sum()
        assert r["vs_last"] == pytest.approx((share - last_share) * 100)
    models = rows(data, "attribution", "attribution_models")
    for key in [k for k in models[0] if k.endswith("_share")]:
        assert sum(r[key] for r in models) == pytest.approx(1.0)


def test_costs_match_the_allocation_and_roi_true_cost(ws, data):
    from socialroi.measure.costs.allocate import allocate

    alloc = allocate(ws, P)
    alloc = alloc[alloc.category.isin(data.profile.cost_categories)]
    cats = rows(data, "costs", "cost_category")
    assert sum(r["amount_base"] for r in cats) == pytest.approx(alloc.amount_base.sum())
    assert sum(r["share"] for r in cats) == pytest.approx(1.0)
    per_cell = rows(data, "costs", "cost_platform_market")
    allocated = alloc[alloc.rule != "unallocated"].amount_base.sum()
    assert sum(r["amount_base"] for r in per_cell) == pytest.approx(allocated)
    res = roi_for(ws, data, ("platform",))
    assert res.totals["true_cost"] == pytest.approx(alloc.amount_base.sum())


def test_clv_matches_clv_by_and_roi_cac(ws, data):
    from socialroi.measure.clv.workspace import clv_by

    try:
        ref = clv_by(ws, support.PERIOD, by=("platform",))
    except SocialroiError:
        ref = clv_by(ws, support.PERIOD, by=("platform",), predict=False)
    ref = ref.set_index("platform")
    cac = roi_for(ws, data, ("platform",)).table.set_index("platform").cac
    for r in rows(data, "clv", "clv_platform"):
        e = ref.loc[r["platform"]]
        assert r["customers"] == e.customers
        assert r["historical_clv"] == pytest.approx(e.historical_clv)
        assert same(cac.get(r["platform"]), r["cac"])
        if r["cac"]:  # the catalogue's CLV:CAC: historical CLV over CAC
            assert r["clv_cac"] == pytest.approx(r["historical_clv"] / r["cac"])


def test_content_and_quality_tables_match_their_functions(ws, data):
    from socialroi.measure.content import publishing_vs_engagement
    from socialroi.measure.quality import findings, fx_used

    pve = publishing_vs_engagement(ws, P).set_index("platform")
    for r in rows(data, "content", "publishing"):
        assert r["posts"] == pve.loc[r["platform"]].posts
        assert same(float(pve.loc[r["platform"]].engagement_rate_impressions),
                    r["engagement_rate_impressions"])  # fmt: skip
    f = findings(ws, P).set_index("kind")
    for r in rows(data, "quality", "findings"):
        assert r["rows"] == f.loc[r["kind"]].rows
    fx = fx_used(ws, P).set_index("currency")
    for r in rows(data, "quality", "fx"):
        assert r["effective_rate"] == pytest.approx(fx.loc[r["currency"]].effective_rate)


def test_methodology_defines_every_metric_shown(data):
    from socialroi.model.metrics import METRICS

    defined = {r["metric"] for r in rows(data, "methodology", "methodology")}
    assert data.metrics_shown
    for name in data.metrics_shown:
        if name in METRICS:
            assert METRICS[name].label in defined, name
    for t in data.section("roi").tables:
        for c in t.columns:
            if c.key in METRICS:
                assert METRICS[c.key].label in defined


def test_b2b_profile_has_the_funnel_matching_roi(ws, report_demo):
    from socialroi.deliver.report.sections_a import report_metrics
    from socialroi.measure.roi import roi

    data = support.report_data(report_demo, profile="b2b")
    assert "funnel" in [s.key for s in data.sections]
    res = roi(ws, support.PERIOD, profile="b2b", by=("platform",), compare="previous",
              metrics=report_metrics(data.profile))  # fmt: skip
    stages = rows(data, "funnel", "funnel")
    assert [r["count"] for r in stages] == [
        pytest.approx(res.totals[m]) for m in ("leads", "qualified_leads", "sqls", "won_deals")
    ]
    assert same(res.totals["cost_per_sql"], stages[2]["cost"])
    pipe = {r["metric"]: r["value"] for r in rows(data, "funnel", "pipeline")}
    from socialroi.model.metrics import METRICS

    assert same(res.totals["pipeline_influenced"], pipe[METRICS["pipeline_influenced"].label])


def test_markets_and_platforms_select(report_demo):
    data = support.report_data(report_demo, markets=("US", "DE"), platforms=("tiktok",))
    cells = rows(data, "roi", "roi_platform_market")
    assert cells and {r["market"] for r in cells} <= {"US", "DE"}
    assert {r["platform"] for r in cells} <= {"tiktok", "(unallocated)"}
    assert {r["platform"] for r in rows(data, "content", "publishing")} <= {"tiktok"}


def test_bad_inputs_say_what_is_valid(ws):
    from socialroi.deliver.report import build_report
    from socialroi.deliver.report.data import gather

    with pytest.raises(UnknownName, match="report format"):
        build_report(ws, formats=("docx",))
    with pytest.raises(UnknownName, match="report language"):
        gather(ws, support.PERIOD, lang="fr")
    with pytest.raises(SocialroiError, match="comparison"):
        gather(ws, support.PERIOD, compare="last-week")
    with pytest.raises(UnknownName):
        gather(ws, support.PERIOD, model="nope")


def test_summary_money_box_matches_roi_and_costs(ws, data):
    """Total revenue, social's part and share, true cost by category and ROI against the
    target: the same figures `roi` and `allocate` give for the same inputs."""
    from socialroi.measure.costs.allocate import allocate
    from socialroi.measure.roi import roi

    res = roi(ws, P, profile="dtc", by=("platform",))
    mt = res.measure_totals
    got = {r["what"]: r["value"] for r in rows(data, "summary", "money")}
    f = data.fmt
    social = mt["purchase_revenue"]
    total = social + mt["nonsocial_purchase_revenue"]
    assert same(total, got[f.t("money_total_revenue")])
    assert same(social, got[f.t("money_social_revenue")])
    assert same(social / total, got[f.t("money_social_share")])
    assert same(res.totals["true_cost"], got[f.t("money_true_cost")])
    alloc = allocate(ws, P)
    (by_cat,) = rows(data, "summary", "cost_by_category")
    for cat, amount in alloc.groupby("category").amount_base.sum().items():
        assert same(amount, by_cat[cat])
    assert got[f.t("money_roi_target")] == data.profile.target_roi == 0.0
    assert same(res.totals["roi"] - 0.0, got[f.t("money_roi_gap")])


def test_paid_section_is_roi_by_campaign(ws, data):
    """Spend, CPM, CPC, CTR, revenue and ROAS per campaign: `roi(by=campaign)`'s figures, the
    campaigns with the most spend first."""
    from socialroi.deliver.report.sections_paid import PAID
    from socialroi.measure.roi import roi

    res = roi(ws, P, profile="dtc", by=("campaign",), metrics=list(PAID))
    want = res.table[res.table.spend.fillna(0) > 0].set_index("campaign")
    got = rows(data, "paid", "paid_campaigns")
    assert got and [r["spend"] for r in got] == sorted((r["spend"] for r in got), reverse=True)
    for r in got:
        for m in PAID:
            assert same(want.loc[r["campaign"], m], r[m]), (r["campaign"], m)


def test_cpm_cpc_ctr_from_the_ad_reports(ws):
    from socialroi.measure.roi import roi

    res = roi(ws, P, profile="dtc", by=("platform",), metrics=["spend", "cpm", "cpc", "ctr"])
    am = ws.table("ad_metrics")
    am = am.filter((am.metric_date >= P.start) & (am.metric_date <= P.end)).execute()
    impressions = am.impressions.fillna(0).sum()
    clicks = am.link_clicks.fillna(am.clicks).fillna(0).sum()
    spend = res.totals["spend"]
    assert same(spend * 1000 / impressions, res.totals["cpm"])
    assert same(spend / clicks, res.totals["cpc"])
    assert same(clicks / impressions, res.totals["ctr"])
