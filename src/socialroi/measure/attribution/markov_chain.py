"""Build the k-order Markov chain of a path table exactly as ChannelAttribution does.

ChannelAttribution (``markov_model_cpp``) turns every path into states that are sliding
windows of ``order`` consecutive touches (a path shorter than ``order`` is one state made of
the whole path), drops a state that equals the state before it (consecutive identical states
collapse), and prepends ``(start)``. Each path then adds its ``conversions + nulls`` to every
transition between its states (and from ``(start)`` to its first state), ``conversions`` to
``last state -> (conversion)`` and ``nulls`` to ``last state -> (null)``. Transition
probabilities are those counts divided by the state's total outflow.

Removing a channel removes every state whose window contains it (transitions into them go to
``(null)``); :attr:`Chain.incidence_state` / :attr:`Chain.incidence_channel` list those pairs.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from socialroi.measure.attribution.paths import AttributionInputError, PathTable, first_rows


@dataclass(frozen=True)
class Chain:
    """Transient states ``0..n_states-1`` (0 is ``(start)``) of an absorbing chain.

    ``Q``: CSR transition probabilities between transient states; ``r_conv``: probability of
    moving to ``(conversion)``; ``r_value``: that probability times the mean conversion value
    of the paths ending in the state (the reward ChannelAttribution simulates for values).
    ``digits``: per state (row) the channel ids + 1 of its window, 0-padded; row 0 is start.
    """

    Q: sp.csr_matrix
    r_conv: np.ndarray
    r_value: np.ndarray
    digits: np.ndarray
    incidence_state: np.ndarray
    incidence_channel: np.ndarray
    n_channels: int

    @property
    def n_states(self) -> int:
        return self.Q.shape[0]


def windows(table: PathTable, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Per path its number of windows, and a ``(n_windows, order)`` digit matrix holding
    channel id + 1 of each touch in each window (0 = past the end of a short path)."""
    if order == 1:
        return table.lengths, (table.tokens + 1)[:, None]
    lengths = table.lengths
    n_win = np.maximum(lengths - order + 1, 1)
    win_len = np.minimum(lengths, order)
    path = np.repeat(np.arange(table.n_paths), n_win)
    first = np.repeat(np.cumsum(n_win) - n_win, n_win)
    start = np.repeat(table.offsets[:-1], n_win) + (np.arange(len(path)) - first)
    wl = win_len[path]
    digits = np.zeros((len(path), order), dtype=np.int64)
    for j in range(order):
        valid = j < wl
        digits[:, j] = np.where(valid, table.tokens[np.where(valid, start + j, 0)] + 1, 0)
    return n_win, digits


def _state_ids(digits: np.ndarray, base: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of ``digits``: (state per window, numbered from 1 since 0 is
    ``(start)``; the digits of each state).

    States are numbered by their last touch, then the ones before: the states a transition
    into ``(b, c)`` comes from, ``(., b)``, are then neighbours in memory, which makes the
    iterative solver's sparse products markedly more cache-friendly.
    """
    order = digits.shape[1]
    if float(base) ** order < 2.0**62:
        code = digits[:, order - 1]
        for j in reversed(range(order - 1)):  # last touch most significant: see _state_ids doc
            code = code * base + digits[:, j]
        space = base**order
        if space <= max(1 << 22, 4 * len(code)):  # dense lookup, no hashing
            seen = np.zeros(space, dtype=bool)
            seen[code] = True
            uniques = np.flatnonzero(seen)
            if uniques[0] == uniques[-1] - len(uniques) + 1:  # every code in a range is used
                state = code if uniques[0] == 1 else code - (uniques[0] - 1)
            else:
                state = np.cumsum(seen)[code]
        else:
            inverse, uniques = pd.factorize(code, sort=True)
            state = inverse.astype(np.int64) + 1
        # a state's digits back from its code
        state_digits = (uniques[:, None] // base ** np.arange(order)) % base
        return state.astype(np.int64, copy=False), state_digits.astype(np.int64)
    rows = np.ascontiguousarray(digits).view(np.dtype((np.void, 8 * order))).ravel()
    inverse, uniques = pd.factorize(np.array([r.tobytes() for r in rows], dtype=object))
    inverse = inverse.astype(np.int64)
    return inverse + 1, digits[first_rows(inverse, len(uniques))]


#: Touches below which order-1 transitions are counted on one thread.
PARALLEL_TOUCHES = 200_000
#: Touches counted at a time: their few arrays stay in the core's cache and are reused.
CHUNK_TOUCHES = 1 << 16


def _count_part(
    tokens: np.ndarray, offsets: np.ndarray, sums: tuple[np.ndarray, ...], n: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """Order-1 counts of consecutive paths (their touches' channel ids, their bounds among
    them from 0, and their conversions, values and nulls): transitions (flat ``n x n``,
    diagonal included) and what ends in each state (``3 x n``); None if a path weighs 0.
    State ``c + 1`` is channel ``c``; a path's first touch comes from ``(start)``, 0."""
    conversions, values, nulls = sums
    weight = conversions + nulls
    if not weight.min() > 0:
        return None
    starts = offsets[:-1]
    key = np.empty(len(tokens), dtype=np.intp)
    np.multiply(tokens[:-1], n, out=key[1:])
    key += tokens
    key += n + 1  # (previous + 1) * n + (this + 1)
    key[starts] = tokens[starts] + 1
    path = np.zeros(len(tokens), dtype=np.intp)
    path[starts[1:]] = 1
    np.cumsum(path, out=path)
    flat = np.bincount(key, weights=weight[path], minlength=n * n)
    last = tokens[offsets[1:] - 1] + 1
    ends = np.stack([np.bincount(last, weights=x, minlength=n) for x in sums])
    return flat, ends


def _order_one(table: PathTable, threads: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Dense transition counts and the conversions, values and nulls ending in each state
    (``3 x n``) at order 1, where every channel has a state of its own (channel ``c`` is
    state ``c + 1``) and the matrix is small; None otherwise (the general way then numbers
    the states that occur).

    The windows are the touches, so no window array is built: each touch's key
    ``previous state * n + state`` is made in place, a chunk of paths at a time, in two
    halves of the paths on two threads (numpy's bincount releases the GIL)."""
    n = len(table.channels) + 1
    if n * n > 1 << 22 or not len(table.tokens):
        return None
    tokens, offsets = table.tokens, table.offsets
    sums = (table.conversions, table.values, table.nulls)
    halves = [(0, table.n_paths)]
    if threads > 1 and len(tokens) >= PARALLEL_TOUCHES:
        mid = int(np.searchsorted(offsets, len(tokens) // 2))
        halves = [(0, mid), (mid, table.n_paths)]
    step = max(CHUNK_TOUCHES, n * n)  # a chunk's counts are never larger than its touches

    def count(part: tuple[int, int]) -> tuple[np.ndarray, np.ndarray] | None:
        a, b = part
        # chunk bounds at paths (a path longer than a chunk is one chunk of its own)
        cuts = np.searchsorted(offsets[a : b + 1], np.arange(offsets[a], offsets[b], step))
        cuts = np.unique(np.append(cuts, b - a)) + a
        flat, ends = np.zeros(n * n), np.zeros((3, n))
        for c, d in zip(cuts[:-1], cuts[1:]):
            lo = offsets[c]
            got = _count_part(
                tokens[lo : offsets[d]], offsets[c : d + 1] - lo, [x[c:d] for x in sums], n
            )
            if got is None:  # a path of weight 0 may hold a channel no count shows
                return None
            flat += got[0]
            ends += got[1]
        return flat, ends

    if len(halves) == 1:
        parts = [count(halves[0])]
    else:
        with ThreadPoolExecutor(max_workers=2) as pool:
            parts = list(pool.map(count, halves))
    if any(p is None for p in parts):
        return None
    dense = sum(p[0] for p in parts).reshape(n, n)
    # a touch equal to the one before it lands on the diagonal, which no real transition
    # reaches (start is never a touch): cleared
    np.fill_diagonal(dense, 0.0)
    if not np.all(dense[:, 1:].any(axis=0)):  # a channel without touches: no state of its own
        return None
    return dense, sum(p[1] for p in parts)


def _transitions(table: PathTable, order: int) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Transition counts between states (diagonal cleared), each path's last state, and the
    states' digits (without ``(start)``), for any order."""
    n_win, digits = windows(table, order)
    state, state_digits = _state_ids(digits, len(table.channels) + 1)
    n_states = len(state_digits) + 1
    win_end = np.cumsum(n_win)
    first_win = win_end - n_win
    prev = np.empty_like(state)  # the state before each window: (start) at a path's first
    prev[1:] = state[:-1]
    prev[first_win] = 0
    # a window equal to the one before it adds no transition: it lands on the diagonal,
    # which nothing else reaches (start is never a window), and the diagonal is cleared
    weight = np.repeat(table.conversions + table.nulls, n_win)
    end_state = state[win_end - 1]
    if n_states * n_states <= 1 << 22:
        flat = np.bincount(prev * n_states + state, weights=weight, minlength=n_states**2)
        dense = flat.reshape(n_states, n_states)
        np.fill_diagonal(dense, 0.0)
        counts = sp.csr_matrix(dense)
    else:
        moves = prev != state
        counts = sp.coo_matrix(
            (weight[moves], (prev[moves], state[moves])), shape=(n_states, n_states)
        ).tocsr()
        counts.sum_duplicates()
        counts.eliminate_zeros()
    return counts, end_state, state_digits


def build_chain(table: PathTable, order: int = 1, *, threads: int = 2) -> Chain:
    """The absorbing chain of ``table`` at Markov ``order`` (see the module docstring);
    ``threads`` count order-1 transitions of large tables."""
    if not isinstance(order, int | np.integer) or order < 1:
        raise AttributionInputError(f"markov: order must be an integer >= 1, got {order!r}")
    order = int(order)
    fast = _order_one(table, threads) if order == 1 else None
    if fast is not None:  # dense counts, channel c in state c + 1 and in no other
        counts, (conv, value, null) = fast
        n_channels = len(table.channels)
        n_states = n_channels + 1
        state_digits = np.arange(n_states, dtype=np.int64)[:, None]
        inc_state, inc_channel = state_digits[1:, 0], np.arange(n_channels, dtype=np.int64)
        out = counts.sum(axis=1)
    else:
        counts, end_state, state_digits = _transitions(table, order)
        state_digits = np.vstack([np.zeros((1, order), dtype=np.int64), state_digits])
        inc_state, inc_digit = np.nonzero(state_digits)
        pairs = np.unique(
            np.stack([inc_state, state_digits[inc_state, inc_digit] - 1], axis=1), axis=0
        ).reshape(-1, 2)
        inc_state, inc_channel = pairs[:, 0], pairs[:, 1]
        out = np.asarray(counts.sum(axis=1)).ravel()
        n_states = len(state_digits)
        conv = np.bincount(end_state, weights=table.conversions, minlength=n_states)
        value = np.bincount(end_state, weights=table.values, minlength=n_states)
        null = np.bincount(end_state, weights=table.nulls, minlength=n_states)
    outflow = out + conv + null
    scale = np.divide(1.0, outflow, out=np.zeros(n_states), where=outflow > 0)
    if fast is not None:
        Q = sp.csr_matrix(counts * scale[:, None])
    else:
        Q = sp.csr_matrix(sp.diags(scale) @ counts)
    return Chain(
        Q=Q,
        r_conv=conv * scale,
        r_value=value * scale,
        digits=state_digits,
        incidence_state=inc_state,
        incidence_channel=inc_channel,
        n_channels=len(table.channels),
    )


def state_labels(chain: Chain, channels: np.ndarray, sep: str = " > ") -> list[str]:
    """Readable state names: ``(start)`` and the window's channels joined by ``sep``."""
    out = ["(start)"]
    for row in chain.digits[1:]:
        out.append(sep.join(str(channels[d - 1]) for d in row if d > 0))
    return out
