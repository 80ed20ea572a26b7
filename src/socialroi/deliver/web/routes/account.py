"""Signing in and out. The login form has its own CSRF token (a cookie matched by a hidden
field) because there is no session yet; failed logins are counted per name and address."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from socialroi.deliver.web.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    VIEWER,
    Principal,
    check_csrf,
)
from socialroi.deliver.web.render import render
from socialroi.store.web import SESSION_HOURS

router = APIRouter()


def _safe_next(nxt: str | None) -> str:
    # Only paths on this site: "//evil.example" and "https://..." are not followed.
    if not nxt or not nxt.startswith("/") or nxt.startswith("//") or "\\" in nxt:
        return "/overview"
    return nxt


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _form(request: Request, message: str = "", status: int = 200, nxt: str = ""):
    token = secrets.token_urlsafe(24)
    resp = render(
        request,
        "login.html",
        {"title": "Sign in", "message": message, "login_csrf": token, "next": _safe_next(nxt)},
        status=status,
    )
    resp.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request)
    )
    return resp


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_form(request: Request, next: str = ""):  # noqa: A002 - the URL's name
    return _form(request, nxt=next)


@router.post("/login", include_in_schema=False)
async def login(request: Request):
    form = await request.form()
    username = str(form.get("username", ""))[:64]
    password = str(form.get("password", ""))[:256]
    nxt = str(form.get("next", ""))
    sent, cookie = str(form.get("csrf_token", "")), request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(sent, cookie):
        return _form(request, "The form expired; please try again.", 400, nxt)
    store = request.app.state.ctx.store
    ip = request.client.host if request.client else "?"
    if store.login_blocked(username, ip):
        return _form(request, "Too many failed sign-ins; wait 15 minutes and try again.", 429, nxt)
    user = store.authenticate(username, password, ip)
    if user is None:
        return _form(request, "Wrong user name or password.", 401, nxt)
    token, _csrf = store.create_session(user)
    resp = RedirectResponse(_safe_next(nxt), status_code=303)
    resp.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
    resp.delete_cookie(LOGIN_CSRF_COOKIE)
    return resp


@router.post("/logout", include_in_schema=False)
async def logout(request: Request, p: Principal = VIEWER):
    check_csrf(request, p, await request.form())
    if p.session_token:
        request.app.state.ctx.store.end_session(p.session_token)
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE)
    return resp
