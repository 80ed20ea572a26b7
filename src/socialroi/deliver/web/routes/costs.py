"""Editing the costs ledger from the dashboard (analysts and admins). The library stores each
edit as its own batch (`socialroi.measure.costs.allocate.upsert_cost` / `delete_cost`), so it
is atomic and shows in the import history; the dashboard adds an audit-log line."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from socialroi.deliver.web.auth import ANALYST, Principal, check_csrf
from socialroi.errors import SocialroiError
from socialroi.land.cost_edits import delete_cost, upsert_cost

router = APIRouter()

CATEGORIES = (
    "salaries", "tools", "community_management", "analytics_platform", "creative_production",
    "agency", "other",
)  # fmt: skip
MAX_AMOUNT = 1e12  # |amount|: larger is a typo or an attack, and breaks every sum
RULES = ("", "direct", "ad_spend_share", "posts_share", "hours_share", "even")
FIELDS = (
    "cost_id", "period_start", "period_end", "category", "amount", "currency", "platform",
    "market", "campaign", "allocation", "description",
)  # fmt: skip


def cost_fields(form) -> dict[str, Any]:
    """A ledger line from a form or JSON body, checked before it reaches the library."""
    out: dict[str, Any] = {}
    for k in FIELDS:
        v = form.get(k)
        v = "" if v is None else str(v).strip()
        out[k] = v or None
    try:
        for k in ("period_start", "period_end"):
            out[k] = dt.date.fromisoformat(out[k] or "")
    except ValueError:
        raise SocialroiError("period start and end are dates like 2026-07-01") from None
    if out["period_end"] < out["period_start"]:
        raise SocialroiError("the cost's period ends before it starts")
    if out["category"] not in CATEGORIES:
        raise SocialroiError(f"unknown cost category; valid: {', '.join(CATEGORIES)}")
    try:
        out["amount"] = float(out["amount"] or "")
    except ValueError:
        raise SocialroiError("the amount is a number, like 1200.50") from None
    if not math.isfinite(out["amount"]) or abs(out["amount"]) > MAX_AMOUNT:
        raise SocialroiError(
            "the amount must be a finite number between -1,000,000,000,000 and "
            "1,000,000,000,000 (in the line's currency)"
        )
    if (out["allocation"] or "") not in RULES:
        raise SocialroiError(f"unknown allocation rule; valid: {', '.join(r for r in RULES if r)}")
    if out["currency"]:
        out["currency"] = out["currency"].upper()[:3]
    if out["market"]:
        out["market"] = out["market"].upper()[:8]
    for k in ("description", "campaign"):
        if out[k]:
            out[k] = out[k][:500]
    if not out["cost_id"]:
        out.pop("cost_id")
    return out


def save_cost(request: Request, principal: Principal, fields: dict[str, Any]) -> str:
    ctx = request.app.state.ctx
    with ctx.lock.write():
        try:
            cost_id = upsert_cost(ctx.ws, fields, actor=principal.user.username)
        finally:
            ctx.invalidate()
    ctx.store.audit(principal.user.username, "cost.save", str(cost_id), fields)
    return str(cost_id)


def remove_cost(request: Request, principal: Principal, cost_id: str) -> None:
    ctx = request.app.state.ctx
    with ctx.lock.write():
        try:
            delete_cost(ctx.ws, cost_id, actor=principal.user.username)
        finally:
            ctx.invalidate()
    ctx.store.audit(principal.user.username, "cost.delete", cost_id, {})


def _back(request: Request) -> str:
    q = request.url.query
    return "/costs" + (f"?{q}" if q else "")


@router.post("/costs/save", include_in_schema=False)
async def save(request: Request, p: Principal = ANALYST):
    form = await request.form()
    check_csrf(request, p, form)
    await run_in_threadpool(save_cost, request, p, cost_fields(form))
    return RedirectResponse(_back(request), status_code=303)


@router.post("/costs/delete", include_in_schema=False)
async def delete(request: Request, p: Principal = ANALYST):
    form = await request.form()
    check_csrf(request, p, form)
    cost_id = str(form.get("cost_id", "")).strip()
    if not cost_id:
        raise SocialroiError("which cost line? (cost_id is missing)")
    await run_in_threadpool(remove_cost, request, p, cost_id)
    return RedirectResponse(_back(request), status_code=303)
