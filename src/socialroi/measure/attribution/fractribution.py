"""Path-level leave-one-out attribution, as Google's Fractribution computes it.

Fractribution (github.com/google/fractribution, ``run_shapley_attribution``) first applies a
path transform, aggregates conversions and non-conversions per transformed path and sets
``P(path) = conversions / (conversions + nulls)`` (0 for a path never seen). For a converting
path of length ``n > 1``, the touch at position ``i`` earns the marginal contribution
``max(0, P(path) - P(path without position i))``; contributions are normalised to sum to 1,
and when all are 0 the last touch gets everything. A one-touch path gets everything.

Transforms (Fractribution's names): ``"unique"`` keeps the path as is, ``"exposure"``
(Fractribution's default) collapses consecutive repeats, ``"first"`` keeps only each
channel's first touch. A transformed touch that stands for several original touches shares
its credit equally among them.
"""

from __future__ import annotations

import numpy as np

from socialroi.measure.attribution.paths import AttributionInputError, PathTable
from socialroi.measure.attribution.registry import Credits, register_model

TRANSFORMS = ("unique", "exposure", "first")


def transform(path: tuple[int, ...], name: str) -> tuple[tuple[int, ...], list[int]]:
    """The transformed path and, per original touch, the index of the event it maps to."""
    if name == "unique":
        return path, list(range(len(path)))
    events: list[int] = []
    owner: list[int] = []
    if name == "exposure":
        for i, ch in enumerate(path):
            if i == 0 or ch != path[i - 1]:
                events.append(ch)
            owner.append(len(events) - 1)
        return tuple(events), owner
    seen: dict[int, int] = {}
    for ch in path:
        if ch not in seen:
            seen[ch] = len(events)
            events.append(ch)
        owner.append(seen[ch])
    return tuple(events), owner


def event_shares(path: tuple[int, ...], rate: dict[tuple[int, ...], float]) -> np.ndarray:
    """Fractribution's normalised counterfactual marginal contributions of one path."""
    n = len(path)
    if n == 1:
        return np.ones(1)
    p = rate.get(path, 0.0)
    marginal = np.array([max(0.0, p - rate.get(path[:i] + path[i + 1 :], 0.0)) for i in range(n)])
    total = marginal.sum()
    if total > 0:
        return marginal / total
    out = np.zeros(n)
    out[-1] = 1.0
    return out


def fractribution(table: PathTable, path_transform: str = "exposure") -> Credits:
    """Leave-one-out (Fractribution) attribution; see the module docstring."""
    if path_transform not in TRANSFORMS:
        raise AttributionInputError(
            f"fractribution: unknown path_transform {path_transform!r}; "
            f"valid: {', '.join(TRANSFORMS)}"
        )
    tokens = table.tokens.tolist()
    bounds = table.offsets.tolist()
    mapped = [transform(tuple(tokens[a:b]), path_transform) for a, b in zip(bounds, bounds[1:])]
    conv: dict[tuple[int, ...], float] = {}
    seen: dict[tuple[int, ...], float] = {}
    for (events, _), c, n in zip(mapped, table.conversions, table.nulls):
        conv[events] = conv.get(events, 0.0) + c
        seen[events] = seen.get(events, 0.0) + c + n
    rate = {k: (conv[k] / s if s > 0 else 0.0) for k, s in seen.items()}
    cache: dict[tuple[int, ...], np.ndarray] = {}
    touch = np.empty(len(tokens))
    for (events, owner), a in zip(mapped, bounds):
        shares = cache.get(events)
        if shares is None:
            shares = cache[events] = event_shares(events, rate)
        owner_arr = np.asarray(owner)
        per_event = np.bincount(owner_arr, minlength=len(events))
        touch[a : a + len(owner)] = shares[owner_arr] / per_event[owner_arr]
    return Credits(touch, info={"path_transform": path_transform})


register_model("fractribution", fractribution)
