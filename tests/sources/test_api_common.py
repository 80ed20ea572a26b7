"""What every connector answers alike, checked once per source over `api_kit.SOURCES`: a
second sync of the same days changes nothing, a refresh the platform refuses ends the
connection with the command that fixes it, and rate limits and server errors are waited out
and asked again. Each source's own faults are its documented ones (in its fake); what only one
platform does stays in `tests/sources/<name>/test_api.py`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from socialroi.store import connections as conns
from socialroi.sync.run import sync
from tests.fakes.youtube import rate_limited
from tests.sources.api_kit import SOURCES
from tests.sync.conftest import config_dir as config_dir  # noqa: F401 - the fixture


@pytest.fixture
def source(request, monkeypatch, config_dir):  # noqa: F811
    """(the source's set-up, its fake serving and filled)."""
    src = SOURCES[request.param]
    with src.serving(monkeypatch) as fake:
        yield src, fake


def _count(ws, sql: str) -> int:
    return ws.store.raw.execute(sql).fetchone()[0]


@pytest.mark.parametrize("source", ["ga4", "hubspot", "salesforce", "shopify"], indirect=True)
def test_a_second_sync_changes_nothing(source, tmp_path):
    src, _ = source
    ws = src.connected(tmp_path)
    first = sync(ws, [src.name], src.opts())
    assert all(r.status == "ok" for r in first), [r.error for r in first]
    n = _count(ws, "SELECT count(*) FROM import_batches")
    got = sync(ws, [src.name], src.opts())
    assert [(r.status, r.new, r.changed) for r in got] == [("unchanged", 0, 0)] * len(first)
    # everything the first sync landed was read again and found the same
    assert sum(r.unchanged for r in got) == sum(r.new + r.changed for r in first)
    assert _count(ws, "SELECT count(*) FROM import_batches") == n


REFUSED = {  # an access token about to expire with a refresh token the platform refuses
    "ga4": {"token": "ya29.stale", "refresh_token": "1//revoked"},
    "hubspot": {"token": "stale", "refresh_token": "rt-voided"},
    "salesforce": {"token": "00D!stale", "refresh_token": "5Aep-voided"},
    "youtube": {"token": "ya29.stale", "refresh_token": "1//revoked",
                "client_id": "app.apps.googleusercontent.com"},
}  # fmt: skip


@pytest.mark.parametrize("source", sorted(REFUSED), indirect=True)
def test_a_refused_refresh_names_the_fix(source, tmp_path):
    src, _ = source
    ws = src.connected(tmp_path, expires_in=60, **REFUSED[src.name])
    # the connection fails alone: a failed line, not an exception
    got = sync(ws, [src.name], src.opts())
    assert got and all(r.status == "failed" for r in got)
    assert re.search(f"socialroi connect {src.name}", got[0].error), got[0].error
    assert conns.get_connection(ws.store, src.name).health == "expired"


@dataclass(frozen=True)
class Limited:
    """Faults served before the handlers (pattern, status, headers, body): a rate limit with
    its documented answer, and server errors; the wait the rate limit asks for (`first`: the
    first wait; else a server error on a call made earlier came first), the number of waits,
    the streams synced and what must then be stored."""

    faults: tuple[tuple[str, int, dict[str, str], Any], ...]
    wait: float
    waits: int
    stored: Callable[[Any, list], None]
    streams: tuple[str, ...] | None = None
    first: bool = True


def _records(stream: str, n: int) -> Callable[[Any, list], None]:
    def check(ws, results) -> None:
        assert {r.stream: r.records for r in results}[stream] == n

    return check


def _rows(sql: str, n: int) -> Callable[[Any, list], None]:
    def check(ws, results) -> None:
        assert _count(ws, sql) == n

    return check


LIMITED = {
    "ga4": Limited(
        ((r":runReport$", 429, {"Retry-After": "30"},
          {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED",
                     "message": "Exhausted property tokens per hour."}}),
         (r":runReport$", 503, {}, {"error": {"code": 503, "status": "UNAVAILABLE"}})),
        30.0, 2, _rows("SELECT count(*) FROM traffic_daily", 150)),
    "hubspot": Limited(
        ((r"deals/search$", 429, {"Retry-After": "1"},
          {"status": "error", "category": "RATE_LIMITS",
           "message": "You have reached your secondly limit."}),
         (r"/crm/v3/pipelines/deals$", 502, {}, b"Bad Gateway")),
        1.0, 2, _records("deals", 24), first=False),
    "salesforce": Limited(
        ((r"/query$", 429, {"Retry-After": "3"},
          [{"message": "Too many requests", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]),
         (r"/query/", 503, {}, b"Service Unavailable")),
        3.0, 2, _records("opportunities", 20)),
    "shopify": Limited(
        ((r"graphql\.json$", 429, {"Retry-After": "2.0"},
          {"errors": "Exceeded 2 calls per second for api client."}),
         (r"graphql\.json$", 503, {}, b"<html>unavailable</html>")),
        2.0, 2, _records("orders", 40)),
    "youtube": Limited(
        ((r"/playlistItems$", 429, {"Retry-After": "7"}, None),
         (r"/videos$", 403, {}, rate_limited()),
         (r"/v2/reports$", 503, {}, {"error": {"code": 503, "status": "UNAVAILABLE"}})),
        7.0, 3, _rows("SELECT count(*) FROM post_metrics", 3), ("videos", "channel_days")),
}  # fmt: skip


@pytest.mark.parametrize("source", sorted(LIMITED), indirect=True)
def test_rate_limits_and_server_errors_are_retried(source, tmp_path):
    src, fake = source
    case = LIMITED[src.name]
    ws = src.connected(tmp_path)
    for pattern, status, headers, body in case.faults:
        fake.fake.fault(pattern, status=status, headers=headers, body=body)
    waits: list[float] = []
    streams = list(case.streams) if case.streams else None
    got = sync(ws, [src.name], src.opts(sleep=waits.append, streams=streams))
    assert all(r.status == "ok" for r in got), [r.error for r in got]
    assert (waits[0] if case.first else waits[1]) == case.wait and len(waits) == case.waits
    case.stored(ws, got)
