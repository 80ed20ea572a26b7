"""The API's changes and administration: uploads, cost edits, report builds, share links,
profiles, users and tokens. Each route declares its body, its response model, its error
responses and an operationId, like the reads in `api.py`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from socialroi.deliver.web import api_models as m
from socialroi.deliver.web import paging, problems
from socialroi.deliver.web.api import Common, filters_of
from socialroi.deliver.web.api_types import (
    COST_ID_PATTERN,
    LINK_ID_PATTERN,
    PROFILE_PATTERN,
    REPORT_KEY_PATTERN,
    ReportFormat,
)
from socialroi.deliver.web.auth import ADMIN, ANALYST, VIEWER, Principal, check_csrf
from socialroi.deliver.web.problems import documented
from socialroi.deliver.web.routes import costs as cost_routes
from socialroi.deliver.web.routes import reports as report_routes
from socialroi.deliver.web.routes.data import OPTIONS as UPLOAD_OPTIONS
from socialroi.deliver.web.routes.data import run_upload
from socialroi.deliver.web.routes.profiles import listing, save
from socialroi.deliver.web.routes.profiles import remove as remove_profile
from socialroi.deliver.web.routes.share import make_link
from socialroi.errors import NotFound

router = APIRouter(prefix="/api/v1")

CHANGE = documented(400, 401, 403, 413, 422)
ReportKey = Annotated[str, Path(pattern=REPORT_KEY_PATTERN, description="A report build's key.")]


def change(method: str, path: str, op: str, tag: str, model: Any, summary: str, **kw):
    kw.setdefault("responses", CHANGE)
    return router.api_route(
        path,
        methods=[method],
        operation_id=op,
        tags=[tag],
        response_model=model,
        summary=summary,
        **kw,
    )


# -- imports ----------------------------------------------------------------------------------
UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["files"],
                "properties": {
                    "files": {
                        "type": "array",
                        "minItems": 1,
                        "items": {"type": "string", "format": "binary"},
                        "description": "Export files, folders as zips (as `socialroi import`).",
                    },
                    **{k: {"type": "string", "maxLength": 200} for k in UPLOAD_OPTIONS},
                    "force": {"type": "string", "enum": ["1", "on", "true", "0", "off", "false"]},
                },
            }
        }
    },
}


@change("POST", "/imports", "uploadImports", "imports", m.UploadOutcome,
        "Upload export files (multipart `files`), as `socialroi import`",
        openapi_extra={"requestBody": UPLOAD_BODY},
        responses={**CHANGE, 422: {**CHANGE[422], "description": "A file was not imported: "
                                   "`results` says what happened to each file."}})  # fmt: skip
async def upload(request: Request, p: Principal = ANALYST):
    form = await request.form()
    check_csrf(request, p, form)
    if not [u for u in form.getlist("files") if getattr(u, "filename", None)]:
        return problems.response(
            request, "invalid_body", "choose at least one export file to upload",
            errors=[{"field": "files", "message": "at least one file is required"}],
        )  # fmt: skip
    outcome = await run_upload(request, p, form)
    if outcome["error"]:
        return problems.response(
            request, "import_failed", outcome["error"], results=outcome["results"]
        )
    return outcome


# -- costs ------------------------------------------------------------------------------------
@change("POST", "/costs", "saveCost", "costs", m.CostSaved, "Add or change a costs ledger line")
def save_cost(request: Request, line: m.CostLineIn, p: Principal = ANALYST):
    check_csrf(request, p, None)
    fields = cost_routes.cost_fields(line.model_dump(mode="json"))
    return {"cost_id": cost_routes.save_cost(request, p, fields)}


@change("DELETE", "/costs/{cost_id}", "deleteCost", "costs", m.Deleted,
        "Delete a costs ledger line", responses=documented(400, 401, 403, 404))  # fmt: skip
def delete_cost(
    request: Request,
    cost_id: Annotated[str, Path(pattern=COST_ID_PATTERN)],
    p: Principal = ANALYST,
):
    check_csrf(request, p, None)
    cost_routes.remove_cost(request, p, cost_id)
    return {"deleted": cost_id}


# -- reports ----------------------------------------------------------------------------------
BUILDING = {202: {"model": m.ReportState, "description": "Building: poll `status`."}}
FAILED = {422: {**documented(422)[422], "description": "The build failed (`report_failed`)."}}


@change("POST", "/reports", "buildReport", "reports", m.ReportState,
        "Build the executive report for the filters in the background (202 while it builds; "
        "poll the status URL); 200 with `files` once built",
        responses={**BUILDING, **documented(400, 401, 403, 422)})  # fmt: skip
def build_report(request: Request, p: Principal = VIEWER, _: None = Common):
    check_csrf(request, p, None)
    ctx = request.app.state.ctx
    job = report_routes.start(ctx, filters_of(request, "reports"))
    return _report_state(request, job.key)


@router.get("/reports/{key}", operation_id="getReport", tags=["reports"],
            response_model=m.ReportState, summary="A report build's state: building, done",
            responses={**BUILDING, **documented(400, 401, 404), **FAILED})  # fmt: skip
def report_state(request: Request, key: ReportKey, p: Principal = VIEWER):
    return _report_state(request, key)


def _report_state(request: Request, key: str):
    ctx = request.app.state.ctx
    state = report_routes.job_state(ctx, key)
    if state is None:
        raise NotFound("no such report; build it first")
    out = {**state, "status": f"/api/v1/reports/{key}"}
    if state["state"] == "failed":
        return problems.response(
            request, "report_failed", state.get("error") or "the report failed",
            key=key, state="failed", status_url=out["status"],
        )  # fmt: skip
    if state["state"] == "done":
        out["files"] = {
            fmt: f"/api/v1/reports/{key}/{fmt}"
            for fmt in report_routes.FORMATS
            if report_routes.report_file(ctx, key, fmt)
        }
        return out
    return JSONResponse(out, status_code=202)


DOWNLOAD = {
    200: {
        "description": "The report file.",
        "content": {
            media.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
            for media in report_routes.MEDIA.values()
        },
    }
}


@router.get("/reports/{key}/{fmt}", operation_id="downloadReport", tags=["reports"],
            summary="Download a built report (html, pdf, xlsx)", response_class=FileResponse,
            responses={**DOWNLOAD, **documented(400, 401, 404)})  # fmt: skip
def report_file(request: Request, key: ReportKey, fmt: ReportFormat, p: Principal = VIEWER):  # type: ignore[valid-type]
    path = report_routes.report_file(request.app.state.ctx, key, fmt.value)
    if path is None:
        raise NotFound("no such report; build it first")
    return FileResponse(
        path, media_type=report_routes.MEDIA[fmt.value], filename=f"socialroi-report.{fmt.value}"
    )


# -- share links ------------------------------------------------------------------------------
@change("POST", "/share", "createShareLink", "sharing", m.ShareLink,
        "A signed, expiring read-only link to one view or report")  # fmt: skip
def share(request: Request, body: m.ShareIn, p: Principal = ANALYST):
    check_csrf(request, p, None)
    link = make_link(request, p, body.kind.value, body.query, body.days)
    return {"url": str(request.base_url).rstrip("/") + link}


@router.get("/share", operation_id="listShareLinks", tags=["sharing"],
            response_model=list[m.ShareLinkInfo],
            summary="Share links: an analyst's own, or every one for an admin",
            responses={304: {"description": "Unchanged."}, **documented(401, 403)})  # fmt: skip
def share_links(request: Request, p: Principal = ANALYST):
    store = request.app.state.ctx.store
    return paging.json_answer(
        request, store.share_links(None if p.user.role == "admin" else p.user)
    )


@change("DELETE", "/share/{link_id}", "revokeShareLink", "sharing", m.Revoked,
        "Revoke a share link (its creator or an admin)",
        responses=documented(400, 401, 403, 404, 422))  # fmt: skip
def revoke_share(
    request: Request,
    link_id: Annotated[str, Path(pattern=LINK_ID_PATTERN)],
    p: Principal = ANALYST,
):
    check_csrf(request, p, None)
    request.app.state.ctx.store.revoke_share(link_id, p.user)
    return {"revoked": link_id}


# -- profiles ---------------------------------------------------------------------------------
@router.get("/profiles", operation_id="listProfiles", tags=["profiles"],
            response_model=list[m.Profile], summary="ROI profiles: built-in and custom",
            responses={304: {"description": "Unchanged."}, **documented(401)})  # fmt: skip
def profiles(request: Request, p: Principal = VIEWER):
    return paging.json_answer(request, listing(request.app.state.ctx))


@change("POST", "/profiles", "saveProfile", "profiles", m.ProfileSaved,
        "Add or replace a custom ROI profile (TOML or YAML text)")  # fmt: skip
def save_profile(request: Request, body: m.ProfileIn, p: Principal = ANALYST):
    check_csrf(request, p, None)
    return {"name": save(request, p, body.format, body.text)}


@change("DELETE", "/profiles/{name}", "deleteProfile", "profiles", m.Deleted,
        "Delete a custom ROI profile", responses=documented(400, 401, 403))  # fmt: skip
def delete_profile(
    request: Request,
    name: Annotated[str, Path(pattern=PROFILE_PATTERN)],
    p: Principal = ANALYST,
):
    check_csrf(request, p, None)
    remove_profile(request, p, name)
    return {"deleted": name}


# -- administration ---------------------------------------------------------------------------
def _user(u) -> dict[str, Any]:
    return {k: getattr(u, k) for k in ("user_id", "username", "role", "active", "read_only")}


@router.get("/users", operation_id="listUsers", tags=["admin"], response_model=list[m.User],
            summary="Users and roles (admin)",
            responses={304: {"description": "Unchanged."}, **documented(401, 403)})  # fmt: skip
def users(request: Request, p: Principal = ADMIN):
    return paging.json_answer(request, [_user(u) for u in request.app.state.ctx.store.users()])


@change("POST", "/users", "addUser", "admin", m.User, "Add a user (admin)",
        responses=documented(400, 401, 403, 409, 413, 422))  # fmt: skip
async def add_user(request: Request, body: m.UserIn, p: Principal = ADMIN):
    check_csrf(request, p, None)
    store = request.app.state.ctx.store
    u = await run_in_threadpool(  # argon2 hashing: off the event loop
        store.add_user, body.username, body.password, body.role.value, p.user.username
    )
    return _user(u)


@router.get("/tokens", operation_id="listTokens", tags=["admin"], response_model=list[m.Token],
            summary="API tokens, never their values (admin)",
            responses={304: {"description": "Unchanged."}, **documented(401, 403)})  # fmt: skip
def tokens(request: Request, p: Principal = ADMIN):
    return paging.json_answer(request, request.app.state.ctx.store.tokens())
