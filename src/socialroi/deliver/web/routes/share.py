"""Read-only share links: signed with the workspace's secret, expiring, and scoped to one view
(a page with its filters) or one report. Anyone holding the link can read that, and nothing
else: no navigation, no forms, no other filters (only the table sort may change)."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse
from starlette.concurrency import run_in_threadpool

from socialroi.deliver.web.auth import (
    ANALYST,
    SHARE_KINDS,
    Principal,
    check_csrf,
    read_share,
    share_token,
)
from socialroi.deliver.web.render import error_response, render
from socialroi.deliver.web.routes.pages import PAGES, show
from socialroi.deliver.web.routes.reports import FORMATS, MEDIA, build
from socialroi.errors import SocialroiError
from socialroi.store.web import SHARE_MAX_DAYS, SHARE_MIN_DAYS

router = APIRouter()
MIN_DAYS, MAX_DAYS = SHARE_MIN_DAYS, SHARE_MAX_DAYS


def make_link(request: Request, p: Principal, kind: str, query: str, days: float) -> str:
    if kind not in SHARE_KINDS:
        raise SocialroiError(f"cannot share {kind!r}; valid: {', '.join(SHARE_KINDS)}")
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise SocialroiError(f"a share link lasts {MIN_DAYS} to {MAX_DAYS} days")
    ctx = request.app.state.ctx
    # Check the filters now, so a link never carries a query its page would refuse.
    f = ctx.filters(parse_qs(query), "reports" if kind == "report" else kind)
    q = f.query(sort=None, dir=None)
    link_id = ctx.store.create_share(p.user, kind, q, days)
    return f"/s/{share_token(ctx.store.secret(), kind, q, days, link_id)}"


@router.post("/share", response_class=HTMLResponse, include_in_schema=False)
async def create(request: Request, p: Principal = ANALYST):
    form = await request.form()
    check_csrf(request, p, form)
    kind = str(form.get("kind", ""))
    try:
        days = float(str(form.get("days", "7")))
    except ValueError:
        raise SocialroiError("the number of days is a number, like 7") from None
    link = await run_in_threadpool(make_link, request, p, kind, str(form.get("query", "")), days)
    url = str(request.base_url).rstrip("/") + link
    return render(
        request,
        "shared_link.html",
        {"title": "Share link", "pages": PAGES, "page": kind, "url": url, "days": days},
    )


@router.get("/s/{token}", response_class=HTMLResponse, include_in_schema=False)
def open_link(request: Request, token: str, sort: str = "", dir: str = ""):  # noqa: A002
    ctx = request.app.state.ctx
    scope = read_share(ctx.store.secret(), token, ctx.store)
    if scope is None:
        return error_response(request, "this share link is not valid or has expired", 404)
    kind, query = scope["k"], parse_qs(scope["q"])
    if kind == "report":
        return _report(request, ctx, query, "html")
    f = ctx.filters(query, kind).with_extra(sort=sort[:100], dir=dir[:4])
    return show(request, kind, f, shared=token)


@router.get("/s/{token}/report.{fmt}", include_in_schema=False)
def open_report_file(request: Request, token: str, fmt: str):
    ctx = request.app.state.ctx
    scope = read_share(ctx.store.secret(), token, ctx.store)
    if scope is None or scope["k"] != "report":
        return error_response(request, "this share link is not valid or has expired", 404)
    return _report(request, ctx, parse_qs(scope["q"]), fmt)


def _report(request: Request, ctx, query, fmt: str):
    if fmt not in FORMATS:
        return error_response(request, "no such report format", 404)
    f = ctx.filters(query, "reports")
    _key, files = build(ctx, f)
    disposition = "inline" if fmt == "html" else "attachment"
    return FileResponse(
        files[fmt],
        media_type=MEDIA[fmt],
        filename=f"socialroi-report.{fmt}",
        content_disposition_type=disposition,
        headers={
            "Content-Security-Policy": "default-src 'none'; img-src data:; "
            "style-src 'unsafe-inline'; font-src data:"
        },  # fmt: skip
    )
