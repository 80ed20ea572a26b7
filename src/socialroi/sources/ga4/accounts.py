"""What the workspace knows of a web, shop or CRM account, for exports that do not say.

GA4 report downloads omit the property's currency; HubSpot and Salesforce write times in the
portal's or org's time zone without saying which. `--currency` / `--timezone` win; otherwise
the account named by `--account` or the file's `@handle` folder is looked up in what the
workspace already knows (the accounts register, earlier imports). When no handle is given and
the workspace knows exactly one account of the platform, that one is used.
"""

from __future__ import annotations

from typing import Any

from socialroi.sources.base import Context, account_id


def known_account(ctx: Context, platforms: tuple[str, ...]) -> dict[str, Any]:
    known = getattr(ctx, "known_accounts", None) or {}
    handle = ctx.options.account or ctx.file.folder_hint
    if handle:
        for p in platforms:
            acc = known.get(account_id(p, handle))
            if acc:
                return acc
        return {}
    candidates = [v for k, v in known.items() if k.split(":", 1)[0] in platforms]
    return candidates[0] if len(candidates) == 1 else {}


def currency(ctx: Context, platforms: tuple[str, ...]) -> str | None:
    """--currency, else the known account's currency."""
    cur = ctx.options.currency or known_account(ctx, platforms).get("currency")
    return cur.upper() if cur else None


def timezone(ctx: Context, platforms: tuple[str, ...]) -> str | None:
    """--timezone, else the known account's time zone."""
    return ctx.options.timezone or known_account(ctx, platforms).get("timezone")
