"""Attribution on a workspace: stored journeys in, credit per unit (and per touch) out.

`attribute()` builds journeys with Ibis (`socialroi.journeys.touches`), aggregates them by unique
path in the backend, and runs a kernel on the distinct paths. `touch_credits()` maps each
kernel's per-position shares back to the individual (conversion, touch) pairs. `compare()`
puts every model side by side, with each model's shift against last click and, for a demo
workspace, its total-variation distance from the generator's ground truth.

Time decay is computed per touch from the real time before the conversion (days), not from
positions in an aggregated path: aggregating paths with their times would not shrink them.
"""

from __future__ import annotations

import json
from dataclasses import replace

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from socialroi.errors import UnknownName
from socialroi.journeys.conversions import unique_conversions
from socialroi.journeys.touches import (
    DEFAULT_SETTINGS,
    JourneySettings,
    aggregate_paths,
    journey_touches,
    path_name,
    strip_frequency,
)
from socialroi.measure import runs
from socialroi.measure.attribution.api import attribute_paths, credit_paths
from socialroi.measure.attribution.registry import available_models
from socialroi.measure.attribution.shapley import TooManyPlayers
from socialroi.model.periods import Period

# Models compared by `compare()`, in the order a reader expects them.
COMPARE_ORDER = (
    "last_click", "first_click", "last_non_direct", "linear", "time_decay", "position_based",
    "markov", "shapley",
)  # fmt: skip


def check_model(model: str) -> None:
    valid = available_models()
    if model not in valid:
        raise UnknownName("attribution model", model, list(valid))


def _tables(ws) -> tuple[ir.Table, ir.Table]:
    return ws.table("touchpoints"), unique_conversions(ws.table("conversions"))


def journeys(ws, period: Period, settings: JourneySettings) -> ir.Table:
    tp, cv = _tables(ws)
    return journey_touches(tp, cv, period, settings)


class _Journeys:
    """The period's journeys, executed at most once each as touches and as aggregated paths,
    so comparing eight models builds the journeys once instead of eight times."""

    def __init__(self, ws, period: Period, settings: JourneySettings) -> None:
        self.expr = journeys(ws, period, settings)
        self._touches: pd.DataFrame | None = None
        self._paths: pd.DataFrame | None = None

    def touches(self) -> pd.DataFrame:
        if self._touches is None:
            self._touches = self.expr.execute()
        return self._touches

    def paths(self) -> pd.DataFrame:
        if self._paths is None:
            self._paths = aggregate_paths(self.expr).execute()
        return self._paths


def attribute(
    ws,
    model: str,
    period: Period,
    settings: JourneySettings = DEFAULT_SETTINGS,
    _journeys: _Journeys | None = None,
    **params,
) -> pd.DataFrame:
    """Per credited unit: conversions, value (base currency) and share of each."""
    check_model(model)
    j = _journeys or _Journeys(ws, period, settings)
    if model == "time_decay":
        credits = _time_decay(j.touches(), params.get("half_life", 7.0))
        out = credits.groupby("unit", as_index=False)[["conversions", "value"]].sum()
    else:
        paths = j.paths()
        if paths.empty or paths.total_conversions.sum() == 0:
            return _empty()
        res = attribute_paths(paths, model, sep=">", **params)
        out = (
            pd.DataFrame(
                {
                    "unit": [strip_frequency(c) for c in res.channel],
                    "conversions": res.total_conversions.to_numpy(),
                    "value": res.total_conversion_value.to_numpy(),
                }
            )
            .groupby("unit", as_index=False)
            .sum()
        )
    return _shares(out)


def touch_credits(
    ws,
    model: str,
    period: Period,
    settings: JourneySettings = DEFAULT_SETTINGS,
    touches: pd.DataFrame | None = None,
    **params,
) -> pd.DataFrame:
    """One row per (conversion, touch): unit, credit (share of the conversion), conversions
    and value credited. Markov and Shapley allocate within each journey here. `touches`: the
    executed `journeys()` of the same period and settings, when the caller already has them
    (several models on one set of journeys)."""
    check_model(model)
    if touches is None:
        touches = journeys(ws, period, settings).execute()
    touches = touches[touches.converted]
    if model == "time_decay":
        return _time_decay(touches, params.get("half_life", 7.0))
    if touches.empty:
        return pd.DataFrame(
            columns=["conversion_id", "touch_id", "unit", "credit", "conversions", "value"]
        )
    touches = touches.sort_values(["journey_id", "position"])
    names = touches.key.map(path_name).to_numpy(object)
    journey = touches.journey_id.to_numpy(object)
    starts, ends = runs.bounds(journey)  # sorted by journey: each journey is one run
    paths = [" > ".join(names[a:b]) for a, b in zip(starts, ends, strict=True)]
    path_of = pd.Series(paths, index=touches.journey_id.iloc[starts], name="path")
    touches = touches.join(path_of, on="journey_id")
    per_path = (
        touches.drop_duplicates("journey_id")
        .groupby("path", as_index=False)
        .agg(total_conversions=("journey_id", "size"), total_conversion_value=("value", "sum"))
    )
    shares = credit_paths(per_path, model, sep=">", **params)[
        ["path", "position", "credit", "value_credit"]
    ]
    touches["_pos0"] = touches.position - 1
    got = touches.merge(
        shares, left_on=["path", "_pos0"], right_on=["path", "position"], suffixes=("", "_k")
    )
    return pd.DataFrame(
        {
            "conversion_id": got.conversion_id,
            "touch_id": got.touch_id,
            "unit": [strip_frequency(k) for k in got.key],
            "credit": got.credit,
            "conversions": got.credit,
            "value": got.value * got.value_credit,
        }
    ).reset_index(drop=True)


def _time_decay(touches: pd.DataFrame, half_life: float) -> pd.DataFrame:
    t = touches[touches.converted].copy()
    w = np.power(2.0, -t.days_before.to_numpy(dtype=float) / float(half_life))
    t["_w"] = w
    t["credit"] = t._w / t.groupby("journey_id")._w.transform("sum")
    return pd.DataFrame(
        {
            "conversion_id": t.conversion_id,
            "touch_id": t.touch_id,
            "unit": [strip_frequency(k) for k in t.key],
            "credit": t.credit,
            "conversions": t.credit,
            "value": t.value * t.credit,
        }
    ).reset_index(drop=True)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["unit", "conversions", "value", "conversion_share", "value_share"])


def _shares(out: pd.DataFrame) -> pd.DataFrame:
    tc, tv = out.conversions.sum(), out.value.sum()
    out = out.assign(
        conversion_share=out.conversions / tc if tc else 0.0,
        value_share=out.value / tv if tv else 0.0,
    )
    return out.sort_values("conversions", ascending=False).reset_index(drop=True)


def compare(
    ws,
    period: Period,
    settings: JourneySettings = DEFAULT_SETTINGS,
    models: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """All models side by side: one row per unit, columns `<model>` (conversions credited)
    and `<model>_shift` (share of conversions minus last click's share, in points).
    `DataFrame.attrs["distance_to_truth"]` holds each model's total-variation distance from
    the demo generator's ground truth, when the workspace came from `socialroi demo` and the
    granularity is a platform one."""
    models = tuple(m for m in (models or COMPARE_ORDER) if m in available_models())
    j = _Journeys(ws, period, settings)  # built once, read by every model
    frames, skipped = {}, {}
    for m in models:
        try:
            frames[m] = attribute(ws, m, period, settings, _journeys=j)
        except TooManyPlayers as exc:  # exact Shapley at campaign level: say why, go on
            skipped[m] = (
                f"{m} not computed: {exc.n} {_units(settings)} need 2^{exc.n} coalitions "
                f"(exact Shapley allows {exc.limit}); use markov at this level, or attribute "
                "by platform or channel"
            )
    models = tuple(frames)
    units = sorted(set().union(*[set(f.unit) for f in frames.values()]))
    table = pd.DataFrame({"unit": units})
    for m, f in frames.items():
        table[m] = table.unit.map(dict(zip(f.unit, f.conversions))).fillna(0.0)
    base = "last_click" if "last_click" in frames else models[0]
    total = table[base].sum()
    for m in models:
        tm = table[m].sum()
        if m != base and total and tm:
            table[f"{m}_shift"] = (table[m] / tm - table[base] / total) * 100
    table.attrs["distance_to_truth"] = distance_to_truth(ws, table, models, settings)
    table.attrs["skipped"] = skipped
    return table


def _units(settings: JourneySettings) -> str:
    by = settings.by[0] if settings.by else "channel"
    return {"campaign": "campaigns", "market": "markets", "channel": "channels"}.get(by, "units")


def demo_truth(ws, kind: str = "orders") -> dict[str, float] | None:
    """Ground-truth shares per platform x paid/organic stored by `socialroi demo`."""
    raw = ws.store.setting("demo_ground_truth")
    if not raw:
        return None
    truth = json.loads(raw)
    block = truth.get(kind, {}).get("channels", {})
    out = {}
    for entry in block.values():
        if "platform" in entry:
            key = f"{entry['platform']} {'paid' if entry['paid'] else 'organic'}"
            out[key] = float(entry["share"])
    return out or None


def distance_to_truth(
    ws, table: pd.DataFrame, models: tuple[str, ...], settings: JourneySettings
) -> dict[str, float]:
    """Total variation distance between each model's social shares and the true shares."""
    truth = demo_truth(ws, "leads" if set(settings.kinds) & {"lead", "mql", "sql"} else "orders")
    if not truth or settings.by not in (("platform_paid",), ("platform",)):
        return {}
    if settings.by == ("platform",):
        merged: dict[str, float] = {}
        for k, v in truth.items():
            p = k.split(" ")[0]
            merged[p] = merged.get(p, 0.0) + v
        truth = merged
    out = {}
    for m in models:
        credited = dict(zip(table.unit, table[m]))
        social = {k: credited.get(k, 0.0) for k in truth}
        tot = sum(social.values())
        if not tot:
            continue
        out[m] = 0.5 * sum(abs(social[k] / tot - truth[k]) for k in truth)
    return out


def with_granularity(settings: JourneySettings, by: tuple[str, ...]) -> JourneySettings:
    return replace(settings, by=by)
