"""Pages and errors as HTML (or JSON under /api/): the one place templates are rendered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from fastapi.templating import Jinja2Templates

from socialroi.deliver.web import filters as flt
from socialroi.deliver.web import format as fmt
from socialroi.deliver.web.auth import current
from socialroi.deliver.web.context import Context

HERE = Path(__file__).parent


def templates() -> Jinja2Templates:
    t = Jinja2Templates(directory=str(HERE / "templates"))  # autoescape on for .html
    t.env.autoescape = True  # every template, whatever its name
    fmt.install(t.env)
    return t


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
