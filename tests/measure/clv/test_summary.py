"""The RFM summary helper on hand-made logs and on the CDNOW transactions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from socialroi.measure.clv import summary_data_from_transaction_data

TX = pd.DataFrame(
    {
        "customer_id": ["a", "a", "a", "a", "b", "c", "c"],
        "date": pd.to_datetime(
            [
                "2024-01-01",  # Monday: a's first purchase
                "2024-01-01",  # same day: merged into the first purchase
                "2024-01-10",
                "2024-02-20",
                "2024-01-15",
                "2024-01-31",
                "2024-03-04",  # after the observation end used below
            ]
        ),
        "value": [10.0, 5.0, 20.0, 40.0, 7.0, 3.0, 99.0],
    }
)


def test_daily_summary():
    out = summary_data_from_transaction_data(
        TX, "customer_id", "date", "value", observation_period_end="2024-03-01"
    )
    assert list(out.columns) == ["frequency", "recency", "T", "monetary_value"]
    assert out.index.name == "customer_id"
    assert out.loc["a"].tolist() == [2.0, 50.0, 60.0, 30.0]  # repeat values 20 and 40
    assert out.loc["b"].tolist() == [0.0, 0.0, 46.0, 0.0]
    assert out.loc["c"].tolist() == [0.0, 0.0, 30.0, 0.0]  # the March purchase is ignored
    assert (out.dtypes == "float64").all()


def test_weekly_and_monthly_summary():
    weekly = summary_data_from_transaction_data(
        TX, "customer_id", "date", observation_period_end="2024-03-01", freq="W"
    )
    # weeks start on Monday: 2024-01-01 is week 0, 2024-01-10 week 1, 2024-02-20 week 7
    assert weekly.loc["a"].tolist() == [2.0, 7.0, 8.0]
    assert "monetary_value" not in weekly
    monthly = summary_data_from_transaction_data(
        TX, "customer_id", "date", "value", observation_period_end="2024-03-01", freq="M"
    )
    # a buys in January (twice: one period) and February
    assert monthly.loc["a"].tolist() == [1.0, 1.0, 2.0, 40.0]
    # the end period is March 2024 as a whole, so c's purchase on March 4 counts
    assert monthly.loc["c"].tolist() == [1.0, 2.0, 2.0, 99.0]
    assert weekly.loc["c"].tolist() == [0.0, 0.0, 4.0]  # March 4 is after the end week


def test_default_observation_end_is_last_transaction_and_multiplier_scales():
    out = summary_data_from_transaction_data(TX, freq="D", freq_multiplier=7)
    assert out.loc["c", "frequency"] == 1
    assert out.loc["a", "T"] == pytest.approx((pd.Timestamp("2024-03-04") - TX.date[0]).days / 7)


def test_timezone_aware_dates():
    tx = TX.assign(date=TX["date"].dt.tz_localize("Europe/Berlin"))
    out = summary_data_from_transaction_data(tx, observation_period_end="2024-03-01")
    assert out.loc["a", "recency"] == 50.0


def test_cdnow_transactions_reproduce_the_shipped_summary(cdnow_monetary, cdnow_from_transactions):
    ours = cdnow_from_transactions.loc[cdnow_monetary.index]
    assert len(ours) == 2357
    np.testing.assert_array_equal(ours["frequency"], cdnow_monetary["frequency"])
    # the shipped file is rounded to two decimals
    for column in ("recency", "T", "monetary_value"):
        np.testing.assert_allclose(ours[column], cdnow_monetary[column], atol=0.0051)
