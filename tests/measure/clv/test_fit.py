"""Fitting mechanics: gradients, compression and weights, recovery, output shapes, CLV."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import approx_fprime

from socialroi.measure.clv import BetaGeoFitter, GammaGammaFitter, sample_bgnbd
from socialroi.measure.clv._compress import BGNBDData, GammaGammaData, compress_rows
from socialroi.measure.clv._likelihoods import (
    bgnbd_log_likelihood,
    bgnbd_negative_log_likelihood,
    gamma_gamma_log_likelihood,
    gamma_gamma_negative_log_likelihood,
)


@pytest.mark.parametrize("log_params", [[-1.4, 1.5, -0.2, 0.9], [0.3, -1.0, 1.2, -0.5]])
def test_bgnbd_gradient_matches_finite_differences(cdnow, log_params):
    data = BGNBDData.build(
        cdnow["frequency"].to_numpy(float),
        cdnow["recency"].to_numpy(),
        cdnow["T"].to_numpy(),
        np.ones(len(cdnow)),
        scale=0.5,
    )
    args = (data, 0.1)
    x0 = np.array(log_params)
    numeric = approx_fprime(x0, lambda p: bgnbd_negative_log_likelihood(p, *args)[0], 1e-7)
    np.testing.assert_allclose(bgnbd_negative_log_likelihood(x0, *args)[1], numeric, atol=1e-5)


@pytest.mark.parametrize("log_params", [[1.8, 1.3, 2.7], [-0.5, 0.2, 0.0]])
def test_gamma_gamma_gradient_matches_finite_differences(cdnow_monetary, log_params):
    d = cdnow_monetary[cdnow_monetary["frequency"] > 0]
    data = GammaGammaData.build(
        d["frequency"].to_numpy(float), d["monetary_value"].to_numpy(), np.ones(len(d))
    )
    args = (data, 0.1)
    x0 = np.array(log_params)
    numeric = approx_fprime(x0, lambda p: gamma_gamma_negative_log_likelihood(p, *args)[0], 1e-7)
    np.testing.assert_allclose(
        gamma_gamma_negative_log_likelihood(x0, *args)[1], numeric, atol=1e-5
    )


def test_stable_forms_equal_the_paper_forms():
    from scipy.special import gammaln

    x = np.array([0.0, 1.0, 5.0, 30.0])
    t_x, T = np.array([0.0, 3.0, 20.0, 38.0]), np.full(4, 38.86)
    r, alpha, a, b = 0.24, 4.4, 0.79, 2.4
    paper = (
        gammaln(r + x)
        - gammaln(r)
        + r * np.log(alpha)
        + gammaln(a + b)
        + gammaln(b + x)
        - gammaln(b)
        - gammaln(a + b + x)
        + np.log(
            (alpha + T) ** -(r + x)
            + (x > 0) * a / (b + np.maximum(x, 1) - 1) * (alpha + t_x) ** -(r + x)
        )
    )
    ours = bgnbd_log_likelihood((r, alpha, a, b), x, t_x, T)
    np.testing.assert_allclose(ours, paper, rtol=1e-12)
    m = np.array([5.0, 22.35, 100.0])
    xg = np.array([1.0, 2.0, 9.0])
    p, q, v = 6.25, 3.74, 15.44
    paper_gg = (
        gammaln(p * xg + q)
        - gammaln(p * xg)
        - gammaln(q)
        + q * np.log(v)
        + (p * xg - 1) * np.log(m)
        + p * xg * np.log(xg)
        - (p * xg + q) * np.log(v + m * xg)
    )
    np.testing.assert_allclose(gamma_gamma_log_likelihood((p, q, v), xg, m), paper_gg, rtol=1e-12)


def test_compressed_weights_equal_expanded_rows(cdnow):
    counts = cdnow.value_counts(["frequency", "recency", "T"]).reset_index(name="n")
    weighted = BetaGeoFitter().fit(counts["frequency"], counts["recency"], counts["T"], counts["n"])
    expanded = BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    np.testing.assert_allclose(weighted.params_, expanded.params_, rtol=1e-12)
    assert weighted.n_customers_ == expanded.n_customers_ == 2357
    assert weighted.log_likelihood_ == pytest.approx(expanded.log_likelihood_, rel=1e-12)


def test_zero_weights_drop_rows(cdnow):
    w = np.ones(len(cdnow))
    w[-100:] = 0
    dropped = BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"], weights=w)
    head = cdnow.iloc[:-100]
    direct = BetaGeoFitter().fit(head["frequency"], head["recency"], head["T"])
    np.testing.assert_allclose(dropped.params_, direct.params_, rtol=1e-12)


def test_penalizer_shrinks_parameters(cdnow, bgf):
    shrunk = BetaGeoFitter(penalizer_coef=0.1).fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    assert shrunk.params_["b"] < bgf.params_["b"]
    assert shrunk.log_likelihood_ < bgf.log_likelihood_


def test_initial_params_reach_the_same_optimum(cdnow, bgf):
    other = BetaGeoFitter().fit(
        cdnow["frequency"], cdnow["recency"], cdnow["T"], initial_params=[1.0, 20.0, 3.0, 5.0]
    )
    np.testing.assert_allclose(other.params_, bgf.params_, rtol=1e-4)


@pytest.mark.slow
def test_recovers_parameters_of_a_large_simulated_sample():
    truth = {"r": 0.4, "alpha": 6.0, "a": 0.9, "b": 3.0}
    T = np.random.default_rng(7).integers(7, 52 * 7, size=200_000) / 7
    data = sample_bgnbd(**truth, T=T, seed=11, resolution=1 / 7)
    fitted = BetaGeoFitter().fit(data["frequency"], data["recency"], data["T"])
    assert fitted.n_rows_ < 200_000 / 2
    for name, value in truth.items():
        # within four standard errors of the truth
        assert abs(fitted.params_[name] - value) < 4 * fitted.standard_errors_[name]
    alive = fitted.conditional_probability_alive(data["frequency"], data["recency"], data["T"])
    assert np.mean(alive) == pytest.approx(data["alive"].mean(), abs=0.01)


def test_output_types_follow_the_input(bgf, cdnow):
    as_series = bgf.conditional_probability_alive(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    assert isinstance(as_series, pd.Series)
    assert as_series.index.equals(cdnow.index)
    as_array = bgf.conditional_probability_alive([1, 2], [1.0, 2.0], [3.0, 3.0])
    assert isinstance(as_array, np.ndarray) and as_array.shape == (2,)
    assert isinstance(bgf.conditional_probability_alive(1, 1.0, 3.0), float)
    times = bgf.conditional_expected_number_of_purchases_up_to_time([1, 10], 1, 1.0, 3.0)
    assert times.shape == (2,) and times[1] > times[0]
    assert bgf.predict(10, 1, 1.0, 3.0) == pytest.approx(times[1], rel=1e-14)
    assert isinstance(bgf.expected_number_of_purchases_up_to_time(pd.Series([1.0, 2.0])), pd.Series)


def test_summary_and_repr(bgf, ggf):
    table = bgf.summary
    assert list(table.columns) == ["coef", "se(coef)", "lower 95% bound", "upper 95% bound"]
    assert (table["lower 95% bound"] < table["coef"]).all()
    assert "r=0.2426" in repr(bgf) and "2357 customers" in repr(bgf)
    assert ggf.standard_errors_.notna().all()


def test_customer_lifetime_value(bgf, ggf, cdnow_monetary):
    d = cdnow_monetary
    args = (d["frequency"], d["recency"], d["T"], d["monetary_value"])
    clv = ggf.customer_lifetime_value(bgf, *args, time=12, discount_rate=0.01, freq="W")
    assert clv.name == "clv" and clv.index.equals(d.index) and (clv > 0).all()
    assert clv.loc[1] == pytest.approx(36.2785, abs=1e-3)  # also lifetimes' value
    # longer horizon: more value; higher discount rate: less value
    longer = ggf.customer_lifetime_value(bgf, *args, time=24, freq="W")
    assert (longer > clv).all()
    dearer = ggf.customer_lifetime_value(bgf, *args, discount_rate=0.05, freq="W")
    assert (dearer < clv).all()
    # undiscounted CLV = expected purchases over 12 months x expected average profit
    flat = ggf.customer_lifetime_value(bgf, *args, discount_rate=0.0, freq="W")
    expected = bgf.conditional_expected_number_of_purchases_up_to_time(12 * 4.345, *args[:3])
    profit = ggf.conditional_expected_average_profit(d["frequency"], d["monetary_value"])
    np.testing.assert_allclose(flat, expected * profit, rtol=1e-10)


def test_boundary_estimates_warn():
    rng = np.random.default_rng(11168)
    x = rng.integers(1, 10, size=300)
    nu = rng.gamma(4.0, 1 / 15.0, size=300)
    m = rng.gamma(6.0 * x, 1.0 / (nu * x))
    with pytest.warns(RuntimeWarning, match="edge of the parameter space"):
        ggf = GammaGammaFitter().fit(x, m)
    assert np.isfinite(ggf.conditional_expected_average_profit(x, m)).all()


def test_likelihood_on_compressed_data_equals_the_row_sum(cdnow):
    """The level-indexed likelihood equals the plain per-customer sum of eq. (6)."""
    x, t_x, T = (cdnow[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    params = np.array([0.3, 5.0, 0.7, 2.0])
    value, _ = bgnbd_negative_log_likelihood(
        np.log(params), BGNBDData.build(x, t_x, T, np.ones(len(x)))
    )
    assert -value * len(x) == pytest.approx(
        bgnbd_log_likelihood(params, x, t_x, T).sum(), rel=1e-12
    )


def test_compress_rows_is_order_independent():
    rng = np.random.default_rng(0)
    cols = {"a": rng.integers(0, 5, 1000).astype(float), "b": rng.integers(0, 7, 1000) / 7}
    w = np.ones(1000)
    first = compress_rows(cols, w)
    order = rng.permutation(1000)
    second = compress_rows({k: v[order] for k, v in cols.items()}, w)
    for name in cols:
        np.testing.assert_array_equal(first.columns[name], second.columns[name])
        np.testing.assert_array_equal(first.levels[name][first.codes[name]], first.columns[name])
    np.testing.assert_array_equal(first.weights, second.weights)
    assert first.weights.sum() == 1000
    assert len(first.weights) == len({(a, b) for a, b in zip(cols["a"], cols["b"])})


def test_clv_fast_path_equals_the_generic_path(bgf, ggf, cdnow_monetary):
    class PublicOnly:
        """Exposes only the documented method, forcing the month-by-month path."""

        def conditional_expected_number_of_purchases_up_to_time(self, *args):
            return bgf.conditional_expected_number_of_purchases_up_to_time(*args)

    d = cdnow_monetary
    args = (d["frequency"], d["recency"], d["T"], d["monetary_value"])
    fast = ggf.customer_lifetime_value(bgf, *args, time=7, freq="D")
    slow = ggf.customer_lifetime_value(PublicOnly(), *args, time=7, freq="D")
    np.testing.assert_allclose(fast, slow, rtol=1e-12)
    scalar = ggf.customer_lifetime_value(bgf, 2, 30.43, 38.86, 22.35, freq="W")
    assert isinstance(scalar, float)
    assert scalar == pytest.approx(36.2785, abs=1e-3)


def test_predictions_on_many_repeated_rows_equal_direct_evaluation(bgf, cdnow):
    """Large inputs are evaluated once per distinct (t, x, T): same values as row by row."""
    big = pd.concat([cdnow] * 3, ignore_index=True)
    t = np.tile(np.array([1.0, 39.0, 78.0]), len(big) // 3 + 1)[: len(big)]
    fast = bgf.conditional_expected_number_of_purchases_up_to_time(
        t, big["frequency"], big["recency"], big["T"]
    )
    direct = [
        bgf.conditional_expected_number_of_purchases_up_to_time(ti, xi, ri, Ti)
        for ti, xi, ri, Ti in zip(
            t[:300], big["frequency"][:300], big["recency"][:300], big["T"][:300]
        )
    ]
    np.testing.assert_allclose(fast[:300], direct, rtol=1e-13)
