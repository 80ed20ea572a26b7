"""The dashboard and API application: `create_app(workspace_path)`.

The request context (workspace, caches, lock) is in `context.py`, page rendering in
`render.py`; this module wires the routers, error handlers and security headers.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from socialroi.deliver.web import api, api_app, api_changes, language, limits, problems
from socialroi.deliver.web.auth import Forbidden, LoginRequired
from socialroi.deliver.web.context import Context, RWLock
from socialroi.deliver.web.render import HERE, error_response, templates
from socialroi.deliver.web.routes import (
    account,
    admin,
    campaigns,
    connections,
    costs,
    data,
    downloads,
    pages,
    profiles,
    reports,
    share,
)
from socialroi.errors import SocialroiError
from socialroi.land.workspace import Workspace
from socialroi.store.location import anchor
from socialroi.store.web import WebStore


def create_app(
    workspace_path: str | Path,
    *,
    reports_dir: str | Path | None = None,
    max_upload_bytes: int = limits.UPLOAD_BYTES,
    cli: tuple[str, Callable] | None = None,
) -> FastAPI:
    """The app on one workspace. `cli`: (token, runner) to accept command-line commands sent
    over loopback while `socialroi serve` holds the workspace (see `deliver.cli.remote`)."""
    ws = Workspace.open(workspace_path)
    lock = RWLock()
    store = WebStore(ws)
    rdir = Path(reports_dir) if reports_dir else anchor(ws.path).parent / "reports"
    app = FastAPI(
        title="socialroi API",
        version="1",
        description="Metrics, attribution, costs, CLV and imports of one socialroi workspace. "
        "Authenticate with `Authorization: Bearer <token>` (tokens are created by an admin).",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served behind a login at /api/v1/openapi.json
    )
    app.state.ctx = Context(ws, store, lock, rdir)
    app.state.templates = templates()
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    for module in (
        account,
        pages,
        data,
        costs,
        campaigns,
        reports,
        share,
        profiles,
        admin,
        connections,
        downloads,
        language,
    ):
        app.include_router(module.router)
    app.include_router(api.router)
    app.include_router(api_changes.router)
    api_app.install(app, request_validation_exception_handler)

    if cli is not None:
        _cli_route(app, *cli)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired):
        if request.url.path.startswith("/api/"):
            return problems.response(request, "unauthenticated", "sign in or send an API token")
        nxt = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(nxt, safe='')}", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden):
        if request.url.path.startswith("/api/"):
            return problems.response(request, exc.code, exc.message)
        return error_response(request, exc.message, 403)

    @app.exception_handler(SocialroiError)
    async def _user_error(request: Request, exc: SocialroiError):
        if request.url.path.startswith("/api/"):
            return problems.of_error(request, exc)
        return error_response(request, str(exc), 400)

    @app.middleware("http")
    async def _headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if not request.url.path.startswith("/static/"):
            # Pages and answers may hold figures or tokens: no browser or proxy keeps them.
            response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    app.add_middleware(api_app.SplitLists)
    # Outermost: a body over its limit stops while it is read, before any handler sees it.
    app.add_middleware(limits.BodyLimit, upload_bytes=max_upload_bytes)
    return app


def _cli_route(app: FastAPI, token: str, runner: Callable) -> None:
    """POST /internal/cli: a command line's arguments, run by this server (loopback and the
    serve file's token only); answers its exit code and output."""

    @app.post("/internal/cli", include_in_schema=False)
    async def run_cli(request: Request):
        host = request.client.host if request.client else ""
        sent = request.headers.get("x-socialroi-cli", "")
        if host not in ("127.0.0.1", "::1") or not secrets.compare_digest(sent, token):
            return JSONResponse({"error": "not allowed"}, status_code=403)
        body = await request.json()
        args = [str(a) for a in body.get("args") or []]
        env = {str(k): str(v) for k, v in (body.get("env") or {}).items()}
        out = await run_in_threadpool(runner, args, env)
        request.app.state.ctx.invalidate()  # an import or edit may have changed the data
        return JSONResponse(out)
