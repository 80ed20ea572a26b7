"""Administration (admins only): users and roles, API tokens, share links, workspace settings,
audit log."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from socialroi.deliver.web.auth import ADMIN, Principal, check_csrf
from socialroi.deliver.web.render import render
from socialroi.deliver.web.routes.pages import PAGES
from socialroi.errors import SocialroiError
from socialroi.store.web import ROLES

router = APIRouter()


def _page(request: Request, new_token: str = "", status: int = 200):
    ctx = request.app.state.ctx
    return render(
        request,
        "admin.html",
        {
            "page": "admin",
            "pages": PAGES,
            "title": "Administration",
            "users": ctx.store.users(),
            "tokens": ctx.store.tokens(),
            "shares": ctx.store.share_links(None),
            "audit": ctx.store.audit_log(200),
            "roles": ROLES,
            "new_token": new_token,
            "default_profile": ctx.ws.store.setting("web_default_profile", "dtc"),
        },
        status=status,
    )


@router.get("/admin", response_class=HTMLResponse, include_in_schema=False)
def admin_page(request: Request, p: Principal = ADMIN):
    return _page(request)


@router.post("/admin/users", include_in_schema=False)
async def add_user(request: Request, p: Principal = ADMIN):
    form = await request.form()
    check_csrf(request, p, form)
    await run_in_threadpool(  # argon2 hashing: off the event loop
        request.app.state.ctx.store.add_user,
        str(form.get("username", "")),
        str(form.get("password", "")),
        str(form.get("role", "viewer")),
        actor=p.user.username,
    )
    return RedirectResponse("/admin", status_code=303)


@router.post("/admin/users/{user_id}", include_in_schema=False)
async def change_user(request: Request, user_id: int, p: Principal = ADMIN):
    form = await request.form()
    check_csrf(request, p, form)
    store = request.app.state.ctx.store
    action = str(form.get("action", ""))
    if user_id == p.user.user_id and action in ("disable", "role"):
        raise SocialroiError("you cannot disable yourself or change your own role")
    await run_in_threadpool(_change_user, store, user_id, action, form, p)
    return RedirectResponse("/admin", status_code=303)


def _change_user(store, user_id: int, action: str, form, p: Principal) -> None:
    if action == "role":
        store.set_role(user_id, str(form.get("role", "")), p.user.username)
    elif action in ("disable", "enable"):
        store.set_active(user_id, action == "enable", p.user.username)
    elif action == "password":
        store.set_password(user_id, str(form.get("password", "")), p.user.username)
    else:
        raise SocialroiError("unknown action; valid: role, disable, enable, password")


@router.post("/admin/tokens", response_class=HTMLResponse, include_in_schema=False)
async def add_token(request: Request, p: Principal = ADMIN):
    form = await request.form()
    check_csrf(request, p, form)
    try:
        uid = int(str(form.get("user_id", "")))
    except ValueError:
        raise SocialroiError("choose the user the token acts as") from None
    token = await run_in_threadpool(
        request.app.state.ctx.store.create_token,
        uid,
        str(form.get("name", "")) or "api",
        p.user.username,
        read_only=str(form.get("read_only", "")) in ("1", "on", "true"),
    )
    return await run_in_threadpool(_page, request, token)


@router.post("/admin/tokens/{token_id}/revoke", include_in_schema=False)
async def revoke_token(request: Request, token_id: int, p: Principal = ADMIN):
    form = await request.form()
    check_csrf(request, p, form)
    await run_in_threadpool(request.app.state.ctx.store.revoke_token, token_id, p.user.username)
    return RedirectResponse("/admin", status_code=303)


@router.post("/admin/shares/{link_id}/revoke", include_in_schema=False)
async def revoke_share(request: Request, link_id: str, p: Principal = ADMIN):
    form = await request.form()
    check_csrf(request, p, form)
    await run_in_threadpool(request.app.state.ctx.store.revoke_share, link_id, p.user)
    return RedirectResponse("/admin", status_code=303)


@router.post("/admin/settings", include_in_schema=False)
async def settings(request: Request, p: Principal = ADMIN):
    form = await request.form()
    check_csrf(request, p, form)
    await run_in_threadpool(_settings, request.app.state.ctx, form, p)
    return RedirectResponse("/admin", status_code=303)


def _settings(ctx, form, p: Principal) -> None:
    profile = str(form.get("default_profile", ""))
    valid = ctx.workspace_meta()["profiles"]
    if profile not in valid:
        raise SocialroiError(f"unknown profile {profile!r}; valid: {', '.join(valid)}")
    with ctx.lock.write():
        ctx.ws.store.set_setting("web_default_profile", profile)
        ctx.invalidate(settings=True)
    ctx.store.audit(p.user.username, "settings", "default_profile", {"value": profile})
