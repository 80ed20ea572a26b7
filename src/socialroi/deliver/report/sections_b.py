"""Report sections built on content, costs and data quality, and the methodology."""

from __future__ import annotations

import pandas as pd

from socialroi.deliver.i18n.catalogue import MESSAGES
from socialroi.deliver.report import charts
from socialroi.deliver.report.tables import Column, Section, Table
from socialroi.measure import quality as q
from socialroi.measure.content import (
    accounts_table,
    formats_table,
    posts_table,
    publishing_vs_engagement,
)
from socialroi.measure.costs.allocate import allocate
from socialroi.measure.selection import social_cost
from socialroi.model.metrics import METRICS

# Posts shown fewer times than this are left out of rate rankings (a 3-view post with 2
# likes is not the best post of the quarter).
MIN_SHOWN = 100
CONTENT_METRIC = {"brand": "engagement_rate_impressions"}
ENGAGEMENT_NOTE = {
    "en": "Engagements are the platform's own figure where the export has one, otherwise likes "
    "+ comments + shares + saves; TikTok's views stand in for impressions.",
    "zh-CN": "互动数优先采用平台导出的数值，否则为点赞、评论、分享与收藏之和；"
    "TikTok 以播放量代替展示次数。",
}


def _period_text(p) -> str:
    return f"{p.start}..{p.end}"


# -- content -------------------------------------------------------------------------------


def content(ctx) -> Section:
    f, d = ctx.f, ctx.data
    posts = posts_table(ctx.ws, d.period, d.platforms, d.markets)
    pve = publishing_vs_engagement(ctx.ws, d.period, d.platforms, d.markets)
    fmts = formats_table(ctx.ws, d.period, d.platforms, d.markets)
    if posts.empty:
        return Section("content", f.t("content"), f.t("no_data"))
    metric = CONTENT_METRIC.get(d.profile.name, "engagements")
    ctx.show("posts", "engagements", "engagement_rate_impressions")
    shown = posts.impressions.fillna(posts.views)
    ranked = posts[shown >= MIN_SHOWN] if metric.startswith("engagement_rate") else posts
    ranked = ranked.dropna(subset=[metric]).sort_values(
        [metric, "post_id"], ascending=[False, True]
    )
    post_cols = [
        Column("platform", f.t("platform")),
        Column("market", f.t("market")),
        Column("local_date", f.t("published"), "date"),
        Column("format", f.t("format")),
        Column("caption", f.t("post")),
        Column("engagements", f.t("engagements"), "count"),
        Column("engagement_rate_impressions", f.t("engagement_rate"), "percent"),
        Column("url", "URL"),
    ]
    top = Table.from_frame(
        "top_posts", ranked.head(5), post_cols, f.t("top_posts"), color_key="platform"
    )
    bottom = Table.from_frame(
        "bottom_posts",
        ranked.tail(5).iloc[::-1],
        post_cols,
        f.t("bottom_posts"),
        color_key="platform",
    )
    t_pve = Table.from_frame(
        "publishing",
        pve,
        [
            Column("platform", f.t("platform")),
            Column("posts", f.t("posts"), "count"),
            Column("engagements", f.t("engagements"), "count"),
            Column("engagements_per_post", f.t("engagements_per_post"), "number"),
            Column("impressions", f.t("impressions"), "count"),
            Column("engagement_rate_impressions", f.t("engagement_rate"), "percent"),
        ],
        f.t("publishing"),
        color_key="platform",
    )
    t_fmt = Table.from_frame(
        "formats",
        fmts,
        [
            Column("platform", f.t("platform")),
            Column("format", f.t("format")),
            Column("posts", f.t("posts"), "count"),
            Column("engagements_per_post", f.t("engagements_per_post"), "number"),
            Column("engagement_rate_impressions", f.t("engagement_rate"), "percent"),
        ],
        f.t("formats"),
        color_key="platform",
    )
    chart = charts.volume_vs_engagement(
        f.labelled(pve, "platform"), f.t("posts"), f.t("engagements_per_post")
    )
    best = pve.loc[pve.engagements_per_post.idxmax()]
    most = pve.loc[pve.posts.idxmax()]
    take = f.t(
        "take_content",
        platform=f.value("platform", best.platform),
        per_post=f.number(best.engagements_per_post, 1),
        most=f.value("platform", most.platform),
        posts=f.number(most.posts),
    )
    label = f.t("engagement_rate") if metric.startswith("engagement_rate") else f.t("engagements")
    notes = [
        f.t("note_rank", metric=label, min=f.number(MIN_SHOWN)),
        ENGAGEMENT_NOTE.get(d.lang, ENGAGEMENT_NOTE["en"]),
    ]
    t_acc = Table.from_frame(
        "accounts",
        accounts_table(ctx.ws, d.period, d.platforms, d.markets),
        [
            Column("platform", f.t("platform")),
            Column("account", f.t("account")),
            Column("market", f.t("market")),
            Column("followers", f.t("followers"), "count"),
            Column("follower_growth", f.t("follower_growth"), "percent"),
            Column("posts", f.t("posts"), "count"),
            Column("reach", f.t("reach"), "count"),
            Column("views", f.t("views"), "count"),
            Column("engagements", f.t("engagements"), "count"),
            Column("engagement_rate_impressions", f.t("engagement_rate"), "percent"),
        ],
        f.t("accounts"),
        color_key="platform",
    )
    return Section(
        "content", f.t("content"), take, [t_pve, t_acc, t_fmt, top, bottom], [chart], notes=notes
    )


# -- costs ---------------------------------------------------------------------------------


def cost_rows(ctx) -> pd.DataFrame:
    """The allocated true cost of the period in the profile's cost categories and the
    report's platform / market selection (unallocated lines kept when no filter is set), without
    the cost of non-social paid platforms (search campaigns)."""

    d = ctx.data
    alloc = ctx.once("allocate", lambda: allocate(ctx.ws, d.period))
    cats = set(d.profile.cost_categories)
    a = alloc[alloc.category.isin(cats) & social_cost(alloc)]
    if d.platforms:
        a = a[a.platform.isin(d.platforms)]
    if d.markets:
        a = a[a.market.isin(d.markets)]
    return a


def costs(ctx) -> Section:
    f = ctx.f
    a = cost_rows(ctx)
    if a.empty:
        return Section("costs", f.t("costs"), f.t("no_data"))
    total = float(a.amount_base.sum())
    a = a.assign(
        category=a.category.map(lambda c: f.t(f"cat_{c}") if f"cat_{c}" in MESSAGES else c),
        rule=a.rule.map(lambda r: f.t(f"rule_{r}") if f"rule_{r}" in MESSAGES else r),
    )
    by_cat = a.groupby("category", as_index=False).amount_base.sum()
    by_cat["share"] = by_cat.amount_base / total
    by_cat = by_cat.sort_values("amount_base", ascending=False)
    by_rule = a.groupby("rule", as_index=False).amount_base.sum()
    by_rule["share"] = by_rule.amount_base / total
    by_rule = by_rule.sort_values("amount_base", ascending=False)
    alloc = a[a.rule != f.t("rule_unallocated")]
    pivot = alloc.groupby(["platform", "category"], as_index=False).amount_base.sum()
    by_plat = alloc.groupby(["platform", "market"], as_index=False).amount_base.sum()
    by_plat["share"] = by_plat.amount_base / total
    ctx.show("true_cost", "spend")
    money = [
        Column("amount_base", f.t("amount"), "money"),
        Column("share", f.t("share"), "percent"),
    ]
    tables = [
        Table.from_frame(
            "cost_category",
            by_cat,
            [Column("category", f.t("category")), *money],
            f.t("by_category"),
        ),
        Table.from_frame(
            "cost_rule", by_rule, [Column("rule", f.t("rule")), *money], f.t("by_rule")
        ),
        Table.from_frame(
            "cost_platform_market",
            by_plat.sort_values("amount_base", ascending=False),
            [Column("platform", f.t("platform")), Column("market", f.t("market")), *money],
            f.t("by_cell"),
            color_key="platform",
            doc_rows=12,
        ),
    ]
    chart = charts.stacked(
        f.labelled(pivot, "platform"), "platform", "category", "amount_base", f.t("amount")
    )
    ad = float(a.amount_base[a.category == f.t("cat_ad_spend")].sum())
    un = float(a.amount_base[a.rule == f.t("rule_unallocated")].sum())
    take = f.t(
        "take_costs",
        total=f.money(total),
        ad_share=f.percent(ad / total if total else 0),
        unallocated=f.money(un),
    )
    return Section("costs", f.t("costs"), take, tables, [chart])


# -- data quality --------------------------------------------------------------------------


def quality(ctx) -> Section:
    f, d = ctx.f, ctx.data
    cov = q.coverage(ctx.ws, d.period, d.markets)
    if d.platforms:
        social = cov.source.isin(charts.PLATFORM_COLORS) & ~cov.source.isin(d.platforms)
        cov = cov[~(social & cov.table.isin(["account_metrics", "ad_metrics"]))]
    daily = cov[cov.daily]
    fnd = q.findings(ctx.ws, d.period)
    skipped = q.skipped_rows(ctx.ws, d.period)
    utm = q.unmapped_utms(ctx.ws, d.period)
    fx = q.fx_used(ctx.ws, d.period)
    complete = int((daily.missing_days == 0).sum())
    incomplete = len(daily) - complete
    flagged = int(fnd.rows.sum()) if len(fnd) else 0
    take = f.t(
        "take_quality",
        complete=f.number(complete),
        series=f.number(len(daily)),
        skipped=f.number(flagged),
    )
    tables = [
        Table.from_frame(
            "coverage",
            daily.sort_values(
                ["missing_days", "table", "source", "market"], ascending=[False, True, True, True]
            ),
            [
                Column("table", f.t("table")),
                Column("source", f.t("source")),
                Column("market", f.t("market")),
                Column("first_day", f.t("first_day"), "date"),
                Column("last_day", f.t("last_day"), "date"),
                Column("missing_days", f.t("missing_days"), "count"),
                Column("rows", f.t("rows"), "count"),
            ],
            f.t("coverage"),
            doc_rows=incomplete,
            note="" if incomplete else f.t("all_rows_in_xlsx", total=f.number(len(daily))),
        ),
        Table.from_frame(
            "freshness",
            q.freshness(ctx.ws),
            [
                Column("source", f.t("source")),
                Column("last_sync", f.t("last_sync"), "date"),
                Column("last_import", f.t("last_import"), "date"),
                Column("data_until", f.t("data_until"), "date"),
            ],
            f.t("freshness"),
            note=f.t("freshness_note"),
        ),
        Table.from_frame(
            "findings",
            fnd,
            [
                Column("kind", f.t("kind")),
                Column("rows", f.t("rows"), "count"),
                Column("files", f.t("files"), "count"),
                Column("example", f.t("example")),
            ],
            f.t("findings"),
        ),
        Table.from_frame(
            "skipped",
            skipped[skipped.rows_skipped > 0],
            [
                Column("source", f.t("source")),
                Column("report", f.t("report_kind")),
                Column("files", f.t("files"), "count"),
                Column("rows_read", f.t("read"), "count"),
                Column("rows_skipped", f.t("skipped"), "count"),
            ],
            f.t("skipped"),
        ),
        Table.from_frame(
            "unmapped_utms",
            utm,
            [
                Column("source", f.t("source")),
                Column("medium", f.t("medium")),
                Column("campaign", f.t("campaign")),
                Column("touches", f.t("touches"), "count"),
            ],
            f.t("unmapped"),
        ),
        Table.from_frame(
            "fx",
            fx,
            [
                Column("currency", f.t("currency")),
                Column("rows", f.t("rows"), "count"),
                Column("effective_rate", f.t("rate"), "rate"),
                Column("min_rate", f.t("min_rate"), "rate"),
                Column("max_rate", f.t("max_rate"), "rate"),
                Column("override_days", f.t("overrides"), "count"),
            ],
            f.t("fx") + f" ({f.currency_label()})",
        ),
    ]
    return Section("quality", f.t("quality"), take, tables)


# -- methodology ---------------------------------------------------------------------------


def methodology(ctx) -> Section:
    f, d = ctx.f, ctx.data
    rows = []
    for name in d.metrics_shown:
        m = METRICS.get(name)
        if m is None:
            continue
        rows.append(
            {
                "metric": f.metric_label(m),
                "definition": f.metric_definition(m),
                "formula": f.metric_formula(m),
            }
        )
    table = Table(
        "methodology",
        [
            Column("metric", f.t("metric")),
            Column("definition", f.t("definition")),
            Column("formula", f.t("formula")),
        ],
        rows,
        f.t("method_notes"),
    )
    p = d.profile
    notes = [
        f.t(
            "note_profile",
            profile=f.profile_label(p),
            name=p.name,
            description=f.profile_description(p),
        ),
        f.t(
            "note_model",
            model=f.model_label(d.model),
            days=p.lookback_days,
            kinds=f.t("list_sep").join(f.kind_label(k) for k in p.kinds),
        ),
    ]
    take = f.t("take_method", currency=f.currency_label())
    return Section("methodology", f.t("methodology"), take, [table], notes=notes)
