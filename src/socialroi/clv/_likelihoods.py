"""Closed-form log-likelihoods of the BG/NBD and Gamma-Gamma models, with analytic gradients.

Both functions work on log-parameters (so the optimiser is unconstrained), take per-row
weights (the number of customers sharing one summary row) and return the weighted *mean*
negative log-likelihood and its gradient. Everything is vectorised with numpy and
``scipy.special``; the two-term sum in the BG/NBD likelihood is evaluated with the
log-sum-exp trick so that customers with many purchases do not overflow.
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, digamma, expit, gammaln

__all__ = ["bgnbd_negative_log_likelihood", "gamma_gamma_negative_log_likelihood"]


def _bgnbd_terms(params, x, t_x, T):
    """The two log-terms of the BG/NBD likelihood (without the common factor), stably.

    ``B3 = -r log1p(T / alpha) - x ln(alpha + T)`` equals ``A3 + r ln(alpha)`` and
    ``B4 = ln(a) - ln(b + x - 1) - r log1p(t_x / alpha) - x ln(alpha + t_x)`` equals
    ``A4 + r ln(alpha)`` (``-inf`` when x = 0).
    """
    r, alpha, a, b = params
    b3 = -r * np.log1p(T / alpha) - x * np.log(alpha + T)
    b4 = np.log(a) - np.log(b + np.maximum(x, 1) - 1) - r * np.log1p(t_x / alpha)
    b4 = np.where(x > 0, b4 - x * np.log(alpha + t_x), -np.inf)
    return b3, b4


def bgnbd_log_likelihood(params, x, t_x, T):
    """Per-row BG/NBD log-likelihood ln L(r, alpha, a, b | x, t_x, T).

    Fader, Hardie & Lee (2005), eq. (6), written as in their technical note 004
    (http://brucehardie.com/notes/004/)::

        ln L = A1 + A2 + ln(exp(A3) + [x > 0] exp(A4))
        A1 = lnG(r + x) - lnG(r) + r ln(alpha)
        A2 = ln B(a, b + x) - ln B(a, b)
        A3 = -(r + x) ln(alpha + T)
        A4 = ln(a) - ln(b + x - 1) - (r + x) ln(alpha + t_x)

    evaluated with ``betaln``, ``log1p`` and log-sum-exp so that large parameters (a poorly
    identified model drifting to the boundary) do not lose precision.
    """
    r, alpha, a, b = params
    b3, b4 = _bgnbd_terms(params, x, t_x, T)
    return gammaln(r + x) - gammaln(r) + betaln(a, b + x) - betaln(a, b) + np.logaddexp(b3, b4)


def bgnbd_negative_log_likelihood(log_params, x, t_x, T, weights, penalizer=0.0):
    """Weighted mean negative BG/NBD log-likelihood and its gradient in log-parameters."""
    params = np.exp(log_params)
    r, alpha, a, b = params
    total = weights.sum()
    alpha_T = alpha + T
    alpha_tx = alpha + t_x
    bx1 = b + np.maximum(x, 1) - 1
    b3, b4 = _bgnbd_terms(params, x, t_x, T)
    ll = gammaln(r + x) - gammaln(r) + betaln(a, b + x) - betaln(a, b) + np.logaddexp(b3, b4)
    # share of each of the two likelihood terms: w4 = exp(A4) / (exp(A3) + exp(A4))
    w4 = np.where(x > 0, expit(b4 - b3), 0.0)
    w3 = 1.0 - w4
    dig_ab = digamma(a + b)
    dig_abx = digamma(a + b + x)
    d_r = digamma(r + x) - digamma(r) - w3 * np.log1p(T / alpha) - w4 * np.log1p(t_x / alpha)
    d_alpha = r / alpha - (r + x) * (w3 / alpha_T + w4 / alpha_tx)
    d_a = dig_ab - dig_abx + w4 / a
    d_b = dig_ab + digamma(b + x) - digamma(b) - dig_abx - w4 / bx1
    grad = np.array([w @ weights for w in (d_r, d_alpha, d_a, d_b)])
    value = -(ll @ weights) / total + penalizer * np.sum(params**2)
    # chain rule to log-parameters: d/dlog(theta) = theta * d/dtheta
    gradient = -grad / total * params + 2.0 * penalizer * params**2
    return value, gradient


def gamma_gamma_log_likelihood(params, x, m):
    """Per-row Gamma-Gamma log-likelihood of the mean spend ``m`` over ``x`` transactions.

    Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value", eq. (1a)::

        ln f = lnG(px + q) - lnG(px) - lnG(q) + q ln(v) + (px - 1) ln(m) + px ln(x)
               - (px + q) ln(v + m x)

    evaluated as ``-ln B(px, q) + q ln(v) - ln(m) - px log1p(v / (m x)) - q ln(v + m x)``,
    which stays accurate when p is very large.
    """
    p, q, v = params
    px = p * x
    return (
        -betaln(px, q)
        + q * np.log(v)
        - np.log(m)
        - px * np.log1p(v / (m * x))
        - q * np.log(v + m * x)
    )


def gamma_gamma_negative_log_likelihood(log_params, x, m, weights, penalizer=0.0):
    """Weighted mean negative Gamma-Gamma log-likelihood and its gradient in log-parameters."""
    params = np.exp(log_params)
    p, q, v = params
    total = weights.sum()
    px = p * x
    vmx = v + m * x
    dig_pxq = digamma(px + q)
    ll = gamma_gamma_log_likelihood(params, x, m)
    d_p = x * (dig_pxq - digamma(px) - np.log1p(v / (m * x)))
    d_q = dig_pxq - digamma(q) + np.log(v) - np.log(vmx)
    d_v = q / v - (px + q) / vmx
    grad = np.array([w @ weights for w in (d_p, d_q, d_v)])
    value = -(ll @ weights) / total + penalizer * np.sum(params**2)
    gradient = -grad / total * params + 2.0 * penalizer * params**2
    return value, gradient
