"""YouTube Studio's Traffic source export (tests/fixtures/youtube/traffic/README.md says which
layout it reproduces): the folder, its zip, each CSV alone, what is refused and why."""

from __future__ import annotations

import datetime as dt
import random
import zipfile
from pathlib import Path

import pytest

from socialroi import Workspace
from socialroi.errors import ImportFailed
from socialroi.land.importer import detect
from socialroi.sources.base import ImportOptions, InputFile

FIX = Path(__file__).parents[2] / "fixtures" / "youtube" / "traffic" / "@voltiqtech"
NAME = "Traffic source 2025-01-06_2025-01-08 Voltiq Tech"
FOLDER = FIX / NAME
D6, D7, D8 = (dt.date(2025, 1, d) for d in (6, 7, 8))


@pytest.fixture
def ws(tmp_path):
    w = Workspace.open(tmp_path / "w.duckdb")
    yield w
    w.close()


def q(ws: Workspace, sql: str) -> list[tuple]:
    return ws.store.raw.execute(sql).fetchall()


def zipped(tmp_path: Path, members: dict[str, bytes] | None = None) -> Path:
    """The fixture folder as the zip Studio downloads, in a folder named after the handle."""
    out = tmp_path / "@voltiqtech" / f"{NAME}.zip"
    out.parent.mkdir(exist_ok=True)
    members = members or {p.name: p.read_bytes() for p in FOLDER.glob("*.csv")}
    names = list(members)
    random.Random(7).shuffle(names)  # member order does not matter
    with zipfile.ZipFile(out, "w") as zf:
        for n in names:
            zf.writestr(zipfile.ZipInfo(n, (2025, 1, 9, 10, 0, 0)), members[n])
    return out


def test_the_zip_lands_views_by_source_and_day(ws, tmp_path):
    [res] = ws.import_files([zipped(tmp_path)])
    assert (res.report, res.status) == ("traffic_export", "loaded")
    got = q(ws, "SELECT account_id, metric_date, source_type, source_name, views, watch_seconds "
                "FROM view_sources WHERE metric_date = DATE '2025-01-07' ORDER BY views DESC")  # fmt: skip
    assert got == [
        ("youtube:voltiqtech", D7, "SUBSCRIBER", "Browse features", 520, None),
        ("youtube:voltiqtech", D7, "RELATED_VIDEO", "Suggested videos", 380, None),
        ("youtube:voltiqtech", D7, "YT_SEARCH", "YouTube search", 240, None),
        ("youtube:voltiqtech", D7, "EXT_URL", "External", 85, None),
        ("youtube:voltiqtech", D7, "YT_CHANNEL", "Channel pages", 45, None),
    ]
    assert q(ws, "SELECT count(*), count(DISTINCT batch_id) FROM view_sources") == [(15, 1)]
    # Totals.csv: the channel's views by day, as the Content export's Totals
    assert q(ws, "SELECT metric_date, views FROM account_metrics ORDER BY 1") == [
        (D6, 740), (D7, 1285), (D8, 905)]  # fmt: skip
    # Table data: two sources have views but no day rows; said, with their figures
    [(kind, value, rows)] = q(ws, "SELECT kind, value, rows FROM dq_findings "
                                  "WHERE kind = 'traffic_source_not_charted'")  # fmt: skip
    assert rows == 2 and "Notifications (23 views)" in value and "Direct or unknown (15" in value
    [again] = ws.import_files([zipped(tmp_path)])
    assert again.status == "unchanged"


def test_the_folder_imports_file_by_file_to_the_same_rows(ws, tmp_path):
    results = ws.import_files([FOLDER], account="voltiqtech")
    assert sorted(r.report for r in results) == ["totals", "traffic_chart", "traffic_table"]
    assert q(ws, "SELECT sum(views) FROM view_sources") == [(2892,)]  # the five charted
    assert q(ws, "SELECT sum(views) FROM account_metrics") == [(2930,)]
    assert q(ws, "SELECT kind, value, rows FROM dq_findings WHERE kind LIKE 'traffic%'") == [
        ("traffic_period_totals", "2930", 7)]  # fmt: skip
    with Workspace.open(tmp_path / "zip.duckdb") as other:
        other.import_files([zipped(tmp_path)])
        cols = "account_id, metric_date, source_type, source_name, views"
        assert q(ws, f"SELECT {cols} FROM view_sources ORDER BY ALL") == q(
            other, f"SELECT {cols} FROM view_sources ORDER BY ALL"
        )


@pytest.mark.parametrize(
    ("name", "report"),
    [("Chart data.csv", "traffic_chart"), ("Table data.csv", "traffic_table")],
)
def test_detection_tells_traffic_from_content(name, report):
    got = detect(InputFile.from_path(FOLDER / name), ImportOptions())
    assert got.key == f"youtube/{report}"


def test_the_zip_is_not_taken_for_a_content_export(tmp_path):
    got = detect(InputFile.from_path(zipped(tmp_path)), ImportOptions())
    assert got.key == "youtube/traffic_export"


def test_api_codes_and_new_sources_are_kept(ws, tmp_path):
    f = tmp_path / "@voltiqtech" / "Chart data.csv"
    f.parent.mkdir()
    f.write_text("Date,Traffic source,Views,Watch time (hours)\n"
                 "2025-01-06,SHORTS,40,0.5\n2025-01-06,Live shopping,3,0.25\n")  # fmt: skip
    [res] = ws.import_files([f])
    assert res.report == "traffic_chart"
    assert q(ws, "SELECT source_type, source_name, views, watch_seconds FROM view_sources "
                 "ORDER BY 1") == [("LIVE_SHOPPING", "Live shopping", 3, 900.0),
                                   ("SHORTS", "Shorts feed", 40, 1800.0)]  # fmt: skip
    assert q(ws, "SELECT kind, value FROM dq_findings WHERE kind LIKE 'unknown%'") == [
        ("unknown_traffic_source", "Live shopping")]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Date,Traffic source,Views\n2025-01-06,External,many\n", "not a number"),
        ("Date,Traffic source,Views\n2025-01-06,,4\n", "no traffic source"),
        ("Date,Traffic source,Views\n2025-01-06,External,4\n2025-01-06,External,5\n",
         "appear twice"),
        ("Date,Traffic source,Watch time (hours)\n2025-01-06,External,4\n", "no Views column"),
    ],
)  # fmt: skip
def test_a_bad_chart_stores_nothing_and_says_where(ws, tmp_path, text, says):
    f = tmp_path / "@voltiqtech" / "Chart data.csv"
    f.parent.mkdir()
    f.write_text(text)
    with pytest.raises(ImportFailed, match=says) as e:
        ws.import_files([f], platform="youtube", report="traffic_chart")
    assert "Chart data.csv" in str(e.value)
    assert ws.store.count("view_sources") == 0 and ws.store.count("accounts") == 0


def test_a_zip_without_day_rows_is_refused(ws, tmp_path):
    only = {"Table data.csv": (FOLDER / "Table data.csv").read_bytes()}
    with pytest.raises(ImportFailed, match="no Chart data.csv"):
        ws.import_files([zipped(tmp_path, only)])
    assert ws.store.count("view_sources") == 0
