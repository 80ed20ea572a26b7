"""Issue 10, item 10: untouched GA4 Traffic / User acquisition downloads
(tests/fixtures/ga4/real/README.md)."""

from __future__ import annotations

import datetime as dt

from tests.conftest import FIXTURES

REAL = FIXTURES / "ga4" / "real"


def q(ws, sql):
    return ws.store.raw.execute(sql).fetchall()


def test_traffic_acquisition_by_channel_group(ws):
    [res] = ws.import_files([REAL / "traffic_acquisition_channel_group.csv"])
    assert (res.source, res.report) == ("ga4", "report")
    got = q(ws, "SELECT medium, channel, sessions, metric_date FROM traffic_daily ORDER BY 3 DESC")
    assert [(m, c, s) for m, c, s, _ in got] == [
        ("organic search", "Organic Search", 800), ("direct", "Direct", 580),
        ("paid social", "Paid Social", 420), ("organic social", "Organic Social", 210),
        ("email", "Email", 60), ("unassigned", "Unmapped", 35),
    ]  # fmt: skip
    assert {d for *_, d in got} == {dt.date(2025, 6, 1)}  # period totals, on the start day
    kinds = {k for (k,) in q(ws, "SELECT kind FROM dq_findings")}
    assert {"channel_group_only", "period_total", "ignored_table"} <= kinds
    assert q(ws, "SELECT sum(sessions) FROM traffic_daily") == [(2105,)]  # the file's total


def test_user_acquisition_by_first_user_channel_group(ws):
    [res] = ws.import_files([REAL / "user_acquisition_channel_group.csv"])
    assert res.report == "report"
    assert q(ws, "SELECT channel, users, sessions FROM traffic_daily ORDER BY users DESC") == [
        ("Organic Search", 600, None),
        ("Direct", 500, None),
        ("Paid Social", 400, None),
    ]
