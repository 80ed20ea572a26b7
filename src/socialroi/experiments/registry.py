"""Experiments kept in the workspace: save a design with its seeded assignment, load it back,
analyse it by name. Saving over a running experiment is refused unless amended with a reason,
which is logged (`socialroi.store.experiments`)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from socialroi.errors import SocialroiError
from socialroi.experiments.analyse import Analysis, analyse
from socialroi.experiments.design import Spec, assign
from socialroi.store import experiments as store


def pick_treated(markets: list[str], seed: int) -> str:
    """The treated market of a geo test, drawn with the recorded seed."""
    if not markets:
        raise SocialroiError("no markets to choose the treated one from")
    return sorted(markets)[int(np.random.default_rng(seed).integers(len(markets)))]


def save(
    ws, spec: Spec, units: pd.DataFrame | None = None, amend: str | None = None
) -> pd.DataFrame:
    """Store `spec`; when `units` (a `unit` column and the strata columns) are given, deal them
    to the arms with the spec's seed, stratified by `spec.strata`, and store that too."""
    dealt = pd.DataFrame(columns=["unit", "arm", "stratum"])
    if units is not None and len(units):
        missing = [s for s in spec.strata if s not in units.columns]
        if missing:
            raise SocialroiError(f"the units have no column for the strata {missing}")
        dealt = assign(units, list(spec.arms), spec.seed, spec.strata)
    rows = [tuple(r) for r in dealt[["unit", "arm", "stratum"]].astype(str).to_numpy()]
    store.save_experiment(ws.store, spec.name, spec.design, spec.to_dict(), spec.seed, rows, amend)
    return dealt


def load(ws, name: str) -> dict:
    exp = store.experiment(ws.store, name)
    if exp is None:
        known = ", ".join(store.experiment_names(ws.store)) or "none yet"
        raise SocialroiError(f"no experiment {name!r} in this workspace (known: {known})")
    return exp


def names(ws) -> list[str]:
    return store.experiment_names(ws.store)


def analyse_named(ws, name: str, today: dt.date | None = None) -> Analysis:
    return analyse(ws, load(ws, name), today)
