"""The report tests' workspace: the session's tiny demo, copied once, with hostile captions."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.deliver.report import report_support as support


@pytest.fixture(scope="session")
def report_demo(tiny_demo, tmp_path_factory) -> Path:
    db = support.hostile_copy(tiny_demo, tmp_path_factory.mktemp("report-demo"))
    yield db
    support.close()
