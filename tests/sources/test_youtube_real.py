"""Issue 10, items 3 and 9: YouTube Studio files re-saved by a spreadsheet
(tests/fixtures/youtube/resaved/README.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from socialroi.errors import ImportFailed
from tests.conftest import FIXTURES

RESAVED = FIXTURES / "youtube" / "resaved"
TOTALS = RESAVED / "Content 2025-06-13_2025-07-01 Voltiq Tech" / "Totals.csv"
TABLE = RESAVED / "Content 2026-06-01_2026-07-20 Voltiq Tech" / "Table data.csv"


def q(ws, sql):
    return ws.store.raw.execute(sql).fetchall()


def test_day_first_totals_are_read_day_first_for_the_whole_column(ws):
    [res] = ws.import_files([TOTALS], account="@voltiqtech")
    assert res.report == "totals"
    days = [d for (d,) in q(ws, "SELECT metric_date FROM account_metrics ORDER BY 1")]
    assert days == [dt.date(2025, 6, 13), dt.date(2025, 6, 20), dt.date(2025, 6, 30),
                    dt.date(2025, 7, 1)]  # fmt: skip
    assert max(days) <= dt.date(2025, 7, 1)  # nothing after the export


def test_a_date_after_the_export_fails(ws, tmp_path):
    folder = tmp_path / "Content 2025-06-13_2025-06-30 Voltiq Tech"
    folder.mkdir()
    (folder / "Totals.csv").write_text(TOTALS.read_text())
    with pytest.raises(ImportFailed) as e:
        ws.import_files([folder / "Totals.csv"], account="@voltiqtech")
    assert "after the day the file was exported" in str(e.value) and e.value.row == 5


def test_empty_publish_times_and_excel_dates_import_with_a_finding(ws):
    [res] = ws.import_files([TABLE], account="@voltiqtech")
    assert res.report == "table_data" and res.tables["post_metrics"] == 3
    got = q(ws, "SELECT p.native_id, p.local_date, m.metric_date, m.views FROM posts p "
                "JOIN post_metrics m USING (post_id) ORDER BY p.native_id")  # fmt: skip
    assert got == [
        ("-aB3cD4eF5g", dt.date(2026, 7, 16), dt.date(2026, 7, 16), 980),
        ("Zz9Yy8Xx7Ww", None, dt.date(2026, 7, 20), 400),
        ("dQw4w9WgXcQ", dt.date(2026, 6, 3), dt.date(2026, 6, 3), 1850),
    ]
    assert q(ws, "SELECT kind, rows FROM dq_findings WHERE kind = 'no_publish_time'") == [
        ("no_publish_time", 1)
    ]
