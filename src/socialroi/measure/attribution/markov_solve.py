"""Exact conversion probabilities of an absorbing chain, with and without each channel.

For transient states with transitions ``Q`` and per-state reward ``r`` (probability of moving
to ``(conversion)``, optionally times a value), the expected reward from ``(start)`` is
``P = e_s' (I - Q)^-1 r``. Removing channel ``c`` deletes the set ``A_c`` of states containing
``c`` (transitions into them go to ``(null)``): ``P_c = e_s' (I - Q D_c)^-1 r``.

Two solvers, both deterministic (no simulation):

``direct``  one LU factorisation of ``I - Q`` (LAPACK, dense) gives ``G = (I-Q)^-1`` and
            ``h = G r``; the Woodbury identity for the column removal then reduces every
            ``P_c`` to a small dense solve: ``P_c = h_s - G[s, A] G[A, A]^-1 h[A]``. Exact up to
            floating point; ``n_states^2`` memory and ``n_states^3`` time, so for small chains
            (SuperLU's sparse LU lost to it from a few hundred states on: its fill makes the
            factors nearly dense, 90 million non-zeros for a 33,641-state chain).
``iterative`` batched occupation-measure propagation, all removals at once:
            ``x_{t+1} = mask_c * (Q' x_t)`` from ``x_0 = e_s``, ``P_c = sum_t r' x_t``. The mass
            still in transient states bounds the conversions still to come, so it stops with a
            *certified* bound ``|error| <= tol * P`` (default 1e-12): exact to that tolerance,
            linear in transitions x channels, for chains of tens of thousands of states.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
from threadpoolctl import ThreadpoolController

from socialroi.measure.attribution.markov_chain import Chain
from socialroi.measure.attribution.paths import AttributionInputError

START = 0

_BLAS_LOCK = threading.Lock()
_blas: list[ThreadpoolController] = []


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """BLAS and LAPACK on one thread for a small dense solve. OpenBLAS splits even a
    200 x 200 LU over its threads, which then wait for each other whenever another process
    holds a core: 0.17 s instead of 0.3 ms, measured on a busy 2-core machine. The limit is
    process-wide, so one solve at a time sets and restores it."""
    with _BLAS_LOCK:
        if not _blas:  # the libraries numpy and scipy loaded, found once
            _blas.append(ThreadpoolController())
        with _blas[0].limit(limits=1, user_api="blas"):
            yield


def _members(chain: Chain) -> list[np.ndarray]:
    """Per channel, the sorted states containing it."""
    order = np.argsort(chain.incidence_channel, kind="stable")
    bounds = np.searchsorted(chain.incidence_channel[order], np.arange(chain.n_channels + 1))
    states = chain.incidence_state[order]
    return [states[bounds[c] : bounds[c + 1]] for c in range(chain.n_channels)]


def solve_direct(chain: Chain, rewards: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(P, P_removed)`` by one sparse LU and Woodbury updates (see module docstring).

    ``rewards`` is ``(n_states, R)``; returns ``P`` of shape ``(R,)`` and ``P_removed`` of
    shape ``(n_channels, R)``.
    """
    with _one_blas_thread():
        return _solve_direct(chain, rewards)


def _solve_direct(chain: Chain, rewards: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = chain.n_states
    lu = sla.lu_factor(np.eye(n) - chain.Q.toarray())
    G = sla.lu_solve(lu, np.eye(n))
    h = G @ np.asarray(rewards, dtype=float)
    P = h[START]
    removed = np.empty((chain.n_channels, rewards.shape[1]))
    members = _members(chain)
    sizes = np.array([len(A) for A in members])
    one = np.flatnonzero(sizes == 1)  # a channel in one state (always so at order 1)
    if len(one):
        a = np.array([members[c][0] for c in one])
        removed[one] = P - G[START, a][:, None] * (h[a] / G[a, a][:, None])
    for c in np.flatnonzero(sizes != 1):
        A = members[c]
        if len(A) == 0:
            removed[c] = P
            continue
        y = np.linalg.solve(G[np.ix_(A, A)], h[A])
        removed[c] = P - G[START, A] @ y
    return P, np.clip(removed, 0.0, P)


def _tail_bounds(Q: sp.csr_matrix, rewards: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """Per state, an upper bound of each reward still to come on the full chain.

    Backward partial sums ``sum_{u<t} Q^u r`` plus the mass ``Q^t 1`` not yet absorbed times
    ``caps``. Removing channels only kills mass, so these also bound every masked walk.
    """
    h = np.zeros_like(rewards)
    step = rewards.copy()
    mass = np.ones(Q.shape[0])
    for _ in range(10_000):
        h += step
        step = Q @ step
        mass = Q @ mass
        if mass.max() <= 1e-3:
            break
    return h + mass[:, None] * caps[None, :]


def _propagate(
    QT: sp.csr_matrix,
    weights: np.ndarray,
    masked: tuple[np.ndarray, np.ndarray],
    n_cols: int,
    tol: float,
    reference: np.ndarray | None,
    max_iter: int,
) -> tuple[np.ndarray, int]:
    """Summed reward of ``n_cols`` masked walks from start (see module docstring).

    ``weights`` is ``[rewards | tail bounds]`` (``n_states x 2K``): one pass over the walks
    per step gives both the reward earned and a bound of the reward still to come. A walk
    stops (its column is dropped) once that bound is ``<= tol * reference`` for every
    reward (``reference=None``: its own running total, a lower bound of the final value).
    """
    k = weights.shape[1] // 2
    rows, cols = masked
    x = np.zeros((QT.shape[0], n_cols))
    x[START] = 1.0
    active = np.arange(n_cols)
    total = np.zeros((n_cols, k))
    for step in range(1, max_iter + 1):
        x = QT @ x
        if len(rows):
            x[rows, cols] = 0.0
        summary = x.T @ weights
        total[active] += summary[:, :k]
        ref = total[active] if reference is None else reference[None, :]
        done = np.all(summary[:, k:] <= tol * ref, axis=1)
        if done.all():
            return total, step
        if done.mean() > 0.1:  # drop finished walks: later steps get cheaper
            keep = ~done
            live = keep[cols]
            rows, cols = rows[live], (np.cumsum(keep) - 1)[cols[live]]
            x, active = np.ascontiguousarray(x[:, keep]), active[keep]
    raise AttributionInputError(
        f"markov: iterative solver did not reach tolerance in {max_iter} steps "
        "(very long journeys?); pass solver='direct'"
    )


def solve_iterative(
    chain: Chain,
    rewards: np.ndarray,
    caps: np.ndarray,
    *,
    tol: float = 1e-12,
    max_iter: int = 100_000,
    chunk_cells: int = 20_000_000,
    threads: int = 2,
) -> tuple[np.ndarray, np.ndarray, int]:
    """``(P, P_removed, steps)`` by certified batched propagation (see module docstring).

    ``caps[k]`` bounds the reward ``k`` one unit of transient mass can still earn (1 for the
    conversion probability, the largest mean conversion value for values). Channels are
    processed in column chunks of at most ``chunk_cells`` floats on up to ``threads``
    threads (scipy's sparse products release the GIL).
    """
    rewards = np.asarray(rewards, dtype=float)
    caps = np.asarray(caps, dtype=float)
    Q = sp.csr_matrix(chain.Q)
    QT = sp.csr_matrix(Q.T)
    weights = np.hstack([rewards, _tail_bounds(Q, rewards, caps)])
    none = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    full, steps = _propagate(QT, weights, none, 1, tol, None, max_iter)
    P = full[0]
    n_ch = chain.n_channels
    width = max(1, min(n_ch, chunk_cells // max(chain.n_states, 1)))
    chunks = [np.arange(a, min(a + width, n_ch)) for a in range(0, n_ch, width)]
    if len(chunks) == 1 and threads > 1 and n_ch > 1:
        chunks = np.array_split(np.arange(n_ch), threads)

    def run(cols: np.ndarray) -> tuple[np.ndarray, int]:
        sel = np.isin(chain.incidence_channel, cols)
        local = np.searchsorted(cols, chain.incidence_channel[sel])
        masked = (chain.incidence_state[sel], local)
        return _propagate(QT, weights, masked, len(cols), tol, P, max_iter)

    removed = np.empty((n_ch, rewards.shape[1]))
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        for cols, (part, n) in zip(chunks, pool.map(run, chunks)):
            removed[cols] = part
            steps = max(steps, n)
    return P, np.clip(removed, 0.0, P), steps


def solve(
    chain: Chain,
    rewards: np.ndarray,
    caps: np.ndarray,
    *,
    solver: str = "auto",
    direct_max_states: int = 500,
    tol: float = 1e-12,
    threads: int = 2,
) -> tuple[np.ndarray, np.ndarray, dict]:
    """Dispatch to a solver; ``auto`` picks ``direct`` up to ``direct_max_states`` states."""
    if solver == "auto":
        solver = "direct" if chain.n_states <= direct_max_states else "iterative"
    if solver == "direct":
        P, removed = solve_direct(chain, rewards)
        return P, removed, {"solver": "direct", "steps": None}
    if solver == "iterative":
        P, removed, steps = solve_iterative(chain, rewards, caps, tol=tol, threads=threads)
        return P, removed, {"solver": "iterative", "steps": steps, "tol": tol}
    raise AttributionInputError(
        f"markov: unknown solver {solver!r}; valid solvers: auto, direct, iterative"
    )
