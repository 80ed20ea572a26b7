import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest

from socialroi.errors import SocialroiError
from socialroi.journeys.touches import JourneySettings, aggregate_paths, journey_touches
from socialroi.model.periods import parse_period
from socialroi.model.schema import TABLES
from socialroi.store.loader import upsert

T0 = pd.Timestamp("2026-07-01 12:00", tz="UTC")


def touch(
    i,
    day,
    visitor,
    platform=None,
    channel="Organic Social",
    paid=False,
    user=None,
    email=None,
    campaign=None,
):
    return {
        "touch_id": f"t{i}",
        "occurred_at": T0 + pd.Timedelta(days=day),
        "local_date": (T0 + pd.Timedelta(days=day)).date(),
        "visitor_id": visitor,
        "user_id": user,
        "email_hash": email,
        "channel": channel,
        "channel_platform": platform,
        "paid": paid,
        "campaign": campaign,
        "batch_id": 1,
    }


def conv(cid, day, value, kind="purchase", user=None, email=None, visitor=None):
    return {
        "conversion_id": cid,
        "kind": kind,
        "occurred_at": T0 + pd.Timedelta(days=day),
        "local_date": (T0 + pd.Timedelta(days=day)).date(),
        "user_id": user,
        "email_hash": email,
        "visitor_id": visitor,
        "value": value,
        "currency": "USD",
        "value_base": value,
        "batch_id": 1,
    }


@pytest.fixture
def journeys_ws(ws):
    return load_journeys(ws)


def load_journeys(ws):
    """A hand-built set of touches and conversions with known journeys."""
    touches = [
        touch(1, 0, "v1", "tiktok"),
        touch(2, 2, "v1", "instagram", "Paid Social", True, campaign="summer"),
        touch(3, 3, "v1", "instagram", "Paid Social", True, campaign="summer"),
        touch(4, 4, "v1", None, "Direct", user="u1"),
        touch(5, 14, "v9", "pinterest", user="u1"),  # another device, same user
        touch(6, 1, "v2", "x"),  # never converts
        touch(7, -45, "v3", "youtube"),  # outside the 30-day lookback
        touch(8, 9, "v3", None, "Direct"),
        touch(9, 10, "v4", "linkedin", email="e4"),
    ]
    convs = [
        conv("c1", 5, 100.0, user="u1", email="e1"),
        conv("c2", 20, 50.0, email="e1"),  # stitched: e1 <- u1 <- v1, v9
        conv("c3", 10, 30.0, visitor="v3"),
        conv("c4", 60, 999.0, email="e4", kind="won"),
    ]
    with ws.store.transaction() as raw:
        upsert(raw, TABLES["touchpoints"], pa.Table.from_pylist(touches))
        upsert(raw, TABLES["conversions"], pa.Table.from_pylist(convs))
    return ws


def paths(ws, **kw):
    t = journey_touches(
        ws.table("touchpoints"),
        ws.table("conversions"),
        parse_period("2026-07-01..2026-09-30"),
        JourneySettings(**kw),
    )
    return aggregate_paths(t).execute().set_index("path").to_dict("index"), t.execute()


def test_stitching_lookback_and_null_journeys(journeys_ws):
    got, touches = paths(journeys_ws)
    assert got == {
        "tiktok > instagram > Direct": {
            "total_conversions": 1,
            "total_conversion_value": 100.0,
            "total_null": 0,
        },
        "pinterest": {"total_conversions": 1, "total_conversion_value": 50.0, "total_null": 0},
        "Direct": {"total_conversions": 1, "total_conversion_value": 30.0, "total_null": 0},
        "x": {"total_conversions": 0, "total_conversion_value": 0.0, "total_null": 1},
        # e4 converts only as a B2B `won`, not a purchase: a non-converting journey here.
        "linkedin": {"total_conversions": 0, "total_conversion_value": 0.0, "total_null": 1},
    }
    c1 = touches[touches.journey_id == "c1"].sort_values("position")
    assert c1.touch_id.tolist() == ["t1", "t2", "t4"] and c1.path_length.tolist() == [3, 3, 3]
    assert c1.days_before.tolist() == [5.0, 3.0, 1.0]


def test_transforms_and_direct(journeys_ws):
    assert "tiktok > instagram > instagram > Direct" in paths(journeys_ws, transform="unique")[0]
    got = paths(journeys_ws, direct="remove_unless_only")[0]
    assert "tiktok > instagram" in got and "Direct" in got  # only-Direct journey is kept
    got = paths(journeys_ws, transform="frequency")[0]
    assert "tiktok(1) > instagram(2) > Direct(1)" in got


def test_granularity_and_kinds(journeys_ws):
    got = paths(journeys_ws, by=("platform_paid",))[0]
    assert "tiktok organic > instagram paid > Direct" in got
    got = paths(journeys_ws, by=("campaign",))[0]
    assert "Organic Social > summer > Direct" in got
    got = paths(journeys_ws, kinds=("won",), lookback_by_kind={"won": 90})[0]
    assert got["linkedin"]["total_conversions"] == 1


def test_bad_settings():
    with pytest.raises(SocialroiError, match="valid: exposure, unique, first, frequency"):
        JourneySettings(transform="bogus")
    with pytest.raises(SocialroiError, match="positive"):
        JourneySettings(lookback_days=0)


def test_dates_are_dates():
    assert parse_period("2026-Q3").start == dt.date(2026, 7, 1)
