"""ROI for a profile, by platform x market x campaign x period, with comparisons.

```python
from socialroi import Workspace
from socialroi.measure.roi import roi

with Workspace.open("voltiq.duckdb") as ws:
    res = roi(ws, "2026-Q3", profile="dtc", by=("platform", "market"), compare="previous")
    res.table        # one row per platform x market, one column per metric (+ _prev, _delta)
    res.totals       # the same metrics for the whole selection
```

Every metric is computed from summed base measures (`socialroi.measure.measures`) through the
catalogue (`socialroi.model.metrics`), so a ratio in the totals row is the ratio of the sums,
not an average of the rows above it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from socialroi.measure.measures import base_measures
from socialroi.measure.profiles import Profile
from socialroi.measure.query import Query
from socialroi.measure.selection import Selection
from socialroi.model.metrics import Metric, metric
from socialroi.model.periods import Period, comparison_period
from socialroi.store import reads


@dataclass
class RoiResult:
    table: pd.DataFrame
    totals: dict[str, float]
    totals_prev: dict[str, float] | None
    metrics: list[Metric]
    profile: Profile
    period: Period
    compare_period: Period | None
    model: str
    currency: str
    by: tuple[str, ...]
    grain: str | None
    measures: pd.DataFrame
    measure_totals: dict[str, float]

    @property
    def keys(self) -> list[str]:
        return [*self.by, *(["period"] if self.grain else [])]

    def with_totals(self) -> pd.DataFrame:
        """The table with a last row `total` for the whole selection (without dimensions the
        table is that row already)."""
        if not self.keys:
            return self.table.copy()
        row = {k: "total" for k in self.keys}
        row.update(self.totals)
        if self.totals_prev is not None:
            for m in self.metrics:
                prev = self.totals_prev.get(m.name, math.nan)
                row[f"{m.name}_prev"] = prev
                row[f"{m.name}_delta"] = delta(self.totals.get(m.name, math.nan), prev, m.unit)
        return pd.concat([self.table, pd.DataFrame([row])], ignore_index=True)


def delta_unit(unit: str) -> str:
    """How a metric's change is said, everywhere (CLI, dashboard, API, report): in percentage
    points for percentages (`pp`: ROI 12 % -> 15.6 % is +3.6 pt), relative for amounts and
    counts (`relative`: +12 %)."""
    return "pp" if unit == "percent" else "relative"


def delta(now: float, prev: float, unit: str = "currency") -> float:
    """Change against the comparison: relative for amounts and counts (+0.10 = 10 % more),
    the difference for percentages (+0.02 = 2 points). NaN when there is nothing to compare."""
    if prev is None or now is None or math.isnan(prev) or math.isnan(now):
        return math.nan
    if unit == "percent":
        return now - prev
    if prev == 0:
        return math.nan
    return (now - prev) / abs(prev)


def metric_values(
    cells: pd.DataFrame, totals: dict[str, float], metrics: Sequence[Metric]
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Metric columns from base measure columns (rows), and the totals' metrics."""
    rows = cells.to_dict("records")
    out = pd.DataFrame(
        {m.name: [m.value(r, totals) for r in rows] for m in metrics}, index=cells.index
    )
    return out, {m.name: m.value(totals, totals) for m in metrics}


def roi(
    ws,
    period: str | Period | Query,
    profile: str | Path | Profile = "dtc",
    by: Sequence[str] = ("platform", "market"),
    model: str | None = None,
    compare: str | None = None,
    grain: str | None = None,
    platforms: Sequence[str] | None = None,
    markets: Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
    campaigns: Sequence[str] | None = None,
) -> RoiResult:
    """The profile's metrics for the period by the given dimensions (see module docstring).

    `period` may be a parsed `Query`: then the profile, model, comparison, grain and filters
    are the query's, and the keyword arguments for them are not read."""
    q = Query.parse(
        period, compare=compare, profile=profile, model=model, platforms=platforms,
        markets=markets, grain=grain, campaigns=campaigns,
    )  # fmt: skip
    if q.platforms or q.markets:
        q.check_names(
            reads.distinct_values(ws.store, "platform", ("accounts", "ad_metrics")),
            reads.distinct_values(ws.store, "market", ("accounts", "conversions", "ad_metrics")),
        )
    prof, model, p, grain = q.profile, q.model, q.period, q.grain
    shown = [metric(n) for n in (metrics or prof.all_metrics)]
    by = tuple(by)
    # totals only (by=()): computed by platform, the table is then the one totals row
    totals_only = not by and not grain
    by_cells = ("platform",) if totals_only else by
    sel = Selection(p, by_cells, grain, q.platforms or None, q.markets or None, q.campaigns or None)
    cells, mtotals = base_measures(ws, sel, prof, model)
    values, totals = metric_values(cells, mtotals, shown)
    table = pd.concat([cells[sel.keys], values], axis=1)

    cp = q.compare_period
    totals_prev = None
    if cp is not None:
        # the comparison breaks down the same way; a period bucket compares with the bucket
        # at the same position (July with April for quarter-on-quarter)
        psel = Selection(cp, by_cells, grain, sel.platforms, sel.markets, sel.campaigns)
        pcells, ptot = base_measures(ws, psel, prof, model)
        pvalues, totals_prev = metric_values(pcells, ptot, shown)
        prev = pd.concat([pcells[psel.keys], pvalues], axis=1)
        if grain:
            order = {b: i for i, b in enumerate(sorted(set(prev.period)))}
            now_order = {b: i for i, b in enumerate(sorted(set(table.period)))}
            prev["_pos"] = prev.period.map(order)
            table["_pos"] = table.period.map(now_order)
            prev = prev.drop(columns="period")
            join = [*by, "_pos"]
        else:
            prev = prev.drop(columns=[c for c in ("period",) if c in prev])
            join = list(by_cells)
        prev = prev.rename(columns={m.name: f"{m.name}_prev" for m in shown})
        table = table.merge(prev, on=join, how="left")
        for m in shown:
            table[f"{m.name}_delta"] = [
                delta(a, b, m.unit) for a, b in zip(table[m.name], table[f"{m.name}_prev"])
            ]
        table = table.drop(columns=[c for c in ("_pos",) if c in table])
    if totals_only:
        row = {m.name: totals.get(m.name, math.nan) for m in shown}
        if totals_prev is not None:
            for m in shown:
                row[f"{m.name}_prev"] = totals_prev.get(m.name, math.nan)
                row[f"{m.name}_delta"] = delta(row[m.name], row[f"{m.name}_prev"], m.unit)
        table = pd.DataFrame([row])
    return RoiResult(
        table=table.reset_index(drop=True),
        totals=totals,
        totals_prev=totals_prev,
        metrics=shown,
        profile=prof,
        period=p,
        compare_period=cp,
        model=model,
        currency=ws.base_currency,
        by=by,
        grain=grain,
        measures=cells,
        measure_totals=mtotals,
    )


def prime_campaigns(ws, q: Query) -> None:
    """Compute (or read back from the workspace) the measures' sums by campaign of the query's
    period and its comparison period, so a campaign filter answers like any other filter."""
    for p in (q.period, q.compare_period or comparison_period(q.period, "previous")):
        base_measures(ws, Selection(p, ("campaign",)), q.profile, q.model)
