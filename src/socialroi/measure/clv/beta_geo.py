"""The BG/NBD ("beta-geometric / negative binomial") model of repeat purchasing.

Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005), "Counting Your Customers the Easy Way:
An Alternative to the Pareto/NBD Model", Marketing Science 24(2), 275-284.

While alive, a customer buys at Poisson rate lambda ~ Gamma(r, alpha); after each purchase
they drop out with probability p ~ Beta(a, b). A customer is summarised by ``frequency`` x
(repeat purchases), ``recency`` t_x (time of the last purchase since the first) and ``T``
(time since the first purchase), all in one time unit (days, weeks...). ``alpha`` is in that
unit; ``r``, ``a`` and ``b`` have none.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit, hyp2f1

from socialroi.measure.clv._base import BaseFitter, check_weights
from socialroi.measure.clv._compress import BGNBDData, on_distinct_rows, unique_rows
from socialroi.measure.clv._likelihoods import bgnbd_negative_log_likelihood, dot
from socialroi.measure.clv._validation import (
    CLVInputError,
    as_array,
    check_rfm,
    check_same_length,
    shape_output,
)

__all__ = ["BetaGeoFitter"]


def _rfm_arrays(frequency, recency, T):
    x = as_array(frequency, "frequency", integer=True)
    t_x = as_array(recency, "recency")
    age = as_array(T, "T")
    check_rfm(x, t_x, age)
    return x, t_x, age


def _expected_purchases(t, x, age, r, alpha, a, b):
    """(a+b+x-1)/(a-1) [1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)], z = t/(alpha+T+t).

    The expected purchases in (T, T + t] of a customer still alive (FHL 2005, eq. 10 without
    the P(alive) factor); with x = T = 0 it is E[X(t)] (eq. 9).
    """
    if abs(a - 1) < 1e-7:
        # removable singularity at a = 1: average the two sides
        sides = [_expected_purchases(t, x, age, r, alpha, s, b) for s in (1 - 1e-6, 1 + 1e-6)]
        return 0.5 * (sides[0] + sides[1])
    c = a + b + x - 1
    z = t / (alpha + age + t)
    term = (1 - z) ** (a - 1) * hyp2f1(a + b - 1 - r, a - 1, c, z)
    bad = ~np.isfinite(term)
    if np.any(bad):
        # scipy's hyp2f1 can fail near z = 1 when c - a - b is an integer: use the
        # untransformed form there, then a tiny shift of r as a last resort
        direct = (1 - z) ** (r + x) * hyp2f1(r + x, b + x, c, z)
        term = np.where(bad, direct, term)
        bad = ~np.isfinite(term)
        if np.any(bad):
            shifted = [
                (1 - z) ** (a - 1) * hyp2f1(a + b - 1 - r - d, a - 1, c, z) for d in (-1e-7, 1e-7)
            ]
            term = np.where(bad, 0.5 * (shifted[0] + shifted[1]), term)
    out = c / (a - 1) * (1 - term)
    pole = np.abs(c) < 1e-7  # only x = 0 with a + b = 1: another removable singularity
    if np.any(pole):
        sides = [_expected_purchases(t, x, age, r, alpha, a, b + d) for d in (-1e-6, 1e-6)]
        out = np.where(pole, 0.5 * (sides[0] + sides[1]), out)
    # the exact value is >= 0; rounding can leave a tiny negative number for tiny t
    return np.maximum(out, 0.0)


class BetaGeoFitter(BaseFitter):
    """BG/NBD model fitted by maximum likelihood, with the API of ``lifetimes.BetaGeoFitter``.

    >>> from socialroi.measure.clv import BetaGeoFitter, load_cdnow_summary
    >>> d = load_cdnow_summary()
    >>> bgf = BetaGeoFitter().fit(d["frequency"], d["recency"], d["T"])
    >>> bgf.params_.round(3).to_dict()
    {'r': 0.243, 'alpha': 4.414, 'a': 0.793, 'b': 2.426}

    Fitted attributes: ``params_`` (Series r, alpha, a, b), ``log_likelihood_`` (total),
    ``n_customers_``, ``n_rows_`` (distinct (x, t_x, T) rows actually fitted),
    ``standard_errors_``, ``variance_matrix_``, ``confidence_intervals_`` and ``summary``.

    ``penalizer_coef`` adds ``penalizer_coef * sum(params**2)`` to the mean negative
    log-likelihood (as lifetimes does, on time-rescaled parameters); 0 is plain ML.
    """

    _param_names = ("r", "alpha", "a", "b")

    def fit(self, frequency, recency, T, weights=None, initial_params=None, tol=1e-8):
        """Estimate (r, alpha, a, b) from customer summaries and return ``self``.

        ``weights`` optionally gives how many customers each row stands for. Rows are
        compressed to their distinct (frequency, recency, T) values with summed weights
        before the optimisation, so the cost grows with distinct rows, not customers.
        ``initial_params`` are starting values (r, alpha, a, b); the default suits most data.
        """
        x, t_x, age = _rfm_arrays(frequency, recency, T)
        n = check_same_length({"frequency": x, "recency": t_x, "T": age})
        if n is None or n == 0:
            raise CLVInputError("frequency, recency and T must be non-empty 1-d arrays")
        w = check_weights(weights, n)
        keep = w > 0
        if age[keep].max() <= 0:
            raise CLVInputError("T must be greater than zero for at least one customer")
        # Rescale time so that alpha is of order one: better conditioned optimisation.
        scale = 10.0 / age[keep].max()
        data = BGNBDData.build(x[keep], t_x[keep], age[keep], w[keep], scale=scale)
        if initial_params is not None:
            initial_params = np.asarray(initial_params, dtype=float) * [1.0, scale, 1.0, 1.0]
        args = (data, self.penalizer_coef)
        result = self._minimise(bgnbd_negative_log_likelihood, args, initial_params, tol)
        params = np.exp(result.x)
        params[1] /= scale
        self.params_ = pd.Series(params, index=list(self._param_names), name="BG/NBD")
        self.n_customers_ = float(data.w.sum())
        self.n_rows_ = int(data.w.shape[0])
        # the likelihood in rescaled time differs from the original one by x * ln(scale)
        total = self.n_customers_
        self.log_likelihood_ = float(-result.fun * total + dot(data.x, data.w) * np.log(scale))
        if self.penalizer_coef:
            self.log_likelihood_ += (
                self.penalizer_coef * total * float(np.sum(np.exp(result.x) ** 2))
            )
        self._set_uncertainty(self._hessian(bgnbd_negative_log_likelihood, result.x, args))
        return self

    def conditional_probability_alive(self, frequency, recency, T):
        """P(alive | x, t_x, T): the probability that a customer has not dropped out.

        Fader, Hardie & Lee (2008), "Computing P(alive) using the BG/NBD model",
        http://brucehardie.com/notes/021/, eq. (2)::

            P(alive) = 1 / (1 + [x > 0] a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x))
        """
        r, alpha, a, b = self._unload_params(*self._param_names)
        x, t_x, age = _rfm_arrays(frequency, recency, T)
        out = self._p_alive(x, t_x, age, r, alpha, a, b)
        return shape_output(out, (frequency, recency, T), "p_alive")

    @staticmethod
    def _p_alive(x, t_x, age, r, alpha, a, b):
        log_odds = np.log(a / (b + np.maximum(x, 1) - 1)) + (r + x) * np.log(
            (alpha + age) / (alpha + t_x)
        )
        return np.where(x > 0, expit(-log_odds), 1.0)

    def conditional_expected_number_of_purchases_up_to_time(self, t, frequency, recency, T):
        """E[purchases in (T, T + t] | x, t_x, T] for each customer (FHL 2005, eq. 10)::

            E = (a + b + x - 1) / (a - 1)
                * [1 - ((alpha + T) / (alpha + T + t))^(r + x)
                       * 2F1(r + x, b + x; a + b + x - 1; t / (alpha + T + t))]
                * P(alive | x, t_x, T)

        The Gauss hypergeometric term is evaluated after Euler's transformation,
        (1 - z)^(a - 1) 2F1(a + b - 1 - r, a - 1; a + b + x - 1; z), which stays finite
        for customers with many purchases. ``t`` may be a scalar or one value per customer.
        """
        r, alpha, a, b = self._unload_params(*self._param_names)
        t_arr = as_array(t, "t")
        x, t_x, age = _rfm_arrays(frequency, recency, T)
        check_same_length({"t": t_arr, "frequency": x})
        out = self._expected(t_arr, x, age, r, alpha, a, b) * self._p_alive(
            x, t_x, age, r, alpha, a, b
        )
        return shape_output(out, (t, frequency, recency, T), "expected_purchases")

    predict = conditional_expected_number_of_purchases_up_to_time

    def _cumulative_purchases(self, times, frequency, recency, T):
        """Expected purchases up to each of ``times`` for each customer, as a list of arrays.

        Used by the CLV computation: P(alive) is computed once, and the hypergeometric term
        once per distinct (frequency, T) pair and time.
        """
        r, alpha, a, b = self._unload_params(*self._param_names)
        x, t_x, age = _rfm_arrays(frequency, recency, T)
        x, t_x, age = np.broadcast_arrays(x, t_x, age)
        p_alive = self._p_alive(x, t_x, age, r, alpha, a, b)
        flat_x, flat_age = np.atleast_1d(x), np.atleast_1d(age)
        key, n_rows, _, _ = unique_rows({"x": flat_x, "T": flat_age})
        rep = np.empty(n_rows, dtype=np.int64)
        rep[key] = np.arange(len(key))
        out = []
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            for t in times:
                e = _expected_purchases(float(t), flat_x[rep], flat_age[rep], r, alpha, a, b)
                out.append(e[key].reshape(x.shape) * p_alive)
        return out

    @staticmethod
    def _expected(t, x, age, r, alpha, a, b):
        def evaluate(t, x, age):
            return _expected_purchases(t, x, age, r, alpha, a, b)

        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            # depends on (t, x, T) only, which repeat a lot: evaluate 2F1 once per distinct row
            return on_distinct_rows(evaluate, {"t": t, "x": x, "age": age})

    def expected_number_of_purchases_up_to_time(self, t):
        """E[X(t)]: repeat purchases by time t of a new customer (FHL 2005, eq. 9)::

        E[X(t)] = (a + b - 1) / (a - 1)
                  * [1 - (alpha / (alpha + t))^r 2F1(r, b; a + b - 1; t / (alpha + t))]
        """
        r, alpha, a, b = self._unload_params(*self._param_names)
        t_arr = as_array(t, "t")
        out = self._expected(t_arr, 0.0, 0.0, r, alpha, a, b)
        return shape_output(out, (t,), "expected_purchases")
