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

__all__ = ["bgnbd_negative_log_likelihood", "dot", "gamma_gamma_negative_log_likelihood"]


def dot(a, b) -> float:
    """Inner product of two 1-d arrays without BLAS.

    ``a @ b`` calls OpenBLAS, which on a busy machine can spend milliseconds waking its
    threads for a vector of a few thousand numbers; ``einsum`` stays in numpy and is fast.
    """
    return float(np.einsum("i,i->", a, b))


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


def bgnbd_negative_log_likelihood(log_params, data, penalizer=0.0):
    """Weighted mean negative BG/NBD log-likelihood and its gradient in log-parameters.

    ``data`` is a :class:`~socialroi.measure.clv._compress.BGNBDData`: special functions are
    evaluated once per distinct value of x, t_x and T and gathered per row.
    """
    params = np.exp(log_params)
    r, alpha, a, b = params
    d = data
    total = d.w.sum()
    xl = d.x_levels
    # per-level terms, gathered to rows
    log1p_T = np.log1p(d.T_levels / alpha)[d.T_codes]
    log_aT = np.log(alpha + d.T_levels)[d.T_codes]
    inv_aT = (1.0 / (alpha + d.T_levels))[d.T_codes]
    log1p_tx = np.log1p(d.tx_levels / alpha)[d.tx_codes]
    log_atx = np.log(alpha + d.tx_levels)[d.tx_codes]
    inv_atx = (1.0 / (alpha + d.tx_levels))[d.tx_codes]
    inv_bx1 = 1.0 / (b + np.maximum(xl, 1) - 1)
    log_ratio = (np.log(a) + np.log(inv_bx1))[d.x_codes]
    x = d.x
    # B3 = A3 + r ln(alpha), B4 = A4 + r ln(alpha): see _bgnbd_terms
    b3 = -r * log1p_T - x * log_aT
    b4 = np.where(x > 0, log_ratio - r * log1p_tx - x * log_atx, -np.inf)
    lse = np.logaddexp(b3, b4)
    # share of each of the two likelihood terms: w4 = exp(A4) / (exp(A3) + exp(A4))
    w4 = np.where(x > 0, expit(b4 - b3), 0.0)
    w3 = 1.0 - w4
    per_x = gammaln(r + xl) - gammaln(r) + betaln(a, b + xl) - betaln(a, b)
    ll = dot(d.w_per_x, per_x) + dot(d.w, lse)
    dig_ab = digamma(a + b)
    dig_abx = digamma(a + b + xl)
    d_r = dot(d.w_per_x, digamma(r + xl) - digamma(r)) - dot(d.w, w3 * log1p_T + w4 * log1p_tx)
    d_alpha = r / alpha * total - dot(d.w, (r + x) * (w3 * inv_aT + w4 * inv_atx))
    w_w4 = d.w * w4
    d_a = dot(d.w_per_x, dig_ab - dig_abx) + w_w4.sum() / a
    d_b = dot(d.w_per_x, dig_ab + digamma(b + xl) - digamma(b) - dig_abx) - dot(
        w_w4, inv_bx1[d.x_codes]
    )
    grad = np.array([d_r, d_alpha, d_a, d_b])
    value = -ll / total + penalizer * np.sum(params**2)
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


def gamma_gamma_negative_log_likelihood(log_params, data, penalizer=0.0):
    """Weighted mean negative Gamma-Gamma log-likelihood and its gradient in log-parameters.

    ``data`` is a :class:`~socialroi.measure.clv._compress.GammaGammaData`.
    """
    params = np.exp(log_params)
    p, q, v = params
    d = data
    total = d.w.sum()
    xl = d.x_levels
    x, m = d.x, d.m
    px = p * x
    vmx = v + m * x
    log1p_vmx = np.log1p(v / (m * x))
    log_vmx = np.log(vmx)
    # the log-beta term depends on x only: evaluate it per level
    ll = -dot(d.w_per_x, betaln(p * xl, q)) + dot(
        d.w, q * np.log(v) - np.log(m) - px * log1p_vmx - q * log_vmx
    )
    dig_pxq = digamma(p * xl + q)
    d_p = dot(d.w_per_x, xl * (dig_pxq - digamma(p * xl))) - dot(d.w, x * log1p_vmx)
    d_q = dot(d.w_per_x, dig_pxq - digamma(q)) + dot(d.w, np.log(v) - log_vmx)
    d_v = dot(d.w, q / v - (px + q) / vmx)
    grad = np.array([d_p, d_q, d_v])
    value = -ll / total + penalizer * np.sum(params**2)
    gradient = -grad / total * params + 2.0 * penalizer * params**2
    return value, gradient
