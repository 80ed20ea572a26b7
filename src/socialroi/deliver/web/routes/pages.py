"""The read pages: overview, platforms x markets, attribution, content, costs, CLV, data,
experiments."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from socialroi.deliver.web.auth import VIEWER, Principal
from socialroi.deliver.web.filters import Filters
from socialroi.deliver.web.render import render
from socialroi.deliver.web.routes.costs import CATEGORIES, RULES
from socialroi.deliver.web.views import ATTRIBUTION_GRAINS, batch, metric_names

router = APIRouter()

PAGES = {
    "overview": "Overview",
    "explore": "Platforms × markets",
    "attribution": "Attribution",
    "content": "Content",
    "costs": "Costs",
    "clv": "CLV",
    "data": "Data",
    "experiments": "Experiments",
    "campaigns": "Campaigns",
    "reports": "Reports",
    "profiles": "Profiles",
}


def show(request: Request, name: str, f: Filters, *, shared: str = "") -> HTMLResponse:
    """Render one view's page; `shared` is the share-link token when an anonymous visitor
    opened it (read-only: no navigation, no forms)."""
    ctx = request.app.state.ctx
    view = ctx.view(name, f)
    extra = {}
    if name == "explore":
        extra["metric_names"] = metric_names()
    if name == "attribution":
        extra["grains"] = ATTRIBUTION_GRAINS
    if name == "costs":
        extra.update(categories=CATEGORIES, rules=RULES)
    return render(
        request,
        f"{name}.html",
        {
            "page": name,
            "pages": PAGES,
            "title": PAGES[name],
            "f": f,
            "view": view,
            "shared": shared,
            **extra,
        },
    )


@router.get("/", include_in_schema=False)
def home(p: Principal = VIEWER):
    return RedirectResponse("/overview", status_code=303)


def _page(name: str):
    def handler(request: Request, p: Principal = VIEWER) -> HTMLResponse:
        f = request.app.state.ctx.filters(request.query_params, name)
        return show(request, name, f)

    handler.__name__ = f"page_{name}"
    return handler


for _name in (
    "overview",
    "explore",
    "attribution",
    "content",
    "costs",
    "clv",
    "data",
    "experiments",
):
    router.add_api_route(
        f"/{_name}",
        _page(_name),
        methods=["GET"],
        response_class=HTMLResponse,
        include_in_schema=False,
    )


@router.get("/data/batches/{batch_id}", response_class=HTMLResponse, include_in_schema=False)
def batch_page(request: Request, batch_id: int, p: Principal = VIEWER):
    ctx = request.app.state.ctx
    f = ctx.filters(request.query_params, "data")
    with ctx.lock.read():
        view = batch(ctx.ws, batch_id)
    if view.tables["batch"].empty:
        return render(request, "error.html", {"message": "no such import", "status": 404}, 404)
    return render(
        request,
        "batch.html",
        {"page": "data", "pages": PAGES, "title": f"Import {batch_id}", "f": f, "view": view},
    )
