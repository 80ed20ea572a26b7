"""The published CDNOW estimates, and predictions checked against an independent derivation.

BG/NBD: Fader, Hardie & Lee (2005), Marketing Science 24(2): r = 0.243, alpha = 4.414,
a = 0.793, b = 2.426, log-likelihood -9582.4. Gamma-Gamma: Fader & Hardie (2013), note 025:
p = 6.25, q = 3.74, gamma = 15.44.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import betaln

from socialroi.measure.clv import GammaGammaFitter

BGNBD_PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
GG_PUBLISHED = {"p": 6.25, "q": 3.74, "v": 15.44}


def sig(value: float, digits: int) -> float:
    """Round ``value`` to ``digits`` significant figures."""
    return float(f"{value:.{digits}g}")


@pytest.mark.parametrize("name", list(BGNBD_PUBLISHED))
def test_bgnbd_reproduces_published_estimates(bgf, name):
    assert sig(bgf.params_[name], 3) == sig(BGNBD_PUBLISHED[name], 3)
    # the paper's four decimals hold too
    assert bgf.params_[name] == pytest.approx(BGNBD_PUBLISHED[name], abs=6e-4)


def test_bgnbd_log_likelihood_matches_paper(bgf):
    assert bgf.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)
    assert bgf.n_customers_ == 2357
    assert bgf.n_rows_ < 2357  # fitted on compressed rows


@pytest.mark.parametrize("name", list(GG_PUBLISHED))
def test_gamma_gamma_reproduces_published_estimates(ggf, name):
    assert sig(ggf.params_[name], 3) == sig(GG_PUBLISHED[name], 3)
    assert ggf.n_customers_ == 946


def test_gamma_gamma_on_unrounded_spend_matches_all_published_digits(cdnow_from_transactions):
    """The shipped zbar is rounded to cents; from the raw transactions the paper's
    p = 6.25, q = 3.74, gamma = 15.44 come out to every published digit."""
    repeat = cdnow_from_transactions[cdnow_from_transactions["frequency"] > 0]
    ggf = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    for name, value in GG_PUBLISHED.items():
        assert round(ggf.params_[name], 2) == value


def _posterior_integrals(params, x, t_x, T, t):
    """E[Y(t) | x, t_x, T] and P(alive) by integrating the individual-level model over the
    Beta(a, b) mixing distribution numerically (the Gamma integral over lambda is closed
    form). Independent of the hypergeometric function used by the library."""
    r, alpha, a, b = params
    n = r + x
    lb = betaln(a, b)

    def alive_weight(extra):
        # int_0^1 (1-p)^x / p * [(alpha+T)^-n - (alpha+T+p t)^-n] p^(a-1) (1-p)^(b-1) dp / B
        def h(p):
            return (
                ((alpha + T) ** -n - (alpha + T + p * extra) ** -n) / p
                if p > 0
                else (n * extra * (alpha + T) ** (-n - 1))
            )

        value, _ = quad(h, 0, 1, weight="alg", wvar=(a - 1, b + x - 1), limit=200, epsabs=0)
        return value / np.exp(lb)

    alive = np.exp(betaln(a, b + x) - lb) * (alpha + T) ** -n
    dead = np.exp(betaln(a + 1, b + x - 1) - lb) * (alpha + t_x) ** -n if x > 0 else 0.0
    expected = alive_weight(t) / (alive + dead)
    return expected, alive / (alive + dead)


@pytest.mark.parametrize(
    ("x", "t_x", "T"),
    [(0, 0.0, 38.86), (1, 1.71, 38.86), (2, 30.43, 38.86), (7, 35.0, 36.0), (25, 38.0, 38.86)],
)
@pytest.mark.parametrize("t", [1.0, 39.0, 104.0])
def test_conditional_predictions_match_numerical_integration(bgf, x, t_x, T, t):
    params = bgf.params_[["r", "alpha", "a", "b"]].to_numpy()
    expected, p_alive = _posterior_integrals(params, x, t_x, T, t)
    got = bgf.conditional_expected_number_of_purchases_up_to_time(t, x, t_x, T)
    assert got == pytest.approx(expected, rel=1e-7)
    assert bgf.conditional_probability_alive(x, t_x, T) == pytest.approx(p_alive, rel=1e-10)


@pytest.mark.parametrize("t", [1.0, 39.0, 78.0, 1000.0])
def test_unconditional_expectation_matches_numerical_integration(bgf, t):
    params = bgf.params_[["r", "alpha", "a", "b"]].to_numpy()
    # a new customer: x = 0, T = 0 (alive for sure)
    expected, _ = _posterior_integrals(params, 0, 0.0, 0.0, t)
    assert bgf.expected_number_of_purchases_up_to_time(t) == pytest.approx(expected, rel=1e-7)


def test_known_cdnow_predictions(bgf):
    """Values for CDNOW customer 1 (x=2, t_x=30.43, T=38.86) and the population forecast,
    hand-derived from FHL (2005) eq. 9-10 at the fitted parameters (also lifetimes' output)."""
    e = bgf.conditional_expected_number_of_purchases_up_to_time(39, 2, 30.43, 38.86)
    assert e == pytest.approx(1.2259, abs=1e-4)
    assert bgf.conditional_probability_alive(2, 30.43, 38.86) == pytest.approx(0.7266, abs=1e-4)
    assert bgf.expected_number_of_purchases_up_to_time(39) == pytest.approx(1.1950, abs=1e-4)
    assert bgf.expected_number_of_purchases_up_to_time(78) == pytest.approx(1.8580, abs=1e-4)


def test_gamma_gamma_expected_profit_formula(ggf):
    p, q, v = ggf.params_[["p", "q", "v"]]
    population_mean = p * v / (q - 1)
    assert ggf.conditional_expected_average_profit(0, 0) == pytest.approx(population_mean)
    w = p * 2 / (p * 2 + q - 1)
    expected = (1 - w) * population_mean + w * 22.35
    assert ggf.conditional_expected_average_profit(2, 22.35) == pytest.approx(expected)
    assert expected == pytest.approx(24.6586, abs=1e-3)
