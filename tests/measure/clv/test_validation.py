"""Bad input and unfitted models give clear errors that name the problem."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from socialroi.errors import SocialroiError
from socialroi.measure.clv import (
    BetaGeoFitter,
    CLVInputError,
    GammaGammaFitter,
    NotFittedError,
    summary_data_from_transaction_data,
)

GOOD = {"frequency": [0, 2, 1], "recency": [0.0, 5.0, 3.0], "T": [10.0, 10.0, 4.0]}


def with_(**changes):
    data = dict(GOOD)
    data.update(changes)
    return data["frequency"], data["recency"], data["T"]


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (with_(frequency=[0, -2, 1]), "frequency"),
        (with_(recency=[0.0, -5.0, 3.0]), "recency"),
        (with_(T=[10.0, 10.0, -4.0]), "T"),
        (with_(recency=[0.0, 12.0, 3.0]), "recency must not exceed T"),
        (with_(recency=[1.0, 5.0, 3.0]), "recency must be 0 when frequency is 0"),
        (with_(frequency=[0, 2]), "same length"),
        (with_(T=[10.0, 10.0]), "same length"),
        (with_(frequency=[0, 2.5, 1]), "whole numbers"),
        (with_(recency=[0.0, np.nan, 3.0]), "recency contains missing"),
        (with_(T=[10.0, np.inf, 4.0]), "T contains missing"),
        (with_(frequency=["a", "b", "c"]), "frequency must be numeric"),
        (with_(frequency=[], recency=[], T=[]), "non-empty"),
        (with_(frequency=0, recency=0, T=1), "non-empty"),
    ],
)
def test_bgnbd_fit_rejects_bad_input(args, name):
    with pytest.raises(ValueError, match=name) as info:
        BetaGeoFitter().fit(*args)
    assert isinstance(info.value, CLVInputError)
    assert isinstance(info.value, SocialroiError)


def test_bgnbd_fit_rejects_bad_weights():
    with pytest.raises(ValueError, match="weights must have one value per row"):
        BetaGeoFitter().fit(*with_(), weights=[1, 2])
    with pytest.raises(ValueError, match="weights must not be negative"):
        BetaGeoFitter().fit(*with_(), weights=[1, -2, 1])
    with pytest.raises(ValueError, match="weights must not all be zero"):
        BetaGeoFitter().fit(*with_(), weights=[0, 0, 0])
    with pytest.raises(ValueError, match="T must be greater than zero"):
        BetaGeoFitter().fit([0], [0.0], [0.0])


def test_bgnbd_predictions_reject_bad_input(bgf):
    with pytest.raises(ValueError, match="recency must not exceed T"):
        bgf.conditional_probability_alive([1, 2], [3.0, 9.0], [5.0, 5.0])
    with pytest.raises(ValueError, match="t must not be negative"):
        bgf.conditional_expected_number_of_purchases_up_to_time(-1, 1, 1.0, 2.0)
    with pytest.raises(ValueError, match="t, frequency must have the same length"):
        bgf.conditional_expected_number_of_purchases_up_to_time([1, 2, 3], [1, 2], [1, 1], [2, 2])
    with pytest.raises(ValueError, match="frequency must be one column"):
        bgf.conditional_probability_alive(pd.DataFrame({"x": [1]}), 1, 2)
    with pytest.raises(ValueError, match="t must be a scalar or 1-d"):
        bgf.expected_number_of_purchases_up_to_time(np.ones((2, 2)))


def test_gamma_gamma_rejects_bad_input(ggf, bgf):
    with pytest.raises(ValueError, match="frequency must be at least 1"):
        GammaGammaFitter().fit([0, 1], [0.0, 3.0])
    with pytest.raises(ValueError, match="monetary_value must be greater than zero"):
        GammaGammaFitter().fit([1, 1], [0.0, 3.0])
    with pytest.raises(ValueError, match="monetary_value must not be negative"):
        GammaGammaFitter().fit([1, 1], [-1.0, 3.0])
    with pytest.raises(ValueError, match="frequency, monetary_value must have the same length"):
        GammaGammaFitter().fit([1, 1, 2], [1.0, 3.0])
    with pytest.raises(ValueError, match="freq must be one of"):
        ggf.customer_lifetime_value(bgf, [1], [1.0], [2.0], [3.0], freq="Y")
    with pytest.raises(ValueError, match="time must be a whole number"):
        ggf.customer_lifetime_value(bgf, [1], [1.0], [2.0], [3.0], time=0)
    with pytest.raises(ValueError, match="transaction_model must be a fitted model"):
        ggf.customer_lifetime_value(object(), [1], [1.0], [2.0], [3.0])
    with pytest.raises(ValueError, match="monetary_value must have the same length"):
        ggf.customer_lifetime_value(bgf, [1, 2], [1.0, 2.0], [2.0, 3.0], [3.0])


def test_penalizer_must_be_non_negative():
    with pytest.raises(ValueError, match="penalizer_coef"):
        BetaGeoFitter(penalizer_coef=-1)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.conditional_probability_alive(1, 1.0, 2.0),
        lambda m: m.conditional_expected_number_of_purchases_up_to_time(1, 1, 1.0, 2.0),
        lambda m: m.predict(1, 1, 1.0, 2.0),
        lambda m: m.expected_number_of_purchases_up_to_time(1),
        lambda m: m.summary,
    ],
)
def test_unfitted_bgnbd_says_to_call_fit(call):
    model = BetaGeoFitter()
    with pytest.raises(NotFittedError, match=r"not fitted yet: call fit\(\.\.\.\) first"):
        call(model)
    assert "not fitted" in repr(model)


def test_unfitted_gamma_gamma_says_to_call_fit(bgf):
    model = GammaGammaFitter()
    with pytest.raises(NotFittedError, match="GammaGammaFitter is not fitted yet"):
        model.conditional_expected_average_profit(1, 10.0)
    with pytest.raises(NotFittedError, match="call fit"):
        model.customer_lifetime_value(bgf, [1], [1.0], [2.0], [3.0])
    # a NotFittedError is also a ValueError and an AttributeError (as in scikit-learn)
    with pytest.raises(AttributeError):
        model.conditional_expected_average_profit(1, 10.0)


@pytest.mark.filterwarnings("ignore:Could not infer format")
def test_summary_helper_rejects_bad_input():
    tx = pd.DataFrame({"customer_id": [1, 1], "date": ["2024-01-01", "2024-01-05"], "v": [1, 2]})
    with pytest.raises(ValueError, match="freq must be one of"):
        summary_data_from_transaction_data(tx, freq="Y")
    with pytest.raises(ValueError, match="no column"):
        summary_data_from_transaction_data(tx, monetary_value_col="value")
    with pytest.raises(ValueError, match="date holds values that are not dates"):
        summary_data_from_transaction_data(tx.assign(date=["x", "y"]))
    with pytest.raises(ValueError, match="v must be numeric"):
        summary_data_from_transaction_data(tx.assign(v=["a", 1]), monetary_value_col="v")
    with pytest.raises(ValueError, match="no transactions"):
        summary_data_from_transaction_data(tx, observation_period_end="2023-01-01")
