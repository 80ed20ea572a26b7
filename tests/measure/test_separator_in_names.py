"""A campaign, ad or UTM name holding the path separator (`>`) stays one name: "Summer > Sale"
is credited as itself, never split into "Summer" and "Sale" (issue 11, item 7)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from socialroi.journeys.touches import JourneySettings
from socialroi.measure.attribution.workspace import attribute, touch_credits
from socialroi.model.periods import parse_period
from socialroi.model.schema import TABLES
from socialroi.store.loader import upsert
from tests.journeys.test_journeys import conv, touch

PERIOD = parse_period("2026-07-01..2026-09-30")
SETTINGS = JourneySettings(by=("campaign",))


@pytest.fixture
def sale_ws(ws):
    touches = [
        touch(1, 0, "v1", "instagram", "Paid Social", True, campaign="Summer > Sale"),
        touch(2, 1, "v2", "instagram", "Paid Social", True, campaign="Sale"),
        touch(3, 2, "v3", "tiktok", "Paid Social", True, campaign="Sale"),
        touch(4, 3, "v3", "instagram", "Paid Social", True, campaign="Summer > Sale"),
    ]
    convs = [
        conv("c1", 5, 100.0, visitor="v1"),
        conv("c2", 5, 50.0, visitor="v2"),
        conv("c3", 5, 20.0, visitor="v3"),
    ]
    with ws.store.transaction() as raw:
        upsert(raw, TABLES["touchpoints"], pa.Table.from_pylist(touches))
        upsert(raw, TABLES["conversions"], pa.Table.from_pylist(convs))
    return ws


@pytest.mark.parametrize("model", ["last_click", "first_click", "linear", "markov", "shapley"])
def test_a_name_with_the_separator_is_credited_as_itself(sale_ws, model):
    got = attribute(sale_ws, model, PERIOD, SETTINGS).set_index("unit")
    assert set(got.index) == {"Summer > Sale", "Sale"}
    assert got.value.sum() == pytest.approx(170.0)
    if model == "last_click":
        assert got.value["Summer > Sale"] == pytest.approx(120.0)
        assert got.value["Sale"] == pytest.approx(50.0)
    if model == "first_click":
        assert got.value["Summer > Sale"] == pytest.approx(100.0)
        assert got.value["Sale"] == pytest.approx(70.0)


def test_touch_credits_keep_the_name_whole(sale_ws):
    got = touch_credits(sale_ws, "linear", PERIOD, SETTINGS)
    assert set(got.unit) == {"Summer > Sale", "Sale"}
    by_touch = got.set_index("touch_id").value
    assert by_touch["t1"] == pytest.approx(100.0) and by_touch["t2"] == pytest.approx(50.0)
    assert by_touch["t3"] == pytest.approx(10.0) and by_touch["t4"] == pytest.approx(10.0)
