"""The report's experiments section: each experiment stored in the workspace that started by
the period's end, with its design, arms, sample, effect, interval, probability, verdict, what a
conclusive answer would need, and the effect in money (`socialroi.experiments.analyse`)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from socialroi.deliver.report.tables import Column, Section, Table
from socialroi.experiments import analyse_named, load, names


def started(ws, period) -> list[str]:
    """The workspace's experiments that had started by the period's end."""
    out = []
    for n in names(ws):
        start = load(ws, n)["spec"].get("start")
        if not start or dt.date.fromisoformat(start) <= period.end:
            out.append(n)
    return out


def experiments(ctx) -> Section:
    f, d = ctx.f, ctx.data
    results = [analyse_named(ctx.ws, n, today=d.period.end) for n in started(ctx.ws, d.period)]
    rows, arms = [], []
    for r in results:
        money = r.business.get("extra_revenue_per_month") if r.significant else None
        rows.append({
            "experiment": r.name, "design": r.design, "effect": r.effect, "low": r.low,
            "high": r.high, "p_value": r.p_value, "prob": r.prob_b_better,
            "revenue_month": money, "verdict": r.verdict, "needed": r.needed or "–",
        })  # fmt: skip
        for a in r.arms:
            arms.append({"experiment": r.name, "arm": a["arm"], "units": a["units"],
                         "count": a["count"], "rate": a["rate"]})  # fmt: skip
    conclusive = [r for r in results if r.significant]
    best = max(conclusive, key=lambda r: abs(r.effect), default=None)
    take = f.t(
        "take_experiments",
        conclusive=f.number(len(conclusive)),
        total=f.number(len(results)),
        best=best.verdict.split(":")[0] + f" ({f.delta(best.effect)})" if best else "–",
    )
    table = Table.from_frame(
        "experiments",
        pd.DataFrame(rows),
        [
            Column("experiment", f.t("experiment")),
            Column("design", f.t("design")),
            Column("effect", f.t("effect"), "delta"),
            Column("low", f.t("effect_low"), "delta"),
            Column("high", f.t("effect_high"), "delta"),
            Column("p_value", f.t("p_value"), "number"),
            Column("prob", f.t("prob_better"), "percent"),
            Column("revenue_month", f.t("revenue_month") + f" ({d.currency})", "money2"),
            Column("verdict", f.t("verdict")),
            Column("needed", f.t("needed")),
        ],
        f.t("experiments"),
    )
    arm_table = Table.from_frame(
        "experiment_arms",
        pd.DataFrame(arms),
        [
            Column("experiment", f.t("experiment")),
            Column("arm", f.t("arm")),
            Column("units", f.t("units"), "count"),
            Column("count", f.t("count"), "count"),
            Column("rate", f.t("arm_rate"), "number"),
        ],
        f.t("arm"),
    )
    return Section("experiments", f.t("experiments"), take, [table, arm_table],
                   notes=[f.t("note_experiments")])  # fmt: skip
