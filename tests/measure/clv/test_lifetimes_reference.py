"""Cross-check against the reference implementation, the ``lifetimes`` package (0.11.3).

Skipped when lifetimes is not installed. lifetimes 0.11.3 still runs with pandas 3 /
numpy 2 / scipy 1.17 for these functions (its summary helper fails for freq="M").
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from socialroi.measure.clv import (
    BetaGeoFitter,
    GammaGammaFitter,
    load_cdnow_transactions,
    summary_data_from_transaction_data,
)

lifetimes = pytest.importorskip("lifetimes")
pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def reference(cdnow, cdnow_monetary):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bgf = lifetimes.BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
        repeat = cdnow_monetary[cdnow_monetary["frequency"] > 0]
        ggf = lifetimes.GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    return bgf, ggf


def test_parameters_agree(bgf, ggf, reference):
    ref_bgf, ref_ggf = reference
    pd.testing.assert_series_equal(bgf.params_, ref_bgf.params_, rtol=1e-5, check_names=False)
    pd.testing.assert_series_equal(ggf.params_, ref_ggf.params_, rtol=1e-5, check_names=False)


def test_standard_errors_agree(bgf, reference):
    ref = reference[0].standard_errors_
    np.testing.assert_allclose(bgf.standard_errors_[ref.index], ref, rtol=1e-3)


def test_predictions_agree(bgf, cdnow, reference):
    ref = reference[0]
    args = (cdnow["frequency"], cdnow["recency"], cdnow["T"])
    for t in (1, 39, 78, 520):
        ours = bgf.conditional_expected_number_of_purchases_up_to_time(t, *args)
        theirs = ref.conditional_expected_number_of_purchases_up_to_time(t, *args)
        np.testing.assert_allclose(ours, theirs, rtol=1e-4)
        np.testing.assert_allclose(
            bgf.expected_number_of_purchases_up_to_time(t),
            ref.expected_number_of_purchases_up_to_time(t),
            rtol=1e-4,
        )
    np.testing.assert_allclose(
        bgf.conditional_probability_alive(*args),
        ref.conditional_probability_alive(*args),
        atol=1e-5,
    )


@pytest.mark.parametrize("freq", ["W", "D", "M"])
def test_customer_lifetime_value_agrees(bgf, ggf, cdnow_monetary, reference, freq):
    ref_bgf, ref_ggf = reference
    d = cdnow_monetary
    args = (d["frequency"], d["recency"], d["T"], d["monetary_value"])
    ours = ggf.customer_lifetime_value(bgf, *args, time=6, discount_rate=0.02, freq=freq)
    theirs = ref_ggf.customer_lifetime_value(ref_bgf, *args, time=6, discount_rate=0.02, freq=freq)
    assert isinstance(ours, pd.Series)
    np.testing.assert_allclose(ours, theirs, rtol=1e-4)
    np.testing.assert_allclose(
        ggf.conditional_expected_average_profit(d["frequency"], d["monetary_value"]),
        ref_ggf.conditional_expected_average_profit(d["frequency"], d["monetary_value"]),
        rtol=1e-5,
    )


def test_our_clv_accepts_a_lifetimes_transaction_model(ggf, cdnow_monetary, reference):
    d = cdnow_monetary.head(50)
    args = (d["frequency"], d["recency"], d["T"], d["monetary_value"])
    ours = ggf.customer_lifetime_value(reference[0], *args, freq="W")
    assert np.all(np.isfinite(ours)) and (ours > 0).all()


@pytest.mark.parametrize("freq", ["D", "W"])
def test_summary_helper_agrees(freq):
    from lifetimes.utils import summary_data_from_transaction_data as reference_summary

    tx = load_cdnow_transactions()
    ours = summary_data_from_transaction_data(
        tx, "customer_id", "date", "value", observation_period_end="1997-09-30", freq=freq
    )
    theirs = reference_summary(
        tx, "customer_id", "date", "value", observation_period_end="1997-09-30", freq=freq
    )
    pd.testing.assert_frame_equal(ours.sort_index(), theirs.sort_index(), check_names=False)


def test_fits_agree_on_simulated_data():
    from socialroi.measure.clv import sample_bgnbd

    sample = sample_bgnbd(0.5, 10.0, 1.5, 4.0, T=np.full(3000, 52.0), seed=3, resolution=1 / 7)
    ours = BetaGeoFitter().fit(sample["frequency"], sample["recency"], sample["T"])
    ref = lifetimes.BetaGeoFitter().fit(sample["frequency"], sample["recency"], sample["T"])
    pd.testing.assert_series_equal(ours.params_, ref.params_, rtol=1e-4, check_names=False)
    assert isinstance(GammaGammaFitter(), GammaGammaFitter)
