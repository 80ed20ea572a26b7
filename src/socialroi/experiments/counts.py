"""Counts with exposure (engagements per impression, clicks per view): a Poisson or negative
binomial GLM with a log-exposure offset, errors clustered where units are not independent.

log E[count] = log(exposure) + b0 + b1 * [arm B]; exp(b1) is the rate ratio of B against A. A
post's impressions are not independent trials (the people one post reaches are alike, and one
author's posts are alike), so the interval uses cluster-robust (sandwich) errors by the cluster
given (author, day; the interval and p-value then use t with G - 1 degrees of freedom, as few
clusters need) or, without one, heteroskedasticity-robust errors per unit; the negative
binomial family models the extra spread directly. Fitted by statsmodels' GLM.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

FAMILIES = ("poisson", "negative-binomial")


@dataclass(frozen=True)
class RateResult:
    rate_a: float  # sum of counts / sum of exposure, arm A
    rate_b: float
    rate_ratio: float  # exp(b1)
    low: float
    high: float
    z: float
    p_value: float
    family: str
    errors: str  # "cluster:<n> clusters", "robust (HC0)" or "model"
    n_a: int
    n_b: int
    dispersion: float  # Pearson chi2 / df of the Poisson fit (1 = no extra spread)

    @property
    def lift(self) -> float:
        return self.rate_ratio - 1


def rate_ratio(
    counts,
    exposure,
    arm_b,
    clusters=None,
    family: str = "poisson",
    confidence: float = 0.95,
    robust: bool = True,
) -> RateResult:
    """Rate ratio of arm B (where `arm_b` is true) against A from per-unit counts and exposures."""
    y = np.asarray(counts, dtype="float64")
    e = np.asarray(exposure, dtype="float64")
    g = np.asarray(arm_b, dtype=bool)
    keep = e > 0
    y, e, g = y[keep], e[keep], g[keep]
    if g.sum() == 0 or (~g).sum() == 0:
        raise ValueError("both arms need units with exposure")
    x = sm.add_constant(g.astype("float64"), has_constant="add")
    off = np.log(e)
    pois = sm.GLM(y, x, family=sm.families.Poisson(), offset=off).fit()
    dispersion = float(pois.pearson_chi2 / max(pois.df_resid, 1))
    if family == "poisson":
        fam = sm.families.Poisson()
    elif family == "negative-binomial":
        alpha = _nb_alpha(y, pois.mu)
        fam = sm.families.NegativeBinomial(alpha=alpha)
    else:
        raise ValueError(f"unknown family {family!r}; valid: {', '.join(FAMILIES)}")
    model = sm.GLM(y, x, family=fam, offset=off)
    if clusters is not None:  # few clusters: t with G - 1 degrees of freedom
        groups = pd.factorize(np.asarray(clusters)[keep])[0]
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
        errors = f"cluster ({len(set(groups))} clusters)"
    elif robust:
        fit = model.fit(cov_type="HC0")
        errors = "robust (HC0)"
    else:
        fit = model.fit()
        errors = "model"
    b, se = float(fit.params[1]), float(fit.bse[1])
    lo, hi = (float(v) for v in np.asarray(fit.conf_int(1 - confidence))[1])
    z = b / se if se > 0 else 0.0
    return RateResult(
        rate_a=float(y[~g].sum() / e[~g].sum()),
        rate_b=float(y[g].sum() / e[g].sum()),
        rate_ratio=math.exp(b),
        low=math.exp(lo),
        high=math.exp(hi),
        z=z,
        p_value=float(np.asarray(fit.pvalues)[1]),
        family=family,
        errors=errors,
        n_a=int((~g).sum()),
        n_b=int(g.sum()),
        dispersion=dispersion,
    )


def _nb_alpha(y: np.ndarray, mu: np.ndarray) -> float:
    """NB2 dispersion by the method of moments on the Poisson fit: E[(y-mu)^2 - y] = alpha mu^2."""
    num = float(((y - mu) ** 2 - y).sum())
    den = float((mu**2).sum())
    return max(num / den, 1e-8) if den > 0 else 1e-8
