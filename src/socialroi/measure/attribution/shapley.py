"""Exact Shapley-value attribution over channel sets, by bitmask dynamic programming.

Players are channels; a journey's coalition is the *set* of its distinct channels.
``v(S)`` is the conversion rate ``conversions / (conversions + nulls)`` of the journeys whose
channel set is exactly ``S`` (0 when there are none). The worth of a coalition is
``w(S) = sum(v(T) for T subset of S)`` (Zhao, Mahboobi & Bagheri 2018, "Shapley Value
Methods for Attribution Modeling in Online Advertising"): a coalition earns what every
sub-coalition converts on its own. ``w`` is the subset-sum (zeta) transform of ``v``; the
Shapley value is the usual weighted sum of marginal contributions over all ``2^n``
coalitions, with no truncation. For this worth, ``v(T)`` is the Harsanyi dividend of ``T``,
so ``phi_j = sum(v(T) / |T| for T containing j)`` -- the "simplified Shapley value" of Zhao
et al.; the tests check the DP against it.

``allocation="global"`` (default) shares all conversions (and values) in proportion to
``phi`` of the game over all channels. ``allocation="journey"`` splits each journey over its
own channels in proportion to their Shapley values in the sub-game on its channel set ``S``
(``phi^S_j = sum(v(T)/|T| for j in T subset of S)``), so shares are per touch.
"""

from __future__ import annotations

import math

import numpy as np

from socialroi.measure.attribution.paths import AttributionInputError, PathTable
from socialroi.measure.attribution.registry import Credits, register_model
from socialroi.measure.attribution.shares import normalise, touches_per_channel


def zeta(f: np.ndarray, n: int) -> np.ndarray:
    """Subset-sum transform: ``out[S] = sum(f[T] for T subset of S)`` over ``2**n`` masks
    (also along a leading axis when ``f`` is 2-D)."""
    out = np.array(f, dtype=float, copy=True)
    lead = out.shape[:-1]
    for i in range(n):
        view = out.reshape(*lead, -1, 2, 1 << i)
        view[..., 1, :] += view[..., 0, :]
    return out


def popcount(n: int) -> np.ndarray:
    """Number of set bits of every mask ``0 .. 2**n - 1``."""
    counts = np.zeros(1, dtype=np.int64)
    for _ in range(n):
        counts = np.concatenate([counts, counts + 1])
    return counts


def shapley_values(worth: np.ndarray, n: int) -> np.ndarray:
    """Exact Shapley values of the ``n``-player game with ``worth[mask]`` (``worth[0]`` = 0).

    ``phi_j = sum over S without j of |S|! (n-|S|-1)! / n! * (worth[S+j] - worth[S])``,
    vectorised over all ``2**n`` coalitions.
    """
    size = popcount(n)
    weight = np.array(
        [math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)]
    )
    phi = np.empty(n)
    for j in range(n):
        view = worth.reshape(-1, 2, 1 << j)
        sizes = size.reshape(-1, 2, 1 << j)[:, 0, :]
        phi[j] = np.sum(weight[sizes] * (view[:, 1, :] - view[:, 0, :]))
    return phi


def channel_masks(table: PathTable) -> np.ndarray:
    """Bitmask of the channel set of every path (bit ``i`` = channel ``i``)."""
    bits = np.left_shift(np.int64(1), table.tokens.astype(np.int64))
    return np.bitwise_or.reduceat(bits, table.offsets[:-1])


def coalition_rates(table: PathTable, masks: np.ndarray, n: int) -> np.ndarray:
    """``v[S]``: conversion rate of the journeys whose channel set is exactly ``S``."""
    conv = np.bincount(masks, weights=table.conversions, minlength=1 << n)
    seen = conv + np.bincount(masks, weights=table.nulls, minlength=1 << n)
    return np.divide(conv, seen, out=np.zeros(1 << n), where=seen > 0)


def journey_values(v: np.ndarray, masks: np.ndarray, n: int) -> np.ndarray:
    """``(n_paths, n)``: Shapley values of each channel in the sub-game on the path's set."""
    size = popcount(n)
    dividend = np.divide(v, size, out=np.zeros_like(v), where=size > 0)
    out = np.empty((len(masks), n))
    for j in range(n):
        has_j = (np.arange(1 << n) >> j) & 1
        out[:, j] = zeta(dividend * has_j, n)[masks]
    return out


class TooManyPlayers(AttributionInputError):
    """Exact Shapley values need 2^n coalitions: above the limit the model is not computed
    (the other models are; `compare()` says why Shapley is missing)."""

    def __init__(self, n: int, limit: int) -> None:
        self.n, self.limit = n, limit
        super().__init__(
            f"shapley: {n} channels need 2^{n} coalitions; at most max_channels={limit} "
            "are allowed (group campaigns into channels, or raise max_channels)"
        )


def shapley(table: PathTable, allocation: str = "global", max_channels: int = 20) -> Credits:
    """Exact Shapley attribution; see the module docstring."""
    if allocation not in ("global", "journey"):
        raise AttributionInputError(
            f"shapley: allocation must be 'global' or 'journey', got {allocation!r}"
        )
    n = len(table.channels)
    if n > max_channels:
        raise TooManyPlayers(n, max_channels)
    masks = channel_masks(table)
    v = coalition_rates(table, masks, n)
    if allocation == "journey":
        per_path = journey_values(v, masks, n)
        weight = per_path[table.path_of_token, table.tokens] / touches_per_channel(table)
        return Credits(normalise(table, weight), info={"coalitions": 1 << n})
    phi = shapley_values(zeta(v, n), n)
    total = phi.sum()
    share = phi / total if total > 0 else np.zeros(n)
    return Credits(
        None,
        channel_conversions=share * table.conversions.sum(),
        channel_values=share * table.values.sum(),
        info={"shapley_values": phi, "coalitions": 1 << n},
    )


register_model("shapley", shapley)
