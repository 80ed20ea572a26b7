"""Connections: set one up (a token, or the consent flow of `sync.oauth`), list, forget.

The workspace keeps the connection (source, accounts, a credential reference, health); the
tokens go to `sync.credentials` (outside the workspace). Disconnecting deletes both; rows
already synced stay, with their batches.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pandas as pd

from socialroi.errors import SocialroiError
from socialroi.land.workspace import Workspace
from socialroi.sources.api import Connector, get_connector
from socialroi.store import connections as conns
from socialroi.sync import auth, lapse, schedule
from socialroi.sync.credentials import Credentials, Grant, account_ref, new_ref
from socialroi.sync.fetch import Fetcher
from socialroi.sync.http import Api


def check_accounts(connector: Connector, accounts: list[str]) -> list[str]:
    if not accounts:
        raise SocialroiError(
            f"name what to read with --account ({connector.account_hint}); repeat it for "
            "several accounts"
        )
    for a in accounts:
        connector.account(a)  # raises with what was expected
    return list(dict.fromkeys(a.strip() for a in accounts))


def save(
    ws: Workspace,
    source: str,
    grant: Grant,
    accounts: list[str],
    creds: Credentials | None = None,
    *,
    ref: str | None = None,
) -> conns.Connection:
    """Store a new grant for `source` (replacing an earlier connection's tokens). `ref`: the
    grant is already in the credentials store under this reference (saved by the command line
    before it sent `connect` to a running server)."""
    connector = get_connector(source)
    accounts = check_accounts(connector, accounts)
    creds = creds or Credentials()
    old = conns.get_connection(ws.store, source)
    if ref is None:
        ref = old.credential_ref if old else new_ref()
        creds.put(ref, auth.with_app_headers(connector, grant))
    elif old and old.credential_ref != ref:
        creds.delete(old.credential_ref)
    if connector.auth.per_account:  # the accounts add up, each with its own grant
        accounts = _own_grants(creds, old, ref, accounts, grant)
    conn = conns.Connection(
        source, accounts, ref, grant.expires_at, dt.datetime.now(dt.UTC), None, "ok", None
    )
    if old:
        conn.last_sync_at = old.last_sync_at
    conns.save_connection(ws.store, conn)
    return conn


def on_connect(ws: Workspace, source: str, creds: Credentials | None = None, *,
               api: Api | None = None) -> list[str]:  # fmt: skip
    """Run the connector's `on_connect` for each account of the saved connection (YouTube
    creates its reporting jobs): a line per account to tell the user. A failure does not
    undo the connection: its line says so, and the sync tries again."""
    connector = get_connector(source)
    conn = conns.get_connection(ws.store, source)
    if connector.on_connect is None or conn is None:
        return []
    api = api or Api(source, connector.base(), hosts=connector.allowed_hosts(),
                     envelope=connector.envelope)  # fmt: skip
    api.stream = "connect"
    try:
        grant = auth.fresh_grant(api, connector, creds or Credentials(), conn.credential_ref)
        api.headers.update(auth.headers(connector, grant))
        api.sign = auth.signer(connector, grant)
        api.base = connector.data_base(grant.extra)
    except SocialroiError as exc:
        return [f"{source}: could not prepare the connection ({exc}); the next sync tries again"]
    out = []
    for account in conn.accounts:
        _, native = connector.account(account)
        try:
            out.append(connector.on_connect(Fetcher(api, account), native))
        except SocialroiError as exc:
            out.append(f"{source} {account}: could not prepare ({exc}); the next sync tries again")
    return out


def _own_grants(
    creds: Credentials, old: conns.Connection | None, ref: str, accounts: list[str], grant: Grant
) -> list[str]:
    """Keep `grant` for `accounts` and the earlier accounts' grants (moved when the connection
    got a new reference); returns every account of the connection."""
    for a in accounts:
        creds.put(account_ref(ref, a), grant)
    if old is None:
        return accounts
    for a in old.accounts:
        if a in accounts or old.credential_ref == ref:
            continue
        kept = creds.get(account_ref(old.credential_ref, a))
        if kept is not None:
            creds.put(account_ref(ref, a), kept)
            creds.delete(account_ref(old.credential_ref, a))
    return list(dict.fromkeys([*old.accounts, *accounts]))


def token_grant(
    token: str,
    *,
    expires_in: float | None = None,
    refresh_token: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
) -> Grant:
    """A grant from a token the user pasted (`--token`)."""
    token = token.strip()
    if not token or any(c.isspace() for c in token):
        raise SocialroiError("--token takes the access token as the platform shows it")
    expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=expires_in) if expires_in else None
    return Grant(token, refresh_token, expires_at, client_id, client_secret)


def connect_token(
    ws: Workspace,
    source: str,
    token: str,
    accounts: list[str],
    *,
    creds: Credentials | None = None,
    instance_url: str | None = None,
    **grant: Any,
) -> conns.Connection:
    """Connect with a token (`token_grant`'s keywords: expires_in, refresh_token, ...);
    `instance_url`: where its data calls go, for connectors with one (`with_instance`)."""
    connector = get_connector(source)
    pasted = with_instance(connector, token_grant(token, **grant), instance_url,
                           check_accounts(connector, accounts))  # fmt: skip
    return save(ws, source, pasted, accounts, creds)


def with_instance(
    connector: Connector, grant: Grant, given: str | None, accounts: list[str]
) -> Grant:
    """A pasted token with the instance URL its data calls go to (Salesforce: `--instance-url`,
    else the org named with --account), kept in `Grant.extra` as a token response would."""
    if connector.instance is None or not connector.instance_key:
        if given:
            raise SocialroiError(f"{connector.source} takes no --instance-url")
        return grant
    url = connector.instance(given, accounts)
    return dataclasses.replace(grant, extra={**grant.extra, connector.instance_key: url})


def stored_grant(source: str, ref: str, creds: Credentials | None = None) -> Grant:
    grant = (creds or Credentials()).get(ref)
    if grant is None:
        raise SocialroiError(
            f"no {source} token under that reference; run `socialroi connect {source}`"
        )
    return grant


def disconnect(ws: Workspace, source: str, creds: Credentials | None = None) -> None:
    conn = conns.get_connection(ws.store, source)
    if conn is None:
        raise SocialroiError(f"{source} is not connected")
    creds = creds or Credentials()
    creds.delete(conn.credential_ref)
    for a in conn.accounts:  # grants of their own (Auth.per_account), if any
        creds.delete(account_ref(conn.credential_ref, a))
    conns.delete_connection(ws.store, source)


def status(
    ws: Workspace, creds: Credentials | None = None, now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """One entry per connection and account, for people: its streams, the last good sync
    (when a stream last landed), the next one (`sync --every` or `serve --sync-every`), the
    rows its streams' last good syncs landed (inserted + updated, for every kind of stream: a
    re-read that changes nothing keeps the count), the access token's expiry, when the grant
    lapses (`lapse.lapses_at`) and whether that is within `lapse.FLAG_DAYS` with the command
    that renews it (an account with a grant of its own, a LinkedIn member, gets its own
    expiry, lapse and command), the health and the last error in plain words (bounded, never
    a token)."""
    now = now or dt.datetime.now(dt.UTC)
    planned = schedule.planned(ws.path)
    next_at = planned["next_at"] if planned else None
    flag = dt.timedelta(days=lapse.FLAG_DAYS)
    out: list[dict[str, Any]] = []
    cursors: dict[str, pd.DataFrame] = {}
    for held in lapse.grants(ws, creds):
        c, a, grant = held.connection, held.account, held.grant
        lapses = _utc(lapse.lapses_at(grant, renews=held.renews))
        # an account with a grant of its own (LinkedIn's members): its own token and command
        expires = grant.expires_at if held.per_account and grant else c.token_expires_at
        if c.source not in cursors:
            cursors[c.source] = conns.cursors(ws.store, c.source)
        cur = cursors[c.source]
        mine = cur[cur["account"] == a]
        good = mine["synced_at"].dropna().max() if len(mine) else None
        out.append(
            {
                "source": c.source,
                "account": a,
                "streams": list(mine["stream"]),
                "synced_until": mine["synced_until"].max() if len(mine) else None,
                "last_sync": _utc(c.last_sync_at),
                "last_good_sync": _utc(good if good is not None and good == good else None),
                "next_sync": next_at,
                "rows": int(mine["rows"].sum()) if len(mine) else 0,
                "token_expires": _utc(expires),
                "grant_lapses": lapses,
                "lapsing": bool(lapses and lapses - now < flag),
                "renew": lapse.renew_command(c.source, a if held.per_account else None),
                "has_grant": grant is not None,
                "health": c.health,
                "last_error": _plain(c.last_error, grant),
            }
        )
    return out


def _plain(error: str | None, grant: Grant | None, limit: int = 300) -> str | None:
    """The last error as one bounded line; a token that slipped into it is blotted out."""
    if not error:
        return None
    text = " ".join(str(error).split())
    if grant is not None:
        for secret in (grant.access_token, grant.refresh_token, grant.client_secret,
                       grant.extra.get("token_secret")):  # fmt: skip
            if secret and len(secret) >= 6:
                text = text.replace(secret, "[token]")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _utc(t: Any) -> dt.datetime | None:
    if t is None:
        return None
    t = pd.Timestamp(t).to_pydatetime()
    return t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t.astimezone(dt.UTC)


def listing(ws: Workspace) -> pd.DataFrame:
    """One row per connection and account, for the command line (`status` as text)."""
    rows = []
    for r in status(ws):
        lapses = _minute(r["grant_lapses"])
        if lapses and r["lapsing"]:
            lapses += f" (soon: {r['renew']})"
        rows.append(
            {
                "source": r["source"],
                "account": r["account"],
                "streams": ", ".join(r["streams"]) or "-",
                "synced_until": r["synced_until"],
                "last_sync": _minute(r["last_sync"]),
                "rows": r["rows"],
                "token_expires": _minute(r["token_expires"]) or "never",
                "health": r["health"],
                "last_good_sync": _minute(r["last_good_sync"]),
                "next_sync": _minute(r["next_sync"]) or "not scheduled",
                "grant_lapses": lapses or ("never" if r["has_grant"] else "no tokens here"),
                "last_error": r["last_error"],
            }
        )
    return pd.DataFrame(
        rows,
        columns=["source", "account", "streams", "synced_until", "last_sync", "rows",
                 "token_expires", "health", "last_good_sync", "next_sync", "grant_lapses",
                 "last_error"],
    )  # fmt: skip


def _minute(t: dt.datetime | None) -> str | None:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if t else None
