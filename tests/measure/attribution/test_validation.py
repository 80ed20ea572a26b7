"""Bad input gives a clear ValueError naming the column and row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from socialroi.measure.attribution import (
    AttributionInputError,
    attribute_paths,
    available_models,
    credit_paths,
    register_model,
)
from socialroi.measure.attribution.registry import MODELS, Credits


def df(**cols) -> pd.DataFrame:
    base = {"path": ["a > b", "b"], "total_conversions": [1, 2]}
    return pd.DataFrame(base | cols)


def test_missing_column_is_named():
    with pytest.raises(ValueError, match="'total_conversions'"):
        attribute_paths(pd.DataFrame({"path": ["a"]}), "linear")
    with pytest.raises(ValueError, match="'path'"):
        attribute_paths(pd.DataFrame({"total_conversions": [1]}), "linear")


@pytest.mark.parametrize(
    ("column", "values"),
    [
        ("total_conversions", [1, -1]),
        ("total_null", [0, -3]),
        ("total_conversion_value", [0.0, float("inf")]),
        ("total_conversions", [1.0, float("nan")]),
        ("total_conversions", [1, "many"]),
    ],
)
def test_bad_counts_name_column_and_row(column, values):
    frame = df(**{column: values})
    frame.index = ["first", "second"]
    with pytest.raises(AttributionInputError, match=f"'{column}'.*'second'"):
        attribute_paths(frame, "linear")


@pytest.mark.parametrize("path", ["", "   ", "a >  > b", "a > b >", None, np.nan])
def test_empty_path_or_touch_names_row(path):
    frame = pd.DataFrame({"path": ["a", path], "total_conversions": [1, 1]}, index=[10, 11])
    with pytest.raises(ValueError, match="'path' row 11"):
        attribute_paths(frame, "markov")


def test_non_text_path():
    with pytest.raises(ValueError, match="'path' row 1"):
        attribute_paths(pd.DataFrame({"path": ["a", 3], "total_conversions": [1, 1]}), "linear")


def test_bad_times():
    frame = df(times=["1 > 0", "1 > 0"])
    with pytest.raises(ValueError, match="'times' row 1: need 1"):
        attribute_paths(frame, "time_decay")
    with pytest.raises(ValueError, match="'times' row 0"):
        attribute_paths(df(times=["x > 0", "0"]), "time_decay")
    with pytest.raises(ValueError, match="'times' row 0"):
        attribute_paths(df(times=[5, "0"]), "time_decay")
    with pytest.raises(ValueError, match="half_life"):
        attribute_paths(df(), "time_decay", half_life=0)


def test_unknown_model_lists_valid_names():
    with pytest.raises(ValueError, match="unknown attribution model 'markow'") as err:
        attribute_paths(df(), "markow")
    for name in available_models():
        assert name in str(err.value)
    assert {"markov", "shapley", "fractribution", "linear", "time_decay"} <= set(available_models())


def test_bad_parameters():
    with pytest.raises(ValueError, match="model 'linear'.*half_life"):
        attribute_paths(df(), "linear", half_life=3)
    with pytest.raises(ValueError, match="order"):
        attribute_paths(df(), "markov", order=0)
    with pytest.raises(ValueError, match="valid solvers"):
        attribute_paths(df(), "markov", solver="magic")
    with pytest.raises(ValueError, match="allocation"):
        attribute_paths(df(), "shapley", allocation="both")
    with pytest.raises(ValueError, match="journey"):
        credit_paths(df(), "markov", allocation="global")
    with pytest.raises(ValueError, match="path_transform"):
        attribute_paths(df(), "fractribution", path_transform="nope")
    with pytest.raises(ValueError, match="first"):
        attribute_paths(df(), "position_based", first=0.8, last=0.8)
    with pytest.raises(ValueError, match="DataFrame"):
        attribute_paths([("a", 1)], "linear")


def test_register_model_adds_a_kernel():
    def everything_to_first(table, **_):
        return Credits((table.position == 0).astype(float))

    register_model("test_first", everything_to_first)
    try:
        got = attribute_paths(df(), "test_first")
        assert got["total_conversions"].tolist() == [1, 2]
    finally:
        MODELS.pop("test_first")


def test_empty_table_gives_empty_result():
    empty = pd.DataFrame({"path": pd.Series([], dtype=object), "total_conversions": []})
    assert attribute_paths(empty, "markov").empty
    assert credit_paths(empty, "linear").empty
    with pytest.raises(ValueError, match="valid models"):
        attribute_paths(empty, "nope")


def test_categorical_and_journey_level_input():
    journeys = pd.DataFrame(
        {
            "path": pd.Categorical(["a > b", "a>b", " a > b ", "b", "b", "a > b"]),
            "total_conversions": [1, 0, 1, 0, 1, 0],
            "total_null": [0, 1, 0, 1, 0, 1],
        }
    )
    aggregated = pd.DataFrame(
        {"path": ["a > b", "b"], "total_conversions": [2, 1], "total_null": [2, 1]}
    )
    for model in ("markov", "shapley", "linear", "fractribution"):
        a = attribute_paths(journeys, model)
        b = attribute_paths(aggregated, model)
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)
    per_touch = credit_paths(journeys, "linear")
    assert per_touch["path"].tolist() == ["a > b", "a > b", "b"]
    assert per_touch["total_conversions"].tolist() == [1, 1, 1]


def test_missing_optional_cells_count_as_zero():
    frame = df(total_conversion_value=[10.0, None], total_null=[None, 3])
    got = attribute_paths(frame, "last_click")
    assert got["total_conversion_value"].tolist() == [0.0, 10.0]
    assert attribute_paths(frame, "markov")["total_conversions"].sum() == pytest.approx(3)


@pytest.mark.parametrize(
    "counts",
    [
        [3, 0, 2],  # int64
        np.array([3, 0, 2], dtype=np.uint8),
        np.array([3.0, 0.0, 2.0], dtype=np.float32),
        pd.array([3, 0, 2], dtype="Int64"),  # a nullable extension column: parsed
        ["3", "0", "2.0"],  # text: parsed
    ],
)
def test_count_columns_of_any_type_read_alike(counts):
    """numpy numbers are read as they are, anything else parsed: the same table either way,
    a missing optional float cell (NaN) counting as zero."""
    base = pd.DataFrame({"path": ["a > b", "b", "a"], "total_conversions": [1, 2, 1]})
    frame = base.assign(total_null=counts, total_conversion_value=[1.5, np.nan, 2.0])
    got = attribute_paths(frame, "markov")
    want = attribute_paths(
        base.assign(total_null=[3.0, 0.0, 2.0], total_conversion_value=[1.5, 0.0, 2.0]),
        "markov",
    )
    pd.testing.assert_frame_equal(got, want)


def test_diagnostics_are_shared_read_only_through_derived_frames():
    """attrs["info"] is read-only, so pandas' copy of attrs into each column shares it; it
    still compares, serialises and pickles as the plain dict it holds."""
    import copy
    import json
    import pickle

    got = attribute_paths(df(total_null=[1, 1]), "markov")
    info = got.attrs["info"]
    assert got["channel"].attrs["info"] is info
    assert copy.deepcopy(info) is info
    assert pickle.loads(pickle.dumps(info)) == info == json.loads(json.dumps(info))
    assert set(info["removal_effects"]) == {"a", "b"}
    for change in (
        lambda: info.__setitem__("solver", "x"),
        lambda: info["removal_effects"].update(a=0.0),
        lambda: info.pop("solver"),
    ):
        with pytest.raises(TypeError, match="read-only"):
            change()
    mine = dict(info)
    mine["solver"] = "x"
    assert info["solver"] == "direct"
