"""Exact Shapley attribution: hand-worked, closed form, brute force, 15 channels."""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import pandas as pd
import pytest

from socialroi.measure.attribution import attribute_paths, credit_paths
from socialroi.measure.attribution.shapley import popcount, shapley_values, zeta


@pytest.fixture
def two() -> pd.DataFrame:
    # v(a) = 10/100, v(b) = 20/100, v(ab) = 15/50 (b > a is the same set as a > b)
    return pd.DataFrame(
        {
            "path": ["a", "b", "a > b", "b > a > b"],
            "total_conversions": [10, 20, 10, 5],
            "total_null": [90, 80, 20, 15],
            "total_conversion_value": [100.0, 100.0, 50.0, 50.0],
        }
    )


def test_hand_worked_two_channels(two):
    # w(a) = .1, w(b) = .2, w(ab) = .1 + .2 + .3 = .6
    # phi_a = (w(a) + w(ab) - w(b)) / 2 = .25, phi_b = .35; 45 conversions shared .25 : .35
    got = attribute_paths(two, "shapley")
    assert got["total_conversions"].tolist() == pytest.approx([45 * 0.25 / 0.6, 45 * 0.35 / 0.6])
    assert got["total_conversion_value"].tolist() == pytest.approx(
        [300 * 0.25 / 0.6, 300 * 0.35 / 0.6]
    )
    assert got.attrs["info"]["shapley_values"] == pytest.approx({"a": 0.25, "b": 0.35})
    # journey: {a} -> a, {b} -> b, {a,b} journeys split .25 : .35
    journey = attribute_paths(two, "shapley", allocation="journey")
    assert journey["total_conversions"].tolist() == pytest.approx(
        [10 + 15 * 0.25 / 0.6, 20 + 15 * 0.35 / 0.6]
    )
    touches = credit_paths(two, "shapley")
    bab = touches[touches["path"] == "b > a > b"]
    assert bab["credit"].tolist() == pytest.approx([0.35 / 1.2, 0.25 / 0.6, 0.35 / 1.2])


def brute_force(worth: np.ndarray, n: int) -> np.ndarray:
    phi = np.zeros(n)
    for perm in itertools.permutations(range(n)):
        mask = 0
        for j in perm:
            phi[j] += worth[mask | (1 << j)] - worth[mask]
            mask |= 1 << j
    return phi / math.factorial(n)


def test_dp_equals_permutations_for_any_game():
    rng = np.random.default_rng(0)
    n = 5
    worth = rng.normal(size=1 << n)
    worth[0] = 0
    np.testing.assert_allclose(shapley_values(worth, n), brute_force(worth, n), atol=1e-12)


def test_subset_sum_worth_has_closed_form():
    """With w = zeta(v), v(T) are the Harsanyi dividends: phi_j = sum v(T)/|T| over T with j."""
    rng = np.random.default_rng(1)
    n = 10
    v = rng.random(1 << n)
    v[0] = 0
    phi = shapley_values(zeta(v, n), n)
    size = popcount(n)
    masks = np.arange(1 << n)
    closed = [np.sum(v[(masks >> j) & 1 == 1] / size[(masks >> j) & 1 == 1]) for j in range(n)]
    np.testing.assert_allclose(phi, closed, rtol=1e-12)
    assert zeta(v, n)[5] == pytest.approx(v[0] + v[1] + v[4] + v[5])


def test_fifteen_channels_exact_and_fast():
    rng = np.random.default_rng(2)
    names = [f"c{i:02d}" for i in range(15)]
    rows = [
        (" > ".join(rng.choice(names, int(rng.integers(1, 7)))), rng.integers(0, 5), 3)
        for _ in range(3000)
    ]
    df = pd.DataFrame(rows, columns=["path", "total_conversions", "total_null"])
    start = time.perf_counter()
    got = attribute_paths(df, "shapley")
    journey = attribute_paths(df, "shapley", allocation="journey")
    assert time.perf_counter() - start < 10
    assert got["total_conversions"].sum() == pytest.approx(df["total_conversions"].sum())
    assert journey["total_conversions"].sum() == pytest.approx(df["total_conversions"].sum())
    # the closed form on the observed channel sets
    sets = df["path"].map(lambda p: frozenset(t.strip() for t in p.split(">")))
    agg = df.assign(s=sets).groupby("s")[["total_conversions", "total_null"]].sum()
    rate = agg["total_conversions"] / (agg["total_conversions"] + agg["total_null"])
    phi = {c: sum(r / len(s) for s, r in rate.items() if c in s) for c in names}
    total = sum(phi.values())
    want = [phi[c] / total * df["total_conversions"].sum() for c in names]
    np.testing.assert_allclose(got["total_conversions"], want, rtol=1e-10)


def test_too_many_channels_is_refused():
    df = pd.DataFrame({"path": [" > ".join(f"c{i}" for i in range(22))], "total_conversions": 1})
    with pytest.raises(ValueError, match="max_channels"):
        attribute_paths(df, "shapley")
