"""Stage 1, accounts: every social, shop, web and CRM account the brand has.

In: the random generator. Out: `Accounts` — the world's `accounts` frame, and its social
accounts with each one's audience size (the stages after this one draw from those).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from socialroi.demo import brand as B
from socialroi.demo.draws import ids


@dataclass(frozen=True)
class Accounts:
    frame: pd.DataFrame  # every account: the `accounts` frame
    social: pd.DataFrame  # the accounts on social platforms, plus `size` (audience multiplier)


def make_accounts(rng: np.random.Generator) -> Accounts:
    rows = []
    nid = ids(rng, len(B.ACCOUNTS) + 8, 6_100_000_000, 10**7)
    for i, (platform, mk, handle) in enumerate(B.ACCOUNTS):
        m = B.HQ if mk == "HQ" else B.MARKETS[mk]
        suffix = {"HQ": "全球官方" if m.language == "zh" else "Global"}.get(mk, mk)
        if mk == "MX":
            suffix = "México"
        rows.append(
            dict(
                account_id=f"{platform}:{handle.lower()}",
                platform=platform,
                handle=handle,
                native_id=str(nid[i]),
                name=f"Voltiq {suffix}",
                market=m.code,
                currency=m.currency,
                timezone=m.timezone,
                kind="brand",
                language=m.language,
            )
        )
    p, _, h, name = B.EMPLOYEE
    rows.append(
        dict(
            account_id=f"{p}:{h}",
            platform=p,
            handle=h,
            native_id=str(nid[-8]),
            name=name,
            market="CN",
            currency="CNY",
            timezone=B.HQ.timezone,
            kind="employee",
            language="zh",
        )
    )
    for platform, handle, name, kind, tz in (
        ("shop", "voltiq-store", "Voltiq Store (Shopify)", "shop", B.WEB_TZ),
        ("web", "voltiq.example", "voltiq.example — GA4", "brand", B.WEB_TZ),
        ("crm", "voltiq-hubspot", "Voltiq Wholesale (HubSpot)", "crm", B.WEB_TZ),
        (
            "crm",
            "voltiq-salesforce",
            "Voltiq Enterprise EMEA (Salesforce)",
            "crm",
            "Europe/Berlin",
        ),
    ):
        rows.append(
            dict(
                account_id=f"{platform}:{handle}",
                platform=platform,
                handle=handle,
                native_id=str(nid[len(rows)]),
                name=name,
                market="CN" if kind != "crm" or "hub" in handle else "DE",
                currency="USD" if "sales" not in handle else "EUR",
                timezone=tz,
                kind=kind,
                language="en",
            )
        )
    acc = pd.DataFrame(rows)
    social = acc[acc.platform.isin(B.PLATFORMS)].reset_index(drop=True)
    social["size"] = rng.lognormal(0, 0.5, len(social))
    social.loc[social.kind == "employee", "size"] = 0.4
    return Accounts(frame=acc, social=social)
