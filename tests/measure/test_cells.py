"""Day cells (socialroi.measure.cells) give the figures the raw rows give: every base measure
of a grid of selections (breakdowns, grains, platform and market filters), computed once from
the pre-summed cells and once from the raw rows (the grouping switched off), on the demo."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from socialroi import Workspace
from socialroi.measure import cells as cells_mod
from socialroi.measure import measures as measures_mod
from socialroi.measure.measures import base_measures
from socialroi.measure.profiles import load_profile
from socialroi.measure.selection import Selection, bucket, filter_cells
from socialroi.model.periods import parse_period
from socialroi.store import answers, reads
from tests.conftest import copy_workspace


def _raw_rows(monkeypatch) -> None:
    """The reductions as no-ops: every frame keeps its raw rows (the path before cells), and
    conversions counted afresh are counted from their own touch pairs, one by one."""
    monkeypatch.setattr(
        cells_mod, "_sum", lambda df, keys, cols: df[[*keys, *cols]].reset_index(drop=True)
    )
    monkeypatch.setattr(cells_mod, "influenced_rows", lambda inf: inf)
    monkeypatch.setattr(measures_mod, "signatures", _one_per_conversion)
    monkeypatch.setattr(measures_mod, "count_afresh", _count_pairs)


def _one_per_conversion(rows, fixed, values, by_campaign):
    """Every conversion its own group, its touch pairs its members (no signature shared)."""
    members = cells_mod.MEMBERS[by_campaign]
    # a conversion is its id within its kind (a deal's id may be both an opportunity and won)
    rows = rows.assign(sig=rows.conversion_id.astype(str) + "|" + rows.get("kind", ""))
    groups = rows.drop_duplicates("sig").assign(n=1.0)[[*fixed, "sig", "n", *values]]
    return groups.reset_index(drop=True), rows[["sig", *members]].reset_index(drop=True)


def _count_pairs(groups, members, sel, measures):
    """The counting before signatures: the touch pairs within the filters, each conversion
    once per cell (drop_duplicates) and once in the total."""
    rows = filter_cells(groups.merge(members, on="sig"), sel)
    if rows.empty:
        return pd.DataFrame(columns=sel.keys), {}
    rows["period"] = bucket(rows.day, sel.grain, sel.period)
    per_cell = rows.drop_duplicates([*sel.keys, "sig"])
    once = rows.drop_duplicates("sig")
    cols = list(dict.fromkeys(measures.values()))
    cells = per_cell.groupby(sel.keys, as_index=False)[cols].sum()
    for name, col in measures.items():
        cells[name] = cells[col]
    return cells[[*sel.keys, *measures]], {n: float(once[c].sum()) for n, c in measures.items()}


def _answers(path, selections, profile) -> list:
    with Workspace.open(path) as ws:
        answers.clear(ws.store)  # nothing remembered from the other way
        prof = load_profile(profile)
        return [base_measures(ws, sel, prof, prof.model) for sel in selections]


def _selections(path) -> list[Selection]:
    with Workspace.open(path) as ws:
        platforms = reads.distinct_values(ws.store, "platform", ("accounts", "ad_metrics"))
        markets = reads.distinct_values(ws.store, "market", ("accounts", "conversions"))
    p = parse_period("2026-Q3")
    filters = [
        (None, None),
        ((platforms[0],), None),
        (None, (markets[0],)),
        (tuple(platforms[:2]), tuple(markets[:2])),
    ]
    campaigns = _campaigns(path)
    out = []
    for by, grain in [(("platform",), None), (("market",), None), ((), "month"),
                      (("platform", "market"), "month"), (("campaign",), None)]:  # fmt: skip
        for plat, mark in filters:
            out.append(Selection(p, by or ("platform",), grain, plat, mark))
        # a campaign filter, alone and with a platform
        out.append(Selection(p, by or ("platform",), grain, None, None, campaigns[:1]))
        out.append(Selection(p, by or ("platform",), grain, (platforms[0],), None, campaigns[:2]))
    return out


def _campaigns(path) -> tuple[str, ...]:
    """Two campaigns with attributed revenue in the period (the campaign breakdown's)."""
    with Workspace.open(path) as ws:
        prof = load_profile("dtc")
        sel = Selection(parse_period("2026-Q3"), ("campaign",))
        cells, _ = base_measures(ws, sel, prof, prof.model)
    named = cells[cells.campaign != "(none)"].sort_values("revenue", ascending=False)
    assert len(named) >= 2
    return tuple(named.campaign[:2])


@pytest.mark.parametrize("profile", ["dtc", "b2b"])
def test_cells_give_the_raw_rows_figures(tiny_demo, tmp_path, monkeypatch, profile):
    path = copy_workspace(tiny_demo, tmp_path)
    selections = _selections(path)
    fast = _answers(path, selections, profile)
    with monkeypatch.context() as m:
        _raw_rows(m)
        slow = _answers(path, selections, profile)
    for sel, (cells, totals), (want_cells, want_totals) in zip(selections, fast, slow):
        assert set(totals) == set(want_totals), sel
        for k, v in want_totals.items():
            assert totals[k] == pytest.approx(v, rel=1e-9, abs=1e-9), (sel, k)
        keys = sel.keys
        assert list(cells.columns) == list(want_cells.columns), sel
        a = cells.sort_values(keys).reset_index(drop=True)
        b = want_cells.sort_values(keys).reset_index(drop=True)
        pd.testing.assert_frame_equal(a[keys], b[keys])
        num = [c for c in a.columns if c not in keys]
        np.testing.assert_allclose(
            a[num].to_numpy(float), b[num].to_numpy(float), rtol=1e-9, atol=1e-9, err_msg=str(sel)
        )


def test_a_campaign_filter_sums_to_its_row_of_the_campaign_breakdown(tiny_demo):
    """Filtered to one campaign, every additive measure's total is that campaign's row when
    broken down by campaign; and counted afresh, influenced conversions are at most the row's
    (the row counts them once too, the total once over the platforms)."""
    with Workspace.open(tiny_demo) as ws:
        prof = load_profile("dtc")
        p = parse_period("2026-Q3")
        by_campaign, _ = base_measures(ws, Selection(p, ("campaign",)), prof, prof.model)
        named = by_campaign[by_campaign.campaign != "(none)"]
        for campaign in named.sort_values("true_cost", ascending=False).campaign[:3]:
            row = named[named.campaign == campaign].iloc[0]
            _, totals = base_measures(
                ws, Selection(p, ("platform",), campaigns=(campaign,)), prof, prof.model
            )
            for m in ("true_cost", "ad_spend", "revenue", "conversions", "posts", "impressions",
                      "influenced_conversions", "influenced_revenue"):  # fmt: skip
                assert totals.get(m, 0.0) == pytest.approx(row[m], rel=1e-9, abs=1e-9), m
            assert row["true_cost"] > 0 or row["revenue"] > 0
            assert totals.get("followers", 0.0) == 0.0  # not tied to a campaign
