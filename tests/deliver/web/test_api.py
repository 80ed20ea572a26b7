"""The dashboard and API in-process (TestClient): every route for every role, including the
denials; sign-in, CSRF, rate limit, API tokens, share links, uploads, cost edits, escaping.

Access-control tests swap the measured views for instant stand-ins (they test who may see a
page, not its figures); the tests of escaping, CSV and uploads use the real views.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from socialroi import Workspace
from socialroi.deliver.cli.main import main
from socialroi.deliver.web import views as views_mod
from socialroi.deliver.web.app import create_app
from socialroi.deliver.web.auth import read_share, share_token
from socialroi.store.web import LOGIN_MAX_FAILURES, WebStore
from tests.conftest import FIXTURES
from tests.deliver.web.web_support import app_routes

PASSWORDS = {"admin": "admin-pass-1", "analyst": "analyst-pass-1", "viewer": "viewer-pass-1"}
EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'
PERIOD = "2025-Q1"


def insert(ws: Workspace, table: str, rows: list[dict]) -> None:
    df = pd.DataFrame(rows)
    df["batch_id"] = 1
    ws.store.raw.register("_rows", df)
    try:
        ws.store.raw.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM _rows')
    finally:
        ws.store.raw.unregister("_rows")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A small workspace: the ledger and Shopify fixtures, one TikTok content export, and a
    post whose caption and account are hostile text."""
    path = tmp_path_factory.mktemp("web") / "ws.duckdb"
    ws = Workspace.open(path)
    ws.import_files([FIXTURES / "ledger", FIXTURES / "shopify"])
    insert(ws, "accounts", [dict(account_id="tiktok:evil", platform="tiktok", handle=EVIL,
                                 market="US", currency="USD", timezone="UTC", kind="brand")])  # fmt: skip
    insert(ws, "posts", [dict(post_id="tiktok:1", platform="tiktok", account_id="tiktok:evil",
                              native_id="1", published_at=dt.datetime(2025, 1, 5, tzinfo=dt.UTC),
                              local_date=dt.date(2025, 1, 5), format="video", caption=EVIL,
                              url="javascript:alert(1)")])  # fmt: skip
    insert(ws, "posts", [dict(post_id="tiktok:2", platform="tiktok", account_id="tiktok:evil",
                              native_id="2", published_at=dt.datetime(2025, 1, 6, tzinfo=dt.UTC),
                              local_date=dt.date(2025, 1, 6), format="video",
                              caption="=HYPERLINK(\"http://x\")", url="https://t.example/2")])  # fmt: skip
    store = WebStore(ws)
    for role, pw in PASSWORDS.items():
        store.add_user(role, pw, role)
    ws.close()
    return path


@pytest.fixture
def app(built, tmp_path):
    path = tmp_path / "ws.duckdb"
    shutil.copy(built, path)
    application = create_app(path, reports_dir=tmp_path / "reports")
    yield application
    application.state.ctx.ws.close()


@pytest.fixture
def fake_views(monkeypatch):
    """Instant views: access control does not depend on the figures."""

    def fake(name):
        return lambda ws, f: views_mod.View(
            name, tables={"t": pd.DataFrame({"platform": ["tiktok"], "x": [1.0]})}
        )

    for name in list(views_mod.VIEWS):
        monkeypatch.setitem(views_mod.VIEWS, name, fake(name))
    monkeypatch.setattr("socialroi.deliver.report.build_report", fake_report)


def fake_report(ws, *, out, formats, **kw):
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for fmt in formats:
        files[fmt] = folder / f"report.{fmt}"
        files[fmt].write_text(f"<h1>report {kw['period']}</h1>")
    return files


def login(app, role: str | None) -> TestClient:
    c = TestClient(app, follow_redirects=False)
    if role is None:
        return c
    form = c.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    r = c.post("/login", data={"username": role, "password": PASSWORDS[role], "csrf_token": token})
    assert r.status_code == 303, r.text
    return c


def csrf_of(c: TestClient) -> str:
    page = c.get(f"/data?period={PERIOD}")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


RANK = {None: -1, "viewer": 0, "analyst": 1, "admin": 2}
Q = f"?period={PERIOD}"
# (method, path, role needed, form or JSON body)
ROUTES = [
    ("GET", "/", "viewer", None),
    *[
        ("GET", f"/{p}{Q}", "viewer", None)
        for p in ("overview", "explore", "attribution", "content", "costs", "clv", "data")
    ],
    ("GET", f"/experiments{Q}", "viewer", None),
    ("GET", "/campaigns", "viewer", None),
    ("POST", "/campaigns/map", "analyst", {"campaign": "Summer Sale", "utm_campaign": "summer"}),
    ("POST", "/campaigns/unmap", "analyst", {"campaign": "no such campaign"}),
    ("GET", f"/reports{Q}", "viewer", None),
    ("GET", "/data/batches/1", "viewer", None),
    ("GET", "/reports/file/" + "a" * 24 + "/html", "viewer", None),
    ("GET", "/admin", "admin", None),
    ("GET", "/profiles", "viewer", None),
    ("POST", "/profiles", "analyst", {"text": "name = "}),
    ("POST", "/profiles/delete", "analyst", {"name": "none"}),
    ("GET", "/api/v1/profiles", "viewer", None),
    ("POST", "/api/v1/profiles", "analyst", {"text": "name = "}),
    ("DELETE", "/api/v1/profiles/none", "analyst", None),
    ("POST", "/logout", "viewer", {}),
    ("POST", f"/reports/build{Q}", "viewer", {}),
    ("POST", "/data/upload", "analyst", {}),
    ("POST", "/costs/save", "analyst", {"amount": "x"}),
    ("POST", "/costs/delete", "analyst", {}),
    ("POST", "/share", "analyst", {"kind": "nope"}),
    ("POST", "/admin/users", "admin", {"username": ""}),
    ("POST", "/admin/users/999", "admin", {"action": "nope"}),
    ("POST", "/admin/tokens", "admin", {"user_id": "x"}),
    ("POST", "/admin/tokens/999/revoke", "admin", {}),
    ("POST", "/admin/shares/nope/revoke", "admin", {}),
    ("POST", "/admin/settings", "admin", {"default_profile": "nope"}),
    ("GET", "/api/v1/me", "viewer", None),
    ("GET", "/api/v1/openapi.json", "viewer", None),
    *[
        ("GET", f"/api/v1/{p}{Q}", "viewer", None)
        for p in ("overview", "metrics", "attribution", "content", "costs", "clv", "imports")
    ],
    ("GET", "/api/v1/imports/1", "viewer", None),
    ("GET", f"/api/v1/posts{Q}", "viewer", None),
    ("GET", f"/api/v1/ledger{Q}", "viewer", None),
    ("GET", "/api/v1/imports/history", "viewer", None),
    ("GET", "/api/v1/imports/findings", "viewer", None),
    ("GET", f"/api/v1/content/csv/t{Q}", "viewer", None),
    ("GET", f"/downloads/content/posts.csv{Q}", "viewer", None),
    ("GET", "/api/v1/reports/" + "a" * 24 + "/html", "viewer", None),
    ("POST", f"/api/v1/reports{Q}", "viewer", None),
    ("GET", "/api/v1/reports/" + "a" * 24, "viewer", None),
    ("GET", "/reports/progress/" + "a" * 24, "viewer", None),
    ("POST", "/api/v1/imports", "analyst", None),
    ("POST", "/api/v1/costs", "analyst", {"amount": "x"}),
    ("DELETE", "/api/v1/costs/none", "analyst", None),
    ("POST", "/api/v1/share", "analyst", {"kind": "nope"}),
    ("GET", "/api/v1/share", "analyst", None),
    ("DELETE", "/api/v1/share/nope", "analyst", None),
    ("GET", "/api/v1/users", "admin", None),
    ("POST", "/api/v1/users", "admin", {"username": "", "password": ""}),
    ("GET", "/api/v1/tokens", "admin", None),
    ("GET", "/api/v1/audit", "admin", None),
    ("GET", "/connections", "analyst", None),
    ("GET", "/connections/progress", "analyst", None),
    ("POST", "/connections/sync", "admin", {"source": "nope"}),
    ("GET", "/api/v1/connections", "analyst", None),
    ("POST", "/api/v1/connections/sync", "admin", {"source": "nope"}),
]


def _call(c: TestClient, method: str, path: str, body, csrf: str):
    if method == "GET":
        return c.get(path)
    headers = {"X-CSRF-Token": csrf} if csrf else {}
    if path.startswith("/api/"):
        return c.request(method, path, json=body, headers=headers)
    return c.request(method, path, data={**(body or {}), "csrf_token": csrf})


@pytest.mark.parametrize("role", [None, "viewer", "analyst", "admin"])
def test_every_route_checks_the_role(app, fake_views, role):
    c = login(app, role)
    csrf = csrf_of(c) if role else ""
    for method, path, needed, body in ROUTES:
        if path == "/logout":
            continue  # would end the session the other calls use; tested below
        r = _call(c, method, path, body, csrf)
        where = f"{role} {method} {path}: {r.status_code} {r.text[:200]}"
        if RANK[role] >= RANK[needed]:
            assert r.status_code not in (401, 403), where
            assert "/login" not in r.headers.get("location", ""), where
            assert r.status_code < 500, where
        elif role is None and path.startswith("/api/"):
            assert r.status_code == 401, where
        elif role is None:
            assert r.status_code == 303 and r.headers["location"].startswith("/login"), where
        else:
            assert r.status_code == 403, where


def test_every_app_route_is_in_the_role_table(app):
    """A new route must be added to ROUTES, and so to the role checks above."""
    tested = [(m, p.split("?")[0]) for m, p, _, _ in ROUTES]
    public = {"/login", "/s/{token}", "/s/{token}/report.{fmt}", "/language"}
    routes = app_routes(app)
    assert len(routes) > 40 and ("GET", "/api/v1/overview") in routes  # they are all seen
    for method, path in routes:
        if path in public:
            continue
        pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")
        assert any(m == method and pattern.match(p) for m, p in tested), (method, path)


def test_logout_ends_the_session(app, fake_views):
    c = login(app, "viewer")
    assert c.post("/logout", data={"csrf_token": ""}).status_code == 403  # CSRF first
    assert c.post("/logout", data={"csrf_token": csrf_of(c)}).status_code == 303
    assert c.get("/overview").status_code == 303


def test_session_cookie_is_httponly_and_samesite(app):
    c = TestClient(app, follow_redirects=False)
    token = re.search(r'value="([^"]+)"', c.get("/login").text.split("csrf_token")[1]).group(1)
    r = c.post("/login", data={"username": "viewer", "password": PASSWORDS["viewer"],
                               "csrf_token": token})  # fmt: skip
    cookie = [h for h in r.headers.get_list("set-cookie") if h.startswith("sr_session=")][0]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_login_needs_its_form_token_and_rejects_wrong_passwords(app):
    c = TestClient(app, follow_redirects=False)
    r = c.post("/login", data={"username": "viewer", "password": PASSWORDS["viewer"]})
    assert r.status_code == 400
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    r = c.post("/login", data={"username": "viewer", "password": "wrong", "csrf_token": token})
    assert r.status_code == 401 and "Wrong user name or password" in r.text


def test_login_is_rate_limited(app):
    c = TestClient(app, follow_redirects=False)
    for _ in range(LOGIN_MAX_FAILURES):
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
        c.post("/login", data={"username": "analyst", "password": "bad", "csrf_token": token})
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    r = c.post("/login", data={"username": "analyst", "password": PASSWORDS["analyst"],
                               "csrf_token": token})  # fmt: skip
    assert r.status_code == 429  # even the right password waits


def test_login_only_follows_local_next(app):
    c = TestClient(app, follow_redirects=False)
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    r = c.post("/login", data={"username": "viewer", "password": PASSWORDS["viewer"],
                               "csrf_token": token, "next": "//evil.example/x"})  # fmt: skip
    assert r.headers["location"] == "/overview"


def test_state_changes_need_the_csrf_token(app, fake_views):
    c = login(app, "admin")
    r = c.post("/admin/users", data={"username": "mallory", "password": "long-enough-1"})
    assert r.status_code == 403
    r = c.post("/api/v1/users", json={"username": "mallory", "password": "long-enough-1"})
    assert r.status_code == 403
    assert "mallory" not in [u.username for u in app.state.ctx.store.users()]


def test_api_tokens_act_as_their_user_and_can_be_revoked(app, fake_views):
    store = app.state.ctx.store
    viewer = [u for u in store.users() if u.username == "viewer"][0]
    token = store.create_token(viewer.user_id, "robot", "test")
    c = TestClient(app)
    h = {"Authorization": f"Bearer {token}"}
    assert c.get("/api/v1/me", headers=h).json() == {"username": "viewer", "role": "viewer",
                                                     "via": "token"}  # fmt: skip
    assert c.get(f"/api/v1/overview{Q}", headers=h).status_code == 200
    assert c.get("/api/v1/users", headers=h).status_code == 403
    assert c.post("/api/v1/costs", json={}, headers=h).status_code == 403
    assert c.get("/api/v1/me", headers={"Authorization": "Bearer sr_nope"}).status_code == 401
    tid = store.tokens()[-1]["token_id"]
    store.revoke_token(tid, "test")
    assert c.get("/api/v1/me", headers=h).status_code == 401


def test_passwords_are_stored_as_argon2_hashes(app):
    cur = app.state.ctx.ws.store.raw.cursor()
    hashes = [r[0] for r in cur.execute("SELECT password_hash FROM web_users").fetchall()]
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert not any(pw in h for h in hashes for pw in PASSWORDS.values())


def test_share_link_opens_one_view_anonymously(app, fake_views):
    c = login(app, "analyst")
    r = c.post("/share", data={"kind": "content", "query": f"period={PERIOD}", "days": "3",
                               "csrf_token": csrf_of(c)})  # fmt: skip
    assert r.status_code == 200
    url = re.search(r'value="(http[^"]+/s/[^"]+)"', r.text).group(1)
    path = url.split("testserver", 1)[1]
    anon = TestClient(app, follow_redirects=False)
    page = anon.get(path)
    assert page.status_code == 200 and "Shared read-only view" in page.text
    assert 'name="csrf_token"' not in page.text  # no forms for visitors
    assert anon.get(f"/overview{Q}").status_code == 303  # the link opens nothing else
    assert anon.get(f"/api/v1/content{Q}").status_code == 401
    assert anon.get(path[:-3] + "abc").status_code == 404  # tampered signature
    actions = [a["action"] for a in app.state.ctx.store.audit_log()]
    assert "share.create" in actions


def test_share_links_expire_and_are_scoped():
    token = share_token("secret", "overview", "period=2026-Q3", days=1, link_id="a")
    assert read_share("secret", token)["k"] == "overview"
    assert read_share("other-secret", token) is None
    old = share_token("secret", "overview", "period=2026-Q3", days=-1, link_id="a")
    assert read_share("secret", old) is None
    assert read_share("secret", share_token("secret", "admin", "", 1, "a")) is None


def test_viewer_cannot_create_share_links(app, fake_views):
    c = login(app, "viewer")
    r = c.post("/share", data={"kind": "overview", "query": "", "csrf_token": csrf_of(c)})
    assert r.status_code == 403


def test_hostile_text_is_escaped_in_pages_and_attributes(app):
    c = login(app, "viewer")
    page = c.get(f"/content{Q}")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "onerror=alert" not in page.text.replace(
        "&lt;img src=x onerror=alert(1)&gt;", ""
    )
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    assert 'href="javascript:' not in page.text  # only http(s) links become links
    # filters are echoed into attributes escaped
    r = c.get('/content?period=2025-Q1&sort="><script>x</script>')
    assert "<script>x" not in r.text


def test_csv_neutralises_formulas(app):
    c = login(app, "viewer")
    r = c.get(f"/api/v1/content/csv/posts{Q}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "'=HYPERLINK" in r.text and "\n=HYPERLINK" not in r.text


@pytest.mark.parametrize(
    "query",
    ["platform=tiktok';DROP TABLE costs;--", "market=US' OR 1=1", "period=2026-Q9",
     "compare=sideways", "profile=../../etc/passwd", "model=nope"],
)  # fmt: skip
def test_filters_reject_unknown_values(app, fake_views, query):
    c = login(app, "viewer")
    r = c.get(f"/api/v1/overview?{query}")
    assert r.status_code == 400 and r.json()["code"] == "invalid_parameter"
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["error"] == r.json()["detail"]  # the field older clients read
    cur = app.state.ctx.ws.store.raw.cursor()
    assert cur.execute("SELECT count(*) FROM costs").fetchone()[0] > 0


def test_filters_persist_in_links(app, fake_views):
    c = login(app, "viewer")
    page = c.get("/overview?period=2025-01&compare=yoy&market=US&platform=tiktok")
    assert page.status_code == 200
    assert "/content?period=2025-01&amp;compare=yoy" in page.text
    assert "platform=tiktok&amp;market=US" in page.text


def test_upload_imports_once_and_is_audited(app):
    c = login(app, "analyst")
    src = FIXTURES / "tiktok" / "@voltiq.us" / "Content_2025-01-01_2025-01-15.csv"
    before = app.state.ctx.store.data_version()
    files = {"files": (src.name, src.read_bytes(), "text/csv")}
    r = c.post("/data/upload", data={"csrf_token": csrf_of(c), "account": "@voltiq.us",
                                     "market": "US"}, files=files)  # fmt: skip
    assert r.status_code == 200, r.text
    assert "batch" in r.text and "tiktok" in r.text
    assert app.state.ctx.store.data_version() != before
    r2 = c.post("/data/upload", data={"csrf_token": csrf_of(c), "account": "@voltiq.us",
                                      "market": "US"}, files=files)  # fmt: skip
    assert "already imported" in r2.text
    log = app.state.ctx.store.audit_log()
    assert [a["action"] for a in log].count("import") == 2
    assert all(a["actor"] == "analyst" for a in log if a["action"] == "import")


def test_a_broken_upload_stores_nothing(app):
    c = login(app, "analyst")
    broken = FIXTURES / "tiktok" / "@voltiq.us" / "Overview_broken_2025-01-01_2025-01-03.csv"
    before = app.state.ctx.store.data_version()
    r = c.post("/data/upload", data={"csrf_token": csrf_of(c)},
               files={"files": (broken.name, broken.read_bytes(), "text/csv")})  # fmt: skip
    assert r.status_code == 400 and "Nothing was imported" in r.text
    assert app.state.ctx.store.data_version() == before


def test_api_upload_reports_each_file(app):
    store = app.state.ctx.store
    analyst = [u for u in store.users() if u.username == "analyst"][0]
    h = {"Authorization": f"Bearer {store.create_token(analyst.user_id, 'ci', 'test')}"}
    src = FIXTURES / "tiktok" / "@voltiq.us" / "FollowerHistory_2024-12-30_2025-01-02.csv"
    r = TestClient(app).post("/api/v1/imports", headers=h, data={"account": "@voltiq.us"},
                             files={"files": (src.name, src.read_bytes(), "text/csv")})  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["results"][0]["status"] == "loaded"


def test_upload_of_a_zip_goes_on_past_files_that_are_not_exports(app):
    """Issue 10 item 5: the upload imports what it can and says why the rest was skipped."""
    import io
    import zipfile

    src = FIXTURES / "tiktok" / "@voltiq.us" / "FollowerHistory_2024-12-30_2025-01-02.csv"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.write(src, src.name)
        z.writestr(
            "FollowerActivity.csv", '"Date","Hour","Active followers"\n"January 1","0","8"\n'
        )
        z.writestr("README.txt", "notes\n")
    c = login(app, "analyst")
    r = c.post("/data/upload", data={"csrf_token": csrf_of(c), "account": "@voltiq.us"},
               files={"files": ("Followers.zip", buf.getvalue(), "application/zip")})  # fmt: skip
    assert r.status_code == 200, r.text
    assert "skipped" in r.text and "FollowerHistory.csv" in r.text  # what to use instead
    assert "tiktok" in r.text


def test_analyst_edits_costs_and_the_edit_is_audited(app):
    c = login(app, "analyst")
    line = {"period_start": "2025-02-01", "period_end": "2025-02-28", "category": "tools",
            "amount": "120.5", "currency": "USD", "platform": "tiktok", "market": "US",
            "allocation": "direct", "description": "=cmd|' /C calc'!A0"}  # fmt: skip
    r = c.post(f"/costs/save{Q}", data={**line, "csrf_token": csrf_of(c)})
    assert r.status_code == 303, r.text
    cur = app.state.ctx.ws.store.raw.cursor()
    row = cur.execute("SELECT cost_id, amount FROM costs WHERE description LIKE '=cmd%'").fetchone()
    assert row and row[1] == 120.5
    r = c.post(f"/costs/delete{Q}", data={"cost_id": row[0], "csrf_token": csrf_of(c)})
    assert r.status_code == 303
    assert cur.execute("SELECT count(*) FROM costs WHERE cost_id = ?", [row[0]]).fetchone()[0] == 0
    actions = [a["action"] for a in app.state.ctx.store.audit_log()]
    assert "cost.save" in actions and "cost.delete" in actions


def test_bad_cost_lines_are_refused_with_a_reason(app):
    c = login(app, "analyst")
    r = c.post("/costs/save", data={"period_start": "2025-02-30", "period_end": "2025-03-01",
                                    "category": "tools", "amount": "1",
                                    "csrf_token": csrf_of(c)})  # fmt: skip
    assert r.status_code == 400 and "dates like" in r.text


def test_admin_manages_users_and_it_is_audited(app, fake_views):
    c = login(app, "admin")
    csrf = csrf_of(c)
    r = c.post("/admin/users", data={"username": "carol", "password": "carol-pass-1",
                                     "role": "viewer", "csrf_token": csrf})  # fmt: skip
    assert r.status_code == 303
    store = app.state.ctx.store
    carol = [u for u in store.users() if u.username == "carol"][0]
    c.post(f"/admin/users/{carol.user_id}", data={"action": "role", "role": "analyst",
                                                  "csrf_token": csrf})  # fmt: skip
    assert store.user(carol.user_id).role == "analyst"
    c.post(f"/admin/users/{carol.user_id}", data={"action": "disable", "csrf_token": csrf})
    assert not store.user(carol.user_id).active
    me = [u for u in store.users() if u.username == "admin"][0]
    r = c.post(f"/admin/users/{me.user_id}", data={"action": "disable", "csrf_token": csrf})
    assert r.status_code == 400  # an admin cannot lock themselves out
    actions = [a["action"] for a in store.audit_log()]
    assert {"user.add", "user.role", "user.disable"} <= set(actions)
    page = c.get("/admin")
    assert "carol" in page.text


def test_a_disabled_user_cannot_sign_in(app, fake_views):
    store = app.state.ctx.store
    viewer = [u for u in store.users() if u.username == "viewer"][0]
    c = login(app, "viewer")
    store.set_active(viewer.user_id, False, "test")
    assert c.get("/overview").status_code == 303  # session ended
    with pytest.raises(AssertionError):
        login(app, "viewer")


def test_views_are_cached_until_the_data_changes(app, monkeypatch):
    calls = []

    def counting(ws, f):
        calls.append(f.period)
        return views_mod.View("content")

    monkeypatch.setitem(views_mod.VIEWS, "content", counting)
    monkeypatch.setattr(
        "socialroi.deliver.web.context.VERSION_TTL", 0.0
    )  # see writes made behind its back
    c = login(app, "viewer")
    for _ in range(3):
        assert c.get(f"/api/v1/content{Q}").status_code == 200
    assert len(calls) == 1
    first = c.get(f"/api/v1/content{Q}").json()["as_of"]
    assert first["current"] is True
    with app.state.ctx.lock.write():
        app.state.ctx.ws.set_fx_rate("GBP", dt.date(2025, 1, 2), 0.8)  # data changed
    # stale-while-revalidate: the last good answer at once, marked with its data version,
    # while the new one is computed in the background
    stale = c.get(f"/api/v1/content{Q}").json()
    assert stale["as_of"]["current"] is False
    assert stale["as_of"]["data_version"] == first["data_version"]
    assert any("newer figures are being computed" in n for n in stale["notes"])
    fresh = _until_current(c, f"/api/v1/content{Q}")
    assert fresh["as_of"]["data_version"] != first["data_version"]
    assert len(calls) == 2


def _until_current(c, url: str, seconds: float = 30) -> dict:
    end = time.monotonic() + seconds
    while True:
        got = c.get(url).json()
        if got["as_of"]["current"] or time.monotonic() > end:
            return got
        time.sleep(0.05)


def test_a_restarted_server_answers_from_the_kept_views(built, tmp_path, monkeypatch):
    """The views computed before a restart come back from the workspace file, current while
    the data has not changed, and as the last good answer once it has."""
    path = tmp_path / "kept.duckdb"
    shutil.copy(built, path)
    calls, gate = [], threading.Event()

    def counting(ws, f):
        calls.append(f.period)
        if len(calls) > 1:
            gate.wait(30)  # the new answer takes its time
        return views_mod.View("content", {"t": pd.DataFrame({"a": [1.5, 2.0]})}, {"n": 3})

    monkeypatch.setitem(views_mod.VIEWS, "content", counting)
    monkeypatch.setattr("socialroi.deliver.web.context.VERSION_TTL", 0.0)
    first_app = create_app(path, reports_dir=tmp_path / "reports")
    before = login(first_app, "viewer").get(f"/api/v1/content{Q}").json()
    first_app.state.ctx.ws.close()
    second = create_app(path, reports_dir=tmp_path / "reports")
    after = login(second, "viewer").get(f"/api/v1/content{Q}").json()
    assert len(calls) == 1  # answered from the kept view, not computed again
    assert after["as_of"] == {**before["as_of"], "computed_at": after["as_of"]["computed_at"]}
    assert after["tables"] == before["tables"] and after["data"] == before["data"]
    c = login(second, "viewer")
    second.state.ctx.ws.set_fx_rate("GBP", dt.date(2025, 1, 2), 0.8)
    second.state.ctx.invalidate()
    assert c.get(f"/api/v1/content{Q}").json()["as_of"]["current"] is False
    gate.set()
    assert _until_current(c, f"/api/v1/content{Q}")["as_of"]["current"] is True
    assert len(calls) == 2
    second.state.ctx.ws.close()


def test_openapi_documents_the_api(app, fake_views):
    c = login(app, "viewer")
    spec = c.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    for p in ("/api/v1/overview", "/api/v1/metrics", "/api/v1/attribution", "/api/v1/costs",
              "/api/v1/clv", "/api/v1/imports", "/api/v1/content"):  # fmt: skip
        assert p in paths and paths[p]["get"]["summary"]
    params = {x["name"] for x in paths["/api/v1/overview"]["get"]["parameters"]}
    assert {"period", "compare", "platform", "market", "profile", "model"} <= params
    assert not any(p.startswith("/admin") or p.startswith("/login") for p in paths)


def test_real_views_render_on_a_small_workspace(app):
    c = login(app, "viewer")
    for page in ("content", "costs", "data", "clv"):
        r = c.get(f"/{page}{Q}")
        assert r.status_code == 200, page
    data = c.get(f"/api/v1/imports{Q}").json()
    assert data["tables"]["imports"] and data["tables"]["findings"]


def test_users_command_adds_the_first_admin(tmp_path):
    path = tmp_path / "w.duckdb"
    r = CliRunner().invoke(main, ["users", "add", "root", "--role", "admin", "-w", str(path)],
                           input="long-password\nlong-password\n")  # fmt: skip
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["users", "add", "root", "-w", str(path)],
                           env={"SOCIALROI_PASSWORD": "long-password"})  # fmt: skip
    assert r.exit_code == 1 and "already exists" in r.output
    r = CliRunner().invoke(main, ["users", "list", "-w", str(path)])
    assert re.search(r"root\s+admin", r.output)
    with Workspace.open(path) as ws:
        assert ws.store.setting("base_currency") == "USD"  # canonical data untouched


def test_share_token_is_not_reusable_across_workspaces(built, tmp_path):
    a = create_app(built, reports_dir=tmp_path / "r")
    try:
        secret = a.state.ctx.store.secret()
        assert secret == a.state.ctx.store.secret()  # stable for a workspace
        assert len(secret) > 40
    finally:
        a.state.ctx.ws.close()


def test_report_is_built_downloaded_and_shared(app, fake_views):
    c = login(app, "analyst")
    r = c.post(f"/api/v1/reports{Q}", headers={"X-CSRF-Token": csrf_of(c)})
    assert r.status_code in (200, 202), r.text
    for _ in range(600):  # a background job: poll its state
        if r.status_code != 202:
            break
        time.sleep(0.05)
        r = c.get(r.json()["status"])
    assert r.status_code == 200 and r.json()["state"] == "done", r.text
    files = r.json()["files"]
    assert set(files) == {"html", "pdf", "xlsx"}
    got = c.get(files["html"])
    assert got.status_code == 200 and "report 2025-Q1" in got.text
    assert c.get(files["html"].replace("/html", "/exe")).status_code == 400  # not a format
    link = c.post("/api/v1/share", json={"kind": "report", "query": f"period={PERIOD}", "days": 1},
                  headers={"X-CSRF-Token": csrf_of(c)}).json()["url"]  # fmt: skip
    anon = TestClient(app, follow_redirects=False)
    path = link.split("testserver", 1)[1]
    assert "report 2025-Q1" in anon.get(path).text
    assert anon.get(path + "/report.xlsx").status_code == 200
    assert anon.get(path + "/report.exe").status_code == 404


def test_concurrent_token_checks_do_not_conflict(app, monkeypatch):
    """Many requests checking the same token at once (its last use is written) must not hit
    DuckDB's write-write conflict; the load test found this."""
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr("socialroi.store.web.TOKEN_TTL", 0.0)
    store = app.state.ctx.store
    viewer = [u for u in store.users() if u.username == "viewer"][0]
    token = store.create_token(viewer.user_id, "load", "test")
    with ThreadPoolExecutor(16) as pool:
        users = list(pool.map(lambda _: store.token_user(token), range(200)))
    assert all(u is not None and u.username == "viewer" for u in users)


PROFILE = 'name = "apac_dtc"\nextends = "dtc"\nlabel = "APAC <b>DTC</b>"\nlookback_days = 14\n'


def test_analyst_saves_a_custom_profile_that_every_page_can_use(app):
    c = login(app, "analyst")
    r = c.post("/profiles", data={"text": PROFILE, "format": "toml", "csrf_token": csrf_of(c)})
    assert r.status_code == 303 and r.headers["location"] == "/overview?profile=apac_dtc"
    listed = {p["name"]: p for p in c.get("/api/v1/profiles").json()}
    assert listed["apac_dtc"]["lookback_days"] == 14 and listed["apac_dtc"]["custom"]
    page = c.get("/profiles")
    assert "APAC &lt;b&gt;DTC&lt;/b&gt;" in page.text
    att = c.get(f"/api/v1/attribution{Q}&profile=apac_dtc").json()
    assert att["filters"]["profile"] == "apac_dtc" and att["data"]["lookback"] == 14
    bad = c.post("/api/v1/profiles", json={"format": "toml", "text": 'name = "x"\nmodel = "nope"'},
                 headers={"X-CSRF-Token": csrf_of(c)})  # fmt: skip
    assert bad.status_code == 422 and "model" in bad.json()["detail"]
    builtin = c.post("/api/v1/profiles", json={"format": "toml", "text": 'name = "dtc"'},
                     headers={"X-CSRF-Token": csrf_of(c)})  # fmt: skip
    assert builtin.status_code == 422
    assert "profile.save" in [a["action"] for a in app.state.ctx.store.audit_log()]
    r = c.delete("/api/v1/profiles/apac_dtc", headers={"X-CSRF-Token": csrf_of(c)})
    assert r.status_code == 200
    gone = c.get(f"/api/v1/overview{Q}&profile=apac_dtc")
    assert gone.status_code == 422 and gone.json()["code"] == "unknown_name"
    assert "dtc" in gone.json()["errors"][0]["valid"]
