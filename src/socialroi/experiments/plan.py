"""Plan an experiment by simulation from the workspace's own history.

Nothing is assumed about the spread of the metric: it is resampled from what the account's
posts and markets actually did.

- **post and author tests**: draw 2n posts of the population from history (with their own
  impressions and counts, so their variance, formats and seasons come along), deal them to two
  arms, give arm B the lift (each count gets Poisson-drawn extra counts, or binomial thinning
  for a fall), and test the rate ratio with per-post robust errors (the Poisson GLM's sandwich,
  in closed form for one binary arm). Power = the share of simulations that find the effect; n is
  the smallest that reaches the power asked for while the test, run on the same resamples
  without the lift, finds an effect at most 1.5 x alpha of the time (with few, skewed posts the
  robust test is over-confident; the plan waits until it is not).
- **cadence and market tests**: every market x start week of history gives a placebo
  difference-in-differences estimate of W weeks after against W weeks before (the weeks'
  seasonality and the markets' correlation come with them). Power = the share of placebo
  estimates plus the lift beyond the placebos' own 1 - alpha quantile of |estimate|; W is the
  smallest that reaches the power.

Duration is said at the population's current volume (posts per week over the last 12 weeks).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from socialroi.errors import SocialroiError
from socialroi.experiments.data import post_frame, weekly_panel
from socialroi.experiments.design import METRICS, Spec, matches

SIZES = (10, 15, 20, 30, 40, 60, 80, 120, 160, 240, 320, 480, 640, 960, 1280, 1920, 2560, 3840)


@dataclass
class Plan:
    design: str
    metric: str
    lift: float
    power: float
    alpha: float
    needed: int | None  # posts per arm, or weeks after the start; None: not reachable
    unit: str
    weeks: float | None  # how long that takes at the current volume
    volume_per_week: float
    history: int  # posts (or market-weeks) the simulation drew from
    # (n, power, false-positive rate under no effect) per sample size tried
    curve: list[tuple] = field(default_factory=list)

    def words(self) -> str:
        if self.needed is None:
            return (
                f"A {self.lift:+.0%} change cannot be detected with {self.power:.0%} power within "
                f"{self.curve[-1][0] if self.curve else 0} {self.unit}: test a bigger change or "
                "a more frequent metric."
            )
        took = f", about {self.weeks:.0f} weeks at the current volume" if self.weeks else ""
        return (
            f"To detect a {self.lift:+.0%} change in {self.metric.replace('_', ' ')} with "
            f"{self.power:.0%} power (two-sided alpha {self.alpha}) needs {self.needed} "
            f"{self.unit}{took}."
        )


def plan(
    ws,
    spec: Spec,
    lift: float,
    power: float = 0.8,
    sims: int = 400,
    seed: int = 0,
) -> Plan:
    posts = post_frame(ws)
    if spec.design in ("cadence", "market"):
        return _plan_weeks(posts, spec, lift, power, seed)
    return _plan_posts(posts, spec, lift, power, sims, seed)


def _volume(pool: pd.DataFrame) -> float:
    if pool.empty:
        return 0.0
    last = max(pool.local_date)
    recent = pool[pool.local_date > last - dt.timedelta(weeks=12)]
    return len(recent) / 12


def _plan_posts(posts, spec: Spec, lift: float, power: float, sims: int, seed: int) -> Plan:
    count, exposure = METRICS[spec.metric]
    pool = posts[matches(posts, spec.population)]
    if exposure:
        pool = pool[pool[exposure] > 0]
    if len(pool) < 10:
        raise SocialroiError(f"only {len(pool)} posts match the population: too few to plan from")
    y = pool[count].to_numpy()
    e = pool[exposure].to_numpy() if exposure else np.ones(len(pool))
    rng = np.random.default_rng(seed)
    curve, needed = [], None
    for n in SIZES:
        got = _rejections(rng, y, e, n, sims, lift, spec.alpha)
        false = _rejections(rng, y, e, n, sims, 0.0, spec.alpha)
        curve.append((n, got, false))
        # the smallest n with the power asked for at which the test also keeps its size (with
        # few, skewed posts the robust test finds "effects" too often)
        if got >= power and false <= 1.5 * spec.alpha:
            needed = n
            break
    vol = _volume(pool)
    return Plan(spec.design, spec.metric, lift, power, spec.alpha, needed, "posts per arm",
                2 * needed / vol if needed and vol else None, vol, len(pool), curve)  # fmt: skip


def _rejections(rng, y, e, n: int, sims: int, lift: float, alpha: float) -> float:
    """Share of `sims` two-arm samples of n posts each (B lifted) the test calls significant."""
    ia, ib = rng.integers(0, len(y), (sims, n)), rng.integers(0, len(y), (sims, n))
    ya, ea, yb, eb = y[ia], e[ia], y[ib], e[ib]
    if lift >= 0:
        yb = yb + rng.poisson(yb * lift)
    else:
        yb = rng.binomial(yb.astype(np.int64), 1 + lift)
    ra, rb = ya.sum(1) / ea.sum(1), yb.sum(1) / eb.sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        va = ((ya - ra[:, None] * ea) ** 2).sum(1) / ya.sum(1) ** 2
        vb = ((yb - rb[:, None] * eb) ** 2).sum(1) / yb.sum(1) ** 2
        # HC1's n / (n - 1) and a t threshold: the sandwich is optimistic in small samples
        z = np.log(rb / ra) / np.sqrt((va + vb) * n / (n - 1))
    return float(np.nanmean(np.abs(z) > stats.t.isf(alpha / 2, 2 * n - 2)))


def _plan_weeks(posts, spec: Spec, lift: float, power: float, seed: int) -> Plan:
    panel = weekly_panel(posts, spec)  # all of history: market tests take no window here
    if panel.empty:
        raise SocialroiError("no posts match the population: nothing to plan from")
    wide = np.log1p(panel.pivot(index="period", columns="unit", values="y").sort_index())
    t, m = wide.shape
    if m < 3 or t < 8:
        raise SocialroiError("planning a market test needs three markets and eight weeks")
    x = wide.to_numpy()
    q = 1 - spec.alpha
    curve, needed = [], None
    delta = math.log1p(lift)
    for w in range(2, t // 2 + 1):
        est = []
        for s in range(w, t - w + 1):
            pre, post = x[s - w : s].mean(0), x[s : s + w].mean(0)
            change = post - pre
            for j in range(m):
                est.append(change[j] - np.delete(change, j).mean())
        est = np.asarray(est)
        crit = np.quantile(np.abs(est), q)
        got = float(np.mean(np.abs(est + delta) > crit))
        curve.append((w, got, float(np.mean(np.abs(est) > crit))))
        if got >= power:
            needed = w
            break
    return Plan(spec.design, spec.metric, lift, power, spec.alpha, needed, "weeks after the start",
                float(needed) if needed else None, float(len(panel[panel.posts > 0]) / t), m * t,
                curve)  # fmt: skip
