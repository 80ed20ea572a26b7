"""Fractribution's leave-one-out attribution, on rows of its own example path summary."""

from __future__ import annotations

import pandas as pd
import pytest

from socialroi.measure.attribution import attribute_paths, credit_paths

# conversions / non-conversions as in fractribution's tests/example_path_summary.csv
ROWS = [
    ("A", 477, 135201),
    ("C", 250, 40727),
    ("B", 596, 36462),
    ("D", 182, 6355),
    ("B > D", 12, 180),
    ("A > C", 10, 438),
    ("A > A > C", 2, 58),
    ("A > C > A > C", 3, 9),
]


@pytest.fixture
def summary() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=["path", "total_conversions", "total_null"])


def shares(df: pd.DataFrame, path: str, **params) -> list[float]:
    got = credit_paths(df, "fractribution", **params)
    return got.loc[got["path"] == path, "credit"].tolist()


def test_worked_example(summary):
    # P(B > D) = 12/192, P(B) = 596/37058, P(D) = 182/6537
    # B: P(B>D) - P(D) = .0346585; D: P(B>D) - P(B) = .0464171; normalised .42748 : .57252
    p_bd, p_b, p_d = 12 / 192, 596 / 37058, 182 / 6537
    b, d = p_bd - p_d, p_bd - p_b
    assert shares(summary, "B > D") == pytest.approx([b / (b + d), d / (b + d)])
    assert shares(summary, "B > D") == pytest.approx([0.427484, 0.572516], abs=1e-6)


def test_exposure_transform_merges_repeats(summary):
    # exposure: A > A > C becomes A > C, so P(A > C) = (10 + 2) / (448 + 60)
    p_ac, p_a, p_c = 12 / 508, 477 / 135678, 250 / 40977
    a, c = p_ac - p_c, p_ac - p_a
    assert shares(summary, "A > C") == pytest.approx([a / (a + c), c / (a + c)])
    # the collapsed A stands for two touches: they share its credit
    half = a / (a + c) / 2
    assert shares(summary, "A > A > C") == pytest.approx([half, half, c / (a + c)])
    # no counterfactual of A > C > A > C was observed: each event earns P, equal shares
    assert shares(summary, "A > C > A > C") == pytest.approx([0.25] * 4)


def test_unique_transform_keeps_paths(summary):
    # A > A > C: without pos 0 or 1 -> A > C (10/448); without pos 2 -> A > A (unseen: 0)
    p = 2 / 60
    first = max(0.0, p - 10 / 448)
    last = p
    total = 2 * first + last
    got = shares(summary, "A > A > C", path_transform="unique")
    assert got == pytest.approx([first / total, first / total, last / total])


def test_single_touch_and_all_zero_fall_back(summary):
    assert shares(summary, "A") == [1.0]
    lossy = pd.DataFrame(
        {"path": ["x > y", "x", "y"], "total_conversions": [1, 50, 50], "total_null": [99, 50, 50]}
    )
    # both counterfactuals convert better than the path: last touch gets everything
    assert shares(lossy, "x > y") == [0.0, 1.0]


def test_channel_totals(summary):
    got = attribute_paths(summary, "fractribution")
    assert got["total_conversions"].sum() == pytest.approx(summary["total_conversions"].sum())
    assert got["channel"].tolist() == ["A", "B", "C", "D"]
