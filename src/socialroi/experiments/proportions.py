"""Proportions (clicks per impression, conversions per session): the pooled two-proportion z
test, and the exact Bayesian probability that B beats A under uniform Beta(1, 1) priors.

The z test is the textbook one (pooled variance under the null, two-sided); its p-value
equals `statsmodels.stats.proportion.proportions_ztest`. The lift B/A - 1 has the Katz
log-ratio interval. The probability is exact: with A ~ Beta(a, b) and B ~ Beta(c, d),
P(B > A) = sum_{i<c} B(a+i, b+d) / ((d+i) B(1+i, d) B(a, b)) (Evan Miller's closed form, from
Cook 2005), summed in logs; no simulation.

Valid when each success is an independent draw: a post's impressions are not (the people who
see one post are alike), so per-post outcomes with exposure belong in `counts.rate_ratio`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special, stats


@dataclass(frozen=True)
class ProportionsResult:
    rate_a: float
    rate_b: float
    z: float
    p_value: float  # two-sided, pooled z
    prob_b_better: float  # exact, Beta(1, 1) priors
    lift: float  # rate_b / rate_a - 1
    lift_low: float
    lift_high: float
    difference: float  # rate_b - rate_a
    diff_low: float  # unpooled Wald interval of the difference
    diff_high: float
    confidence: float


def prob_b_beats_a(successes_a: int, n_a: int, successes_b: int, n_b: int) -> float:
    """P(p_B > p_A | data) with independent Beta(1, 1) priors, exactly."""
    a, b = 1 + successes_a, 1 + n_a - successes_a
    c, d = 1 + successes_b, 1 + n_b - successes_b
    i = np.arange(c, dtype="float64")
    terms = (
        special.betaln(a + i, b + d)
        - np.log(d + i)
        - special.betaln(1 + i, d)
        - special.betaln(a, b)
    )
    return float(min(1.0, max(0.0, np.exp(special.logsumexp(terms)))))


def two_proportions(
    successes_a: int, n_a: int, successes_b: int, n_b: int, confidence: float = 0.95
) -> ProportionsResult:
    """Pooled two-proportion z test of B against A, the lift B/A - 1 with its interval and the
    exact probability that B's rate is higher."""
    for s, n in ((successes_a, n_a), (successes_b, n_b)):
        if n <= 0 or s < 0 or s > n:
            raise ValueError(f"successes must lie in 0..n and n > 0 (got {s} of {n})")
    pa, pb = successes_a / n_a, successes_b / n_b
    pooled = (successes_a + successes_b) / (n_a + n_b)
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    z = (pb - pa) / se0 if se0 > 0 else 0.0
    p = float(2 * stats.norm.sf(abs(z)))
    q = stats.norm.ppf(0.5 + confidence / 2)
    se = math.sqrt(pa * (1 - pa) / n_a + pb * (1 - pb) / n_b)
    diff = pb - pa
    if successes_a > 0 and successes_b > 0:
        log_rr = math.log(pb / pa)
        se_log = math.sqrt(1 / successes_a - 1 / n_a + 1 / successes_b - 1 / n_b)
        lo, hi = math.exp(log_rr - q * se_log) - 1, math.exp(log_rr + q * se_log) - 1
        lift = pb / pa - 1
    else:
        lift = lo = hi = math.nan
    return ProportionsResult(
        rate_a=pa,
        rate_b=pb,
        z=z,
        p_value=p,
        prob_b_better=prob_b_beats_a(successes_a, n_a, successes_b, n_b),
        lift=lift,
        lift_low=lo,
        lift_high=hi,
        difference=diff,
        diff_low=diff - q * se,
        diff_high=diff + q * se,
        confidence=confidence,
    )
