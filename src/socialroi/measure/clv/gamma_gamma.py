"""The Gamma-Gamma model of spend per transaction, and customer lifetime value.

Fader, P. S. and Hardie, B. G. S. (2013), "The Gamma-Gamma Model of Monetary Value",
http://brucehardie.com/notes/025/ (after Colombo & Jiang 1999).

A customer's transaction values are Gamma(p, nu) around their own mean p / nu, with
nu ~ Gamma(q, v) across customers. It is fitted on customers with at least one repeat
purchase, from their number of repeat purchases x and the mean value m of those purchases.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from socialroi.measure.clv._base import BaseFitter, check_weights
from socialroi.measure.clv._compress import GammaGammaData
from socialroi.measure.clv._likelihoods import (
    dot,
    gamma_gamma_log_likelihood,
    gamma_gamma_negative_log_likelihood,
)
from socialroi.measure.clv._validation import (
    CLVInputError,
    as_array,
    check_same_length,
    shape_output,
)

__all__ = ["GammaGammaFitter"]

#: Periods of the transaction model's time unit per month, as in lifetimes.
MONTH_FACTORS = {"W": 4.345, "M": 1.0, "D": 30.0, "H": 30.0 * 24}


class GammaGammaFitter(BaseFitter):
    """Gamma-Gamma spend model with the API of ``lifetimes.GammaGammaFitter``.

    >>> from socialroi.measure.clv import GammaGammaFitter, load_cdnow_summary_with_monetary_value
    >>> d = load_cdnow_summary_with_monetary_value()
    >>> d = d[d["frequency"] > 0]
    >>> ggf = GammaGammaFitter().fit(d["frequency"], d["monetary_value"])
    >>> ggf.params_.round(2).to_dict()
    {'p': 6.25, 'q': 3.74, 'v': 15.45}

    The Gamma-Gamma model assumes spend is independent of purchase frequency; check that
    ``frequency`` and ``monetary_value`` are only weakly correlated before relying on it.
    Fitted attributes: ``params_`` (Series p, q, v), ``log_likelihood_``, ``n_customers_``,
    ``n_rows_``, ``standard_errors_``, ``variance_matrix_``, ``confidence_intervals_``.
    """

    _param_names = ("p", "q", "v")

    def fit(self, frequency, monetary_value, weights=None, initial_params=None, tol=1e-8):
        """Estimate (p, q, v) and return ``self``.

        Only customers with ``frequency > 0`` carry information on spend: pass
        ``d[d.frequency > 0]``. ``monetary_value`` is the mean value of the repeat purchases.
        """
        x = as_array(frequency, "frequency", integer=True)
        m = as_array(monetary_value, "monetary_value")
        n = check_same_length({"frequency": x, "monetary_value": m})
        if n is None or n == 0:
            raise CLVInputError("frequency and monetary_value must be non-empty 1-d arrays")
        if np.any(x == 0):
            raise CLVInputError(
                "frequency must be at least 1 to fit the Gamma-Gamma model: keep only customers "
                "with repeat purchases, e.g. data[data['frequency'] > 0]"
            )
        if np.any(m <= 0):
            raise CLVInputError("monetary_value must be greater than zero to fit Gamma-Gamma")
        w = check_weights(weights, n)
        keep = w > 0
        data = GammaGammaData.build(x[keep], m[keep], w[keep])
        args = (data, self.penalizer_coef)
        result = self._minimise(gamma_gamma_negative_log_likelihood, args, initial_params, tol)
        self.params_ = pd.Series(np.exp(result.x), index=list(self._param_names), name="Gamma")
        self.n_customers_ = float(data.w.sum())
        self.n_rows_ = int(data.w.shape[0])
        ll = gamma_gamma_log_likelihood(self.params_.to_numpy(), data.x, data.m)
        self.log_likelihood_ = dot(ll, data.w)
        self._set_uncertainty(self._hessian(gamma_gamma_negative_log_likelihood, result.x, args))
        if self.params_["q"] <= 1:
            warnings.warn(
                f"Gamma-Gamma q = {self.params_['q']:.3g} <= 1: the population mean spend is "
                "infinite and expected average profits are not meaningful.",
                RuntimeWarning,
                stacklevel=2,
            )
        return self

    def conditional_expected_average_profit(self, frequency, monetary_value):
        """E[spend per transaction | x, m] (Fader & Hardie 2013, eq. 5)::

            E = (1 - w) * p v / (q - 1) + w * m,   w = p x / (p x + q - 1)

        a weighted mean of the population mean and the customer's own mean; customers with
        ``frequency`` 0 get the population mean.
        """
        p, q, v = self._unload_params(*self._param_names)
        x = as_array(frequency, "frequency", integer=True)
        m = as_array(monetary_value, "monetary_value")
        check_same_length({"frequency": x, "monetary_value": m})
        weight = p * x / (p * x + q - 1)
        out = (1 - weight) * (v * p / (q - 1)) + weight * m
        return shape_output(out, (frequency, monetary_value), "expected_average_profit")

    def customer_lifetime_value(
        self,
        transaction_model,
        frequency,
        recency,
        T,
        monetary_value,
        time=12,
        discount_rate=0.01,
        freq="D",
    ):
        """Discounted expected value of each customer over the next ``time`` months.

        As ``lifetimes``: for months k = 1..time, the transaction model's expected number of
        purchases in month k times the expected average profit, discounted by
        ``(1 + discount_rate) ** k``. ``discount_rate`` is monthly; ``freq`` (D, W, M or H)
        is the time unit of ``recency`` and ``T`` (a month is 30 days or 4.345 weeks).
        ``transaction_model`` is a fitted :class:`BetaGeoFitter` (or any object with
        ``conditional_expected_number_of_purchases_up_to_time(t, frequency, recency, T)``).
        """
        self._check_fitted()
        if freq not in MONTH_FACTORS:
            raise CLVInputError(f"freq must be one of {sorted(MONTH_FACTORS)}, got {freq!r}")
        if not float(time).is_integer() or time < 1:
            raise CLVInputError(f"time must be a whole number of months >= 1, got {time!r}")
        if not np.isfinite(discount_rate) or discount_rate <= -1:
            raise CLVInputError(f"discount_rate must be > -1, got {discount_rate!r}")
        predict = getattr(
            transaction_model, "conditional_expected_number_of_purchases_up_to_time", None
        )
        if predict is None:
            raise CLVInputError(
                "transaction_model must be a fitted model such as BetaGeoFitter, got "
                f"{type(transaction_model).__name__}"
            )
        x = as_array(frequency, "frequency", integer=True)
        t_x = as_array(recency, "recency")
        age = as_array(T, "T")
        m = as_array(monetary_value, "monetary_value")
        check_same_length({"frequency": x, "recency": t_x, "T": age, "monetary_value": m})
        profit = np.asarray(self.conditional_expected_average_profit(x, m))
        times = MONTH_FACTORS[freq] * np.arange(1, int(time) + 1)
        grid = getattr(transaction_model, "_cumulative_purchases", None)
        if grid is not None:  # our BetaGeoFitter: all months in one pass
            cumulative = grid(times, x, t_x, age)
        else:
            cumulative = [np.asarray(predict(t, x, t_x, age), dtype=float) for t in times]
        clv = np.zeros(np.broadcast(x, t_x, age, profit).shape)
        previous = 0.0
        for month, current in enumerate(cumulative, start=1):
            clv = clv + profit * (current - previous) / (1 + discount_rate) ** month
            previous = current
        return shape_output(clv, (frequency, recency, T, monetary_value), "clv")
