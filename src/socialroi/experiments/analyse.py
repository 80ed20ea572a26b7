"""Read an experiment: the right test for its design and metric, an interval, a probability, a
plain-words verdict, what a conclusive answer would need, and the effect in money.

- post and author tests on a rate (engagements or link clicks per impression): the Poisson GLM
  rate ratio with a log-impressions offset (`counts.rate_ratio`), errors clustered by author or
  day when there are enough clusters (>= 10), else robust per post; the pooled z test and
  P(B > A) on the summed counts beside it, flagged when the posts are over-dispersed (then the
  z test's independence does not hold and its p-value is too small); Welch's t on per-post rates;
- the same tests on a count without exposure: Welch's t on per-post counts;
- cadence and market tests: difference-in-differences on log weekly counts (the interval),
  synthetic control beside it, each with in-space placebos;
- planned looks: the O'Brien-Fleming bound of the current look (by the share of the planned
  window elapsed; Lan-DeMets spending for that unequal look).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from scipy import stats

from socialroi.experiments.counts import rate_ratio
from socialroi.experiments.data import arm_posts, post_frame, weekly_panel
from socialroi.experiments.design import METRICS, Spec
from socialroi.experiments.markets import diff_in_diff, synthetic_control
from socialroi.experiments.means import welch
from socialroi.experiments.proportions import two_proportions
from socialroi.experiments.sequential import spending_bounds
from socialroi.experiments.value import business_value

MIN_CLUSTERS = 10
POWER = 0.8


@dataclass
class Analysis:
    name: str
    design: str
    question: str
    metric: str
    method: str
    arms: list[dict[str, Any]]  # arm, units, count, exposure, rate
    effect: float  # relative: B / A - 1, or the treated market's change beyond the others
    low: float
    high: float
    p_value: float
    significant: bool
    verdict: str
    needed: str  # what a conclusive answer needs ("" when conclusive)
    prob_b_better: float | None = None
    checks: dict[str, Any] = field(default_factory=dict)  # secondary tests
    business: dict[str, Any] = field(default_factory=dict)
    sequential: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


def analyse(ws, exp: dict[str, Any], today: dt.date | None = None) -> Analysis:
    """Analyse a stored experiment (`store.experiments.experiment(...)`)."""
    spec = Spec.from_dict(exp["spec"])
    posts = post_frame(ws)
    if spec.design in ("cadence", "market"):
        res = _market(posts, spec)
    else:
        res = _posts(posts, spec, exp["units"])
    res.business = business_value(ws, posts, spec, res)
    if spec.looks and spec.start and spec.end:
        res.sequential = _look(spec, res, today)
    return res


def _words(x: float) -> str:
    return f"{x:+.0%}" if abs(x) >= 0.01 else f"{x:+.1%}"


def _posts(posts: pd.DataFrame, spec: Spec, units) -> Analysis:
    arms = arm_posts(posts, spec, units)
    names = list(spec.arms)
    a_name, b_name = names
    count, exposure = METRICS[spec.metric]
    a, b = arms[arms.arm == a_name], arms[arms.arm == b_name]
    summary = [
        {
            "arm": n,
            "units": len(d),
            "count": float(d[count].sum()),
            "exposure": float(d[exposure].sum()) if exposure else None,
            "rate": float(d[count].sum() / d[exposure].sum())
            if exposure and d[exposure].sum() > 0
            else float(d[count].mean())
            if len(d)
            else math.nan,
        }
        for n, d in ((a_name, a), (b_name, b))
    ]
    notes: list[str] = []
    if len(a) < 2 or len(b) < 2:
        return Analysis(
            spec.name, spec.design, spec.question, spec.metric, "none", summary, math.nan,
            math.nan, math.nan, math.nan, False,
            "Not enough posts yet: each arm needs at least two posts with figures.",
            "Publish the planned posts and import their exports.",
        )  # fmt: skip
    checks: dict[str, Any] = {}
    if exposure:
        d = pd.concat([a, b])
        d = d[d[exposure] > 0]
        clusters = None
        if spec.cluster in ("author", "day"):
            col = "author" if spec.cluster == "author" else "local_date"
            if d[col].nunique() >= MIN_CLUSTERS:
                clusters = d[col].to_numpy()
            else:
                notes.append(
                    f"only {d[col].nunique()} {spec.cluster}s: errors are robust per post, not "
                    f"clustered by {spec.cluster}; the result speaks for these {spec.cluster}s"
                )
        r = rate_ratio(d[count], d[exposure], d.arm == b_name, clusters=clusters)
        method = f"Poisson GLM, log-{exposure} offset, {r.errors} errors"
        effect, low, high, p = r.lift, r.low - 1, r.high - 1, r.p_value
        se = math.log(r.high / r.rate_ratio) / stats.norm.ppf(0.975)
        pz = two_proportions(int(a[count].sum()), int(a[exposure].sum()),
                             int(b[count].sum()), int(b[exposure].sum()))  # fmt: skip
        checks["two_proportions"] = {
            "z": pz.z, "p_value": pz.p_value, "prob_b_better": pz.prob_b_better,
            "lift": pz.lift, "low": pz.lift_low, "high": pz.lift_high,
        }  # fmt: skip
        checks["dispersion"] = r.dispersion
        if r.dispersion > 1.5:
            notes.append(
                f"posts vary {r.dispersion:.1f}x more than independent impressions would: the "
                "pooled z test on summed counts overstates certainty; the GLM's interval does not"
            )
        prob = pz.prob_b_better
        ra, rb = (
            a[count] / a[exposure].where(a[exposure] > 0),
            b[count] / b[exposure].where(b[exposure] > 0),
        )
        w = welch(ra.dropna(), rb.dropna())
        checks["welch_per_post_rate"] = {"difference": w.difference, "low": w.low,
                                         "high": w.high, "p_value": w.p_value}  # fmt: skip
    else:
        w = welch(a[count], b[count])
        method = "Welch's t on per-post counts"
        effect, low, high, p = w.lift, w.low / w.mean_a, w.high / w.mean_a, w.p_value
        se = (w.high - w.low) / (2 * stats.t.ppf(0.975, w.df)) / max(w.mean_a, 1e-12)
        prob = float(stats.norm.cdf(w.difference / max(se * w.mean_a, 1e-12)))
    significant = p < spec.alpha
    n_per_arm = (len(a) + len(b)) / 2
    return Analysis(
        spec.name, spec.design, spec.question, spec.metric, method, summary, effect, low, high,
        p, significant, _verdict(b_name, a_name, spec.metric, effect, low, high, significant),
        "" if significant else _needed(se, n_per_arm, effect, spec.alpha, "posts per arm"),
        prob, checks, notes=notes,
    )  # fmt: skip


def _market(posts: pd.DataFrame, spec: Spec) -> Analysis:
    panel = weekly_panel(posts, spec)
    start = dt.date.fromisoformat(spec.start)
    if spec.end:
        panel = panel[panel.period <= dt.date.fromisoformat(spec.end)]
    units = sorted(panel.unit.unique()) if len(panel) else []
    if spec.treated not in units or len(units) < 3 or not (panel.period >= start).any():
        return Analysis(
            spec.name, spec.design, spec.question, spec.metric, "none", [], math.nan, math.nan,
            math.nan, math.nan, False,
            "Not enough data yet: the treated market, two other markets and weeks on both "
            "sides of the start are needed.", "Import the weeks after the change.",
        )  # fmt: skip
    did = diff_in_diff(panel, spec.treated, start)
    sc = synthetic_control(panel, spec.treated, start)
    post = panel.period >= start
    summary = []
    for name, m in ((f"{spec.treated} (treated)", panel.unit == spec.treated),
                    ("other markets", panel.unit != spec.treated)):  # fmt: skip
        summary.append({
            "arm": name, "units": int(panel[m].unit.nunique()),
            "count": float(panel[m & post].y.sum()), "exposure": None,
            "rate": float(panel[m & ~post].groupby("unit").y.mean().mean()),
            "rate_after": float(panel[m & post].groupby("unit").y.mean().mean()),
        })  # fmt: skip
    significant = did.p_value < spec.alpha
    se = (did.high - did.low) / (2 * stats.norm.ppf(0.975))
    weeks = int(post.sum() / max(len(units), 1))
    notes = [
        f"synthetic control: {_words(sc.relative)} (placebo rank p = {sc.placebo_p:.2f} among "
        f"{len(sc.placebos) + 1} markets; with few markets it can never be below "
        f"{1 / (len(sc.placebos) + 1):.2f})"
    ]
    return Analysis(
        spec.name, spec.design, spec.question, spec.metric,
        "difference-in-differences on log weekly counts (market and week fixed effects, HC1)",
        summary, did.relative, did.relative_low, did.relative_high, did.p_value, significant,
        _market_verdict(spec, did.relative, did.relative_low, did.relative_high, significant),
        "" if significant else _needed(se, weeks, did.relative, spec.alpha, "weeks after"),
        None,
        {"synthetic_control": {"relative": sc.relative, "low": sc.low, "high": sc.high,
                               "placebo_p": sc.placebo_p, "weights": sc.weights},
         "did_placebo_p": did.placebo_p, "did_placebos": did.placebos},
        notes=notes,
    )  # fmt: skip


def _verdict(b: str, a: str, metric: str, eff, low, high, significant: bool) -> str:
    what = metric.replace("_", " ")
    rng = f"{_words(low)} to {_words(high)}"
    if significant:
        direction = "higher" if eff > 0 else "lower"
        return (
            f"{b} has a {direction} {what} than {a}: {_words(eff)} (95% interval {rng}). "
            "A real difference, not noise."
        )
    return (
        f"No difference shown between {b} and {a} on {what}: {_words(eff)}, but the 95% "
        f"interval ({rng}) includes no change."
    )


def _market_verdict(spec: Spec, eff, low, high, significant: bool) -> str:
    what = f"weekly {spec.metric.replace('_', ' ')}"
    rng = f"{_words(low)} to {_words(high)}"
    if significant:
        return (
            f"After the change, {what} in {spec.treated} moved {_words(eff)} beyond the other "
            f"markets' own change (95% interval {rng}). A real effect, not the season."
        )
    return (
        f"No effect shown: {what} in {spec.treated} moved {_words(eff)} beyond the other "
        f"markets, but the 95% interval ({rng}) includes no change."
    )


def _needed(se: float, n: float, effect: float, alpha: float, unit: str) -> str:
    """The sample that would detect the observed effect (or a 10% one) with 80% power."""
    target = abs(effect) if abs(effect) >= 0.05 else 0.10
    need_se = math.log1p(target) / (stats.norm.isf(alpha / 2) + stats.norm.ppf(POWER))
    if not se or not math.isfinite(se) or se <= 0:
        return ""
    factor = (se / need_se) ** 2
    return (
        f"To detect a {target:.0%} change with 80% power would need about "
        f"{int(math.ceil(n * factor))} {unit} (now {int(n)})."
    )


def _look(spec: Spec, res: Analysis, today: dt.date | None) -> dict[str, Any]:
    s, e = dt.date.fromisoformat(spec.start), dt.date.fromisoformat(spec.end)
    today = today or dt.date.today()
    frac = min(max((today - s).days / max((e - s).days, 1), 1e-3), 1.0)
    planned = [k / spec.looks for k in range(1, spec.looks + 1)]
    times = [t for t in planned if t < frac - 1e-9] + [frac]
    bounds = spending_bounds(times, spec.alpha, "obrien-fleming")
    z = float(stats.norm.isf(res.p_value / 2)) if res.p_value == res.p_value else 0.0
    crossed = z >= bounds[-1]
    return {"look": len(times), "of": spec.looks, "information": frac, "bound": bounds[-1],
            "z": z, "stop": crossed}  # fmt: skip
