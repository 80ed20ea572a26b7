"""Pages and errors as HTML (or JSON under /api/): the one place templates are rendered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from fastapi.templating import Jinja2Templates

from socialroi.deliver.i18n.columns import header
from socialroi.deliver.i18n.errors import translate_error
from socialroi.deliver.web import filters as flt
from socialroi.deliver.web import format as fmt
from socialroi.deliver.web.auth import current
from socialroi.deliver.web.context import Context
from socialroi.deliver.web.language import choices, fmt_for, request_lang
from socialroi.errors import SocialroiError
from socialroi.measure.profiles import PROFILES, load_profile
from socialroi.model.metrics import metric

HERE = Path(__file__).parent


def templates() -> Jinja2Templates:
    t = Jinja2Templates(directory=str(HERE / "templates"))  # autoescape on for .html
    t.env.autoescape = True  # every template, whatever its name
    fmt.install(t.env)
    return t


def error_response(request: Request, message: str, status: int, code: str | None = None):
    """An error in the reader's language (`translate_error`: the message by its code or its
    English words); the API's JSON keeps its keys."""
    message = translate_error(code, message, request_lang(request))
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    return render(request, "error.html", {"message": message, "status": status}, status=status)


# Columns whose cells are names as written (brands, accounts, campaigns, files, captions):
# never translated, and marked so (`translate="no"`) for the reader's tools and our tests.
NAME_COLUMNS = frozenset({
    "campaign", "account", "caption", "post_id", "url", "file_name", "file_hash", "context",
    "experiment", "description", "team", "cost_id", "example", "message", "value", "column",
    "handle", "name", "report", "note", "arm", "currency",
})  # fmt: skip


def _metric_word(f, name: str, which: int) -> str:
    try:
        m = metric(name)
    except SocialroiError:
        return name
    return f.metric_label(m) if which == 0 else f.metric_definition(m)


def _profile_name(f, name: str) -> str:
    if name in PROFILES:
        return f.profile_label(load_profile(name))
    return name  # a custom profile: its own name


def render(request: Request, template: str, context: dict[str, Any], status: int = 200):
    ctx: Context = request.app.state.ctx
    principal = current(request)
    f = fmt_for(request)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    base = {
        "fmt": f,
        "_": f._,
        "lang": f.lang,
        "lang_choices": choices(),
        "here": here,
        "metric_label": lambda name: _metric_word(f, name, 0),
        "metric_def": lambda name: _metric_word(f, name, 1),
        "profile_name": lambda name: _profile_name(f, name),
        "grain_label": lambda g: header(g, f),
        "insights_for": lambda view: (
            view.local.get("insights", {}).get(f.lang) or view.data.get("insights") or []
        ),
        "name_columns": NAME_COLUMNS,
        "note": lambda text: translate_error(None, str(text), f.lang),
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
