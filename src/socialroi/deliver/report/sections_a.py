"""Report sections built on ROI, insights, attribution and CLV: executive summary, ROI by
platform x market, attribution, B2B funnel, CLV and CLV:CAC."""

from __future__ import annotations

import math

import pandas as pd

from socialroi.deliver.report import charts
from socialroi.deliver.report.summary_money import cost_table, money_table, moves_table
from socialroi.deliver.report.tables import KIND_OF_UNIT, Column, Section, Table, unavailable
from socialroi.errors import SocialroiError
from socialroi.journeys.touches import JourneySettings
from socialroi.measure.attribution.workspace import COMPARE_ORDER, compare
from socialroi.measure.clv.workspace import clv_by
from socialroi.measure.insights import insights
from socialroi.measure.roi import delta as roi_delta
from socialroi.measure.roi import roi
from socialroi.model.metrics import METRICS, metric
from socialroi.model.names import MODEL_NAMES

SOCIAL = ("facebook", "instagram", "tiktok", "x", "pinterest", "youtube", "linkedin")
MODEL_LABELS = MODEL_NAMES["en"]


def _metric(name: str):
    return metric(name)


def metric_column(name: str, f) -> Column:
    m = _metric(name)
    return Column(name, f.metric_label(m), KIND_OF_UNIT.get(m.unit, "number"))


def report_metrics(profile) -> tuple[str, ...]:
    """Every metric the report reads from `roi()`: the profile's, CAC (for CLV:CAC), the
    shares, and the funnel's for profiles with leads. One list, so two `roi()` calls (by
    platform with the comparison, by platform x market) serve every section."""
    names = [*profile.all_metrics, "true_cost", "cac", "budget_share", "contribution_share"]
    if "lead" in profile.kinds or "won" in profile.kinds:
        names += [m for s in STAGES for m in s if m] + list(PIPELINE)
    return tuple(m for m in dict.fromkeys(names) if m in METRICS)


def _roi(ctx, by: tuple[str, ...], compare: str | None = None):
    d = ctx.data
    metrics = report_metrics(d.profile)
    key = f"roi:{by}:{compare}"
    return ctx.once(
        key,
        lambda: roi(ctx.ws, d.query.but(compare=compare), by=by, metrics=metrics),
    )


def _period_text(p) -> str:
    return f"{p.start}..{p.end}"


def by_platform(ctx):
    """ROI per platform with the comparison: shared by the summary, ROI and funnel."""
    return _roi(ctx, ("platform",), ctx.data.compare)


def by_cell(ctx):
    return _roi(ctx, ("platform", "market"), None)


def _num(v) -> float | None:
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) or math.isinf(v) else v


# -- executive summary ---------------------------------------------------------------------


def summary(ctx) -> Section:
    res = by_platform(ctx)
    d, f = ctx.data, ctx.f
    prev = res.totals_prev or {}
    rows = []
    for name in d.profile.headline:
        if name not in res.totals:
            continue
        m = _metric(name)
        cur, old = _num(res.totals.get(name)), _num(prev.get(name))
        # the ROI module's own rule: relative change, or points for percentages
        delta = _num(roi_delta(cur, old, m.unit)) if cur is not None and old is not None else None
        rows.append(
            {
                "_kind": KIND_OF_UNIT.get(m.unit, "number"),
                "metric": f.metric_label(m),
                "value": cur,
                "previous": old,
                "delta": delta,
                "_kind_delta": "pp" if m.unit == "percent" else "delta",
                "unit": m.unit,
                "name": name,
                "direction": m.direction,
            }
        )
    ctx.show(*[r["name"] for r in rows])
    cols = [Column("metric", f.t("metric")), Column("value", f.t("value"), "auto")]
    if d.compare:
        cols += [
            Column("previous", f.t("previous"), "auto"),
            Column("delta", f.t("change"), "auto"),
        ]
    table = Table("headline", cols, rows, f.t("headline"))
    bullets = []
    found = ctx.once(
        "insights",
        lambda: insights(
            ctx.ws,
            _period_text(d.period),
            profile=d.profile,
            compare=d.compare,
            model=d.model,
            # the same inputs: reuse the ROI already computed (not with a selection, which
            # insights do not take)
            by_platform=None if d.platforms or d.markets else res,
            attribution=attribution_frames(ctx),
            lang=d.lang,
        ),
    )
    found = sorted(found, key=lambda i: -float(i.strength or 0))[:3]  # the page stays one
    bullets = [i.sentence for i in found]
    lead = rows[0] if rows else None
    if bullets:
        take = bullets[0]
    elif lead and lead["delta"] is not None:
        take = f.t(
            "take_summary",
            metric=lead["metric"],
            value=f.unit(lead["unit"], lead["value"]),
            period=d.period.label,
            delta=f.pp(lead["delta"]) if lead["unit"] == "percent" else f.delta(lead["delta"]),
            cperiod=d.compare_period.label,
        )
    elif lead:
        take = f.t(
            "take_summary_plain",
            metric=lead["metric"],
            value=f.unit(lead["unit"], lead["value"]),
            period=d.period.label,
        )
    else:
        take = f.t("no_data")
    tables = [table, money_table(ctx, res)]
    costs = cost_table(ctx)
    if costs is not None:
        tables.append(costs)
    moves = moves_table(ctx, by_cell(ctx).table)
    if moves is not None:
        tables.append(moves)
    return Section("summary", f.t("summary"), take, tables, bullets=bullets)


# -- ROI -----------------------------------------------------------------------------------


def _roi_metrics(profile, present) -> list[str]:
    count = profile.insight_metric if profile.insight_metric != profile.returns else "conversions"
    wanted = [
        "true_cost",
        count,
        profile.returns,
        "roas",
        "roi",
        "budget_share",
        "contribution_share",
    ]
    return [m for m in dict.fromkeys(wanted) if m in present]


def roi_section(ctx) -> Section:
    plat, cell = by_platform(ctx), by_cell(ctx)
    f, d = ctx.f, ctx.data
    shown = _roi_metrics(d.profile, set(cell.table.columns))
    ctx.show(*shown)
    cols = [metric_column(m, f) for m in shown]
    ct = cell.table
    # cells with no cost and nothing credited (a market a platform is not active in) say nothing
    idle = pd.Series(True, index=ct.index)
    for m in shown:
        if m not in ("budget_share", "contribution_share", "roi", "roas"):
            idle &= ct[m].fillna(0) == 0
    t_cell = Table.from_frame(
        "roi_platform_market",
        ct[~idle].sort_values(["platform", "market"]),
        [Column("platform", f.t("platform")), Column("market", f.t("market")), *cols],
        f.t("by_cell"),
        color_key="platform",
    )
    pt = plat.table.copy()
    t_plat = Table.from_frame(
        "roi_platform",
        pt,
        [Column("platform", f.t("platform")), *cols],
        f.t("by_platform"),
        color_key="platform",
    )
    chart_list, take = [], f.t("no_data")
    if {"budget_share", "contribution_share"} <= set(pt.columns) and not pt.empty:
        chart_list.append(
            charts.paired_shares(
                f.labelled(pt.fillna({"budget_share": 0, "contribution_share": 0}), "platform"),
                "platform",
                "budget_share",
                "contribution_share",
                f.t("share_budget"),
                f.t("share_contribution"),
            )
        )
        social = pt[pt.platform.isin(SOCIAL)]
        social = social if len(social) else pt
        gap = (social.contribution_share - social.budget_share).fillna(-1e9)
        top = social.loc[gap.idxmax()]
        ct = cell.table.dropna(subset=["roi"]) if "roi" in cell.table else pd.DataFrame()
        ct = ct[ct.true_cost > 0] if "true_cost" in ct else ct
        if not ct.empty:
            best = ct.loc[ct.roi.idxmax()]
            take = f.t(
                "take_roi",
                platform=f.value("platform", top.platform),
                contribution=f.percent(top.contribution_share),
                budget=f.percent(top.budget_share),
                cell=f"{f.value('platform', best.platform)} · {best.market}",
                roi=f.percent(best.roi),
            )
    return Section("roi", f.t("roi"), take, [t_plat, t_cell], chart_list)


# -- attribution ---------------------------------------------------------------------------


def attribution_frames(ctx) -> pd.DataFrame:
    d = ctx.data
    settings = JourneySettings(
        lookback_days=d.profile.lookback_days, kinds=tuple(d.profile.kinds), by=("platform",)
    )
    models = tuple(dict.fromkeys([*COMPARE_ORDER, d.model]))
    return ctx.once("attribution", lambda: compare(ctx.ws, d.period, settings, models))


def attribution(ctx) -> Section:
    f, d = ctx.f, ctx.data
    table = attribution_frames(ctx)
    if table.empty:
        return Section("attribution", f.t("attribution"), f.t("no_data"))
    model = d.model
    units = table.copy()
    if d.platforms:
        units = units[units.unit.isin(d.platforms) | ~units.unit.isin(SOCIAL)]
    models = [m for m in MODEL_LABELS if m in table.columns]
    for m in models:
        total = table[m].sum()
        units[f"{m}_share"] = units[m] / total if total else 0.0
    units["vs_last"] = (units[f"{model}_share"] - units["last_click_share"]) * 100
    units = units.sort_values(model, ascending=False).reset_index(drop=True)
    chosen = Table.from_frame(
        "attribution",
        units,
        [
            Column("unit", f.t("unit")),
            Column(model, f.t("conversions_under", model=f.model_label(model)), "number"),
            Column(f"{model}_share", f.t("conv_share"), "percent"),
            Column(
                "last_click", f.t("conversions_under", model=f.model_label("last_click")), "number"
            ),
            Column("vs_last", f.t("vs_last_click"), "points"),
        ],
        f.t("model_caption", model=f.model_label(model)),
        color_key="unit",
    )
    every = Table.from_frame(
        "attribution_models",
        units,
        [Column("unit", f.t("unit"))]
        + [Column(f"{m}_share", f.model_label(m), "percent") for m in models],
        f.t("attribution_models"),
        color_key="unit",
    )
    show = {"last_click_share": f.model_label("last_click"), f"{model}_share": f.model_label(model)}
    for extra in ("markov", "shapley"):
        if extra != model and f"{extra}_share" in units:
            show[f"{extra}_share"] = f.model_label(extra)
    chart = charts.model_shares(f.labelled(units, "unit"), "unit", show, f.t("conv_share"))
    top = units.iloc[0]
    social = units[units.unit.isin(SOCIAL)]
    under = social[social.vs_last >= 0.5].sort_values("vs_last", ascending=False)
    if len(under):
        names = f.t("list_sep").join(
            f"{f.value('unit', r.unit)} ({f.points(r.vs_last)})" for r in under.head(3).itertuples()
        )
        take = f.t(
            "take_attribution",
            model=f.model_label(model),
            top=f.value("unit", top.unit),
            share=f.percent(top[f"{model}_share"]),
            under=names,
        )
    else:
        take = f.t(
            "take_attribution_even",
            model=f.model_label(model),
            top=f.value("unit", top.unit),
            share=f.percent(top[f"{model}_share"]),
        )
    notes = [f.t("note_attr_markets")] if d.markets else []
    return Section("attribution", f.t("attribution"), take, [chosen, every], [chart], notes=notes)


# -- B2B funnel ----------------------------------------------------------------------------

STAGES = (
    ("leads", "cost_per_lead", None),
    ("qualified_leads", "cost_per_mql", "lead_to_mql"),
    ("sqls", "cost_per_sql", "mql_to_sql"),
    ("won_deals", None, "sql_to_won"),
)
PIPELINE = ("pipeline_influenced", "won_revenue", "won_revenue_sourced", "won_revenue_influenced")


def funnel(ctx) -> Section:
    f = ctx.f
    wanted = [m for s in STAGES for m in s if m] + list(PIPELINE) + ["true_cost"]
    res = by_platform(ctx)
    tot = res.totals
    rows = []
    for count, cost, rate in STAGES:
        n = _num(tot.get(count))
        c = _num(tot.get(cost)) if cost else None
        if cost is None and n:
            c = (_num(tot.get("true_cost")) or 0.0) / n
        rows.append(
            {
                "stage": f.metric_label(_metric(count)),
                "count": n,
                "cost": c,
                "rate": _num(tot.get(rate)) if rate else None,
            }
        )
    ctx.show(*[m for m in wanted if m in tot])
    stages = Table(
        "funnel",
        [
            Column("stage", f.t("stage")),
            Column("count", f.t("count"), "count"),
            Column("cost", f.t("cost_per"), "money"),
            Column("rate", f.t("conversion_rate"), "percent"),
        ],
        rows,
        f.t("funnel"),
    )
    pipe = Table(
        "pipeline",
        [Column("metric", f.t("metric")), Column("value", f.t("value"), "money")],
        [
            {"metric": f.metric_label(_metric(m)), "value": _num(tot.get(m))}
            for m in PIPELINE
            if m in tot
        ],
        f.t("sourced_pipeline") + " / " + f.t("influenced_pipeline"),
    )
    plat_cols = [
        m
        for m in (
            "qualified_leads",
            "sqls",
            "won_deals",
            "cost_per_sql",
            "won_revenue_sourced",
            "won_revenue_influenced",
        )
        if m in res.table.columns
    ]
    per = Table.from_frame(
        "funnel_platform",
        res.table,
        [Column("platform", f.t("platform")), *[metric_column(m, f) for m in plat_cols]],
        f.t("by_platform"),
        color_key="platform",
    )
    chart = charts.funnel(pd.DataFrame(rows).fillna({"count": 0}), "stage", "count", f.t("count"))
    take = f.t(
        "take_funnel",
        leads=f.count(rows[0]["count"]),
        won=f.count(rows[-1]["count"]),
        cost_sql=f.money(rows[2]["cost"]),
        influenced=f.money(tot.get("pipeline_influenced")),
    )
    return Section("funnel", f.t("funnel"), take, [stages, pipe, per], [chart])


# -- CLV -----------------------------------------------------------------------------------


def platform_clv(cell: pd.DataFrame) -> pd.DataFrame:
    """Per acquisition platform from the platform x market rows: customers summed, CLV as the
    mean per customer (the same as `clv_by(by=("platform",))` over the same customers)."""
    c = cell.assign(
        _h=cell.historical_clv * cell.customers,
        _p=cell.predicted_clv * cell.customers,
    )
    g = c.groupby("platform", as_index=False).agg(
        customers=("customers", "sum"), _h=("_h", "sum"), _p=("_p", lambda s: s.sum(min_count=1))
    )
    g["historical_clv"] = g._h / g.customers
    g["predicted_clv"] = g._p / g.customers
    return g.drop(columns=["_h", "_p"])


def clv(ctx) -> Section:
    f, d = ctx.f, ctx.data
    notes = []
    try:
        try:
            cell = clv_by(ctx.ws, _period_text(d.period), by=("platform", "market"))
        except SocialroiError as exc:  # too few repeat buyers to fit: historical CLV only
            notes.append(str(exc))
            cell = clv_by(ctx.ws, _period_text(d.period), by=("platform", "market"), predict=False)
        cac_p = by_platform(ctx).table
        cac_c = by_cell(ctx).table
    except SocialroiError as exc:
        return unavailable(f, "clv", str(exc))
    if d.platforms:
        cell = cell[cell.platform.isin(d.platforms)]
    if d.markets:
        cell = cell[cell.market.isin(d.markets)]
    plat = platform_clv(cell)
    plat = plat.merge(cac_p[["platform", "cac"]], on="platform", how="left")
    cell = cell.merge(cac_c[["platform", "market", "cac"]], on=["platform", "market"], how="left")
    predicted = plat.predicted_clv.notna().any()
    # CLV:CAC as the catalogue defines it (and the headline shows it): historical CLV over
    # CAC; the predicted next-12-months value is shown beside it
    value = "historical_clv"
    for t in (plat, cell):
        t["clv_cac"] = (t[value] / t.cac).where(t.cac > 0)
    ctx.show("clv", "predicted_clv", "cac", "clv_cac")
    cols = [
        Column("customers", f.t("customers"), "count"),
        Column("historical_clv", f.t("historical_clv"), "money"),
        Column("predicted_clv", f.t("predicted_clv"), "money"),
        Column("cac", f.t("cac"), "money"),
        Column("clv_cac", f.t("clv_cac"), "ratio"),
    ]
    plat = plat.sort_values("customers", ascending=False)
    if not predicted:
        cols = [c for c in cols if c.key != "predicted_clv"]
    t_plat = Table.from_frame(
        "clv_platform",
        plat,
        [Column("platform", f.t("platform")), *cols],
        f.t("by_platform"),
        color_key="platform",
    )
    t_cell = Table.from_frame(
        "clv_platform_market",
        cell.sort_values(["customers", "platform", "market"], ascending=[False, True, True]),
        [Column("platform", f.t("platform")), Column("market", f.t("market")), *cols],
        f.t("by_cell"),
        color_key="platform",
        doc_rows=15,
    )
    charted = plat.dropna(subset=["clv_cac"])
    chart_list = (
        [
            charts.hbar(
                f.labelled(charted, "platform"), "platform", "clv_cac", f.t("clv_cac"), ".3~f"
            )
        ]
        if len(charted)
        else []
    )
    social = charted[charted.platform.isin(SOCIAL)]
    if len(social):
        b = social.loc[social.clv_cac.idxmax()]
        take = f.t(
            "take_clv_hist",
            platform=f.value("platform", b.platform),
            ratio=f.ratio(b.clv_cac),
            clv=f.money(b[value]),
            cac=f.money(b.cac),
        )
    else:
        tot = plat.customers.sum()
        mean = (plat[value] * plat.customers).sum() / tot if tot else None
        take = f.t("take_clv_plain", customers=f.number(tot), clv=f.money(mean))
    return Section("clv", f.t("clv"), take, [t_plat, t_cell], chart_list, notes=notes)
