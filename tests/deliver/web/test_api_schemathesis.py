"""Schemathesis against the API on a free loopback port: every operation, every phase
(examples, coverage, fuzzing, stateful), a fixed seed, signed in as each role; 0 failures.

The answers' figures are not what this checks (the generated-client test compares them with
the CLI): each view is computed once for real on the small web workspace and then answers
every filter combination, so hundreds of requests stay within a couple of minutes on two
cores while every answer still has the real shape. Everything else is the real server:
filters, paging, ETags, uploads, cost edits, users, profiles, share links, reports.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from socialroi.deliver.web import views as views_mod
from socialroi.deliver.web.app import create_app
from tests.deliver.web.live import running
from tests.deliver.web.test_api import fake_report

HERE = Path(__file__).parent
ST = Path(sys.executable).parent / "st"
SEED = 20261207


@pytest.fixture(scope="module")
def recorded(built, tmp_path_factory):
    """Each view computed once, for real, on the small workspace (its default filters)."""
    path = tmp_path_factory.mktemp("st-views") / "ws.duckdb"
    shutil.copy(built, path)
    app = create_app(path, reports_dir=path.parent / "reports")
    try:
        ctx = app.state.ctx
        return {n: ctx.view(n, ctx.filters({}, n)) for n in views_mod.VIEWS}
    finally:
        app.state.ctx.ws.close()


@pytest.mark.slow
@pytest.mark.skipif(
    not ST.exists(), reason="schemathesis is a test dependency (pip install -e .[dev])"
)
@pytest.mark.parametrize("role", ["admin", "analyst", "viewer"])
def test_schemathesis_finds_no_failure(built, recorded, tmp_path, monkeypatch, role):
    for name, view in recorded.items():
        monkeypatch.setitem(views_mod.VIEWS, name, lambda ws, f, v=view: v)
    monkeypatch.setattr("socialroi.deliver.report.build_report", fake_report)
    path = tmp_path / "ws.duckdb"
    shutil.copy(built, path)
    app = create_app(path, reports_dir=tmp_path / "reports")
    store = app.state.ctx.store
    user = next(u for u in store.users() if u.username == role)
    token = store.create_token(user.user_id, "schemathesis", "test")
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(app.openapi()))
    try:
        with running(app) as base:
            out = subprocess.run(
                [str(ST), "--config-file", str(HERE / "schemathesis.toml"), "run", str(spec),
                 "--url", base, "-H", f"Authorization: Bearer {token}",
                 "--phases", "examples,coverage,fuzzing,stateful", "--checks", "all",
                 "--exclude-checks", "use_after_free,ensure_resource_availability",
                 "--seed", str(SEED), "--max-examples", "4", "--workers", "1",
                 "--generation-deterministic", "--no-shrink", "--no-color",
                 "--request-timeout", "60"],
                capture_output=True, text=True, timeout=900, cwd=tmp_path,
            )  # fmt: skip
    finally:
        app.state.ctx.ws.close()
    log = tmp_path / "schemathesis.log"
    log.write_text(out.stdout + out.stderr)
    text = out.stdout
    shown = text[text.find("FAILURES") :] if "FAILURES" in text else text[-6000:]
    assert out.returncode == 0, f"see {log}\n" + shown[:12000]
