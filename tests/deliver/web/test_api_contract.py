"""The API keeps its word (issue 21): every route typed and documented, one error shape,
a true Allow, ETags with 304, cursor paging that returns every row once, and a committed
OpenAPI snapshot that only grows within v1."""

from __future__ import annotations

import copy
import json

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from socialroi.deliver.web import problems
from socialroi.deliver.web.api_app import routes_of
from socialroi.deliver.web.api_compat import breaking, snapshot_text
from tests.conftest import FIXTURES, ROOT
from tests.deliver.web.test_api import PERIOD, Q

SNAPSHOT = ROOT / "docs" / "openapi-v1.json"


def token_client(app, role: str) -> TestClient:
    store = app.state.ctx.store
    user = next(u for u in store.users() if u.username == role)
    token = store.create_token(user.user_id, f"contract-{role}", "test")
    return TestClient(app, headers={"Authorization": f"Bearer {token}"})


def api_routes(app) -> list[APIRoute]:
    out = []
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        found = [c.original_route for c in contexts()] if contexts else [route]
        out += [r for r in found if isinstance(r, APIRoute) and r.path.startswith("/api/v1")]
    return out


# -- every route typed --------------------------------------------------------------------------
def test_every_api_route_declares_its_answer_operation_id_and_tag(app):
    """A route added later (connections, experiments) must say what it answers: a response
    model, or the true media type of a download."""
    routes = api_routes(app)
    assert len(routes) >= 30
    spec = app.openapi()
    for r in routes:
        for method in r.methods - {"HEAD"}:
            op = spec["paths"][r.path][method.lower()]
            where = f"{method} {r.path}"
            assert r.operation_id and op["operationId"][0].islower(), where
            assert "_api_v1_" not in op["operationId"], where  # not FastAPI's generated name
            assert op.get("tags"), where
            ok = {s: v for s, v in op["responses"].items() if s.startswith("2")}
            assert ok, where
            for status, answer in ok.items():
                content = answer.get("content") or {}
                assert content, f"{where} {status}: no media type"
                for media, body in content.items():
                    schema = body.get("schema") or {}
                    if op["operationId"] == "getOpenApi":
                        assert schema.get("type") == "object"
                    elif media == "application/json":
                        assert r.response_model is not None or status == "202", where
                        assert schema.get("$ref") or schema.get("items", {}).get("$ref"), where
                    else:
                        assert schema.get("type") == "string", f"{where} {media}"
            assert "401" in op["responses"], where
            for status, answer in op["responses"].items():
                if status.startswith(("4", "5")):
                    assert list(answer["content"]) == [problems.MEDIA_TYPE], (where, status)


def test_downloads_declare_their_true_media_types(app):
    spec = app.openapi()
    report = spec["paths"]["/api/v1/reports/{key}/{fmt}"]["get"]["responses"]["200"]["content"]
    assert set(report) == {
        "text/html", "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }  # fmt: skip
    csv = spec["paths"]["/api/v1/{view}/csv/{table}"]["get"]["responses"]["200"]["content"]
    assert set(csv) == {"text/csv"}


def test_closed_sets_are_enums_and_open_sets_have_patterns(app):
    spec = app.openapi()
    params = {
        p["name"]: p["schema"] for p in spec["paths"]["/api/v1/overview"]["get"]["parameters"]
    }
    schemas = spec["components"]["schemas"]

    def enum(schema):
        s = schema.get("items", schema)
        return schemas[s["$ref"].rsplit("/", 1)[-1]]["enum"] if "$ref" in s else s.get("enum")

    assert enum(params["compare"]) == ["previous", "yoy", "none"]
    assert "tiktok" in enum(params["platform"]) and "US" in enum(params["market"])
    assert "shapley" in enum(params["model"])
    assert params["period"]["pattern"] and params["profile"]["pattern"]
    limit = spec["paths"]["/api/v1/posts"]["get"]["parameters"]
    assert next(p for p in limit if p["name"] == "limit")["schema"]["maximum"] == 1000
    days = schemas["ShareIn"]["properties"]["days"]
    assert (days["minimum"], days["maximum"]) == (1, 90)


# -- one error shape ----------------------------------------------------------------------------
def test_a_bad_filter_is_a_problem_naming_the_field_and_its_valid_values(app):
    c = token_client(app, "viewer")
    r = c.get("/api/v1/overview?compare=sideways")
    assert r.status_code == 400 and r.headers["content-type"] == problems.MEDIA_TYPE
    got = r.json()
    assert got["type"].endswith("/invalid_parameter") and got["title"] and got["status"] == 400
    assert got["errors"][0]["field"] == "compare"
    assert got["errors"][0]["valid"] == ["previous", "yoy", "none"]
    assert "sideways" in got["detail"]


def test_every_error_status_has_its_code(app):
    anon = TestClient(app)
    c = token_client(app, "viewer")
    cases = [
        (anon.get("/api/v1/me"), 401, "unauthenticated"),
        (c.get("/api/v1/users"), 403, "forbidden"),
        (c.get("/api/v1/imports/999"), 404, "not_found"),
        (c.get("/api/v1/nothing-here"), 404, "not_found"),
        (c.get(f"/api/v1/overview{Q}&profile=nope"), 422, "unknown_name"),
        (c.get("/api/v1/overview?period=2026-07-31..2026-07-01"), 422, "unprocessable"),
        (c.get("/api/v1/imports/history?cursor=abc"), 422, "invalid_cursor"),
    ]
    for r, status, code in cases:
        assert (r.status_code, r.json()["code"]) == (status, code), r.text
        assert r.json()["title"] == problems.CODES[code][1]
    assert "ends before it starts" in cases[5][0].json()["detail"]  # the wording users know


def test_a_405_names_every_method_the_path_serves(app):
    c = token_client(app, "analyst")
    r = c.request("OPTIONS", "/api/v1/costs")
    assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD, POST"
    assert c.request("PUT", "/api/v1/share").headers["allow"] == "GET, HEAD, POST"
    assert c.request("POST", "/api/v1/ledger").headers["allow"] == "GET, HEAD"


def test_the_detail_goes_through_one_translation_hook(app, monkeypatch):
    seen = []

    def translate(request, code, params, english):
        seen.append((code, params.get("field")))
        return "übersetzt: " + english

    monkeypatch.setattr(problems, "localise", translate)
    r = token_client(app, "viewer").get("/api/v1/overview?compare=sideways")
    assert r.json()["detail"].startswith("übersetzt: ") and seen == [("invalid_parameter", None)]
    assert r.json()["errors"][0]["valid"]  # the machine parts stay as they are


def test_comma_separated_lists_are_still_read(app, fake_views):
    c = token_client(app, "viewer")
    r = c.get(f"/api/v1/overview{Q}&platform=tiktok,youtube&market=us,de")
    assert r.status_code == 200, r.text
    f = r.json()["filters"]
    assert (f["platforms"], f["markets"]) == (["tiktok", "youtube"], ["DE", "US"])


# -- ETags --------------------------------------------------------------------------------------
def test_an_unchanged_read_is_304_and_an_import_changes_the_etag(app):
    viewer, analyst = token_client(app, "viewer"), token_client(app, "analyst")
    url = f"/api/v1/imports?period={PERIOD}"
    first = viewer.get(url)
    tag = first.headers["etag"]
    assert first.status_code == 200 and first.json()["currency"] == "USD"
    again = viewer.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    for path in ("/api/v1/me", "/api/v1/profiles", "/api/v1/imports/history"):
        t = viewer.get(path).headers["etag"]
        assert viewer.get(path, headers={"If-None-Match": t}).status_code == 304, path
    src = FIXTURES / "tiktok" / "@voltiq.us" / "FollowerHistory_2024-12-30_2025-01-02.csv"
    up = analyst.post("/api/v1/imports", data={"account": "@voltiq.us"},
                      files={"files": (src.name, src.read_bytes(), "text/csv")})  # fmt: skip
    assert up.status_code == 200, up.text
    after = viewer.get(url, headers={"If-None-Match": tag})
    assert after.status_code == 200 and after.headers["etag"] != tag


# -- paging ---------------------------------------------------------------------------------------
def walk(c: TestClient, url: str, limit: int) -> list[dict]:
    rows, cursor, pages = [], None, 0
    while True:
        sep = "&" if "?" in url else "?"
        page = c.get(f"{url}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else ""))
        assert page.status_code == 200, page.text
        body = page.json()
        assert len(body["items"]) <= limit and body["limit"] == limit
        rows += body["items"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return rows
        assert pages < 10_000


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("/api/v1/imports/history", ("batch_id",)),
        ("/api/v1/imports/findings", ("batch_id", "finding_no")),
        (f"/api/v1/posts{Q}", ("post_id",)),
        ("/api/v1/ledger?period=2025", ("cost_id",)),
        ("/api/v1/audit", ("at", "actor", "action", "target")),
    ],
)
def test_paging_to_the_end_gives_every_row_once(app, url, key):
    store = app.state.ctx.store
    for i in range(7):  # a few audit entries to page through
        store.audit("test", "probe", str(i), {})
    c = token_client(app, "admin")
    everything = c.get(url + ("&" if "?" in url else "?") + "limit=1000").json()
    assert everything["next_cursor"] is None and len(everything["items"]) >= 2
    for limit in (1, 3):
        rows = walk(c, url, limit)
        keys = [tuple(r[k] for k in key) for r in rows]
        assert len(keys) == len(set(keys)), "a row came twice"
        assert rows == everything["items"], "paging lost, added or reordered rows"


def test_a_row_added_between_pages_does_not_shift_the_pages(app):
    c = token_client(app, "admin")
    store = app.state.ctx.store
    for i in range(4):
        store.audit("test", "probe", str(i), {})
    first = c.get("/api/v1/audit?limit=2").json()
    store.audit("test", "probe", "new", {})  # newest first: lands before page one
    rest = walk(c, f"/api/v1/audit?cursor={first['next_cursor']}", 2)
    seen = [(r["at"], r["target"]) for r in first["items"] + rest]
    assert len(seen) == len(set(seen)) and "new" not in [r["target"] for r in rest]


def test_a_cursor_of_another_list_is_refused(app):
    c = token_client(app, "admin")
    for i in range(3):
        app.state.ctx.store.audit("test", "probe", str(i), {})
    cursor = c.get("/api/v1/audit?limit=1").json()["next_cursor"]
    r = c.get(f"/api/v1/imports/history?cursor={cursor}")
    assert r.status_code == 422 and r.json()["code"] == "invalid_cursor"


# -- the versioning promise -------------------------------------------------------------------------
def test_the_document_keeps_every_promise_of_the_committed_snapshot(app):
    """A breaking difference from docs/openapi-v1.json fails here; if it is a decision made in
    review, regenerate the snapshot (`python -m socialroi.deliver.web.api_compat`)."""
    old = json.loads(SNAPSHOT.read_text())
    assert breaking(old, app.openapi()) == []


def test_the_snapshot_is_current(app):
    """Additions land in the snapshot in the same commit, so the next change is compared
    with what clients were really given."""
    assert SNAPSHOT.read_text() == snapshot_text(app.openapi()), (
        "regenerate: PYTHONPATH=src python -m socialroi.deliver.web.api_compat "
        "> docs/openapi-v1.json"
    )


def test_the_snapshot_check_catches_each_kind_of_break(app):
    doc = app.openapi()

    def changed(edit) -> list[str]:
        new = copy.deepcopy(doc)
        edit(new)
        return breaking(doc, new)

    schemas = lambda d: d["components"]["schemas"]  # noqa: E731
    assert changed(lambda d: d["paths"].pop("/api/v1/clv"))  # a route removed
    assert changed(lambda d: schemas(d)["Headline"]["properties"].pop("delta_unit"))  # a field
    assert changed(lambda d: schemas(d)["Compare"]["enum"].remove("yoy"))  # an enum value
    assert changed(lambda d: schemas(d)["ShareIn"]["properties"]["days"].update(maximum=30))
    assert changed(lambda d: schemas(d)["Batch"]["properties"]["batch_id"].update(type="string"))
    assert changed(lambda d: d["paths"]["/api/v1/overview"]["get"].update(operationId="x"))
    # additions are not breaking
    assert not changed(lambda d: schemas(d)["Compare"]["enum"].append("quarter"))
    assert not changed(
        lambda d: schemas(d)["Headline"]["properties"].update(extra={"type": "string"})
    )
    assert not changed(lambda d: d["paths"].update({"/api/v1/new": {"get": {"responses": {}}}}))


def test_all_routes_are_seen(app):
    assert ("GET", "/api/v1/ledger") in routes_of(app)
