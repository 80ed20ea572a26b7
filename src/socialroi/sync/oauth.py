"""The consent flow on a loopback port (RFC 8252, OAuth 2.0 for native apps).

socialroi prints the platform's consent URL (with `state` and a PKCE S256 challenge), waits
on `http://127.0.0.1:<port>/callback` for the browser's redirect, checks `state`, and
exchanges the code at the token endpoint (under `SOCIALROI_<SOURCE>_API_BASE` when set).
Register `http://127.0.0.1:<port>/callback` as a redirect URI of your app (`--port` fixes
the port for platforms that need an exact match).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from socialroi.errors import SocialroiError
from socialroi.sources.api import Connector
from socialroi.sync import auth
from socialroi.sync.credentials import Grant
from socialroi.sync.http import Api

TIMEOUT = 300.0  # seconds to wait for the user's consent


def consent_url(
    connector: Connector, client_id: str, redirect: str, state: str, challenge: str
) -> str:
    a = connector.auth
    query = {
        a.client_param: client_id,
        "redirect_uri": redirect,
        "response_type": "code",
        "state": state,
        "scope": a.scope_separator.join(a.scopes),
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **a.authorize_params,
    }
    return f"{a.authorize_url}?{urlencode(query)}"


def consent(
    connector: Connector,
    client_id: str,
    client_secret: str | None,
    *,
    port: int = 0,
    show: Callable[[str], None] = print,
    api: Api | None = None,
    timeout: float = TIMEOUT,
) -> Grant:
    if connector.auth.kind != "oauth2":
        raise SocialroiError(f"{connector.source} connects with --token only")
    state = secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    got: dict[str, str] = {}
    done = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            parts = urlsplit(self.path)
            q = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path != "/callback":
                self.send_response(404)
                self.end_headers()
                return
            ok = q.get("state") == state and "code" in q
            if ok or "error" in q:
                got.update(q)
                done.set()
            self.send_response(200 if ok else 400)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.end_headers()
            self.wfile.write(
                b"socialroi is connected; you can close this tab."
                if ok
                else b"socialroi did not get the consent; see the terminal."
            )

        def log_message(self, *args) -> None:  # the query holds the code: never logged
            return

    server = HTTPServer(("127.0.0.1", port), Handler)
    redirect = f"http://127.0.0.1:{server.server_address[1]}/callback"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        show(consent_url(connector, client_id, redirect, state, challenge))
        if not done.wait(timeout):
            raise SocialroiError(
                f"no consent arrived within {int(timeout)} s; run `socialroi connect "
                f"{connector.source}` again"
            )
    finally:
        server.shutdown()
        server.server_close()
    if "error" in got:
        reason = " ".join(str(got.get("error_description") or got["error"]).split())[:200]
        raise SocialroiError(f"{connector.source} refused the consent: {reason}")
    api = api or Api(
        connector.source,
        connector.base(),
        hosts=connector.allowed_hosts(),
        envelope=connector.envelope,
    )
    api.stream = "consent"
    return auth.code_for_grant(
        api, connector, got["code"], redirect, client_id, client_secret, verifier
    )
