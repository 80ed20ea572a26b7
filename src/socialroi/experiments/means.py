"""Means per unit (engagement rate per post, watch time): Welch's t, and CUPED.

Welch's t does not assume equal variances; its p-value and degrees of freedom equal
`scipy.stats.ttest_ind(..., equal_var=False)`. CUPED (Deng, Xu, Kohavi & Walker 2013) removes
the part of each unit's outcome its pre-period value predicts: y - theta (x - mean x), with
theta = cov(y, x) / var(x) pooled over both arms. The difference of means is unchanged in
expectation and its variance shrinks by 1 - corr(y, x)^2, so the same effect needs fewer units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class MeansResult:
    mean_a: float
    mean_b: float
    difference: float  # mean_b - mean_a
    low: float
    high: float
    t: float
    df: float
    p_value: float
    lift: float  # mean_b / mean_a - 1
    n_a: int
    n_b: int
    theta: float = 0.0  # CUPED's coefficient (0: plain Welch)
    variance_reduction: float = 0.0  # share of the variance CUPED removed


def welch(a, b, confidence: float = 0.95) -> MeansResult:
    """Welch's two-sample t test of mean(b) - mean(a), with its interval."""
    a, b = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
    if len(a) < 2 or len(b) < 2:
        raise ValueError("Welch's t needs at least two units per arm")
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    diff = float(b.mean() - a.mean())
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1)) if se > 0 else math.inf
    t = diff / se if se > 0 else 0.0
    p = float(2 * stats.t.sf(abs(t), df))
    q = float(stats.t.ppf(0.5 + confidence / 2, df))
    return MeansResult(
        mean_a=float(a.mean()),
        mean_b=float(b.mean()),
        difference=diff,
        low=diff - q * se,
        high=diff + q * se,
        t=t,
        df=float(df),
        p_value=p,
        lift=diff / float(a.mean()) if a.mean() else math.nan,
        n_a=len(a),
        n_b=len(b),
    )


def cuped(a, b, pre_a, pre_b, confidence: float = 0.95) -> MeansResult:
    """Welch's t on CUPED-adjusted outcomes, the pre-period values `pre_a`, `pre_b` of the same
    units as covariate."""
    a, b = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
    xa, xb = np.asarray(pre_a, dtype="float64"), np.asarray(pre_b, dtype="float64")
    y, x = np.concatenate([a, b]), np.concatenate([xa, xb])
    vx = x.var(ddof=1)
    theta = float(np.cov(y, x, ddof=1)[0, 1] / vx) if vx > 0 else 0.0
    mx = x.mean()
    adj_a, adj_b = a - theta * (xa - mx), b - theta * (xb - mx)
    res = welch(adj_a, adj_b, confidence)
    before = a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)
    after = adj_a.var(ddof=1) / len(a) + adj_b.var(ddof=1) / len(b)
    return MeansResult(
        **{
            **res.__dict__,
            "mean_a": float(a.mean()),
            "mean_b": float(b.mean()),
            "lift": res.difference / float(a.mean()) if a.mean() else math.nan,
            "theta": theta,
            "variance_reduction": 1 - after / before if before > 0 else 0.0,
        }
    )
