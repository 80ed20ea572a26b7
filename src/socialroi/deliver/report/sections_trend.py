"""Trends per network and the period comparison per network and market: the two views the
social suites open their reports with (a line per network over the period; this period
against the one before, per network), here on attributed return and true cost as well as
engagement.

Both read `roi()` like every other section: the trend with a weekly grain (monthly for
periods longer than half a year), the comparison with the report's comparison period. ROI
changes in percentage points, amounts relatively, each column labelled so.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from socialroi.deliver.report import charts
from socialroi.deliver.report.sections_a import SOCIAL, metric_column
from socialroi.deliver.report.tables import Column, Section, Table, plain
from socialroi.measure.roi import roi
from socialroi.model.metrics import METRICS, metric
from socialroi.model.names import PLATFORM_NAMES

LONG_PERIOD_DAYS = 183  # longer periods trend by month, shorter ones by week


def trend_metrics(profile) -> tuple[str, ...]:
    """What the trend follows: the profile's return, ad spend and engagements."""
    return tuple(
        dict.fromkeys(m for m in (profile.returns, "spend", "engagements") if m in METRICS)
    )


def _grain(period) -> str:
    return "month" if (period.end - period.start).days > LONG_PERIOD_DAYS else "week"


def bucket_start(label: str) -> dt.date:
    """The first day of a bucket labelled 2026-W27 (its Monday) or 2026-07."""
    if "-W" in label:
        year, week = label.split("-W")
        return dt.date.fromisocalendar(int(year), int(week), 1)
    year, month = label.split("-")[:2]
    return dt.date(int(year), int(month), 1)


def weekly(ctx) -> pd.DataFrame:
    """One row per social platform and bucket (week or month) with the trend metrics."""
    d = ctx.data
    names = trend_metrics(d.profile)
    res = ctx.once(
        "roi:trend",
        lambda: roi(
            ctx.ws, d.query.but(compare=None, grain=_grain(d.period)), by=("platform",),
            metrics=names,
        ),
    )  # fmt: skip
    t = res.table[res.table.platform.isin(SOCIAL)].copy()
    if t.empty:
        return t
    t["start"] = [bucket_start(str(b)) for b in t.period]
    keep = t[list(names)].fillna(0).abs().sum(axis=1) > 0
    return t[keep].sort_values(["start", "platform"]).reset_index(drop=True)


def _wide(long: pd.DataFrame, name: str) -> pd.DataFrame:
    wide = long.pivot_table(index="start", columns="platform", values=name, aggfunc="sum")
    return wide.reset_index().rename_axis(columns=None)


def trends(ctx) -> Section:
    d, f = ctx.data, ctx.f
    long = weekly(ctx)
    names = trend_metrics(d.profile)
    ctx.show(*names)
    if long.empty:
        return Section("trends", f.t("trends"), f.t("no_data"))
    week = _grain(d.period) == "week"
    first_col = Column("start", f.t("trend_week" if week else "trend_month"), "date")
    chart_list, tables = [], []
    # one legend order in every chart: the networks by the first metric's total
    order = list(long.groupby("platform")[names[0]].sum().sort_values(ascending=False).index)
    order = [PLATFORM_NAMES.get(p, p) for p in order]
    for name in names:
        label = f.metric_label(metric(name))
        wide = _wide(long, name)
        platforms = [c for c in wide.columns if c != "start"]
        # a network with any of it this period: every week, zeros included (no false gaps)
        active = long.groupby("platform")[name].transform(lambda s: s.fillna(0).abs().sum() > 0)
        shown = long[active].assign(**{name: long[name].fillna(0)})
        if shown.empty:
            continue
        chart_list.append(
            charts.lines(
                shown.assign(platform=shown.platform.map(lambda p: PLATFORM_NAMES.get(p, p))),
                "start", name, "platform",
                f.t("trend_chart", metric=label),
                money=metric(name).unit == "currency", order=order,
            )
        )  # fmt: skip
        kind = metric_column(name, f).kind
        cols = [first_col] + [Column(p, PLATFORM_NAMES.get(p, p), kind) for p in platforms]
        tables.append(
            Table(
                f"trend_{name}", cols, [plain(r) for r in wide.to_dict("records")],
                f.t("trend_table", metric=label), doc_rows=0, chart="line",
            )
        )  # fmt: skip
    take = _trend_take(long, names[0], f)
    notes = [f.t("trend_note")]
    return Section("trends", f.t("trends"), take, tables, chart_list, notes=notes)


def _trend_take(long: pd.DataFrame, name: str, f) -> str:
    """How the return moved from the first half of the period to the second, per network."""
    starts = sorted(long.start.unique())
    if len(starts) < 2:
        return f.t("no_data")
    half = starts[len(starts) // 2]
    early = long[long.start < half].groupby("platform")[name].sum()
    late = long[long.start >= half].groupby("platform")[name].sum()
    both = pd.concat([early, late], axis=1, keys=["early", "late"]).fillna(0)
    # halves can differ by a week: compare per bucket
    n_early, n_late = sum(s < half for s in starts), sum(s >= half for s in starts)
    both = both.assign(early=both.early / n_early, late=both.late / n_late)
    moving = both[both.early > 0]
    label = f.metric_label(metric(name))
    total_early, total_late = both.early.sum(), both.late.sum()
    if moving.empty or total_early <= 0:
        return f.t("no_data")
    change = (moving.late - moving.early) / moving.early
    up, down = change.idxmax(), change.idxmin()
    return f.t(
        "take_trends",
        metric=label,
        delta=f.delta(total_late / total_early - 1),
        up=PLATFORM_NAMES.get(up, up),
        up_delta=f.delta(change[up]),
        down=PLATFORM_NAMES.get(down, down),
        down_delta=f.delta(change[down]),
    )


# -- this period against the comparison period ----------------------------------------------


def change_metrics(profile) -> tuple[str, ...]:
    return tuple(
        dict.fromkeys(
            m for m in (profile.returns, "true_cost", "roi", "engagements") if m in METRICS
        )
    )


def _change_table(ctx, by: str, title: str) -> tuple[Table, pd.DataFrame]:
    d, f = ctx.data, ctx.f
    names = change_metrics(d.profile)
    res = ctx.once(
        f"roi:change:{by}",
        lambda: roi(ctx.ws, d.query.but(compare=d.compare), by=(by,), metrics=names),
    )
    t = res.table
    if by == "platform":
        t = t[t.platform.isin(SOCIAL)]
    active = t[[n for n in names if n != "roi"]].fillna(0).abs().sum(axis=1) > 0
    prev = t[[f"{n}_prev" for n in names if n != "roi"]].fillna(0).abs().sum(axis=1) > 0
    t = t[active | prev].sort_values(names[0], ascending=False)
    cols = [Column(by, f.t("platform" if by == "platform" else "market"))]
    for n in names:
        m = metric(n)
        label = f.metric_label(m)
        cols.append(metric_column(n, f))
        if m.unit == "percent":  # ROI: the comparison's value and the change in points
            cols.append(Column(f"{n}_prev", f.t("change_prev", metric=label), "percent"))
            cols.append(Column(f"{n}_delta", f.t("change_pt", metric=label), "pp"))
        else:
            cols.append(Column(f"{n}_delta", f.t("change_rel", metric=label), "delta"))
    rows = []
    for r in t.to_dict("records"):
        row = plain({c.key: r.get(c.key) for c in cols})
        row["_direction_true_cost_delta"] = "none"  # more cost is neither good nor bad news
        rows.append(row)
    table = Table(f"change_{by}", cols, rows, title, color_key=by)
    return table, t


def changes(ctx) -> Section:
    d, f = ctx.data, ctx.f
    if d.compare_period is None:
        return Section("changes", f.t("changes"), f.t("changes_none"), available=False)
    names = change_metrics(d.profile)
    ctx.show(*names)
    by_platform, pt = _change_table(ctx, "platform", f.t("changes_by_platform"))
    by_market, mt = _change_table(ctx, "market", f.t("changes_by_market"))
    notes = [f.t("changes_note", cperiod=_period(d.compare_period, f))]
    if "roi_delta" not in pt or pt.roi_delta.dropna().empty:
        return Section("changes", f.t("changes"), f.t("no_data"), [by_platform, by_market])
    p = pt.dropna(subset=["roi_delta"])
    best, worst = p.loc[p.roi_delta.idxmax()], p.loc[p.roi_delta.idxmin()]
    m = mt.dropna(subset=["roi_delta"]) if "roi_delta" in mt else mt.iloc[0:0]
    take = f.t(
        "take_changes",
        cperiod=_period(d.compare_period, f),
        best=PLATFORM_NAMES.get(best.platform, best.platform),
        best_delta=f.pp(best.roi_delta),
        worst=PLATFORM_NAMES.get(worst.platform, worst.platform),
        worst_delta=f.pp(worst.roi_delta),
    )
    if len(m):
        mb = m.loc[m.roi_delta.idxmax()]
        take += " " + f.t("take_changes_market", market=mb.market, delta=f.pp(mb.roi_delta))
    return Section("changes", f.t("changes"), take, [by_platform, by_market], notes=notes)


def _period(p, f) -> str:
    return f"{f.date(p.start)} – {f.date(p.end)}"
