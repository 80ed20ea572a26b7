"""Markov-chain attribution by removal effects, solved exactly (no simulation).

``RE_c = 1 - P(conversion | c removed) / P(conversion)`` on the chain built by
:mod:`~socialroi.measure.attribution.markov_chain`. ``allocation="global"`` (ChannelAttribution's
result) gives channel ``c`` the share ``RE_c / sum(RE)`` of all conversions and values;
``allocation="journey"`` splits each path's conversions over its own channels in proportion
to their removal effects (path-decomposable, so usable per touch).

Values: ``value_effects="conversion"`` shares values like conversions; ``"value"`` uses
value-weighted removal effects, the exact counterpart of ChannelAttribution's simulated
``removal_effects_conversion_value`` (a conversion's value is the mean value per conversion
of the paths ending in the state it converts from).
"""

from __future__ import annotations

import numpy as np

from socialroi.measure.attribution.markov_chain import build_chain
from socialroi.measure.attribution.markov_solve import solve
from socialroi.measure.attribution.paths import AttributionInputError, PathTable
from socialroi.measure.attribution.registry import Credits, register_model
from socialroi.measure.attribution.shares import journey_shares


def removal_effects(
    table: PathTable,
    order: int = 1,
    *,
    with_value: bool = False,
    solver: str = "auto",
    tol: float = 1e-12,
    direct_max_states: int = 500,
    threads: int = 2,
) -> dict:
    """Removal effects per channel (aligned with ``table.channels``) and chain diagnostics.

    Returns a dict with ``removal_effects`` (conversions), ``removal_effects_value`` (when
    ``with_value``), ``p_conversion``, ``n_states`` and solver details.
    """
    chain = build_chain(table, order, threads=threads)
    rewards = [chain.r_conv]
    caps = [1.0]
    if with_value:
        mean_value = np.divide(
            chain.r_value, chain.r_conv, out=np.zeros_like(chain.r_value), where=chain.r_conv > 0
        )
        rewards.append(chain.r_value)
        caps.append(max(float(mean_value.max(initial=0.0)), 1e-300))
    R = np.column_stack(rewards)
    if not (R[:, 0].max(initial=0.0) > 0):
        zeros = np.zeros(len(table.channels))
        info = {"removal_effects": zeros, "p_conversion": 0.0, "n_states": chain.n_states}
        if with_value:
            info["removal_effects_value"] = zeros
        return info | {"solver": None}
    P, removed, details = solve(
        chain,
        R,
        np.asarray(caps),
        solver=solver,
        direct_max_states=direct_max_states,
        tol=tol,
        threads=threads,
    )
    effects = np.divide(P - removed, P, out=np.zeros_like(removed), where=P > 0)
    effects = np.clip(effects, 0.0, 1.0)
    info = {
        "removal_effects": effects[:, 0],
        "p_conversion": float(P[0]),
        "n_states": chain.n_states,
        **details,
    }
    if with_value:
        info["removal_effects_value"] = effects[:, 1]
    return info


def _global(effects: np.ndarray, total: float) -> np.ndarray:
    s = effects.sum()
    return effects / s * total if s > 0 else np.zeros_like(effects)


def markov(
    table: PathTable,
    order: int = 1,
    allocation: str = "global",
    value_effects: str = "conversion",
    solver: str = "auto",
    tol: float = 1e-12,
    direct_max_states: int = 500,
    threads: int = 2,
) -> Credits:
    """Markov removal-effect attribution; see the module docstring for the options."""
    if allocation not in ("global", "journey"):
        raise AttributionInputError(
            f"markov: allocation must be 'global' or 'journey', got {allocation!r}"
        )
    if value_effects not in ("conversion", "value"):
        raise AttributionInputError(
            f"markov: value_effects must be 'conversion' or 'value', got {value_effects!r}"
        )
    info = removal_effects(
        table,
        order,
        with_value=value_effects == "value",
        solver=solver,
        tol=tol,
        direct_max_states=direct_max_states,
        threads=threads,
    )
    re_conv = info["removal_effects"]
    re_value = info.get("removal_effects_value", re_conv)
    if allocation == "journey":
        touch_value = journey_shares(table, re_value) if value_effects == "value" else None
        return Credits(journey_shares(table, re_conv), touch_value, info=info)
    return Credits(
        None,
        channel_conversions=_global(re_conv, float(table.conversions.sum())),
        channel_values=_global(re_value, float(table.values.sum())),
        info=info,
    )


register_model("markov", markov)
