"""The dashboard under real use: the real app (uvicorn on a free loopback port) with many
clients at once while imports and edits run, and requests that must not wait for a long
report build or upload. No absolute timings: answers are compared with the single-threaded
ones, and waiting is measured as a ratio against an idle request."""

from __future__ import annotations

import json
import math
import os
import statistics
import threading
import time
from pathlib import Path

import httpx
import pytest

from socialroi import Workspace
from socialroi.deliver.web.app import create_app
from socialroi.deliver.web.routes import reports as report_routes
from socialroi.land.runs import RunSummary
from socialroi.store.web import WebStore
from tests.conftest import copy_workspace
from tests.deliver.web.live import running, timed_get

READERS = int(os.environ.get("SOCIALROI_LOAD_READERS", "20"))  # the run: 30 x 60 s
SECONDS = float(os.environ.get("SOCIALROI_LOAD_SECONDS", "20"))
READS = (
    "/api/v1/overview", "/api/v1/content", "/api/v1/costs", "/api/v1/metrics",
    "/api/v1/attribution", "/api/v1/clv", "/api/v1/me",
)  # fmt: skip
IMPORT = {"force": "1", "account": "@voltiq.us"}  # re-read: the same rows replace themselves
PROFILE = 'name = "load_test"\nextends = "dtc"\nlookback_days = 14\n'
AWAY = {"period_start": "2001-01-01", "period_end": "2001-01-31", "category": "tools",
        "amount": "10", "currency": "USD"}  # fmt: skip  # a period nobody reads


def _prepare(tiny_demo_build, tmp_path) -> tuple[Path, dict[str, str], Path]:
    path = copy_workspace(tiny_demo_build.path, tmp_path)
    with Workspace.open(path) as ws:
        store = WebStore(ws)
        tokens = {}
        for role in ("viewer", "analyst"):
            user = store.add_user(f"load-{role}", f"{role}-load-passphrase", role)
            tokens[role] = store.create_token(user.user_id, "load", "test")
    export = next(tiny_demo_build.exports.glob("tiktok/@voltiq.us/Content_*.csv"))
    return path, tokens, export


def _same(a, b) -> bool:
    """Equal answers: the same keys, texts and numbers, floats up to the last bits (DuckDB's
    parallel sums may add in another order when the machine is busy)."""
    if isinstance(a, float) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        a, b = _figures(a), _figures(b)
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _figures(d: dict) -> dict:
    """An answer without what says *when* it was computed: `as_of`, and the note a last good
    answer carries while the edits' new one is computed (its figures must still be right)."""
    out = {k: v for k, v in d.items() if k != "as_of"}
    if isinstance(out.get("notes"), list):
        out["notes"] = [n for n in out["notes"] if "newer figures are being computed" not in n]
    return out


def _diff(a, b, at: str = "") -> str:
    """Where two JSON answers first differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        a, b = _figures(a), _figures(b)
        for k in sorted(set(a) | set(b), key=str):
            if a.get(k) != b.get(k):
                return _diff(a.get(k), b.get(k), f"{at}.{k}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return _diff(x, y, f"{at}[{i}]")
    return f"{at}: {json.dumps(a)[:200]} != {json.dumps(b)[:200]}"


def _answer(r: httpx.Response):
    assert r.status_code < 500, f"{r.request.url}: {r.status_code} {r.text[:300]}"
    return r.status_code, r.json()


@pytest.mark.slow
def test_many_clients_get_the_single_threaded_answers_while_imports_and_edits_run(
    tiny_demo_build, tmp_path
):
    path, tokens, export = _prepare(tiny_demo_build, tmp_path)
    app = create_app(path, reports_dir=tmp_path / "reports")
    viewer = {"Authorization": f"Bearer {tokens['viewer']}"}
    analyst = {"Authorization": f"Bearer {tokens['analyst']}"}
    problems: list[str] = []
    counts = {"reads": 0, "imports": 0, "edits": 0}
    count_lock = threading.Lock()
    with running(app) as base:
        with httpx.Client(base_url=base, headers=analyst, timeout=120) as c:
            # The same import once before the baseline: during the run it replaces itself.
            with export.open("rb") as fh:
                r = c.post("/api/v1/imports", files={"files": (export.name, fh)},
                           data=IMPORT)  # fmt: skip
            assert r.status_code == 200, r.text
            assert c.post("/api/v1/profiles", json={"text": PROFILE}).status_code == 200
        with httpx.Client(base_url=base, headers=viewer, timeout=120) as c:
            expected = {url: _answer(c.get(url)) for url in READS}
        stop = time.monotonic() + SECONDS

        def reader(i: int) -> None:
            with httpx.Client(base_url=base, headers=viewer, timeout=120) as c:
                n = 0
                while time.monotonic() < stop:
                    url = READS[(i + n) % len(READS)]
                    n += 1
                    try:
                        got = _answer(c.get(url))
                    except AssertionError as exc:
                        problems.append(str(exc))
                        continue
                    if not _same(list(expected[url]), list(got)):
                        problems.append(
                            f"{url}: a different answer {_diff(list(expected[url]), list(got))}"
                        )
                with count_lock:
                    counts["reads"] += n

        def importer() -> None:
            with httpx.Client(base_url=base, headers=analyst, timeout=120) as c:
                while time.monotonic() < stop:
                    with export.open("rb") as fh:
                        r = c.post("/api/v1/imports", files={"files": (export.name, fh)},
                                   data=IMPORT)  # fmt: skip
                    if r.status_code != 200:
                        problems.append(f"import: {r.status_code} {r.text[:300]}")
                    counts["imports"] += 1
                    time.sleep(2)  # a busy team, not a loop: the pages get computed between

        def editor() -> None:
            with httpx.Client(base_url=base, headers=analyst, timeout=120) as c:
                while time.monotonic() < stop:
                    steps = [c.post("/api/v1/profiles", json={"text": PROFILE})]
                    steps.append(c.post("/api/v1/costs", json=AWAY))
                    if steps[-1].status_code == 200:
                        cost_id = steps[-1].json()["cost_id"]
                        steps.append(c.delete(f"/api/v1/costs/{cost_id}"))
                    for r in steps:
                        if r.status_code != 200:
                            problems.append(f"edit: {r.status_code} {r.text[:300]}")
                    counts["edits"] += 1
                    time.sleep(0.5)

        threads = [threading.Thread(target=reader, args=(i,)) for i in range(READERS)]
        threads += [threading.Thread(target=importer), threading.Thread(target=editor)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    app.state.ctx.ws.close()
    assert not problems, f"{len(problems)} problems, first: {problems[:3]}"
    print(f"load: {READERS} readers, {SECONDS:.0f} s: {counts}")
    assert counts["reads"] >= READERS and counts["imports"] >= 1 and counts["edits"] >= 1, counts


def _ratio_while(base: str, busy, idle_url: str = "/login") -> float:
    """Median time of `idle_url` while `busy()` runs in another thread, over its idle median."""
    with httpx.Client(base_url=base, timeout=60) as c:
        timed_get(c, idle_url)  # warm
        idle = statistics.median(timed_get(c, idle_url) for _ in range(15))
        worker = threading.Thread(target=busy)
        worker.start()
        time.sleep(0.3)  # the long request is under way
        during = []
        while worker.is_alive() and len(during) < 15:
            during.append(timed_get(c, idle_url))
        worker.join()
    assert len(during) >= 5, "the long request ended before it could be measured"
    return statistics.median(during) / idle


@pytest.fixture
def live_app(built_small, tmp_path):
    path, token = built_small
    app = create_app(copy_workspace(path, tmp_path), reports_dir=tmp_path / "reports")
    app.state.token = token
    yield app
    app.state.ctx.ws.close()


@pytest.fixture(scope="module")
def built_small(tmp_path_factory) -> tuple[Path, str]:
    from tests.conftest import FIXTURES

    path = tmp_path_factory.mktemp("live") / "ws.duckdb"
    with Workspace.open(path) as ws:
        ws.import_files([FIXTURES / "ledger", FIXTURES / "shopify"])
        store = WebStore(ws)
        user = store.add_user("analyst", "analyst-passphrase", "analyst")
        token = store.create_token(user.user_id, "t", "test")
    return path, token


def test_a_long_report_build_does_not_delay_sign_in(live_app, monkeypatch):
    def slow(*args, **kwargs):
        time.sleep(4)  # a long build (blocking, as the real one is)
        raise RuntimeError("stopped on purpose")

    monkeypatch.setattr(report_routes, "_build", slow)
    token = live_app.state.token
    with running(live_app) as base:

        def build() -> None:
            h = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=base, headers=h, timeout=60) as c:
                r = c.post("/api/v1/reports?period=2025-Q1")
                while r.status_code == 202:  # answered at once, then built in the background
                    time.sleep(0.2)
                    r = c.get(r.json()["status"])

        ratio = _ratio_while(base, build)
    assert ratio < 10, ratio


def test_a_long_upload_does_not_delay_sign_in(live_app, monkeypatch):
    ws = live_app.state.ctx.ws

    def slow(*args, **kwargs):
        time.sleep(4)  # a long import (blocking)
        return RunSummary()

    monkeypatch.setattr(ws, "import_run", slow)
    token = live_app.state.token
    with running(live_app) as base:

        def upload() -> None:
            h = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=base, headers=h, timeout=60) as c:
                r = c.post("/api/v1/imports", files={"files": ("a.csv", b"x,y\n1,2\n" * 50_000)})
                assert r.status_code < 500, r.text

        ratio = _ratio_while(base, upload)
    assert ratio < 10, ratio
