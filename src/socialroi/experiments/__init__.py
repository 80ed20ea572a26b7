"""Experiments for organic social: plan, assign, analyse (issue 16).

The stage above `measure`'s level (ranked with it): it reads posts and their figures through
`measure`, keeps assignments in the workspace through `store`, and `deliver` shows the results.

```python
from socialroi.experiments import two_proportions, sequential_bounds

two_proportions(120, 10_000, 150, 10_000).p_value       # pooled z, two-sided
sequential_bounds(5, alpha=0.05, kind="obrien-fleming")  # five looks, two-sided z bounds
```

See docs/experiments.md for which design answers which question.
"""

from socialroi.experiments.analyse import Analysis, analyse
from socialroi.experiments.counts import RateResult, rate_ratio
from socialroi.experiments.design import DESIGNS, METRICS, Spec, assign
from socialroi.experiments.markets import diff_in_diff, synthetic_control
from socialroi.experiments.means import MeansResult, cuped, welch
from socialroi.experiments.plan import Plan, plan
from socialroi.experiments.proportions import ProportionsResult, prob_b_beats_a, two_proportions
from socialroi.experiments.registry import analyse_named, load, names, pick_treated, save
from socialroi.experiments.sequential import sequential_bounds, spending_bounds

__all__ = [
    "DESIGNS",
    "METRICS",
    "Analysis",
    "Plan",
    "Spec",
    "analyse",
    "analyse_named",
    "assign",
    "load",
    "names",
    "pick_treated",
    "plan",
    "save",
    "MeansResult",
    "ProportionsResult",
    "RateResult",
    "cuped",
    "diff_in_diff",
    "prob_b_beats_a",
    "rate_ratio",
    "sequential_bounds",
    "spending_bounds",
    "synthetic_control",
    "two_proportions",
    "welch",
]
