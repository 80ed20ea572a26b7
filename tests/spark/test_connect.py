"""A workspace on a Spark Connect server (`spark:sc://HOST:PORT`, or `spark:` with
SPARK_REMOTE): a real server, started from the jars pyspark ships (no download), on loopback.
The same files imported into DuckDB and through Spark Connect (each file unified by the
server) give the same `costs` figures."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from socialroi import Workspace
from socialroi.store.location import SparkLocation
from socialroi.store.spark import SparkStore
from tests.spark.parity import differences, run_json

pytestmark = [pytest.mark.spark, pytest.mark.slow]
SERVER = "org.apache.spark.sql.connect.service.SparkConnectServer"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def connect_server(tmp_path_factory):
    """`sc://127.0.0.1:PORT` of a Spark Connect server this module starts and stops."""
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (make test installs openjdk-17-jre-headless)")
    pyspark = pytest.importorskip("pyspark")
    pytest.importorskip("grpc", reason="the Spark Connect client needs pyspark[connect]")
    home = Path(pyspark.__file__).parent
    if not list((home / "jars").glob("spark-connect_*.jar")):
        pytest.skip("this pyspark ships no spark-connect jar")
    port, root = _free_port(), tmp_path_factory.mktemp("connect-server")
    log = (root / "server.log").open("wb")
    proc = subprocess.Popen(  # noqa: S603 - our own pyspark's launcher, fixed arguments
        [str(home / "bin" / "spark-submit"), "--class", SERVER, "--master", "local[2]",
         "--conf", f"spark.connect.grpc.binding.port={port}",
         "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
         "--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=1",
         "--conf", f"spark.sql.warehouse.dir={root / 'warehouse'}", "spark-internal"],
        stdout=log, stderr=subprocess.STDOUT, cwd=root, start_new_session=True,
        env={**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_HOME": str(home)},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(1)
        else:
            pytest.fail(
                f"the Spark Connect server did not start: {(root / 'server.log').read_text()[-2000:]}"
            )
        yield f"sc://127.0.0.1:{port}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the server and the JVM it started, by our pid
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_spark_remote_names_the_server(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SPARK_REMOTE", "sc://spark.example:443")
    loc = SparkLocation.parse("spark:")
    assert loc.remote == "sc://spark.example:443"
    assert loc.folder == tmp_path / "socialroi-spark.example-443.spark"
    assert SparkLocation.parse("spark:data/ws").remote == "sc://spark.example:443"


def test_commands_that_keep_only_the_catalog_never_start_spark(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from socialroi.deliver.cli.main import main

    monkeypatch.chdir(tmp_path)
    location = "spark:sc://127.0.0.1:9"  # nothing listens: starting Spark would fail
    with Workspace.open(location, base_currency="USD") as ws:
        assert isinstance(ws.store, SparkStore) and not ws.store.started
    got = CliRunner().invoke(main, ["users", "add", "ana", "--role", "viewer", "-w", location],
                             input="a long enough password\na long enough password\n")  # fmt: skip
    assert got.exit_code == 0, got.output
    with Workspace.open(location) as ws:
        assert not ws.store.started


def test_a_connect_workspace_gives_duckdbs_figures(connect_server, tiny_demo_build, tmp_path,
                                                   monkeypatch):  # fmt: skip
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOCIALROI_SPARK_UNIFY_ROWS", "1")  # every file unified by the server
    ex = tiny_demo_build.exports
    files = [ex / "ledger" / "accounts_register.csv", ex / "ledger" / "costs_ledger.csv",
             ex / "ledger" / "time_split.csv",
             *sorted((ex / "facebook").rglob("*.csv"))[:3]]  # fmt: skip
    location = f"spark:{connect_server}"
    results = {}
    for loc in (str(tmp_path / "d.duckdb"), location):
        with Workspace.open(loc, base_currency="USD") as ws:
            for f in files:
                assert ws.import_files([f])[0].status == "loaded"
            if loc == location:
                assert isinstance(ws.store, SparkStore) and ws.store.engine == "spark-connect"
                assert ws.table("costs").count().execute() == ws.store.count("costs") > 0
                session = ws.store.session
        results[loc] = run_json(loc, "costs")
    session.stop()
    numbers, worst, diffs = differences(*results.values())
    assert numbers > 10 and not diffs, diffs[:10]
    # the catalog stays on this machine, beside where the command ran
    assert (tmp_path / f"socialroi-127.0.0.1-{connect_server.rsplit(':', 1)[1]}.spark").is_dir()
