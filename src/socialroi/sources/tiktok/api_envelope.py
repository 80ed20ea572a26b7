"""The envelope of every TikTok API for Business answer: `{"code", "message", "request_id",
"data"}`. `code` 0 is success; any other code is an error, whatever the HTTP status (TikTok
answers most errors with HTTP 200). From the return codes appendix
(business-api.tiktok.com/portal/docs?id=1737172488964097) and the rate-limit guide: 40100 means
the app sent requests too frequently (wait and ask again, like a 429: TikTok sends no
Retry-After, so the sync backs off exponentially); the other 401xx codes are the authentication
block (a missing, expired, revoked or invalid access token, or a refresh token that is invalid
or already used); 5xxxx are TikTok's own failures (retried)."""

from __future__ import annotations

from typing import Any

RATE_LIMIT_CODES = frozenset({40100})
TOKEN_CODES = frozenset(range(40101, 40200))


def envelope(status: int, body: Any) -> str | None:
    """`Connector.envelope` for TikTok: the verdict of one answer's `code`."""
    code = body.get("code") if isinstance(body, dict) else None
    if not isinstance(code, int) or isinstance(code, bool):
        return None  # not an API for Business envelope: the usual reading
    if code == 0:
        return "ok" if 200 <= status < 300 else None
    if code in RATE_LIMIT_CODES or 50000 <= code < 60000:
        return "retry"
    if code in TOKEN_CODES:
        return "grant"
    return "fail"
