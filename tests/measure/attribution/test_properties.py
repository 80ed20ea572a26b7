"""Properties every model keeps, on generated path tables (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialroi.measure.attribution import attribute_paths, credit_paths

MODELS = [
    ("first_click", {}),
    ("last_click", {}),
    ("last_non_direct", {}),
    ("linear", {}),
    ("time_decay", {}),
    ("position_based", {}),
    ("markov", {"order": 1}),
    ("markov", {"order": 2, "value_effects": "value"}),
    ("markov", {"order": 3, "solver": "iterative"}),
    ("shapley", {}),
    ("fractribution", {}),
]
IDS = [f"{m}-{'-'.join(f'{k}={v}' for k, v in p.items())}" for m, p in MODELS]
CHANNELS = ["direct", "email", "search", "social", "tv"]

rows = st.tuples(
    st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=6),
    st.integers(0, 20),
    st.integers(0, 20),
    st.floats(0, 500, allow_nan=False),
)
tables = st.lists(rows, min_size=1, max_size=25).map(
    lambda rs: pd.DataFrame(
        {
            "path": [" > ".join(p) for p, *_ in rs],
            "total_conversions": [c for _, c, _, _ in rs],
            "total_null": [n for _, _, n, _ in rs],
            "total_conversion_value": [v if c else 0.0 for _, c, _, v in rs],
        }
    )
)
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(("model", "params"), MODELS, ids=IDS)
@SETTINGS
@given(df=tables)
def test_path_credits_sum_to_the_path_and_are_never_negative(model, params, df):
    per_touch = credit_paths(df, model, **params)
    assert (per_touch[["credit", "value_credit"]] >= 0).all().all()
    by_path = per_touch.groupby("path")[["credit", "value_credit"]].sum()
    np.testing.assert_allclose(by_path.to_numpy(), 1.0, atol=1e-9)
    sums = per_touch.groupby("path")[["total_conversions", "total_conversion_value"]].sum()
    want = (
        df.assign(path=df["path"])
        .groupby("path")[["total_conversions", "total_conversion_value"]]
        .sum()
    )
    np.testing.assert_allclose(sums.loc[want.index].to_numpy(), want.to_numpy(), atol=1e-7)
    totals = attribute_paths(df, model, **params)
    assert (totals[["total_conversions", "total_conversion_value"]] >= -1e-12).all().all()
    assert totals["total_conversions"].sum() == pytest.approx(
        df["total_conversions"].sum(), abs=1e-7
    )
    assert totals["total_conversion_value"].sum() == pytest.approx(
        df["total_conversion_value"].sum(), abs=1e-6
    )


@pytest.mark.parametrize(("model", "params"), MODELS, ids=IDS)
@SETTINGS
@given(df=tables, seed=st.integers(0, 2**32 - 1))
def test_shuffling_rows_and_renaming_channels_change_only_names(model, params, df, seed):
    rng = np.random.default_rng(seed)
    base = attribute_paths(df, model, **params).set_index("channel")
    shuffled = df.sample(frac=1, random_state=rng.integers(2**31)).reset_index(drop=True)
    again = attribute_paths(shuffled, model, **params).set_index("channel")
    np.testing.assert_allclose(again.to_numpy(), base.to_numpy(), rtol=1e-9, atol=1e-9)
    # a renaming that reverses the alphabetical order (direct stays direct-like for
    # last_non_direct: it is renamed to another direct token)
    names = {c: f"{chr(ord('z') - i)}_{c}" for i, c in enumerate(CHANNELS)}
    names["direct"] = "(direct)"
    renamed = df.assign(path=df["path"].map(lambda p: " > ".join(names[t] for t in p.split(" > "))))
    other = attribute_paths(renamed, model, **params).set_index("channel")
    other.index = [next(k for k, v in names.items() if v == c) for c in other.index]
    np.testing.assert_allclose(
        other.loc[base.index].to_numpy(), base.to_numpy(), rtol=1e-9, atol=1e-9
    )


@pytest.mark.parametrize(("model", "params"), MODELS, ids=IDS)
@SETTINGS
@given(df=tables, channel=st.sampled_from(CHANNELS), conv=st.integers(1, 9))
def test_single_touch_journey_gets_everything(model, params, df, channel, conv):
    df = pd.concat(
        [
            df,
            pd.DataFrame(
                {
                    "path": [channel],
                    "total_conversions": [conv],
                    "total_null": [1],
                    "total_conversion_value": [10.0],
                }
            ),
        ],
        ignore_index=True,
    )
    per_touch = credit_paths(df, model, **params)
    row = per_touch[per_touch["path"] == channel]
    assert row["credit"].tolist() == [pytest.approx(1.0)]
    assert row["value_credit"].tolist() == [pytest.approx(1.0)]
    assert row["channel"].tolist() == [channel]
