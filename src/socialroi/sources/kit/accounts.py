"""Whose export this is, and what the workspace already knows of that account.

Many exports do not name their account: `given_handle` is the user's word for it (`--account`
or a folder named `@handle`). Exports that do not say their time zone or currency fall back
on what the workspace knows (`ctx.known_accounts`: the accounts register and earlier
imports), looked up by account id (`account_facts`) or, for web, shop and CRM accounts, by
platform (`known_account`; when no handle is given and the workspace knows exactly one
account of the platform, that one). `account_row` is the `accounts` staging row of a social
account.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from socialroi.sources.base import Context, account_id


def given_handle(ctx: Context) -> str | None:
    """--account, else a folder named @handle (as given, `@` included)."""
    return ctx.options.account or ctx.file.folder_hint


def account_facts(ctx: Context, account: str) -> dict[str, Any]:
    """What the workspace knows of `account` (an account id): timezone, currency, market."""
    known = getattr(ctx, "known_accounts", None) or {}
    return dict(known.get(account) or {})


def known_account(ctx: Context, platforms: tuple[str, ...]) -> dict[str, Any]:
    """The known web, shop or CRM account of this file (registered under `platforms`)."""
    known = getattr(ctx, "known_accounts", None) or {}
    handle = given_handle(ctx)
    if handle:
        for p in platforms:
            acc = known.get(account_id(p, handle))
            if acc:
                return acc
        return {}
    candidates = [v for k, v in known.items() if k.split(":", 1)[0] in platforms]
    return candidates[0] if len(candidates) == 1 else {}


def known_currency(ctx: Context, platforms: tuple[str, ...]) -> str | None:
    """--currency, else the known account's currency."""
    cur = ctx.options.currency or known_account(ctx, platforms).get("currency")
    return cur.upper() if cur else None


def known_timezone(ctx: Context, platforms: tuple[str, ...]) -> str | None:
    """--timezone, else the known account's time zone."""
    return ctx.options.timezone or known_account(ctx, platforms).get("timezone")


def valid_timezone(ctx: Context, tz: str, column: str | None = None) -> str:
    """`tz` when it is an IANA time zone; else the import fails naming it."""
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ctx.fail(
            "unknown time zone",
            column=column,
            value=tz,
            expected="an IANA time zone such as America/Los_Angeles or Asia/Shanghai",
        ) from None
    return tz


def timezone_of(ctx: Context, default: str, account: str | None = None) -> str:
    """--timezone, else the account's zone when the workspace knows it, else the export's own
    clock (`default`)."""
    known = getattr(ctx, "account_timezones", None) or {}
    return valid_timezone(ctx, ctx.options.timezone or known.get(account) or default)


def account_row(
    ctx: Context,
    platform: str,
    handle: str,
    *,
    native_id: str | None = None,
    name: str | None = None,
    kind: str | None = None,
    currency: str | None = None,
) -> dict[str, Any]:
    """The `accounts` row of a social account: handle as `@handle`; market, currency and time
    zone from the user's options when the export does not say them."""
    h = str(handle).strip().lstrip("@")
    return {
        "account_id": account_id(platform, h),
        "platform": platform,
        "native_id": native_id,
        "handle": f"@{h}",
        "name": name,
        "market": ctx.options.market.upper() if ctx.options.market else None,
        "currency": currency or (ctx.options.currency.upper() if ctx.options.currency else None),
        "timezone": ctx.options.timezone,
        "kind": kind,
    }
