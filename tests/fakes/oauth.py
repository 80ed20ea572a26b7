"""A fake OAuth 2.0 token endpoint (RFC 6749), for every connector that refreshes tokens.

Shapes reproduced (RFC 6749, the reference Google, HubSpot, Salesforce and TikTok follow):
- section 4.1.3 / 4.1.4, authorization code grant: `POST token_path` with form
  `grant_type=authorization_code, code, redirect_uri, client_id[, client_secret]` (+ PKCE's
  `code_verifier`, RFC 7636 section 4.5, checked against the S256 challenge the consent URL
  carried) -> `{"access_token", "token_type": "Bearer", "expires_in", "refresh_token"}`;
- section 6, refresh: `grant_type=refresh_token, refresh_token` -> a new access token and,
  with `rotate=True` (TikTok always, HubSpot / Salesforce when configured), a NEW refresh
  token; the old one is void from then on;
- section 5.2, errors: HTTP 400 `{"error": "invalid_grant", "error_description"}`.

Issued access tokens are added to `tokens` (the data endpoints' fakes check bearers there).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from tests.fakes.server import FakeApi, Reply, Request


class FakeOAuth:
    def __init__(self, fake: FakeApi, path: str, tokens: set[str], *, rotate: bool = True,
                 expires_in: int = 3600, client_id: str = "app-1",
                 basic: bool = False) -> None:  # fmt: skip
        self.tokens = tokens
        # basic: the app authenticates with an HTTP Basic header (RFC 6749 section 2.3.1;
        # Pinterest), never with client_id / client_secret in the form
        self.basic = basic
        self.rotate = rotate
        self.expires_in = expires_in
        self.client_id = client_id
        self.refresh_tokens: set[str] = set()
        self.codes: dict[str, str] = {}  # code -> S256 challenge
        self.issued = 0
        self.log: list[str] = []  # grant types served, in order
        fake.route("POST", path, self._token)

    def expect_code(self, code: str, challenge: str) -> None:
        self.codes[code] = challenge

    def _issue(self, refresh: str | None = None) -> dict[str, Any]:
        self.issued += 1
        access = f"access-{self.issued}"
        self.tokens.add(access)
        body: dict[str, Any] = {"access_token": access, "token_type": "Bearer",
                                "expires_in": self.expires_in}  # fmt: skip
        if refresh is None or self.rotate:
            refresh = f"refresh-{self.issued}"
            self.refresh_tokens.add(refresh)
        body["refresh_token"] = refresh
        return body

    @staticmethod
    def _bad(why: str) -> Reply:
        return Reply(400, {"error": "invalid_grant", "error_description": why})

    def _token(self, req: Request) -> Reply | dict:
        form = req.form
        grant = form.get("grant_type", "")
        self.log.append(grant)
        client = form.get("client_id")
        if self.basic:
            got = req.headers.get("authorization", "")
            pair = base64.b64decode(got[6:]).decode() if got.startswith("Basic ") else ":"
            client = pair.split(":", 1)[0] if "client_secret" not in form else None
        if client != self.client_id:
            return Reply(401, {"error": "invalid_client"})
        if grant == "authorization_code":
            challenge = self.codes.pop(form.get("code", ""), None)
            if challenge is None:
                return self._bad("unknown or used code")
            verifier = form.get("code_verifier", "")
            got = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
            if got.decode() != challenge:
                return self._bad("PKCE verification failed")
            return self._issue()
        if grant == "refresh_token":
            old = form.get("refresh_token", "")
            if old not in self.refresh_tokens:
                return self._bad("Token has been expired or revoked.")
            if self.rotate:
                self.refresh_tokens.discard(old)  # a rotated refresh token is void once used
            return self._issue(old)
        return Reply(400, {"error": "unsupported_grant_type"})
