"""Group-sequential bounds: peek at a running test without inflating the false-positive rate.

`sequential_bounds(k, alpha, kind)` gives the classical two-sided boundaries for K equally
spaced looks (Pocock 1977: one constant c at every look; O'Brien & Fleming 1979: c * sqrt(K/k),
strict early and close to 1.96 at the end), the constant chosen so that under no effect the
chance of ever crossing is exactly `alpha`. `spending_bounds(times, alpha, kind)` gives Lan &
DeMets (1983) alpha-spending boundaries for looks at any information fractions (the looks need
not be equal or planned): O'Brien-Fleming-type spending 2 - 2 Phi(z_{alpha/2} / sqrt(t)) or
Pocock-type alpha ln(1 + (e - 1) t).

The crossing probabilities are computed exactly, by the recursive numerical integration of
Armitage, McPherson & Rowe (1969) as in Jennison & Turnbull (2000, ch. 19): the score statistic's
density on the continuation region is carried from look to look on a fine grid (Simpson's
rule), so the constants agree with Jennison & Turnbull's Tables 2.1 and 2.3 to their three
decimals (tests check them).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import optimize, stats

KINDS = ("obrien-fleming", "pocock")
_STEP = 0.05  # grid step, in standard deviations of each increment


def _grid(lo: float, hi: float, sd: float) -> tuple[np.ndarray, np.ndarray]:
    """Points and Simpson weights on [lo, hi], spacing about _STEP * sd."""
    n = max(int(math.ceil((hi - lo) / (_STEP * sd))), 2)
    n += n % 2  # Simpson needs an even number of intervals
    x = np.linspace(lo, hi, n + 1)
    w = np.ones(n + 1)
    w[1:-1:2], w[2:-1:2] = 4, 2
    return x, w * (hi - lo) / (3 * n)


def crossing_probabilities(bounds: Sequence[float], times: Sequence[float]) -> np.ndarray:
    """P(first |Z| crossing at look k), k = 1..K, under no effect, for two-sided z bounds at
    information fractions `times` (increasing, last <= 1 or any positive scale)."""
    t = np.asarray(times, dtype="float64")
    b = np.asarray(bounds, dtype="float64")
    out = np.zeros(len(t))
    # score S_k = Z_k sqrt(t_k): Brownian motion, increments N(0, t_k - t_{k-1})
    sd1 = math.sqrt(t[0])
    out[0] = 2 * stats.norm.sf(b[0])
    edge = b[0] * sd1
    x, w = _grid(-edge, edge, sd1)
    dens = stats.norm.pdf(x, scale=sd1)
    for k in range(1, len(t)):
        sd = math.sqrt(t[k] - t[k - 1])
        edge = b[k] * math.sqrt(t[k])
        gw = dens * w
        up = stats.norm.sf((edge - x) / sd)
        down = stats.norm.cdf((-edge - x) / sd)
        out[k] = float(gw @ (up + down))
        if k + 1 < len(t):
            y, wy = _grid(-edge, edge, sd)
            dens = stats.norm.pdf((y[:, None] - x[None, :]) / sd) @ gw / sd
            x, w = y, wy
    return out


def _shape(k: int, kind: str) -> np.ndarray:
    looks = np.arange(1, k + 1)
    if kind == "pocock":
        return np.ones(k)
    if kind == "obrien-fleming":
        return np.sqrt(k / looks)
    raise ValueError(f"unknown kind {kind!r}; valid: {', '.join(KINDS)}")


def sequential_bounds(k: int, alpha: float = 0.05, kind: str = "obrien-fleming") -> list[float]:
    """The K two-sided z critical values for K equally spaced looks (Pocock or O'Brien-Fleming)
    with overall two-sided type I error `alpha`."""
    if k < 1:
        raise ValueError("k must be at least 1")
    if not 0 < alpha < 1:
        raise ValueError("alpha must lie in (0, 1)")
    shape = _shape(k, kind)
    times = np.arange(1, k + 1) / k

    def excess(c: float) -> float:
        return crossing_probabilities(c * shape, times).sum() - alpha

    c = optimize.brentq(excess, stats.norm.isf(alpha / 2) * 0.9, 8.0, xtol=1e-8)
    return [float(v) for v in c * shape]


def spent(t: float, alpha: float, kind: str) -> float:
    """Alpha spent by information fraction t (Lan-DeMets spending functions)."""
    t = min(max(t, 0.0), 1.0)
    if t == 0:
        return 0.0
    if kind == "obrien-fleming":  # each side spends alpha/2 with 2 - 2 Phi(z_{alpha/4} / sqrt(t))
        return float(4 * stats.norm.sf(stats.norm.isf(alpha / 4) / math.sqrt(t)))
    if kind == "pocock":
        return float(alpha * math.log(1 + (math.e - 1) * t))
    raise ValueError(f"unknown kind {kind!r}; valid: {', '.join(KINDS)}")


def spending_bounds(
    times: Sequence[float], alpha: float = 0.05, kind: str = "obrien-fleming"
) -> list[float]:
    """Two-sided z bounds for looks at information fractions `times` (0 < t_1 < ... <= 1),
    Lan-DeMets alpha spending of the O'Brien-Fleming or Pocock type."""
    t = [float(v) for v in times]
    if not t or any(b <= a for a, b in zip(t, t[1:], strict=False)) or t[0] <= 0 or t[-1] > 1:
        raise ValueError("information fractions must increase within (0, 1]")
    bounds: list[float] = []
    for k in range(len(t)):
        target = (
            spent(t[k], alpha, kind) - spent(t[k - 1], alpha, kind)
            if k
            else spent(t[0], alpha, kind)
        )
        if target <= 1e-15:
            bounds.append(math.inf)
            continue

        def excess(c: float, k: int = k, target: float = target) -> float:
            return crossing_probabilities([*bounds, c], t[: k + 1])[k] - target

        bounds.append(float(optimize.brentq(excess, 0.5, 12.0, xtol=1e-8)))
    return bounds


def look_verdict(z: float, look: int, bounds: Sequence[float]) -> str:
    """'stop' when |z| crosses this look's bound, else 'continue' (or 'no effect shown' at
    the last look)."""
    if abs(z) >= bounds[look - 1]:
        return "stop"
    return "continue" if look < len(bounds) else "no effect shown"
