"""The dashboard and API application: `create_app(workspace_path)`.

One process owns the workspace's DuckDB file. Request threads use their own cursors under
one lock (`Context.lock`), and computed views are cached by (view, filters, data version):
the data version is the last import batch id, so an import or a cost edit (a batch too)
makes every cached figure stale at once.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from socialroi.deliver.web import filters as flt
from socialroi.deliver.web import format as fmt
from socialroi.deliver.web.auth import Forbidden, LoginRequired, current
from socialroi.deliver.web.store import WebStore
from socialroi.deliver.web.views import OPTIONS, VIEWS, View
from socialroi.errors import SocialroiError
from socialroi.land.workspace import Workspace

HERE = Path(__file__).parent
log = logging.getLogger("socialroi.deliver.web")
CACHE_SIZE = 256
VERSION_TTL = 1.0  # seconds


@dataclass
class Context:
    ws: Workspace
    store: WebStore
    lock: threading.RLock
    reports_dir: Path
    cache: OrderedDict = field(default_factory=OrderedDict)
    meta: dict[str, Any] = field(default_factory=dict)
    meta_version: str = ""
    json_cache: OrderedDict = field(default_factory=OrderedDict)
    cache_lock: threading.Lock = field(default_factory=threading.Lock)  # held briefly only
    _version: tuple[float, str] = (0.0, "")

    def version(self) -> str:
        """The workspace's data version, read at most once a second (this process owns the
        file, and its own writes call `invalidate()`, which forgets it at once)."""
        at, v = self._version
        if time.monotonic() - at > VERSION_TTL or not v:
            v = self.store.data_version()
            self._version = (time.monotonic(), v)
        return v

    # -- what the workspace holds (for filter choices) -------------------------------------
    def workspace_meta(self) -> dict[str, Any]:
        version = self.version()
        if version != self.meta_version:
            with self.lock:
                st = self.ws.status()
                cur = self.ws.store.raw.cursor()
                try:
                    last = cur.execute(
                        "SELECT max(d) FROM (SELECT max(local_date) AS d FROM conversions "
                        "UNION ALL SELECT max(metric_date) FROM post_metrics "
                        "UNION ALL SELECT max(metric_date) FROM ad_metrics)"
                    ).fetchone()[0]
                finally:
                    cur.close()
            self.meta = {
                "platforms": st["platforms"],
                "markets": st["markets"],
                "default_period": flt.default_period(last),
                "base_currency": st["base_currency"],
                "default_profile": self.ws.store.setting("web_default_profile", "dtc"),
                "profiles": flt.profiles() + sorted(self.store.profiles()),
            }
            self.meta_version = version
        return self.meta

    def filters(self, params, view: str = "") -> flt.Filters:
        m = self.workspace_meta()
        opts = OPTIONS.get(view, ()) + ("sort", "dir")
        return flt.parse(
            params,
            platforms=m["platforms"],
            markets=m["markets"],
            default_period=m["default_period"],
            default_profile=m["default_profile"],
            options=opts,
            profile_names=m["profiles"],
        )

    def view(self, name: str, f: flt.Filters) -> View:
        """A page's figures, computed once per (filters, data version)."""
        compute_key = f.with_extra(sort="", dir="")  # sorting happens when rendering
        key = (name, compute_key.key(), self.version())
        with self.cache_lock:
            if key in self.cache:
                self.cache.move_to_end(key)
                return self.cache[key]
        with self.lock:  # one computation at a time on the workspace's connection
            with self.cache_lock:
                if key in self.cache:  # computed while this request waited
                    return self.cache[key]
            try:
                result = VIEWS[name](self.ws, f)
            except SocialroiError as exc:  # e.g. no data in the period: say so on the page
                result = View(name, notes=[str(exc)])
            except Exception as exc:  # a bug in a measure: the page still renders, and says it
                log.exception("view %s failed for %s", name, f)
                result = View(name, notes=[f"this view could not be computed: {exc!r}"])
            with self.cache_lock:
                self.cache[key] = result
                while len(self.cache) > CACHE_SIZE:
                    self.cache.popitem(last=False)
            return result

    def fast_json(self, name: str, params) -> bytes | None:
        """The API answer when it is already cached and the data version is fresh: no query,
        no lock held for long, so it can run on the event loop. None: take the slow path."""
        at, version = self._version
        if not version or time.monotonic() - at > VERSION_TTL or self.meta_version != version:
            return None
        f = self.filters(params, name)
        with self.cache_lock:
            return self.json_cache.get((name, f.key(), version))

    def view_json(self, name: str, f: flt.Filters) -> bytes:
        """The API's answer for a view, serialised once per (filters, data version)."""
        key = (name, f.key(), self.version())
        with self.cache_lock:
            got = self.json_cache.get(key)
        if got is not None:
            return got
        out = self.view(name, f).to_json()
        out["filters"] = {
            "period": f.period,
            "compare": f.compare,
            "platforms": list(f.platforms),
            "markets": list(f.markets),
            "profile": f.profile,
            "model": f.model or None,
            **dict(f.extra),
        }
        body = json.dumps(out, ensure_ascii=False, default=str).encode()
        with self.cache_lock:
            self.json_cache[key] = body
            while len(self.json_cache) > CACHE_SIZE:
                self.json_cache.popitem(last=False)
        return body

    def invalidate(self) -> None:
        with self.cache_lock:
            self.cache.clear()
            self.json_cache.clear()
            self.meta_version = ""
            self._version = (0.0, "")


def templates() -> Jinja2Templates:
    t = Jinja2Templates(directory=str(HERE / "templates"))  # autoescape on for .html
    t.env.autoescape = True  # every template, whatever its name
    fmt.install(t.env)
    return t


def create_app(workspace_path: str | Path, *, reports_dir: str | Path | None = None) -> FastAPI:
    ws = Workspace.open(workspace_path)
    lock = threading.RLock()
    store = WebStore(ws, lock)
    rdir = Path(reports_dir) if reports_dir else Path(ws.path).resolve().parent / "reports"
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

    from socialroi.deliver.web import api
    from socialroi.deliver.web.routes import (
        account,
        admin,
        costs,
        data,
        pages,
        profiles,
        reports,
        share,
    )

    for module in (account, pages, data, costs, reports, share, profiles, admin):
        app.include_router(module.router)
    app.include_router(api.router)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "sign in or send an API token"}, status_code=401)
        from urllib.parse import quote

        nxt = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(nxt, safe='')}", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden):
        return error_response(request, exc.message, 403)

    @app.exception_handler(SocialroiError)
    async def _user_error(request: Request, exc: SocialroiError):
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
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    return app


def error_response(request: Request, message: str, status: int):
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    return render(request, "error.html", {"message": message, "status": status}, status=status)


def render(request: Request, template: str, context: dict[str, Any], status: int = 200):
    ctx: Context = request.app.state.ctx
    principal = current(request)
    base = {
        "request": request,
        "principal": principal,
        "user": principal.user if principal else None,
        "csrf": principal.csrf if principal else "",
        "shared": False,
        "meta": ctx.meta or {},
        "profiles": (ctx.meta or {}).get("profiles") or flt.profiles(),
        "models": flt.models(),
        "compares": flt.COMPARES,
    }
    base.update(context)
    return request.app.state.templates.TemplateResponse(request, template, base, status_code=status)
