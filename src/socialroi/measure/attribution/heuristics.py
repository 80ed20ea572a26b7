"""Rule-based attribution kernels: first/last click, last non-direct, linear, time decay and
position based. Each returns per-touch fractions of its path's conversions (summing to 1 per
path), computed for all paths at once with numpy.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from socialroi.measure.attribution.paths import AttributionInputError, PathTable
from socialroi.measure.attribution.registry import Credits, register_model
from socialroi.measure.attribution.shares import normalise

DIRECT = ("direct", "(direct)")


def first_click(table: PathTable) -> Credits:
    """All credit to the first touch."""
    return Credits((table.position == 0).astype(float))


def last_click(table: PathTable) -> Credits:
    """All credit to the last touch."""
    return Credits((table.position == np.repeat(table.lengths - 1, table.lengths)).astype(float))


def last_non_direct(table: PathTable, direct: Iterable[str] = DIRECT) -> Credits:
    """All credit to the last touch whose channel is not direct (compared case-insensitively
    after stripping); a path made only of direct touches credits its last touch."""
    names = {str(d).strip().lower() for d in direct}
    is_direct = np.array([str(c).lower() in names for c in table.channels], dtype=bool)
    tok_direct = is_direct[table.tokens] if len(table.channels) else np.zeros(0, bool)
    pos = table.position
    candidate = np.where(tok_direct, -1, pos)
    best = np.maximum.reduceat(candidate, table.offsets[:-1])
    best = np.where(best < 0, table.lengths - 1, best)
    return Credits((pos == np.repeat(best, table.lengths)).astype(float))


def linear(table: PathTable) -> Credits:
    """Each touch earns 1/len(path); a repeated channel earns once per touch (as
    ChannelAttribution's ``linear_touch``)."""
    return Credits(1.0 / np.repeat(table.lengths, table.lengths).astype(float))


def time_decay(table: PathTable, half_life: float = 7.0) -> Credits:
    """Touch weight ``2 ** (-dt / half_life)``, normalised per path.

    ``dt`` is the touch's days before the conversion from the ``times`` column when given,
    else the number of steps before the conversion (last touch 0, the one before 1, ...).
    """
    if not np.isfinite(half_life) or half_life <= 0:
        raise AttributionInputError(f"time_decay: half_life must be > 0, got {half_life!r}")
    if table.times is not None:
        dt = table.times
    else:
        dt = (np.repeat(table.lengths, table.lengths) - 1 - table.position).astype(float)
    rel = dt - np.repeat(np.minimum.reduceat(dt, table.offsets[:-1]), table.lengths)
    return Credits(normalise(table, np.exp2(-rel / half_life)))


def position_based(table: PathTable, first: float = 0.4, last: float = 0.4) -> Credits:
    """``first`` to the first touch, ``last`` to the last, the rest shared equally by the
    touches between. Two touches split ``first : last`` (50/50 by default); one touch gets
    everything."""
    if not (first >= 0 and last >= 0 and 0 < first + last <= 1):
        raise AttributionInputError(
            f"position_based: need first, last >= 0, 0 < first + last <= 1; got {first}, {last}"
        )
    n = np.repeat(table.lengths, table.lengths).astype(float)
    pos = table.position
    middle = (1.0 - first - last) / np.maximum(n - 2, 1)
    w = np.where(pos == 0, first, np.where(pos == n - 1, last, middle))
    two = n == 2
    w = np.where(two, np.where(pos == 0, first, last) / (first + last), w)
    w = np.where(n == 1, 1.0, w)
    return Credits(w)


for _name, _fn in {
    "first_click": first_click,
    "last_click": last_click,
    "last_non_direct": last_non_direct,
    "linear": linear,
    "time_decay": time_decay,
    "position_based": position_based,
}.items():
    register_model(_name, _fn)
