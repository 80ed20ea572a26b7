"""The JSON API under /api/v1: everything the pages show, for programs. Authenticate with
`Authorization: Bearer <token>` (or a browser session plus the `X-CSRF-Token` header for
changes). The OpenAPI document is at /api/v1/openapi.json (`api_doc.py` builds it).

This module holds the reads; `api_changes.py` the changes and administration. Every route
declares its response model, its error responses (`problems.py`) and an operationId; reads
send an ETag and answer 304 to If-None-Match; growing lists page with a cursor (`paging.py`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from socialroi.deliver.output import to_csv
from socialroi.deliver.web import api_models as m
from socialroi.deliver.web import filters as flt
from socialroi.deliver.web import paging
from socialroi.deliver.web.api_types import (
    BATCH_ID_MAX,
    CSV_VIEWS,
    LOOKBACK_MAX,
    LOOKBACK_MIN,
    PAGE_LIMIT_DEFAULT,
    PAGE_LIMIT_MAX,
    PERIOD_DOC,
    PERIOD_PATTERN,
    PROFILE_DOC,
    PROFILE_PATTERN,
    AttributionModel,
    Compare,
    Granularity,
    Market,
    MetricName,
    Platform,
    Table,
    View,
)
from socialroi.deliver.web.auth import ADMIN, VIEWER, Principal
from socialroi.deliver.web.problems import documented
from socialroi.deliver.web.views import OPTIONS, batch
from socialroi.errors import NotFound, SocialroiError
from socialroi.store import batches as batch_store

router = APIRouter(prefix="/api/v1")

READ = documented(400, 401, 422)
CSV = {"description": "The table as CSV.", "content": {"text/csv": {"schema": {"type": "string"}}}}
NOT_MODIFIED = {304: {"description": "Unchanged since the ETag sent in If-None-Match."}}


class UnknownProfile(SocialroiError):
    code = "unknown_name"
    field = "profile"


# The parameters are declared without `| None` so the document shows a plain string or enum
# (a query parameter is absent, never null); FastAPI checks each before a route runs.
async def common(
    period: Annotated[str, Query(pattern=PERIOD_PATTERN, description=PERIOD_DOC)] = None,  # type: ignore[assignment]
    compare: Annotated[Compare, Query(description="Default: previous.")] = None,  # type: ignore[assignment,valid-type]
    platform: Annotated[list[Platform], Query(description="Only these (repeat).")] = None,  # type: ignore[assignment,valid-type]
    market: Annotated[list[Market], Query(description="Only these (repeat).")] = None,  # type: ignore[assignment,valid-type]
    profile: Annotated[str, Query(pattern=PROFILE_PATTERN, description=PROFILE_DOC)] = None,  # type: ignore[assignment]
    model: Annotated[
        AttributionModel,  # type: ignore[valid-type]
        Query(description="Default: the profile's model."),
    ] = None,  # type: ignore[assignment]
) -> None:
    """Filters every read takes; they mirror the dashboard's URL (parsed in `filters`)."""


Common = Depends(common)
Cursor = Annotated[
    str, Query(max_length=2000, description="From `next_cursor` of the page before.")
]
Limit = Annotated[int, Query(ge=1, le=PAGE_LIMIT_MAX, description="Rows per page.")]


def filters_of(request: Request, view: str) -> flt.Filters:
    """The request's filters. Any platform and market the API names is valid (one without
    data answers empty figures); profiles are the workspace's."""
    ctx = request.app.state.ctx
    meta = ctx.workspace_meta()
    profile = request.query_params.get("profile")
    if profile is not None and profile not in meta["profiles"]:
        exc = UnknownProfile(f"unknown profile {profile!r}; valid: {', '.join(meta['profiles'])}")
        exc.valid = list(meta["profiles"])
        raise exc
    return flt.parse(
        request.query_params,
        platforms=[p.value for p in Platform],
        markets=[k.value for k in Market],
        default_period=meta["default_period"],
        default_profile=meta["default_profile"],
        options=OPTIONS.get(view, ()),
        profile_names=meta["profiles"],
    )


def _view_answer(request: Request, name: str) -> Response:
    ctx = request.app.state.ctx
    f = filters_of(request, name)
    tag = paging.etag_of("view", name, f.key(), ctx.version(), _lang(request))
    if paging.matches(request, tag):
        return paging.not_modified(tag)
    body = ctx.view_json(name, f)
    # The cached answer is one JSON object; every answer also names its currency.
    currency = ctx.ws.base_currency.encode()
    body = body[:-1] + b', "currency": "' + currency + b'"}'
    return Response(body, media_type="application/json", headers={"ETag": tag})


def _lang(request: Request) -> str:
    return request.headers.get("accept-language", "")[:100]


async def _view(request: Request, name: str) -> Response:
    return await run_in_threadpool(_view_answer, request, name)


def route(path: str, op: str, tag: str, model: Any, summary: str, errors=READ, **kw):
    """A GET route: its operationId, tag, response model and documented answers."""
    return router.get(
        path,
        operation_id=op,
        tags=[tag],
        response_model=model,
        summary=summary,
        responses={**NOT_MODIFIED, **errors},
        **kw,
    )


@route("/openapi.json", "getOpenApi", "account", dict[str, Any], "This API's OpenAPI document",
       errors=documented(401))  # fmt: skip
def openapi(request: Request, p: Principal = VIEWER):
    return paging.json_answer(request, request.app.openapi())


@route("/me", "getMe", "account", m.Me, "Who the token or session belongs to",
       errors=documented(401))  # fmt: skip
def me(request: Request, p: Principal = VIEWER):
    return paging.json_answer(
        request, {"username": p.user.username, "role": p.user.role, "via": p.via}
    )


@route("/overview", "getOverview", "overview", m.Overview,
       "Headline metrics, comparison, monthly trend and insights")  # fmt: skip
async def overview(
    request: Request,
    p: Principal = VIEWER,
    _: None = Common,
    campaign: Annotated[
        str,
        Query(
            max_length=200,
            description="Only this campaign (its key, as `data.campaigns` lists them; case and "
            "spaces do not matter). Followers and lifetime value are not counted then.",
        ),
    ] = None,  # type: ignore[assignment]
):
    return await _view(request, "overview")


@route("/metrics", "getMetrics", "metrics", m.Metrics,
       "Any catalogue metric by platform x market, with drill-down")  # fmt: skip
async def metrics(
    request: Request,
    p: Principal = VIEWER,
    _: None = Common,
    metric: Annotated[MetricName, Query(description="Default: the profile's first.")] = None,  # type: ignore[assignment,valid-type]
    platform_drill: Annotated[
        Platform,  # type: ignore[valid-type]
        Query(description="A platform: adds its campaigns and posts"),
    ] = None,  # type: ignore[assignment]
):
    return await _view(request, "explore")


@route("/attribution", "getAttribution", "attribution", m.Attribution,
       "Credit under every model, and one model in detail")  # fmt: skip
async def attribution(
    request: Request,
    p: Principal = VIEWER,
    _: None = Common,
    granularity: Annotated[Granularity, Query(description="Default: platform.")] = None,  # type: ignore[assignment,valid-type]
    lookback: Annotated[
        int,
        Query(ge=LOOKBACK_MIN, le=LOOKBACK_MAX, description="Lookback window in days."),
    ] = None,  # type: ignore[assignment]
):
    return await _view(request, "attribution")


@route("/content", "getContent", "content", m.Content,
       "Posts with their figures; publishing volume vs engagement")  # fmt: skip
async def content(request: Request, p: Principal = VIEWER, _: None = Common):
    return await _view(request, "content")


@route("/costs", "getCosts", "costs", m.Costs, "Costs ledger lines and their allocations")
async def costs(request: Request, p: Principal = VIEWER, _: None = Common):
    return await _view(request, "costs")


@route("/clv", "getClv", "clv", m.Clv, "Customer lifetime value by acquisition platform, market")
async def clv(request: Request, p: Principal = VIEWER, _: None = Common):
    return await _view(request, "clv")


@route("/imports", "getImports", "imports", m.Imports,
       "Sources, import history and data-quality findings")  # fmt: skip
async def imports(request: Request, p: Principal = VIEWER, _: None = Common):
    return await _view(request, "data")


# -- pages of the lists that grow ------------------------------------------------------------
# (path, operationId, tag, model, summary, view, table, key column)
VIEW_LISTS = [
    ("/posts", "listPosts", "content", m.PostsPage,
     "Every post of the period with its figures, by post id, a page at a time",
     "posts", "posts", "post_id"),
    ("/ledger", "listCostLines", "costs", m.LedgerPage,
     "The costs ledger lines of the period, by cost id, a page at a time",
     "costs", "ledger", "cost_id"),
]  # fmt: skip


def _view_list(view: str, table: str, key: str):
    """A paged list of one table of a view (computed once per filters and data version)."""

    def handler(
        request: Request,
        p: Principal = VIEWER,
        _: None = Common,
        cursor: Cursor = None,  # type: ignore[assignment]
        limit: Limit = PAGE_LIMIT_DEFAULT,
    ):
        ctx = request.app.state.ctx
        frame = ctx.view(view, filters_of(request, view)).tables.get(table)
        if frame is None or key not in frame:
            frame = pd.DataFrame({key: []})  # the view had nothing to show
        page = paging.page_frame(frame, key, table, cursor, limit)
        return paging.json_answer(request, {**page, "currency": ctx.ws.base_currency})

    return handler


for _path, _op, _tag, _model, _summary, *_source in VIEW_LISTS:
    route(_path, _op, _tag, _model, _summary)(_view_list(*_source))


def _store_page(request: Request, kind: str, fetch, key: tuple[str, ...], types, cursor, limit):
    """A page of a list the store reads by key (`fetch(store, after_key, n)`)."""
    ctx = request.app.state.ctx
    after = paging.key_of(kind, cursor, *types)
    with ctx.lock.read():
        df = fetch(ctx.ws.store, after, limit + 1)
    items = paging.rows(df.head(limit))
    nxt = paging.encode(kind, [items[-1][k] for k in key]) if len(df) > limit else None
    return paging.json_answer(request, {"items": items, "next_cursor": nxt, "limit": limit})


@route("/imports/history", "listImports", "imports", m.BatchesPage,
       "Import batches, newest first, a page at a time")  # fmt: skip
def list_imports(
    request: Request,
    p: Principal = VIEWER,
    cursor: Cursor = None,  # type: ignore[assignment]
    limit: Limit = PAGE_LIMIT_DEFAULT,
):
    def fetch(store, after, n):
        return batch_store.batches_page(store, after[0] if after else None, n)

    return _store_page(request, "imports", fetch, ("batch_id",), (int,), cursor, limit)


@route("/imports/findings", "listFindings", "imports", m.FindingsPage,
       "Data-quality findings of every import, newest batch first, a page at a time")  # fmt: skip
def list_findings(
    request: Request,
    p: Principal = VIEWER,
    cursor: Cursor = None,  # type: ignore[assignment]
    limit: Limit = PAGE_LIMIT_DEFAULT,
):
    key = ("batch_id", "finding_no")
    fetch = batch_store.findings_page
    return _store_page(request, "findings", fetch, key, (int, int), cursor, limit)


@route("/imports/{batch_id}", "getImportBatch", "imports", m.BatchDetail,
       "One import batch with its findings", errors=documented(400, 401, 404))  # fmt: skip
def import_batch(
    request: Request,
    batch_id: Annotated[int, Path(ge=1, le=BATCH_ID_MAX)],
    p: Principal = VIEWER,
):
    ctx = request.app.state.ctx
    with ctx.lock.read():
        view = batch(ctx.ws, batch_id)
    if view.tables["batch"].empty:
        raise NotFound(f"no import batch {batch_id}")
    return paging.json_answer(request, view.to_json())


@route("/{view}/csv/{table}", "getTableCsv", "downloads", None,
       "One table of a view as CSV (spreadsheet formulas neutralised)",
       errors={**documented(400, 401, 404, 422), 200: CSV}, response_class=Response,
       response_description="The table as CSV (UTF-8, a header row).")  # fmt: skip
def table_csv(
    request: Request,
    view: View,  # type: ignore[valid-type]
    table: Table,  # type: ignore[valid-type]
    p: Principal = VIEWER,
    _: None = Common,
):
    name = CSV_VIEWS[view.value]
    ctx = request.app.state.ctx
    f = filters_of(request, name)
    tag = paging.etag_of("csv", name, table.value, f.key(), ctx.version())
    if paging.matches(request, tag):
        return paging.not_modified(tag)
    v = ctx.view(name, f)
    if table.value not in v.tables:
        raise NotFound(
            f"the {view.value} view has no table {table.value!r} for these filters; "
            f"valid: {', '.join(v.tables)}"
        )
    return Response(
        to_csv(v.tables[table.value]),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{view.value}-{table.value}.csv"',
            "ETag": tag,
        },
    )


@route("/audit", "listAudit", "admin", m.AuditPage,
       "Audit log, newest first, a page at a time: imports, cost edits, user changes (admin)",
       errors=documented(400, 401, 403, 422))  # fmt: skip
def audit(
    request: Request,
    p: Principal = ADMIN,
    cursor: Cursor = None,  # type: ignore[assignment]
    limit: Limit = PAGE_LIMIT_DEFAULT,
):
    key = paging.key_of("audit", cursor, dt.datetime.fromisoformat, int)
    got = request.app.state.ctx.store.audit_page(key, limit + 1)
    items = [{k: v for k, v in e.items() if k != "key"} for e in got[:limit]]
    nxt = paging.encode("audit", list(got[limit - 1]["key"])) if len(got) > limit else None
    return paging.json_answer(request, {"items": items, "next_cursor": nxt, "limit": limit})
