"""Predictive customer lifetime value: BG/NBD purchase counts and Gamma-Gamma spend.

Models in the style of the ``lifetimes`` package, fitted by maximum likelihood on the
closed-form log-likelihoods with analytic gradients, on compressed summary rows::

    from socialroi.measure.clv import (
        BetaGeoFitter, GammaGammaFitter, summary_data_from_transaction_data,
    )

    rfm = summary_data_from_transaction_data(tx, "customer_id", "date", "value", freq="D")
    bgf = BetaGeoFitter().fit(rfm["frequency"], rfm["recency"], rfm["T"])
    repeat = rfm[rfm["frequency"] > 0]
    ggf = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    clv = ggf.customer_lifetime_value(
        bgf, rfm["frequency"], rfm["recency"], rfm["T"], rfm["monetary_value"], freq="D"
    )

See ``docs/clv.md`` for the formulas and references.
"""

from socialroi.measure.clv._base import ConvergenceError
from socialroi.measure.clv._validation import CLVInputError, NotFittedError
from socialroi.measure.clv.beta_geo import BetaGeoFitter
from socialroi.measure.clv.datasets import (
    CDNOW_CALIBRATION_END,
    load_cdnow_summary,
    load_cdnow_summary_with_monetary_value,
    load_cdnow_transactions,
)
from socialroi.measure.clv.gamma_gamma import GammaGammaFitter
from socialroi.measure.clv.simulate import sample_bgnbd
from socialroi.measure.clv.summary import summary_data_from_transaction_data

__all__ = [
    "CDNOW_CALIBRATION_END",
    "BetaGeoFitter",
    "CLVInputError",
    "ConvergenceError",
    "GammaGammaFitter",
    "NotFittedError",
    "load_cdnow_summary",
    "load_cdnow_summary_with_monetary_value",
    "load_cdnow_transactions",
    "sample_bgnbd",
    "summary_data_from_transaction_data",
]
