"""The Connections page and /api/v1/connections: per role (admins and analysts see it,
viewers do not), the lapse flag, the last error in plain words, and a sync an admin starts
(CSRF, audit, background job with progress, the write lock) against the fake Graph API."""

from __future__ import annotations

import datetime as dt
import os
import time

from socialroi.sync import connect as connecting
from socialroi.sync.credentials import Grant
from tests.deliver.web.test_api import csrf_of, login
from tests.sync.conftest import config_dir, fake_meta, fill  # noqa: F401 - fixtures

ACT = "act_1234567890"


def _connect(app, lapses_in: dt.timedelta | None = None) -> None:
    now = dt.datetime.now(dt.UTC)
    grant = Grant("good-token", "refresh-secret" if lapses_in else None, None,
                  refresh_expires_at=now + lapses_in if lapses_in else None)  # fmt: skip
    connecting.save(app.state.ctx.ws, "meta", grant, [ACT])


def test_admins_and_analysts_see_connections_viewers_do_not(app, fake_meta):  # noqa: F811
    _connect(app, dt.timedelta(days=6))
    for role, status in (("viewer", 403), ("analyst", 200), ("admin", 200)):
        c = login(app, role)
        page = c.get("/connections")
        assert page.status_code == status, (role, page.text[:300])
        api = c.get("/api/v1/connections")
        assert api.status_code == status
        nav = c.get("/data?period=2025-Q1").text
        assert ('href="/connections"' in nav) == (status == 200)
        if status != 200:
            continue
        assert "act_1234567890" in page.text and "renew within a week:" in page.text
        assert "good-token" not in page.text and "refresh-secret" not in page.text
        assert ('action="/connections/sync"' in page.text) == (role == "admin")
        [item] = api.json()["items"]
        assert item["source"] == "meta" and item["lapsing"] is True and item["health"] == "ok"
        assert item["last_good_sync"] is None and item["next_sync"] is None


def test_a_grant_lapsing_in_eight_days_is_not_flagged(app, fake_meta):  # noqa: F811
    _connect(app, dt.timedelta(days=8))
    c = login(app, "analyst")
    assert "renew within a week:" not in c.get("/connections").text
    assert c.get("/api/v1/connections").json()["items"][0]["lapsing"] is False


def test_an_admin_starts_a_sync_that_runs_in_the_background(app, fake_meta):  # noqa: F811
    today = dt.datetime.now(dt.UTC).date()
    fill(fake_meta, days=[str(today - dt.timedelta(days=d)) for d in (3, 2, 1)])  # 36 records
    _connect(app)
    c = login(app, "admin")
    csrf = csrf_of(c)
    assert c.post("/connections/sync", data={}).status_code == 403  # no CSRF token
    assert (
        login(app, "analyst").post("/connections/sync", data={"csrf_token": ""}).status_code == 403
    )
    r = c.post("/connections/sync", data={"csrf_token": csrf, "source": "meta"})
    assert r.status_code == 303 and r.headers["location"] == "/connections"
    for _ in range(300):
        state = c.get("/api/v1/connections").json()["sync"]
        if state["state"] != "syncing":
            break
        time.sleep(0.1)
    assert state["state"] == "done" and state["new"] == 36 and state["failed"] == []
    assert state["done"] == state["total"] == 1 and state["progress"] == 1.0
    assert "36 new" in c.get("/connections/progress").text
    [item] = c.get("/api/v1/connections").json()["items"]
    assert item["rows"] == 36 and item["last_good_sync"] is not None
    actions = [(e["action"], e["actor"]) for e in app.state.ctx.store.audit_log(10)]
    assert ("sync.start", "admin") in actions and ("sync.done", "admin") in actions
    got = app.state.ctx.ws.store.raw.execute("SELECT count(*) FROM ad_metrics").fetchone()[0]
    assert got == 36


def test_a_failed_sync_shows_its_error_in_plain_words(app, fake_meta):  # noqa: F811
    connecting.save(app.state.ctx.ws, "meta", Grant("revoked-token"), [ACT])
    c = login(app, "admin")
    c.post("/connections/sync", data={"csrf_token": csrf_of(c)})
    for _ in range(300):
        state = c.get("/api/v1/connections").json()["sync"]
        if state["state"] != "syncing":
            break
        time.sleep(0.1)
    assert state["failed"] == ["meta/ad_insights act_1234567890"]
    page = c.get("/connections").text
    assert "socialroi connect meta" in page and "Traceback" not in page
    assert "revoked-token" not in page
    [item] = c.get("/api/v1/connections").json()["items"]
    assert item["health"] == "expired" and "socialroi connect meta" in item["last_error"]


def test_serve_can_keep_the_schedule_itself(app, fake_meta):  # noqa: F811
    """`serve --sync-every`: each run is the page's own sync job (write lock, audit as
    `schedule`); the next run shows on the page while the server runs, and goes with it."""
    from socialroi.deliver.web.routes.connections import run_schedule
    from socialroi.sync import schedule

    today = dt.datetime.now(dt.UTC).date()
    fill(fake_meta, days=[str(today - dt.timedelta(days=d)) for d in (2, 1)])  # 24 records
    _connect(app)
    ctx = app.state.ctx
    seen = {}

    def wait(seconds: float) -> bool:  # the server stops after the first run
        seen["planned"] = schedule.planned(ctx.ws.path)
        seen["page"] = login(app, "analyst").get("/api/v1/connections").json()["items"][0]
        return True

    [run] = run_schedule(ctx, 6 * 3600, wait)
    assert run.code == 0
    assert seen["planned"]["pid"] == os.getpid() and seen["planned"]["every_seconds"] == 21600
    assert seen["page"]["rows"] == 24 and seen["page"]["next_sync"] is not None
    assert ("sync.done", "schedule") in [(e["action"], e["actor"]) for e in ctx.store.audit_log(5)]
    assert schedule.planned(ctx.ws.path) is None  # the server stopped: no schedule left


def test_a_members_own_lapsing_consent_is_flagged_with_its_account(app, config_dir):  # noqa: F811
    """LinkedIn members each consent for themself: the page and the API flag the member whose
    own grant lapses, with the command naming that member, and show no token."""
    now = dt.datetime.now(dt.UTC)
    for member, days in (("member:Soon4Lapse1", 3), ("member:Later5Lapse", 200)):
        grant = Grant(f"tok-{member}", f"refresh-{member}", now + dt.timedelta(days=60),
                      refresh_expires_at=now + dt.timedelta(days=days))  # fmt: skip
        connecting.save(app.state.ctx.ws, "linkedin_members", grant, [member])
    c = login(app, "analyst")
    items = {i["account"]: i for i in c.get("/api/v1/connections").json()["items"]}
    assert items["member:Soon4Lapse1"]["lapsing"] and not items["member:Later5Lapse"]["lapsing"]
    fix = "socialroi connect linkedin_members --account member:Soon4Lapse1"
    assert items["member:Soon4Lapse1"]["renew"] == fix
    page = c.get("/connections").text
    assert page.count("renew within a week:") == 1 and fix in page
    assert "tok-" not in page and "refresh-member" not in page
