"""Group-sequential bounds against published tables.

Jennison & Turnbull, *Group Sequential Methods with Applications to Clinical Trials* (2000),
Table 2.1 (Pocock's C_P(K, alpha), Pocock 1977) and Table 2.3 (O'Brien & Fleming's
C_B(K, alpha); the bound at look k is C_B sqrt(K / k)), two-sided, three decimals. Lan-DeMets
spending with five equally spaced looks, two-sided alpha 0.05: the bounds Reboussin, DeMets,
Kim & Lan (2000) tabulate for their ld98/ldbounds program (and gsDesign's sfLDOF / sfLDPocock
give, one-sided 0.025 each side).
"""

from __future__ import annotations

import numpy as np
import pytest

from socialroi.experiments import sequential_bounds, spending_bounds
from socialroi.experiments.sequential import crossing_probabilities

POCOCK = {
    0.01: (2.576, 2.772, 2.873, 2.939, 2.986),
    0.05: (1.960, 2.178, 2.289, 2.361, 2.413, 2.453, 2.485, 2.512, 2.535, 2.555),
    0.10: (1.645, 1.875, 1.992, 2.067, 2.122),
}
OBRIEN_FLEMING = {
    0.01: (2.576, 2.580, 2.595, 2.609, 2.621),
    0.05: (1.960, 1.977, 2.004, 2.024, 2.040, 2.053, 2.063, 2.072, 2.080, 2.087),
    0.10: (1.645, 1.678, 1.710, 1.733, 1.751),
}


@pytest.mark.parametrize("alpha", sorted(POCOCK))
def test_pocock_constants_match_jennison_turnbull_table_2_1(alpha):
    for k, c in enumerate(POCOCK[alpha], 1):
        b = sequential_bounds(k, alpha, "pocock")
        assert len(b) == k and np.allclose(b, b[0])
        assert round(b[0], 3) == c, (k, b[0], c)


@pytest.mark.parametrize("alpha", sorted(OBRIEN_FLEMING))
def test_obrien_fleming_constants_match_jennison_turnbull_table_2_3(alpha):
    for k, c in enumerate(OBRIEN_FLEMING[alpha], 1):
        b = sequential_bounds(k, alpha, "obrien-fleming")
        assert round(b[-1], 3) == c, (k, b[-1], c)
        assert np.allclose(b, b[-1] * np.sqrt(k / np.arange(1, k + 1)))


def test_bounds_spend_exactly_alpha():
    for kind in ("pocock", "obrien-fleming"):
        b = sequential_bounds(4, 0.05, kind)
        assert crossing_probabilities(b, [0.25, 0.5, 0.75, 1.0]).sum() == pytest.approx(0.05, 1e-6)


def test_lan_demets_spending_matches_published_bounds():
    t = [0.2, 0.4, 0.6, 0.8, 1.0]
    of = spending_bounds(t, 0.05, "obrien-fleming")
    assert np.round(of, 3).tolist() == [4.877, 3.357, 2.680, 2.290, 2.031]
    po = spending_bounds(t, 0.05, "pocock")
    assert np.round(po, 3).tolist() == [2.438, 2.427, 2.410, 2.397, 2.386]


def test_unequal_looks_spend_alpha_and_simulation_agrees():
    t = [0.3, 0.5, 1.0]
    b = spending_bounds(t, 0.05, "obrien-fleming")
    assert crossing_probabilities(b, t).sum() == pytest.approx(0.05, 1e-6)
    rng = np.random.default_rng(1)
    inc = rng.normal(size=(400_000, 3)) * np.sqrt(np.diff([0, *t]))
    z = np.cumsum(inc, axis=1) / np.sqrt(t)
    assert (np.abs(z) >= b).any(axis=1).mean() == pytest.approx(0.05, abs=0.0015)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        sequential_bounds(0)
    with pytest.raises(ValueError):
        sequential_bounds(3, kind="haybittle")
    with pytest.raises(ValueError):
        spending_bounds([0.5, 0.4])
