"""Hand-worked examples for the rule-based models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from socialroi.measure.attribution import attribute_paths, credit_paths

PATH = "email > direct > search > direct"


def totals(df: pd.DataFrame, model: str, **params) -> dict[str, float]:
    got = attribute_paths(df, model, **params)
    return dict(zip(got["channel"], got["total_conversions"]))


@pytest.fixture
def one() -> pd.DataFrame:
    return pd.DataFrame(
        {"path": [PATH], "total_conversions": [10], "total_conversion_value": [100.0]}
    )


def test_first_and_last_click(one):
    assert totals(one, "first_click") == {"direct": 0, "email": 10, "search": 0}
    assert totals(one, "last_click") == {"direct": 10, "email": 0, "search": 0}


def test_last_non_direct(one):
    assert totals(one, "last_non_direct") == {"direct": 0, "email": 0, "search": 10}
    only_direct = pd.DataFrame({"path": ["(direct) > direct"], "total_conversions": [4]})
    assert totals(only_direct, "last_non_direct") == {"(direct)": 0, "direct": 4}
    custom = totals(one, "last_non_direct", direct=["Search", "direct"])
    assert custom == {"direct": 0, "email": 10, "search": 0}


def test_linear_repeats_credit_per_touch(one):
    assert totals(one, "linear") == {"direct": 5, "email": 2.5, "search": 2.5}
    got = attribute_paths(one, "linear")
    assert got["total_conversion_value"].tolist() == [50, 25, 25]


def test_position_based(one):
    # 40% email, 40% last direct, 20% over the two middle touches (direct, search)
    assert totals(one, "position_based") == pytest.approx({"direct": 5, "email": 4, "search": 1})
    two = pd.DataFrame({"path": ["a > b", "c"], "total_conversions": [10, 3]})
    assert totals(two, "position_based") == pytest.approx({"a": 5, "b": 5, "c": 3})
    skew = totals(two, "position_based", first=0.3, last=0.5)
    assert skew == pytest.approx({"a": 3.75, "b": 6.25, "c": 3})
    three = pd.DataFrame({"path": ["a > b > c"], "total_conversions": [1]})
    assert totals(three, "position_based", first=0.5, last=0.5) == pytest.approx(
        {"a": 0.5, "b": 0, "c": 0.5}
    )


def test_time_decay_by_steps(one):
    # dt = 3, 2, 1, 0 steps; half-life 1: weights 1/8, 1/4, 1/2, 1 (sum 15/8)
    got = totals(one, "time_decay", half_life=1)
    assert got == pytest.approx({"email": 10 / 15, "direct": 100 / 15, "search": 40 / 15})
    # default half-life 7 steps
    w = 2.0 ** (-np.array([3, 2, 1, 0]) / 7)
    w /= w.sum()
    want = {"email": 10 * w[0], "direct": 10 * (w[1] + w[3]), "search": 10 * w[2]}
    assert totals(one, "time_decay") == pytest.approx(want)


def test_time_decay_with_days():
    df = pd.DataFrame(
        {
            "path": [PATH, PATH],
            "total_conversions": [6, 6],
            "times": ["7 > 7 > 0 > 0", [14, 7, 7, 0]],
        }
    )
    # row 1: weights .5 .5 1 1 -> email 1/6, direct 1/2, search 1/3 of 6
    # row 2: weights .25 .5 .5 1 (sum 2.25) -> email 1/9, direct 2/3, search 2/9 of 6
    got = totals(df, "time_decay")
    assert got == pytest.approx({"email": 1 + 6 / 9, "direct": 3 + 4, "search": 2 + 12 / 9})
    per_touch = credit_paths(df, "time_decay")
    assert per_touch["times"].tolist() == ["14 > 7 > 7 > 0"] * 4 + ["7 > 7 > 0 > 0"] * 4
    assert per_touch.groupby("times")["credit"].sum().tolist() == pytest.approx([1, 1])


def test_separator_and_whitespace():
    df = pd.DataFrame({"path": [" a|b |  a ", "a | b|a"], "total_conversions": [1, 2]})
    got = credit_paths(df, "linear", sep="|")
    assert got["path"].unique().tolist() == ["a > b > a"]  # identical paths were merged
    assert got["total_conversions"].tolist() == pytest.approx([1, 1, 1])


def test_credit_paths_positions_and_values(one):
    got = credit_paths(one, "position_based")
    assert got["position"].tolist() == [0, 1, 2, 3]
    assert got["channel"].tolist() == ["email", "direct", "search", "direct"]
    assert got["credit"].tolist() == pytest.approx([0.4, 0.1, 0.1, 0.4])
    assert got["total_conversion_value"].tolist() == pytest.approx([40, 10, 10, 40])
