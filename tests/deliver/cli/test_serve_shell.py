"""The shell while the dashboard runs (issue 11): `socialroi serve` in a subprocess holds the
workspace; status, import and users commands succeed meanwhile (sent to the server), and
SIGTERM stops the server promptly under load, leaving the workspace consistent."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from socialroi import Workspace
from socialroi.store.web import WebStore
from tests.conftest import FIXTURES, ROOT
from tests.deliver.web.live import free_port

PASSWORD = "a-long-enough-passphrase"


def _cli(*args: str, env: dict | None = None, cwd: Path | None = None):
    return subprocess.run(
        [sys.executable, "-m", "socialroi.deliver.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})},
    )


@pytest.fixture
def served(tmp_path):
    """A workspace with the ledger imported, served by `socialroi serve` on a free port."""
    path = tmp_path / "ws.duckdb"
    with Workspace.open(path) as ws:
        ws.import_files([FIXTURES / "ledger"])
        store = WebStore(ws)
        admin = store.add_user("admin", PASSWORD, "admin")
        token = store.create_token(admin.user_id, "t", "test")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "socialroi.deliver.cli.main", "serve", "-w", str(path),
         "--port", str(port), "--no-warm"],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail(f"the server did not start: {proc.communicate()}")
    yield path, base, token, proc
    if proc.poll() is None:
        proc.kill()
        proc.wait(30)


def test_commands_work_while_serve_runs(served, tmp_path):
    path, base, token, proc = served
    assert Path(str(path) + ".serve.json").exists()
    assert oct(Path(str(path) + ".serve.json").stat().st_mode & 0o777) == "0o600"
    r = _cli("status", "-w", str(path), "--format", "json")
    assert r.returncode == 0, r.stderr
    assert "through it" in r.stderr  # says where it ran
    assert json.loads(r.stdout)["tables"]["costs"]["rows"] > 0
    # A relative path, from another folder: resolved by the command line.
    shutil.copytree(FIXTURES / "shopify", tmp_path / "drop")
    r = _cli("import", "drop", "-w", str(path), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "imported" in r.stdout.lower() or "rows" in r.stdout.lower(), r.stdout
    r = _cli("users", "add", "carol", "--role", "analyst", "-w", str(path),
             env={"SOCIALROI_PASSWORD": PASSWORD})  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = _cli("users", "list", "-w", str(path))
    assert r.returncode == 0 and "carol" in r.stdout
    r = _cli("users", "reset-password", "CAROL", "-w", str(path),
             env={"SOCIALROI_PASSWORD": "another-fine-passphrase"})  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = _cli("users", "disable", "carol", "-w", str(path))
    assert r.returncode == 0, r.stderr
    assert re.search(r"carol\s+analyst \(disabled\)", _cli("users", "list", "-w", str(path)).stdout)
    r = _cli("users", "add", "x", "-w", str(path), env={"SOCIALROI_PASSWORD": "short"})
    assert r.returncode == 1 and "at least 12" in r.stderr  # errors come back as errors
    # The dashboard saw the import at once (its caches were refreshed).
    h = {"Authorization": f"Bearer {token}"}
    imports = httpx.get(f"{base}/api/v1/imports?period=2025-Q1", headers=h, timeout=60).json()
    assert "shopify" in json.dumps(imports).lower()


def test_sigterm_stops_the_server_under_load_and_leaves_the_workspace_whole(served):
    path, base, token, proc = served
    h = {"Authorization": f"Bearer {token}"}
    stop = threading.Event()

    def client() -> None:
        with httpx.Client(base_url=base, headers=h, timeout=30) as c:
            while not stop.is_set():
                try:
                    c.get("/api/v1/overview?period=2025-Q1")
                    c.get("/api/v1/costs?period=2025-Q1")
                except httpx.HTTPError:
                    return

    threads = [threading.Thread(target=client) for _ in range(10)]
    for t in threads:
        t.start()
    time.sleep(2)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)
    took = time.monotonic() - t0
    stop.set()
    for t in threads:
        t.join(30)
    assert took < 10, took
    assert not Path(str(path) + ".serve.json").exists()
    with Workspace.open(path) as ws:  # opens (no lock left), and holds what was imported
        assert ws.status()["tables"]["costs"]["rows"] > 0
