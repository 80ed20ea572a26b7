"""Paid performance by campaign: where the ad money went and what it bought, the way the
ad managers show it (spend, CPM, CPC, CTR) next to what it earned (attributed revenue, ROAS),
with each ad campaign joined to its links' UTM campaign (`socialroi.measure.campaigns`)."""

from __future__ import annotations

import math

from socialroi.deliver.report.sections_a import metric_column
from socialroi.deliver.report.tables import Column, Section, Table
from socialroi.measure.roi import roi

PAID = ("spend", "cpm", "cpc", "ctr", "cpa", "revenue", "roas")  # cpa: cost per attributed result
TOP = 15


def paid(ctx) -> Section:
    d, f = ctx.data, ctx.f
    res = ctx.once(
        "roi:campaign",
        lambda: roi(ctx.ws, d.query.but(compare=None), by=("campaign",), metrics=PAID),
    )
    t = res.table
    t = t[t.spend.fillna(0) > 0].sort_values("spend", ascending=False)
    ctx.show(*PAID)
    if t.empty:
        return Section("paid", f.t("paid"), f.t("no_data"))
    top = t.head(TOP)
    cols = [Column("campaign", f.t("campaign")), *(metric_column(m, f) for m in PAID)]
    # cents matter for a click or a thousand impressions
    cols = [Column(c.key, c.label, "money2") if c.key in ("cpm", "cpc") else c for c in cols]
    rows = [
        {c: (None if isinstance(v, float) and math.isnan(v) else v) for c, v in r.items()}
        for r in top[["campaign", *PAID]].to_dict("records")
    ]
    table = Table("paid_campaigns", cols, rows, f.t("paid_table", n=len(top), total=len(t)))
    spend = float(t.spend.sum())
    earning = float(t.loc[t.revenue.fillna(0) > 0, "spend"].sum())
    best = top.sort_values("roas", ascending=False).iloc[0]
    take = f.t(
        "take_paid",
        share=f.percent(earning / spend if spend else None),
        spend=f.money(spend),
        best=str(best.campaign),
        roas=f.ratio(best.roas),
    )
    return Section("paid", f.t("paid"), take, [table])
