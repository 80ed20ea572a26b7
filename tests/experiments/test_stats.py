"""Each test against an independent implementation on the same input: statsmodels' z test and
GLM, scipy's Welch t, numerical integration for P(B > A), OLS for CUPED, and for synthetic
control a donor pool whose exact weights are known, then scipy's NNLS with the sum-to-one row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import integrate, optimize, stats
from statsmodels.stats.proportion import proportions_ztest

from socialroi.experiments import (
    cuped,
    diff_in_diff,
    prob_b_beats_a,
    rate_ratio,
    synthetic_control,
    two_proportions,
    welch,
)
from socialroi.experiments.markets import simplex_weights


@pytest.mark.parametrize(
    "sa,na,sb,nb", [(120, 10_000, 150, 10_000), (7, 60, 15, 58), (0, 40, 3, 40)]
)
def test_two_proportions_equals_statsmodels(sa, na, sb, nb):
    r = two_proportions(sa, na, sb, nb)
    z, p = proportions_ztest([sb, sa], [nb, na])
    assert r.z == pytest.approx(z, rel=1e-12) and r.p_value == pytest.approx(p, rel=1e-10)


@pytest.mark.parametrize(
    "sa,na,sb,nb", [(12, 100, 20, 100), (3, 10, 1, 12), (400, 9_000, 440, 9_100)]
)
def test_prob_b_better_is_exact(sa, na, sb, nb):
    a, b = stats.beta(1 + sa, 1 + na - sa), stats.beta(1 + sb, 1 + nb - sb)
    lo, hi = min(a.ppf(1e-12), b.ppf(1e-12)), max(a.isf(1e-12), b.isf(1e-12))
    ref, _ = integrate.quad(lambda x: a.pdf(x) * b.sf(x), lo, hi, epsabs=1e-13, limit=500)
    assert prob_b_beats_a(sa, na, sb, nb) == pytest.approx(ref, abs=1e-9)
    assert two_proportions(sa, na, sb, nb).prob_b_better == pytest.approx(ref, abs=1e-9)


def test_lift_interval_is_katz_log_ratio():
    r = two_proportions(120, 10_000, 150, 10_000)
    se = np.sqrt(1 / 120 - 1 / 10_000 + 1 / 150 - 1 / 10_000)
    assert r.lift == pytest.approx(0.25)
    assert r.lift_low == pytest.approx(1.25 * np.exp(-1.959963984540054 * se) - 1)
    assert r.lift_low < r.lift < r.lift_high


def test_welch_equals_scipy():
    rng = np.random.default_rng(3)
    a, b = rng.normal(1, 1, 40), rng.normal(1.4, 2, 25)
    r = welch(a, b)
    ref = stats.ttest_ind(b, a, equal_var=False)
    assert r.t == pytest.approx(ref.statistic) and r.p_value == pytest.approx(ref.pvalue)
    ci = ref.confidence_interval(0.95)
    assert (r.low, r.high) == pytest.approx((ci.low, ci.high))


def test_cuped_equals_ols_with_the_centred_covariate():
    rng = np.random.default_rng(4)
    pre = rng.gamma(2, 1, 200)
    arm = np.arange(200) % 2 == 1
    y = 0.8 * pre + 0.3 * arm + rng.normal(0, 0.5, 200)
    r = cuped(y[~arm], y[arm], pre[~arm], pre[arm])
    x = sm.add_constant(np.column_stack([arm, pre - pre.mean()]).astype(float))
    ols = sm.OLS(y, x).fit()
    assert r.difference == pytest.approx(ols.params[1], abs=0.01)
    assert r.variance_reduction > 0.5
    assert abs(r.difference - 0.3) < 3 * (r.high - r.low) / 3.92


def test_poisson_rate_ratio_is_the_ratio_of_rates_and_se_matches_a_hand_sandwich():
    rng = np.random.default_rng(5)
    n = 300
    e = rng.integers(500, 5_000, n).astype(float)
    g = rng.random(n) < 0.5
    author = rng.integers(0, 30, n)
    y = rng.poisson(e * 0.03 * np.where(g, 1.3, 1.0) * rng.lognormal(-0.02, 0.2, n))
    r = rate_ratio(y, e, g, clusters=author)
    assert r.rate_ratio == pytest.approx((y[g].sum() / e[g].sum()) / (y[~g].sum() / e[~g].sum()))
    # sandwich by hand: bread = X'WX, meat = sum over clusters of (X'(y - mu))^2, small-sample
    # factor G/(G-1) (n-1)/(n-k) as statsmodels' default cluster correction
    x = np.column_stack([np.ones(n), g.astype(float)])
    mu = e * np.where(g, r.rate_b, r.rate_a)
    bread = np.linalg.inv(x.T @ (x * mu[:, None]))
    scores = pd.DataFrame(x * (y - mu)[:, None]).groupby(author).sum().to_numpy()
    nc = len(np.unique(author))
    meat = scores.T @ scores * nc / (nc - 1) * (n - 1) / (n - 2)
    se = np.sqrt((bread @ meat @ bread)[1, 1])
    t = stats.t.ppf(0.975, nc - 1)  # few clusters: t with G - 1 degrees of freedom
    assert np.log(r.high / r.rate_ratio) / t == pytest.approx(se, rel=1e-6)
    assert r.p_value == pytest.approx(2 * stats.t.sf(np.log(r.rate_ratio) / se, nc - 1), rel=1e-6)
    nb = rate_ratio(y, e, g, family="negative-binomial")
    assert r.dispersion > 2  # the lognormal spread the Poisson model does not know
    assert abs(np.log(nb.rate_ratio / r.rate_ratio)) < 0.05 and nb.low < r.rate_ratio < nb.high


def test_rate_ratio_with_model_errors_equals_statsmodels_poisson():
    rng = np.random.default_rng(6)
    e = rng.integers(100, 1_000, 80).astype(float)
    g = np.arange(80) % 2 == 0
    y = rng.poisson(e * 0.05)
    r = rate_ratio(y, e, g, robust=False)
    ref = sm.GLM(y, sm.add_constant(g.astype(float)), family=sm.families.Poisson(),
                 exposure=e).fit()  # fmt: skip
    assert r.p_value == pytest.approx(ref.pvalues[1], rel=1e-8)


def _panel(effect: float, seed: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    units = [f"m{i}" for i in range(7)]
    level = dict(zip(units, rng.uniform(50, 200, 7), strict=True))
    shock = rng.normal(0, 0.1, 40)
    rows = []
    for u in units:
        for t in range(40):
            mult = np.exp(shock[t] + rng.normal(0, 0.03)) * (1 + effect * (u == "m0" and t >= 25))
            rows.append((u, t, level[u] * mult))
    return pd.DataFrame(rows, columns=["unit", "period", "y"])


def test_did_recovers_a_planted_effect_and_equals_the_two_by_two_means():
    panel = _panel(0.4)
    r = diff_in_diff(panel, "m0", 25)
    assert r.relative_low < 0.4 < r.relative_high and r.p_value < 0.01
    assert r.placebo_p == pytest.approx(1 / 7)
    w = np.log1p(panel.pivot(index="period", columns="unit", values="y"))
    post = w.index >= 25
    other = w.drop(columns="m0")
    by_hand = (w.m0[post].mean() - w.m0[~post].mean()) - (
        other[post].mean(axis=1).mean() - other[~post].mean(axis=1).mean()
    )
    assert r.effect == pytest.approx(by_hand, rel=1e-9)  # balanced panel: OLS = 2x2 means
    null = diff_in_diff(_panel(0.0), "m0", 25)
    assert null.relative_low < 0 < null.relative_high


def test_simplex_weights_recover_known_weights_and_agree_with_nnls():
    rng = np.random.default_rng(9)
    donors = rng.normal(size=(30, 5)).cumsum(axis=0) + 10
    truth = np.array([0.6, 0.0, 0.4, 0.0, 0.0])
    assert simplex_weights(donors @ truth, donors) == pytest.approx(truth, abs=1e-6)
    noisy = donors @ truth + rng.normal(0, 0.3, 30)
    big = 1e4  # NNLS with a heavily weighted sum-to-one row: an independent solver
    ref, _ = optimize.nnls(np.vstack([donors, big * np.ones(5)]), np.append(noisy, big))
    assert simplex_weights(noisy, donors) == pytest.approx(ref, abs=1e-4)


def test_synthetic_control_finds_the_effect_and_placebos_rank_it_first():
    r = synthetic_control(_panel(0.4), "m0", 25)
    assert abs(r.relative - 0.4) < 0.05 and r.placebo_p == pytest.approx(1 / 7)
    assert sum(r.weights.values()) == pytest.approx(1)
    null = synthetic_control(_panel(0.0), "m0", 25)
    assert abs(null.relative) < 0.05 and null.placebo_p > 0.15
