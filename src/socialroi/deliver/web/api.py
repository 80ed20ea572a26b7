"""The JSON API under /api/v1: everything the pages show, for programs. Authenticate with
`Authorization: Bearer <token>` (or a browser session plus the `X-CSRF-Token` header for
changes). The OpenAPI schema is at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from socialroi.deliver.output import to_csv
from socialroi.deliver.web.auth import ADMIN, ANALYST, VIEWER, Principal, check_csrf
from socialroi.deliver.web.routes import costs as cost_routes
from socialroi.deliver.web.routes import reports as report_routes
from socialroi.deliver.web.routes.data import run_upload
from socialroi.deliver.web.routes.profiles import listing, save
from socialroi.deliver.web.routes.profiles import remove as remove_profile
from socialroi.deliver.web.routes.share import make_link
from socialroi.deliver.web.views import batch
from socialroi.errors import SocialroiError

router = APIRouter(prefix="/api/v1", tags=["socialroi"])


async def common(
    period: Annotated[
        str | None, Query(description="2026-Q3, 2026-07, 2026 or 2026-07-01..2026-09-30")
    ] = None,
    compare: Annotated[str | None, Query(description="previous, yoy or none")] = None,
    platform: Annotated[list[str] | None, Query(description="Platforms (repeat)")] = None,
    market: Annotated[list[str] | None, Query(description="Markets (repeat)")] = None,
    profile: Annotated[str | None, Query(description="dtc, b2b, brand")] = None,
    model: Annotated[str | None, Query(description="Attribution model")] = None,
) -> None:
    """Filters every read endpoint takes; they mirror the dashboard's URL. (Declared here for
    the OpenAPI schema; the request's query is parsed and checked by `web.filters`.)"""


Common = Depends(common)


async def _view(request: Request, name: str) -> Response:
    ctx = request.app.state.ctx
    body = ctx.fast_json(name, request.query_params)
    if body is None:  # compute (or refresh the data version) off the event loop
        body = await run_in_threadpool(
            lambda: ctx.view_json(name, ctx.filters(request.query_params, name))
        )
    return Response(body, media_type="application/json")


@router.get("/openapi.json", summary="This API's OpenAPI schema")
def openapi(request: Request, p: Principal = VIEWER) -> dict[str, Any]:
    return request.app.openapi()


@router.get("/me", summary="Who the token or session belongs to")
def me(p: Principal = VIEWER) -> dict[str, Any]:
    return {"username": p.user.username, "role": p.user.role, "via": p.via}


@router.get("/overview", summary="Headline metrics, comparison, monthly trend and insights")
async def overview(request: Request, p: Principal = VIEWER, _: None = Common):
    return await _view(request, "overview")


@router.get("/metrics", summary="Any catalogue metric by platform x market, with drill-down")
async def metrics(
    request: Request,
    p: Principal = VIEWER,
    _: None = Common,
    metric: str | None = None,
    platform_drill: Annotated[
        str | None, Query(description="A platform: adds its campaigns and posts")
    ] = None,
):
    return await _view(request, "explore")


@router.get("/attribution", summary="Credit under every model, and one model in detail")
async def attribution(
    request: Request,
    p: Principal = VIEWER,
    _: None = Common,
    granularity: Annotated[
        str | None, Query(description="platform, platform_paid, channel, campaign, market")
    ] = None,
    lookback: Annotated[int | None, Query(description="Lookback window in days")] = None,
):
    return await _view(request, "attribution")


@router.get("/content", summary="Posts with their figures; publishing volume vs engagement")
async def content(request: Request, p: Principal = VIEWER, _: None = Common):
    return await _view(request, "content")


@router.get("/costs", summary="Costs ledger lines and their allocations")
async def costs(request: Request, p: Principal = VIEWER, _: None = Common):
    return await _view(request, "costs")


@router.get("/clv", summary="Customer lifetime value by acquisition platform and market")
async def clv(request: Request, p: Principal = VIEWER, _: None = Common):
    return await _view(request, "clv")


@router.get("/imports", summary="Sources, import history and data-quality findings")
async def imports(request: Request, p: Principal = VIEWER, _: None = Common):
    return await _view(request, "data")


@router.get("/imports/{batch_id}", summary="One import batch with its findings")
def import_batch(request: Request, batch_id: int, p: Principal = VIEWER):
    ctx = request.app.state.ctx
    with ctx.lock.read():
        view = batch(ctx.ws, batch_id)
    if view.tables["batch"].empty:
        return JSONResponse({"error": f"no import batch {batch_id}"}, status_code=404)
    return view.to_json()


API_VIEWS = {
    "overview": "overview", "metrics": "explore", "attribution": "attribution",
    "content": "content", "costs": "costs", "clv": "clv", "imports": "data",
}  # fmt: skip


@router.get(
    "/{view}/csv/{table}",
    summary="One table of a view as CSV (spreadsheet formulas neutralised)",
    response_class=Response,
)
def table_csv(
    request: Request,
    view: str,
    table: str,
    p: Principal = VIEWER,
    _: None = Common,
):
    name = API_VIEWS.get(view)
    if name is None:
        raise SocialroiError(f"unknown view {view!r}; valid: {', '.join(API_VIEWS)}")
    ctx = request.app.state.ctx
    v = ctx.view(name, ctx.filters(request.query_params, name))
    if table not in v.tables:
        raise SocialroiError(f"unknown table {table!r}; valid: {', '.join(v.tables)}")
    safe = "".join(c for c in f"{view}-{table}" if c.isalnum() or c in "-_")
    return Response(
        to_csv(v.tables[table]),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{safe}.csv"'},
    )


# -- changes ----------------------------------------------------------------------------------
@router.post("/imports", summary="Upload export files (multipart `files`), as `socialroi import`")
async def upload(request: Request, p: Principal = ANALYST):
    form = await request.form()
    check_csrf(request, p, form)
    outcome = await run_upload(request, p, form)
    status = 400 if outcome["error"] else 200
    return JSONResponse(outcome, status_code=status)


@router.post("/costs", summary="Add or change a costs ledger line")
def save_cost(
    request: Request,
    p: Principal = ANALYST,
    line: dict[str, Any] = Body(...),  # noqa: B008
):
    check_csrf(request, p, None)
    return {"cost_id": cost_routes.save_cost(request, p, cost_routes.cost_fields(line))}


@router.delete("/costs/{cost_id}", summary="Delete a costs ledger line")
def delete_cost(request: Request, cost_id: str, p: Principal = ANALYST):
    check_csrf(request, p, None)
    cost_routes.remove_cost(request, p, cost_id)
    return {"deleted": cost_id}


@router.post(
    "/reports",
    summary="Build the executive report for the filters in the background (202 while it "
    "builds; poll the status URL)",
)
def build_report(request: Request, p: Principal = VIEWER, _: None = Common):
    check_csrf(request, p, None)
    ctx = request.app.state.ctx
    job = report_routes.start(ctx, ctx.filters(request.query_params, "reports"))
    return _report_state(ctx, job.key)


@router.get("/reports/{key}", summary="A report build's state: building (with progress), done")
def report_state(request: Request, key: str, p: Principal = VIEWER):
    return _report_state(request.app.state.ctx, key)


def _report_state(ctx, key: str):
    state = report_routes.job_state(ctx, key)
    if state is None:
        return JSONResponse({"error": "no such report; build it first"}, status_code=404)
    out = {**state, "status": f"/api/v1/reports/{key}"}
    if state["state"] == "done":
        out["files"] = {
            fmt: f"/api/v1/reports/{key}/{fmt}"
            for fmt in report_routes.FORMATS
            if report_routes.report_file(ctx, key, fmt)
        }
        return out
    return JSONResponse(out, status_code=202 if state["state"] == "building" else 400)


@router.get("/reports/{key}/{fmt}", summary="Download a built report (html, pdf, xlsx)")
def report_file(request: Request, key: str, fmt: str, p: Principal = VIEWER):
    path = report_routes.report_file(request.app.state.ctx, key, fmt)
    if path is None:
        return JSONResponse({"error": "no such report; build it first"}, status_code=404)
    return FileResponse(
        path, media_type=report_routes.MEDIA[fmt], filename=f"socialroi-report.{fmt}"
    )


@router.post("/share", summary="A signed, expiring read-only link to one view or report")
def share(
    request: Request,
    p: Principal = ANALYST,
    kind: str = Body(...),  # noqa: B008
    query: str = Body(""),  # noqa: B008
    days: float = Body(7),  # noqa: B008
):
    check_csrf(request, p, None)
    link = make_link(request, p, kind, query, days)
    return {"url": str(request.base_url).rstrip("/") + link}


@router.get("/share", summary="Share links: an analyst's own, or every one for an admin")
def share_links(request: Request, p: Principal = ANALYST):
    store = request.app.state.ctx.store
    return store.share_links(None if p.user.role == "admin" else p.user)


@router.delete("/share/{link_id}", summary="Revoke a share link (its creator or an admin)")
def revoke_share(request: Request, link_id: str, p: Principal = ANALYST):
    check_csrf(request, p, None)
    request.app.state.ctx.store.revoke_share(link_id, p.user)
    return {"revoked": link_id}


@router.get("/profiles", summary="ROI profiles: built-in and custom")
def profiles(request: Request, p: Principal = VIEWER):
    return listing(request.app.state.ctx)


@router.post("/profiles", summary="Add or replace a custom ROI profile (TOML or YAML text)")
def save_profile(
    request: Request,
    p: Principal = ANALYST,
    format: str = Body("toml"),  # noqa: A002, B008 - the field's name in the JSON
    text: str = Body(...),  # noqa: B008
):
    check_csrf(request, p, None)
    return {"name": save(request, p, format, text)}


@router.delete("/profiles/{name}", summary="Delete a custom ROI profile")
def delete_profile(request: Request, name: str, p: Principal = ANALYST):
    check_csrf(request, p, None)
    remove_profile(request, p, name)
    return {"deleted": name}


# -- administration -------------------------------------------------------------------------
@router.get("/users", summary="Users and roles (admin)")
def users(request: Request, p: Principal = ADMIN):
    return [u.__dict__ for u in request.app.state.ctx.store.users()]


@router.post("/users", summary="Add a user (admin)")
def add_user(
    request: Request,
    p: Principal = ADMIN,
    username: str = Body(...),  # noqa: B008
    password: str = Body(...),  # noqa: B008
    role: str = Body("viewer"),  # noqa: B008
):
    check_csrf(request, p, None)
    u = request.app.state.ctx.store.add_user(username, password, role, actor=p.user.username)
    return u.__dict__


@router.get("/tokens", summary="API tokens (admin)")
def tokens(request: Request, p: Principal = ADMIN):
    return request.app.state.ctx.store.tokens()


@router.get("/audit", summary="Audit log: imports, cost edits, user changes (admin)")
def audit(request: Request, p: Principal = ADMIN, limit: int = 200):
    return request.app.state.ctx.store.audit_log(max(1, min(limit, 5000)))
