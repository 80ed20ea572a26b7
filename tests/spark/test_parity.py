"""A Spark workspace answers what the DuckDB workspace answers (issue 18): the tiny demo's
export files imported into `spark:PATH` (one local Spark session for the module: two cores,
one shuffle partition, no UI, loopback only), then every figure of `roi`, `attribute`,
`costs` and `clv` (the CLI's JSON) equal to the DuckDB workspace's to 1e-9 relative."""

from __future__ import annotations

import shutil

import pytest

from socialroi import Workspace
from socialroi.store.spark import SparkStore
from tests.spark.parity import COMMANDS, differences, import_like_demo, run_json, spark_env

pytestmark = [pytest.mark.spark, pytest.mark.slow]


@pytest.fixture(scope="module")
def spark_demo(tiny_demo_build, tmp_path_factory):
    """(DuckDB demo file, Spark workspace location) holding the same imports."""
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (make test installs openjdk-17-jre-headless)")
    pytest.importorskip("pyspark.sql")
    location = "spark:" + str(tmp_path_factory.mktemp("spark-demo") / "ws")
    with spark_env():
        ws = import_like_demo(location, tiny_demo_build.run.files, tiny_demo_build.path)
        ws.close()
        yield tiny_demo_build.path, location


def test_the_spark_workspace_holds_what_duckdb_holds(spark_demo):
    """Same batches, same rows per table, and Spark reads the rows the catalog landed."""
    duck, location = spark_demo
    with Workspace.open(duck) as d, Workspace.open(location) as s:
        assert isinstance(s.store, SparkStore) and s.path == location
        st_d, st_s = d.status(), s.status()
        for k in ("tables", "platforms", "markets", "currencies", "findings"):
            assert st_d[k] == st_s[k], k
        for name in ("touchpoints", "conversions", "ad_metrics", "costs", "posts"):
            n = st_d["tables"][name]["rows"]
            assert n > 0 and s.table(name).count().execute() == n, name
        # Spark's timestamps come back as the same UTC instants DuckDB's TIMESTAMPTZ gives
        got = s.table("conversions").order_by("conversion_id").limit(3).execute()
        want = d.table("conversions").order_by("conversion_id").limit(3).execute()
        assert list(got.occurred_at) == list(want.occurred_at)
        assert str(got.occurred_at.dt.tz) == "UTC"


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_figure_equals_duckdbs(spark_demo, command):
    duck, location = spark_demo
    with spark_env():
        a = run_json(str(duck), command)
        b = run_json(location, command)
    numbers, worst, diffs = differences(a, b, rel=1e-9)
    assert numbers > 10, f"{command}: only {numbers} figures compared"
    assert not diffs, f"{command}: {len(diffs)} differences (worst {worst:.2e}): {diffs[:10]}"


def test_a_change_reaches_spark(spark_demo, tmp_path):
    """A cost edit lands in the catalog; the next read on Spark sees it (a new version)."""
    _, location = spark_demo
    src = location[len("spark:") :]
    copy = tmp_path / "copy"
    shutil.copytree(src, copy, ignore=shutil.ignore_patterns("*.serve.json"))
    with spark_env(), Workspace.open(f"spark:{copy}") as ws:
        before = ws.table("costs").count().execute()
        ws.store.raw.execute("DELETE FROM costs WHERE cost_id = (SELECT min(cost_id) FROM costs)")
        assert ws.table("costs").count().execute() == before - 1


def test_the_dashboard_shows_duckdbs_figures(spark_demo, tmp_path):
    """The dashboard on the Spark workspace: the overview page renders, and its API answers
    with DuckDB's figures."""
    import re

    from fastapi.testclient import TestClient

    from socialroi.deliver.web.app import create_app
    from socialroi.store.web import WebStore

    duck, location = spark_demo
    copies = [str(shutil.copy(duck, tmp_path / "d.duckdb")), f"spark:{tmp_path / 's'}"]
    shutil.copytree(location[len("spark:") :], tmp_path / "s")
    password = "a long test password 7"
    answers = []
    with spark_env():
        for loc in copies:
            with Workspace.open(loc) as ws:
                WebStore(ws).add_user("viewer", password, "viewer")
            app = create_app(loc, reports_dir=tmp_path / "reports")
            try:
                c = TestClient(app, follow_redirects=False)
                csrf = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text)
                r = c.post("/login", data={"username": "viewer", "password": password,
                                           "csrf_token": csrf.group(1)})  # fmt: skip
                assert r.status_code == 303, r.text
                page = c.get("/overview?period=2026-Q3")
                assert page.status_code == 200 and "ROI" in page.text
                r = c.get("/api/v1/overview?period=2026-Q3")
                assert r.status_code == 200, r.text
                answers.append(r.json())
            finally:
                app.state.ctx.ws.close()
    numbers, worst, diffs = differences(*answers)
    assert numbers > 10 and not diffs, diffs[:10]
