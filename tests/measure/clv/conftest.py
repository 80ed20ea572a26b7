"""Shared fixtures for the CLV tests: the CDNOW sample and models fitted on it."""

from __future__ import annotations

import pytest

from socialroi.measure.clv import (
    CDNOW_CALIBRATION_END,
    BetaGeoFitter,
    GammaGammaFitter,
    load_cdnow_summary,
    load_cdnow_summary_with_monetary_value,
    load_cdnow_transactions,
    summary_data_from_transaction_data,
)


@pytest.fixture(scope="session")
def cdnow():
    """The 2,357-customer CDNOW calibration summary (weeks)."""
    return load_cdnow_summary()


@pytest.fixture(scope="session")
def cdnow_monetary():
    """CDNOW summary with the mean repeat-purchase value (rounded to cents, as shipped)."""
    return load_cdnow_summary_with_monetary_value()


@pytest.fixture(scope="session")
def cdnow_from_transactions():
    """The CDNOW summary rebuilt from the raw transactions (unrounded, in weeks)."""
    return summary_data_from_transaction_data(
        load_cdnow_transactions(),
        "customer_id",
        "date",
        "value",
        observation_period_end=CDNOW_CALIBRATION_END,
        freq="D",
        freq_multiplier=7,
    )


@pytest.fixture(scope="session")
def bgf(cdnow):
    """BG/NBD fitted on the CDNOW summary."""
    return BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])


@pytest.fixture(scope="session")
def ggf(cdnow_monetary):
    """Gamma-Gamma fitted on the CDNOW repeat customers."""
    repeat = cdnow_monetary[cdnow_monetary["frequency"] > 0]
    return GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
