"""The experiments page of the dashboard and the experiments section of the report, on the
tiny demo (which stores the brand's three experiments)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from socialroi import Workspace
from socialroi.deliver.report.data import gather
from socialroi.deliver.web.app import create_app
from socialroi.store.web import WebStore
from tests.conftest import copy_workspace


def test_the_dashboard_page_shows_each_verdict(tiny_demo, tmp_path):
    db = copy_workspace(tiny_demo, tmp_path)
    with Workspace.open(db) as ws:
        WebStore(ws).add_user("viewer", "viewer-pass-1", "viewer")
    app = create_app(db, reports_dir=tmp_path / "reports")
    try:
        c = TestClient(app, follow_redirects=False)
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
        c.post("/login", data={"username": "viewer", "password": "viewer-pass-1",
                               "csrf_token": token})  # fmt: skip
        page = c.get("/experiments?period=2026-Q2")
        assert page.status_code == 200
        for name in ("employee-advocacy", "cadence", "caption-question"):
            assert name in page.text
        assert "A real difference" in page.text and "No difference shown" in page.text
        assert "would need about" in page.text
    finally:
        app.state.ctx.ws.close()


def test_the_report_section_lists_experiments_started_by_the_period_end(tiny_demo, tmp_path):
    db = copy_workspace(tiny_demo, tmp_path)
    with Workspace.open(db) as ws:
        q1 = [s.key for s in gather(ws, "2026-Q1", compare=None).sections]
        data = gather(ws, "2026-Q3", compare=None)
    assert "experiments" not in q1  # none had started
    s = data.section("experiments")
    rows = {r["experiment"]: r for r in s.tables[0].rows}
    assert set(rows) == {"employee-advocacy", "cadence", "caption-question"}
    assert rows["caption-question"]["revenue_month"] is None  # not conclusive: no money claimed
    assert s.takeaway.startswith("2 of 3 experiments")
