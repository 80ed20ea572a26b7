"""Path-level attribution kernels: DataFrame of paths in, credits per channel (or touch) out.

>>> import pandas as pd
>>> from socialroi.measure.attribution import attribute_paths
>>> df = pd.DataFrame({"path": ["a > b", "b"], "total_conversions": [2, 1]})
>>> attribute_paths(df, "linear")["total_conversions"].tolist()
[1.0, 2.0]

Models (``available_models()``): first_click, last_click, last_non_direct, linear,
time_decay, position_based, markov, shapley, fractribution. ``register_model(name, fn)``
adds one. See docs/attribution.md for the formulas.
"""

from socialroi.measure.attribution import fractribution, heuristics, markov, shapley  # noqa: F401
from socialroi.measure.attribution.api import (
    attribute_paths,
    attribute_table,
    channel_totals,
    credit_paths,
)
from socialroi.measure.attribution.markov import removal_effects
from socialroi.measure.attribution.paths import AttributionInputError, PathTable, parse_paths
from socialroi.measure.attribution.registry import (
    Credits,
    available_models,
    get_model,
    register_model,
)

__all__ = [
    "AttributionInputError",
    "Credits",
    "PathTable",
    "attribute_paths",
    "attribute_table",
    "available_models",
    "channel_totals",
    "credit_paths",
    "get_model",
    "parse_paths",
    "register_model",
    "removal_effects",
]
