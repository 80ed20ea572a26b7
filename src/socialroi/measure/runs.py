"""Rows sorted by a key, cut into runs of equal keys.

Per-group Python work through pandas (`groupby(...).agg(list)`, `.agg(" > ".join)`) builds a
Series for every group: on the large demo's 156,000 orders or its journeys that is seconds
spent in pandas' machinery, not in the work. When the rows are already sorted by the key, a
group is one run of rows, found by where the key changes.
"""

from __future__ import annotations

import numpy as np


def bounds(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(starts, ends) of the runs of equal values in `keys` (sorted by them, or at least with
    each key's rows together): rows starts[i]:ends[i] are the i-th run."""
    if not len(keys):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    return starts, np.r_[starts[1:], len(keys)]
