import datetime as dt

import pandas as pd
import pytest

from socialroi.errors import SocialroiError
from socialroi.model.currencies import ecb_rate
from socialroi.unify.fx import daily_rates


def test_weekend_uses_previous_business_day():
    fri = ecb_rate("USD", dt.date(2025, 1, 10))
    sat = ecb_rate("USD", dt.date(2025, 1, 11))
    sun = ecb_rate("USD", dt.date(2025, 1, 12))
    assert fri[1] == dt.date(2025, 1, 10)
    assert sat == sun == (fri[0], dt.date(2025, 1, 10))


def test_to_base_and_override():
    over = pd.DataFrame({"currency": ["GBP"], "rate_date": [dt.date(2025, 1, 8)], "per_eur": [0.5]})
    r = daily_rates(["EUR", "GBP"], dt.date(2025, 1, 8), dt.date(2025, 1, 9), "USD", over)
    usd = ecb_rate("USD", dt.date(2025, 1, 8))[0]
    row = r[(r.currency == "GBP") & (r.rate_date == dt.date(2025, 1, 8))].iloc[0]
    assert row.rate_source == "user" and row.to_base == pytest.approx(usd / 0.5)
    eur = r[(r.currency == "EUR") & (r.rate_date == dt.date(2025, 1, 8))].iloc[0]
    assert eur.to_base == pytest.approx(usd)


def test_currency_without_rates_is_a_clear_error():
    with pytest.raises(SocialroiError, match="VND"):
        daily_rates(["VND"], dt.date(2025, 1, 8), dt.date(2025, 1, 8), "USD")
