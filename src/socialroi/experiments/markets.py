"""Market and cadence tests: difference-in-differences and synthetic control, with placebos.

A cadence or market change touches one market (or one account) at a time, so there is no
randomised control group: the other markets are the comparison.

- **Difference-in-differences** regresses the (log) outcome per market x period on market and
  period fixed effects and a treated-after indicator (statsmodels OLS, HC1 errors): the
  coefficient is the change in the treated market beyond the change everywhere else. On logs,
  exp(coefficient) - 1 is the relative effect.
- **Synthetic control** (Abadie, Diamond & Hainmueller 2010) weighs the donor markets (weights
  >= 0 summing to 1, scipy SLSQP) so their pre-period series, each scaled to its own pre-period
  mean, tracks the treated market's; the post-period gap is the effect. No maintained Python
  package fits (SparseSC and pysyncon pull heavy or unmaintained stacks), and with outcomes
  only the estimator is a constrained least-squares problem scipy solves directly.
- **Placebos** run the same estimate with each donor as if it were treated: the treated
  market's effect is credible when it stands out (rank p-value = its rank among all / count).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, stats


@dataclass(frozen=True)
class DidResult:
    effect: float  # coefficient (on the log scale when log=True)
    low: float
    high: float
    p_value: float
    relative: float  # exp(effect) - 1 on logs, else effect / treated pre-period mean
    relative_low: float
    relative_high: float
    placebo_p: float  # share of units (treated included) whose |placebo effect| >= treated's
    placebos: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class SynthResult:
    weights: dict[str, float]
    gap: float  # mean post-period (treated - synthetic), on the scaled series
    relative: float  # mean post treated / mean post synthetic - 1
    pre_rmspe: float
    post_rmspe: float
    placebo_p: float  # rank of the treated's post/pre RMSPE ratio among all units
    placebos: dict[str, float] = field(default_factory=dict)  # unit -> relative effect
    low: float = math.nan  # relative effect -/+ the largest |placebo relative effect|
    high: float = math.nan


def _wide(panel: pd.DataFrame, unit: str, time: str, outcome: str) -> pd.DataFrame:
    return panel.pivot_table(index=time, columns=unit, values=outcome, aggfunc="sum").sort_index()


def diff_in_diff(
    panel: pd.DataFrame,
    treated: str,
    start,
    unit: str = "unit",
    time: str = "period",
    outcome: str = "y",
    log: bool = True,
    confidence: float = 0.95,
    placebos: bool = True,
) -> DidResult:
    """DiD of `treated` from period `start` on, against every other unit of `panel`."""
    wide = _wide(panel, unit, time, outcome).fillna(0.0)
    res = _did(wide, treated, start, log, confidence)
    plac: dict[str, float] = {}
    if placebos:
        donors = wide.drop(columns=[treated])
        for u in donors.columns:
            plac[str(u)] = _did(donors, u, start, log, confidence)[0]
    p = (1 + sum(abs(v) >= abs(res[0]) for v in plac.values())) / (1 + len(plac))
    eff, lo, hi, pv, base = res
    if log:
        rel, rlo, rhi = math.exp(eff) - 1, math.exp(lo) - 1, math.exp(hi) - 1
    else:
        rel, rlo, rhi = eff / base, lo / base, hi / base
    return DidResult(eff, lo, hi, pv, rel, rlo, rhi, p, plac)


def _did(wide: pd.DataFrame, treated, start, log: bool, confidence: float):
    y = np.log1p(wide) if log else wide
    long = y.stack().rename("y").reset_index()
    long.columns = ["t", "u", "y"]
    d = ((long.u == treated) & (long.t >= start)).astype("float64")
    x = pd.concat(
        [
            d.rename("d"),
            pd.get_dummies(long.u, prefix="u", drop_first=True, dtype="float64"),
            pd.get_dummies(long.t, prefix="t", drop_first=True, dtype="float64"),
        ],
        axis=1,
    )
    fit = sm.OLS(long.y.to_numpy(), sm.add_constant(x, has_constant="add")).fit(cov_type="HC1")
    b, se = float(fit.params["d"]), float(fit.bse["d"])
    q = stats.norm.ppf(0.5 + confidence / 2)
    base = float(wide.loc[wide.index < start, treated].mean())
    return b, b - q * se, b + q * se, float(fit.pvalues["d"]), base


def simplex_weights(target: np.ndarray, donors: np.ndarray) -> np.ndarray:
    """Weights w >= 0, sum 1, minimising ||target - donors @ w||^2 (donors: periods x units)."""
    n = donors.shape[1]

    def loss(w):
        r = target - donors @ w
        return float(r @ r)

    def grad(w):
        return -2 * donors.T @ (target - donors @ w)

    res = optimize.minimize(
        loss,
        np.full(n, 1 / n),
        jac=grad,
        bounds=[(0.0, 1.0)] * n,
        constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1, "jac": lambda w: np.ones(n)}],
        method="SLSQP",
        options={"ftol": 1e-12, "maxiter": 500},
    )
    w = np.clip(res.x, 0, None)
    return w / w.sum()


def _synth(wide: pd.DataFrame, treated, start) -> tuple[dict, float, float, float, float]:
    pre = wide.index < start
    scaled = wide / wide[pre].mean().replace(0, np.nan)
    scaled = scaled.fillna(0.0)
    donors = scaled.drop(columns=[treated])
    w = simplex_weights(scaled.loc[pre, treated].to_numpy(), donors[pre].to_numpy())
    synth = donors.to_numpy() @ w
    gap = scaled[treated].to_numpy() - synth
    pre_rmspe = float(np.sqrt(np.mean(gap[pre] ** 2)))
    post_rmspe = float(np.sqrt(np.mean(gap[~pre] ** 2)))
    rel = float(scaled.loc[~pre, treated].mean() / synth[~pre].mean() - 1)
    weights = {str(u): float(v) for u, v in zip(donors.columns, w, strict=True)}
    return weights, float(gap[~pre].mean()), rel, pre_rmspe, post_rmspe


def synthetic_control(
    panel: pd.DataFrame,
    treated: str,
    start,
    unit: str = "unit",
    time: str = "period",
    outcome: str = "y",
) -> SynthResult:
    """Synthetic control of `treated` from `start` on, with in-space placebos."""
    wide = _wide(panel, unit, time, outcome).fillna(0.0)
    weights, gap, rel, pre, post = _synth(wide, treated, start)
    ratio = post / pre if pre > 0 else math.inf
    plac, ratios = {}, []
    donors = wide.drop(columns=[treated])
    if donors.shape[1] >= 2:
        for u in donors.columns:
            _, _, r, p0, p1 = _synth(donors, u, start)
            plac[str(u)] = r
            ratios.append(p1 / p0 if p0 > 0 else math.inf)
    p = (1 + sum(r >= ratio for r in ratios)) / (1 + len(ratios))
    band = max((abs(v) for v in plac.values()), default=math.nan)
    return SynthResult(weights, gap, rel, pre, post, p, plac, rel - band, rel + band)
