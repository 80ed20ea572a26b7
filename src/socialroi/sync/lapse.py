"""Grants that lapse: a warning before a connection stops working for want of a new consent.

LinkedIn's refresh token lives a year from the first consent and refreshing does not extend
it; TikTok's lives a year too (`Grant.refresh_expires_at`). A token that cannot be renewed
(a pasted token with a known expiry) lapses when the access token expires. `lapse_notes`
names each connection that lapses within `WARN_DAYS` (or has lapsed) and what to run; the
command line prints them after `sync` and `connections`.
"""

from __future__ import annotations

import datetime as dt

from socialroi.errors import SocialroiError
from socialroi.sources.api import get_connector
from socialroi.store import connections as conns
from socialroi.sync.credentials import Credentials, Grant, account_ref

WARN_DAYS = 30


def lapse_note(source: str, grant: Grant, now: dt.datetime | None = None, *,
               renews: bool = False, account: str | None = None) -> str | None:  # fmt: skip
    """What to tell the user when `grant` lapses within `WARN_DAYS`; None otherwise.
    `renews`: the platform renews this token itself (Meta's exchange) — only a refresh
    token's end can lapse then. `account`: the account whose own grant this is."""
    if renews and not grant.refresh_token:
        return None
    when = grant.lapses_at
    if when is None:
        return None
    now = now or dt.datetime.now(dt.UTC)
    left = when - now
    if left > dt.timedelta(days=WARN_DAYS):
        return None
    what = "consent (its refresh token)" if grant.refresh_token else "access token"
    fix = f"socialroi connect {source}"
    if account:
        what, fix = f"{what} for {account}", f"{fix} --account {account}"
    if left.total_seconds() <= 0:
        return (f"the {source} connection's {what} lapsed on {when:%Y-%m-%d}: run `{fix}` to "
                "authorise it again")  # fmt: skip
    days = max(1, round(left.total_seconds() / 86400))
    plural = "s" if days != 1 else ""
    return (f"the {source} connection's {what} lapses on {when:%Y-%m-%d} (in {days} "
            f"day{plural}): run `{fix}` before then, or its syncs stop")  # fmt: skip


def lapse_notes(ws, creds: Credentials | None = None, now: dt.datetime | None = None) -> list[str]:
    """A note for every connection of the workspace that lapses soon (see `lapse_note`)."""
    creds = creds or Credentials()
    out = []
    for c in conns.list_connections(ws.store):
        try:
            grant = creds.get(c.credential_ref)
            auth = get_connector(c.source).auth
        except SocialroiError:
            continue  # an unreadable store or unknown source is reported elsewhere
        renews = auth.refresh == "exchange" and bool(grant and grant.client_secret)
        if auth.per_account:  # each account's own grant (LinkedIn members)
            for a in c.accounts:
                own = creds.get(account_ref(c.credential_ref, a))
                note = own and lapse_note(c.source, own, now, renews=renews, account=a)
                if note:
                    out.append(note)
            continue
        note = grant and lapse_note(c.source, grant, now, renews=renews)
        if note:
            out.append(note)
    return out
