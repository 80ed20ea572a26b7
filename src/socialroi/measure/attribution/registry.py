"""The model registry: plain data mapping a name to a kernel function.

A kernel takes a :class:`~socialroi.measure.attribution.paths.PathTable` plus keyword parameters and
returns :class:`Credits`. ``register_model(name, fn)`` adds one; an unknown name raises an
error that lists the valid names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from socialroi.measure.attribution.paths import AttributionInputError, PathTable


@dataclass(frozen=True)
class Credits:
    """What a model kernel returns.

    ``touch``: per touch (aligned with ``PathTable.tokens``) the fraction of its path's
    conversions it earns; fractions of one path sum to 1, none is negative. A global
    allocation may leave it ``None`` (it is then not split per journey).
    ``touch_value``: the same for the path's conversion value (``None``: same as ``touch``).
    ``channel_conversions`` / ``channel_values``: for models whose published allocation is
    global rather than per journey (Markov and Shapley with ``allocation="global"``), the
    channel totals (aligned with ``PathTable.channels``); ``None`` means "sum the touches".
    ``info``: model diagnostics (removal effects, solver, ...), plain data.
    """

    touch: np.ndarray | None
    touch_value: np.ndarray | None = None
    channel_conversions: np.ndarray | None = None
    channel_values: np.ndarray | None = None
    info: dict | None = None

    @property
    def is_global(self) -> bool:
        return self.channel_conversions is not None


Kernel = Callable[..., Credits]

MODELS: dict[str, Kernel] = {}


def register_model(name: str, fn: Kernel) -> Kernel:
    """Register kernel ``fn`` under ``name`` (replacing an earlier one); returns ``fn``."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"model name must be a non-empty string, got {name!r}")
    MODELS[name] = fn
    return fn


def available_models() -> list[str]:
    """Names of the registered models, sorted."""
    return sorted(MODELS)


def get_model(name: str) -> Kernel:
    """The kernel registered as ``name``; an unknown name raises listing the valid names."""
    try:
        return MODELS[name]
    except (KeyError, TypeError):
        raise AttributionInputError(
            f"unknown attribution model {name!r}; valid models: {', '.join(available_models())}"
        ) from None


def run_model(table: PathTable, name: str, params: dict) -> Credits:
    """Run the model ``name`` on ``table``; unknown parameters raise a clear error."""
    fn = get_model(name)
    try:
        return fn(table, **params)
    except TypeError as exc:
        if "unexpected keyword argument" in str(exc):
            raise AttributionInputError(f"model {name!r}: {exc}") from None
        raise
