"""Paging the lists that grow (posts, import batches, findings, audit entries, ledger lines)
with an opaque cursor and a limit, and answering unchanged reads with 304.

A cursor is the key of the last row of the page before (URL-safe base64 of JSON, tagged with
the list it belongs to): the next page starts after that key, so rows added in between are
neither repeated nor skipped, and no offset drifts. Clients treat it as opaque.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
from collections.abc import Callable
from typing import Any

import pandas as pd
from fastapi import Request
from fastapi.responses import Response

from socialroi.errors import SocialroiError

STALE = "this cursor is not one this list gave out; start again without it"


class BadCursor(SocialroiError):
    code = "invalid_cursor"
    field = "cursor"


def plain(value: Any) -> Any:
    """JSON for what the store returns: dates and times as ISO 8601 text."""
    iso = getattr(value, "isoformat", None)
    return iso() if iso is not None else str(value)


def encode(kind: str, key: list[Any]) -> str:
    raw = json.dumps([kind, key], separators=(",", ":"), default=plain).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(kind: str, cursor: str | None) -> list[Any] | None:
    """The key a cursor carries (None for no cursor); a cursor of another list, or one that
    was altered, is a 422 problem (`invalid_cursor`)."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        got = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        got = None
    if not (isinstance(got, list) and len(got) == 2 and got[0] == kind):
        raise BadCursor(STALE)
    if not isinstance(got[1], list):
        raise BadCursor(STALE)
    return got[1]


def key_of(kind: str, cursor: str | None, *types: Callable[[Any], Any]) -> tuple | None:
    """The cursor's key converted to `types` (None for no cursor); 422 when it does not fit."""
    got = decode(kind, cursor)
    if got is None:
        return None
    try:
        if len(got) != len(types):
            raise ValueError(kind)
        return tuple(t(v) for t, v in zip(types, got))
    except (TypeError, ValueError):
        raise BadCursor(STALE) from None


def rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Frame rows as JSON-ready dicts: NaN as null, dates and times as ISO 8601 text."""
    out = json.loads(df.to_json(orient="records", date_format="iso", double_precision=15))
    for r in out:
        for k, v in r.items():
            if isinstance(v, float) and not math.isfinite(v):
                r[k] = None
    return out


def page_frame(df: pd.DataFrame, key: str, kind: str, cursor: str | None, limit: int) -> dict:
    """One page of a frame sorted by its unique text column `key`, after the cursor's key."""
    after = decode(kind, cursor)
    ordered = df.assign(_k=df[key].astype(str)).sort_values("_k", kind="stable")
    if after:
        ordered = ordered[ordered["_k"] > str(after[0])]
    chunk = ordered.head(limit)
    more = len(ordered) > limit
    last = [str(chunk["_k"].iloc[-1])] if more and not chunk.empty else None
    return {
        "items": rows(chunk.drop(columns="_k")),
        "next_cursor": encode(kind, last) if last else None,
        "limit": limit,
    }


# -- ETag and 304 -----------------------------------------------------------------------------
def etag_of(*parts: Any) -> str:
    text = json.dumps(parts, default=plain, separators=(",", ":"))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def matches(request: Request, etag: str) -> bool:
    """Whether If-None-Match names this ETag (weak or strong, or `*`)."""
    sent = request.headers.get("if-none-match")
    if not sent:
        return False
    tags = [t.strip().removeprefix("W/") for t in sent.split(",")]
    return "*" in tags or etag in tags


def not_modified(etag: str) -> Response:
    return Response(status_code=304, headers={"ETag": etag})


def conditional(request: Request, body: bytes, media_type: str = "application/json") -> Response:
    """The answer with an ETag of its bytes, or 304 when the client holds these bytes."""
    etag = etag_of(hashlib.sha256(body).hexdigest())
    if matches(request, etag):
        return not_modified(etag)
    return Response(body, media_type=media_type, headers={"ETag": etag})


def json_answer(request: Request, payload: Any) -> Response:
    body = json.dumps(payload, ensure_ascii=False, default=plain).encode()
    return conditional(request, body)
