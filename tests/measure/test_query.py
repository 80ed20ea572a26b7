"""One Query, parsed and checked once: friendly names, clear refusals, and the question the
measures answer is the one asked."""

import pytest

from socialroi import Workspace
from socialroi.errors import SocialroiError, UnknownName
from socialroi.measure.query import Query
from socialroi.measure.roi import roi
from socialroi.model.periods import parse_period


def test_friendly_names():
    q = Query.parse("2026-Q3", platforms=["Meta", "twitter", "facebook"], markets=["uk", "us"])
    assert q.platforms == ("facebook", "instagram", "x")
    assert q.markets == ("GB", "US")


def test_a_parsed_query_passes_through_unchanged():
    q = Query.parse("2026-Q3", compare="yoy", profile="b2b")
    assert Query.parse(q) is q
    p = parse_period("2025-Q3")
    assert (q.compare_period.start, q.compare_period.end) == (p.start, p.end)
    assert q.model == q.profile.model


@pytest.mark.parametrize(
    ("kw", "says"),
    [
        ({"compare": "last"}, "unknown comparison 'last'"),
        ({"profile": "dct"}, "did you mean 'dtc'"),
        ({"model": "markv"}, "markov"),
        ({"grain": "day"}, "unknown grain 'day'"),
    ],
)
def test_wrong_parts_say_what_is_valid(kw, says):
    with pytest.raises(SocialroiError, match=says):
        Query.parse("2026-Q3", **kw)


def test_unknown_platforms_and_markets_name_the_closest(tiny_demo):
    with Workspace.open(tiny_demo) as ws:
        with pytest.raises(UnknownName, match="did you mean 'tiktok'"):
            roi(ws, "2026-Q3", by=("platform",), platforms=["tiktk"])
        got = roi(ws, "2026-Q3", by=("platform",), platforms=["meta"], markets=["uk", "us"])
    assert set(got.table.platform) <= {"facebook", "instagram"}
