"""The summary's money box and budget moves: what social earned against everything sold, what
it truly cost by category, ROI against the profile's target, and three moves of budget.

Budget moves are read from figures the report already has: each platform x market cell's
return per unit of true cost. A move takes a fifth of the true cost of a cell returning the
least and puts it on a cell returning the most; its expected effect assumes both cells keep
returning what they return on average today (the marginal return is not observed), which the
sentence says.
"""

from __future__ import annotations

import math

import pandas as pd

from socialroi.deliver.report.tables import Column, Table
from socialroi.measure.costs.allocate import READS, allocate
from socialroi.measure.selection import KIND_MEASURES, social_cost
from socialroi.model.names import PLATFORM_NAMES

MOVE_SHARE = 0.2  # the part of a weak cell's cost a move shifts
MIN_COST_SHARE = 0.02  # cells below 2 % of true cost are too small to move budget from or to
MOVES = 3


def money_rows(ctx, res) -> list[dict]:
    """Total revenue, revenue attributed to social and its share, true cost by category, ROI
    against the target: rows for the summary's money table."""
    d, f = ctx.data, ctx.f
    mt = res.measure_totals
    rows: list[dict] = []
    value = KIND_MEASURES.get(d.profile.primary_kind, (None, None))[1]
    if value and d.profile.returns != "earned_media_value":
        social = float(mt.get(value, 0.0) or 0.0)
        total = social + float(mt.get(f"nonsocial_{value}", 0.0) or 0.0)
        rows += [
            _row(f.t("money_total_revenue"), total, "money"),
            _row(f.t("money_social_revenue"), social, "money"),
            _row(f.t("money_social_share"), social / total if total else None, "percent"),
        ]
    rows.append(_row(f.t("money_true_cost"), float(_by_category(ctx).sum()), "money"))
    roi = res.totals.get("roi")
    if roi is not None and not (isinstance(roi, float) and math.isnan(roi)):
        target = d.profile.target_roi
        rows.append(_row(f.t("money_roi_target"), float(target), "percent"))
        rows.append(_row(f.t("money_roi_gap"), float(roi) - target, "pp"))
    return rows


def moves_table(ctx, cells: pd.DataFrame) -> Table | None:
    moves = budget_moves(ctx, cells)
    if not moves:
        return None
    f = ctx.f
    return Table("moves", [Column("move", f.t("moves_column"))], [{"move": m} for m in moves],
                 f.t("moves_title"))  # fmt: skip


def _by_category(ctx) -> pd.Series:
    """True cost of the period by cost category (the profile's categories), largest first;
    without the cost of non-social paid platforms (search), as in the measures."""
    d = ctx.data
    alloc = ctx.ws.memo(
        ("allocate", d.period, None), lambda: allocate(ctx.ws, d.period, None), reads=READS
    )
    if not len(alloc):
        return pd.Series(dtype="float64")
    scope = alloc[alloc.category.isin(d.profile.cost_categories) & social_cost(alloc)]
    return scope.groupby("category").amount_base.sum().sort_values(ascending=False)


def cost_table(ctx) -> Table | None:
    """The true cost by category in one row, so the summary stays one page."""
    by_cat = _by_category(ctx)
    if by_cat.empty:
        return None
    f = ctx.f
    cols = [Column(str(c), f.t(f"cat_{c}"), "money") for c in by_cat.index]
    return Table("cost_by_category", cols, [{str(k): float(v) for k, v in by_cat.items()}],
                 f.t("money_cost_title"))  # fmt: skip


def money_table(ctx, res) -> Table:
    f = ctx.f
    cols = [Column("what", f.t("metric")), Column("value", f.t("value"), "auto")]
    return Table("money", cols, money_rows(ctx, res), f.t("money_title"))


def _row(what: str, value: float | None, kind: str) -> dict:
    return {"what": what, "value": value, "_kind_value": kind}


def budget_moves(ctx, cells: pd.DataFrame) -> list[str]:
    """Up to three sentences: move money from the cells returning least to those returning
    most, each with an amount and its expected effect."""
    d, f = ctx.data, ctx.f
    need = {"platform", "market", "true_cost", "roi"}
    if cells is None or cells.empty or not need <= set(cells.columns):
        return []
    c = cells[~cells.platform.isin(["other", "(unallocated)"])].copy()
    c = c[c.true_cost.notna() & c.roi.notna() & (c.true_cost > 0)]
    total = float(c.true_cost.sum())
    c = c[c.true_cost >= MIN_COST_SHARE * total] if total else c
    if len(c) < 2:
        return []
    donors = c[c.roi < d.profile.target_roi].sort_values("roi").head(MOVES)
    takers = c.sort_values("roi", ascending=False)
    takers = takers[takers.roi > d.profile.target_roi].head(MOVES)
    out = []
    for (_, give), (_, take) in zip(donors.iterrows(), takers.iterrows()):
        amount = _round(MOVE_SHARE * float(give.true_cost))
        if amount <= 0 or take.roi <= give.roi:
            continue
        effect = amount * (float(take.roi) - float(give.roi))
        out.append(
            f.t(
                "move",
                amount=f.money(amount),
                giver=_cell(f, give),
                giver_roi=f.percent(float(give.roi)),
                taker=_cell(f, take),
                taker_roi=f.percent(float(take.roi)),
                effect=f.money(effect),
            )
        )
    return out


def _cell(f, row) -> str:
    return f"{PLATFORM_NAMES.get(row.platform, row.platform)} · {row.market}"


def _round(x: float) -> float:
    """Two significant figures: a budget move is a decision, not a computation."""
    if x <= 0:
        return 0.0
    digits = 1 - int(math.floor(math.log10(x)))
    return round(x, digits)
