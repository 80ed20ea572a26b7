"""Budget moves: from the cells returning least to those returning most, an amount and an
expected effect each, at most three, never from a cell too small to matter."""

from types import SimpleNamespace

import pandas as pd

from socialroi.deliver.i18n.catalogue import formatter
from socialroi.deliver.report.summary_money import budget_moves
from socialroi.measure.profiles import PROFILES


def ctx(lang="en", target=0.0):
    prof = PROFILES["dtc"]
    prof = prof.__class__(**{**prof.__dict__, "target_roi": target})
    return SimpleNamespace(data=SimpleNamespace(profile=prof), f=formatter(lang, "USD"))


CELLS = pd.DataFrame(
    {
        "platform": ["tiktok", "linkedin", "pinterest", "youtube", "x", "other", "facebook"],
        "market": ["US", "US", "DE", "US", "GB", "US", "FR"],
        "true_cost": [1000.0, 500.0, 400.0, 300.0, 600.0, 900.0, 5.0],
        "roi": [-0.5, -0.99, 1.27, 1.08, 0.2, -1.0, 9.0],
    }
)


def test_moves_pair_the_weakest_with_the_strongest():
    moves = budget_moves(ctx(), CELLS)
    assert len(moves) == 2  # two cells return less than the target of 0
    assert moves[0].startswith("Move $100 from LinkedIn · US (ROI -99.0%) to Pinterest · DE")
    assert "about $226 more return" in moves[0]  # 100 x (1.27 - -0.99)
    assert "TikTok · US" in moves[1] and "YouTube · US" in moves[1]
    assert not any("Facebook" in m or "other" in m for m in moves)  # too small, not social


def test_as_many_moves_as_pairs_and_chinese_reads_chinese():
    moves = budget_moves(ctx("zh-CN", target=0.5), CELLS)  # 3 below target, 2 above
    assert len(moves) == 2 and all(m.startswith("将 ") for m in moves)
    assert "X · GB" not in "".join(moves)  # the third donor has no one left to give to


def test_nothing_to_move_without_a_weak_and_a_strong_cell():
    assert budget_moves(ctx(), CELLS[CELLS.roi > 0]) == []
    assert budget_moves(ctx(), CELLS.iloc[:0]) == []
