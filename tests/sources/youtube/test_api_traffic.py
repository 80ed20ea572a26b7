"""The `traffic_sources` stream (Analytics API, views by traffic source and day) against the
fake: one report a window (the API pages nothing here), the lag window re-read, a malformed
answer storing nothing, a second sync changing nothing, and the same rows as importing
Studio's Traffic source export of the same days."""

from __future__ import annotations

import datetime as dt

import pytest

from socialroi import Workspace
from socialroi.sources.youtube.traffic import source_name
from socialroi.store import connections as conns
from socialroi.sync.run import sync
from tests.fakes.youtube import HANDLE
from tests.sources.youtube.test_api import by_stream, connected, opts, q
from tests.sources.youtube.test_api import yt as yt  # noqa: F401 - the fake, as a fixture
from tests.sync.conftest import config_dir as config_dir  # noqa: F401 - the fixture

STREAM = ["traffic_sources"]


def rows(ws: Workspace, where: str = "") -> list[tuple]:
    return q(ws, "SELECT metric_date, source_type, source_name, views, watch_seconds "
                 f"FROM view_sources {where} ORDER BY 1, 2")  # fmt: skip


def test_views_by_source_and_day(yt, tmp_path):  # noqa: F811
    ws = connected(tmp_path)
    [res] = sync(ws, ["youtube"], opts(streams=STREAM))
    assert res.status == "ok" and res.new == 50, res.error
    [call] = yt.fake.calls(r"/v2/reports$")  # ten days, one report, no page
    assert call.query["dimensions"] == "day,insightTrafficSourceType"
    assert call.query["metrics"] == "views,estimatedMinutesWatched"
    assert (call.query["startDate"], call.query["endDate"]) == ("2026-03-01", "2026-03-10")
    day = rows(ws, "WHERE metric_date = DATE '2026-03-05'")
    src = {s: yt.sources["2026-03-05", s] for s in ("EXT_URL", "SUBSCRIBER")}
    assert day[0] == (dt.date(2026, 3, 5), "EXT_URL", "External", src["EXT_URL"]["views"],
                      src["EXT_URL"]["estimatedMinutesWatched"] * 60)  # fmt: skip
    assert [r[1:3] for r in day] == [(c, source_name(c)) for c in
                                     ("EXT_URL", "NO_LINK_OTHER", "RELATED_VIDEO", "SUBSCRIBER",
                                      "YT_SEARCH")]  # fmt: skip
    # the sources add up to the channel's views of the day, and every row knows its batch
    assert q(ws, "SELECT sum(views) FROM view_sources") == [
        (sum(d["views"] for d in yt.days.values()),)]  # fmt: skip
    assert q(ws, "SELECT count(*) FROM view_sources WHERE batch_id IS NULL") == [(0,)]
    again = sync(ws, ["youtube"], opts(streams=STREAM))[0]
    assert (again.status, again.new, again.changed) == ("unchanged", 0, 0)


def test_the_lag_window_is_re_read(yt, tmp_path):  # noqa: F811
    ws = connected(tmp_path)
    sync(ws, ["youtube"], opts(streams=STREAM))
    yt.sources["2026-03-09", "YT_SEARCH"]["views"] = 999  # YouTube revised a recent day
    yt.sources["2026-03-11", "SHORTS"] = {"views": 12, "estimatedMinutesWatched": 3.5}
    today = dt.date(2026, 3, 11)
    [res] = sync(ws, ["youtube"], opts(since=None, until=today, today=today, streams=STREAM))
    assert res.window == "2026-03-08..2026-03-11"
    assert (res.new, res.changed, res.unchanged) == (1, 1, 14)
    assert rows(ws, "WHERE metric_date = DATE '2026-03-11'") == [
        (dt.date(2026, 3, 11), "SHORTS", "Shorts feed", 12, 210.0)]  # fmt: skip


def test_a_source_youtube_added_later_is_kept_under_its_code(yt, tmp_path):  # noqa: F811
    ws = connected(tmp_path)
    yt.sources["2026-03-02", "BRAND_NEW_FEED"] = {"views": 4, "estimatedMinutesWatched": 1.0}
    [res] = sync(ws, ["youtube"], opts(streams=STREAM))
    assert res.status == "ok", res.error
    assert rows(ws, "WHERE source_type = 'BRAND_NEW_FEED'") == [
        (dt.date(2026, 3, 2), "BRAND_NEW_FEED", "BRAND_NEW_FEED", 4, 60.0)]  # fmt: skip


_HEADS = [{"name": n} for n in ("day", "insightTrafficSourceType", "views",
                                "estimatedMinutesWatched")]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"columnHeaders": _HEADS[:1] + _HEADS[2:], "rows": []}, "columns"),
        ({"columnHeaders": _HEADS, "rows": [["2026-03-01", "YT_SEARCH", 1]]}, "lists of 4"),
        ({"columnHeaders": _HEADS, "rows": [["2026-03-01", "YT_SEARCH", "many", 1.0]]}, "views"),
        ({"columnHeaders": _HEADS, "rows": [["2026-03-01", "<b>x</b>", 3, 1.0]]},
         "insightTrafficSourceType"),
        ({"columnHeaders": _HEADS, "rows": [["2026-03-01", "YT_SEARCH", 3, -1.0]]}, "watch"),
        ({"columnHeaders": _HEADS, "rows": [["03/01/2026", "YT_SEARCH", 3, 1.0]]}, "day"),
        ({"columnHeaders": _HEADS, "rows": [["2026-03-01", "YT_SEARCH", 3, 1.0],
                                            ["2026-03-01", "YT_SEARCH", 4, 1.0]]}, "twice"),
    ],
)  # fmt: skip
def test_a_malformed_answer_stores_nothing(yt, tmp_path, body, says):  # noqa: F811
    ws = connected(tmp_path)
    yt.fake.fault(r"/v2/reports$", status=200, body=body)
    [res] = sync(ws, ["youtube"], opts(streams=STREAM))
    assert res.status == "failed" and says in res.error, res.error
    assert "traffic_sources" in res.error
    assert q(ws, "SELECT count(*) FROM view_sources") == [(0,)]
    assert conns.cursor(ws.store, "youtube", HANDLE, "traffic_sources") is None


def studio_traffic(tmp_path, yt) -> str:  # noqa: F811
    """The fake's figures as Studio's Traffic source export (README of the fixture folder
    tests/fixtures/youtube/traffic): Chart data with every source ticked, Studio's names, and
    the channel's Totals."""
    folder = tmp_path / "@voltiqtech" / "Traffic source 2026-03-01_2026-03-10 Voltiq Tech"
    folder.mkdir(parents=True)
    chart = ["Date,Traffic source,Views"]
    chart += [f"{d},{source_name(s)},{v['views']}" for (d, s), v in sorted(yt.sources.items())]
    (folder / "Chart data.csv").write_text("\n".join(chart) + "\n")
    totals = ["Date,Views"] + [f"{d},{v['views']}" for d, v in sorted(yt.days.items())]
    (folder / "Totals.csv").write_text("\n".join(totals) + "\n")
    return str(folder)


def test_the_api_and_studio_files_give_the_same_rows(yt, tmp_path):  # noqa: F811
    from click.testing import CliRunner

    from socialroi.deliver.cli.main import main

    run = CliRunner().invoke
    f, a = str(tmp_path / "files.duckdb"), str(tmp_path / "api.duckdb")
    got = run(main, ["import", "-w", f, studio_traffic(tmp_path, yt)])
    assert got.exit_code == 0, got.output
    got = run(main, ["connect", "youtube", "-w", a, "--token", "ya29.good", "--account", HANDLE])
    assert got.exit_code == 0, got.output
    got = run(main, ["sync", "youtube", "-w", a, "--stream", "traffic_sources", "--since",
                     "2026-03-01", "--until", "2026-03-10"])  # fmt: skip
    assert "youtube/traffic_sources @voltiqtech 2026-03-01..2026-03-10: 50 new" in got.output
    cols = "account_id, platform, metric_date, source_type, source_name, views"
    with Workspace.open(f) as wf, Workspace.open(a) as wa:
        file_rows = q(wf, f"SELECT {cols} FROM view_sources ORDER BY ALL")
        assert len(file_rows) == 50 and file_rows == q(
            wa, f"SELECT {cols} FROM view_sources ORDER BY ALL"
        )
        # the file has no watch time by source; the API has
        assert q(wf, "SELECT count(watch_seconds) FROM view_sources") == [(0,)]
        assert q(wa, "SELECT count(watch_seconds) FROM view_sources") == [(50,)]
    # a sync into the workspace that holds the files: the same rows, nothing doubles
    got = run(main, ["connect", "youtube", "-w", f, "--token", "ya29.good", "--account", HANDLE])
    got = run(main, ["sync", "youtube", "-w", f, "--stream", "traffic_sources", "--since",
                     "2026-03-01", "--until", "2026-03-10"])  # fmt: skip
    assert got.exit_code == 0, got.output
    with Workspace.open(f) as wf:
        assert q(wf, "SELECT count(*), count(watch_seconds), sum(views) FROM view_sources") == [
            (50, 50, sum(d["views"] for d in yt.days.values()))]  # fmt: skip


def test_the_stream_is_listed_with_the_others(yt, tmp_path):  # noqa: F811
    ws = connected(tmp_path)
    res = by_stream(sync(ws, ["youtube"], opts(streams=["channel_days", "traffic_sources"])))
    assert res["channel_days"].status == res["traffic_sources"].status == "ok"
    assert len(yt.fake.calls(r"/v2/reports$")) == 2
