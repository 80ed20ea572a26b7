"""The campaign mapping on the dashboard: which ad campaigns (spend) and UTM campaigns
(revenue) do not meet yet, the suggestions, and map / unmap for analysts and admins. The
same library calls as `socialroi campaigns map|unmap|suggest` (`socialroi.measure.campaigns`);
each change runs under the write lock, refreshes the views and writes an audit-log line."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from socialroi.deliver.web.auth import ANALYST, VIEWER, Principal, check_csrf
from socialroi.deliver.web.language import fmt_for
from socialroi.deliver.web.render import render
from socialroi.deliver.web.routes.pages import PAGES
from socialroi.measure.campaigns import (
    campaign_map,
    fold,
    map_campaign,
    suggest,
    unmap_campaign,
    unmatched,
)

router = APIRouter()
SHOWN = 200  # rows per list on the page


def state(ctx) -> dict:
    with ctx.lock.read():
        ads, utms = unmatched(ctx.ws)
        return {
            "mapping": sorted(campaign_map(ctx.ws).items()),
            "ads": ads.head(SHOWN).to_dict("records"),
            "utms": utms.head(SHOWN).to_dict("records"),
            "suggestions": suggest(ctx.ws).to_dict("records"),
            "currency": ctx.ws.base_currency,
        }


@router.get("/campaigns", response_class=HTMLResponse, include_in_schema=False)
async def campaigns_page(request: Request, p: Principal = VIEWER):
    ctx = request.app.state.ctx
    f = ctx.filters(request.query_params, "campaigns")
    t = fmt_for(request).t
    data = await run_in_threadpool(state, ctx)
    return render(
        request,
        "campaigns.html",
        {"page": "campaigns", "pages": PAGES, "title": t("web_campaigns"), "f": f, "t": t,
         **data},
    )  # fmt: skip


def change(request: Request, p: Principal, action: str, name: str, utm: str = "") -> None:
    ctx = request.app.state.ctx
    with ctx.lock.write():
        try:
            if action == "map":
                map_campaign(ctx.ws, name, utm)
            else:
                unmap_campaign(ctx.ws, name)
        finally:
            ctx.invalidate()
    details = {"utm_campaign": fold(utm)} if action == "map" else {}  # as stored
    ctx.store.audit(p.user.username, f"campaign.{action}", name[:500], details)


@router.post("/campaigns/map", include_in_schema=False)
async def map_page(request: Request, p: Principal = ANALYST):
    form = await request.form()
    check_csrf(request, p, form)
    name, utm = str(form.get("campaign", "")), str(form.get("utm_campaign", ""))
    await run_in_threadpool(change, request, p, "map", name, utm)
    return RedirectResponse("/campaigns", status_code=303)


@router.post("/campaigns/unmap", include_in_schema=False)
async def unmap_page(request: Request, p: Principal = ANALYST):
    form = await request.form()
    check_csrf(request, p, form)
    await run_in_threadpool(change, request, p, "unmap", str(form.get("campaign", "")))
    return RedirectResponse("/campaigns", status_code=303)
