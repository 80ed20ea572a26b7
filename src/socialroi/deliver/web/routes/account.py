"""Signing in and out. The login form has its own CSRF token (a cookie matched by a hidden
field) because there is no session yet; failed logins are counted per
normalised name and address, and each one past the free ones doubles the wait of that name
from that address (never of the name everywhere, so nobody can lock a user out). Password
hashing runs off the event loop."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from socialroi.deliver.i18n.errors import translate_error
from socialroi.deliver.web.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    VIEWER,
    Principal,
    check_csrf,
)
from socialroi.deliver.web.language import request_lang
from socialroi.deliver.web.render import render
from socialroi.store.credentials import PASSWORD_MAX
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
    message = translate_error(None, message, request_lang(request))
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
    username = str(form.get("username", ""))[:256]
    password = str(form.get("password", ""))[: PASSWORD_MAX + 1]
    nxt = str(form.get("next", ""))
    sent, cookie = str(form.get("csrf_token", "")), request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(sent, cookie):
        return _form(request, "The form expired; please try again.", 400, nxt)
    store = request.app.state.ctx.store
    ip = request.client.host if request.client else "?"
    outcome = await run_in_threadpool(_sign_in, store, username, password, ip)
    if isinstance(outcome, float):
        wait = max(1, round(outcome))
        msg = f"Too many failed sign-ins; wait {wait} seconds and try again."
        resp = _form(request, msg, 429, nxt)
        resp.headers["Retry-After"] = str(wait)
        return resp
    if outcome is None:
        return _form(request, "Wrong user name or password.", 401, nxt)
    token = outcome
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


def _sign_in(store, username: str, password: str, ip: str) -> str | float | None:
    """A new session token, the seconds to wait first, or None (wrong name or password)."""
    wait = store.login_wait(username, ip)
    if wait > 0:
        return float(wait)
    user = store.authenticate(username, password, ip)
    if user is None:
        return None
    return store.create_session(user)[0]


@router.post("/logout", include_in_schema=False)
async def logout(request: Request, p: Principal = VIEWER):
    check_csrf(request, p, await request.form())
    if p.session_token:
        request.app.state.ctx.store.end_session(p.session_token)
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE)
    return resp
