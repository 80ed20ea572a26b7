"""The read pages: overview, platforms x markets, attribution, content, costs, CLV, data,
experiments."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from socialroi.deliver.i18n.errors import translate_error
from socialroi.deliver.web.auth import VIEWER, Principal
from socialroi.deliver.web.filters import Filters
from socialroi.deliver.web.language import request_lang
from socialroi.deliver.web.render import render
from socialroi.deliver.web.routes.costs import CATEGORIES, RULES
from socialroi.deliver.web.views import ATTRIBUTION_GRAINS, batch, metric_names
from socialroi.errors import SocialroiError

router = APIRouter()


def N_(text: str) -> str:  # noqa: N802 - gettext's marker: extracted, translated when shown
    return text


PAGES = {
    "overview": N_("Overview"),
    "explore": N_("Platforms × markets"),
    "attribution": N_("Attribution"),
    "content": N_("Content"),
    "costs": N_("Costs"),
    "clv": N_("CLV"),
    "data": N_("Data"),
    "experiments": N_("Experiments"),
    "campaigns": N_("Campaigns"),
    "reports": N_("Reports"),
    "profiles": N_("Profiles"),
}
N_("Admin"), N_("Sign in"), N_("Share link"), N_("Upload"), N_("Import")  # page titles


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


def filters_or_error(request: Request, name: str) -> Filters | HTMLResponse:
    """The page's filters, or the page's filter form with the error said above it (in the
    reader's language) and the workspace's defaults filled in, so it can be corrected."""
    ctx = request.app.state.ctx
    try:
        return ctx.filters(request.query_params, name)
    except SocialroiError as exc:
        message = translate_error(None, str(exc), request_lang(request))
        f = ctx.filters({}, name)
        return render(
            request,
            "error.html",
            {"page": name, "pages": PAGES, "title": PAGES.get(name, ""), "f": f,
             "filter_error": message, "message": message, "status": 400,
             "typed_period": str(request.query_params.get("period", ""))[:100]},
            status=400,
        )  # fmt: skip


def _page(name: str):
    def handler(request: Request, p: Principal = VIEWER) -> HTMLResponse:
        f = filters_or_error(request, name)
        if not isinstance(f, Filters):
            return f
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
    f = filters_or_error(request, "data")
    if not isinstance(f, Filters):
        return f
    with ctx.lock.read():
        view = batch(ctx.ws, batch_id)
    if view.tables["batch"].empty:
        message = translate_error("no_such_import", "no such import", request_lang(request), {})
        return render(request, "error.html", {"message": message, "status": 404}, 404)
    return render(
        request,
        "batch.html",
        {"page": "data", "pages": PAGES, "title": "Import", "f": f, "view": view},
    )
