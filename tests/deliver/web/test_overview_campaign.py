"""The overview's campaign filter on the tiny demo: the campaigns to choose from come from the
period's data, the filter is in the URL and the API, its figures are those of `roi` with the
same campaign, and a hostile campaign value is escaped and answered with a note."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from socialroi import Workspace
from socialroi.deliver.web import filters as flt
from socialroi.deliver.web import kept
from socialroi.deliver.web.app import create_app
from socialroi.measure.campaigns import campaigns_in
from socialroi.measure.profiles import load_profile
from socialroi.measure.roi import roi
from socialroi.model.periods import parse_period
from socialroi.store import answers
from socialroi.store.web import WebStore
from tests.conftest import copy_workspace
from tests.deliver.web.test_api import EVIL, login

PERIOD = "2026-Q3"


@pytest.fixture(scope="module")
def demo_app(tiny_demo, tmp_path_factory):
    path = copy_workspace(tiny_demo, tmp_path_factory.mktemp("campaign"))
    with Workspace.open(path) as ws:
        WebStore(ws).add_user("viewer", "viewer-pass-1", "viewer")
    app = create_app(path, reports_dir=path.parent / "reports")
    yield app
    app.state.ctx.ws.close()


def _best_campaign(ws) -> str:
    res = roi(ws, PERIOD, by=("campaign",))
    named = res.table[res.table.campaign != "(none)"].sort_values("revenue", ascending=False)
    return str(named.campaign.iloc[0])


def test_campaign_filter_in_the_api_gives_roi_of_that_campaign(demo_app):
    ws = demo_app.state.ctx.ws
    campaign = _best_campaign(ws)
    want = roi(ws, PERIOD, by=("platform",), compare="previous", campaigns=[campaign]).totals
    every = roi(ws, PERIOD, by=("platform",)).totals
    c = login(demo_app, "viewer")
    # case and spaces do not matter: the key is folded
    body = c.get(f"/api/v1/overview?period={PERIOD}&campaign= {campaign.upper()} ").json()
    data = body["data"]
    assert data["campaign"] == campaign
    lookback = load_profile("dtc").lookback_days
    assert campaign in data["campaigns"]
    assert data["campaigns"] == campaigns_in(ws, parse_period(PERIOD), lookback)
    assert body["filters"]["campaign"] == campaign.upper()  # as asked, in the URL's form
    got = {h["metric"]: h["value"] for h in data["headline"]}
    assert got["revenue"] == pytest.approx(want["revenue"], rel=1e-9)
    assert 0 < got["revenue"] < every["revenue"]
    assert got["roas"] == pytest.approx(want["roas"], rel=1e-9)


def test_campaign_filter_on_the_page_and_in_its_links(demo_app):
    ws = demo_app.state.ctx.ws
    campaign = _best_campaign(ws)
    c = login(demo_app, "viewer")
    page = c.get(f"/overview?period={PERIOD}&campaign={campaign}")
    assert page.status_code == 200
    assert f'<option value="{campaign}" selected>' in page.text
    assert "not tied to one campaign" in page.text  # what the filter leaves out, said
    assert f"campaign={campaign}" in page.text  # the share form keeps it


def test_hostile_campaign_is_escaped_and_answers_zero(demo_app):
    c = login(demo_app, "viewer")
    page = c.get(f"/overview?period={PERIOD}", params={"campaign": EVIL})
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "No campaign" in page.text
    body = c.get(f"/api/v1/overview?period={PERIOD}", params={"campaign": EVIL}).json()
    assert {h["metric"]: h["value"] for h in body["data"]["headline"]}["revenue"] == 0


def test_preset_periods_and_campaign_sums_are_computed_after_a_write(demo_app):
    """After a write, the server (`serve` with its warm-up) computes the overview of the preset
    periods and the default period's sums by campaign in the background, and keeps them."""
    ctx = demo_app.state.ctx
    ctx.presets = True
    try:
        ctx.invalidate()
        presets = ctx.workspace_meta(wait=True)["presets"][: flt.PRECOMPUTED]
        assert len(presets) == 4 and presets[0] == ctx.filters({}, "overview").period
        version = kept.version_text(ctx.version())
        base = ctx.filters({}, "overview")
        deadline = time.monotonic() + 600
        while True:
            asked = [replace(base, period=p).with_extra(sort="", dir="") for p in presets]
            got = [kept.load(ctx.ws.store, "overview", f) for f in asked]  # as `answer` keeps
            memo = [k for k, _ in answers.keys(ctx.ws.store, "memo")]
            by_campaign = [k for k in memo if k.startswith("('attributed.sums'") and ", True," in k]
            if all(g and g[0] == version for g in got) and len(by_campaign) >= 2:
                break
            assert time.monotonic() < deadline, (presets, [g and g[0] for g in got])
            time.sleep(0.5)
    finally:
        ctx.presets = False
