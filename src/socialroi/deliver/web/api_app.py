"""What the app needs for /api/v1 besides its routes: the OpenAPI document (built once from
the routes, then tidied so it says exactly what the server does), problem details for every
error under /api/, a true `Allow` on 405, and repeated-or-comma-separated list filters.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from starlette.exceptions import HTTPException as StarletteHTTPException

from socialroi.deliver.web import problems
from socialroi.deliver.web.problems import MEDIA_TYPE

PREFIX = "/api/v1"
TAGS = [
    {"name": name, "description": text}
    for name, text in {
        "overview": "Headline figures, trend and insights.",
        "metrics": "Any metric by platform x market.",
        "attribution": "Credit under every model.",
        "content": "Posts and their figures.",
        "costs": "The costs ledger and its allocation.",
        "clv": "Customer lifetime value.",
        "imports": "Uploads, import batches and data-quality findings.",
        "downloads": "Tables as CSV.",
        "reports": "The executive report (HTML, PDF, XLSX).",
        "sharing": "Signed read-only links.",
        "profiles": "ROI profiles.",
        "admin": "Users, tokens and the audit log (admin).",
        "account": "Who is asking, and this document.",
    }.items()
]
DESCRIPTION = (
    "Metrics, attribution, costs, CLV and imports of one socialroi workspace. Authenticate "
    "with `Authorization: Bearer <token>` (an admin creates tokens), or a browser session "
    "plus `X-CSRF-Token` on changes. Errors are RFC 9457 problem details with a stable "
    "`code`; reads send an ETag and answer 304 to If-None-Match; growing lists page with "
    "`cursor` and `limit`. Within v1 changes are additive only (docs/api.md)."
)


# OpenAPI links: what an answer's ids open next (for generators and stateful testing).
LINKS = {
    ("saveCost", "200"): {"deleteCost": {"cost_id": "$response.body#/cost_id"}},
    ("saveProfile", "200"): {"deleteProfile": {"name": "$response.body#/name"}},
    ("buildReport", "200"): {"getReport": {"key": "$response.body#/key"}},
    ("buildReport", "202"): {"getReport": {"key": "$response.body#/key"}},
    ("uploadImports", "200"): {
        "getImportBatch": {"batch_id": "$response.body#/results/0/batch_id"}
    },
}


def document(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document of /api/v1 (cached on the app)."""
    if app.openapi_schema:
        return app.openapi_schema
    spec = get_openapi(
        title="socialroi API",
        version="1",
        description=DESCRIPTION,
        routes=app.routes,
        tags=TAGS,
    )
    for ops in spec.get("paths", {}).values():
        for op in ops.values():
            _tidy(op.get("responses", {}))
            for (op_id, status), links in LINKS.items():
                if op.get("operationId") == op_id and status in op["responses"]:
                    op["responses"][status]["links"] = {
                        target: {"operationId": target, "parameters": params}
                        for target, params in links.items()
                    }
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    used = str(spec["paths"])
    for name in ("HTTPValidationError", "ValidationError"):
        if f"/{name}'" not in used:
            schemas.pop(name, None)
    spec["components"]["securitySchemes"] = {
        "bearer": {"type": "http", "scheme": "bearer", "description": "An API token (sr_...)."},
        "session": {"type": "apiKey", "in": "cookie", "name": "sr_session",
                    "description": "A dashboard session; changes also need X-CSRF-Token."},
    }  # fmt: skip
    spec["security"] = [{"bearer": []}, {"session": []}]
    app.openapi_schema = spec
    return spec


def _tidy(responses: dict[str, Any]) -> None:
    auto = responses.get("422", {})
    if auto.get("description") == "Validation Error":  # FastAPI's; this API answers 400
        responses.pop("422")
    for status, answer in responses.items():
        content = answer.get("content") or {}
        if status.startswith(("4", "5")) and "application/json" in content:
            content[MEDIA_TYPE] = content.pop("application/json")
        if status == "304":
            answer.pop("content", None)
        if (
            status.startswith("2")
            and len(content) > 1
            and not content.get("application/json", {}).get("schema")
        ):
            content.pop("application/json", None)  # a download: its true media types only


# -- errors -----------------------------------------------------------------------------------
def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method some route serves at `path` (for a true Allow header)."""
    found: set[str] = set()
    for method, template in routes_of(app):
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            found.add(method)
    if "GET" in found:
        found.add("HEAD")
    return sorted(found)


def routes_of(app) -> list[tuple[str, str]]:
    """(method, path) of every route (each included router's routes too)."""
    out = []
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        pairs = (
            [(c.path or c.original_route.path, c.original_route) for c in contexts()]
            if contexts is not None
            else [(getattr(route, "path", ""), route)]
        )
        for path, r in pairs:
            out += [(m, path) for m in sorted(set(getattr(r, "methods", None) or ()) - {"HEAD"})]
    return out


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def install(app: FastAPI, fallback_validation) -> None:
    """The document and the problem handlers for /api/ (pages keep their own)."""
    app.openapi = lambda: document(app)  # type: ignore[method-assign]

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        if not is_api(request):
            return await fallback_validation(request, exc)
        errors = problems.validation_errors(list(exc.errors()))
        body = any(e["field"].startswith("body") for e in errors)
        code = "invalid_body" if body else "invalid_parameter"
        return problems.response(request, code, problems.detail_of(errors), errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if not is_api(request):
            from fastapi.exception_handlers import http_exception_handler  # deferred: pages only

            return await http_exception_handler(request, exc)
        if exc.status_code == 405:
            allow = ", ".join(allowed_methods(request.app, request.url.path))
            return problems.response(
                request, "method_not_allowed",
                f"{request.method} is not allowed here; allowed: {allow}",
                headers={"Allow": allow},
            )  # fmt: skip
        code = {404: "not_found", 400: "invalid_body", 413: "payload_too_large"}.get(
            exc.status_code, "unprocessable"
        )
        detail = str(exc.detail) if exc.status_code != 404 else f"no route {request.url.path}"
        return problems.response(request, code, detail, status=exc.status_code)


class SplitLists:
    """ASGI middleware: `platform=a,b` and `market=us,de` are read as repeated parameters
    (markets upper-cased) before the API checks them, as the dashboard's URLs always were."""

    NAMES = ("platform", "market")

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope.get("path", "").startswith(PREFIX):
            raw = scope.get("query_string", b"")
            if b"," in raw or b"market=" in raw:
                pairs = []
                for k, v in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
                    if k in self.NAMES:
                        parts = [x.strip() for x in v.split(",")] if "," in v else [v]
                        pairs += [(k, x.upper() if k == "market" else x) for x in parts]
                    else:
                        pairs.append((k, v))
                scope = {**scope, "query_string": urlencode(pairs).encode("latin-1")}
        await self.app(scope, receive, send)
