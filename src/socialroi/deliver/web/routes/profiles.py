"""ROI profiles: the built-in ones, and custom ones analysts save from the dashboard (TOML or
YAML, the same keys and checks as `socialroi roi --profile file.toml`; docs/roi.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from socialroi.deliver.web.auth import ANALYST, VIEWER, Principal, check_csrf
from socialroi.deliver.web.render import render
from socialroi.deliver.web.routes.pages import PAGES
from socialroi.errors import SocialroiError
from socialroi.measure.profiles import PROFILES, custom_profile, profile_from_text

router = APIRouter()
MAX_TEXT = 20_000


def listing(ctx) -> list[dict[str, Any]]:
    out = []
    custom = ctx.store.profiles()
    for name, prof in [*PROFILES.items(), *((n, profile_from_text(*v)) for n, v in custom.items())]:
        out.append(
            {
                "name": name,
                "label": prof.label,
                "kinds": list(prof.kinds),
                "headline": list(prof.headline),
                "model": prof.model,
                "lookback_days": prof.lookback_days,
                "custom": name in custom,
                "format": custom[name][0] if name in custom else None,
                "text": custom[name][1] if name in custom else None,
            }
        )
    return out


def save(request: Request, p: Principal, fmt: str, text: str) -> str:
    fmt = fmt.lower().strip()
    if fmt in ("yml",):
        fmt = "yaml"
    if len(text) > MAX_TEXT:
        raise SocialroiError("a profile is at most 20,000 characters")
    ctx = request.app.state.ctx
    prof = custom_profile(fmt, text)
    with ctx.lock.write():  # pages computing with the old text finish first
        name = ctx.store.save_profile(prof.name, fmt, text, p.user.username)
        ctx.invalidate(profiles=True)
    return name


@router.get("/profiles", response_class=HTMLResponse, include_in_schema=False)
def profiles_page(request: Request, p: Principal = VIEWER):
    ctx = request.app.state.ctx
    f = ctx.filters(request.query_params, "profiles")
    return render(
        request,
        "profiles.html",
        {
            "page": "profiles",
            "pages": PAGES,
            "title": "Profiles",
            "f": f,
            "profiles": listing(ctx),
        },  # fmt: skip
    )


@router.post("/profiles", include_in_schema=False)
async def save_page(request: Request, p: Principal = ANALYST):
    form = await request.form()
    check_csrf(request, p, form)
    text = str(form.get("text", "") or "")
    upload = form.get("file")
    fmt = str(form.get("format", "toml"))
    if getattr(upload, "filename", None):
        text = (await upload.read()).decode("utf-8", errors="replace")
        fmt = "toml" if upload.filename.lower().endswith(".toml") else "yaml"
    if not text.strip():
        raise SocialroiError("paste a profile or choose a .toml or .yaml file")
    name = await run_in_threadpool(save, request, p, fmt, text)
    return RedirectResponse(f"/overview?profile={name}", status_code=303)


@router.post("/profiles/delete", include_in_schema=False)
async def delete_page(request: Request, p: Principal = ANALYST):
    form = await request.form()
    check_csrf(request, p, form)
    await run_in_threadpool(remove, request, p, str(form.get("name", "")))
    return RedirectResponse("/profiles", status_code=303)


def remove(request: Request, p: Principal, name: str) -> None:
    ctx = request.app.state.ctx
    with ctx.lock.write():
        ctx.store.delete_profile(name, p.user.username)
        ctx.invalidate(profiles=True)
