"""Draw synthetic customer summaries from a BG/NBD model (for tests and benchmarks)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from socialroi.measure.clv._validation import CLVInputError, as_array

__all__ = ["sample_bgnbd"]


def sample_bgnbd(r, alpha, a, b, T, seed=None, resolution=None) -> pd.DataFrame:
    """Simulate the BG/NBD story for customers of ages ``T`` and return their summaries.

    Each customer gets a purchase rate lambda ~ Gamma(r, scale 1/alpha) and a drop-out
    probability p ~ Beta(a, b); starting from the first purchase at time 0 they buy at the
    times of a Poisson process with rate lambda and, after each repeat purchase, drop out
    with probability p. Returns ``frequency``, ``recency`` and ``T`` (plus the hidden
    ``lambda``, ``p`` and ``alive``). ``resolution`` (e.g. 1/7 for days in weeks) rounds
    recency down to that grid, as period-based transaction summaries are; give ``T`` on the
    same grid. ``seed`` seeds numpy's default generator.
    """
    for name, value in {"r": r, "alpha": alpha, "a": a, "b": b}.items():
        if not np.isfinite(value) or value <= 0:
            raise CLVInputError(f"{name} must be a positive number, got {value!r}")
    age = np.atleast_1d(as_array(T, "T"))
    rng = np.random.default_rng(seed)
    n = age.shape[0]
    lam = rng.gamma(r, 1.0 / alpha, size=n)
    p = rng.beta(a, b, size=n)
    frequency = np.zeros(n, dtype=np.int64)
    recency = np.zeros(n)
    alive = np.ones(n, dtype=bool)
    active = np.arange(n)  # customers still alive and within their observation window
    clock = np.zeros(n)
    while active.size:
        with np.errstate(divide="ignore"):
            wait = rng.exponential(1.0 / lam[active])
        nxt = clock[active] + wait
        bought = nxt <= age[active]
        active = active[bought]
        nxt = nxt[bought]
        frequency[active] += 1
        recency[active] = nxt
        clock[active] = nxt
        died = rng.random(active.size) < p[active]
        alive[active[died]] = False
        active = active[~died]
    if resolution is not None:
        recency = np.floor(recency / resolution + 1e-9) * resolution
        recency = np.minimum(recency, age)
    return pd.DataFrame(
        {
            "frequency": frequency,
            "recency": recency,
            "T": age,
            "lambda": lam,
            "p": p,
            "alive": alive,
        }
    )
