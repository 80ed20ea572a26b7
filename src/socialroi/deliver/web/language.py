"""Which language a request is answered in, and the switch that changes it.

A signed-in user's own setting (stored with the user in the workspace) decides; without one,
or before sign-in and on share links, the language chosen with the switch (a cookie) and
then the browser's `Accept-Language` header decide; English when none of them names a
language the catalogue has. The switch is on every page (`POST /language`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from socialroi.deliver.i18n.formats import LANGS, Formatter, formatter
from socialroi.deliver.web.auth import check_csrf, current
from socialroi.model.words import SOURCE

LANG_COOKIE = "sr_lang"
router = APIRouter()


def negotiate(header: str | None) -> str | None:
    """The best language of an `Accept-Language` header the catalogue has, or None.
    `zh`, `zh-CN`, `zh-Hans`, `zh-SG` read Simplified Chinese; `zh-TW` and `zh-HK` do not."""
    wanted: list[tuple[float, int, str]] = []
    for i, part in enumerate((header or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and q > 0:
            wanted.append((-q, i, tag.strip().lower()))
    for _q, _i, tag in sorted(wanted):
        got = match(tag)
        if got:
            return got
    return None


def match(tag: str) -> str | None:
    """A language tag as one the catalogue has (case and region tolerant)."""
    tag = tag.lower().replace("_", "-")
    for have in LANGS:
        if tag == have.lower():
            return have
    lang, _, rest = tag.partition("-")
    region = rest.split("-")
    if lang == "zh" and any(r in ("tw", "hk", "mo", "hant") for r in region):
        return None  # Traditional Chinese: not the Simplified catalogue
    for have in LANGS:
        if have.lower().partition("-")[0] == lang:
            return have
    return None


def request_lang(request: Request) -> str:
    if hasattr(request.state, "lang"):
        return request.state.lang
    p = current(request)
    lang = (
        (p.user.language if p and p.user.language in LANGS else None)
        or match(request.cookies.get(LANG_COOKIE, ""))
        or negotiate(request.headers.get("accept-language"))
        or SOURCE
    )
    request.state.lang = lang
    return lang


def fmt_for(request: Request, currency: str = "") -> Formatter:
    ctx = request.app.state.ctx
    cur = currency or (ctx.meta or {}).get("base_currency") or ctx.ws.base_currency
    return formatter(request_lang(request), cur)


def choices() -> list[tuple[str, str]]:
    """(tag, the language's own name) for the switch: English, 中文..."""
    return [(tag, formatter(tag, "USD").locale.language_name) for tag in LANGS]


def _safe_next(nxt: str) -> str:
    if not nxt.startswith("/") or nxt.startswith("//") or "\\" in nxt:
        return "/overview"
    return nxt


@router.post("/language", include_in_schema=False)
async def switch(request: Request):
    """The switch: remembers the choice in a cookie, and as the user's setting when signed
    in (with the session's CSRF token), then goes back to the page."""
    form = await request.form()
    lang = match(str(form.get("lang", ""))) or SOURCE
    p = current(request)
    if p is not None and p.via == "session":
        check_csrf(request, p, form)
        await run_in_threadpool(request.app.state.ctx.store.set_language, p.user.user_id, lang)
    resp = RedirectResponse(_safe_next(str(form.get("next", "/overview"))), status_code=303)
    resp.set_cookie(
        LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", secure=request.url.scheme == "https"
    )
    return resp
