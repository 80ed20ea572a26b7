"""Every source connected to its fake, one `socialroi sync`, then the report; a second `sync`
changes nothing (issue 15's end-to-end test). The sources plug in through `all_sources.PLUGS`."""

from __future__ import annotations

import re
from contextlib import ExitStack

import pytest
from click.testing import CliRunner

from socialroi import Workspace
from socialroi.deliver.cli.main import main
from socialroi.model.schema import TABLES
from socialroi.sources.api import connectors
from socialroi.sync.run import sync
from tests.fakes.server import FakeApi
from tests.sources.api_kit import sync_options
from tests.sync.all_sources import ENV, PLUGS, SINCE, UNTIL
from tests.sync.conftest import config_dir as config_dir  # noqa: F401 - the fixture


def test_every_connector_plugs_into_a_fake():
    assert sorted(PLUGS) == sorted(connectors()), "add a builder to tests/sync/all_sources.py"


def _fingerprint(ws: Workspace) -> dict[str, tuple]:
    """Row count and batch ids of every canonical table, and the batches listed."""
    raw = ws.store.raw
    out = {
        t: raw.execute(f'SELECT count(*), sum(batch_id), max(batch_id) FROM "{t}"').fetchone()
        for t, spec in TABLES.items()
        if "batch_id" in spec.column_names
    }
    out["import_batches"] = raw.execute("SELECT count(*) FROM import_batches").fetchone()
    return out


@pytest.fixture
def plugged(monkeypatch, config_dir, tmp_path):  # noqa: F811
    """A workspace connected to every source, each pointed at its own fake."""
    for k, v in ENV.items():
        monkeypatch.setenv(k, v)
    w = str(tmp_path / "ws.duckdb")
    run = CliRunner().invoke
    assert run(main, ["init", "-w", w, "--base-currency", "USD"]).exit_code == 0
    with ExitStack() as stack:
        for source, plug in PLUGS.items():
            fake = stack.enter_context(FakeApi())
            fake.env(monkeypatch, source)
            got = run(main, ["connect", source, "-w", w, *plug(fake, 1)[0]])
            assert got.exit_code == 0, (source, got.output)
        yield w


def _sync(w: str) -> list:
    """One `sync` of every connection (the library call behind `socialroi sync`, with "today"
    fixed: TikTok keeps 60 days of account figures, so March 2026 must be recent)."""
    with Workspace.open(w) as ws:
        return sync(ws, None, sync_options(SINCE, UNTIL))


def test_one_sync_of_every_source_then_the_report_and_a_second_sync_changes_nothing(
    plugged, tmp_path
):
    got = _sync(plugged)
    assert [r.describe() for r in got if r.status == "failed"] == []
    for source in PLUGS:  # every source synced something new
        assert any(r.new for r in got if r.source == source), source
    with Workspace.open(plugged) as ws:
        before = _fingerprint(ws)
        platforms = {p for (p,) in ws.store.raw.execute(
            "SELECT DISTINCT platform FROM accounts").fetchall()}  # fmt: skip
        kinds = {k for (k,) in ws.store.raw.execute(
            "SELECT DISTINCT kind FROM conversions").fetchall()}  # fmt: skip
        spend = ws.store.raw.execute(
            "SELECT sum(spend_base) FROM ad_metrics WHERE metric_date BETWEEN ? AND ? "
            "AND platform <> 'search'",  # search campaigns: not social's cost
            [SINCE, UNTIL]).fetchone()[0]  # fmt: skip
        context = {c for (c,) in ws.store.raw.execute(
            "SELECT DISTINCT split_part(context, ';', 1) FROM import_batches").fetchall()}  # fmt: skip
    assert {"facebook", "instagram", "x", "youtube", "tiktok", "linkedin", "pinterest",
            "search"} <= platforms  # fmt: skip
    assert {"purchase", "won", "lead", "opportunity"} <= kinds
    assert all(c.startswith("api:") for c in context)
    for t in ("ad_metrics", "post_metrics", "account_metrics", "conversions", "touchpoints",
              "traffic_daily"):  # fmt: skip
        assert before[t][0] > 0, t

    out = tmp_path / "reports"
    shown = CliRunner().invoke(main, ["report", "-w", plugged, "--period", "2026-03",
                                      "--format", "html", "--out", str(out)])  # fmt: skip
    assert shown.exit_code == 0, shown.output
    html = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", next(out.glob("*.html")).read_text()))
    # the synced social ad spend (Meta, TikTok Ads, ...) is the report's true cost: no other cost is kept
    assert f"True cost of social ${spend:,.0f}" in html, re.findall(
        r"True cost of social \S+", html
    )
    for name in ("Facebook", "Instagram", "X", "YouTube", "TikTok", "LinkedIn", "Pinterest"):
        assert f" {name} " in html

    again = _sync(plugged)
    assert [r.describe() for r in again if r.status == "failed" or r.new or r.changed] == []
    assert len(again) == len(got)
    with Workspace.open(plugged) as ws:
        assert _fingerprint(ws) == before
