"""An experiment's effect in money, through the attribution and ROI stages.

The ROI stage gives, for the experiment's platform(s) over the experiment's span, the revenue
attributed to social (the workspace's default `dtc` profile and model) and the true cost. Revenue
per engagement is their average ratio: an extra engagement is valued at what an engagement on
that platform earned on average, an assumption the report states. The extra engagements (or
link clicks) per month the winning arm would bring, times that value, is the revenue
difference; over the platform's monthly true cost it is the change in ROI.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from socialroi.errors import SocialroiError
from socialroi.experiments.design import METRICS, Spec
from socialroi.measure.roi import roi

DAYS_PER_MONTH = 365.25 / 12


def business_value(ws, posts: pd.DataFrame, spec: Spec, res) -> dict[str, Any]:
    if not math.isfinite(res.effect) or not res.arms:
        return {}
    count, _ = METRICS[spec.metric]
    platforms = sorted(set(posts.loc[_population(posts, spec), "platform"]))
    days = posts.local_date.dropna()
    if days.empty or not platforms:
        return {}
    span = f"{days.min().isoformat()}..{days.max().isoformat()}"
    try:
        r = ws.memo(
            ("experiments.value", span, tuple(platforms)),
            lambda: roi(ws, span, by=("platform",), platforms=platforms).measure_totals,
        )
    except SocialroiError:
        return {}
    months = max((days.max() - days.min()).days + 1, 1) / DAYS_PER_MONTH
    measure = "engagements" if count == "engagements" else count
    volume = float(r.get(measure) or 0.0)
    if count == "link_clicks":  # the base measures count engagements, not link clicks
        volume = float(posts.loc[posts.platform.isin(platforms), "link_clicks"].sum())
    revenue, cost = float(r.get("revenue") or 0.0), float(r.get("true_cost") or 0.0)
    if volume <= 0:
        return {}
    per_unit = revenue / volume
    extra = _extra_per_month(spec, res)
    out = {
        "platforms": platforms,
        "currency": ws.base_currency,
        "value_per_" + ("engagement" if count == "engagements" else "link_click"): per_unit,
        f"extra_{count}_per_month": extra,
        "extra_revenue_per_month": extra * per_unit,
        "monthly_revenue": revenue / months,
        "monthly_true_cost": cost / months,
    }
    if cost > 0:
        out["roi_change"] = extra * per_unit / (cost / months)
    return out


def _population(posts: pd.DataFrame, spec: Spec) -> pd.Series:
    from_arms = [s for sels in spec.arms.values() for s in sels if s.startswith("platform:")]
    sels = [s for s in spec.population if s.startswith("platform:")] or from_arms
    if not sels:
        return pd.Series(True, index=posts.index)
    return posts.platform.isin([s.partition(":")[2] for s in sels])


def _extra_per_month(spec: Spec, res) -> float:
    """Extra counts per month if the better arm ran at the control arm's volume."""
    if spec.design in ("cadence", "market"):
        base_week = res.arms[0]["rate"] if res.arms else 0.0
        return float(base_week * res.effect * 52 / 12)
    a, b = res.arms
    if not spec.start or not spec.end or not a["units"]:
        return 0.0
    days = (dt.date.fromisoformat(spec.end) - dt.date.fromisoformat(spec.start)).days + 1
    per_month = (a["units"] + b["units"]) / 2 / (days / DAYS_PER_MONTH)
    if a["exposure"]:
        per_post = a["exposure"] / a["units"] * a["rate"]
    else:
        per_post = a["rate"]
    return float(per_post * res.effect * per_month)
