"""OAuth 1.0a request signing (RFC 5849, HMAC-SHA1), for APIs that take only signed requests.

The X Ads API accepts no bearer token: every request carries an `Authorization: OAuth ...`
header signed with four secrets — the app's consumer key and secret and the user's access
token and secret (RFC 5849 section 3). The signature covers the method, the URL without its
query (scheme and host in lower case, a default port left out: section 3.4.1.2) and every
query, form and `oauth_*` parameter, each percent-encoded (section 3.6), sorted and joined
(section 3.4.1.3); HMAC-SHA1 keyed by `consumer_secret&token_secret` (section 3.4.2).

Written by hand: it is forty lines of the standard library, sits on every request, and
`oauthlib` would add a dependency for exactly this. `tests/sync/test_oauth1.py` checks it
against RFC 5849's own worked example (section 1.2) and X's "Creating a signature" example.

The four secrets are kept as a `Grant` (`client_id` / `client_secret`: consumer key and
secret; `access_token`; `extra["token_secret"]`) in the credentials store, like every other
grant: never in the workspace, never in a log line or an error.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from socialroi.errors import SocialroiError
from socialroi.sync.credentials import Grant

TOKEN_SECRET = "token_secret"  # noqa: S105 - the key of the token secret in Grant.extra
# The four secrets `connect` reads from the environment: variable suffix -> what it is.
PARTS = {
    "CONSUMER_KEY": "consumer key (API key)",
    "CONSUMER_SECRET": "consumer secret (API key secret)",
    "ACCESS_TOKEN": "access token",
    "ACCESS_TOKEN_SECRET": "access token secret",
}
HOW = (
    "it signs each request with OAuth 1.0a: set SOCIALROI_X_ADS_CONSUMER_KEY, _CONSUMER_SECRET, "
    "_ACCESS_TOKEN and _ACCESS_TOKEN_SECRET, or answer the prompts"
)
Signer = Callable[[str, str, Mapping[str, Any] | None], dict[str, str]]


def enc(value: Any) -> str:
    """RFC 5849 section 3.6: UTF-8, then every byte but the unreserved ones as %XX."""
    return quote(str(value), safe="-._~")


def base_uri(url: str) -> str:
    """Section 3.4.1.2: scheme and host in lower case, no default port, no query."""
    p = urlsplit(url)
    scheme, host = p.scheme.lower(), (p.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(scheme)
    port = f":{p.port}" if p.port and p.port != default else ""
    return f"{scheme}://{host}{port}{p.path or '/'}"


def base_string(method: str, url: str, params: list[tuple[str, str]]) -> str:
    """Section 3.4.1: METHOD&uri&normalised parameters (the query of `url` included)."""
    every = [*parse_qsl(urlsplit(url).query, keep_blank_values=True), *params]
    pairs = sorted((enc(k), enc(v)) for k, v in every)
    normal = "&".join(f"{k}={v}" for k, v in pairs)
    return "&".join((method.upper(), enc(base_uri(url)), enc(normal)))


def signature(base: str, consumer_secret: str, token_secret: str) -> str:
    """Section 3.4.2: HMAC-SHA1 of the base string, base64."""
    key = f"{enc(consumer_secret)}&{enc(token_secret)}".encode()
    return base64.b64encode(hmac.new(key, base.encode(), hashlib.sha1).digest()).decode()


def authorization(
    method: str,
    url: str,
    params: Mapping[str, Any] | None,
    *,
    consumer_key: str,
    consumer_secret: str,
    token: str,
    token_secret: str,
    nonce: str | None = None,
    timestamp: int | None = None,
) -> str:
    """The `Authorization` header of one request (section 3.5.1)."""
    oauth = {
        "oauth_consumer_key": consumer_key,
        "oauth_nonce": nonce or secrets.token_hex(16),
        "oauth_signature_method": "HMAC-SHA1",
        "oauth_timestamp": str(timestamp if timestamp is not None else int(time.time())),
        "oauth_token": token,
        "oauth_version": "1.0",
    }
    sent = [(k, str(v)) for k, v in (params or {}).items() if v is not None]
    base = base_string(method, url, [*sent, *oauth.items()])
    oauth["oauth_signature"] = signature(base, consumer_secret, token_secret)
    return "OAuth " + ", ".join(f'{enc(k)}="{enc(v)}"' for k, v in sorted(oauth.items()))


def signer(grant: Grant) -> Signer:
    """Headers for each request (a new nonce and time every call, retries included)."""
    secret = str(grant.extra.get(TOKEN_SECRET) or "")
    if not (grant.client_id and grant.client_secret and grant.access_token and secret):
        raise SocialroiError("the connection lacks one of its four OAuth 1.0a secrets")

    def sign(method: str, url: str, params: Mapping[str, Any] | None) -> dict[str, str]:
        return {"Authorization": authorization(
            method, url, params, consumer_key=str(grant.client_id),
            consumer_secret=str(grant.client_secret), token=grant.access_token,
            token_secret=secret)}  # fmt: skip

    return sign


def grant_from_env(source: str, ask: Callable[[str], str] | None = None) -> Grant:
    """The four secrets from `SOCIALROI_<SOURCE>_<PART>` variables, each one missing asked
    for with `ask` (a hidden prompt), else an error naming the variables."""
    got: dict[str, str] = {}
    for part, what in PARTS.items():
        var = f"SOCIALROI_{source.upper()}_{part}"
        value = os.environ.get(var, "").strip()
        if not value and ask is not None:
            value = ask(f"{source} {what}").strip()
        if not value or any(c.isspace() for c in value):
            names = ", ".join(f"SOCIALROI_{source.upper()}_{p}" for p in PARTS)
            raise SocialroiError(
                f"{source} signs requests with OAuth 1.0a: set {names} (the app's keys and "
                "the ads user's access token and secret, from the developer portal)"
            )
        got[part] = value
    return Grant(got["ACCESS_TOKEN"], client_id=got["CONSUMER_KEY"],
                 client_secret=got["CONSUMER_SECRET"],
                 extra={TOKEN_SECRET: got["ACCESS_TOKEN_SECRET"]})  # fmt: skip
