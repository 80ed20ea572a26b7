"""socialroi against ChannelAttribution itself (PyPI ``channelattribution``, GPL, C++).

Heuristics must agree to 1e-9; Markov orders 1-3 within 2% (ChannelAttribution simulates,
with 10^6 simulated journeys per fold here, and we solve exactly). Skipped when the package
is not installed: ``pip install channelattribution matplotlib``.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pandas as pd
import pytest

from socialroi.measure.attribution import attribute_paths

with contextlib.redirect_stdout(io.StringIO()):  # it prints a banner on import
    CA = pytest.importorskip(
        "ChannelAttribution",
        reason="reference tests need ChannelAttribution: pip install channelattribution matplotlib",
    )


def quiet(fn, *args, **kwargs):
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args, **kwargs)


@pytest.fixture(scope="module")
def journeys() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    channels = ["email", "search", "social", "display", "direct"]
    rows = []
    for _ in range(250):
        n = int(rng.integers(1, 6))
        path = " > ".join(rng.choice(channels, n, p=[0.3, 0.25, 0.2, 0.15, 0.1]))
        rows.append((path, int(rng.integers(0, 30)), int(rng.integers(0, 30))))
    df = pd.DataFrame(rows, columns=["path", "total_conversions", "total_null"])
    df["total_conversion_value"] = df["total_conversions"] * rng.uniform(5, 80, len(df))
    return df


def test_heuristics_equal_channelattribution(journeys):
    ref = quiet(
        CA.heuristic_models,
        journeys,
        "path",
        "total_conversions",
        var_value="total_conversion_value",
        flg_pro=False,
    )
    ref = ref.sort_values("channel_name").reset_index(drop=True)
    for ours, theirs in [
        ("first_click", "first_touch"),
        ("last_click", "last_touch"),
        ("linear", "linear_touch"),
    ]:
        got = attribute_paths(journeys, ours)
        assert got["channel"].tolist() == ref["channel_name"].tolist()
        np.testing.assert_allclose(
            got["total_conversions"], ref[f"{theirs}_conversions"], rtol=1e-9, atol=1e-9
        )
        np.testing.assert_allclose(
            got["total_conversion_value"], ref[f"{theirs}_value"], rtol=1e-9, atol=1e-9
        )


@pytest.mark.slow
@pytest.mark.parametrize("order", [1, 2, 3])
def test_markov_within_two_percent_of_channelattribution(journeys, order):
    ref = quiet(
        CA.markov_model,
        journeys,
        "path",
        "total_conversions",
        var_value="total_conversion_value",
        var_null="total_null",
        order=order,
        nsim_start=1e6,
        max_step=1000,  # do not cut long simulated journeys: we solve without a cap
        out_more=True,
        verbose=False,
        flg_pro=False,
    )
    res = ref["result"].sort_values("channel_name").reset_index(drop=True)
    effects = ref["removal_effects"].set_index("channel_name")
    got = attribute_paths(journeys, "markov", order=order, value_effects="value")
    assert got["channel"].tolist() == res["channel_name"].tolist()
    np.testing.assert_allclose(got["total_conversions"], res["total_conversions"], rtol=0.02)
    np.testing.assert_allclose(
        got["total_conversion_value"], res["total_conversion_value"], rtol=0.02
    )
    ours = got.attrs["info"]["removal_effects"]
    for channel, re in ours.items():
        assert re == pytest.approx(effects.loc[channel, "removal_effects_conversion"], rel=0.02)
    # the conversion-share default splits values exactly like conversions
    plain = attribute_paths(journeys, "markov", order=order)
    total_value = journeys["total_conversion_value"].sum()
    share = plain["total_conversions"] / journeys["total_conversions"].sum()
    np.testing.assert_allclose(plain["total_conversion_value"], share * total_value, rtol=1e-12)
