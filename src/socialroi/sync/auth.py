"""Access tokens: the header each call carries, and renewal before expiry.

`fresh_grant` returns a grant valid for at least `MARGIN` seconds. Renewal follows the
connector's `Auth.refresh`:

- `refresh_token` (RFC 6749 section 6): POST `grant_type=refresh_token` to the token
  endpoint. Platforms that rotate the refresh token (TikTok, HubSpot, Salesforce with
  rotation on) answer with a new one and void the old: the new grant is written to the
  credentials store (atomically) *before* its access token is returned and used, so a crash
  between the two can never leave only a voided refresh token on disk;
- `exchange` (Meta): a long-lived user token is exchanged for a fresh one while it is still
  valid (`grant_type=fb_exchange_token`); once expired, only a new consent helps;
- "" : the token does not expire (private-app tokens, system-user tokens).

A token the platform refuses (HTTP 401, invalid_grant, Meta code 190) is `GrantExpired`,
whose message names the connection and `socialroi connect SOURCE`; a refresh-token grant is
first renewed once on a 401 in the middle of a stream (`renewer`).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import os
from collections.abc import Callable
from typing import Any

from socialroi.errors import GrantExpired, SocialroiError, SyncFailed
from socialroi.sources.api import Connector, dig
from socialroi.sync import oauth1
from socialroi.sync.credentials import Credentials, Grant
from socialroi.sync.http import Api

MARGIN = 10 * 60  # renew a token that expires within ten minutes
EXCHANGE_MARGIN = 7 * 24 * 3600  # Meta: renew a 60-day token in its last week


def headers(connector: Connector, grant: Grant) -> dict[str, str]:
    a = connector.auth
    value = f"{a.scheme} {grant.access_token}" if a.scheme else grant.access_token
    # OAuth 1.0a: no token header; each request is signed (`signer`)
    out = {} if a.kind == "oauth1" else {a.header: value}
    kept = grant.extra.get(APP_HEADERS) or {}
    for header, env in a.app_headers.items():
        got = os.environ.get(env, "").strip() or str(kept.get(header) or "")
        if not got:
            raise SocialroiError(
                f"the {connector.source} connection has no {header}: set {env} and run "
                f"`socialroi connect {connector.source}` again (it is kept with the token)"
            )
        out[header] = got
    return out


APP_HEADERS = "app_headers"  # the key in Grant.extra


def signer(connector: Connector, grant: Grant) -> oauth1.Signer | None:
    """The per-request signer of an `oauth1` connector (X Ads), else None."""
    return oauth1.signer(grant) if connector.auth.kind == "oauth1" else None


def with_app_headers(connector: Connector, grant: Grant) -> Grant:
    """The grant with the connector's `app_headers` read from the environment (kept with it)."""
    got = {
        h: os.environ[env].strip()
        for h, env in connector.auth.app_headers.items()
        if os.environ.get(env, "").strip()
    }
    if not got:
        return grant
    kept = dict(grant.extra.get(APP_HEADERS) or {})
    return dataclasses.replace(grant, extra={**grant.extra, APP_HEADERS: {**kept, **got}})


def fresh_grant(api: Api, connector: Connector, creds: Credentials, ref: str) -> Grant:
    grant = creds.get(ref)
    if grant is None:
        raise GrantExpired(connector.source, f"no token for it in {creds.where}")
    kind = connector.auth.refresh
    now = dt.datetime.now(dt.UTC)
    if kind == "refresh_token" and grant.expires_within(MARGIN, now):
        if not grant.refresh_token:
            raise GrantExpired(connector.source, "the token expired and cannot be renewed")
        if grant.refresh_expires_at is not None and grant.refresh_expires_at <= now:
            raise GrantExpired(
                connector.source,
                f"the consent lapsed on {grant.refresh_expires_at:%Y-%m-%d}: its refresh token "
                "ends a fixed time after the consent and refreshing does not extend it",
            )
        return refresh(api, connector, creds, ref, grant)
    if kind == "exchange" and grant.expires_within(EXCHANGE_MARGIN, now):
        if grant.expires_within(0, now):
            raise GrantExpired(connector.source, "the long-lived token expired")
        if grant.client_id and grant.client_secret:
            return exchange(api, connector, creds, ref, grant)
    if grant.expires_within(0, now):
        raise GrantExpired(connector.source, "the token expired")
    return grant


def renewer(
    token_api: Api, connector: Connector, creds: Credentials, ref: str, api: Api
) -> Callable[[], bool] | None:
    """`Api.renew` for a refresh-token connection: on a 401 in the middle of a stream (a
    session that ended before its stated or assumed expiry — Salesforce's inactivity
    timeout), refresh the grant under `ref` (persisted first, as always), put its header on
    `api`, and say the call may go again. False when the grant cannot be refreshed (no
    refresh token, a lapsed consent): the 401 then ends the stream as before. None for
    connections renewed otherwise."""
    if connector.auth.refresh != "refresh_token" or connector.auth.kind == "oauth1":
        return None

    def renew() -> bool:
        grant = creds.get(ref)
        now = dt.datetime.now(dt.UTC)
        if grant is None or not grant.refresh_token:
            return False
        if grant.refresh_expires_at is not None and grant.refresh_expires_at <= now:
            return False
        api.headers.update(headers(connector, refresh(token_api, connector, creds, ref, grant)))
        return True

    return renew


def refresh(api: Api, connector: Connector, creds: Credentials, ref: str, grant: Grant) -> Grant:
    form = {"grant_type": "refresh_token", "refresh_token": grant.refresh_token}
    if grant.client_id:
        form["client_id"] = grant.client_id
    if grant.client_secret:
        form["client_secret"] = grant.client_secret
    got = _token_call(
        api, connector, "POST", form, "refreshing the token", connector.auth.refresh_path
    )
    new = grant_from(got, grant, connector.auth.token_lifetime)
    creds.put(ref, new)  # persisted (atomically) BEFORE the new access token is used
    return new


def exchange(api: Api, connector: Connector, creds: Credentials, ref: str, grant: Grant) -> Grant:
    new = exchanged(api, connector, grant)
    creds.put(ref, new)
    return new


def exchanged(api: Api, connector: Connector, grant: Grant) -> Grant:
    """Meta: a (short- or long-lived) user token exchanged for a new 60-day one."""
    params = {
        "grant_type": "fb_exchange_token",
        "client_id": grant.client_id,
        "client_secret": grant.client_secret,
        "fb_exchange_token": grant.access_token,
    }
    got = _token_call(api, connector, "GET", params, "exchanging for a long-lived token")
    return grant_from(got, grant, connector.auth.token_lifetime)


def code_for_grant(
    api: Api,
    connector: Connector,
    code: str,
    redirect_uri: str,
    client_id: str,
    client_secret: str | None,
    verifier: str | None,
) -> Grant:
    """The authorization-code exchange of the consent flow (RFC 6749 section 4.1.3)."""
    form: dict[str, Any] = {
        "grant_type": "authorization_code",
        connector.auth.code_param: code,
        "redirect_uri": redirect_uri,
        "client_id": client_id,
    }
    if client_secret:
        form["client_secret"] = client_secret
    if verifier:
        form["code_verifier"] = verifier
    method = "GET" if connector.auth.refresh == "exchange" else "POST"
    got = _token_call(api, connector, method, form, "exchanging the consent code")
    base = Grant("", client_id=client_id, client_secret=client_secret)
    grant = grant_from(got, base, connector.auth.token_lifetime)
    if connector.auth.refresh == "exchange" and client_secret:
        grant = exchanged(api, connector, grant)  # the consent's token lasts hours, not days
    return grant


def _token_call(
    api: Api, connector: Connector, method: str, form: dict, what: str, path: str = ""
) -> Any:
    path = path or connector.auth.token_path
    if not path:
        raise SocialroiError(f"{connector.source} has no token endpoint to call for {what}")
    a = connector.auth
    headers = {}
    if a.client_auth == "basic" and form.get("client_secret"):
        # RFC 6749 section 2.3.1: the app's id and secret as an HTTP Basic header
        pair = f"{form.pop('client_id', '')}:{form.pop('client_secret')}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    try:
        if method == "GET":
            got = api.request("GET", path, where=what, params=form, headers=headers)
        elif a.token_body == "json":  # noqa: S105 - a body format
            got = api.request("POST", path, where=what, json_body=form, headers=headers)
        else:
            got = api.request("POST", path, where=what, data=form, headers=headers)
    except SyncFailed as exc:
        if "invalid_grant" in str(exc) or "HTTP 400" in str(exc):
            raise GrantExpired(connector.source, "the platform refused the refresh") from None
        raise
    return dig(got, a.token_data) if a.token_data else got


def grant_from(got: Any, old: Grant, lifetime: float | None = None) -> Grant:
    """A token response (RFC 6749 section 5.1) as a grant; what it omits is kept. `lifetime`:
    seconds an access token lives when the response has no `expires_in` (Salesforce)."""
    if not isinstance(got, dict) or not isinstance(got.get("access_token"), str):
        raise SocialroiError("the token endpoint answered without an access_token")
    now = dt.datetime.now(dt.UTC)
    expires = _seconds(got.get("expires_in"))
    expires_at = (
        now + dt.timedelta(seconds=expires)
        if expires is not None
        else (now + dt.timedelta(seconds=lifetime) if lifetime else None)
    )
    # the refresh token's own lifetime: LinkedIn `refresh_token_expires_in`, TikTok
    # `refresh_expires_in`; when the answer omits it, the known end is kept (a warning too
    # early beats none)
    rest = _seconds(got.get("refresh_token_expires_in", got.get("refresh_expires_in")))
    rotated = got.get("refresh_token")
    refresh_expires_at = (
        now + dt.timedelta(seconds=rest) if rest is not None else old.refresh_expires_at
    )
    extra = dict(old.extra)
    for k in ("instance_url", "scope", "token_type"):
        if isinstance(got.get(k), str):
            extra[k] = got[k]
    return Grant(
        access_token=got["access_token"],
        refresh_token=rotated if isinstance(rotated, str) and rotated else old.refresh_token,
        expires_at=expires_at,
        client_id=old.client_id,
        client_secret=old.client_secret,
        extra=extra,
        refresh_expires_at=refresh_expires_at,
    )


def _seconds(value: Any) -> float | None:
    """A lifetime in seconds as token endpoints send it (a number or a numeric string)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    return float(value) if str(value).replace(".", "", 1).isdigit() else None
