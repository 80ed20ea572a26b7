"""A client generated from the OpenAPI document by openapi-python-client (a tool nobody on
this project wrote) reads the demo through the API: its answers are typed objects, and
their figures equal the CLI's JSON output for the same filters."""

from __future__ import annotations

import importlib
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from socialroi.deliver.cli.main import main
from socialroi.deliver.web.app import create_app
from socialroi.store.web import WebStore
from tests.conftest import copy_workspace
from tests.deliver.web.live import running

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
PERIOD = "2026-Q3"


def cli_json(ws: Path, *args: str):
    r = CliRunner().invoke(main, [*args, "-w", str(ws)])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def generate(spec: dict, folder: Path):
    """Generate the client package into `folder` and import it."""
    (folder / "openapi.json").write_text(json.dumps(spec))
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    out = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(folder / "openapi.json"), "--output-path",
         str(folder / "socialroi_client"), "--meta", "none"],
        capture_output=True, text=True, timeout=300, env=env, cwd=folder,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Warning" not in out.stdout, out.stdout  # every schema became a typed model
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module("socialroi_client")
    finally:
        sys.path.remove(str(folder))


@pytest.mark.slow
@pytest.mark.skipif(not GENERATOR.exists(), reason="openapi-python-client is a test dependency")
def test_a_generated_client_reads_what_the_cli_says(tiny_demo, tmp_path):
    ws = copy_workspace(tiny_demo, tmp_path / "ws")
    # The CLI's answers first: the server will hold the workspace file.
    by_platform = cli_json(ws, "roi", "--period", PERIOD, "--by", "platform",
                           "--compare", "previous", "--format", "json")  # fmt: skip
    by_market = cli_json(ws, "roi", "--period", PERIOD, "--by", "platform,market",
                         "--format", "json")  # fmt: skip
    ledger = cli_json(ws, "costs", "--period", PERIOD, "--ledger", "--format", "json")
    allocated = cli_json(ws, "costs", "--period", PERIOD, "--by", "platform,category",
                         "--format", "json")  # fmt: skip
    status = cli_json(ws, "status", "--format", "json")

    app = create_app(ws, reports_dir=tmp_path / "reports")
    store: WebStore = app.state.ctx.store
    user = store.add_user("reader", "a-long-reader-pass-1", "viewer")
    token = store.create_token(user.user_id, "generated client", "test")
    client_pkg = generate(app.openapi(), tmp_path)
    from socialroi_client.api.costs import get_costs  # noqa: PLC0415
    from socialroi_client.api.imports import get_imports, list_imports  # noqa: PLC0415
    from socialroi_client.api.metrics import get_metrics  # noqa: PLC0415
    from socialroi_client.api.overview import get_overview  # noqa: PLC0415
    from socialroi_client.models import (  # noqa: PLC0415
        BatchesPage,
        Compare,
        Costs,
        DeltaUnit,
        Headline,
        Imports,
        Metrics,
        MetricUnit,
        Overview,
    )

    try:
        with running(app) as base:
            client = client_pkg.AuthenticatedClient(base_url=base, token=token, timeout=600)
            with client as c:
                ov = get_overview.sync(client=c, period=PERIOD, compare=Compare.PREVIOUS)
                mx = get_metrics.sync(client=c, period=PERIOD)
                co = get_costs.sync(client=c, period=PERIOD)
                im = get_imports.sync(client=c, period=PERIOD)
                pages, cursor = [], None
                while True:
                    kw = {"cursor": cursor} if cursor else {}
                    page = list_imports.sync(client=c, limit=50, **kw)
                    assert isinstance(page, BatchesPage)
                    pages += page.items
                    cursor = page.next_cursor
                    if not cursor:
                        break
    finally:
        app.state.ctx.ws.close()

    # typed objects, not dicts
    assert isinstance(ov, Overview) and isinstance(mx, Metrics)
    assert isinstance(co, Costs) and isinstance(im, Imports)
    card = ov.data.headline[0]
    assert isinstance(card, Headline) and isinstance(card.unit, MetricUnit)
    assert isinstance(card.delta_unit, DeltaUnit) and ov.currency == by_platform["currency"]

    # overview: the headline is the CLI's total row, the platform table its rows
    cli_rows = {r["platform"]: r for r in by_platform["rows"]}
    total = cli_rows.pop("total")
    for h in ov.data.headline:
        assert close(h.value, total.get(h.metric)), h.metric
    api_rows = {r.platform: r.additional_properties for r in ov.tables.by_platform}
    assert set(api_rows) == set(cli_rows)
    for platform, row in api_rows.items():
        for metric in ("revenue", "roas", "roi", "true_cost", "revenue_prev", "roi_delta"):
            assert close(row.get(metric), cli_rows[platform].get(metric)), (platform, metric)

    # metrics: platform x market
    cli_pm = {
        (r["platform"], r["market"]): r for r in by_market["rows"] if r["platform"] != "total"
    }
    api_pm = {
        (r["platform"], r["market"]): r for r in (x.to_dict() for x in mx.tables.platform_market)
    }
    assert set(api_pm) == set(cli_pm)
    for key, row in api_pm.items():
        for metric in ("revenue", "spend", "true_cost", "roi", "cpa"):
            assert close(row.get(metric), cli_pm[key].get(metric)), (key, metric)

    # costs: every ledger line's share of the period, and the allocated total
    cli_lines = {r["cost_id"]: r["amount_in_period_base"] for r in ledger["rows"]}
    api_lines = {x.cost_id: x.amount_in_period_base for x in co.tables.ledger}
    assert api_lines.keys() == cli_lines.keys()
    assert all(close(api_lines[k], cli_lines[k]) for k in cli_lines)
    cur = co.currency.lower()
    assert close(sum(r[f"amount_{cur}"] for r in allocated["rows"]), co.data.total)

    # imports: the findings the CLI's status counts, and every batch once through the pages
    api_findings = {r.to_dict()["kind"]: r.to_dict() for r in im.tables.findings}
    for f in status["findings"]:
        got = api_findings[f["kind"]]
        assert (int(got["rows"]), got["findings"]) == (f["rows"], f["findings"])
    ids = [b.batch_id for b in pages]
    assert len(ids) == len(set(ids)) == len(im.tables.imports) or len(ids) > 500
