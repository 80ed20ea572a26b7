"""Per-path helpers shared by the kernels: segment sums and turning weights into shares."""

from __future__ import annotations

import numpy as np
import pandas as pd

from socialroi.measure.attribution.paths import PathTable


def segment_sum(table: PathTable, x: np.ndarray) -> np.ndarray:
    """Sum of ``x`` (one value per touch) over each path."""
    return np.add.reduceat(x, table.offsets[:-1]) if len(x) else np.zeros(0)


def normalise(table: PathTable, weights: np.ndarray) -> np.ndarray:
    """Scale non-negative per-touch ``weights`` so each path's sum to 1; a path whose weights
    are all zero gives everything to its last touch."""
    weights = np.asarray(weights, dtype=float)
    totals = segment_sum(table, weights)
    zero = ~(totals > 0)
    if zero.any():
        weights = np.where(np.repeat(zero, table.lengths), 0.0, weights)
        weights[table.offsets[1:][zero] - 1] = 1.0
        totals = np.where(zero, 1.0, totals)
    return weights / np.repeat(totals, table.lengths)


def touches_per_channel(table: PathTable) -> np.ndarray:
    """Per touch: how many touches of the same channel its path has."""
    n_keys = table.n_paths * max(len(table.channels), 1)
    key = table.path_of_token * max(len(table.channels), 1) + table.tokens
    if n_keys <= 1 << 24:
        return np.bincount(key, minlength=n_keys)[key].astype(float)
    inverse, uniques = pd.factorize(key)
    return np.bincount(inverse, minlength=len(uniques))[inverse].astype(float)


def journey_shares(table: PathTable, channel_weight: np.ndarray) -> np.ndarray:
    """Split each path over its distinct channels in proportion to ``channel_weight`` (one
    value per channel), each channel's part shared equally by its touches in the path."""
    w = np.asarray(channel_weight, dtype=float)[table.tokens] / touches_per_channel(table)
    return normalise(table, w)
