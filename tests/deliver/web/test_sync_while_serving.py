"""A sync inside the server holds the write lock only while a stream lands: while the fake
Graph API holds its answer (a reader waiting on an Event, as a slow backfill would), pages and
/api/v1/overview answer with the data before; once the stream lands they show the new data,
and the landed rows are those of a sync that held the lock throughout. Also `POST
/api/v1/connections/sync`: admins only, CSRF for sessions, a running job joined, an unknown
source refused naming the valid ones, both audited."""

from __future__ import annotations

import datetime as dt
import threading
import time

from fastapi.testclient import TestClient

from socialroi.deliver.web import kept
from socialroi.deliver.web.routes import connections as routes
from socialroi.sync.run import SyncOptions, sync
from tests.deliver.web.test_api import csrf_of, login
from tests.deliver.web.test_api_contract import token_client
from tests.deliver.web.test_connections_page import _connect
from tests.sync.conftest import config_dir, fake_meta, fill  # noqa: F401 - fixtures

TODAY = dt.datetime.now(dt.UTC).date()
DAYS = [str(TODAY - dt.timedelta(days=d)) for d in (3, 2, 1)]  # 36 records
PERIOD = f"{TODAY - dt.timedelta(days=6)}..{TODAY}"


def hold(fake) -> tuple[threading.Event, threading.Event]:
    """Every route of the fake waits for `go` before answering; `asked` says one was called."""
    asked, go = threading.Event(), threading.Event()

    def held(fn):
        def handler(req):
            asked.set()
            go.wait(120)
            return fn(req)

        return handler

    fake.routes[:] = [(m, rx, held(fn)) for m, rx, fn in fake.routes]
    return asked, go


def answers_within(seconds: float, fn):
    """fn() in a thread; its result, or None when it is still waiting after `seconds`."""
    got: list = []
    t = threading.Thread(target=lambda: got.append(fn()), daemon=True)
    t.start()
    t.join(seconds)
    return got[0] if got else None


def overview(c: TestClient) -> dict:
    r = c.get(f"/api/v1/overview?period={PERIOD}")
    assert r.status_code == 200, r.text
    return r.json()


def landed_rows(ws) -> list[tuple]:
    df = ws.store.raw.execute("SELECT * FROM ad_metrics").df()
    df = df.drop(columns=[c for c in df.columns if "batch" in c])
    return sorted(map(tuple, df.astype(str).itertuples(index=False)))


def test_pages_answer_while_a_sync_reads_and_show_its_data_once_landed(app, fake_meta):  # noqa: F811
    fill(fake_meta, days=DAYS)
    _connect(app)
    ctx = app.state.ctx
    c = login(app, "admin")
    before = overview(c)
    asked, go = hold(fake_meta.fake)
    try:
        job, started = routes.start(ctx, "admin")
        assert started and asked.wait(60)  # the sync is reading the API, which waits
        during = answers_within(30, lambda: overview(c))
        page = answers_within(30, lambda: c.get(f"/overview?period={PERIOD}"))
        listing = answers_within(30, lambda: c.get("/api/v1/connections").json())
        # filters never asked before: computed now, on the data before the sync
        fresh = answers_within(30, lambda: c.get(f"/api/v1/overview?period={PERIOD}&compare=yoy"))
        assert fresh is not None and fresh.status_code == 200
        assert during is not None and page is not None and listing is not None, (
            "a page waited for the sync: it holds the write lock while it reads"
        )
        assert page.status_code == 200
        assert listing["sync"]["state"] == "syncing" and not job.finished
        assert during["as_of"]["data_version"] == before["as_of"]["data_version"]
        assert during["as_of"]["current"] and during["tables"] == before["tables"]
    finally:
        go.set()
    assert job.ended.wait(120) and job.state()["new"] == 36, job.state()
    for _ in range(600):  # the last good answer at first, then the new one
        after = overview(c)
        if (
            after["as_of"]["current"]
            and after["as_of"]["data_version"] != before["as_of"]["data_version"]
        ):
            break
        time.sleep(0.1)
    assert after["as_of"]["current"], after["as_of"]
    assert after["as_of"]["data_version"] != before["as_of"]["data_version"]
    assert after["tables"] != before["tables"]  # the synced spend is in the figures

    assert len(landed_rows(ctx.ws)) == 36


def test_landing_in_steps_lands_the_rows_a_locked_sync_lands(app, fake_meta, built, tmp_path):  # noqa: F811
    """Beside a server's `landing` hooks (the write lock per stream, the caches forgotten per
    landed stream): the rows are those of a sync holding the lock throughout."""
    import shutil

    from socialroi.deliver.web.app import create_app

    fill(fake_meta, days=DAYS)
    _connect(app)
    ctx = app.state.ctx
    landed: list = []
    opts = SyncOptions(landing=ctx.lock.write, landed=landed.append)
    [res] = sync(ctx.ws, None, opts)
    assert res.status == "ok" and [r.stream for r in landed] == ["ad_insights"]
    copy = tmp_path / "locked" / "ws.duckdb"
    copy.parent.mkdir()
    shutil.copy(built, copy)
    locked = create_app(copy, reports_dir=tmp_path / "r2")
    try:
        _connect(locked)
        with locked.state.ctx.lock.write():
            [res2] = sync(locked.state.ctx.ws, None, SyncOptions())
        assert res2.new == res.new == 36
        assert landed_rows(locked.state.ctx.ws) == landed_rows(ctx.ws)
    finally:
        locked.state.ctx.ws.close()


def test_the_api_starts_a_sync_for_admins_and_joins_the_one_running(app, fake_meta):  # noqa: F811
    fill(fake_meta, days=DAYS)
    _connect(app)
    assert token_client(app, "analyst").post("/api/v1/connections/sync").status_code == 403
    session = login(app, "admin")
    r = session.post("/api/v1/connections/sync", json={})
    assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
    admin = token_client(app, "admin")
    r = admin.post("/api/v1/connections/sync", json={"source": "tiktok"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem")
    problem = r.json()
    assert problem["code"] == "unknown_name" and problem["errors"][0]["valid"] == ["meta"]
    assert "meta" in problem["detail"]
    asked, go = hold(fake_meta.fake)
    try:
        r = admin.post("/api/v1/connections/sync", json={"source": "meta"})
        assert r.status_code == 202, r.text
        assert r.headers["location"] == "/api/v1/connections"
        first = r.json()
        assert first["joined"] is False and first["state"] == "syncing" and first["total"] == 1
        assert asked.wait(60)
        csrf = {"X-CSRF-Token": csrf_of(session)}
        again = session.post("/api/v1/connections/sync", headers=csrf)  # no body: every one
        assert again.status_code == 202 and again.json()["joined"] is True
        assert admin.get("/api/v1/connections").json()["sync"]["state"] == "syncing"
    finally:
        go.set()
    job = app.state.ctx.jobs[routes.JOB]
    assert job.ended.wait(120)
    state = admin.get("/api/v1/connections").json()["sync"]
    assert state["state"] == "done" and state["new"] == 36
    log = [(e["action"], e["actor"]) for e in app.state.ctx.store.audit_log(10)]
    assert ("sync.start", "admin") in log and ("sync.join", "admin") in log
    assert log.count(("sync.start", "admin")) == 1 and ("sync.done", "admin") in log


def test_a_connection_the_running_sync_does_not_cover_is_synced_after_it(app, monkeypatch):
    """A start that finds a sync of other connections running joins it, and what it asked
    for is queued on the job: synced when the job's own connections are done, in the same
    job (two syncs never run at once), shown as `queued` meanwhile and audited."""
    from socialroi.sync import connect as connecting
    from socialroi.sync.credentials import Grant

    ctx = app.state.ctx
    for source, account in (("meta", "act_1234567890"), ("tiktok", "7000000000000000001"),
                            ("pinterest", "ads:549755813888")):  # fmt: skip
        connecting.save(ctx.ws, source, Grant(f"{source}-token", None, None), [account])
    rounds: list[list[str] | None] = []
    first_round, go = threading.Event(), threading.Event()

    def fake_sync(ws, sources, opts, on_stream=None, on_start=None):
        rounds.append(sources)
        first_round.set()
        assert go.wait(60)
        return []

    monkeypatch.setattr(routes, "sync", fake_sync)
    admin = token_client(app, "admin")
    r = admin.post("/api/v1/connections/sync", json={"source": "meta"})
    assert r.status_code == 202 and r.json()["joined"] is False
    assert r.json()["sources"] == ["meta"] and r.json()["queued"] == []
    try:
        assert first_round.wait(60)
        again = admin.post("/api/v1/connections/sync", json={"source": "meta"}).json()
        assert again["joined"] is True and again["queued"] == []  # covered: nothing to add
        other = admin.post("/api/v1/connections/sync", json={"source": "tiktok"}).json()
        assert other["joined"] is True and other["queued"] == ["tiktok"]
        every = admin.post("/api/v1/connections/sync").json()  # no body: every connection
        assert every["joined"] is True and every["queued"] == ["tiktok", "pinterest"]
        listed = admin.get("/api/v1/connections").json()["sync"]
        assert listed["state"] == "syncing" and listed["queued"] == ["tiktok", "pinterest"]
        page = login(app, "admin").get("/connections/progress").text
        assert "synced next" in page and "tiktok, pinterest" in page
    finally:
        go.set()
    job = ctx.jobs[routes.JOB]
    assert job.ended.wait(60)
    assert rounds == [["meta"], ["tiktok", "pinterest"]]
    state = admin.get("/api/v1/connections").json()["sync"]
    assert state["state"] == "done" and state["queued"] == []
    assert state["sources"] == ["meta", "tiktok", "pinterest"]
    joins = [e for e in ctx.store.audit_log(20) if e["action"] == "sync.join"]
    assert len(joins) == 3 and any("tiktok" in str(e) for e in joins)
    # the next start is a new job
    assert admin.post("/api/v1/connections/sync").json()["joined"] is False


def test_nothing_connected_is_refused_in_plain_words(app):
    r = token_client(app, "admin").post("/api/v1/connections/sync")
    assert r.status_code == 422 and "socialroi connect" in r.json()["detail"]


def test_a_sync_sent_from_the_shell_waits_for_the_dashboards_sync(app, fake_meta):  # noqa: F811
    """`socialroi sync` sent to the server takes the write lock only to land, so the two are
    kept apart by the workspace's sync lock: the shell's waits, says so, then runs."""
    from socialroi.deliver.cli import remote
    from socialroi.deliver.cli.main import main

    fill(fake_meta, days=DAYS)
    _connect(app)
    ctx = app.state.ctx
    run = remote.runner(main, ctx.ws.path, lambda: ctx)
    env = {"SOCIALROI_META_API_BASE": fake_meta.fake.base_url}
    asked, go = hold(fake_meta.fake)
    shell: list = []
    try:
        job, _ = routes.start(ctx, "admin")
        assert asked.wait(60)
        t = threading.Thread(target=lambda: shell.append(run(["sync", "meta"], env)), daemon=True)
        t.start()
        t.join(3)
        assert t.is_alive() and not job.finished  # the shell's sync waits for the page's
        page = answers_within(30, lambda: login(app, "analyst").get("/api/v1/connections"))
        assert page is not None and page.status_code == 200
    finally:
        go.set()
    assert job.ended.wait(120)
    t.join(120)
    [out] = shell
    assert out["exit_code"] == 0, out
    assert "another sync of" in out["stderr"] + out["stdout"]
    assert "0 new, 0 changed, 36 unchanged" in out["stdout"]


def shell_sync(app, meta, **env: str):
    """A `socialroi sync meta` sent from the shell, ready to start in a thread, with the
    fake's answers held: (the server's runner, the thread, its result list, asked, go)."""
    from socialroi.deliver.cli import remote
    from socialroi.deliver.cli.main import main

    fill(meta, days=DAYS)
    _connect(app)
    ctx = app.state.ctx
    run = remote.runner(main, ctx.ws.path, lambda: ctx)
    env = {"SOCIALROI_META_API_BASE": meta.fake.base_url, **env}
    asked, go = hold(meta.fake)
    shell: list = []
    t = threading.Thread(target=lambda: shell.append(run(["sync", "meta"], env)), daemon=True)
    return run, t, shell, asked, go


def test_a_sync_sent_from_the_shell_leaves_the_pages_answering(app, fake_meta):  # noqa: F811
    """`socialroi sync` run by the server for the shell: the write lock only to land, the
    cached answers forgotten once it did."""
    _, t, shell, asked, go = shell_sync(app, fake_meta)
    ctx = app.state.ctx
    c = login(app, "analyst")
    before = overview(c)
    try:
        t.start()
        assert asked.wait(60)
        page = answers_within(30, lambda: c.get("/api/v1/connections"))
        fresh = answers_within(30, lambda: c.get(f"/api/v1/overview?period={PERIOD}&compare=yoy"))
        assert page is not None and fresh is not None, "a page waited for the shell's sync"
        assert fresh.json()["as_of"]["data_version"] == before["as_of"]["data_version"]
    finally:
        go.set()
    t.join(120)
    [out] = shell
    assert out["exit_code"] == 0 and "36 new" in out["stdout"], out
    label = kept.version_label(kept.version_text(ctx.version()))
    assert label != before["as_of"]["data_version"]  # read again at once, not a second later
    after = overview(c)  # the last good answer or the new one, never the cached current one
    assert not after["as_of"]["current"] or after["tables"] != before["tables"]


def test_a_command_that_reads_answers_while_a_sync_sent_from_the_shell_runs(app, fake_meta):  # noqa: F811
    """`socialroi status` sent from the shell while a `sync` sent from the shell waits on the
    platform's API: it answers at once, with its own output only, and neither the sync's
    caller's variables nor its output reach another thread."""
    import os

    mine = "SOCIALROI_PINTEREST_API_BASE"  # a variable only the sync's caller has
    run, t, shell, asked, go = shell_sync(app, fake_meta, **{mine: "http://127.0.0.1:9"})
    try:
        t.start()
        assert asked.wait(60)
        status = answers_within(30, lambda: run(["status"], {}))
        assert status is not None, "status waited for the shell's sync"
        assert status["exit_code"] == 0, status
        assert "ws.duckdb" in status["stdout"] and "new," not in status["stdout"]
        assert mine not in os.environ and os.environ.get(mine) is None  # the sync's caller's
        print("printed by the test's thread")
    finally:
        go.set()
    t.join(120)
    [out] = shell
    assert out["exit_code"] == 0 and "36 new" in out["stdout"], out
    assert "printed by" not in out["stdout"] and status["stdout"] not in out["stdout"]


def test_a_prompt_in_a_command_sent_from_the_shell_ends_it_instead_of_waiting(app):
    """Nobody at the server's terminal answers a prompt: a forwarded `users add` without its
    password ends "Aborted!" (the shell asks for it and sends it along) instead of waiting."""
    from socialroi.deliver.cli import remote
    from socialroi.deliver.cli.main import main

    ctx = app.state.ctx
    run = remote.runner(main, ctx.ws.path, lambda: ctx)
    out = answers_within(30, lambda: run(["users", "add", "zoe", "--role", "viewer"], {}))
    assert out is not None, "the prompt waited for the server's terminal"
    assert out["exit_code"] == 1 and "Aborted" in out["stderr"], out
    added = run(
        ["users", "add", "zoe", "--role", "viewer"], {"SOCIALROI_PASSWORD": "pw-Zoe-1234-long"}
    )
    assert added["exit_code"] == 0, added
