"""Grants that lapse: a warning before a connection stops working for want of a new consent.

LinkedIn's refresh token lives a year from the first consent and refreshing does not extend
it; TikTok's lives a year too (`Grant.refresh_expires_at`). A token that cannot be renewed
(a pasted token with a known expiry) lapses when the access token expires. `lapse_notes`
names each connection that lapses within `WARN_DAYS` (or has lapsed) and what to run; the
command line prints them after `sync` and `connections`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from socialroi.errors import SocialroiError
from socialroi.sources.api import get_connector
from socialroi.store import connections as conns
from socialroi.sync.credentials import Credentials, Grant, account_ref

WARN_DAYS = 30  # the command line warns this early
FLAG_DAYS = 7  # the Connections page, /api/v1/connections and `connections` flag it this close


@dataclass
class Held:
    """One account of a connection and the grant it syncs with."""

    connection: Any
    account: str
    grant: Grant | None
    renews: bool  # the platform renews the access token itself (Meta's exchange)
    per_account: bool  # the grant is this account's own (LinkedIn members)


def lapses_at(grant: Grant | None, *, renews: bool = False) -> dt.datetime | None:
    """When `grant` stops working for want of a new consent (`Grant.lapses_at`); None when it
    is unknown, has no end, or the platform renews the token itself (`renews`, Meta's
    exchange) and there is no refresh token to run out."""
    if grant is None or (renews and not grant.refresh_token):
        return None
    return grant.lapses_at


def grants(ws, creds: Credentials | None = None) -> Iterator[Held]:
    """What every account of every connection holds: its grant (an account with a grant of
    its own, LinkedIn's members, gets that one; None when the store cannot be read or has no
    tokens for it) and whether the platform renews the token itself."""
    creds = creds or Credentials()
    for c in conns.list_connections(ws.store):
        try:
            grant = creds.get(c.credential_ref)
            auth = get_connector(c.source).auth
        except SocialroiError:  # an unreadable store or unknown source is reported elsewhere
            for a in c.accounts:
                yield Held(c, a, None, False, False)
            continue
        renews = auth.refresh == "exchange" and bool(grant and grant.client_secret)
        for a in c.accounts:
            own = _own(creds, c.credential_ref, a) if auth.per_account else grant
            yield Held(c, a, own, renews, auth.per_account)


def _own(creds: Credentials, ref: str, account: str) -> Grant | None:
    try:
        return creds.get(account_ref(ref, account))
    except SocialroiError:
        return None


def renew_command(source: str, account: str | None = None) -> str:
    """What renews a connection's grant; `account`: the account whose own grant it is
    (`Auth.per_account`, LinkedIn's members), which consents for itself."""
    fix = f"socialroi connect {source}"
    return f"{fix} --account {account}" if account else fix


def lapse_note(source: str, grant: Grant, now: dt.datetime | None = None, *,
               renews: bool = False, account: str | None = None) -> str | None:  # fmt: skip
    """What to tell the user when `grant` lapses within `WARN_DAYS`; None otherwise.
    `renews`: the platform renews this token itself (Meta's exchange) — only a refresh
    token's end can lapse then. `account`: the account whose own grant this is."""
    when = lapses_at(grant, renews=renews)
    if when is None:
        return None
    now = now or dt.datetime.now(dt.UTC)
    left = when - now
    if left > dt.timedelta(days=WARN_DAYS):
        return None
    what = "consent (its refresh token)" if grant.refresh_token else "access token"
    fix = renew_command(source, account)
    if account:
        what = f"{what} for {account}"
    if left.total_seconds() <= 0:
        return (f"the {source} connection's {what} lapsed on {when:%Y-%m-%d}: run `{fix}` to "
                "authorise it again")  # fmt: skip
    days = max(1, round(left.total_seconds() / 86400))
    plural = "s" if days != 1 else ""
    return (f"the {source} connection's {what} lapses on {when:%Y-%m-%d} (in {days} "
            f"day{plural}): run `{fix}` before then, or its syncs stop")  # fmt: skip


def lapse_notes(ws, creds: Credentials | None = None, now: dt.datetime | None = None) -> list[str]:
    """A note for every connection of the workspace that lapses soon (see `lapse_note`)."""
    out: list[str] = []
    for h in grants(ws, creds):
        account = h.account if h.per_account else None
        note = h.grant and lapse_note(h.connection.source, h.grant, now, renews=h.renews,
                                      account=account)  # fmt: skip
        if note and note not in out:  # a grant the accounts share: one note
            out.append(note)
    return out
