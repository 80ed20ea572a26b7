"""Day cells (socialroi.measure.cells) give the figures the raw rows give: every base measure
of a grid of selections (breakdowns, grains, platform and market filters), computed once from
the pre-summed cells and once from the raw rows (the grouping switched off), on the demo."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from socialroi import Workspace
from socialroi.measure import cells as cells_mod
from socialroi.measure.measures import base_measures
from socialroi.measure.profiles import load_profile
from socialroi.measure.selection import Selection
from socialroi.model.periods import parse_period
from socialroi.store import answers, reads
from tests.conftest import copy_workspace


def _raw_rows(monkeypatch) -> None:
    """The reductions as no-ops: every frame keeps its raw rows (the path before cells)."""
    monkeypatch.setattr(
        cells_mod, "_sum", lambda df, keys, cols: df[[*keys, *cols]].reset_index(drop=True)
    )
    monkeypatch.setattr(cells_mod, "influenced_rows", lambda inf: inf)


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
    out = []
    for by, grain in [(("platform",), None), (("market",), None), ((), "month"),
                      (("platform", "market"), "month"), (("campaign",), None)]:  # fmt: skip
        for plat, mark in filters:
            out.append(Selection(p, by or ("platform",), grain, plat, mark))
    return out


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
