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
