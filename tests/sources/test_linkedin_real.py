"""Issue 10, item 11: a LinkedIn page file downloaded twice keeps its page."""

from __future__ import annotations

import shutil

import pytest

from socialroi import Workspace
from tests.conftest import FIXTURES

CONTENT = FIXTURES / "linkedin" / "voltiq_content_1736380800000.xls"


@pytest.mark.parametrize("suffix", [" 1", " (1)", "-2"])
def test_a_file_downloaded_twice_still_names_its_page(tmp_path, suffix):
    again = tmp_path / f"voltiq_content_1736380800000{suffix}.xls"
    shutil.copy(CONTENT, again)
    with Workspace.open(tmp_path / "a.duckdb") as a, Workspace.open(tmp_path / "b.duckdb") as b:
        a.import_files([CONTENT])
        [res] = b.import_files([again])
        assert res.report == "page_content"
        sql = "SELECT account_id FROM accounts ORDER BY 1"
        assert b.store.raw.execute(sql).fetchall() == a.store.raw.execute(sql).fetchall()
        sql = "SELECT post_id, metric_date, as_of, impressions FROM post_metrics ORDER BY 1, 2"
        assert b.store.raw.execute(sql).fetchall() == a.store.raw.execute(sql).fetchall()
