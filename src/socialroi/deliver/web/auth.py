"""Who is asking: a session cookie (browser), a bearer API token (programs) or a signed share
link (anonymous, read-only, one view). Every route states the role it needs through
`need(role)`; the check runs on the server for each request.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.concurrency import run_in_threadpool

from socialroi.store.web import RANK, User

SESSION_COOKIE = "sr_session"
LOGIN_CSRF_COOKIE = "sr_login_csrf"


class LoginRequired(Exception):
    """No (valid) session or token: pages redirect to the login form, the API answers 401."""


class Forbidden(Exception):
    """Signed in, but the role does not allow this: 403 for pages and API alike. `code`
    names the reason for the API (forbidden, read_only_token, csrf_failed)."""

    def __init__(self, message: str, code: str = "forbidden") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Principal:
    user: User
    via: str  # "session" or "token"
    csrf: str = ""
    session_token: str = ""


def ctx(request: Request):
    return request.app.state.ctx


def current(request: Request) -> Principal | None:
    """The signed-in user of this request, if any (cached on the request)."""
    if hasattr(request.state, "principal"):
        return request.state.principal
    store = ctx(request).store
    found: Principal | None = None
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = store.token_user(header[7:].strip())
        found = Principal(user, "token") if user else None
    elif cookie := request.cookies.get(SESSION_COOKIE):
        got = store.session(cookie)
        if got:
            found = Principal(got[0], "session", csrf=got[1], session_token=cookie)
    request.state.principal = found
    return found


_UNKNOWN = object()


def _known(request: Request):
    """The principal when it is known without a query (a recently checked API token)."""
    if hasattr(request.state, "principal"):
        return request.state.principal
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = ctx(request).store.cached_token_user(header[7:].strip())
        if user is not None:
            request.state.principal = Principal(user, "token")
            return request.state.principal
    return _UNKNOWN


def need(role: str):
    """A dependency: the request's principal, who must hold at least `role`."""

    async def dependency(request: Request) -> Principal:
        p = _known(request)
        if p is _UNKNOWN:  # needs a query: off the event loop
            p = await run_in_threadpool(current, request)
        if p is None:
            raise LoginRequired()
        if RANK[p.user.role] < RANK[role]:
            raise Forbidden(f"this needs the {role} role; {p.user.username} is {p.user.role}")
        if p.user.read_only and request.method not in ("GET", "HEAD"):
            raise Forbidden("this API token is read-only", "read_only_token")
        return p

    return Depends(dependency)


def check_csrf(request: Request, principal: Principal, form: Any | None) -> None:
    """State-changing requests from a browser session carry the session's CSRF token, in the
    form (`csrf_token`) or the `X-CSRF-Token` header. Bearer-token calls are not sent by
    browsers on their own, so they need none."""
    if principal.via != "session":
        return
    sent = request.headers.get("x-csrf-token") or (form.get("csrf_token") if form else None)
    if not sent or not secrets.compare_digest(str(sent), principal.csrf):
        raise Forbidden(
            "the form's security token is missing or stale; reload the page", "csrf_failed"
        )


# -- share links ----------------------------------------------------------------------------
SHARE_SALT = "socialroi-share-v1"
SHARE_KINDS = ("overview", "explore", "attribution", "content", "costs", "clv", "report")


def share_token(secret: str, kind: str, query: str, days: float, link_id: str) -> str:
    """The signed link: its scope, expiry and id (listed and revocable in the store). It
    names no user: the creator is kept on the server."""
    payload = {"k": kind, "q": query, "exp": int(time.time() + days * 86400), "id": link_id}
    return URLSafeSerializer(secret, salt=SHARE_SALT).dumps(payload)


def read_share(secret: str, token: str, store=None) -> dict[str, Any] | None:
    """The link's scope, or None when the signature is wrong, the link has expired, or (with
    the store) it was revoked or its creator disabled."""
    try:
        payload = URLSafeSerializer(secret, salt=SHARE_SALT).loads(token)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("k") not in SHARE_KINDS:
        return None
    if int(payload.get("exp", 0)) < time.time():
        return None
    if store is not None:
        live = store.share_link(str(payload.get("id", "")))
        if live is None or live["kind"] != payload["k"] or live["query"] != payload.get("q"):
            return None
    return payload


# The three role checks routes declare (`p: Principal = VIEWER`).
VIEWER = need("viewer")
ANALYST = need("analyst")
ADMIN = need("admin")
