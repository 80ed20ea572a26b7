"""Every API error in one shape: RFC 9457 problem details (`application/problem+json`).

    {"type": "https://socialroi.dev/problems/invalid_parameter", "title": "Invalid parameter",
     "status": 400, "detail": "unknown comparison 'sideways'; valid: previous, yoy, none",
     "code": "invalid_parameter",
     "errors": [{"field": "compare", "message": "...", "valid": ["previous", "yoy", "none"]}],
     "error": "unknown comparison 'sideways'; ..."}

`code` is stable (docs/api.md lists them; a client branches on it), `detail` is the sentence
a person reads (the wording the CLI and the dashboard show). `error` repeats `detail` for the
clients written before problem details (deprecated, kept within v1).

`localise(request, code, params, english)` is the one place a detail is put into the
reader's language (through `deliver.i18n.errors.translate_error`); codes, field names and
valid values stay as they are.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from socialroi.deliver.i18n.errors import translate_error
from socialroi.deliver.web.language import request_lang

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://socialroi.dev/problems/"

# code -> (HTTP status, title). Stable: codes are added, never renamed or removed within v1.
CODES: dict[str, tuple[int, str]] = {
    "invalid_parameter": (400, "Invalid parameter"),
    "invalid_body": (400, "Invalid request body"),
    "unauthenticated": (401, "Sign in or send an API token"),
    "forbidden": (403, "Not allowed for this role"),
    "read_only_token": (403, "This API token is read-only"),
    "csrf_failed": (403, "Security token missing or stale"),
    "not_found": (404, "Not found"),
    "method_not_allowed": (405, "Method not allowed"),
    "conflict": (409, "Conflicts with what is stored"),
    "payload_too_large": (413, "Request body too large"),
    "unprocessable": (422, "Cannot be done as asked"),
    "unknown_name": (422, "Unknown name"),
    "invalid_cursor": (422, "Not a cursor of this list"),
    "import_failed": (422, "File not imported"),
    "not_an_export": (422, "Not an export socialroi reads"),
    "report_failed": (422, "The report could not be built"),
    "server_error": (500, "Internal error"),
}


class FieldError(BaseModel):
    """One field that was wrong: where, what, and (for a closed set) what it may be."""

    field: str = Field(description="The parameter or body field, e.g. `compare`, `body.amount`.")
    message: str
    valid: list[str] | None = Field(None, description="The valid values, for a closed set.")


class Problem(BaseModel):
    """An error (RFC 9457 problem details). More members may be added within v1."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="A URI naming the kind of problem: the code under " + TYPE_BASE)
    title: str = Field(description="The kind of problem in a few words (stable per code).")
    status: int = Field(ge=400, le=599, description="The HTTP status, repeated.")
    detail: str = Field(description="What was wrong with this request, for a person.")
    code: str = Field(description="Stable machine code (docs/api.md lists them).")
    errors: list[FieldError] | None = Field(None, description="The fields that were wrong.")
    error: str = Field(description="Deprecated: the same text as `detail`.")


def localise(request: Request | None, code: str, params: dict[str, Any], english: str) -> str:
    """The detail in the reader's language (the user's setting, the language cookie or
    Accept-Language): the one hook for i18n. `deliver.i18n.errors.translate_error` knows the
    product's error sentences by their English words (the problem `code`s are the API's own,
    so it is given none); what it does not know stays English. `params` (field, value,
    valid, ...) are there for a translator that wants them."""
    if request is None:
        return english
    return translate_error(None, english, request_lang(request))


def body(
    status: int,
    code: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    title = CODES.get(code, (status, "Error"))[1]
    out: dict[str, Any] = {"type": TYPE_BASE + code, "title": title, "status": status,
                           "detail": detail, "code": code}  # fmt: skip
    if errors:
        out["errors"] = errors
    out.update(extra)
    out["error"] = detail
    return out


def encoded(status: int, code: str, detail: str) -> bytes:
    """A problem's bytes, for ASGI middleware that answers before the app (413)."""
    return json.dumps(body(status, code, detail)).encode()


def response(
    request: Request | None,
    code: str,
    detail: str,
    *,
    status: int | None = None,
    errors: list[dict[str, Any]] | None = None,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    status = status or CODES.get(code, (400, ""))[0]
    text = localise(request, code, {**(params or {}), "errors": errors or []}, detail)
    return JSONResponse(
        body(status, code, text, errors, **extra),
        status_code=status,
        media_type=MEDIA_TYPE,
        headers=headers,
    )


def of_error(request: Request, exc: Exception) -> JSONResponse:
    """The problem for a SocialroiError (its `code`; 422 unless the code says otherwise)."""
    code = getattr(exc, "code", "unprocessable")
    if code not in CODES:
        code = "unprocessable"
    field, valid = getattr(exc, "field", None), getattr(exc, "valid", None)
    errors = [{"field": field, "message": str(exc), "valid": valid}] if field else None
    params = {"field": field, "valid": valid, "value": getattr(exc, "name", None)}
    return response(request, code, str(exc), errors=errors, params=params)


# How the filters always named what was unknown ("unknown comparison 'sideways'; valid: ...").
NOUNS = {
    "compare": "comparison",
    "model": "attribution model",
    "platform_drill": "platform",
    "fmt": "format",
}
PERIOD_HELP = "use 2026-Q3, 2026-07, 2026, 2026-W05, 2026-07-15 or 2026-07-01..2026-09-30"


def validation_errors(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """FastAPI's validation errors as `errors`: the field's name (`query.compare` becomes
    `compare`), a message in the words the dashboard always used, and an enum's values."""
    out = []
    for e in raw:
        loc = [str(x) for x in e.get("loc", ()) if not isinstance(x, int)]
        where = loc[1:] if loc and loc[0] in ("query", "path", "header", "cookie") else loc
        field = ".".join(where) or "request"
        value = e.get("input")
        shown = repr(value)[:80] if isinstance(value, str | int | float) else None
        valid = None
        expected = (e.get("ctx") or {}).get("expected")
        if e.get("type") == "enum" and isinstance(expected, str):
            valid = [v.strip(" '") for v in expected.replace(" or ", ",").split(",")]
            valid = [v for v in valid if v]
            message = f"unknown {NOUNS.get(field, field)} {shown}"
        elif field == "period" and e.get("type") == "string_pattern_mismatch":
            message = f"cannot read the period {shown}; {PERIOD_HELP}"
        else:
            message = str(e.get("msg", "invalid")).removeprefix("Value error, ")
            if not message.startswith(("a ", "the ")):  # a validator's own sentence stays
                message = f"{field}: {message}" + (f" (got {shown})" if shown else "")
        out.append({"field": field, "message": message, "valid": valid})
    return out


def detail_of(errors: list[dict[str, Any]]) -> str:
    """One sentence for the errors, in the wording the filters always used."""
    parts = []
    for e in errors:
        text = e["message"]
        if e.get("valid"):
            shown = e["valid"] if len(e["valid"]) <= 12 else [*e["valid"][:12], "..."]
            text += f"; valid: {', '.join(shown)}"
        parts.append(text)
    return "; ".join(parts) or "the request does not match the API's document"


# Responses every route documents (the route adds its own 404, 409, 422 ...).
def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    reasons = {
        400: "The request does not match this document (a parameter outside its set or "
        "pattern, a malformed body); `errors` names each field and its valid values.",
        401: "No session and no valid API token.",
        403: "The role, a read-only token or a missing CSRF token does not allow this.",
        404: "What the path names does not exist.",
        409: "The change conflicts with what is stored.",
        413: "The request body is over its limit.",
        422: "Well-formed, but a rule the document cannot state refuses it (a period that "
        "ends before it starts, an unknown custom profile, a file that is not an export).",
    }
    return {
        s: {"model": Problem, "description": reasons[s], "content": {MEDIA_TYPE: {}}}
        for s in statuses
    }
